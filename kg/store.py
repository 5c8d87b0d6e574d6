"""The RDF store behind a narrow interface: replace one named graph atomically, query read-only.

`OxigraphStore` keeps the data on disk (RocksDB via pyoxigraph). One named graph per
document, for provenance and per-document replace; the default graph is kept equal to
the set union of the named graphs, so a triple several documents state is one fact there
and a query without DISTINCT returns it once. Queries run over that default graph, and
`GRAPH ?g { … }` still reaches each document's own graph.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph, Literal as RLiteral, URIRef, BNode as RBNode

from kg.errors import QueryError, StoreBusyError
from kg.vocab import PREFIXES

STAGING = "urn:councilkg:staging:"  # graphs an older version staged; dropped on open
# The default graph loses the triples of graph <g> that no other named graph states.
_UNSHARE = """DELETE { ?s ?p ?o } WHERE { GRAPH <%(g)s> { ?s ?p ?o }
  FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } FILTER (?other != <%(g)s>) } }"""
_MERGE = "INSERT { ?s ?p ?o } WHERE { GRAPH <%(g)s> { ?s ?p ?o } }"
# the pieces of a query that matter when writing terms in for variables: strings, IRIs and
# comments pass through untouched; a SELECT clause runs up to WHERE, FROM or `{`, an ORDER BY
# or GROUP BY list up to the next brace
_LEXEME = re.compile(
    "|".join(
        [
            r'"""[\s\S]*?"""',
            r"'''[\s\S]*?'''",
            r'"(?:[^"\\\n]|\\.)*"',
            r"'(?:[^'\\\n]|\\.)*'",  # strings
            r'<[^<>"{}|^`\\\s]*>',
            r"#[^\n]*",
            r"[?$](\w+)",
            r"\b(SELECT|WHERE|FROM|BY|AS)\b",
            r"[{}()]",
        ]
    ),
    re.I,
)
_UPDATE_WORDS = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I | re.M)


class Store(Protocol):
    def replace_graph(self, graph: str, triples: Graph) -> None: ...
    def remove_graph(self, graph: str) -> None: ...
    def query(self, sparql: str, bindings: dict | None = None): ...
    def graph_value(self, graph: str, predicate: str) -> str | None: ...
    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes: ...
    def __len__(self) -> int: ...
    def can_backup(self) -> bool: ...
    def backup(self, directory: str | Path) -> None: ...


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


def bind_text(sparql: str, terms: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """`sparql` with bound variables written in as their terms (serialised by pyoxigraph, so no
    user text is spliced in), as if bound before the query runs.

    Terms go into graph patterns and expressions; SELECT, GROUP BY and ORDER BY keep the
    variable, and a trailing VALUES gives it its term in the results."""
    out, last, clause, parens, braces, after_as = [], 0, "", 0, 0, False
    for m in _LEXEME.finditer(sparql):
        token, var, word = m.group(0), m.group(1), (m.group(2) or "").upper()
        if word in ("SELECT", "BY"):
            clause, parens = word, 0
        elif token in "{}" or (clause == "SELECT" and word in ("WHERE", "FROM")):
            clause, braces = "", braces + (token == "{") - (token == "}")
        elif token in "()":
            parens += 1 if token == "(" else -1
        kept = after_as or clause == "BY" or (clause == "SELECT" and not parens) or (not clause and not braces)
        if var is not None and var in terms and not kept:
            out.append(sparql[last : m.start()] + str(terms[var]))
            last = m.end()
        after_as = word == "AS"
    if not terms:
        return sparql
    names, values = " ".join(f"?{k}" for k in terms), " ".join(str(t) for t in terms.values())
    return "".join(out) + sparql[last:] + f"\nVALUES ({names}) {{ ({values}) }}\n"


def bind(sparql: str, bindings: dict | None) -> str:
    """`sparql` with `bindings` (variable name, with or without its ? or $, to an rdflib or pyoxigraph term)
    written in by `bind_text`."""
    return bind_text(sparql, {k.lstrip("?$"): to_ox(v) for k, v in (bindings or {}).items()})


class OxigraphStore:
    """Oxigraph on disk (or in memory when `path` is None)."""

    def __init__(self, path: Path | None = None):
        try:
            self.ox = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreBusyError(
                    f"the store at {path} is in use by another councilkg process (usually `councilkg serve`). "
                    "Stop it, or ingest through the server: POST /ingest."
                ) from e
            raise
        self.path = path
        self._drop_staging()
        self._merge_if_missing()

    def _drop_staging(self) -> None:
        """Remove leftovers of an ingest that crashed before its final swap (older versions staged graphs)."""
        for g in list(self.ox.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING):
                self.ox.remove_graph(g)

    def _merge_if_missing(self) -> None:
        """Fill the default graph of a store written before it held the union of the graphs."""
        empty = next(self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None
        if empty and next(self.ox.named_graphs(), None) is not None:
            self.ox.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

    # -- writing --------------------------------------------------------------------------
    def replace_graph(self, graph: str, triples: Graph | Iterable[tuple]) -> None:
        """Make `graph` hold exactly `triples`, atomically: readers and crashes see old or new, never half."""
        body = " .\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)}" for s, p, o in triples)
        # one update = one transaction: the graph and the default graph change together or not at all
        self.ox.update(
            " ;\n".join(
                [
                    _UNSHARE % {"g": graph},
                    f"DROP SILENT GRAPH <{graph}>",
                    f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}",
                    _MERGE % {"g": graph},
                ]
            )
        )
        self._flush()

    def remove_graph(self, graph: str) -> None:
        """Drop `graph` and the facts only it stated, atomically; facts other graphs state stay."""
        g = ox.NamedNode(graph)
        if self.ox.contains_named_graph(g):
            self.ox.update(f"{_UNSHARE % {'g': graph}} ; DROP SILENT GRAPH <{graph}>")
            self._flush()

    def _flush(self) -> None:
        """Each write flushed as it is made. (Once per ingest instead saved 0.9 s on the seeds, but at 10× the
        final flush of 240 graphs' writes never returned: RocksDB's flush waited on its idle background threads.)"""
        if self.path is not None:
            self.ox.flush()

    def can_backup(self) -> bool:
        """True on disk: `backup` can copy the store for worker processes to open read-only."""
        return self.path is not None

    def backup(self, directory: str | Path) -> None:
        """A consistent copy of the on-disk store in `directory` (a new folder)."""
        self.ox.backup(str(directory))

    # -- reading --------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_value(self, graph: str, predicate: str) -> str | None:
        """One object of `<graph> <predicate> ?o` inside that graph (e.g. its sha256)."""
        for q in self.ox.quads_for_pattern(ox.NamedNode(graph), ox.NamedNode(predicate), None, ox.NamedNode(graph)):
            return q.object.value
        return None

    def __len__(self) -> int:
        """Distinct triples (facts), however many documents state each."""
        return sum(1 for _ in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def query(self, sparql: str, bindings: dict | None = None):
        """Run a read-only query over the merged default graph. Updates are refused."""
        if is_update(sparql):
            raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
        prefixes = {k: str(v) for k, v in PREFIXES.items()}
        try:
            # the terms written in, not passed as substitutions: oxigraph's planner then starts from them
            # (a node's values: 0.8 ms instead of 82 ms over 37,000 passages, a scan that grew with the store)
            return self.ox.query(bind(sparql, bindings), prefixes=prefixes)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except (OSError, ValueError) as e:
            raise QueryError(str(e)) from e

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        """The named graphs as N-Quads or TriG (the default graph is their union, so it is left out)."""
        named = (q for g in self.ox.named_graphs() for q in self.ox.quads_for_pattern(None, None, None, g))
        return ox.serialize(named, format=fmt)

    def close(self) -> None:
        del self.ox


class EndpointStore:
    """A read-only store behind a SPARQL 1.1 Protocol endpoint, such as a running `councilkg serve`.

    Results come back as the same pyoxigraph objects `OxigraphStore.query` returns."""

    ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"

    def __init__(self, url: str, timeout: float = 600.0, headers: dict[str, str] | None = None):
        self.url, self.timeout, self.headers = url, timeout, headers or {}

    def query(self, sparql: str, bindings: dict | None = None):
        """Run a query at the endpoint, variables in `bindings` written in as terms."""
        if is_update(sparql):
            raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
        body, media = self._post(bind(sparql, bindings))
        if media == "application/n-triples":  # CONSTRUCT or DESCRIBE: answer as a query over the triples
            triples = ox.Store()
            triples.load(body, format=ox.RdfFormat.N_TRIPLES)
            return triples.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def _post(self, sparql: str) -> tuple[bytes, str]:
        req = urllib.request.Request(
            self.url,
            sparql.encode("utf-8"),
            {**self.headers, "content-type": "application/sparql-query", "accept": self.ACCEPT},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return r.read(), r.headers.get_content_type()
        except urllib.error.HTTPError as e:
            raise QueryError(f"{http_error_text(e)} (from {self.url})") from None
        except OSError as e:
            raise StoreBusyError(f"the SPARQL endpoint {self.url} does not answer: {e}") from None

    def __len__(self) -> int:
        return int(next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    def graphs(self) -> list[str]:
        return sorted(r["g"].value for r in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        """The named graphs as N-Quads or TriG."""
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return ox.serialize((ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows), format=fmt)


def http_error_text(e: urllib.error.HTTPError) -> str:
    """The message of an error response: its JSON `error`, else the status line."""
    try:
        return str(json.loads(e.read())["error"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {e.code} {e.reason}"


def store_stats(store: OxigraphStore | EndpointStore) -> dict:
    """Distinct triples, triples per document graph, instances per class."""
    docs = [
        {"document": r["d"].value, "title": r["t"].value, "triples": int(r["n"].value)}
        for r in store.query(
            "SELECT ?d ?t (COUNT(*) AS ?n) WHERE { GRAPH ?d { ?s ?p ?o } ?d dct:title ?t } GROUP BY ?d ?t ORDER BY ?d"
        )
    ]
    classes = {
        r["c"].value: int(r["n"].value)
        for r in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)")
    }
    return {"triples": len(store), "documents": docs, "classes": classes}
