"""Step 5, extract: the short answer a passage holds, by the type the question expects.

A "who" gets a person's name with the role written beside it, a "how much" an amount with
its currency or unit, a "how many" a number (or the count of a listed set of names), a
"when" a date, a "which section" a reference and a "which risk" a name: each the span of
the best supporting sentence or cell nearest the question's own words. Never a whole passage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from nlp.words import tokens
from nlp.dates import months_in, MONTHS
from nlp.entity_names import given_names
from kg.ask.parse import Question, rules

MAX_ANSWER = 300
_NUMBER = re.compile(r"\d[\d,.]*%?")
_QUANTITY = re.compile(r"£\s?\d|\b\d[\d,.]*\s?(?:m|bn|k|million|billion|%)(?!\w)|\b\d{1,3}(?:,\d{3})+\b")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand"
)
_COUNT = re.compile(
    rf"\b(?!(?:19|20)\d\d\b)\d[\d,]*\b|\b(?:{_NUMBER_WORDS})\b|^(?i:{_NUMBER_WORDS})\b"
)  # not "Appendix One"
_DATE = re.compile(
    r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I
)
_ASKS_AGENT = re.compile(r"\s*(who|(which|what) \w+) (provides|leads|runs|delivers|commissions|operates)\b", re.I)
_AGENT = re.compile(
    r"\b(?:provided|led|delivered|run|commissioned|operated)\b[^.;]{0,40}? by (?:the )?[A-Z][\w'&-]*(?: [A-Z(][\w'&)-]*)*"
)
_NUMBERING = re.compile(r"^\s*(?:[-•❖*]\s*)?(?:\d+(?:\.\d+)+\s+|\(?[a-z0-9]{1,3}\)\s+)*")  # "2.16 ", "- 1) "
_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.? (?:[A-Z]\.? )*[A-Z][\w'-]+"
    r"|\b[A-Z][a-z]+(?:(?:[ -]| (?:for|of|and|the|&) )[A-Z][a-z]+)+\b"
    r"|(?<![A-Z] )\b(?!(?:%s)\b)[A-Z]{3,}\b(?! [A-Z]{2,})" % "|".join(rules()["not_names"])
)


def sentences(text: str) -> list[str]:
    """Sentences of a passage; table rows split into cells."""
    if "\t" in text:
        return [c for c in text.split("\t") if c.strip()]
    parts = (_NUMBERING.sub("", s) for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9(‘'\"])", text))
    return [s for s in parts if s.strip()]


def wanted(q: Question) -> re.Pattern | None:
    """The pattern an answer to `q` must contain (a date for "when", a name for "who"…), if any."""
    low = q.text.lower()
    if low.startswith(("when", "what date")):
        return _DATE
    if low.startswith(("how much", "how large", "how big")) or re.match(
        r"what (is|was|are|were) the (\S+ ){0,3}(cost|budget|value|amount)\b", low
    ):
        return _QUANTITY
    if low.startswith("how many"):
        return _COUNT
    if "percentage" in low or "proportion" in low:
        return _NUMBER
    if re.match(r"(who|(which|what) (organi[sz]ation|provider|body|company|charity|trust|agency|partner)s?)\b", low):
        return _NAME
    return None


def novel(want: re.Pattern | None, sentence: str, q: Question) -> bool:
    """The sentence holds an answer of the wanted type that the question does not already state."""
    if want is None:
        return False
    asked = set(tokens(q.text))
    return any(not set(tokens(m.group(0))) <= asked for m in want.finditer(sentence))


class Idf(dict):
    """Word stem -> inverse document frequency over the passages; `rarest` is what a word no passage
    holds weighs (it cannot be left out)."""

    def __init__(self, weights: Mapping[str, float] = {}):
        super().__init__(weights)
        self.rarest = max(self.values(), default=1.0)


def _weight(words, idf: Mapping[str, float]) -> float:
    """IDF weight of words (1 each without weights)."""
    unseen = getattr(idf, "rarest", 1.0)
    return sum(idf.get(t, unseen) for t in words)


def _score(q: Question, sentence: str, idf: Mapping[str, float], context: frozenset[str] = frozenset()) -> float:
    """IDF-weighted share of the question's topic in the sentence (or its `context` words), plus a bonus for a
    new answer of the wanted type, and one for naming an agent ("provided by …") when the question asks who
    provides or leads."""
    words = set(q.topic)
    if not words:
        return 0.0
    got = _weight(words & (set(tokens(sentence)) | context), idf) / _weight(words, idf)
    agent = 0.3 if _ASKS_AGENT.match(q.text) and novel(_AGENT, sentence, q) else 0.0
    return got + agent + (0.25 if novel(wanted(q), sentence, q) else 0.0)


def _covers(q: Question, text: str, idf: Mapping[str, float]) -> float:
    words = set(q.topic)
    return _weight(words & set(tokens(text)), idf) / (_weight(words, idf) or 1.0)


def _broad(q: Question, sentence: str, idf: Mapping[str, float]) -> float:
    """Share of all the question's words (verbs like "start" or "provide" too) in the sentence."""
    words = set(q.words) or set(q.topic)
    return _weight(words & set(tokens(sentence)), idf) / (_weight(words, idf) or 1.0)


def broad(q: Question, text: str, idf: Mapping[str, float] = {}) -> float:
    """How many of all the question's words the best-covering sentence of `text` holds (0 … 1)."""
    return max((_broad(q, s, idf) for s in sentences(text)), default=0.0)


def support(q: Question, text: str, idf: Mapping[str, float] = {}, context: str = "") -> float:
    """How well the best sentence of `text` (or a table row as a whole) covers the question (0 … 1.25);
    the words of `context` (where the passage stands: its document's title, its section) count in every sentence."""
    around = frozenset(tokens(context))
    row = [_score(q, text.replace("\t", " "), idf, around)] if "\t" in text else []
    return max([_score(q, s, idf, around) for s in sentences(text)] + row, default=0.0)


def _with_answer(q: Question, want: re.Pattern, scored: list[tuple], best: tuple, joins: bool) -> str:
    """The best sentence holding a new answer of the wanted type: one nearly as good as the best,
    else (in prose, not a table row) the best with its neighbour ("… in permanent employment. This was at 75.4%")."""
    answering = [t for t in scored if novel(want, t[2], q)]
    close = [t for t in answering if t[0] >= 0.5 * best[0]]
    if close:
        return max(close)[2].strip()
    near = [t for t in answering if abs(t[1] - best[1]) == 1 and joins]
    if not near:
        return best[2].strip()
    pair = sorted([best, max(near)], key=lambda t: -t[1])
    joined = " ".join(t[2].strip() for t in pair)
    return joined if len(joined) <= MAX_ANSWER else max(near)[2].strip()


def best_sentence(q: Question, text: str, idf: Mapping[str, float] = {}) -> str:
    """The sentence (or cell) that best answers `q`, at most MAX_ANSWER characters.

    A sentence that holds a new answer of the wanted type (a date for "when", a name for "who")
    is preferred over one that only restates the question, when it shares enough of its words."""
    parts = sentences(text)
    if not parts:
        return ""
    want = wanted(q)
    scored = [(_score(q, p, idf) + 0.2 * _broad(q, p, idf), -i, p) for i, p in enumerate(parts)]
    best = max(scored)
    if want and not novel(want, best[2], q):
        s = _with_answer(q, want, scored, best, joins="\t" not in text)
    else:
        s = best[2].strip()
    if (
        "\t" in text
        and not novel(want, s, q)
        and not set(tokens(s)) - set(tokens(q.text))
        and _covers(q, text, idf) >= 0.8
    ):  # the row's label echoes the question: the whole row answers
        s = " | ".join(c.strip() for c in parts)
    if len(s) <= MAX_ANSWER:
        return s
    m = want.search(s) if want else None
    start = max(0, (m.start() if m else 0) - MAX_ANSWER // 2)
    return ("…" if start else "") + s[start : start + MAX_ANSWER - 2].strip() + "…"


def names_period(q: Question, text: str) -> bool:
    """The text mentions a period the question asks about ("2019/20", "2019-20", "19/20") or a month within
    it ("quarter 4 (January to March 2025)" is in 2024/25), or none is asked."""
    flat = text.replace("-", "/")
    if not q.periods or any(y in flat or y[2:] in flat for y in (p.label.replace("Ac Year ", "") for p in q.periods)):
        return True
    return any(p.start <= month <= p.end for month in months_in(text) for p in q.periods)


def misses_period(q: Question, headers: str) -> bool:
    """A table whose columns are periods, none of them the one asked for."""
    heads = headers.split(" | ")
    return (
        bool(q.periods)
        and any(re.search(r"\b\d{2}(?:\d{2})?[/-]\d{2}\b", h) for h in heads)
        and not any(_column_score(q, h, set()) for h in heads)
    )


def cell_answer(q: Question, text: str, headers: str) -> str | None:
    """The cell of a table row under the column the question names (its period, value kind or column
    words), with its header and the row's label: "8,629 … (2019/20 Outturn) — Enhance the delivery of …"."""
    cells, heads = text.split("\t"), headers.split(" | ")
    if len(cells) != len(heads) or not (q.periods or q.kinds):
        return None
    asked = set(q.words) - set(q.topic)  # column words ("net cost"), not the row's name
    scored = sorted(((_column_score(q, h, asked), i) for i, h in enumerate(heads) if cells[i].strip()), reverse=True)
    if not scored or scored[0][0] <= 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    i = scored[0][1]
    names = [c for c, h in zip(cells, heads) if not re.search(r"\d", h)] or cells  # the row's name, not a value
    label = max(names, key=lambda c: len(set(q.topic) & set(tokens(c))))
    return f"{cells[i].strip()} ({heads[i].strip()}) — {label.strip()[:120]}"


def _column_score(q: Question, header: str, asked: set[str]) -> int:
    """How well a column header fits the period, value kind and column words of the question."""
    flat = header.replace("-", "/")
    years = [p.label.replace("Ac Year ", "") for p in q.periods]
    period = any(y in flat or y[2:] in flat for y in years)
    kinds = {w for k in q.kinds for w in rules()["kinds"].get(k, [])} | {k.lower() for k in q.kinds}
    kind = any(re.search(rf"\b{re.escape(w)}\b", header, re.I) for w in kinds)
    if (q.periods and not period) or (q.kinds and not kind):
        return 0
    return 2 * period + 2 * kind + len(asked & set(tokens(header)))


# -- typed spans ------------------------------------------------------------------------
_MONTHS = "|".join(MONTHS)
_TITLE = r"(?:Councillors?|Cllrs?\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Professor|Prof\.?|Sir|Dame)"
_SURNAME = r"(?:[A-Z]\. ?)*(?:O[’'] ?|Mc|Mac)?[A-Z][\w’'-]+"
_ROLE = r"(?:\s?\(([^)]{2,80})\)|,\s((?:the\s)?[A-Z][\w&’' ()-]{2,80}?)(?=,|\.|\s(?:was|is|had|has|submitted|introduced|presented|said|reported|attended|acting)\b))"
SPANS = {
    "person": re.compile(
        rf"\b{_TITLE} +((?:[A-Z][\w’'-]+ )*{_SURNAME}){_ROLE}?"  # a title, then the role if written
        rf"|\b((?:[A-Z][a-z][\w’'-]+ ){{1,2}}{_SURNAME}){_ROLE}"
    ),  # no title: the role says it is a person
    "amount": re.compile(
        r"(?:-|\()?[£€$]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|bn|k|million|billion|thousand)\b)?\)?"
        r"|\b\d[\d,]*(?:\.\d+)?\s?(?:million|billion|bn|m)\b|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|(?<![:\d.])\b\d+\.\d+%?|\b\d+%"
    ),
    "count": re.compile(
        rf"\b(?<![/.£€$\d])(?!(?:19|20)\d\d\b)\d[\d,]*(?![\d/%]|\.\d)\b(?!(?:st|nd|rd|th)?\s+(?i:{_MONTHS}))|\b(?:{_NUMBER_WORDS})\b",
        re.I,
    ),
    "date": re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}),?\s+(?:19|20)\d\d\b|\b\d{{1,2}}/\d{{1,2}}/(?:19|20)?\d\d\b"
        rf"|\b(?:{_MONTHS})\s+(?:19|20)\d\d\b",
        re.I,
    ),
    "reference": re.compile(
        r"\b(?i:Section|Appendix|Annex|Annexe|Paragraph|Table|Item|Schedule|Part|Chapter|Page)\s+"
        r"(?:[A-Z](?![a-z])|\d+(?:\.\d+)*[a-z]?)\b"
    ),
    "frequency": re.compile(
        r"\b(?:(?:at least|no more than|up to|about)\s+)?(?:once|twice|three times|four times|\w+ times)"
        r"\s+(?:a|an|every|per|each)\s+(?:\w+\s+)?(?:years?|months?|weeks?|quarters?|days?)\b"
        r"|\b(?:annually|quarterly|monthly|weekly|biannually|yearly)\b",
        re.I,
    ),
    "name": re.compile(
        r"\b[A-Z][a-z]+(?:(?:,\s|\s+(?:of|and|for|the|&)?\s*)[A-Z][a-z]+)+\b(?:\s\([A-Z][A-Za-z&]{1,9}\))?|\b[A-Z]{2,6}\b"
    ),
}
_MONEY = re.compile(
    r"[£€$]|\b(?:cost|budget|spen[dt]|saving|saved|overspend|underspend|allocation|funding|grant|price|"
    r"charge|fee|variance|income|deficit|surplus|reserves?|money|pounds|euros?)\b",
    re.I,
)
_COMPARED = re.compile(r"\b(?:compared (?:to|with)|versus|vs\.?|previously|down from|up from|against)\b", re.I)
_LIST_OF_NAMES = re.compile(rf"^\W*(?:{_TITLE}|Members?|Present)\s*:?\s+(.+)$", re.S)


def answer_type(q: Question) -> str | None:
    """The type of answer the question expects (`answer_types` in intents.json), if any."""
    low = q.text.lower()
    return next((kind for kind, patterns in rules()["answer_types"] if any(re.search(p, low) for p in patterns)), None)


def _positions(text: str) -> list[tuple[str, int]]:
    return [(t, m.start()) for m in re.finditer(r"[\w’']+", text) for t in tokens(m.group(0))]


def _nearness(q: Question, positions: list[tuple[str, int]], start: int, end: int, idf: Mapping[str, float]) -> float:
    """How close the span sits to the question's words in the text (matched on their first five letters,
    "approve" / "approval"), each word weighted by its rarity."""
    asked = {t[:5]: t for t in (*q.topic, *q.words)}
    near: dict[str, float] = {}
    for t, at in positions:
        if t[:5] in asked:
            gap = max(0, start - at, at - end) / 6.0
            near[t[:5]] = max(near.get(t[:5], 0.0), idf.get(asked[t[:5]], 1.0) * math.exp(-gap / 8.0))
    return sum(near.values())


def _preference(q: Question, kind: str, text: str, start: int, span: str) -> float:
    """Amounts with a currency or unit before bare numbers; a value the sentence gives only for comparison
    ("compared to £1.4m at month 8") after the one it reports, unless the question asks for the comparison."""
    bonus = 0.0
    if kind == "amount" and re.search(r"[£€$%]|\b(?:m|bn|k|million|billion)\b", span) and _MONEY.search(q.text):
        bonus += 0.5
    if _COMPARED.search(text[max(0, start - 40) : start]) and not _COMPARED.search(q.text):
        bonus -= 1.0
    return bonus


def spans(kind: str, text: str, q: Question) -> list[tuple[int, int, str]]:
    """Spans of `kind` in text that the question does not already state. A person written without a
    title ("Paul Harrington, Chief Auditor") must start with a common given name."""
    asked = re.sub(r"[^0-9a-z]+", "", q.text.lower())
    out, pos = [], 0
    while m := SPANS[kind].search(text, pos):
        pos = m.end()
        if kind == "person" and m.group(4) and m.group(4).split()[0] not in given_names():
            pos = m.start() + 1  # not a person: a titled name may start inside it ("Item (Holder: Cllr A B)")
            continue
        span = m.group(0).strip(" ,;")
        core = re.sub(r"[^0-9a-z]+", "", span.lower())
        if core and core not in asked:
            out.append((m.start(), m.end(), _with_role(kind, m) or span))
    return out


def _with_role(kind: str, m: re.Match) -> str | None:
    """A person as "Name (Role)": the role written in brackets or after a comma."""
    if kind != "person":
        return None
    name = m.group(1) or m.group(4)
    role = m.group(2) or m.group(3) or m.group(5) or m.group(6)
    title = m.group(0)[: m.start(1) - m.start(0)].strip() if m.group(1) else ""
    whole = f"{title} {name}".strip() if title and not title.lower().startswith("councillors") else name
    return f"{whole} ({role.strip()})" if role else whole


def listed_count(text: str) -> int | None:
    """How many names a list holds ("Councillors Daly (Chairperson), Butler and Browne" -> 3)."""
    m = _LIST_OF_NAMES.match(text)
    if not m:
        return None
    items = [i for i in re.split(r",|;|\band\b|\n", re.sub(r"\([^)]*\)", "", m.group(1))) if re.search(r"[A-Z]", i)]
    return len(items) if len(items) >= 2 else None


def short_answer(q: Question, text: str, idf: Mapping[str, float]) -> str | None:
    """The span of the expected type nearest the question's words in `text`, or None."""
    kind = answer_type(q)
    if kind is None:
        return None
    found = spans(kind, text, q)
    if kind == "count" and re.search(r"\b(listed|present|attend|members|councillors)\b", q.text, re.I):
        counted = listed_count(text)
        if counted:
            return str(counted)
    if not found:
        return None
    if kind == "date" and re.search(r"\bwhich (?:\w+ )?(?:\w+ )?(?:meetings|dates)\b", q.text, re.I):
        return " and ".join(dict.fromkeys(s for _, _, s in found))  # several dates asked for
    positions = _positions(text)
    best = max(
        found,
        key=lambda f: (
            _nearness(q, positions, f[0], f[1], idf) + _role_fit(q, f[2]) + _preference(q, kind, text, f[0], f[2]),
            -f[0],
        ),
    )
    return best[2]


def item_answer(q: Question, intro: str, items: list[str], idf: Mapping[str, float]) -> tuple[int, str] | None:
    """(which item, its answer) from the one list item that holds question words its introduction lacks
    ("Of the 49 actions in progress: 21 are green, 7 are red" asked "how many … red"), or None
    when no single item stands out."""
    asked = (set(q.topic) | set(q.words)) - set(tokens(intro))
    scored = sorted(((_weight(asked & set(tokens(t)), idf), i) for i, t in enumerate(items)), reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    at = scored[0][1]
    span = short_answer(q, items[at], idf)
    return (at, span) if span else None


_ROLE_ASKED = re.compile(
    r"^who (?:is|was|are|were) (?:the )?(?:[\w-]+ ){0,3}?(?:for|of) (?:the )?(.+?)"
    r"(?: (?:at|in|on|during) .*)?\??$",
    re.I,
)


def role_covered(q: Question, text: str, idf: Mapping[str, float]) -> bool:
    """A question naming a role by its remit ("Who is the Lead Member for Children and Families?") is
    answered only by a passage that names most of that remit (weighted by rarity), not one word of it."""
    m = _ROLE_ASKED.match(q.text.strip())
    remit = set(tokens(m.group(1))) & set(q.topic) if m else set()
    return not remit or _weight(remit & set(tokens(text)), idf) >= 0.75 * _weight(remit, idf)


def _role_fit(q: Question, span: str) -> float:
    """A person whose written role shares a word stem with the question ("chaired" / "Chairperson")."""
    role = span[span.find("(") + 1 :] if "(" in span else ""
    asked = {t[:5] for t in tokens(q.text) if len(t) >= 5}
    return 2.0 if role and any(t[:5] in asked for t in tokens(role) if len(t) >= 5) else 0.0
