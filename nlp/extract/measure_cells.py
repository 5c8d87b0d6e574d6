"""Value cells of KPI tables: the `Cell` and `MeasureRow` records and reading one cell.

A value cell is read with its column header: the number, its unit (from the cell,
else the measure label), a trailing RAG letter, and the period, quarter or month the
header names ("2016-17 Target", "Q3 15/16", "Outturn (March 15)"). Words, RAG letters,
units and placeholders live in `nlp/data/performance.json` (`RULES`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from nlp.dates import MONTH_ABBREVIATIONS, month_number
from nlp.periods import Period, find_periods

RULES = json.loads((Path(__file__).parents[1] / "data" / "performance.json").read_text(encoding="utf-8"))

MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTH_ABBREVIATIONS) + r")[a-z]*\.?\s+((?:19|20)?\d\d)\b", re.I)
NUMBER = re.compile(r"^([<>≤≥]?)\s*([+-]?\d[\d,]*(?:\.\d+)?|[+-]?\.\d+)\s*(%|days?|weeks?)?\s*(.*)$", re.I)
_RAG_TAIL = re.compile(r"^\(?([a-z]+)\)?$", re.I)


@dataclass(frozen=True)
class Cell:
    """One value cell: verbatim text plus what could be read from it and its column."""

    kind: str  # value-kind local name: Actual, Target, Outturn, Floor, Previous, ...
    text: str
    line: int
    column: str
    value: Decimal | None = None
    unit: str | None = None
    period: Period | None = None
    quarter: int | None = None
    month: date | None = None  # month-end a monthly value refers to
    rag: str | None = None  # Red | Amber | Green
    area: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    direction: str | None = None  # change from this value to the row's latest value

    def with_part(self, role: str, text: str) -> "Cell":
        return replace(self, **{role: text}) if text.strip() not in ("-", "–") else self


@dataclass(frozen=True)
class MeasureRow:
    """A table row naming one measure, with its value cells."""

    label: str
    line: int
    code: str | None = None
    group: str | None = None
    polarity: str | None = None
    data_period: str | None = None
    rag: str | None = None
    direction: str | None = None
    unit: str | None = None
    cells: tuple[Cell, ...] = ()


def word_match(word: str, text: str) -> bool:
    """`word` starts a word of `text` (short words must be whole words)."""
    tail = r"\b" if len(word) <= 3 and word[-1].isalnum() else ""
    return re.search(r"(?<![a-z])" + re.escape(word) + tail, text) is not None


def month_end(text: str) -> date | None:
    """The last month-year named in `text` ("Outturn (March 15)", "Oct 2015") as a date."""
    found = MONTH_YEAR.findall(text)
    if not found:
        return None
    mon, yr = found[-1]
    year = int(yr) if len(yr) == 4 else 2000 + int(yr)
    return date(year, month_number(mon), 1)


def fiscal_period(day: date) -> Period:
    return Period(day.year if day.month >= 4 else day.year - 1)


def column_period(header: str) -> Period | None:
    found = find_periods(header)
    if found:
        return found[-1][0]
    day = month_end(header)
    return fiscal_period(day) if day else None


def unit_of(text: str, label: str) -> str | None:
    """Unit from the cell's own suffix first, then from words of the measure label."""
    for word, unit in RULES["units"]:
        if word in text.lower():
            return unit
    for word, unit in RULES["units"]:
        if word_match(word, label.lower()) or (word == "%" and "%" in label):
            return unit
    return None


def parse_cell(text: str, kind: str, header: str, line: int, label: str) -> Cell:
    """Verbatim cell -> Cell: number, unit, trailing RAG letter, period from the header."""
    quarter = re.search(r"\bQ([1-4])\b", header)
    cell = Cell(
        kind=kind,
        text=text,
        line=line,
        column=header,
        period=column_period(header),
        quarter=int(quarter.group(1)) if quarter else None,
        month=month_end(header),
    )
    m = NUMBER.match(text)
    if text.lower() in RULES["placeholders"] or not m:
        return cell
    sign, number, suffix, tail = m.groups()
    rag = _RAG_TAIL.match(tail.strip())
    rag = RULES["rag"].get(rag.group(1).lower()) if rag else None
    value = None if sign else Decimal(number.replace(",", "").lstrip("+"))
    return replace(cell, value=value, unit=unit_of(suffix or "", label), rag=rag)
