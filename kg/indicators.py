"""Indicators: the same measure across documents, years and revisions of one council, in the graph.

After every ingest the engine calls `build_graph`: each document's `ckg:Measure` rows are
read from the store and grouped (`kg.grouping`: scores, thresholds, linking rules) into
`ckg:Indicator` nodes (`ckg:indicator`), and each plan's delivery outcomes are linked to the
same outcome in the council's other plans (`ckg:continues`), into a graph of their own
(`graph_iri`). Every accepted pair becomes a `ckg:LineageLink` (method, score, definition,
unit or number changed); a near miss a `ckg:LinkCandidate` (`councilkg trace --candidates`).
An indicator's polarity is the one its documents state, else the one its targets'
comparisons ask for ("≥", "no more than"), else the one its wording implies.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.grouping import Item, Link, group, label_words, order, rules
from kg.iri import mint_iri, scoped_iri, slug
from kg.vocab import CKG, DCT, RDF, RDFS
from nlp.table_rules import first_match

GRAPH = "indicators"
MEASURES_QUERY = """
SELECT ?item ?label ?parent ?doc ?ckey ?issued ?code ?polarity ?unit WHERE {
  ?item a ckg:Measure ; rdfs:label ?label ; ckg:inPlan ?doc .
  ?doc dct:publisher/ckg:key ?ckey .
  OPTIONAL { ?doc dct:issued ?issued }
  OPTIONAL { ?item ckg:subMeasureOf/rdfs:label ?parent }
  OPTIONAL { ?item ckg:code ?code }
  OPTIONAL { ?item ckg:polarity ?polarity }
  OPTIONAL { ?item ckg:unit ?unit }
}"""
OUTCOMES_QUERY = """
SELECT ?item ?label ?doc ?ckey ?issued ?number WHERE {
  ?item a ckg:DeliveryOutcome ; ckg:text ?label ; ckg:inPlan ?doc ; ckg:number ?number .
  ?doc dct:publisher/ckg:key ?ckey .
  OPTIONAL { ?doc dct:issued ?issued }
}"""
VALUE_UNITS_QUERY = """
SELECT ?item ?kind ?unit (COUNT(*) AS ?n) WHERE {
  ?o ckg:measure ?item ; ckg:unit ?unit ; ckg:valueKind ?kind .
  FILTER (?kind IN (ckg:Outturn, ckg:Target, ckg:Actual))
  FILTER NOT EXISTS { ?o ckg:area ?area FILTER (?area != ckg:AreaCouncil) }
} GROUP BY ?item ?kind ?unit"""
QUALIFIERS_QUERY = """
SELECT ?item ?q WHERE { ?o ckg:measure ?item ; ckg:valueKind ckg:Target ; ckg:qualifier ?q }"""


# -- reading items from the store ------------------------------------------------------------
def text_of(row, name: str) -> str:
    """The value of variable `name` in a query result row, "" when unbound."""
    return row[name].value if row[name] is not None else ""


def read_measures(store) -> list[Item]:
    """Every measure with its full label (a sub-measure's with its parent's), unit and polarity."""
    units = _value_units(store)
    out: dict[str, Item] = {}
    for r in store.query(MEASURES_QUERY):
        label = f"{text_of(r, 'parent')} — {text_of(r, 'label')}" if text_of(r, "parent") else text_of(r, "label")
        iri = text_of(r, "item")
        unit = local_name(text_of(r, "unit")) or first_match(label, "label_units") or units.get(iri, "")
        item = Item(
            iri,
            label,
            text_of(r, "doc"),
            text_of(r, "ckey"),
            text_of(r, "issued"),
            text_of(r, "code"),
            unit,
            local_name(text_of(r, "polarity")),
        )
        out[iri] = min(out.get(iri, item), item, key=lambda i: (i.code, i.unit, i.polarity))  # one item per measure
    return sorted(out.values(), key=lambda i: i.iri)


def read_outcomes(store) -> list[Item]:
    """Every delivery outcome, its text as the label (one item per outcome)."""
    out = {}
    for r in store.query(OUTCOMES_QUERY):
        iri = text_of(r, "item")
        out[iri] = Item(
            iri,
            text_of(r, "label"),
            text_of(r, "doc"),
            text_of(r, "ckey"),
            text_of(r, "issued"),
            number=int(text_of(r, "number")),
        )
    return sorted(out.values(), key=lambda i: i.iri)


def _value_units(store) -> dict[str, str]:
    """Each measure's most frequent unit among its own outturns, else among its targets."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in store.query(VALUE_UNITS_QUERY):
        weight = 1 if r["kind"].value.endswith("Target") else 1000  # a result's unit outweighs every target's
        counts[r["item"].value][local_name(r["unit"].value)] += weight * int(r["n"].value)
    return {m: c.most_common(1)[0][0] for m, c in counts.items()}


def local_name(iri: str) -> str:
    """ "https://w3id.org/councilkg/def#Outturn" -> "Outturn"."""
    return re.sub(r"^.*[#/]", "", iri) if iri else ""


# -- polarity ------------------------------------------------------------------------------------
def polarity(stated: Iterable[str], qualifiers: Iterable[str], label: str) -> tuple[str, str]:
    """(polarity, basis): the measures' stated polarity, else their targets' qualifiers, else label wording."""
    stated = [p for p in stated if p]
    if stated:
        return Counter(stated).most_common(1)[0][0], "stated"
    votes = Counter(name for q in qualifiers for name, rx in rules()["qualifiers"] if rx.match(q.strip()))
    if votes:
        return votes.most_common(1)[0][0], "target qualifiers"
    for name, rx in rules()["polarity_words"]:
        if rx.search(label):
            return name, "label wording"
    return "", ""


# -- triples ---------------------------------------------------------------------------------------
def graph_iri(base: str) -> str:
    return base + "graph/" + GRAPH


def build_graph(store, embedder=None, base: str | None = None, cache: Path | None = None) -> Graph:
    """Indicators, measure links and outcome links of every council, as one graph."""
    from kg.vocab import DEFAULT_BASE

    base = base or DEFAULT_BASE
    g = Graph()
    measures = group(read_measures(store), embedder, cache)
    qualifiers: dict[str, list[str]] = defaultdict(list)
    for r in store.query(QUALIFIERS_QUERY):
        qualifiers[r["item"].value].append(r["q"].value)
    for members in sorted(measures.groups, key=lambda m: (m[0].council, order(m[0]), m[0].iri)):
        _indicator(g, members, qualifiers, base)
    for link in measures.links:
        g.add((URIRef(link.later.iri), CKG.continues, URIRef(link.earlier.iri)))
        _link_node(g, link, CKG.LineageLink)
    for link in measures.candidates:
        _link_node(g, link, CKG.LinkCandidate)
    outcomes = group(read_outcomes(store), embedder, cache)
    for link in outcomes.links:
        g.add((URIRef(link.later.iri), CKG.continues, URIRef(link.earlier.iri)))
        _link_node(g, link, CKG.LineageLink)
    return g


def _indicator(g: Graph, members: list[Item], qualifiers: dict, base: str) -> None:
    """One ckg:Indicator: labelled by its latest measure, named by its earliest (stable as plans are added)."""
    first = members[0]
    node = mint_iri(
        "indicator",
        first.council,
        f"{slug(first.label, 60)}-{hashlib.sha1(first.iri.encode()).hexdigest()[:6]}",
        base=base,
    )
    g.add((node, RDF.type, CKG.Indicator))
    g.add((node, RDFS.label, Literal(members[-1].label)))
    g.add((node, DCT.publisher, mint_iri("org", members[0].council, base=base)))
    g.add((node, CKG.measureCount, Literal(len(members))))
    for m in members:
        g.add((URIRef(m.iri), CKG.indicator, node))
    units = {m.unit for m in members if m.unit}
    for unit in units:
        g.add((node, CKG.unit, CKG[unit]))
    pol, basis = polarity(
        [m.polarity for m in members], [q for m in members for q in qualifiers.get(m.iri, [])], members[-1].label
    )
    if pol:
        g.add((node, CKG.polarity, CKG[pol]))
        g.add((node, CKG.polarityBasis, Literal(basis)))
    g.add((node, CKG.definitionChanged, Literal(len({label_words(m.label) for m in members}) > 1)))
    g.add((node, CKG.unitChanged, Literal(len(units) > 1)))


def _link_node(g: Graph, link: Link, cls: URIRef) -> None:
    later, earlier = URIRef(link.later.iri), URIRef(link.earlier.iri)
    kind = "link" if cls == CKG.LineageLink else "candidate"
    node = scoped_iri(later, kind, hashlib.sha1(link.earlier.iri.encode()).hexdigest()[:12])
    g.add((node, RDF.type, cls))
    g.add((node, CKG.linkFrom, later))
    g.add((node, CKG.linkTo, earlier))
    g.add((node, CKG.linkMethod, CKG[link.method]))
    g.add((node, CKG.linkScore, Literal(Decimal(str(link.score)))))
    g.add((node, CKG.definitionChanged, Literal(link.definition_changed)))
    g.add((node, CKG.unitChanged, Literal(link.unit_changed)))
    if link.later.number is not None and link.earlier.number is not None:
        g.add((node, CKG.renumbered, Literal(link.later.number != link.earlier.number)))
    if link.reason:
        g.add((node, CKG.notLinkedBecause, Literal(link.reason)))
