"""Namespaces used by councilkg. Reused W3C vocabularies first; `CKG` for what is missing."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS as DCT, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, TIME, XSD

CKG = Namespace("https://w3id.org/councilkg/def#")
DEFAULT_BASE = "https://w3id.org/councilkg/id/"

PREFIXES = {
    "ckg": CKG,
    "dct": DCT,
    "foaf": FOAF,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "qb": QB,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "time": TIME,
    "xsd": XSD,
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to prepend to user queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


__all__ = [
    "CKG",
    "DCT",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SKOS",
    "TIME",
    "XSD",
    "DEFAULT_BASE",
    "PREFIXES",
    "sparql_prefixes",
]
