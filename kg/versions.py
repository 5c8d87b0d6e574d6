"""Versions across documents: which plan revises which, which priority succeeds which.

Each document is built on its own, so links between documents are found afterwards, in
the union of all graphs, by SPARQL the store layer runs after ingest:

- `REVISION_CONSTRUCT`: a document is `prov:wasRevisionOf` the latest earlier document
  of the same publisher with the same title (same portfolio and period: the title
  carries both), issued earlier, with no version issued in between. Parts of other
  documents (`dct:isPartOf`) are never versions of each other.
- `link_priorities`: a priority outcome of a council's later scheme is `skos:exactMatch`
  the one of its previous scheme with the same label, or `ckg:succeeds` (renamed) the one
  whose words it mostly keeps, or — the last one left when all others pair up — the one
  left of the previous scheme. Schemes are ordered by their period, or, for a scheme
  stated without one (a report's list of the year's priorities), by the stating
  document's issue date.

The triples belong in the newer document's graph (the functions return IRI pairs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import URIRef

from kg.vocab import CKG, SKOS, sparql_prefixes

REVISION_CONSTRUCT = (
    sparql_prefixes()
    + """
CONSTRUCT { ?new prov:wasRevisionOf ?old }
WHERE {
  ?new a foaf:Document ; dct:publisher ?pub ; dct:title ?title ; dct:issued ?newDate .
  ?old a foaf:Document ; dct:publisher ?pub ; dct:title ?title ; dct:issued ?oldDate .
  FILTER (?oldDate < ?newDate)
  FILTER NOT EXISTS { ?new dct:isPartOf ?newWhole }
  FILTER NOT EXISTS { ?old dct:isPartOf ?oldWhole }
  FILTER NOT EXISTS {
    ?mid a foaf:Document ; dct:publisher ?pub ; dct:title ?title ; dct:issued ?midDate .
    FILTER NOT EXISTS { ?mid dct:isPartOf ?midWhole }
    FILTER (?oldDate < ?midDate && ?midDate < ?newDate)
  }
}
"""
)

SCHEMES_SELECT = (
    sparql_prefixes()
    + """
SELECT ?concept ?label ?scheme ?start ?pub
WHERE {
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
  ?scheme dct:publisher ?pub .
  OPTIONAL { ?scheme dct:temporal/ckg:startDate ?periodStart }
  OPTIONAL { ?stating ckg:statesPriority ?concept ; dct:issued ?issued }
  BIND (COALESCE(?periodStart, ?issued) AS ?start)
  FILTER (BOUND(?start))
}
"""
)

QueryFn = Callable[[str], Iterable]


def _iri(term: object) -> str:
    """The IRI, or the lexical value, of an rdflib or pyoxigraph term."""
    return str(term.value) if hasattr(term, "value") else str(term)


def _triple_ends(t: object) -> tuple[object, object]:
    """(subject, object) of an rdflib tuple or a pyoxigraph Triple."""
    if hasattr(t, "subject"):
        return t.subject, t.object
    return t[0], t[2]


def link_revisions(query_fn: QueryFn) -> list[tuple[str, str]]:
    """(newer document IRI, the version it revises), found by running REVISION_CONSTRUCT
    through `query_fn` (e.g. `lambda q: store.query(q, use_default_graph_as_union=True)`
    or an rdflib `Graph.query`)."""
    pairs = {(_iri(s), _iri(o)) for s, o in map(_triple_ends, query_fn(REVISION_CONSTRUCT))}
    return sorted(pairs)


def _words(label: str) -> set[str]:
    return {w for w in label.casefold().replace(",", " ").split() if len(w) > 2}


def link_priorities(query_fn: QueryFn, overlap: float = 0.6) -> list[tuple[URIRef, URIRef, URIRef]]:
    """Triples between consecutive priority schemes of one publisher: `skos:exactMatch` for
    the same label; `ckg:succeeds` and `skos:closeMatch` for a renamed outcome that keeps
    most of the earlier label's words ("Driving economic growth" ->
    "Driving sustainable economic growth")."""
    rows = [tuple(_iri(r[k]) for k in ("concept", "label", "scheme", "start", "pub")) for r in query_fn(SCHEMES_SELECT)]
    by_pub: dict[str, dict[str, list[tuple[str, str]]]] = {}
    starts: dict[str, str] = {}
    for concept, label, scheme, start, pub in rows:
        by_pub.setdefault(pub, {}).setdefault(scheme, []).append((concept, label))
        starts[scheme] = start
    links: set[tuple[URIRef, URIRef, URIRef]] = set()
    for schemes in by_pub.values():
        ordered = sorted(schemes, key=starts.__getitem__)
        for old, new in zip(ordered, ordered[1:]):
            links |= _match(schemes[new], schemes[old], overlap)
    return sorted(links)


def _match(
    new: list[tuple[str, str]], old: list[tuple[str, str]], overlap: float
) -> set[tuple[URIRef, URIRef, URIRef]]:
    """Pair each later concept with the earlier one sharing most words; when all but one of
    each scheme pair up so, the one left of the later scheme succeeds the one left of the earlier."""
    out = set()
    for concept, label in new:
        best = max(old, key=lambda o: len(_words(o[1]) & _words(label)), default=None)
        if best is None:
            continue
        common = len(_words(best[1]) & _words(label)) / max(1, len(_words(best[1])))
        later, earlier = URIRef(concept), URIRef(best[0])
        if best[1].casefold() == label.casefold():
            out.add((later, SKOS.exactMatch, earlier))
        elif common >= overlap:
            out |= {(later, CKG.succeeds, earlier), (later, SKOS.closeMatch, earlier)}
    left_new = {c for c, _ in new} - {str(s) for s, _, _ in out}
    left_old = {c for c, _ in old} - {str(o) for _, _, o in out}
    if len(left_new) == len(left_old) == 1 and len(new) == len(old) > 2:
        out.add((URIRef(left_new.pop()), CKG.succeeds, URIRef(left_old.pop())))
    return out
