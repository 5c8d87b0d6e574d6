"""Mentions of people, organisations, services, providers and places, in every document.

Runs the NER pipeline (`nlp.ner`) over every non-blank line, batched, and yields one
`Mention` per entity with its canonical key and source line. Acronyms a document
defines ("Sussex Partnership Foundation Trust (SPFT)") are learnt and recognised in the
rest of it. Sentences that say who leads or provides a service ("X is led by Y",
"Y provide the service") yield `Provision` records; their wording is in
`nlp/patterns/*.jsonl` (``relation`` lines).

Every organisation, service, provider and body the NER finds is then checked against the
words around it (`checked`, rules in `nlp.entity_names`), cells of a table's provider column
become providers, and services a line defines with an acronym are read whole. A name the model
misses is still a provider when a line says a service is led, provided or run by it and spells
it with an acronym whose letters are its words' initials ("led by Refuge, Information Support
and Education (RISE)").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from nlp.entity_names import (
    body_start,
    canonical_key,
    defined_services,
    is_body,
    lookup,
    not_a_body,
    not_a_service,
    owner_words,
    pattern_lines,
    provider_cut,
    provider_names,
    spelt_by,
    unit_names,
)
from nlp.model import Document, PersonRef
from nlp.ner import Entity, entities_many, load_pipeline, normalise
from nlp.tables import find_tables

if TYPE_CHECKING:  # spaCy loads only in a process that runs the pipeline
    from spacy.language import Language

APPLIES_TO = {
    "PortfolioPlan",
    "ScrutinyReport",
    "AgendaPack",
    "Agenda",
    "Minutes",
    "Report",
    "DecisionRecord",
    "Scorecard",
    "BusinessPlan",
    "RiskRegister",
    "WorkProgramme",
    "BudgetReport",
    "PerformanceReport",
}
USES_NER = True
ORGANISATIONS = {"ORG", "SERVICE", "PROVIDER"}
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,9})\)")
_ALSO = r"(?: \(⟨\d+⟩\))?"  # an acronym in brackets after a name: "Trust (KCHFT)"
_LOOKBACK = 5  # lines searched for the service that "the service" refers to
_BY_ACRONYM = re.compile(r"\(([A-Z]{2,9})\)")
_NAME_WORD = re.compile(r"[A-Za-z][\w'&-]*")
_JOINING = {"and", "of", "for", "the", "in"}  # small words a provider's name may hold in lower case
_PROVIDED_BY = re.compile(r"\b(?:led|provided|delivered|run|operated|managed|supplied) by\s*$", re.I)


@dataclass(frozen=True)
class Mention:
    """An entity named on a source line; `key` is its canonical name."""

    text: str
    label: str  # PERSON | ORG | GPE | SERVICE | PROVIDER
    key: str
    line: int
    person: PersonRef | None = None  # set for PERSON mentions, resolved before build


@dataclass(frozen=True)
class Provision:
    """A line stating that a service is provided or led by an organisation."""

    service: str  # canonical service name
    provider: str  # canonical provider name
    provider_label: str  # PROVIDER | ORG
    relation: str  # providedBy | ledBy
    line: int


def relation_patterns() -> list[tuple[str, re.Pattern, bool]]:
    """(relation, compiled regex over placeholder text, refers to the previous service)."""
    out = []
    for r in pattern_lines():
        if "relation" in r:
            rx = (
                r["pattern"]
                .replace("{SERVICE}", r"⟨(?P<s>\d+)⟩" + _ALSO)
                .replace("{PROVIDER}", r"⟨(?P<p>\d+)⟩" + _ALSO)
            )
            out.append((r["relation"], re.compile(rx), r.get("service") == "previous"))
    return out


def _own_lines(doc: Document) -> list[tuple[int, str]]:
    """Non-blank lines of `doc`, minus those held by parts extracted on their own."""
    covered: set[int] = set()
    if doc.doc_type == "AgendaPack":
        from nlp.extract import split_parts  # local: the package imports this module

        for part in split_parts(doc):
            covered.update(range(part.line_start, part.line_end + 1))
    return [(n, normalise(line)) for n, line in doc.numbered() if line.strip() and n not in covered]


def _acronyms(lines: list[tuple[int, str]], found: list[list[Entity]]) -> dict[str, Entity]:
    """Acronyms defined in brackets after an organisation's name, when the letters fit."""
    defined: dict[str, Entity] = {}
    for (_, text), ents in zip(lines, found):
        for e in ents:
            m = _ACRONYM.match(text, e.end)
            capitals = "".join(c for c in e.text if c.isupper())
            if e.label in ORGANISATIONS and m and _subsequence(m.group(1).upper(), capitals):
                defined.setdefault(m.group(1), e)
    return defined


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return bool(short) and short[0] == long[:1] and all(c in it for c in short)


def _with_acronyms(text: str, ents: list[Entity], defined: dict[str, Entity]) -> list[Entity]:
    """Entities of a line, with defined acronyms relabelled or added."""
    out = [
        Entity(e.text, defined[e.text].label, defined[e.text].key, e.start, e.end) if e.text in defined else e
        for e in ents
    ]
    taken = [(e.start, e.end) for e in out]
    for acronym, full in defined.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(acronym) + r"(?![\w-])", text):
            if not any(a <= m.start() < b for a, b in taken):
                out.append(Entity(acronym, full.label, full.key, m.start(), m.end()))
    return sorted(out, key=lambda e: e.start)


def spelt_providers(text: str, ents: list[Entity]) -> list[Entity]:
    """`ents` plus the providers a line names after "led/provided/run … by" and spells with an acronym of
    their words' initials, which the model did not find whole; entities inside such a name give way to it."""
    for m in _BY_ACRONYM.finditer(text):
        words = list(_NAME_WORD.finditer(text[: m.start()]))
        n = spelt_by(m.group(1), [w.group() for w in words])  # the acronym's letters fix where the name starts
        named = words[-n:] if n else []
        if not named or not all(w.group()[0].isupper() or w.group().lower() in _JOINING for w in named):
            continue
        start, end = named[0].start(), named[-1].end()
        if not _PROVIDED_BY.search(text[:start]):
            continue
        if any(e.start <= start and e.end >= end and e.label in {"PROVIDER", "ORG"} for e in ents):
            continue
        name = text[start:end]
        ents = [e for e in ents if e.end <= start or e.start >= end]
        ents = sorted(
            [*ents, Entity(name, "PROVIDER", canonical_key(name, "PROVIDER"), start, end)], key=lambda e: e.start
        )
    return ents


def _placeholders(text: str, ents: list[Entity]) -> str:
    for i in sorted(range(len(ents)), key=lambda i: -ents[i].start):
        text = text[: ents[i].start] + f"⟨{i}⟩" + text[ents[i].end :]
    return text


def provisions(n: int, text: str, ents: list[Entity], recent: list[Entity]) -> list[Provision]:
    """Who provides or leads which service, as stated on one line."""
    out, masked = [], _placeholders(text, ents)
    for relation, rx, anaphoric in relation_patterns():
        for m in rx.finditer(masked):
            provider = ents[int(m.group("p"))]
            if provider.label not in {"PROVIDER", "ORG"}:
                continue
            service = _service_of(m, text, ents, recent, anaphoric)
            if service:
                out.append(Provision(service, provider.key, provider.label, relation, n))
    return out


def _service_of(m: re.Match, text: str, ents: list[Entity], recent: list[Entity], anaphoric: bool) -> str | None:
    """The service a matched statement is about."""
    groups = m.groupdict()
    if groups.get("s") is not None:
        ent = ents[int(groups["s"])]
        return ent.key if ent.label == "SERVICE" else None
    if groups.get("np"):
        np = re.sub(r"^(?:the|this|current|existing|new)\s+", "", groups["np"], flags=re.I)
        return canonical_key(np, "SERVICE") if "⟨" not in np else None
    if anaphoric:
        earlier = [e for e in ents[: int(m.group("p"))] if e.label == "SERVICE"]
        if earlier:  # the topic: first service of the latest sentence naming one
            last = _sentence(text, earlier[-1].start)
            return next(e.key for e in earlier if _sentence(text, e.start) == last)
        earlier = [e for e in recent if e.label == "SERVICE"]
        return earlier[-1].key if earlier else None
    return None


def _sentence(text: str, offset: int) -> int:
    """Index of the sentence holding character `offset`."""
    return len(re.findall(r"[.;!?]\s", text[:offset]))


def checked(doc: Document, lines: list[tuple[int, str]], found: list[list[Entity]]) -> list[list[Entity]]:
    """Each line's entities as what they are: services that are directorates become ORG, fragments,
    roles and cut-off names go, trimmed body names get their words back, provider cells are providers
    and services defined with an acronym are read as far as the acronym spells."""
    owners, units = owner_words(doc.council), unit_names([t for _, t in lines])
    cells = provider_cells(doc, owners)
    out, prev = [], ""
    for (n, text), ents in zip(lines, found):
        named = [e for e in (_checked(e, text, prev, owners, units) for e in ents) if e is not None]
        sure = cells.get(n, []) + [
            Entity(name, "SERVICE", canonical_key(name, "SERVICE"), a, b) for name, a, b in defined_services(text)
        ]
        out.append(
            sorted(
                [e for e in named if not any(c.start < e.end and e.start < c.end for c in sure)] + sure,
                key=lambda e: e.start,
            )
        )
        prev = text
    return _one_spelling(out)


def _one_spelling(found: list[list[Entity]]) -> list[list[Entity]]:
    """Providers written in several cases ("CxK", "CXK") keyed by their most used spelling."""
    spellings: dict[str, Counter] = {}
    for e in (e for ents in found for e in ents if e.label == "PROVIDER"):
        spellings.setdefault(e.key.casefold(), Counter())[e.key] += 1
    best = {k: c.most_common(1)[0][0] for k, c in spellings.items()}
    return [[replace(e, key=best[e.key.casefold()]) if e.label == "PROVIDER" else e for e in ents] for ents in found]


def _checked(e: Entity, text: str, prev: str, owners: frozenset[str], units: frozenset[str]) -> Entity | None:
    """One entity checked against the words around it (see `nlp.entity_names`); None when it is not one."""
    if e.label not in ORGANISATIONS or lookup(e.text):
        return e
    before, after = text[: e.start], text[e.end :]
    if _wrapped(before, prev):
        return None
    if e.label == "SERVICE":
        if e.key in units:
            return Entity(e.text, "ORG", e.key, e.start, e.end)
        return None if not_a_service(e.text, before, after, owners) else e
    if e.label == "PROVIDER":
        name = provider_cut(e.text, after)
        return (
            None
            if name is None
            else Entity(name, "PROVIDER", canonical_key(name, "PROVIDER"), e.start, e.start + len(name))
        )
    if is_body(e.key):
        name = body_start(e.text, before)
        start = e.end - len(name) if text[: e.end].endswith(name) else e.start
        return (
            None if not_a_body(name, after, owners) else Entity(name, "ORG", canonical_key(name, "ORG"), start, e.end)
        )
    return e


def _wrapped(before: str, prev: str) -> bool:
    """A name at the start of a line whose previous line, a paragraph, ends mid-name ("… in Early" /
    "Help and Preventative Services"): only the end of the name is here."""
    return (
        not before.strip()
        and len(prev) >= 60
        and "\t" not in prev
        and not prev.lstrip().startswith("#")
        and bool(re.search(r"\b[A-Z][\w'-]*$", prev.rstrip()))
    )


@cache
def provider_column() -> re.Pattern:
    """A table header naming the column of providers (``provider_column`` in `nlp/patterns/filters.jsonl`)."""
    return re.compile(next(r["provider_column"] for r in pattern_lines() if "provider_column" in r), re.I)


def provider_cells(doc: Document, owners: frozenset[str] = frozenset()) -> dict[int, list[Entity]]:
    """Line -> providers named in the provider column of a table ("Provider name", "Contractor"),
    rows of in-house provision and the council's own units ("KCC-IASK") left out. A table without
    a header right after one with a provider column, and as wide, is its continuation."""
    header = provider_column()
    out: dict[int, list[Entity]] = {}
    last: tuple[int, int] | None = None  # (width, provider column) of the last provider table
    for table in find_tables(list(doc.numbered())):
        width = max((len(r.raw) for r in table.rows), default=0)
        col = next((c.index for c in table.columns if header.search(c.header)), None)
        if col is None and not table.columns and last and last[0] == width:
            col = last[1]
        if col is None:
            continue
        last = (width, col)
        for row in table.rows:
            if not any(re.fullmatch(r"in-?\s?house|internal", c, re.I) for c in row.cells):
                out[row.line] = [e for e in _cell_entities(row.raw, col) if not _owners_unit(e.text, owners)]
    return out


def _owners_unit(name: str, owners: frozenset[str]) -> bool:
    """A name led by the council's own acronym ("KCC-IASK"): a unit of the council, not a provider."""
    first = re.split(r"[\s-]", name)[0]
    return first.isupper() and first in owners


def _cell_entities(raw: tuple[str, ...], col: int) -> list[Entity]:
    """The providers of cell `col` of a tab-separated row, with offsets in the line."""
    if col >= len(raw):
        return []
    line, start = normalise("\t".join(raw)), sum(len(c) + 1 for c in raw[:col])
    found, at = [], start
    for name in provider_names(normalise(raw[col])):
        i = line.find(name, at)
        if i >= 0:
            found.append(Entity(name, "PROVIDER", canonical_key(name, "PROVIDER"), i, i + len(name)))
            at = i + len(name)
    return found


def extract(doc: Document, nlp: Language | None = None) -> list[Mention | Provision]:
    """Every entity mention in `doc`, and every stated service provision; `nlp` from `nlp.ner.load_pipeline`."""
    lines = _own_lines(doc)
    found = entities_many(nlp or load_pipeline(), [t for _, t in lines])
    found = checked(doc, lines, found)
    found = [spelt_providers(text, ents) for (_, text), ents in zip(lines, found)]
    defined = _acronyms(lines, found)
    records: list[Mention | Provision] = []
    window: list[list[Entity]] = []
    for (n, text), ents in zip(lines, found):
        ents = _with_acronyms(text, ents, defined)
        for e in ents:
            person = PersonRef(e.text, n) if e.label == "PERSON" else None
            records.append(Mention(e.text, e.label, e.key, n, person))
        recent = [e for w in window[-_LOOKBACK:] for e in w]
        for p in provisions(n, text, ents, recent):
            if p.service not in {e.key for e in ents}:
                records.append(Mention(p.service, "SERVICE", p.service, n))
            records.append(p)
        window.append(ents)
    return records
