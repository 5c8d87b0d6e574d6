"""Deterministic, readable instance IRIs: the one place IRIs are minted."""
from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

from kg.vocab import DEFAULT_BASE


def slug(text: str | int, limit: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens: "Children's Services" -> "childrens-services"."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"['’`]", "", text.lower())
    text = re.sub(r"[^a-z0-9.]+", "-", text).strip("-.")
    return text[:limit].rstrip("-") or "x"


def mint_iri(kind: str, *keys: str | int, base: str = DEFAULT_BASE) -> URIRef:
    """`mint_iri("person", "escc", "Sylvia Tidy")` -> …/id/person/escc/sylvia-tidy.

    `kind` is a fixed path segment ("doc", "person", "measure", …); keys are slugged.
    """
    parts = [kind, *(slug(k) for k in keys)]
    return URIRef(base + "/".join(parts))


def scoped_iri(parent: URIRef, kind: str, *keys: str | int) -> URIRef:
    """An IRI under an existing node: …/doc/x + ("measure", 7) -> …/doc/x/measure/7."""
    return URIRef(str(parent) + "/" + "/".join([kind, *(slug(k) for k in keys)]))
