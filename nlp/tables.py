"""Generic table interpreter: TSV blocks -> tables with typed columns.

Knows nothing of any document kind. A table is a run of tab-separated lines; captions
(one-cell rows) and up to two header rows are recognised, a repeated header after a
page break continues the table, and columns get a period × kind from their header
("2021/22 Target"). Cell values are read by `nlp.cells`; rules (header words, kinds,
roles) live in `nlp/data/tables.json` (see `nlp.table_rules`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from nlp.cells import clean_cell
from nlp.periods import Period, parse_period
from nlp.table_rules import first_match, rules


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    period: Period | None = None
    kind: str | None = None  # value-kind concept name: Outturn, Target, Gross, ...
    role: str | None = None  # lead_member, label, summary, project, ...


@dataclass(frozen=True)
class Row:
    line: int  # absolute source line
    cells: tuple[str, ...]  # cleaned text
    raw: tuple[str, ...]  # as written, HTML kept
    group: bool = False  # one filled cell heading the rows below it

    def cell(self, i: int | None) -> str:
        return self.cells[i] if i is not None and i < len(self.cells) else ""

    def raw_cell(self, i: int | None) -> str:
        return self.raw[i] if i is not None and i < len(self.raw) else ""

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


@dataclass(frozen=True)
class Table:
    line_start: int
    line_end: int
    caption: str  # one-cell title rows inside the block ("Revenue Budget £000")
    heading: str  # the text line directly above the table (blank lines between at most)
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]  # body rows, across page continuations
    header_lines: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()  # footnotes right after the table ("** Rolling programme ...")

    def role(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.role == name), None)

    def period_columns(self) -> list[Column]:
        return [c for c in self.columns if c.period is not None]

    def fill_down(self, index: int | None) -> list[str]:
        """Column `index` with blank cells filled from the row above (merged cells)."""
        out, last = [], ""
        for r in self.rows:
            last = r.cell(index) or last
            out.append("" if r.group else last)
        return out


def join_split(cells: list[str], continues: Callable[[str, str], bool]) -> list[str]:
    """A long cell split over two rows -> the joined text in both rows.

    `continues(prev, cur)` says whether `cur` is the rest of `prev` (rule of the caller)."""
    out = list(cells)
    for i in range(1, len(out)):
        if out[i] and out[i - 1] and continues(out[i - 1], out[i]):
            out[i - 1] = out[i] = f"{out[i - 1]} {out[i]}"
    return out


def contents(tables: list[Table]) -> list[str]:
    """Entry names of a contents table (rows of a name and a page number)."""
    for t in tables:
        rows = [r.filled for r in t.rows] + ([[c.header for c in t.columns if c.header]] if t.columns else [])
        if len(rows) >= 3 and sum(len(r) == 2 and r[1].isdigit() for r in rows) >= len(rows) - 1:
            return [re.sub(r"[.…\s]+$", "", r[0]) for r in rows if len(r) == 2]
    return []


def section_at(numbered: list[tuple[int, str]], line: int, names: list[str]) -> str | None:
    """The last standalone line above `line` that names a contents entry."""
    wanted = {n.lower(): n for n in names}
    for n, text in reversed(numbered):
        if n < line and "\t" not in text and clean_cell(text).lower() in wanted:
            return wanted[clean_cell(text).lower()]
    return None


def _data_like(cell: str) -> bool:
    """A cell holding a value: a number other than a year, a period, a quarter or "£000"."""
    rest = re.sub(r"(?:19|20)?\d{2}\s*[/\-–]\s*\d{2}|\b(?:19|20)\d{2}\b|\bQ[1-4]\b|£\s*'?000", " ", cell)
    return bool(re.search(r"\d", rest) or re.fullmatch(r"[-–—*]+|n/?a|tbc", cell.strip(), re.I))


def is_header(cells: list[str]) -> bool:
    """Two or more short cells without values, at least one a header word or a period."""
    filled = [c for c in cells if c]
    return (
        len(filled) >= 2
        and all(len(c) <= 90 and not _data_like(c) for c in filled)
        and any(rules()["header_words"].search(c) or parse_period(c) for c in filled)
    )


def merge_header_rows(top: list[str], sub: list[str]) -> list[str]:
    """Two header rows -> one; a spanning label ("2018/19") is carried right over its sub-columns."""
    merged, carry = [], ""
    for j in range(max(len(top), len(sub))):
        t, s = (top[j] if j < len(top) else ""), (sub[j] if j < len(sub) else "")
        carry = t or carry
        merged.append(" ".join(x for x in ((carry if s else t), s) if x))
    return merged


def column(index: int, header: str) -> Column:
    period = parse_period(header)
    return Column(index, header, period, first_match(header, "kinds"), None if period else first_match(header, "roles"))


def _split_block(block: list[tuple[int, str]]) -> tuple[str, list[list[str]], tuple[int, ...], list]:
    """(caption, header rows, header lines, body rows) of one run of tab lines."""
    rows = [(n, [clean_cell(c) for c in line.split("\t")], line.split("\t")) for n, line in block]
    k = 0
    while k < len(rows) and sum(bool(c) for c in rows[k][1]) == 1:
        k += 1
    if not (k < len(rows) and is_header(rows[k][1])):
        k = 0
    caption = " ".join(next(c for c in r[1] if c) for r in rows[:k])
    heads = []
    while k < len(rows) and len(heads) < 2 and is_header(rows[k][1]):
        heads.append(rows[k])
        k += 1
    return caption, [h[1] for h in heads], tuple(h[0] for h in heads), rows[k:]


def _runs(numbered: list[tuple[int, str]]) -> Iterator[tuple[list[tuple[int, str]], int, int]]:
    """Runs of consecutive tab lines as (block, index of first line, index after last)."""
    i = 0
    while i < len(numbered):
        if "\t" not in numbered[i][1]:
            i += 1
            continue
        j = i
        while j < len(numbered) and "\t" in numbered[j][1]:
            j += 1
        yield numbered[i:j], i, j
        i = j


def _text_above(numbered: list[tuple[int, str]], i: int) -> str | None:
    """The nearest non-blank line above index i (footnotes skipped); None when it is a table line."""
    j = i - 1
    while j >= 0 and (not numbered[j][1].strip() or rules()["footnote"].match(numbered[j][1])):
        j -= 1
    if j < 0:
        return ""
    return None if "\t" in numbered[j][1] else clean_cell(numbered[j][1])


def _notes_below(numbered: list[tuple[int, str]], j: int) -> tuple[str, ...]:
    notes = []
    while j < len(numbered) and len(notes) < 3:
        line = numbered[j][1]
        if line.strip() and ("\t" in line or not rules()["footnote"].match(line)):
            break
        if line.strip():
            notes.append(clean_cell(line))
        j += 1
    return tuple(notes)


def find_tables(numbered: list[tuple[int, str]]) -> list[Table]:
    """Every table in (absolute line, text) pairs, page continuations merged."""
    tables: list[Table] = []
    prev_header: list[str] | None = None
    for block, i, j in _runs(numbered):
        caption, heads, head_lines, body = _split_block(block)
        header = heads[0] if heads else []
        for sub in heads[1:]:
            header = merge_header_rows(header, sub)
        above = _text_above(numbered, i)
        body_rows = tuple(Row(n, tuple(c), tuple(r), sum(bool(x) for x in c) == 1 and len(c) > 2) for n, c, r in body)
        continues = (
            tables
            and above is None
            and prev_header is not None
            and (header == prev_header or (not header and body and len(body[0][1]) == len(tables[-1].columns)))
        )
        if continues:
            t = tables[-1]
            tables[-1] = Table(
                t.line_start,
                block[-1][0],
                t.caption,
                t.heading,
                t.columns,
                t.rows + body_rows,
                t.header_lines + head_lines,
                _notes_below(numbered, j),
            )
            continue
        cols = tuple(column(c, h) for c, h in enumerate(header))
        tables.append(
            Table(
                block[0][0], block[-1][0], caption, above or "", cols, body_rows, head_lines, _notes_below(numbered, j)
            )
        )
        prev_header = header or None
    return tables
