"""Extractive short answers from passages: the sentence or cell that answers, never a whole passage."""
from __future__ import annotations

import re
from collections.abc import Mapping

from kg.index import tokens
from kg.question import Question, rules

MAX_ANSWER = 300
_NUMBER = re.compile(r"\d")
_QUANTITY = re.compile(r"£\s?\d|\b\d[\d,.]*\s?(?:m|bn|k|million|billion|%)(?!\w)|\b\d{1,3}(?:,\d{3})+\b")
_COUNT = re.compile(r"\b(?!(?:19|20)\d\d\b)\d[\d,]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"twenty|thirty|forty|fifty|hundred|thousand)\b", re.I)
_DATE = re.compile(r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I)
_NUMBERING = re.compile(r"^\s*(?:[-•❖*]\s*)?(?:\d+(?:\.\d+)+\s+|\(?[a-z0-9]{1,3}\)\s+)*")  # "2.16 ", "- 1) "
_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.? [A-Z]|\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b"
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
    if low.startswith(("how much", "how large", "how big")) or re.search(r"\b(cost|budget|value|amount)\b", low):
        return _QUANTITY
    if low.startswith("how many"):
        return _COUNT
    if "percentage" in low or "proportion" in low:
        return _NUMBER
    if low.startswith(("who", "which organisation", "which organization", "what organisation")):
        return _NAME
    return None


def _score(q: Question, sentence: str, idf: Mapping[str, float]) -> float:
    """IDF-weighted share of the question's topic in the sentence, plus a bonus for the answer type."""
    words = set(q.topic)
    if not words:
        return 0.0
    weight = lambda ts: sum(idf.get(t, 1.0) for t in ts)  # noqa: E731
    got = weight(words & set(tokens(sentence))) / weight(words)
    want = wanted(q)
    return got + (0.25 if want and want.search(sentence) else 0.0)


def support(q: Question, text: str, idf: Mapping[str, float] = {}) -> float:
    """How well the best sentence of `text` covers the question (0 … 1.25)."""
    return max((_score(q, s, idf) for s in sentences(text)), default=0.0)


def best_sentence(q: Question, text: str, idf: Mapping[str, float] = {}) -> str:
    """The sentence (or cell) that best answers `q`, at most MAX_ANSWER characters."""
    ranked = sorted(enumerate(sentences(text)), key=lambda t: (-_score(q, t[1], idf), t[0]))
    if not ranked:
        return ""
    s = ranked[0][1].strip()
    if len(s) <= MAX_ANSWER:
        return s
    want = wanted(q)
    m = want.search(s) if want else None
    start = max(0, (m.start() if m else 0) - MAX_ANSWER // 2)
    return ("…" if start else "") + s[start:start + MAX_ANSWER - 2].strip() + "…"
