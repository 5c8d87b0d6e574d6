"""SHACL validation of the whole store against `ontology/shapes*.ttl`."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def load_ontology() -> Graph:
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if not f.name.startswith("shapes"):
            g.parse(f)
    return g


def load_shapes() -> Graph:
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.glob("shapes*.ttl")):
        g.parse(f)
    return g


def validate_graph(data: Graph) -> tuple[bool, int, str]:
    """(conforms, number of violations, text report)."""
    from pyshacl import validate
    conforms, results, text = validate(data, shacl_graph=load_shapes(), ont_graph=load_ontology(),
                                       inference="none", advanced=True, allow_warnings=True)
    from rdflib.namespace import SH
    n = len(set(results.subjects(SH.resultSeverity, SH.Violation)))
    return conforms, n, text


def validate_store(store) -> tuple[bool, int, str]:
    """Validate every fact of the store (its default graph: the union of every named graph)."""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    data = Graph().parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return validate_graph(data)
