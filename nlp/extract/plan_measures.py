"""Portfolio plans: performance-measure tables -> measures, sub-measures and their values.

A measure table is any table with a measure-label column and period columns
("2019/20 Outturn", "2021/22 Target"). Rows of one filled cell are priority-outcome
headers; blank Lead Member / Outcome Summary cells inherit from the row above; flags
defined in the header ("CP = Council Plan") are taken off the label; "(i) … (ii) …"
labels give sub-measures; every value in every value cell becomes an observation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import Document, PersonRef
from nlp.cells import Value, italics, parse_cell, split_subitems, without_italics
from nlp.table_rules import first_match, rules
from nlp.tables import Row, Table, contents, find_tables, join_split, section_at
from nlp.text import squash

APPLIES_TO = {"PortfolioPlan"}


@dataclass(frozen=True)
class PlanMeasure:
    """One measure row of a plan (or one sub-measure of a row)."""

    number: int  # row number within the plan, from 1
    label: str
    line: int
    sub: str | None = None  # "i", "ii" for a sub-measure of row `number`
    note: str | None = None  # italic explanation under the label
    flags: tuple[str, ...] = ()  # long names of flags: ("Council Plan",)
    lead_member: PersonRef | None = None
    priority: str | None = None  # the priority-outcome header row above it
    summary: str | None = None  # outcome summary, reference to delivery outcomes removed
    outcomes: tuple[int, ...] = ()  # delivery outcome numbers
    section: str | None = None  # contents section the table sits in


@dataclass(frozen=True)
class MeasureObservation:
    """One value of one cell of a measure row."""

    measure: int
    sub: str | None
    cell: str  # "line/column" of the cell
    index: int  # position of the value within its cell, from 0
    line: int
    column: str  # column header
    value: Value


def flag_names(table: Table) -> dict[str, str]:
    """Abbreviation -> long name, from "CP = Council Plan HWS = Health & Wellbeing Strategy" and defaults."""
    found = dict(rules()["flags"])
    for c in table.columns:
        for m in re.finditer(r"\b([A-Z]{2,5})\s*=\s*(.+?)(?=\s+[A-Z]{2,5}\s*=|\)|$)", c.header):
            found[m.group(1)] = m.group(2).strip()
    return found


def clean_label(raw: str, flags: dict[str, str]) -> tuple[str, str | None, tuple[str, ...]]:
    """(label, note, flag names) of a raw label cell."""
    note = " ".join(italics(raw)) or None
    text = without_italics(raw)
    abbrev = "|".join(map(re.escape, flags))
    flag_rx = re.compile(rf"\s*\(?\b({abbrev})\b\)?(?=\s*(?:\(|$))")
    found: list[str] = []
    while m := flag_rx.search(text):
        found.append(flags[m.group(1)])
        text = (text[: m.start()] + text[m.end() :]).strip()
    return squash(text), note, tuple(dict.fromkeys(found))


def outcome_refs(text: str) -> tuple[tuple[int, ...], str]:
    """(delivery outcome numbers, text without the reference) of an outcome summary."""
    rx = rules()["references"]["delivery_outcome"]
    nums = [int(n) for m in re.finditer(rx, text, re.I) for n in re.findall(r"\d+", m.group(1))]
    rest = re.sub(rx, " ", text, flags=re.I)
    return tuple(dict.fromkeys(nums)), re.sub(r"\s+", " ", rest).strip(" .;")


def _only_reference(text: str) -> bool:
    nums, rest = outcome_refs(text)
    return bool(nums) and not re.search(r"[A-Za-z]", rest)


def _summaries(table: Table, col: int | None) -> list[str]:
    """Outcome summaries per row: split summaries joined, blank cells filled from above."""
    if col is None:
        return [""] * len(table.rows)
    cells = join_split(
        [r.cell(col) for r in table.rows], lambda prev, cur: not outcome_refs(prev)[0] and _only_reference(cur)
    )
    out, last = [], ""
    for row, text in zip(table.rows, cells):
        last = text or last
        out.append("" if row.group else last)
    return out


def is_measure_table(table: Table) -> bool:
    return table.role("label") is not None and any(c.kind for c in table.period_columns())


def local_names(doc: Document) -> re.Pattern:
    """The council's own name as written in cells: "ESCC", "East Sussex"."""
    words = doc.council.split()
    initials = "".join(w[0] for w in words if w[0].isupper())
    short = re.sub(r"\s+(County|City|Borough|District)?\s*Council$", "", doc.council)
    return re.compile(rf"\b({re.escape(initials)}|{re.escape(short)})\b")


class _Plan:
    """Running state while reading the measure tables of one plan."""

    def __init__(self, doc: Document):
        self.doc, self.local = doc, local_names(doc)
        self.numbered = doc.numbered()
        self.tables = find_tables(self.numbered)
        self.sections = contents(self.tables)
        self.records: list[object] = []
        self.count = 0

    def table(self, t: Table) -> None:
        flags, label_col = flag_names(t), t.role("label").index
        lead_col = t.role("lead_member").index if t.role("lead_member") else None
        leads, summaries = t.fill_down(lead_col), _summaries(t, t.role("summary").index if t.role("summary") else None)
        section, priority = section_at(self.numbered, t.line_start, self.sections), None
        for row, lead, summary in zip(t.rows, leads, summaries):
            if row.group:
                priority = row.filled[0]
            elif row.cell(label_col):
                self.row(t, row, flags, label_col, dict(lead=lead, summary=summary, priority=priority, section=section))

    def row(self, t: Table, row: Row, flags: dict[str, str], label_col: int, ctx: dict) -> None:
        self.count += 1
        n, line = self.count, row.line
        label, note, found = clean_label(row.raw_cell(label_col), flags)
        head, subs = split_subitems(label)
        outcomes, summary = outcome_refs(ctx["summary"])
        lead = PersonRef(ctx["lead"], line) if ctx["lead"] else None
        common = dict(
            flags=found,
            lead_member=lead,
            priority=ctx["priority"],
            summary=summary or None,
            outcomes=outcomes,
            section=ctx["section"],
        )
        self.records.append(PlanMeasure(n, head if subs else label, line, note=note, **common))
        self.records += [PlanMeasure(n, text, line, sub=s, **common) for s, text in subs]
        unit = first_match(label, "label_units")
        for col in t.period_columns():
            for k, v in enumerate(parse_cell(row.cell(col.index), col.period, col.kind, unit, self.local)):
                sub = v.sub if v.sub in {s for s, _ in subs} else None
                self.records.append(MeasureObservation(n, sub, f"{line}/{col.index}", k, line, col.header, v))


def extract(doc: Document) -> list[object]:
    """PlanMeasure and MeasureObservation records of every measure table in the plan."""
    plan = _Plan(doc)
    for t in plan.tables:
        if is_measure_table(t):
            plan.table(t)
    return plan.records
