"""One table cell: clean text, italic notes, sub-items, money amounts and typed values.

`parse_cell` turns one cell into typed `Value`s with verbatim text ("Ac Year 18/19
ESCC 62.7% National Average 65.3%" -> two values); `parse_amount` reads a money cell.
Units, areas, statuses and the words that make a number not a value live in
`nlp/data/tables.json` (see `nlp.table_rules`).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from nlp.periods import Period, parse_period
from nlp.table_rules import first_match, first_match_start, rules

TAG = re.compile(r"</?[a-zA-Z][^<>]*>")   # an HTML element tag, for cells cleaned otherwise than by clean_cell
_TAG = re.compile(r"<[^>]+>")


def clean_cell(raw: str) -> str:
    """Cell text without HTML tags (`<p>`, `<i>`, `<br>` ...), entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", raw))).strip()


def italics(raw: str) -> list[str]:
    """The italic spans of a raw cell (`<i>…</i>`), cleaned."""
    return [t for t in (clean_cell(m) for m in re.findall(r"(?is)<i>(.*?)</i>", raw)) if t]


def without_italics(raw: str) -> str:
    return clean_cell(re.sub(r"(?is)<i>.*?</i>", " ", raw))


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
