"""Money and labelled numbers stated in prose and in tables no other extractor reads.

Every document kind. A prose amount ("£4.1m overspend", "a Council Tax of £225.40 for a
Band D property", "€2.5 million allocation for lighting", "a Tax Base of 29,832.98")
becomes a `StatedAmount`: verbatim text, scaled value, currency or unit, the noun phrase
it is of (its label, by the words around it: "£N X", "X of £N", "X was £N", "X
saved £N"), the period, quarter or month stated with it, and whether it is adverse or
favourable. Tables with money or period columns ("£000" captions, "Q1".."Q4", "Month 9",
a RAG column) give one per value cell, labelled by the row. Tables already read by the
plan, KPI, scorecard and risk extractors are left to them. Amounts are read by
`nlp.cells` (the one home for numbers), periods by `nlp.periods`.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from nlp.cells import AMOUNT, SCALES, clean_cell, money_scale, parse_cell_amount, read_amount
from nlp.dates import MONTH_ABBREVIATIONS
from nlp.model import Document
from nlp.periods import Period, find_periods, month_in, quarter_in
from nlp.table_rules import first_match, rules
from nlp.tables import Row, Table, find_tables


class _EveryKind:
    """`APPLIES_TO` that holds every document kind, including kinds added later."""

    def __contains__(self, kind: object) -> bool:
        return True


APPLIES_TO = _EveryKind()

# Extractors whose records already hold table values: their tables are skipped here.
_TABLE_READERS = ("plan_money", "plan_measures", "kpi", "scorecard", "risks")

_STOP = set(
    """a an the this that these those its their our his her my your which who whom whose what
was were is are be been being had has have will would could should may might must shall can do does did
and or but nor so than then as after before since until while when where whether if with without using
by to from into onto against compared including includes included per each every all some any
not no there here it they we he she you also only just being within in on at for of over under
about around approximately nearly almost up more less least most during between across because through
throughout via among despite following currently already still now together respectively""".split()
)
MAX_SENTENCE = 1000  # characters: a longer run without a sentence end is read in pieces
_COUNTED = re.compile(r"^(?:[a-z]+s|people|children|staff|men|women)\b")  # "114 actions", "40 people"
_INNER = {"of", "for", "within", "in", "on", "at", "from", "to"}  # prepositions inside a noun phrase
_TAIL = {"for", "at", "from", "on", "in", "to", "towards"}  # a phrase the label may continue with
_COPULA = re.compile(
    r"\b(?:was|were|is|are|be|been|totalled|totals|totaling|totalling|stood at|"
    r"amounted to|amounts to|reached|came to|of)\s*:?\s*$",
    re.I,
)
_VERB_ED = re.compile(r"\b([a-z]{3,}ed)\s*$", re.I)
_COMPARED = re.compile(r"\b(?:compared (?:with|to)|against|from)\s*$", re.I)
_JOINED = re.compile(r"^\s*(?:,|or|and|to|-|–)\s*$", re.I)
_QUALIFIER = re.compile(
    r"\b(over|under|up to|at least|at most|more than|less than|around|approximately|"
    r"about|nearly|almost|in excess of|circa|c\.)\s*$",
    re.I,
)
_REFERENCE = re.compile(
    r"\b(?:paragraphs?|para|items?|sections?|appendix|appendices|annex|tables?|pages?|"
    r"minutes?|reports?|no|number|regulations?|clause|chapter|rule|ward|band|figure|"
    r"version|stage|phase|level|part|step|tier|grade|code)\.?\s*$",
    re.I,
)
_MONTHS = re.compile(
    r"^\s*(?:st|nd|rd|th)?\s*(?:" + "|".join(MONTH_ABBREVIATIONS) + r")[a-z]*\b"
    r"|^\s*(?:am|pm|a\.m|p\.m|hours?|hrs?|mins?|minutes?)\b",
    re.I,
)
_BASE_PERIOD = re.compile(r"\b(?:from|since|compared (?:to|with)|than|over)\s+(?:the\s+)?(?:year\s+)?$", re.I)
_KINDS = [
    ("Variance", r"variance|overspend|underspend|over-spend|under-spend|deficit|surplus|shortfall"),
    ("Forecast", r"forecast|projected|projection"),
    ("Outturn", r"outturn"),
    ("Target", r"target"),
    ("Saving", r"saving|saved"),
    ("Budget", r"budget|requirement|allocation|allocated|provision"),
    ("Actual", r"\bactual|spent|spend\b"),
]
_DIRECTIONS = [
    ("Adverse", r"adverse|overspen|over-spen|deficit|shortfall|pressure"),
    ("Favourable", r"favourable|underspen|under-spen|surplus"),
]
_RAG = {
    "r": "Red",
    "red": "Red",
    "a": "Amber",
    "amber": "Amber",
    "g": "Green",
    "green": "Green",
    "a/r": "Amber",
    "r/a": "Red",
    "a/g": "Amber",
    "g/a": "Green",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&\-]*|\S")


@dataclass(frozen=True)
class StatedAmount:
    """One amount stated in a document's prose or in a table cell."""

    text: str  # verbatim: "£4.1m", "(1,234)", "29,832.98"
    number: Decimal | None  # scaled: £4.1m -> 4100000, "(1,234)" in a £000 table -> -1234000
    unit: str  # unit concept name: GBP, EUR, Percent, Count
    currency: str | None  # GBP | EUR | None
    label: str  # what it is an amount of: "Council Tax for a Band D property"
    kind: str  # value-kind concept name: Variance, Forecast, Budget, Stated, RAG, ...
    line: int  # source line the amount is on
    context: str  # the sentence, or the row's cells joined
    period: Period | None = None
    quarter: int | None = None
    month: int | None = None  # month N of the financial year ("month 9")
    direction: str | None = None  # Adverse | Favourable, as stated
    qualifier: str | None = None  # "over", "up to", ...
    column: str | None = None  # table column header
    cell: str | None = None  # "line/column" of a table cell
    rag: str | None = None  # Red | Amber | Green for a RAG cell
    index: int = 0  # position among the amounts starting on `line`


# -- words around an amount --------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_content(word: str) -> bool:
    return word[0].isalpha() and word.lower() not in _STOP


def _phrase_before(text: str) -> str | None:
    """The noun phrase ending `text` ("… a Council Tax Requirement" -> "Council Tax Requirement")."""
    words = _words(text)
    out: list[str] = []
    while words and len(out) < 12:
        w = words.pop()
        low = w.lower()
        if _is_content(w) or (out and low in _INNER and words and _is_content(words[-1])):
            out.insert(0, w)
        elif out and low in ("the", "a", "an") and words and words[-1].lower() in ("of", "for", "within"):
            out.insert(0, w)
        else:
            break
    while out and not _is_content(out[0]):
        out.pop(0)
    return " ".join(out) or None


def _phrase_after(text: str) -> str | None:
    """A noun phrase starting `text` ("overspend for 2018/19" -> "overspend")."""
    out: list[str] = []
    for w in _words(text):
        if not _is_content(w) or (out and w.lower().endswith("ed")) or len(out) >= 6:
            break
        out.append(w)
    if out and out[0].lower().endswith("ed"):
        return None
    return " ".join(out) or None


def _tail(text: str) -> str:
    """A prepositional phrase continuing a label ("for a Band D property", "at month 8"), not a bare period."""
    words = _words(text)
    if not words or words[0].lower() not in _TAIL:
        return ""
    out = [words[0]]
    for w in words[1:6]:
        if not (w[0].isalnum() or w in "/-&'’") or (w.lower() in _STOP and w.lower() not in ("the", "a", "an")):
            break
        out.append(w)
    phrase = " ".join(out).replace(" / ", "/")
    rest = re.sub(r"^\w+\s+(?:the\s+)?(?:year\s+)?", "", phrase, flags=re.I)
    words_only = re.sub(r"\b(?:19|20)?\d\d\s*/\s*\d\d\b", "", rest)
    if (
        len(out) < 2
        or re.search(r"\b(?:year|years|annum|period)$", phrase, re.I)
        or not re.search(r"[A-Za-z]", rest)
        or (find_periods(rest) and not re.search(r"[A-Za-z]{3}", words_only))
    ):
        return ""  # a bare period ("for 2018/19", "for the current financial year") is not part of the label
    return re.sub(r"\s+(?:the|a|an)$", "", phrase)


def _label(sentence: str, start: int, end: int, previous: StatedAmount | None, prev_end: int) -> str | None:
    """What the amount at sentence[start:end] is of, by the words around it."""
    before, after = sentence[:start], sentence[end:]
    own = _phrase_after(after)
    if own and not re.match(r"\s*[,;:.]", after):
        return f"{own} {_tail(after[after.find(own) + len(own) :])}".strip()
    head = _QUALIFIER.sub("", before)
    if re.search(r"\bof\s*$", head) or _COPULA.search(head):
        np = _phrase_before(_COPULA.sub("", head).rstrip())
        if np and not _REFERENCE.search(np):
            tail = _tail(after)
            return f"{np} {tail}".strip()
    verb = _VERB_ED.search(head)
    if verb and verb.group(1).lower() not in _STOP:
        return verb.group(1)
    if previous is not None and _JOINED.match(sentence[prev_end:start]):
        return previous.label
    if previous is not None and _COMPARED.search(before):
        base = re.sub(r"\s+(?:at|in|for)\s+(?:month|quarter|period|Q\d).*$", "", previous.label, flags=re.I)
        return f"{base} {_tail(after)}".strip()
    return None


# -- prose -------------------------------------------------------------------------------------
def _paragraphs(doc: Document) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """(text, [(offset, line)]) for each run of prose lines (tab lines are tables)."""
    parts: list[str] = []
    where: list[tuple[int, int]] = []
    size = 0
    for n, line in doc.numbered():
        clean = clean_cell(line.replace("**", "")) if "\t" not in line else ""
        if not clean:
            if parts:
                yield " ".join(parts), where
            parts, where, size = [], [], 0
            continue
        where.append((size + (1 if parts else 0), n))
        size += len(clean) + (1 if parts else 0)
        parts.append(clean)
    if parts:
        yield " ".join(parts), where


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in re.finditer(r"(?<=[.;!?])\s+(?=[A-Z(“\"‘'0-9])", text):
        yield from _bounded(start, text[start : m.start()])
        start = m.end()
    yield from _bounded(start, text[start:])


def _bounded(offset: int, sentence: str) -> Iterator[tuple[int, str]]:
    """A sentence, or a run longer than any sentence cut at spaces into MAX_SENTENCE pieces, so the words
    around each amount are read from a bounded window."""
    while len(sentence) > MAX_SENTENCE:
        cut = sentence.rfind(" ", MAX_SENTENCE // 2, MAX_SENTENCE)
        cut = cut if cut > 0 else MAX_SENTENCE
        yield offset, sentence[:cut]
        offset, sentence = offset + cut, sentence[cut:]
    yield offset, sentence


def _line_at(where: list[tuple[int, int]], offset: int) -> int:
    return where[max(0, bisect_right(where, offset, key=lambda w: w[0]) - 1)][1]


def _period(sentence: str, start: int, default: Period | None) -> Period | None:
    """The stated year nearest the amount, other than a comparison base ("from 2022/23")."""
    found = [(abs(a - start), p) for p, a, _ in find_periods(sentence) if not _BASE_PERIOD.search(sentence[:a])]
    return min(found, key=lambda x: x[0])[1] if found else default


def _kept(m: re.Match, sentence: str, label: str | None) -> bool:
    """Money always; a percentage when labelled; a plain number only as "X of N" / "X was N" or
    before a lower-case noun ("114 actions"), never a year, date, time, size or a numbering."""
    if re.fullmatch(r"0\d+", m.group("num")):
        return False
    if m.group("cur"):
        return True
    if label is None or m.group("minus") or _MONTHS.match(sentence[m.end() :]) or not sentence[: m.start()].strip():
        return False
    if m.group("pct"):
        return True
    before, after = _QUALIFIER.sub("", sentence[: m.start()]), sentence[m.end() :].lstrip()
    if rules()["not_value_before"].search(before) or rules()["not_value_after"].match(after):
        return False
    labelled = bool(re.search(r"\bof\s*$", before) or _COPULA.search(before)) or bool(_COUNTED.match(after))
    return labelled and not re.fullmatch(r"(?:19|20)\d\d|\d", m.group("num"))


def _classify(label: str) -> tuple[str, str | None]:
    """(value kind, Adverse | Favourable | None) from the words of a label."""
    kind = next((k for k, rx in _KINDS if re.search(rx, label, re.I)), "Stated")
    direction = next((d for d, rx in _DIRECTIONS if re.search(rx, label, re.I)), None)
    return kind, direction


def _shared_scale(sentence: str, matches: list[re.Match]) -> dict[int, int]:
    """ "between £6.7 and £8.1 billion": the scale of the second applies to the first."""
    out: dict[int, int] = {}
    for a, b in zip(matches, matches[1:]):
        if (
            a.group("cur")
            and not a.group("scale")
            and b.group("scale")
            and _JOINED.match(sentence[a.end() : b.start()])
        ):
            out[a.start()] = SCALES[b.group("scale").lower()]
    return out


def prose_amounts(doc: Document, skip: set[int]) -> list[StatedAmount]:
    """Every kept amount of every prose sentence (lines in `skip` left out)."""
    default = Period(doc.period[0]) if doc.period and doc.period[0] == doc.period[1] else None
    out: list[StatedAmount] = []
    on_line: Counter[int] = Counter()
    above = ""
    for text, where in _paragraphs(doc):
        for offset, sentence in _sentences(text):
            matches = [m for m in AMOUNT.finditer(sentence) if not (m.group("open") and not m.group("close"))]
            scales, previous, prev_end = _shared_scale(sentence, matches), None, 0
            for m in matches:
                line = _line_at(where, offset + m.start())
                label = _label(sentence, m.start(), m.end(), previous, prev_end)
                if line in skip or not _kept(m, sentence, label):
                    continue
                amount = read_amount(m, scales.get(m.start(), 1))
                alone = sentence.strip() == m.group(0).strip() and 0 < len(above) <= 80
                label = label or (above if alone else _fallback_label(sentence[: m.start()]))
                kind, direction = _classify(label)
                q = _QUALIFIER.search(sentence[: m.start()])
                scope = f"{label} {sentence[m.end() : m.end() + 30]}"
                rec = StatedAmount(
                    amount.text,
                    amount.number,
                    amount.unit,
                    amount.currency,
                    label,
                    kind,
                    line,
                    sentence.strip(),
                    _period(sentence, m.start(), default),
                    quarter_in(label),
                    month_in(scope if "month" in label.lower() else label),
                    direction,
                    q.group(1).lower() if q else None,
                    index=on_line[line],
                )
                on_line[line] += 1
                out.append(rec)
                previous, prev_end = rec, m.end()
        above = text
    return out


def _fallback_label(before: str) -> str:
    """The last content words of the clause before an amount ("… Allocation with €503,000")."""
    clause = re.split(r"[,;:()]", before)[-1]
    words = [w for w in _words(clause) if w[0].isalpha()][-6:]
    while words and not _is_content(words[-1]):
        words.pop()
    while words and not _is_content(words[0]):
        words.pop(0)
    return " ".join(words) or "amount"


# -- tables ------------------------------------------------------------------------------------
def _record_lines(obj: object) -> Iterator[int]:
    """Every `line` held by a record and the records nested in it."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name == "line" and isinstance(value, int):
                yield value
            elif isinstance(value, tuple):
                for item in value:
                    yield from _record_lines(item)


def covered_lines(doc: Document) -> set[int]:
    """Lines whose values another table extractor already reads."""
    lines: set[int] = set()
    for name in _TABLE_READERS:
        mod = importlib.import_module(f"nlp.extract.{name}")
        if doc.doc_type in getattr(mod, "APPLIES_TO", ()):
            for rec in mod.extract(doc):
                lines.update(_record_lines(rec))
    return lines


def part_lines(doc: Document) -> set[int]:
    """Lines of the documents bound inside `doc` (an agenda pack's parts read them)."""
    from nlp.extract import split_parts

    return {n for part in split_parts(doc) for n, _ in part.numbered()}


def _headers(t: Table) -> tuple[list[str], tuple[Row, ...]]:
    """Column headers and body rows; a first row without amounts heads a table the interpreter left headless."""
    if t.columns or not t.rows or any(parse_cell_amount(c) is not None for c in t.rows[0].cells[1:]):
        return [c.header for c in t.columns], t.rows
    return list(t.rows[0].cells), t.rows[1:]


def _label_column(rows: tuple[Row, ...], width: int) -> int:
    """The first column whose cells are mostly words, not amounts."""
    for j in range(width):
        cells = [r.cell(j) for r in rows if r.cell(j)]
        if cells and sum(parse_cell_amount(x) is None for x in cells) * 2 > len(cells):
            return j
    return 0


def _is_rag(header: str) -> bool:
    return re.search(r"\bRAG\b|\bstatus\b|\brating\b", header, re.I) is not None


def _money_table(t: Table, headers: list[str]) -> bool:
    """A table of money or of values by period, quarter or month."""
    heads = " ".join([t.caption, t.heading, *headers])
    return bool(
        money_scale(heads)[0]
        or find_periods(" ".join(headers))
        or quarter_in(heads)
        or month_in(heads)
        or any(re.search(r"[£€]", c) for r in t.rows for c in r.cells)
    )


def _cell_amount(
    t: Table, row: Row, j: int, header: str, label: str, context: tuple[str | None, int]
) -> StatedAmount | None:
    """The amount (or RAG rating) of one cell, read with its column header and the table's £000 / £m."""
    text, title = row.cell(j), f"{t.caption} {t.heading}"
    base = dict(
        label=label,
        line=row.line,
        context=" | ".join(row.filled),
        column=header or None,
        cell=f"{row.line}/{j}",
        period=_period(header, 0, None) or _period(title, 0, None),
        quarter=quarter_in(header),
        month=month_in(header),
    )
    if _is_rag(header) and text.lower() in _RAG:
        return StatedAmount(text, None, "RAG", None, kind="RAG", rag=_RAG[text.lower()], **base)
    currency, scale = money_scale(header) if money_scale(header)[0] else context
    found = parse_cell_amount(text, scale, currency)
    if found is None or isinstance(found, Decimal):
        return None
    kind = first_match(header, "kinds") or first_match(title, "kinds") or _classify(f"{header} {label}")[0]
    direction = _classify(f"{header} {label}")[1]
    return StatedAmount(found.text, found.number, found.unit, found.currency, kind=kind, direction=direction, **base)


def table_amounts(doc: Document, skip: set[int]) -> list[StatedAmount]:
    """One amount per value cell of every money or period table not read elsewhere."""
    out: list[StatedAmount] = []
    for t in find_tables(doc.numbered()):
        headers, rows = _headers(t)
        if any(r.line in skip for r in t.rows) or not _money_table(t, headers):
            continue
        context = money_scale(" ".join([t.caption, t.heading, *headers]))
        label_col, group = _label_column(rows, max((len(r.cells) for r in rows), default=0)), None
        for row in rows:
            if row.group:
                group = row.filled[0]
                continue
            label = row.cell(label_col) or group
            if not label:
                continue
            out += [
                a
                for j in range(len(row.cells))
                if j != label_col
                and (a := _cell_amount(t, row, j, headers[j] if j < len(headers) else "", label, context))
            ]
    return out


def extract(doc: Document) -> list[object]:
    """StatedAmount records of prose and uncovered tables."""
    skip = part_lines(doc)
    tables = table_amounts(doc, skip | covered_lines(doc))
    return [*prose_amounts(doc, skip), *tables]
