"""Performance scorecards and performance reports -> measure rows, trends, RAG summary.

A scorecard is a KPI table (see `nlp.extract.kpi`) whose latest result is dated by a
month line above it ("Jan 2016"); per-indicator pages add a transposed trend table
(rows Result / Target / RAG Rating, one column per month). The report's own sentence
("17 indicators rated as Green, …") is kept so the counts can be checked against rows.
Reports apply only when they present performance (KPI tables of a performance report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from rapidfuzz import fuzz

from nlp.extract.kpi import column_role, is_header, is_transposed, kpi_tables, table_blocks
from nlp.extract.measure_cells import MONTH_YEAR, RULES, Cell, MeasureRow, fiscal_period, month_end, parse_cell
from nlp.model import Document

APPLIES_TO = {"Scorecard", "Report", "PerformanceReport"}
_SUMMARY = re.compile(RULES["rag_summary"], re.I)
_MATCH = 90


@dataclass(frozen=True)
class RagSummary:
    """The document's own count of indicators per RAG rating, as stated in its text."""

    counts: tuple[tuple[str, int], ...]
    text: str
    line: int


def is_performance_report(doc: Document) -> bool:
    head = " ".join([doc.title, *doc.lines[:40]])
    return re.search(r"\bperformance\b", head, re.I) is not None


def reference_months(doc: Document) -> list[tuple[int, date]]:
    """Standalone month-year lines ("Jan 2016") that date the tables below them."""
    out = []
    for n, line in doc.numbered():
        text = re.sub(r"<[^>]+>|[*#]", "", line).strip()
        if text and MONTH_YEAR.fullmatch(text):
            out.append((n, month_end(text)))
    return out


def _previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def date_cells(row: MeasureRow, month: date | None) -> MeasureRow:
    """Undated latest/previous results take the table's reference month."""
    if month is None:
        return row
    cells = []
    for c in row.cells:
        if c.period is None and c.kind in ("Actual", "Previous"):
            m = month if c.kind == "Actual" else _previous_month(month)
            c = replace(c, month=m, period=fiscal_period(m))
        cells.append(c)
    return replace(row, cells=tuple(cells))


def rag_summaries(doc: Document) -> list[RagSummary]:
    out = []
    for n, line in doc.numbered():
        found = _SUMMARY.findall(line)
        if len(found) >= 2:
            counts = tuple((RULES["rag"][colour.lower()], int(k)) for k, colour in found)
            out.append(RagSummary(counts, line.strip(), n))
    return out


def trend_cells(rows: list[tuple[int, list[str]]]) -> list[Cell]:
    """A transposed trend table: one row per kind, one column per month."""
    header = rows[0][1]
    out = []
    for n, cells in rows[1:]:
        role, kind = column_role(cells[0])
        kind = "RAG" if role == "rag" else kind
        for j, text in enumerate(cells[1:], start=1):
            month = month_end(header[j]) if j < len(header) else None
            if not text or month is None or kind is None:
                continue
            cell = replace(parse_cell(text, kind, header[j], n, ""), month=month, period=fiscal_period(month))
            if kind == "RAG":
                cell = replace(cell, rag=RULES["rag"].get(text.lower()))
            out.append(cell)
    return out


def add_trends(doc: Document, measures: list[MeasureRow]) -> list[MeasureRow]:
    """Attach each trend table to the measure named in the title row above it."""
    title = None
    for _, rows in table_blocks(doc):
        start = next((i for i in range(len(rows)) if is_header(rows[i][1]) and is_transposed(rows[i:])), len(rows))
        for _, cells in rows[:start]:
            filled = [c for c in cells if c]
            if len(filled) >= 2 and filled[-1].lower() in RULES["rag"]:
                title = filled[0]
        if title and start < len(rows):
            _attach(measures, title, trend_cells(rows[start:]))
            title = None
    return measures


def _attach(measures: list[MeasureRow], title: str, cells: list[Cell]) -> None:
    """Add trend cells to the measure whose label best matches `title` (if close enough)."""
    score = [fuzz.token_sort_ratio(m.label.lower(), title.lower()) for m in measures]
    if not score or max(score) < _MATCH:
        return
    best = score.index(max(score))
    seen = {(c.kind, c.month, c.value) for c in measures[best].cells}
    new = tuple(c for c in cells if (c.kind, c.month, c.value) not in seen)
    measures[best] = replace(measures[best], cells=measures[best].cells + new)


def scorecard_rows(doc: Document) -> list[MeasureRow]:
    """Every indicator row once (breakdown tables repeating a label are left out), dated."""
    months = reference_months(doc)
    seen: set[str] = set()
    out = []
    for row in kpi_tables(doc, caption_rule=False):
        if row.label.lower() in seen:
            continue
        seen.add(row.label.lower())
        month = next((m for n, m in reversed(months) if n < row.line), None)
        out.append(date_cells(row, month))
    return out


def extract(doc: Document) -> list[object]:
    if doc.doc_type == "Report" and not is_performance_report(doc):
        return []
    measures = add_trends(doc, scorecard_rows(doc))
    return [*measures, *rag_summaries(doc)]
