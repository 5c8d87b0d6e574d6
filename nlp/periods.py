"""Financial and academic years as found in column headers and cells.

"2021/22", "2021-22", "2016-17", "Ac Year 18/19", "academic year 2018/19" -> Period.
UK financial years run 1 April – 31 March; academic years 1 September – 31 August.
Quarters ("Q3", "quarter 3", "third quarter") and financial-year months ("month 9",
"M9", "period 9") of a report are read by `quarter_in` and `month_in`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR_PAIR = re.compile(r"(?<![\d/])((?:19|20)?\d{2})\s*[/\-–]\s*(\d{2}|(?:19|20)\d{2})(?![\d/])")
_ACADEMIC = re.compile(r"\b(?:ac(?:ademic)?\.?\s*(?:year|yr)?)\s*$", re.I)


@dataclass(frozen=True, order=True)
class Period:
    start_year: int
    kind: str = "financial"  # financial | academic

    @property
    def label(self) -> str:
        prefix = "Ac Year " if self.kind == "academic" else ""
        return f"{prefix}{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def key(self) -> str:
        return f"{'ay' if self.kind == 'academic' else 'fy'}-{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 9, 1) if self.kind == "academic" else date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 8, 31) if self.kind == "academic" else date(self.start_year + 1, 3, 31)


def _full_year(y: str) -> int:
    n = int(y)
    return n if n >= 1900 else 2000 + n


def find_periods(text: str, default_kind: str = "financial") -> list[tuple[Period, int, int]]:
    """Every consecutive-year pair in `text` as (Period, start offset, end offset)."""
    out = []
    for m in _YEAR_PAIR.finditer(text):
        first = _full_year(m.group(1))
        second = int(m.group(2)) % 100
        if (first + 1) % 100 != second:
            continue
        kind = "academic" if _ACADEMIC.search(text[max(0, m.start() - 16) : m.start()]) else default_kind
        out.append((Period(first, kind), m.start(), m.end()))
    return out


def parse_period(text: str, default_kind: str = "financial") -> Period | None:
    """The first period named in `text`, or None."""
    found = find_periods(text, default_kind)
    return found[0][0] if found else None


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_QUARTER = re.compile(r"\bQ([1-4])\b|\bquarter\s*([1-4])\b|\b(first|second|third|fourth)\s+quarter\b", re.I)
_MONTH = re.compile(r"\b(?:(?:month|period)\s?|M)(1[0-2]|0?[1-9])\b(?![/.:]\d)", re.I)


def quarter_in(text: str) -> int | None:
    """The quarter named in `text` ("Q3", "Quarter 3", "third quarter") or None."""
    m = _QUARTER.search(text)
    if not m:
        return None
    return int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else _ORDINALS[m.group(3).lower()]


def month_in(text: str) -> int | None:
    """The month of the financial year named in `text` ("month 9", "Month 9", "M9", "period 9") or None."""
    m = _MONTH.search(text)
    return int(m.group(1)) if m else None
