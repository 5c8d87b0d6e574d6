"""`VirtuosoStore`: the `Store` interface over a local Virtuoso server's SPARQL endpoint.

Laid out as `OxigraphStore` is: one named graph per document, and a union graph holding the
set union of the document graphs, so a triple several documents state is one fact. Reads go
to `/sparql` with the union graph as the default graph, and every `GRAPH ?g` pattern is kept
to this project's graphs (under the base IRI), so neither the union graph nor Virtuoso's own
system graphs show up as documents. Writes go to `/sparql-auth` (digest auth) as one update
request per graph, which Virtuoso runs and commits as one transaction: readers see the old
graph or the new one. Start the server with `make virtuoso-up` (`kg.virtuoso_server`).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QueryError, StoreBusyError
from kg.store import EndpointStore, bind, is_update, to_ox
from kg.vocab import sparql_prefixes

UNION = "urn:councilkg:union"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
CHUNK = 1000  # triples per INSERT DATA operation: Virtuoso compiles each into SQL of bounded length
# the default graph loses the triples of <g> that no other document graph states
_UNSHARE = """DELETE {{ GRAPH <{u}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{g}> && ?other != <{u}>) }} }}"""
_MERGE = "INSERT {{ GRAPH <{u}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
# what to skip when looking for braces: strings, IRIs and comments
_SKIP = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_GRAPH_VAR = re.compile(r"\bGRAPH\s+([?$]\w+)\s*\{", re.IGNORECASE)


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` that closes the `{` at `start`."""
    depth, i = 0, start
    while i < len(text):
        skip = _SKIP.match(text, i)
        if skip:
            i = skip.end()
            continue
        depth += (text[i] == "{") - (text[i] == "}")
        if depth == 0:
            return i
        i += 1
    raise QueryError("SPARQL syntax error: unbalanced braces")


def keep_graphs(sparql: str, base: str) -> str:
    """`sparql` with a filter after each `GRAPH ?g { … }` keeping ?g to graphs under `base`."""
    spans = []
    i = 0
    while m := _GRAPH_VAR.search(sparql, i):
        if any(a <= m.start() < b for a, b in ((s.start(), s.end()) for s in _SKIP.finditer(sparql, i, m.start() + 1))):
            i = m.end()
            continue
        spans.append((_closing_brace(sparql, m.end() - 1) + 1, m.group(1)))
        i = m.end()
    for end, var in sorted(spans, reverse=True):
        sparql = sparql[:end] + f" FILTER (STRSTARTS(STR({var}), {ox.Literal(base)}))" + sparql[end:]
    return sparql


def canonical_booleans(body: bytes) -> bytes:
    """JSON results with xsd:boolean written true/false (Virtuoso answers 1/0)."""
    if XSD_BOOLEAN.encode() not in body:
        return body
    results = json.loads(body)
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("datatype") == XSD_BOOLEAN and term["value"] in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(results).encode()


def bind_inline(sparql: str, bindings: dict) -> str:
    """`bind`, with its trailing VALUES moved to the top of the WHERE group: Virtuoso joins a
    trailing VALUES after projection, so it refuses one naming a variable the SELECT leaves out."""
    text = bind(sparql, bindings)
    if not bindings:
        return text
    body, values = text.rsplit("\nVALUES ", 1)
    where = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE) or re.search(r"\{", body)
    return f"{body[: where.end()]} VALUES {values.strip()} {body[where.end() :]}"


class VirtuosoStore(EndpointStore):
    """Document graphs in a Virtuoso server at `url` (e.g. http://127.0.0.1:8890)."""

    def __init__(self, url: str, user: str, password: str, base: str, timeout: float = 600.0):
        super().__init__(url.rstrip("/") + "/sparql", timeout)
        self.update_url, self.base = url.rstrip("/") + "/sparql-auth", base
        auth = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        auth.add_password(None, self.update_url, user, password)
        self._writer = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(auth))
        self.query("ASK { }")  # fail now, with the address, when the server is not running

    # -- reading --------------------------------------------------------------------------
    def query(self, sparql: str, bindings: dict | None = None):
        """Run a read-only query over the union of the document graphs. Updates are refused."""
        if is_update(sparql):  # checked before the pragma line goes in front
            raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
        text = keep_graphs(bind_inline(sparql, bindings or {}), self.base)
        return super().query(f"define input:default-graph-uri <{UNION}>\n{sparql_prefixes()}{text}")

    def _post(self, sparql: str) -> tuple[bytes, str]:
        """Send a query; Virtuoso's error text (not just the status) becomes the QueryError."""
        req = urllib.request.Request(
            self.url, urllib.parse.urlencode({"query": sparql}).encode(), {"accept": self.ACCEPT}
        )
        body, media = self._send(urllib.request.urlopen, req)
        return (canonical_booleans(body) if media == "application/sparql-results+json" else body), media

    def _send(self, opener, req: urllib.request.Request) -> tuple[bytes, str]:
        try:
            with opener(req, timeout=self.timeout) as r:
                return r.read(), r.headers.get_content_type()
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace").strip().splitlines()
            raise QueryError(f"Virtuoso: {' '.join(text[:3]) or e.reason}") from None
        except (OSError, TimeoutError) as e:
            raise StoreBusyError(
                f"Virtuoso at {self.url} does not answer ({e}); start it with `make virtuoso-up`"
            ) from None

    def graph_value(self, graph: str, predicate: str) -> str | None:
        """One object of `<graph> <predicate> ?o` inside that graph (e.g. its sha256)."""
        rows = super().query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{graph}> <{predicate}> ?o }} }} LIMIT 1")
        return next((r["o"].value for r in rows), None)

    def graphs(self) -> list[str]:
        return sorted(r["g"].value for r in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))

    # -- writing --------------------------------------------------------------------------
    def replace_graph(self, graph: str, triples: Graph | Iterable[tuple]) -> None:
        """Make `graph` hold exactly `triples`, in one transaction (union graph included)."""
        lines = [f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples]
        inserts = [
            f"INSERT DATA {{ GRAPH <{graph}> {{ {' '.join(lines[i : i + CHUNK])} }} }}"
            for i in range(0, len(lines), CHUNK)
        ]
        self._update(
            [
                _UNSHARE.format(g=graph, u=UNION),
                f"DROP SILENT GRAPH <{graph}>",
                *inserts,
                _MERGE.format(g=graph, u=UNION),
            ]
        )

    def remove_graph(self, graph: str) -> None:
        """Drop `graph` and the facts only it stated, in one transaction."""
        self._update([_UNSHARE.format(g=graph, u=UNION), f"DROP SILENT GRAPH <{graph}>"])

    def clear(self) -> None:
        """Drop every graph of this project and the union graph (a fresh store, as for tests)."""
        self._update([f"DROP SILENT GRAPH <{g}>" for g in self.graphs()] + [f"DROP SILENT GRAPH <{UNION}>"])

    def _update(self, operations: list[str]) -> None:
        body = urllib.parse.urlencode({"update": " ;\n".join(operations)}).encode()
        req = urllib.request.Request(self.update_url, body, {"accept": "application/sparql-results+json"})
        self._send(self._writer.open, req)

    def __len__(self) -> int:
        """Distinct triples (facts), however many documents state each."""
        return int(next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    def dump(self, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
        """The document graphs as N-Quads or TriG."""
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return ox.serialize((ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows), format=fmt)

    def can_backup(self) -> bool:
        """False: the server keeps its own files; worker processes cannot open a copy."""
        return False

    def backup(self, directory: str | Path) -> None:
        raise NotImplementedError("a Virtuoso store is not copied to disk; queries run at the server")

    def close(self) -> None:
        """Nothing to release: the server keeps running (`make virtuoso-down` stops it)."""
