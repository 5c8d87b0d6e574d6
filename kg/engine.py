"""The one core object: owns settings, store, passage index and models.

The CLI and the HTTP API only build an `Engine` and call it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Container
from pathlib import Path

from rdflib import Graph, URIRef

from kg.corpus import remember_roots
from kg.early_embed import EarlyEmbedder
from kg.errors import StoreBusyError
from kg.index import Embedder, Entry, PassageIndex
from kg.ingest import Ingester, IngestReport
from kg.journal import Journal, Manifest, pause_at
from kg.settings import Settings
from kg.sparql_guard import check_outside, check_query
from kg.store import OxigraphStore, Store, bind, store_stats
from kg.vocab import PROV

DERIVED_GRAPH = "derived"
PASSAGES_QUERY = """
SELECT DISTINCT ?p ?d ?title ?source ?text ?a ?b ?section ?kind ?headers ?pa ?pla ?pb ?plb WHERE {
  ?p a ckg:Passage ; ckg:inDocument ?d ; ckg:text ?text ; ckg:lineStart ?a ; ckg:lineEnd ?b .
  ?d dct:title ?title ; ckg:sourceFile ?source .
  OPTIONAL { ?p ckg:section ?section } OPTIONAL { ?p ckg:passageKind ?kind } OPTIONAL { ?p ckg:columnHeaders ?headers }
  OPTIONAL { ?p ckg:pageStart ?pa ; ckg:pageLineStart ?pla ; ckg:pageEnd ?pb ; ckg:pageLineEnd ?plb }
} ORDER BY ?d ?a ?p"""


def _models_offline() -> None:
    """Models load from installed packages only: the Hugging Face libraries are told not to reach the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Engine:
    """`Engine.open(path)` then `ingest`, `sparql`, `search`, `ask`, `validate`, `stats`."""

    def __init__(self, settings: Settings):
        _models_offline()
        self.settings = settings
        self.data = Path(settings.data)
        self.data.mkdir(parents=True, exist_ok=True)
        try:
            self.store = self._open_store()
        except StoreBusyError as e:
            server = self.data / "server.json"
            if server.exists():
                raise StoreBusyError(f"{e} A server is running: {server.read_text(encoding='utf-8')}") from None
            raise
        self._index: PassageIndex | None = None
        self._embedder = functools.cache(functools.partial(Embedder, precision=settings.embed_precision))
        self._answerer = None
        self._writing = threading.Lock()
        self.outside: Callable[[str], object] | None = None  # a server's bounded runner for typed queries (api.app)

    def _open_store(self) -> Store:
        """The `store` setting's backend: Oxigraph under the data directory, or a running Virtuoso."""
        if self.settings.store == "virtuoso":
            from kg.virtuoso import VirtuosoStore

            s = self.settings
            return VirtuosoStore(s.virtuoso_url, s.virtuoso_user, s.virtuoso_password, s.base)
        return OxigraphStore(self.data / "store")

    @classmethod
    def open(cls, data: str | Path | None = None, **settings: object) -> "Engine":
        return cls(Settings.load(data=data, **settings))

    # -- ingest ---------------------------------------------------------------------------
    def ingest(
        self, paths: list[str | Path], progress: Callable[[str], None] = lambda s: None, force: bool = False
    ) -> IngestReport:
        """Ingest files, first finishing an ingest a crash interrupted (`kg.journal`); then rebuild the
        derived graphs and the index when anything changed or the index does not match the store."""
        remember_roots(self.data, paths)  # the corpus boundary /ingest keeps to (kg.corpus)
        s = self.settings
        with self._writing, self._early_embedder() as embedder:  # one ingest at a time; readers keep the old index
            journal, manifest = Journal(self.data), Manifest.load(self.data)
            pending = journal.pending()
            ingester = Ingester(
                self.store,
                self.data,
                s.base,
                s.max_file_mb * 1024 * 1024,
                manifest,
                journal,
                executor=s.executor,
                workers=s.workers or None,
                spacy_model=s.spacy_model,
            )
            report = ingester.run(
                paths,
                progress,
                force=force,
                pending=pending,
                prepared=embedder.prefetch if embedder else lambda t: None,
            )
            if pending:
                report.warnings.append(
                    f"finished an interrupted ingest ({pending.get('phase')} phase) "
                    f"of {len(pending.get('sources', []))} file(s)"
                )
            if report.changed() or pending or not self._index_matches(manifest):
                journal.indexing(sorted(ingester.sources), manifest)
                self._derive_links()
                progress("group indicators")
                self._group_indicators(embedder)
                progress("index passages")
                pause_at("index")
                manifest.index_passages = self.reindex(embedder)["passages"]
                pause_at("commit")
                manifest.save()
                journal.end()
                self._answerer = None  # its catalog of nodes is rebuilt on the next question
            elif manifest.dirty:
                manifest.save()
        return report

    def _index_matches(self, manifest: Manifest) -> bool:
        """The saved index was built from as many passages as the store holds."""
        from kg.validate import stored_passages

        return (self.data / "index" / "entries.json").exists() and manifest.index_passages == stored_passages(
            self.store
        )

    def _derive_links(self) -> None:
        """Cross-document triples (plan revisions, renamed priorities) recomputed into a graph of their own."""
        from kg.versions import link_priorities, link_revisions

        run = self.store.query
        g = Graph()
        for newer, older in link_revisions(run):
            g.add((URIRef(newer), PROV.wasRevisionOf, URIRef(older)))
        for triple in link_priorities(run):
            g.add(triple)
        self.store.replace_graph(self.derived_graph, g)

    def _early_embedder(self) -> EarlyEmbedder | contextlib.nullcontext:
        """The ingest's embedder: passages embedded beside extraction and writing (`kg.early_embed`)."""
        if not self.settings.embed:
            return contextlib.nullcontext()
        return EarlyEmbedder(self._embedder, PassageIndex(self.data / "index").cached, self.settings.embed_precision)

    def _group_indicators(self, embedder: EarlyEmbedder | None = None) -> None:
        """Measures grouped into indicators and outcomes linked across plans (`kg.indicators`), rebuilt like the derived graph."""
        from kg.indicators import build_graph, graph_iri

        embedder = (embedder or self.embedder) if self.settings.embed else None
        g = build_graph(self.store, embedder, self.settings.base, cache=self.data / "indicators" / "vectors.npz")
        self.store.replace_graph(graph_iri(self.settings.base), g)

    @property
    def derived_graph(self) -> str:
        return self.settings.base + "graph/" + DERIVED_GRAPH

    def reindex(self, embedder: EarlyEmbedder | None = None) -> dict:
        entries = [
            Entry(
                r["p"].value,
                r["d"].value,
                r["title"].value,
                r["source"].value,
                r["text"].value,
                int(r["a"].value),
                int(r["b"].value),
                *(r[v].value if r[v] else "" for v in ("section", "kind", "headers")),
                *(int(r[v].value) if r[v] else 0 for v in ("pa", "pla", "pb", "plb")),
            )
            for r in self.store.query(PASSAGES_QUERY)
        ]
        index = self._new_index()
        stats = index.build(entries, embed=self.settings.embed, embedder=embedder)
        index.save()
        self._index = index
        return stats

    # -- models and index, loaded once --------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        """The model, loaded on first use (by itself, so the index holding it holds no engine)."""
        return self._embedder()

    def _new_index(self) -> PassageIndex:
        return PassageIndex(self.data / "index", embedder=self._embedder)

    @property
    def index(self) -> PassageIndex:
        if self._index is None:
            index = self._new_index()
            index.load()
            self._index = index
        return self._index

    # -- reading ------------------------------------------------------------------------
    def sparql(self, query: str, bindings: dict | None = None):
        """A read-only query; one nested or chained past what the parser survives is refused first."""
        s = self.settings
        check_query(query, s.query_depth, s.query_operators, s.sparql_service)
        return self.store.query(query, bindings)

    def sparql_outside(self, query: str, bindings: dict | None = None):
        """A query someone typed (the workbench page): checked like /sparql, then run by the server's worker
        pool when one serves this engine (`outside`), so it can be stopped; else here."""
        check_outside(query, self.settings)
        if self.outside is None:
            return self.store.query(query, bindings)
        return self.outside(bind(query, bindings))

    def search(
        self, q: str, k: int = 10, mode: str = "hybrid", documents: Container[str] | None = None
    ) -> list[tuple[Entry, float]]:
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
        """The DESIGN §4 citation of one passage; from a PDF also its page(s) and lines on the page."""
        paged = e.page_start > 0
        return {
            "document": e.title,
            "document_iri": e.document,
            "source": e.source,
            "passage_id": e.iri,
            "text": e.text,
            "lines": [e.line_start, e.line_end],
            "section": e.section,
            "score": score,
            "page": e.page_start if paged else None,
            "pages": [e.page_start, e.page_end] if paged else None,
            "page_lines": [e.page_line_start, e.page_line_end] if paged else None,
            "location": e.location,
        }

    def warm(self) -> None:
        """Load the index and the model now, so the first question is as fast as the rest."""
        if self.index.entries and self.settings.embed:
            self.index.search("warm up", k=1)

    def describe(self, iri: str) -> list[tuple[str, str, str]]:
        """(subject, predicate, object) rows about one node."""
        from pyoxigraph import NamedNode

        return [
            (iri, r["p"].value, r["o"].value)
            for r in self.store.query("SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o", {"s": NamedNode(iri)})
        ]

    def describe_serialized(self, iri: str, fmt) -> bytes:
        from pyoxigraph import NamedNode

        res = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": NamedNode(iri)})
        return res.serialize(format=fmt)

    def stats(self) -> dict:
        return store_stats(self.store)

    def validate(self) -> tuple[bool, int, str]:
        from kg.validate import validate_store

        return validate_store(self.store)
