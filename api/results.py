"""SPARQL results -> the standard wire formats, and content negotiation for them."""

from __future__ import annotations

import pyoxigraph as ox

SOLUTION_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def negotiate(accept: str | None, table: dict, default: str) -> str:
    """The first media type of `accept` (by q order) that `table` knows, else `default`."""
    if not accept:
        return default
    ranked = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = next((float(b[2:]) for b in bits[1:] if b.startswith("q=") and _is_float(b[2:])), 1.0)
        ranked.append((-q, i, bits[0].lower()))
    for _, _, media in sorted(ranked):
        if media in table:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


def _is_float(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def serialize(result, media: str | None = None) -> tuple[bytes, str]:
    """(body, media type) for a pyoxigraph query result."""
    if isinstance(result, ox.QueryBoolean):
        media = media if media in SOLUTION_FORMATS else "application/sparql-results+json"
        return result.serialize(format=SOLUTION_FORMATS[media]), media
    if isinstance(result, ox.QueryTriples):
        media = media if media in GRAPH_FORMATS else "text/turtle"
        return result.serialize(format=GRAPH_FORMATS[media]), media
    media = media if media in SOLUTION_FORMATS else "application/sparql-results+json"
    return result.serialize(format=SOLUTION_FORMATS[media]), media


def rows(result) -> tuple[list[str], list[list[str]]]:
    """(variable names, rows of plain strings) of a SELECT result, for tables."""
    if isinstance(result, ox.QueryBoolean):
        return ["boolean"], [[str(bool(result)).lower()]]
    if isinstance(result, ox.QueryTriples):
        return ["subject", "predicate", "object"], [
            [t.subject.value, t.predicate.value, t.object.value] for t in result
        ]
    names = [v.value for v in result.variables]
    return names, [[(sol[n].value if sol[n] is not None else "") for n in names] for sol in result]
