"""Portfolio plans: money tables -> budget lines, capital projects and procurements.

Revenue budgets come in two layouts: one row per service line with year × Gross /
Income / Net columns (a two-row header), or one table per subject with a row per kind
("Gross Budget (A)", "Government Grants (B)" …) and a column per year. Capital
programmes give a scheme total, previous years and per-year amounts, with footnote
markers ("**" rolling programme). Procurement forward plans give service, contract and
start dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from nlp.dates import cell_date
from nlp.model import Document, PersonRef
from nlp.periods import Period
from nlp.cells import parse_amount
from nlp.table_rules import first_match, rules
from nlp.tables import Column, Row, Table, contents, find_tables, section_at

APPLIES_TO = {"PortfolioPlan"}


@dataclass(frozen=True)
class Amount:
    """One money cell (or one kind of it)."""

    cell: str  # "line/column"
    line: int
    column: str  # column header ("2020/21 Net", "Total for Scheme")
    text: str  # verbatim cell text
    kind: str  # Gross, Income, Net, GovernmentGrants, ...
    unit: str  # GBPThousands, GBP
    number: Decimal | None = None
    period: Period | None = None
    status: str | None = None  # footnote meaning of a marker ("Rolling programme: …"), "n/a"


@dataclass(frozen=True)
class BudgetLine:
    number: int
    label: str
    line: int
    table: str  # caption or heading of its table
    group: str | None = None  # group row above ("Adult Social Care")
    total: bool = False  # a total or subtotal line
    amounts: tuple[Amount, ...] = ()


@dataclass(frozen=True)
class CapitalProject:
    number: int
    label: str
    line: int
    description: str | None = None
    lead_member: PersonRef | None = None
    note: str | None = None
    amounts: tuple[Amount, ...] = ()


@dataclass(frozen=True)
class Procurement:
    number: int
    line: int
    service: str
    contract: str
    procurement_start: date | None = None
    procurement_start_text: str | None = None
    contract_start: date | None = None
    contract_start_text: str | None = None
    value_text: str | None = None
    value: Decimal | None = None
    route: str | None = None


def footnotes(table: Table) -> dict[str, str]:
    """Marker -> meaning from notes like "^{*}Fully funded by ESCC. ** Project extends beyond 2019/20."."""
    out: dict[str, str] = {}
    for note in table.notes:
        for m in re.finditer(r"(?:\^\{)?([*†‡]+)\}?\s*([^*†‡^]+)", note):
            out.setdefault(m.group(1), m.group(2).strip())
    return out


def _amount(row: Row, col: Column, kind: str, unit: str, notes: dict[str, str]) -> Amount | None:
    text = row.cell(col.index)
    if not text:
        return None
    marker = re.search(r"[*†‡]+$", text)
    status = notes.get(marker.group(0), marker.group(0)) if marker else None
    number = parse_amount(text)
    if number is None and status is None:
        status = text
    return Amount(f"{row.line}/{col.index}", row.line, col.header, text, kind, unit, number, col.period, status)


def _unit(table: Table) -> str:
    return first_match(table.caption + " " + " ".join(c.header for c in table.columns), "caption_units") or "GBP"


def _is_total(label: str) -> bool:
    return bool(re.match(r"(?:sub\s*-?\s*)?total\b", label, re.I))


class _Money:
    """Running state while reading the money tables of one plan."""

    def __init__(self, doc: Document):
        self.numbered = doc.numbered()
        self.tables = find_tables(self.numbered)
        self.sections = contents(self.tables)
        self.records: list[object] = []

    def next_number(self, cls: type) -> int:
        return 1 + sum(isinstance(r, cls) for r in self.records)

    def revenue_by_line(self, t: Table) -> None:
        """One budget line per row; kind from each column (or the caption)."""
        unit, notes, group = _unit(t), footnotes(t), None
        cols, label_col = t.period_columns(), (t.role("service") or t.columns[0]).index
        for row in t.rows:
            if row.group:
                group = row.filled[0].rstrip(":")
                continue
            label = row.cell(label_col)
            kinds = [c.kind or first_match(t.caption, "kinds") or "Budget" for c in cols]
            amounts = tuple(a for c, k in zip(cols, kinds) if (a := _amount(row, c, k, unit, notes)))
            self.records.append(
                BudgetLine(
                    self.next_number(BudgetLine),
                    label,
                    row.line,
                    t.caption or t.heading,
                    group,
                    _is_total(label),
                    amounts,
                )
            )

    def revenue_by_kind(self, t: Table) -> None:
        """One budget line per table (its heading or section); one kind per row."""
        unit, notes = _unit(t), footnotes(t)
        subject = t.heading or section_at(self.numbered, t.line_start, self.sections) or t.caption
        amounts = []
        for row in t.rows:
            kind = first_match(row.cell(0), "kinds") or "Budget"
            amounts += [a for c in t.period_columns() if (a := _amount(row, c, kind, unit, notes))]
        self.records.append(
            BudgetLine(
                self.next_number(BudgetLine), subject, t.line_start, t.caption or subject, None, False, tuple(amounts)
            )
        )

    def capital(self, t: Table) -> None:
        """One project per scheme; a Gross row followed by a Net row is one scheme."""
        unit, notes = _unit(t), footnotes(t)
        cols = [c for c in t.columns if c.period or c.role in ("total", "previous")]
        for s in _schemes(t, notes):
            amounts = tuple(
                a for row, kinds in s["parts"] for c in cols for k in kinds if (a := _amount(row, c, k, unit, notes))
            )
            if all(a.number in (None, 0) and a.status is None for a in amounts):
                continue  # an empty row ("No projects", all "-")
            lead = PersonRef(s["lead"], s["line"]) if s["lead"] else None
            self.records.append(
                CapitalProject(
                    self.next_number(CapitalProject), s["label"], s["line"], s["desc"] or None, lead, s["note"], amounts
                )
            )

    def procurement(self, t: Table) -> None:
        cols = {r: t.role(r) for r in ("service", "contract", "procurement_start", "contract_start", "value", "route")}
        for row in t.rows:
            get = {r: (row.cell(c.index) if c else "") for r, c in cols.items()}
            if not get["contract"]:
                continue
            self.records.append(
                Procurement(
                    self.next_number(Procurement),
                    row.line,
                    get["service"],
                    get["contract"],
                    cell_date(get["procurement_start"]),
                    get["procurement_start"] or None,
                    cell_date(get["contract_start"]),
                    get["contract_start"] or None,
                    get["value"] or None,
                    parse_amount(get["value"]) if get["value"] else None,
                    get["route"] or None,
                )
            )


def _basis_column(t: Table) -> int | None:
    """The unlabelled column saying Gross / Net per row, if any."""
    for c in t.columns:
        if not c.header and any(first_match(r.cell(c.index), "kinds") for r in t.rows):
            return c.index
    return None


def _schemes(t: Table, notes: dict[str, str]) -> list[dict]:
    """Capital rows grouped into schemes, each with its (row, kinds) parts."""
    basis, default = _basis_column(t), [first_match(t.caption, "kinds") or "Budget"]
    name, desc = t.role("project"), t.role("description")
    leads = t.fill_down(t.role("lead_member").index if t.role("lead_member") else None)
    out: list[dict] = []
    prev_kinds: list[str] = []
    for row, lead in zip(t.rows, leads):
        cell = row.cell(basis)
        kinds = [k for k, rx in rules()["kinds"] if rx.search(cell)] or default
        marker = re.search(r"[*†‡]+$", cell)
        label, text = row.cell(name.index if name else 0), row.cell(desc.index) if desc else ""
        if out and kinds == ["Net"] and prev_kinds == ["Gross"]:
            s = out[-1]
            s["label"], s["desc"] = f"{s['label']} {label}".strip(), f"{s['desc']} {text}".strip()
            s["parts"].append((row, kinds))
        elif label:
            out.append(
                dict(
                    label=label,
                    desc=text,
                    lead=lead,
                    line=row.line,
                    parts=[(row, kinds)],
                    note=notes.get(marker.group(0)) if marker else None,
                )
            )
        prev_kinds = kinds
    return out


def table_kind(t: Table) -> str | None:
    """revenue_by_line | revenue_by_kind | capital | procurement | None."""
    title = f"{t.caption} {t.heading}".lower()
    if t.role("procurement_start") or t.role("contract_start"):
        return "procurement"
    if t.role("total") or "capital programme" in title:
        return "capital"
    if not t.period_columns() or not re.search(r"budget|revenue", title + " ".join(c.header for c in t.columns), re.I):
        return None
    return "revenue_by_kind" if t.role("breakdown") else "revenue_by_line"


def extract(doc: Document) -> list[object]:
    """BudgetLine, CapitalProject and Procurement records of a plan."""
    money = _Money(doc)
    for t in money.tables:
        kind = table_kind(t)
        if kind:
            getattr(money, kind)(t)
    return money.records
