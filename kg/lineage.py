"""What a priority outcome became: the same priority across a council's schemes, year by year.

A priority is followed through `ckg:succeeds`, `skos:exactMatch` and `skos:closeMatch` (found
by `kg.versions.link_priorities`) in both directions; each step lists the documents that
state it, the delivery outcomes that serve it (with their numbers, which are plan-scoped)
and the measures under it or delivering those outcomes, with their indicators.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import pairwise

from pyoxigraph import NamedNode

from kg.indicators import text_of

LINKS_QUERY = """
SELECT ?a ?rel ?b WHERE {
  VALUES ?rel { ckg:succeeds skos:exactMatch skos:closeMatch }
  ?a ?rel ?b . ?a a skos:Concept . ?b a skos:Concept }"""
STEP_QUERY = """
SELECT ?label ?scheme ?schemeLabel ?start ?issued WHERE {
  ?concept skos:prefLabel ?label ; skos:inScheme ?scheme .
  OPTIONAL { ?scheme rdfs:label ?schemeLabel }
  OPTIONAL { ?scheme dct:temporal/ckg:startDate ?start }
  OPTIONAL { ?doc ckg:statesPriority ?concept ; dct:issued ?issued }
} ORDER BY ?start ?issued LIMIT 1"""
DOCUMENTS_QUERY = """
SELECT DISTINCT ?doc ?title ?issued WHERE {
  { ?doc ckg:statesPriority ?concept } UNION { ?o ckg:servesPriority ?concept ; ckg:inPlan ?doc }
  UNION { ?m ckg:underPriority ?concept ; ckg:inPlan ?doc }
  ?doc dct:title ?title . OPTIONAL { ?doc dct:issued ?issued }
} ORDER BY ?issued ?doc"""
OUTCOMES_QUERY = """
SELECT ?o ?number ?text ?doc ?title WHERE {
  ?o ckg:servesPriority ?concept ; ckg:number ?number ; ckg:text ?text ; ckg:inPlan ?doc . ?doc dct:title ?title .
} ORDER BY ?doc ?number"""
MEASURES_QUERY = """
SELECT DISTINCT ?m ?label ?doc ?indicator WHERE {
  { ?m ckg:underPriority ?concept } UNION { ?m ckg:deliversOutcome/ckg:servesPriority ?concept }
  ?m rdfs:label ?label ; ckg:inPlan ?doc . OPTIONAL { ?m ckg:indicator ?indicator }
} ORDER BY ?doc ?m"""


@dataclass
class Step:
    """The priority in one scheme (one year's set of the council's priorities)."""

    concept: str
    label: str
    scheme: str
    year: str
    relation: str = ""  # to the step before: "same name", "renamed", "replaced"
    documents: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def connected(store, concept: str) -> dict[str, dict[str, str]]:
    """Every concept linked to `concept` (either way, any distance), with the relations between them."""
    edges: dict[str, dict[str, str]] = {}
    for r in store.query(LINKS_QUERY):
        a, b, rel = r["a"].value, r["b"].value, r["rel"].value.rsplit("#", 1)[-1]
        edges.setdefault(a, {}).setdefault(b, rel if rel != "closeMatch" else "succeeds")
        edges.setdefault(b, {}).setdefault(a, "")
        if rel == "succeeds":
            edges[a][b] = "succeeds"
    seen, todo = {concept}, [concept]
    while todo:
        for nxt in edges.get(todo.pop(), {}):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return {c: edges.get(c, {}) for c in seen}


def priority_lineage(store, concept: str) -> list[Step]:
    """The priority's steps in time order, each with what served and measured it."""
    graph = connected(store, concept)
    steps = [_step(store, c) for c in graph]
    steps = [s for s in steps if s is not None]
    steps.sort(key=lambda s: (s.year, s.concept))
    for before, step in pairwise(steps):
        step.relation = _relation(graph.get(step.concept, {}).get(before.concept, ""), before, step)
    return steps


def _relation(rel: str, before: Step, step: Step) -> str:
    if rel == "exactMatch" or before.label.casefold() == step.label.casefold():
        return "same name"
    if rel == "succeeds":
        shared = set(before.label.lower().split()) & set(step.label.lower().split())
        return "renamed" if len(shared) >= 2 else "replaced"
    return "linked"


def _step(store, concept: str) -> Step | None:
    c = {"concept": NamedNode(concept)}
    head = next(iter(store.query(STEP_QUERY, c)), None)
    if head is None:
        return None
    step = Step(
        concept, head["label"].value, head["scheme"].value, (text_of(head, "start") or text_of(head, "issued"))[:10]
    )
    step.documents = [
        {"document": r["doc"].value, "title": r["title"].value, "issued": text_of(r, "issued")}
        for r in store.query(DOCUMENTS_QUERY, c)
    ]
    step.outcomes = [
        {
            "outcome": r["o"].value,
            "number": int(r["number"].value),
            "text": r["text"].value,
            "document": r["doc"].value,
            "title": r["title"].value,
        }
        for r in store.query(OUTCOMES_QUERY, c)
    ]
    step.measures = [
        {
            "measure": r["m"].value,
            "label": r["label"].value,
            "document": r["doc"].value,
            "indicator": text_of(r, "indicator"),
        }
        for r in store.query(MEASURES_QUERY, c)
    ]
    return step
