"""The RDF store behind a narrow interface: replace one named graph atomically, query read-only.

`OxigraphStore` keeps the data on disk (RocksDB via pyoxigraph). One named graph per
document; queries see the union of all graphs as the default graph.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph, Literal as RLiteral, URIRef, BNode as RBNode

from kg.errors import QueryError, StoreBusyError
from kg.vocab import PREFIXES

STAGING = "urn:councilkg:staging:"
_UPDATE_WORDS = re.compile(
    r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I | re.M)


class Store(Protocol):
    def replace_graph(self, graph: str, triples: Graph) -> None: ...
    def remove_graph(self, graph: str) -> None: ...
    def query(self, sparql: str, bindings: dict | None = None): ...
    def graph_value(self, graph: str, predicate: str) -> str | None: ...


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term -> pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, RBNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    if isinstance(term, str):
        return ox.Literal(term)
    raise TypeError(f"cannot convert {term!r} to an RDF term")


def is_update(sparql: str) -> bool:
    """True for SPARQL Update requests (after prologue and comments are set aside)."""
    body = re.sub(r"#[^\n]*", "", sparql)
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    return bool(_UPDATE_WORDS.match(body))


class OxigraphStore:
    """Oxigraph on disk (or in memory when `path` is None)."""

    def __init__(self, path: Path | None = None):
        try:
            self.ox = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreBusyError(
                    f"the store at {path} is in use by another councilkg process (usually `councilkg serve`). "
                    "Stop it, or ingest through the server: POST /ingest.") from e
            raise
        self.path = path
        self._drop_staging()

    def _drop_staging(self) -> None:
        """Remove leftovers of an ingest that crashed before its final swap."""
        for g in list(self.ox.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING):
                self.ox.remove_graph(g)

    # -- writing --------------------------------------------------------------------------
    def replace_graph(self, graph: str, triples: Graph | Iterable[tuple]) -> None:
        """Make `graph` hold exactly `triples`, atomically: readers and crashes see old or new, never half."""
        staging = ox.NamedNode(STAGING + graph)
        self.remove_graph(staging.value)
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), staging) for s, p, o in triples]
        self.ox.add_graph(staging)
        self.ox.extend(quads)  # transactional
        # one update = one transaction: the swap is all or nothing
        self.ox.update(f"DROP SILENT GRAPH <{graph}> ; MOVE SILENT <{staging.value}> TO <{graph}>")
        if self.path is not None:
            self.ox.flush()

    def remove_graph(self, graph: str) -> None:
        g = ox.NamedNode(graph)
        if self.ox.contains_named_graph(g):
            self.ox.remove_graph(g)

    # -- reading --------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_value(self, graph: str, predicate: str) -> str | None:
        """One object of `<graph> <predicate> ?o` inside that graph (e.g. its sha256)."""
        for q in self.ox.quads_for_pattern(ox.NamedNode(graph), ox.NamedNode(predicate), None, ox.NamedNode(graph)):
            return q.object.value
        return None

    def __len__(self) -> int:
        return len(self.ox)

    def query(self, sparql: str, bindings: dict | None = None):
        """Run a read-only query over the union graph. Updates are refused."""
        if is_update(sparql):
            raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
        terms = {k.lstrip("?$"): to_ox(v) for k, v in (bindings or {}).items()}
        prefixes = {k: str(v) for k, v in PREFIXES.items()}
        try:
            try:
                return self.ox.query(sparql, prefixes=prefixes, use_default_graph_as_union=True,
                                     substitutions={ox.Variable(k): v for k, v in terms.items()} or None)
            except RuntimeError as e:
                if "projection" not in str(e):
                    raise
            # oxigraph substitutes projected variables only: put the serialised term in place
            # of the others (the term is written by pyoxigraph, so no user text is ever spliced in)
            for name, term in terms.items():
                sparql = re.sub(r"[?$]" + re.escape(name) + r"\b", lambda _m, t=str(term): t, sparql)
            return self.ox.query(sparql, prefixes=prefixes, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except (OSError, ValueError) as e:
            raise QueryError(str(e)) from e

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        return self.ox.dump(format=fmt)

    def close(self) -> None:
        del self.ox
