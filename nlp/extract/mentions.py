"""Mentions of people, organisations, services, providers and places, in every document.

Runs the NER pipeline (`nlp.ner`) over every non-blank line, batched, and yields one
`Mention` per entity with its canonical key and source line. Acronyms a document
defines ("Sussex Partnership Foundation Trust (SPFT)") are learnt and recognised in the
rest of it. Sentences that say who leads or provides a service ("X is led by Y",
"Y provide the service") yield `Provision` records; their wording is in
`nlp/patterns/*.jsonl` (``relation`` lines).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.entity_names import canonical_key, pattern_lines
from nlp.model import Document, PersonRef
from nlp.ner import Entity, entities_many, load_pipeline, normalise

APPLIES_TO = {"PortfolioPlan", "ScrutinyReport", "AgendaPack", "Agenda", "Minutes", "Report", "DecisionRecord",
              "Scorecard", "BusinessPlan", "RiskRegister", "WorkProgramme", "BudgetReport", "PerformanceReport"}
ORGANISATIONS = {"ORG", "SERVICE", "PROVIDER"}
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,9})\)")
_ALSO = r"(?: \(⟨\d+⟩\))?"   # an acronym in brackets after a name: "Trust (KCHFT)"
_LOOKBACK = 5   # lines searched for the service that "the service" refers to


@dataclass(frozen=True)
class Mention:
    """An entity named on a source line; `key` is its canonical name."""

    text: str
    label: str                 # PERSON | ORG | GPE | SERVICE | PROVIDER
    key: str
    line: int
    person: PersonRef | None = None   # set for PERSON mentions, resolved before build


@dataclass(frozen=True)
class Provision:
    """A line stating that a service is provided or led by an organisation."""

    service: str               # canonical service name
    provider: str              # canonical provider name
    provider_label: str        # PROVIDER | ORG
    relation: str              # providedBy | ledBy
    line: int


def relation_patterns() -> list[tuple[str, re.Pattern, bool]]:
    """(relation, compiled regex over placeholder text, refers to the previous service)."""
    out = []
    for r in pattern_lines():
        if "relation" in r:
            rx = r["pattern"].replace("{SERVICE}", r"⟨(?P<s>\d+)⟩" + _ALSO).replace("{PROVIDER}", r"⟨(?P<p>\d+)⟩" + _ALSO)
            out.append((r["relation"], re.compile(rx), r.get("service") == "previous"))
    return out


def _own_lines(doc: Document) -> list[tuple[int, str]]:
    """Non-blank lines of `doc`, minus those held by parts extracted on their own."""
    covered: set[int] = set()
    if doc.doc_type == "AgendaPack":
        from nlp.extract import split_parts   # local: the package imports this module
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
    out = [Entity(e.text, defined[e.text].label, defined[e.text].key, e.start, e.end) if e.text in defined else e
           for e in ents]
    taken = [(e.start, e.end) for e in out]
    for acronym, full in defined.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(acronym) + r"(?![\w-])", text):
            if not any(a <= m.start() < b for a, b in taken):
                out.append(Entity(acronym, full.label, full.key, m.start(), m.end()))
    return sorted(out, key=lambda e: e.start)


def _placeholders(text: str, ents: list[Entity]) -> str:
    for i in sorted(range(len(ents)), key=lambda i: -ents[i].start):
        text = text[:ents[i].start] + f"⟨{i}⟩" + text[ents[i].end:]
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
        earlier = [e for e in ents[:int(m.group("p"))] if e.label == "SERVICE"]
        if earlier:   # the topic: first service of the latest sentence naming one
            last = _sentence(text, earlier[-1].start)
            return next(e.key for e in earlier if _sentence(text, e.start) == last)
        earlier = [e for e in recent if e.label == "SERVICE"]
        return earlier[-1].key if earlier else None
    return None


def _sentence(text: str, offset: int) -> int:
    """Index of the sentence holding character `offset`."""
    return len(re.findall(r"[.;!?]\s", text[:offset]))


def extract(doc: Document, model: str | None = None) -> list[Mention | Provision]:
    """Every entity mention in `doc`, and every stated service provision."""
    lines = _own_lines(doc)
    found = entities_many(load_pipeline(model), [t for _, t in lines])
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
