"""SHACL: the seeds conform; a broken graph is reported."""

from rdflib import Graph, Literal, URIRef

from kg.validate import validate_graph
from kg.vocab import CKG, DCT, FOAF, RDF


def test_seed_graph_has_no_violations(engine):
    conforms, n, text = engine.validate()
    assert (conforms, n) == (True, 0), text[:3000]


def test_broken_graph_is_reported():
    g = Graph()
    doc = URIRef("https://w3id.org/councilkg/id/doc/x/broken")
    g.add((doc, RDF.type, CKG.PortfolioPlan))
    g.add((doc, RDF.type, FOAF.Document))
    g.add((doc, DCT.issued, Literal("sometime in 2020")))
    p = URIRef(str(doc) + "/passage/1")
    g.add((p, RDF.type, CKG.Passage))
    g.add((p, CKG.lineStart, Literal(9)))
    g.add((p, CKG.lineEnd, Literal(3)))
    conforms, n, text = validate_graph(g)
    assert not conforms and n >= 6
    for what in ("dct:title", "ckg:text", "starts before it ends", "xsd:date"):
        assert what in text, what
