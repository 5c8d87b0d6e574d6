"""Names for IRIs on pages: ontology labels for classes and properties, stored labels for nodes.

Pages show "Sylvia Tidy (person)" where the graph has an IRI; `Labels` is built once per app
(the ontology is read at start-up) and asked for many nodes at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.vocab import PREFIXES, RDF, RDFS, SKOS
from nlp.text import squash

LABEL_PREDICATES = ("rdfs:label", "skos:prefLabel", "foaf:name", "dct:title", "ckg:valueText", "ckg:text")
MAX_LABEL = 140


@dataclass(frozen=True)
class Node:
    """An IRI with what a page shows for it."""

    iri: str
    label: str
    types: tuple[str, ...] = ()  # type labels ("measure", "person")
    href: str | None = None  # its page here, or the IRI itself when it is elsewhere on the web


def compact(iri: str) -> str:
    """`https://w3id.org/councilkg/def#Measure` -> `ckg:Measure` (the IRI itself when no prefix fits)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def words(name: str) -> str:
    """`NationalAverage` -> `national average`; `valueText` -> `value text`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def iri_list(iris: Iterable[str]) -> str:
    """IRIs written by pyoxigraph for a VALUES clause (malformed ones dropped), so no text is spliced in raw."""
    out = []
    for iri in dict.fromkeys(iris):
        try:
            out.append(str(ox.NamedNode(iri)))
        except ValueError:
            continue
    return " ".join(out)


class Labels:
    """Labels of vocabulary terms (from the ontology) and of instance nodes (from the store)."""

    def __init__(self, engine, ontology) -> None:
        self.engine = engine
        self.base = engine.settings.base
        self.terms: dict[str, str] = {}
        for s, o in ontology.subject_objects(RDFS.label):
            self.terms.setdefault(str(s), str(o))
        for s, o in ontology.subject_objects(SKOS.prefLabel):
            self.terms.setdefault(str(s), str(o))
        self.ancestors: dict[str, set[str]] = {
            str(c): {str(a) for a in ontology.transitive_objects(c, RDFS.subClassOf)} - {str(c)}
            for c in set(ontology.subjects(RDFS.subClassOf, None))
        }

    def specific(self, classes: Iterable[str]) -> list[str]:
        """The classes that no other of `classes` is a subclass of (`ckg:Committee`, not also `org:OrganizationalUnit`)."""
        classes = set(classes)
        inherited = set().union(*(self.ancestors.get(c, set()) for c in classes)) if classes else set()
        return sorted(classes - inherited)

    def href(self, iri: str) -> str | None:
        """The page of a node of ours, the IRI itself for a web address elsewhere, None for vocabulary."""
        if iri.startswith(self.base):
            return "/id/" + iri[len(self.base) :]
        if any(iri.startswith(str(ns)) for ns in PREFIXES.values()):
            return None
        return iri if re.match(r"^https?://", iri) else None

    def term(self, iri: str) -> str:
        """A class, property or concept: its ontology label, else its local name in words."""
        if iri in self.terms:
            return self.terms[iri]
        name = compact(iri)
        return words(name.split(":", 1)[1]) if ":" in name and not name.startswith("http") else self.tail(iri)

    def tail(self, iri: str) -> str:
        """The last path segments of an IRI, for a node without a label."""
        rest = iri.removeprefix(self.base)
        return "/".join(rest.rstrip("/").split("/")[-2:])

    def nodes(self, iris: Iterable[str]) -> dict[str, Node]:
        """Label, types and link of each IRI, read from the store in one query."""
        iris = list(dict.fromkeys(iris))
        found: dict[str, dict[str, list[str]]] = {i: {} for i in iris}
        values = iri_list(i for i in iris if i.startswith(self.base))
        if values:
            preds = " ".join(LABEL_PREDICATES) + " rdf:type"
            for r in self.engine.sparql(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {preds} }} ?s ?p ?o }}"
            ):
                found[r["s"].value].setdefault(r["p"].value, []).append(r["o"].value)
        return {i: self._node(i, found[i]) for i in iris}

    def node(self, iri: str) -> Node:
        return self.nodes([iri])[iri]

    def _node(self, iri: str, props: dict[str, list[str]]) -> Node:
        label = next((min(props[p]) for p in map(expand, LABEL_PREDICATES) if props.get(p)), None)
        if label is None:
            label = self.term(iri) if not iri.startswith(self.base) else self.tail(iri)
        label = squash(label)
        label = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"
        types = tuple(sorted({self.term(t) for t in self.specific(props.get(str(RDF.type), []))}))
        return Node(iri, label, types, self.href(iri))


def expand(prefixed: str) -> str:
    """`ckg:Measure` -> the full IRI (a string without a known prefix comes back as it is)."""
    prefix, _, local = prefixed.partition(":")
    return str(PREFIXES[prefix]) + local if prefix in PREFIXES else prefixed
