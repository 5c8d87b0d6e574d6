"""Step 3, look up (continued): the facts of one graph node, and the one a question asks for.

A fact is a value node pointing at the entity (an observation or amount with its
verbatim `ckg:valueText`, period, kind, area), a literal of the entity, or a labelled
node it links to (lead member, delivery outcomes, owner). Facts are scored against
the question's period, value kind and words; no value is ever made up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyoxigraph import NamedNode

from nlp.words import stem, tokens
from kg.ask.parse import MONTHS, Question, rules

QUERIES = Path(__file__).parent.parent / "queries"
VALUES_QUERY = (QUERIES / "ask-entity-values.rq").read_text(encoding="utf-8")
LINKS_QUERY = (QUERIES / "ask-entity-links.rq").read_text(encoding="utf-8")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:19|20)\d\d\b")
_PAST = re.compile(r"\b(was|were|did|had|received|achieved|supported|carried|lost|took|made)\b", re.I)


@dataclass(frozen=True)
class Fact:
    key: str  # words describing the fact: predicate, kind, column, area
    value: str  # verbatim text
    node: str | None  # value node IRI (observation, amount) or object IRI
    source: str | None  # passage IRI it was derived from
    period: str = ""
    kind: str = ""
    area: str = ""
    predicate: str = ""
    month: str = ""  # xsd:date of the month a monthly value belongs to


def _local(iri: str | None) -> str:
    return re.sub(r"^.*[#/]", "", iri or "")


def words_of(name: str) -> str:
    """A camel-case local name as words: "NationalAverage" -> "national average"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def facts_of(store, entity: str) -> list[Fact]:
    """Every value node and link of `entity`."""
    e = NamedNode(entity)
    out = []
    for r in store.query(VALUES_QUERY, {"e": e}):
        kind, area = _local(_v(r, "kind")), _local(_v(r, "area"))
        key = " ".join(x for x in (words_of(kind), _v(r, "column"), _v(r, "scope"), words_of(area)) if x)
        out.append(
            Fact(
                key,
                r["text"].value,
                r["v"].value,
                _v(r, "src"),
                _v(r, "period") or "",
                kind,
                area,
                month=_v(r, "month") or "",
            )
        )
    for r in store.query(LINKS_QUERY, {"e": e}):
        pred = _local(r["p"].value)
        out.append(
            Fact(
                words_of(pred),
                r["label"].value,
                r["o"].value if isinstance(r["o"], NamedNode) else None,
                _v(r, "src"),
                predicate=pred,
            )
        )
    return out


def _v(row, name: str) -> str | None:
    return row[name].value if row[name] is not None else None


def pick_value(q: Question, facts: list[Fact], label: str = "") -> list[Fact]:
    """Value facts that fit the question's period and kind, best first. Words of the entity's own
    `label` ("average" in "average Attainment 8 score") say which entity, not which of its values."""
    values = [f for f in facts if not f.predicate]
    if q.periods:
        wanted = {p.label for p in q.periods} | {p.label.replace("Ac Year ", "") for p in q.periods}
        values = [f for f in values if f.period.replace("Ac Year ", "") in wanted or f.period in wanted]
    if q.kinds:
        kinds = set(q.kinds)
        values = [f for f in values if f.kind in kinds or any(k.lower() in f.key for k in kinds)] or []
    words = set(tokens(q.text)) - set(tokens(label))
    past = bool(_PAST.search(q.text)) or not re.search(r"\b(will|target|aim|expected|planned)\b", q.text, re.I)
    when = asked_date(q)

    def score(f: Fact) -> tuple:
        overlap = len(words & set(tokens(f.key)))
        tense = (f.kind in ("Outturn", "Actual")) if past else (f.kind == "Target")
        own_area = f.area in ("", "AreaCouncil")
        covers = bool(when) and period_covers(f.period, when)
        same_month = bool(when) and f.month[:7] == when.isoformat()[:7]
        return (overlap, own_area, same_month, covers, tense, f.month, f.period.replace("Ac Year ", ""))

    return sorted(values, key=score, reverse=True)


def asked_date(q: Question) -> date | None:
    """A month and year named in the question ("January 2016"), as the month's first day."""
    if q.months and q.years:
        return date(q.years[0], MONTHS.index(q.months[0]) + 1, 1)
    return None


def period_covers(label: str, when: date) -> bool:
    m = re.search(r"(\d{4})/(\d{2})", label)
    if not m:
        return False
    first = int(m.group(1))
    academic = label.startswith("Ac Year")
    start = date(first, 9 if academic else 4, 1)
    end = date(first + 1, 8 if academic else 3, 28)
    return start <= when <= end


def pick_link(q: Question, facts: list[Fact], predicates: tuple[str, ...] = ()) -> list[Fact]:
    """Link/literal facts, filtered by predicate names when given, else by word overlap."""
    links = [f for f in facts if f.predicate]
    if predicates:
        return [f for f in links if f.predicate in predicates]
    if re.match(r"\s*(when|what date|on what date|by when)\b", q.text, re.I):  # a date is asked for
        links = [f for f in links if _DATE.search(f.value)]
    same = synonyms()
    words = {same.get(t, t) for t in tokens(q.text)}
    extra = rules().get("fact_words", {})
    scored = [(_overlap(words, f, same, extra), f) for f in links]
    best = max((s for s, _ in scored), default=(0, 0))
    return [f for s, f in scored if s == best and s[0] > 0]


def _overlap(words: set[str], f: Fact, same: dict, extra: dict) -> tuple[int, int]:
    """(question words the fact's key holds, minus the key's own words the question lacks)."""
    key = {same.get(t, t) for t in tokens(f.key)}
    hit = len(words & (key | {same.get(t, t) for t in tokens(extra.get(f.predicate, ""))}))
    return hit, -len(key - words)


def with_label(f: Fact, facts: list[Fact]) -> str:
    """The value with its verbatim or worded twin: "Likely (4)", "01/06/2019 (2019-06-01)"."""
    twin = next(
        (x.value for x in facts if x.predicate in (f.predicate + "Label", f.predicate + "Text") and x.value != f.value),
        None,
    )
    return f"{twin} ({f.value})" if twin else f.value


def synonyms() -> dict[str, str]:
    """Stemmed word -> the word it stands for in fact keys ("begin" -> "start"), from `intents.json`."""
    return {stem(w): stem(v) for w, v in rules().get("synonyms", {}).items()}
