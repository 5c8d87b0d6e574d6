"""KPI tables -> measure rows with typed value cells (business plans, scorecards, reports).

A KPI table is a run of tab-separated lines whose header names value columns by period
and/or kind ("2016-17 Target", "Q3 15/16", "Outturn (March 15) Result") beside a label
column; its value cells are read by `nlp.extract.measure_cells`. Column words live in
`nlp/data/performance.json`. Business plans only count tables captioned as KPIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from nlp.cells import TAG
from nlp.extract.measure_cells import NUMBER, RULES, Cell, MeasureRow, column_period, parse_cell, unit_of, word_match
from nlp.model import Document
from nlp.text import squash

APPLIES_TO = {"BusinessPlan"}
_CODE = re.compile(r"^(?:[A-Z][A-Z/&]{0,8}\s?\d{1,4}[a-z]?|[A-Z][A-Z/&]{1,8}|\d{1,3}[a-z]?)$")


def split_cells(line: str) -> list[str]:
    return [squash(TAG.sub(" ", c).replace("**", " ")) for c in line.split("\t")]


def table_blocks(doc: Document) -> Iterator[tuple[str, list[tuple[int, list[str]]]]]:
    """(caption, rows) for each run of tabbed lines; up to two blank lines may split a run."""
    rows: list[tuple[int, list[str]]] = []
    caption, last_prose, blanks = "", "", 0
    for n, line in doc.numbered():
        if "\t" in line and line.strip():
            caption = caption if rows else last_prose
            rows.append((n, split_cells(line)))
            blanks = 0
            continue
        blanks = blanks + 1 if not line.strip() else 0
        if rows and (line.strip() or blanks > 2):
            yield caption, rows
            rows = []
        if line.strip():
            last_prose = re.sub(r"[*#]", "", TAG.sub("", line)).strip()
    if rows:
        yield caption, rows


def column_role(header: str) -> tuple[str, str | None]:
    """(role, kind) of a column header; role is value/label/code/direction/numerator/..."""
    h = header.lower()
    roles = RULES["column_roles"]
    for word, role in roles:
        if role in ("direction", "numerator", "denominator", "polarity", "data_period") and word_match(word, h):
            return role, None
    for word, kind in RULES["column_kinds"]:
        if word_match(word, h):
            return "value", kind
    for word, role in roles:
        if word_match(word, h):
            return role, None
    if column_period(header) is not None:
        return "value", "Actual"
    return ("blank", None) if not h.strip() else ("other", None)


def is_header(cells: list[str]) -> bool:
    """A header row: no numeric cell, and at least one value column after the first."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or any(NUMBER.match(c) and not column_period(c) and not re.match(r"Q\d", c) for c in filled):
        return False
    return any(column_role(c)[0] == "value" for c in cells[1:])


def is_transposed(rows: list[tuple[int, list[str]]]) -> bool:
    """Rows named by value kinds ("Result", "Target", "RAG Rating"): a trend table."""
    firsts = [c[0] for _, c in rows[1:] if c and c[0]]
    return bool(firsts) and sum(column_role(f)[0] in ("value", "rag") for f in firsts) * 2 > len(firsts)


def _header(rows: list[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """(number of header rows, column headers); a sub-header row refines the one above."""
    top = rows[0][1]
    if len(rows) > 1 and not any(rows[1][1][:2]) and is_header(rows[1][1]):
        sub = rows[1][1]
        return 2, [
            (sub[j] if j < len(sub) and sub[j] else (top[j] if j < len(top) else ""))
            for j in range(max(len(top), len(sub)))
        ]
    return 1, list(top)


def kpi_tables(doc: Document, caption_rule: bool) -> list[MeasureRow]:
    """Measure rows of every KPI table in `doc` (only tables captioned as KPIs when `caption_rule`)."""
    out: list[MeasureRow] = []
    for caption, rows in table_blocks(doc):
        if caption_rule and not re.search(RULES["kpi_heading"], f"{caption} {' '.join(rows[0][1])}", re.I):
            continue
        start = next((i for i, (_, c) in enumerate(rows) if is_header(c)), None)
        if start is not None and not is_transposed(rows[start:]):
            out.extend(parse_table(caption, rows[start:]))
    return out


def parse_table(caption: str, rows: list[tuple[int, list[str]]]) -> list[MeasureRow]:
    """Rows of one table; a one-cell row names a group; blank label cells inherit from above."""
    count, headers = _header(rows)
    roles = [column_role(h) for h in headers]
    label_cols = (
        [j for j, (r, _) in enumerate(roles) if r == "label"]
        or [j for j, (r, _) in enumerate(roles) if r in ("blank", "other")][:2]
        or [0]
    )
    group, filled, out = caption, [""] * len(headers), []
    for n, cells in rows[count:]:
        values = [c for c in cells if c]
        if is_header(cells) or not values:
            continue
        if len(values) == 1 and not any(ch.isdigit() for ch in values[0]):
            group = values[0]
            continue
        cells = _realign(cells, len(roles))
        for j in label_cols:
            if j < len(cells) and cells[j]:
                filled[j:] = [cells[j]] + [""] * (len(filled) - j - 1)
        names = [filled[j] for j in label_cols if filled[j]]
        row = _row(n, cells, headers, roles, names, group)
        if row is not None and out and out[-1].label == row.label and out[-1].group == row.group:
            out[-1] = replace(out[-1], cells=out[-1].cells + row.cells)
        elif row is not None:
            out.append(row)
    return out


def _realign(cells: list[str], width: int) -> list[str]:
    """A lone RAG letter in its own cell belongs to the value on its left."""
    if len(cells) <= width:
        return cells
    out: list[str] = []
    for c in cells:
        if out and c.lower() in RULES["rag"] and re.search(r"\d", out[-1]):
            out[-1] = f"{out[-1]} {c}"
        else:
            out.append(c)
    return out


def _row(n: int, cells: list[str], headers: list[str], roles, names: list[str], group: str) -> MeasureRow | None:
    """One data row -> MeasureRow (None for placeholder rows)."""
    label = names[-1] if names else ""
    if not re.search(r"[A-Za-z]{3}", label) or label.lower() in RULES["placeholders"]:
        return None
    group = " > ".join(x for x in [group, *names[:-1]] if x)
    code = next((cells[j] for j, (r, _) in enumerate(roles) if r == "code" and j < len(cells) and cells[j]), None)
    meta: dict[str, str | None] = {"polarity": None, "data_period": None, "direction": None, "area": None}
    found: list[Cell] = []
    for j, (role, kind) in enumerate(roles):
        text = cells[j] if j < len(cells) else ""
        if not text:
            continue
        if role == "value":
            found.append(parse_cell(text, kind, headers[j], n, label))
        elif role in ("numerator", "denominator") and found:
            found[-1] = found[-1].with_part(role, text)
        elif role == "direction":
            dot = RULES["direction"].get(text.strip())
            meta["direction"] = meta["direction"] or dot
            hit = [i for i, c in enumerate(found) if word_match(c.kind.lower(), headers[j].lower())]
            if hit and dot:
                found[hit[0]] = replace(found[hit[0]], direction=dot)
        elif role in meta:
            meta[role] = text
    if not any(re.search(r"\d", c.text) or c.text.lower() in RULES["placeholders"] for c in found):
        return None
    dated = {c.quarter: c.period for c in found if c.quarter and c.period}
    found = [replace(c, period=dated.get(c.quarter)) if c.period is None and c.quarter else c for c in found]
    if meta["area"]:
        found = [replace(c, area=meta["area"]) for c in found]
    return MeasureRow(
        label=label,
        line=n,
        code=code if code and _CODE.match(code) else None,
        group=group or None,
        polarity=RULES["polarity"].get(str(meta["polarity"]).lower()),
        data_period=RULES["data_period"].get(str(meta["data_period"]).lower()),
        rag=next((c.rag for c in reversed(found) if c.rag), None),
        direction=meta["direction"],
        unit=unit_of("", label),
        cells=tuple(found),
    )


def extract(doc: Document) -> list[object]:
    """KPI measure rows of a business plan (tables captioned as KPIs only)."""
    return list(kpi_tables(doc, caption_rule=True))
