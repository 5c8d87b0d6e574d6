"""Extractive short answers from passages: the sentence or cell that answers, never a whole passage."""
from __future__ import annotations

import re
from collections.abc import Mapping

from kg.index import tokens
from kg.question import Question, rules

MAX_ANSWER = 300
_NUMBER = re.compile(r"\d[\d,.]*%?")
_QUANTITY = re.compile(r"£\s?\d|\b\d[\d,.]*\s?(?:m|bn|k|million|billion|%)(?!\w)|\b\d{1,3}(?:,\d{3})+\b")
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand"
_COUNT = re.compile(rf"\b(?!(?:19|20)\d\d\b)\d[\d,]*\b|\b(?:{_NUMBER_WORDS})\b|^(?i:{_NUMBER_WORDS})\b")  # not "Appendix One"
_DATE = re.compile(r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I)
_ASKS_AGENT = re.compile(r"\s*(who|(which|what) \w+) (provides|leads|runs|delivers|commissions|operates)\b", re.I)
_AGENT = re.compile(r"\b(?:provided|led|delivered|run|commissioned|operated)\b[^.;]{0,40}? by (?:the )?[A-Z][\w'&-]*(?: [A-Z(][\w'&)-]*)*")
_NUMBERING = re.compile(r"^\s*(?:[-•❖*]\s*)?(?:\d+(?:\.\d+)+\s+|\(?[a-z0-9]{1,3}\)\s+)*")  # "2.16 ", "- 1) "
_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.? (?:[A-Z]\.? )*[A-Z][\w'-]+"
                   r"|\b[A-Z][a-z]+(?:(?:[ -]| (?:for|of|and|the|&) )[A-Z][a-z]+)+\b"
                   r"|(?<![A-Z] )\b(?!(?:%s)\b)[A-Z]{3,}\b(?! [A-Z]{2,})" % "|".join(rules()["not_names"]))


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
    if low.startswith(("how much", "how large", "how big")) or \
            re.match(r"what (is|was|are|were) the (\S+ ){0,3}(cost|budget|value|amount)\b", low):
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


_RAREST: dict[int, float] = {}


def _weight(words, idf: Mapping[str, float]) -> float:
    """IDF weight of words; a word no passage holds weighs as much as the rarest one (it cannot be left out)."""
    if idf and id(idf) not in _RAREST:
        _RAREST[id(idf)] = max(idf.values())
    unseen = _RAREST.get(id(idf), 1.0)
    return sum(idf.get(t, unseen) for t in words)


def _score(q: Question, sentence: str, idf: Mapping[str, float]) -> float:
    """IDF-weighted share of the question's topic in the sentence, plus a bonus for a new answer of the wanted
    type, and one for naming an agent ("provided by …") when the question asks who provides or leads."""
    words = set(q.topic)
    if not words:
        return 0.0
    got = _weight(words & set(tokens(sentence)), idf) / _weight(words, idf)
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


def support(q: Question, text: str, idf: Mapping[str, float] = {}) -> float:
    """How well the best sentence of `text` (or a table row as a whole) covers the question (0 … 1.25)."""
    row = [_score(q, text.replace("\t", " "), idf)] if "\t" in text else []
    return max([_score(q, s, idf) for s in sentences(text)] + row, default=0.0)


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
    if "\t" in text and not novel(want, s, q) and not set(tokens(s)) - set(tokens(q.text)) \
            and _covers(q, text, idf) >= 0.8:  # the row's label echoes the question: the whole row answers
        s = " | ".join(c.strip() for c in parts)
    if len(s) <= MAX_ANSWER:
        return s
    m = want.search(s) if want else None
    start = max(0, (m.start() if m else 0) - MAX_ANSWER // 2)
    return ("…" if start else "") + s[start:start + MAX_ANSWER - 2].strip() + "…"


def names_period(q: Question, text: str) -> bool:
    """The text mentions a period the question asks about ("2019/20", "2019-20", "19/20"), or none is asked."""
    flat = text.replace("-", "/")
    return not q.periods or any(y in flat or y[2:] in flat for y in (p.label.replace("Ac Year ", "") for p in q.periods))


def misses_period(q: Question, headers: str) -> bool:
    """A table whose columns are periods, none of them the one asked for."""
    heads = headers.split(" | ")
    return bool(q.periods) and any(re.search(r"\b\d{2}(?:\d{2})?[/-]\d{2}\b", h) for h in heads) and \
        not any(_column_score(q, h, set()) for h in heads)


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
