"""Deterministic, readable instance IRIs: the one place IRIs are minted."""

from __future__ import annotations

from rdflib import URIRef

from kg.vocab import DEFAULT_BASE
from nlp import text


def slug(key: str | int, limit: int = 80) -> str:
    """An IRI path segment: the text's slug (`nlp.text.slug`, dots kept), at most `limit` long, never empty."""
    return text.slug(key, keep=".")[:limit].rstrip("-") or "x"


def mint_iri(kind: str, *keys: str | int, base: str = DEFAULT_BASE) -> URIRef:
    """`mint_iri("person", "escc", "Sylvia Tidy")` -> …/id/person/escc/sylvia-tidy.

    `kind` is a fixed path segment ("doc", "person", "measure", …); keys are slugged.
    """
    parts = [kind, *(slug(k) for k in keys)]
    return URIRef(base + "/".join(parts))


def scoped_iri(parent: URIRef, kind: str, *keys: str | int) -> URIRef:
    """An IRI under an existing node: …/doc/x + ("measure", 7) -> …/doc/x/measure/7."""
    return URIRef(str(parent) + "/" + "/".join([kind, *(slug(k) for k in keys)]))
