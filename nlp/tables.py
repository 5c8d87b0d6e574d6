"""Generic table interpreter: TSV blocks -> tables with typed columns and typed cell values.

Knows nothing of any document kind. A table is a run of tab-separated lines; captions
(one-cell rows) and up to two header rows are recognised, a repeated header after a
page break continues the table, and columns get a period × kind from their header
("2021/22 Target"). `parse_cell` turns one cell into typed `Value`s with verbatim text
("Ac Year 18/19 ESCC 62.7% National Average 65.3%" -> two values). Rules (header words,
kinds, units, areas, statuses) live in `nlp/data/tables.json`.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from nlp.periods import Period, parse_period


@cache
def rules() -> dict:
    """The rule data, with every regex compiled case-insensitively."""
    raw = json.loads((Path(__file__).parent / "data" / "tables.json").read_text(encoding="utf-8"))
    rx = {}
    for key, val in raw.items():
        if isinstance(val, str) and key != "_comment":
            rx[key] = re.compile(val, re.I)
        elif isinstance(val, list):
            rx[key] = [(name, re.compile(pat, re.I)) for name, pat in val]
        else:
            rx[key] = val
    return rx


# -- cells ---------------------------------------------------------------------------------
_TAG = re.compile(r"<[^>]+>")


def clean_cell(raw: str) -> str:
    """Cell text without HTML tags (`<p>`, `<i>`, `<br>` ...), entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", raw))).strip()


def italics(raw: str) -> list[str]:
    """The italic spans of a raw cell (`<i>…</i>`), cleaned."""
    return [t for t in (clean_cell(m) for m in re.findall(r"(?is)<i>(.*?)</i>", raw)) if t]


def without_italics(raw: str) -> str:
    return clean_cell(re.sub(r"(?is)<i>.*?</i>", " ", raw))


def first_match(text: str, table: str) -> str | None:
    """Name of the first rule in `rules()[table]` whose regex occurs in `text`."""
    return next((name for name, rx in rules()[table] if rx.search(text)), None)


def first_match_start(text: str, table: str) -> str | None:
    """Name of the first rule in `rules()[table]` matching at the start of `text`."""
    return next((name for name, rx in rules()[table] if rx.match(text)), None)


def split_subitems(text: str) -> tuple[str, list[tuple[str, str]]]:
    """"Rate of X (i) Fixed term (ii) Permanent" -> ("Rate of X", [("i", "Fixed term"), ("ii", "Permanent")])."""
    marks = list(rules()["sub_marker"].finditer(text))
    if len(marks) < 2:
        return text, []
    items = [(m.group(1).lower(), text[m.end():(marks[k + 1].start() if k + 1 < len(marks) else len(text))].strip())
             for k, m in enumerate(marks)]
    return text[:marks[0].start()].strip(), items


def parse_amount(text: str) -> Decimal | None:
    """A money cell: "1,645" -> 1645, "(1,299)" -> -1299, "-" -> 0, "250**" -> 250, "n/a"/"**" -> None."""
    t = text.strip().rstrip("*†‡").strip()
    if rules()["nil"].match(t):
        return Decimal(0)
    m = re.fullmatch(r"(\()?\s*(-|−)?£?\s*(\d[\d,]*(?:\.\d+)?)\s*(\))?", t)
    if not m:
        return None
    value = Decimal(m.group(3).replace(",", ""))
    return -value if (m.group(1) and m.group(4)) or m.group(2) else value


# -- tables --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    index: int
    header: str
    period: Period | None = None
    kind: str | None = None      # value-kind concept name: Outturn, Target, Gross, ...
    role: str | None = None      # lead_member, label, summary, project, ...


@dataclass(frozen=True)
class Row:
    line: int                    # absolute source line
    cells: tuple[str, ...]       # cleaned text
    raw: tuple[str, ...]         # as written, HTML kept
    group: bool = False          # one filled cell heading the rows below it

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
    caption: str                 # one-cell title rows inside the block ("Revenue Budget £000")
    heading: str                 # the text line directly above the table (blank lines between at most)
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]        # body rows, across page continuations
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
    return (len(filled) >= 2 and all(len(c) <= 90 and not _data_like(c) for c in filled)
            and any(rules()["header_words"].search(c) or parse_period(c) for c in filled))


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
    return Column(index, header, period, first_match(header, "kinds"),
                  None if period else first_match(header, "roles"))


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
        body_rows = tuple(Row(n, tuple(c), tuple(r), sum(bool(x) for x in c) == 1 and len(c) > 2)
                          for n, c, r in body)
        continues = tables and above is None and prev_header is not None and (
            header == prev_header or (not header and body and len(body[0][1]) == len(tables[-1].columns)))
        if continues:
            t = tables[-1]
            tables[-1] = Table(t.line_start, block[-1][0], t.caption, t.heading, t.columns, t.rows + body_rows,
                               t.header_lines + head_lines, _notes_below(numbered, j))
            continue
        cols = tuple(column(c, h) for c, h in enumerate(header))
        tables.append(Table(block[0][0], block[-1][0], caption, above or "", cols, body_rows,
                            head_lines, _notes_below(numbered, j)))
        prev_header = header or None
    return tables


# -- cell values -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Value:
    """One value found in a cell, with the verbatim text it came from."""

    text: str
    number: Decimal | None = None
    unit: str | None = None          # unit concept name: Percent, RatePer10000, Count, ...
    area: str | None = None          # area concept name: AreaCouncil, AreaNational, ...
    period: Period | None = None
    kind: str | None = None          # value-kind concept name
    status: str | None = None        # "To be set 2020/21", "New measure", ...
    qualifier: str | None = None     # "≥", "no more than", ...
    sub: str | None = None           # sub-item marker ("i", "ii") the value belongs to


_NUM = re.compile(r"(?<![\w.,/\-–])([<>≥≤]=?\s*)?([-−]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d/])")


def _is_value(text: str, m: re.Match, prev_end: int | None) -> bool:
    """Whether number match `m` is a value (not a year, an age, a 'per 10,000', a gap note)."""
    r = rules()
    digits = m.group(3)
    if not m.group(4) and re.fullmatch(r"(?:19|20)\d\d", digits) and not text[m.end():].lstrip().startswith("%"):
        return False
    if r["not_value_before"].search(text[:m.start()]) or r["not_value_after"].match(text[m.end():]):
        return False
    gap = prev_end is not None and not r["sub_marker"].search(text[prev_end:m.start()])
    return not (gap and r["gap_after"].match(text[m.end():]))


def _numbers(text: str, start: int) -> list[re.Match]:
    found: list[re.Match] = []
    for m in _NUM.finditer(text, start):
        if _is_value(text, m, found[-1].end() if found else None):
            found.append(m)
    return found


def _cut(text: str, a: int, b: int) -> int:
    """Where the segment of a value ending at `a` stops and the next (number at `b`) starts."""
    gap = text[a:b]
    anchor = rules()["anchors"].search(gap)
    if anchor:
        return a + anchor.start()
    depth = 0
    for k, ch in enumerate(gap):
        depth += (ch == "(") - (ch == ")")
        if depth <= 0 and ch.isupper() and (k == 0 or not gap[k - 1].isalnum()):
            return a + k
    while b > a and text[b - 1] in "( ":
        b -= 1
    return b


def _segment_value(seg: str, m_start: int, m: re.Match, base: Value, default_unit: str | None,
                   local: re.Pattern | None) -> Value:
    """The typed value of one segment whose number match starts at `m_start` within it."""
    r = rules()
    prefix, after = seg[:m_start], seg[m_start + len(m.group(0)):]
    marker = r["sub_marker"].search(prefix)
    head = prefix[marker.end():] if marker else prefix
    area = "AreaCouncil" if local and local.search(head) else first_match(head, "areas")
    period = base.period
    if area and parse_period(head):
        period = parse_period(head, base.period.kind if base.period else "financial")
    kind = r["area_kinds"].get(area, base.kind)
    if r["target_phrase"].search(head):
        kind = "Target"
    unit = first_match_start(after, "value_units") or default_unit
    sign = -1 if m.group(2) else 1
    number = sign * Decimal(m.group(3).replace(",", "") + (m.group(4) or ""))
    qual = (m.group(1) or "").strip() or _qualifier(head)
    return Value(seg.strip(" &;"), number, unit, area, period, kind, None, qual,
                 marker.group(1).lower() if marker else base.sub)


def _qualifier(head: str) -> str | None:
    m = rules()["qualifiers"].match(head.strip())
    return m.group(0).lower() if m else None


def parse_cell(text: str, period: Period | None = None, kind: str | None = None,
               default_unit: str | None = None, local: re.Pattern | None = None) -> list[Value]:
    """Typed values of one cell. `period`/`kind` come from the column; a leading "Ac Year 18/19"
    overrides the period; `local` matches the council's own name ("ESCC") for AreaCouncil."""
    if not text.strip():
        return []
    r = rules()
    pre = r["year_prefix"].match(text)
    if pre:
        period = parse_period(pre.group(1), "academic")
    start = pre.end() if pre else 0
    base = Value(text, period=period, kind=kind)
    rest = text[start:].strip()
    if r["statuses"].match(rest) or not rest:
        return [Value(text, period=period, kind=kind, status=rest or None)]
    found = _numbers(text, start)
    if not found:
        return [base]
    cuts = [0] + [_cut(text, a.end(), b.start()) for a, b in zip(found, found[1:])] + [len(text)]
    values: list[Value] = []
    for k, m in enumerate(found):
        seg = text[cuts[k]:cuts[k + 1]]
        v = _segment_value(seg, m.start() - cuts[k], m, base, default_unit, local)
        if v.sub is None and values:
            v = replace(v, sub=values[-1].sub)
        values.append(v)
        base = Value(text, period=period, kind=kind, sub=v.sub)
    return values
