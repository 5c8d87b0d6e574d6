"""Ingest: files -> documents -> passages + records -> one named graph per document.

Idempotent by content, source path and pipeline version: a file whose bytes are as the
manifest recorded is skipped before it is read; in a changed file, only graphs that differ
are written (each atomically), and graphs the file no longer makes are removed.

A document's identity is its content and its source path (`ckg:sourcePath`, absolute),
never its base name or its first line: its IRI comes from its key, and a key another live
file already holds gets a short hash of the source path appended, so two files never
replace each other. The same content under a new path, the old file gone, is a move: it
keeps its IRI. The per-file work (`kg.executor.prepare_all`) may run in other processes;
identity, names, building, store writes and the journal (`kg.journal`) stay here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.iri import mint_iri
from kg.journal import Journal, Manifest, pause_at, write_json
from kg.store import OxigraphStore
from kg.triples import build
from kg.vocab import CKG, DCT
from nlp.model import Document, PersonRef
from nlp.read import iter_files
from nlp.resolve import canonical_names

if TYPE_CHECKING:  # kg.executor loads spaCy: imported only when a file must be prepared
    from kg.executor import FileResult, Staged

PIPELINE_VERSION = "2"
ONE_LABEL = (CKG.Service, CKG.Provider, DCT.Location)  # shared nodes with exactly one rdfs:label
GRAPHS_OF_SOURCE = "SELECT DISTINCT ?d WHERE { GRAPH ?d { ?d ckg:sourcePath ?src } }"
SAME_CONTENT = "SELECT ?d ?src WHERE { GRAPH ?d { ?d ckg:sha256 ?sha ; ckg:sourcePath ?src } }"


@dataclass
class DocReport:
    source: str
    key: str
    title: str = ""
    doc_type: str = ""
    status: str = ""  # added | replaced | moved | unchanged | error
    triples: int = 0
    passages: int = 0
    parts: int = 0
    message: str = ""


@dataclass
class IngestReport:
    documents: list[DocReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[DocReport]:
        return [d for d in self.documents if d.status == "error"]

    def changed(self) -> bool:
        return any(d.status in ("added", "replaced", "moved") for d in self.documents)


@dataclass
class _Write:
    """One graph to write: a staged document or part under its final key, and what the report will say."""

    source: str
    item: Staged
    status: str


def person_refs(records: Iterable[object]) -> list[PersonRef]:
    """Every PersonRef inside records (dataclasses, lists and tuples, recursively)."""
    out: list[PersonRef] = []

    def walk(x: object) -> None:
        if isinstance(x, PersonRef):
            out.append(x)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                walk(getattr(x, f.name))
        elif isinstance(x, (list, tuple, set, frozenset)):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)

    for r in records:
        walk(r)
    return out


def source_path(path: str | Path) -> str:
    """The identity of a source file: its absolute path, symlinks resolved."""
    return str(Path(path).resolve())


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def path_tag(source: str) -> str:
    """The short hash of a source path that tells apart two files whose documents have the same key."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]


def renamed(item: Staged, keys: dict[str, str]) -> Staged:
    """`item` with document keys (its own, its pack's, its records' `doc_key`s) renamed by `keys`."""

    def new(key: str | None) -> str | None:
        return keys.get(key, key) if key else key

    doc = dataclasses.replace(item.doc, key=new(item.doc.key), part_of=new(item.doc.part_of))
    passages = [dataclasses.replace(p, doc_key=new(p.doc_key)) for p in item.passages]
    records = [
        dataclasses.replace(r, doc_key=new(r.doc_key)) if hasattr(r, "doc_key") and dataclasses.is_dataclass(r) else r
        for r in item.records
    ]
    return dataclasses.replace(item, doc=doc, passages=passages, records=records)


class Ingester:
    """Decides what each file's documents are called and which graphs change, then writes them under the journal."""

    def __init__(
        self,
        store: OxigraphStore,
        data_dir: Path,
        base: str,
        max_bytes: int,
        manifest: Manifest | None = None,
        journal: Journal | None = None,
        executor: str = "local",
        workers: int | None = None,
        spacy_model: str = "",
    ):
        self.store, self.data_dir, self.base, self.max_bytes = store, data_dir, base, max_bytes
        self.manifest = manifest if manifest is not None else Manifest.load(data_dir)
        self.journal = journal if journal is not None else Journal(data_dir)
        self.executor, self.workers, self.spacy_model = executor, workers, spacy_model
        self.sources: set[str] = set()  # files whose graphs this run writes (named in the journal)
        self._claimed: dict[str, str] = {}  # document IRI -> source path that holds it in this run
        self._vanished: set[str] = set()  # gone files whose documents moved or were taken over
        self._file_sha: dict[str, str] = {}  # sha256 of each file's bytes, read before it was prepared

    def doc_iri(self, doc: Document, key: str | None = None) -> str:
        return str(mint_iri("doc", doc.council_key, key or doc.key, base=self.base))

    # -- the run -----------------------------------------------------------------------------
    def run(
        self,
        paths: list[str | Path],
        progress: Callable[[str], None] = lambda s: None,
        force: bool = False,
        pending: dict | None = None,
        prepared: Callable[[list[str]], None] = lambda texts: None,
    ) -> IngestReport:
        """Ingest `paths`, first taking up what an interrupted ingest (`pending`, its journal) left;
        `prepared` is given each file's passage texts as soon as the file is prepared."""
        report = IngestReport()
        removals, resumed = self._recover(pending) if pending else ([], [])
        own = Path(self.data_dir).resolve()  # the data directory's own files are never documents
        found = (source_path(f) for f in iter_files(paths))
        files = list(dict.fromkeys([*(f for f in found if not Path(f).is_relative_to(own)), *resumed]))
        todo = [Path(f) for f in files if not self._unchanged_file(f, report, force)]
        writes: list[_Write] = []
        for result in self._prepare(todo):
            progress(f"read {Path(result.path).name}")
            report.warnings.extend(result.warnings)
            if result.error:
                report.documents.append(DocReport(source=result.path, key="", status="error", message=result.error))
                continue
            prepared([p.text for item in result.staged for p in item.passages])
            writes += self._plan(result.path, result.staged, force or result.path in resumed, report)
            removals += self._stale(result.path)
        removals += [g for s in self._vanished for g in self._graphs_of(s) if g not in self._claimed]
        self._write(writes, removals, report, progress)
        return report

    def _prepare(self, files: list[Path]) -> Iterator[FileResult]:
        """Each file read, split, segmented and extracted (`kg.executor`, maybe in other processes)."""
        if not files:
            return iter(())
        from kg.executor import prepare_all

        return prepare_all(
            files, self.max_bytes, executor=self.executor, workers=self.workers, spacy_model=self.spacy_model
        )

    def _recover(self, pending: dict) -> tuple[list[str], list[str]]:
        """Take up an interrupted ingest: (graphs to remove, files to ingest again). Its files still there are
        prepared and written again whole, as one run (names are resolved over all their records, as an uninterrupted
        run did), and graphs of those gone removed; or, when only the index was left, the manifest it made is adopted."""
        sources = [s for s in pending.get("sources", []) if isinstance(s, str)]
        if pending.get("phase") == "index" and isinstance(pending.get("manifest"), dict):
            self.manifest.files = dict(pending["manifest"].get("files") or {})
            self.manifest.dirty = True
            return [], []
        for s in sources:
            self.manifest.drop(s)
        gone = [s for s in sources if not Path(s).is_file()]
        self.sources.update(gone)
        return [g for s in gone for g in self._graphs_of(s)], [s for s in sources if s not in gone]

    def _unchanged_file(self, source: str, report: IngestReport, force: bool = False) -> bool:
        """True (its documents reported unchanged) when the file's bytes and every graph it made are as recorded;
        its bytes are hashed either way, before it is prepared, so an edit made meanwhile is seen next time."""
        entry, path = self.manifest.files.get(source), Path(source)
        try:
            if path.stat().st_size > self.max_bytes:
                return False
            self._file_sha[source] = file_sha256(path)
        except OSError:
            return False
        if (
            force
            or not entry
            or entry.get("pipeline") != PIPELINE_VERSION
            or self._file_sha[source] != entry.get("sha256")
        ):
            return False
        docs = entry.get("docs", [])
        if any(self.store.graph_value(d["iri"], str(CKG.sha256)) != d["sha256"] for d in docs):
            return False
        for d in docs:
            self._claimed[d["iri"]] = source
            if not d.get("part_of"):
                report.documents.append(
                    DocReport(
                        path.name,
                        d["key"],
                        d["title"],
                        d["doc_type"],
                        "unchanged",
                        passages=d.get("passages", 0),
                        parts=d.get("parts", 0),
                    )
                )
        return True

    # -- identity ------------------------------------------------------------------------------
    def _plan(self, source: str, staged: list[Staged], force: bool, report: IngestReport) -> list[_Write]:
        """The graphs of one prepared file to write, each under its final key; unchanged ones reported."""
        mine: set[str] = set()
        claims = [self._claim(item.doc, source, mine) for item in staged]  # every key first: records name parts
        keys = {item.doc.key: key for item, (key, _) in zip(staged, claims)}
        writes = []
        for item, (key, moved) in zip(staged, claims):
            final = renamed(item, {**keys, item.doc.key: key}) if any(k != v for k, v in keys.items()) else item
            status = self._status(final.doc, source, moved, force)
            if status == "unchanged" and final.doc.part_of is None:
                report.documents.append(
                    DocReport(
                        item.doc.source,
                        key,
                        item.doc.title,
                        item.doc.doc_type,
                        "unchanged",
                        passages=len(item.passages),
                        parts=item.n_parts,
                    )
                )
            writes.append(_Write(source, final, status))
        return writes

    def _claim(self, doc: Document, source: str, mine: set[str]) -> tuple[str, str | None]:
        """The key `doc` is stored under, and the gone file it moved from (None if it did not move).

        Its own key when free or this file's; the IRI of the same content from a file now gone (a move);
        the place of a gone file's document; else its key and a short hash of the source path."""
        iri = self.doc_iri(doc)
        holder = self._claimed.get(iri) or self._stored_source(iri)
        if iri not in mine and holder in (None, source):
            return self._take(iri, doc.key, source, mine), None
        moved = self._moved_from(doc)
        if moved:
            return self._take(moved[0], moved[0].rsplit("/", 1)[-1], source, mine), moved[1]
        if iri not in self._claimed and not Path(holder).exists():  # its file is gone: this one takes its place
            self._vanished.add(holder)
            return self._take(iri, doc.key, source, mine), None
        tag = path_tag(source if iri not in mine else f"{source}#{doc.line_start}")
        key = f"{doc.key[:70].rstrip('-')}-{tag}"  # IRIs keep 80 characters of a key: the tag must fit
        return self._take(self.doc_iri(doc, key), key, source, mine), None

    def _take(self, iri: str, key: str, source: str, mine: set[str]) -> str:
        self._claimed[iri] = source
        mine.add(iri)
        return key

    def _moved_from(self, doc: Document) -> tuple[str, str] | None:
        """(IRI, old path) of a stored document with this content whose file is gone, not yet taken."""
        for row in self.store.query(SAME_CONTENT, {"sha": doc.sha256}):
            iri, old = row["d"].value, row["src"].value
            if iri not in self._claimed and not Path(old).exists() and iri == self.doc_iri(doc, iri.rsplit("/", 1)[-1]):
                self._vanished.add(old)
                return iri, old
        return None

    def _stored_source(self, iri: str) -> str | None:
        """The source path a stored document came from; None when not stored (or stored before paths were kept)."""
        return self.store.graph_value(iri, str(CKG.sourcePath))

    def _status(self, doc: Document, source: str, moved: str | None, force: bool) -> str:
        iri = self.doc_iri(doc)
        sha = self.store.graph_value(iri, str(CKG.sha256))
        if moved:
            return "moved"
        if sha is None:
            return "added"
        same = (
            sha == doc.sha256
            and self.store.graph_value(iri, str(CKG.pipelineVersion)) == PIPELINE_VERSION
            and self._stored_source(iri) == source
        )
        return "unchanged" if same and not force else "replaced"

    # -- writing -------------------------------------------------------------------------------
    def _graphs_of(self, source: str) -> list[str]:
        return [r["d"].value for r in self.store.query(GRAPHS_OF_SOURCE, {"src": source})]

    def _stale(self, source: str) -> list[str]:
        """Graphs this file made before that it no longer makes."""
        return [g for g in self._graphs_of(source) if self._claimed.get(g) != source]

    def _old_parts(self, w: _Write) -> list[str]:
        """Parts stored under a rewritten pack that it no longer holds (also from before paths were kept)."""
        top = URIRef(self.doc_iri(w.item.doc))
        return [
            r["p"].value
            for r in self.store.query("SELECT ?p WHERE { ?p dct:isPartOf ?d }", {"d": top})
            if r["p"].value not in self._claimed
        ]

    def _write(self, writes: list[_Write], removals: list[str], report: IngestReport, progress) -> None:
        """Resolve names, then remove and write graphs, the journal naming every file touched."""
        todo = [w for w in writes if w.status != "unchanged"]
        removals = list(
            dict.fromkeys(removals + [p for w in todo if w.item.doc.part_of is None for p in self._old_parts(w)])
        )
        self.sources.update(w.source for w in writes)  # every file prepared: a kill has it ingested again
        self.sources.update(self._vanished)
        if todo or removals:
            self.journal.begin(sorted(self.sources))
            pause_at("journal")
        names = self._names([r for w in todo for r in w.item.records]) if todo else {}
        step = 0
        for graph in removals:
            step += 1
            pause_at(f"write:{step}")
            self.store.remove_graph(graph)
        for w in todo:
            step += 1
            pause_at(f"write:{step}")
            progress(f"build {w.item.doc.key}")
            report.documents.append(self._store(w, names))
        self._record(writes)

    def _store(self, w: _Write, names: dict[str, str]) -> DocReport:
        d, passages = w.item.doc, w.item.passages
        dg = build(d, passages, w.item.records, base=self.base, names=names)
        dg.add(dg.iri, CKG.pipelineVersion, PIPELINE_VERSION)
        dg.add(dg.iri, CKG.sourcePath, w.source)
        self._keep_stored_labels(dg.graph, self.doc_iri(d))
        self.store.replace_graph(self.doc_iri(d), dg.graph)
        return DocReport(d.source, d.key, d.title, d.doc_type, w.status, len(dg.graph), len(passages), w.item.n_parts)

    def _keep_stored_labels(self, graph: Graph, iri: str) -> None:
        """A service, provider or place named in other documents keeps the label it is stored with there,
        so one written "CxK" here and "CXK" there has one canonical name (ontology/shapes-entities.ttl)."""
        nodes = {s for c in ONE_LABEL for s in graph.subjects(RDF.type, c)}
        if not nodes:
            return
        values = " ".join(f"<{n}>" for n in sorted(nodes))
        q = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s rdfs:label ?l }} FILTER(?g != ?this) }}"
        for r in self.store.query(q, {"this": URIRef(iri)}):
            s = URIRef(r["s"].value)
            graph.set((s, RDFS.label, Literal(r["l"].value)))

    def _record(self, writes: list[_Write]) -> None:
        """The manifest entries of the files written (committed by the engine once the index is saved)."""
        by_source: dict[str, list[Staged]] = {}
        for w in writes:
            by_source.setdefault(w.source, []).append(w.item)
        for source, items in by_source.items():
            self.manifest.set(
                source,
                {
                    "sha256": self._file_sha.get(source, ""),
                    "pipeline": PIPELINE_VERSION,
                    "docs": [
                        {
                            "iri": self.doc_iri(s.doc),
                            "key": s.doc.key,
                            "title": s.doc.title,
                            "doc_type": s.doc.doc_type,
                            "sha256": s.doc.sha256,
                            "parts": s.n_parts,
                            "passages": len(s.passages),
                            "part_of": self.doc_iri(s.doc, s.doc.part_of) if s.doc.part_of else None,
                        }
                        for s in items
                    ],
                },
            )
        for gone in self._vanished:
            self.manifest.drop(gone)

    def _names(self, records: list[object]) -> dict[str, str]:
        """Resolve people across this ingest and everything ingested before (names.json)."""
        f = self.data_dir / "names.json"
        known = json.loads(f.read_text(encoding="utf-8")) if f.exists() else []
        names = canonical_names(person_refs(records), known=known)
        f.parent.mkdir(parents=True, exist_ok=True)
        write_json(f, sorted(set(known) | set(names.values())))
        return names
