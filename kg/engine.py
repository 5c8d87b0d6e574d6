"""The one core object: owns settings, store, passage index and models.

The CLI and the HTTP API only build an `Engine` and call it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Container
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import StoreBusyError
from kg.index import Embedder, Entry, PassageIndex
from kg.ingest import Ingester, IngestReport
from kg.settings import Settings
from kg.store import OxigraphStore
from kg.vocab import PROV

DERIVED_GRAPH = "derived"
PASSAGES_QUERY = """
SELECT DISTINCT ?p ?d ?title ?source ?text ?a ?b ?section ?kind ?headers WHERE {
  ?p a ckg:Passage ; ckg:inDocument ?d ; ckg:text ?text ; ckg:lineStart ?a ; ckg:lineEnd ?b .
  ?d dct:title ?title ; ckg:sourceFile ?source .
  OPTIONAL { ?p ckg:section ?section } OPTIONAL { ?p ckg:passageKind ?kind } OPTIONAL { ?p ckg:columnHeaders ?headers }
} ORDER BY ?d ?a ?p"""


class Engine:
    """`Engine.open(path)` then `ingest`, `sparql`, `search`, `ask`, `validate`, `stats`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.data = Path(settings.data)
        self.data.mkdir(parents=True, exist_ok=True)
        try:
            self.store = OxigraphStore(self.data / "store")
        except StoreBusyError as e:
            server = self.data / "server.json"
            if server.exists():
                raise StoreBusyError(f"{e} A server is running: {server.read_text(encoding='utf-8')}") from None
            raise
        self._index: PassageIndex | None = None
        self._embedder: Embedder | None = None
        self._answerer = None
        self._writing = threading.Lock()

    @classmethod
    def open(cls, data: str | Path | None = None, **settings: object) -> "Engine":
        return cls(Settings.load(data=data, **settings))

    # -- ingest ---------------------------------------------------------------------------
    def ingest(self, paths: list[str | Path], progress: Callable[[str], None] = lambda s: None,
               force: bool = False) -> IngestReport:
        ingester = Ingester(self.store, self.data, self.settings.base, self.settings.max_file_mb * 1024 * 1024)
        with self._writing:  # one ingest at a time; readers keep the old index until the swap
            report = ingester.run(paths, progress, force=force)
            if report.changed() or not (self.data / "index" / "entries.json").exists():
                self._derive_links()
                progress("index passages")
                self.reindex()
                self._answerer = None  # its catalog of nodes is rebuilt on the next question
        return report

    def _derive_links(self) -> None:
        """Cross-document triples (plan revisions, renamed priorities) recomputed into a graph of their own."""
        from kg.versions import link_priorities, link_revisions
        run = lambda q: self.store.ox.query(q, use_default_graph_as_union=True)  # noqa: E731
        g = Graph()
        for newer, older in link_revisions(run):
            g.add((URIRef(newer), PROV.wasRevisionOf, URIRef(older)))
        for triple in link_priorities(run):
            g.add(triple)
        self.store.replace_graph(self.derived_graph, g)

    @property
    def derived_graph(self) -> str:
        return self.settings.base + "graph/" + DERIVED_GRAPH

    def reindex(self) -> dict:
        entries = [Entry(r["p"].value, r["d"].value, r["title"].value, r["source"].value, r["text"].value,
                         int(r["a"].value), int(r["b"].value),
                         *(r[v].value if r[v] else "" for v in ("section", "kind", "headers")))
                   for r in self.store.query(PASSAGES_QUERY)]
        index = self._new_index()
        stats = index.build(entries, embed=self.settings.embed)
        index.save()
        self._index = index
        return stats

    # -- models and index, loaded once --------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder()
        return self._embedder

    def _new_index(self) -> PassageIndex:
        return PassageIndex(self.data / "index", embedder=self.embedder if self.settings.embed else None)

    @property
    def index(self) -> PassageIndex:
        if self._index is None:
            index = self._new_index()
            index.load()
            self._index = index
        return self._index

    # -- reading ------------------------------------------------------------------------
    def sparql(self, query: str, bindings: dict | None = None):
        return self.store.query(query, bindings)

    def search(self, q: str, k: int = 10, mode: str = "hybrid",
               documents: Container[str] | None = None) -> list[tuple[Entry, float]]:
        """Ranked passages, from the given documents only when `documents` is set."""
        if not self.settings.embed and mode != "bm25":
            mode = "bm25"
        return self.index.search(q, k=k, mode=mode, documents=documents)

    def ask(self, q: str, k: int = 5) -> dict:
        if self._answerer is None:
            from kg.ask import Answerer
            self._answerer = Answerer(self)
        return self._answerer.ask(q, k=k)

    def citation(self, e: Entry, score: float) -> dict:
        """The DESIGN §4 citation of one passage."""
        return {"document": e.title, "document_iri": e.document, "source": e.source, "passage_id": e.iri,
                "text": e.text, "lines": [e.line_start, e.line_end], "section": e.section, "score": score}

    def warm(self) -> None:
        """Load the index and the model now, so the first question is as fast as the rest."""
        if self.index.entries and self.settings.embed:
            self.index.search("warm up", k=1)

    def describe(self, iri: str) -> list[tuple[str, str, str]]:
        """(subject, predicate, object) rows about one node."""
        from pyoxigraph import NamedNode
        return [(iri, r["p"].value, r["o"].value)
                for r in self.store.query("SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o", {"s": NamedNode(iri)})]

    def describe_serialized(self, iri: str, fmt) -> bytes:
        from pyoxigraph import NamedNode
        res = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": NamedNode(iri)})
        return res.serialize(format=fmt)

    def stats(self) -> dict:
        docs = [{"document": r["d"].value, "title": r["t"].value, "triples": int(r["n"].value)}
                for r in self.store.query(
                    "SELECT ?d ?t (COUNT(*) AS ?n) WHERE { GRAPH ?d { ?s ?p ?o } ?d dct:title ?t } GROUP BY ?d ?t ORDER BY ?d")]
        classes = {r["c"].value: int(r["n"].value) for r in self.store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)")}
        return {"triples": len(self.store), "documents": docs, "classes": classes}

    def validate(self) -> tuple[bool, int, str]:
        from kg.validate import validate_store
        return validate_store(self.store)

