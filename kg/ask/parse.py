"""Step 1, parse: question -> intent and slots, by rules kept in `kg/ask/intents.json`.

Slots: periods ("2021/22", "academic year 18/19"), value kind (target, outturn, net, …),
a delivery-outcome number, codes (SCS03, SCHW 01), plan hints (month, year, version
words) and the topic: the words left once intent and slot words are set aside.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from nlp.words import stem, tokens
from nlp.dates import MONTHS
from nlp.periods import Period, find_periods


@cache
def rules() -> dict:
    return json.loads((Path(__file__).parent / "intents.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Question:
    text: str
    intent: str
    periods: tuple[Period, ...] = ()
    kinds: tuple[str, ...] = ()  # value-kind words found: target, outturn, net, gross, …
    number: int | None = None  # "delivery outcome 15"
    codes: tuple[str, ...] = ()  # SCS03, SCHW 01
    months: tuple[str, ...] = ()  # plan-version hints: "september", "october"
    years: tuple[int, ...] = ()
    topic: tuple[str, ...] = field(default_factory=tuple)  # content tokens
    words: tuple[str, ...] = field(default_factory=tuple)  # every word but question and function words

    @property
    def wants_number(self) -> bool:
        return bool(
            re.match(
                r"^\s*(how many|how much|how large|what (?:was|is) the (?:number|rate|percentage|total))",
                self.text,
                re.I,
            )
        )


@cache
def _frame_words() -> frozenset[str]:
    """Stems that frame a question rather than name its topic: stop words, value kinds, and the words
    that name a fact asked about ("when does the contract start": start, contract)."""
    r = rules()
    facts = {w for ws in r.get("fact_words", {}).values() for w in ws.split()}
    facts |= {w for w, same in r.get("synonyms", {}).items() if same in facts}  # "commence" for "start"
    return frozenset(stem(w) for w in [*r["stop"], *(w for ws in r["kinds"].values() for w in ws), *facts])


def intent_of(text: str) -> str:
    low = text.lower()
    for name, patterns in rules()["intents"]:
        if any(re.search(p, low) for p in patterns):
            return name
    return "passage"


def parse(text: str, naming: frozenset[str] = frozenset()) -> Question:
    """Intent and slots of one question. `naming` holds the words that name whose document
    (councils, bodies): they scope the question and are not part of its topic."""
    low = text.lower()
    periods = tuple(dict.fromkeys(p for p, _, _ in find_periods(text)))
    kinds = tuple(k for k, words in rules()["kinds"].items() if any(re.search(rf"\b{w}\b", low) for w in words))
    number = re.search(r"\b(?:delivery )?outcome (?:number |no\.? ?)?(\d{1,2})\b", low)
    codes = tuple(m.group(0).replace(" ", "").upper() for m in re.finditer(r"\b[A-Z]{2,5} ?\d{2,3}[a-z]?\b", text))
    months = tuple(m for m in MONTHS if re.search(rf"\b{m}\b", low))
    years = tuple(int(y) for y in re.findall(r"\b(20\d\d|19\d\d)\b(?!\s*[/-]\s*\d)", text))
    function = {stem(w) for w in rules()["function"]}
    content = [t for t in tokens(_strip_periods(text)) if t not in naming and not t.isdigit()]
    # when frame words are all a question has ("what is X responsible for"), they are its topic
    topic = tuple(t for t in content if t not in _frame_words()) or tuple(t for t in content if t not in function)
    words = tuple(t for t in tokens(text) if t not in function and not t.isdigit())
    return Question(
        text,
        intent_of(text),
        periods,
        kinds,
        int(number.group(1)) if number else None,
        codes,
        months,
        years,
        topic,
        words,
    )


def _strip_periods(text: str) -> str:
    for _, a, b in reversed(find_periods(text)):
        text = text[:a] + " " + text[b:]
    text = re.sub(r"\b(?:ac(?:ademic)?\.? ?year)\b", " ", text, flags=re.I)
    return re.sub(r"\b(?:quarter|qtr|q|month|period|week)\s?\d{1,2}\b", " ", text, flags=re.I)  # "quarter 4", "month 9"
