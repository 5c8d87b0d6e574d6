"""One table cell: clean text, italic notes, sub-items, money amounts and typed values.

`parse_cell` turns one cell into typed `Value`s with verbatim text ("Ac Year 18/19
ESCC 62.7% National Average 65.3%" -> two values); `parse_amount` reads a money cell.
`AMOUNT` and `read_amount` are the one home for reading an amount as written anywhere
("£4.1m", "€2.5 million", "(1,234)", "2.99%"): currency, scale words and brackets;
`money_scale` reads a table's "£000" / "£m" header. Units, areas, statuses and the
words that make a number not a value live in `nlp/data/tables.json` (see `nlp.table_rules`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from nlp.periods import Period, parse_period
from nlp.table_rules import first_match, first_match_start, rules
from nlp.text import TAG as _ANGLED, squash

TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # an HTML element tag, for cells cleaned otherwise than by clean_cell


def clean_cell(raw: str) -> str:
    """Cell text without HTML tags (`<p>`, `<i>`, `<br>` ...), entities decoded, spaces collapsed."""
    return squash(html.unescape(_ANGLED.sub(" ", raw)))


def italics(raw: str) -> list[str]:
    """The italic spans of a raw cell (`<i>…</i>`), cleaned."""
    return [t for t in (clean_cell(m) for m in re.findall(r"(?is)<i>(.*?)</i>", raw)) if t]


def without_italics(raw: str) -> str:
    return clean_cell(re.sub(r"(?is)<i>.*?</i>", " ", raw))


def split_subitems(text: str) -> tuple[str, list[tuple[str, str]]]:
    """ "Rate of X (i) Fixed term (ii) Permanent" -> ("Rate of X", [("i", "Fixed term"), ("ii", "Permanent")])."""
    marks = list(rules()["sub_marker"].finditer(text))
    if len(marks) < 2:
        return text, []
    items = [
        (m.group(1).lower(), text[m.end() : (marks[k + 1].start() if k + 1 < len(marks) else len(text))].strip())
        for k, m in enumerate(marks)
    ]
    return text[: marks[0].start()].strip(), items


CURRENCIES = {"£": "GBP", "€": "EUR", "$": "USD"}
SCALES = {"k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9}

# One amount as written: "(£1.2m)", "-€500", "£4.1 million", "1,234.5", "2.99%", "3 per cent".
AMOUNT = re.compile(
    r"(?<![\w.,:/£€$])(?P<open>\(\s*)?(?P<minus>[-−]\s?)?(?P<cur>[£€$])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?![\d/]|\.\d|,\d{3})"
    r"(?:\s?(?P<scale>bn|billion|million|mn|m|k|thousand)\b)?"
    r"(?P<pct>\s?%|\s?per\s?cent\b)?(?P<close>(?(open)\s*\)))",
    re.I,
)


@dataclass(frozen=True)
class Amount:
    """An amount read from text: the scaled number, its currency or unit, and where it was."""

    text: str  # verbatim, as matched
    number: Decimal  # scaled: "£4.1m" -> 4100000; negative for "(1,234)" and "-5"
    currency: str | None  # GBP | EUR | USD
    unit: str  # unit concept name: GBP, EUR, USD, Percent, Count
    start: int = 0
    end: int = 0


def read_amount(m: re.Match, scale: int = 1, currency: str | None = None) -> Amount:
    """The `Amount` of an `AMOUNT` match; `scale`/`currency` come from a "£000" header, if any."""
    number = Decimal(m.group("num").replace(",", ""))
    if m.group("scale"):
        scale = SCALES[m.group("scale").lower()]
    currency = CURRENCIES.get(m.group("cur") or "", currency)
    negative = (m.group("open") and m.group("close")) or m.group("minus")
    number = (-number if negative else number) * scale
    unit = "Percent" if m.group("pct") else currency or "Count"
    return Amount(
        m.group(0).strip(),
        number.normalize() if number != number.to_integral() else number.quantize(Decimal(1)),
        None if m.group("pct") else currency,
        unit,
        m.start(),
        m.end(),
    )


def money_scale(text: str) -> tuple[str | None, int]:
    """(currency, scale) of a table caption or header: "£000" -> ("GBP", 1000), "€m" -> ("EUR", 10**6)."""
    m = re.search(r"([£€$])\s*'?\s*(000|k\b|m\b|bn\b|thousands?|millions?|billions?)?", text, re.I)
    if not m:
        return None, 1
    word = (m.group(2) or "").lower()
    scale = 1000 if word == "000" else SCALES.get(word.rstrip("s"), 1)
    return CURRENCIES[m.group(1)], scale


def parse_amount(text: str, scale: int = 1, currency: str | None = None) -> Decimal | None:
    """A money cell: "1,645" -> 1645, "(1,299)" -> -1299, "-" -> 0, "250**" -> 250, "n/a"/"**" -> None."""
    found = parse_cell_amount(text, scale, currency)
    return found if found is None or isinstance(found, Decimal) else found.number


def parse_cell_amount(text: str, scale: int = 1, currency: str | None = None) -> Amount | Decimal | None:
    """A whole cell as one amount (an `Amount`), `Decimal(0)` for a nil dash, or None."""
    t = text.strip().rstrip("*†‡").strip()
    if rules()["nil"].match(t):
        return Decimal(0)
    m = AMOUNT.fullmatch(t)
    if not m:
        return None
    return read_amount(m, scale, currency)


@dataclass(frozen=True)
class Value:
    """One value found in a cell, with the verbatim text it came from."""

    text: str
    number: Decimal | None = None
    unit: str | None = None  # unit concept name: Percent, RatePer10000, Count, ...
    area: str | None = None  # area concept name: AreaCouncil, AreaNational, ...
    period: Period | None = None
    kind: str | None = None  # value-kind concept name
    status: str | None = None  # "To be set 2020/21", "New measure", ...
    qualifier: str | None = None  # "≥", "no more than", ...
    sub: str | None = None  # sub-item marker ("i", "ii") the value belongs to


_NUM = re.compile(r"(?<![\w.,/\-–])([<>≥≤]=?\s*)?([-−]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d/])")


def _is_value(text: str, m: re.Match, prev_end: int | None) -> bool:
    """Whether number match `m` is a value (not a year, an age, a 'per 10,000', a gap note)."""
    r = rules()
    digits = m.group(3)
    if not m.group(4) and re.fullmatch(r"(?:19|20)\d\d", digits) and not text[m.end() :].lstrip().startswith("%"):
        return False
    if r["not_value_before"].search(text[: m.start()]) or r["not_value_after"].match(text[m.end() :]):
        return False
    gap = prev_end is not None and not r["sub_marker"].search(text[prev_end : m.start()])
    return not (gap and r["gap_after"].match(text[m.end() :]))


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


def _segment_value(
    seg: str, m_start: int, m: re.Match, base: Value, default_unit: str | None, local: re.Pattern | None
) -> Value:
    """The typed value of one segment whose number match starts at `m_start` within it."""
    r = rules()
    prefix, after = seg[:m_start], seg[m_start + len(m.group(0)) :]
    marker = r["sub_marker"].search(prefix)
    head = prefix[marker.end() :] if marker else prefix
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
    return Value(
        seg.strip(" &;"), number, unit, area, period, kind, None, qual, marker.group(1).lower() if marker else base.sub
    )


def _qualifier(head: str) -> str | None:
    m = rules()["qualifiers"].match(head.strip())
    return m.group(0).lower() if m else None


def parse_cell(
    text: str,
    period: Period | None = None,
    kind: str | None = None,
    default_unit: str | None = None,
    local: re.Pattern | None = None,
) -> list[Value]:
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
        seg = text[cuts[k] : cuts[k + 1]]
        v = _segment_value(seg, m.start() - cuts[k], m, base, default_unit, local)
        if v.sub is None and values:
            v = replace(v, sub=values[-1].sub)
        values.append(v)
        base = Value(text, period=period, kind=kind, sub=v.sub)
    return values
