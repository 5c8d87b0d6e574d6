"""Ingest: files -> documents -> passages + records -> one named graph per document.

Idempotent by content hash and pipeline version: an unchanged document is skipped, a
changed one replaces only its own graph (atomically), and graphs of documents that a
file no longer holds are removed.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg.triples import build
from kg.iri import mint_iri
from kg.store import OxigraphStore
from kg.vocab import CKG
from nlp import extract as extractors
from nlp.errors import ReadError
from nlp.model import Document, PersonRef
from nlp.read import iter_files, read
from nlp.resolve import canonical_names
from nlp.segment import segment

PIPELINE_VERSION = "1"


@dataclass
class DocReport:
    source: str
    key: str
    title: str = ""
    doc_type: str = ""
    status: str = ""          # added | replaced | unchanged | error
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
        return any(d.status in ("added", "replaced") for d in self.documents)


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


class Ingester:
    """Runs the nlp stages and writes graphs into the store."""

    def __init__(self, store: OxigraphStore, data_dir: Path, base: str, max_bytes: int):
        self.store, self.data_dir, self.base, self.max_bytes = store, data_dir, base, max_bytes

    def doc_iri(self, doc: Document) -> str:
        return str(mint_iri("doc", doc.council_key, doc.key, base=self.base))

    def _unchanged(self, doc: Document) -> bool:
        iri = self.doc_iri(doc)
        return (self.store.graph_value(iri, str(CKG.sha256)) == doc.sha256
                and self.store.graph_value(iri, str(CKG.pipelineVersion)) == PIPELINE_VERSION)

    def run(self, paths: list[str | Path], progress: Callable[[str], None] = lambda s: None,
            force: bool = False) -> IngestReport:
        report = IngestReport()
        todo: list[tuple[Document, list[Document]]] = []
        for f in iter_files(paths):
            progress(f"read {f.name}")
            try:
                docs = read(f, self.max_bytes)
            except ReadError as e:
                report.documents.append(DocReport(source=str(f), key="", status="error", message=str(e)))
                continue
            self._drop_stale(f.name, docs)
            for doc in docs:
                report.warnings.extend(doc.warnings)
                if not force and self._unchanged(doc):
                    report.documents.append(DocReport(doc.source, doc.key, doc.title, doc.doc_type, "unchanged"))
                    continue
                todo.append((doc, extractors.split_parts(doc)))
        self._build_all(todo, report, progress)
        return report

    def _drop_stale(self, source: str, docs: list[Document]) -> None:
        """Remove graphs of documents this file used to hold but no longer does."""
        keep = {self.doc_iri(d) for d in docs}
        q = "SELECT DISTINCT ?d ?top WHERE { ?d ckg:sourceFile ?f . OPTIONAL { ?d dct:isPartOf ?top } }"
        for row in self.store.query(q, {"f": source}):
            top = row["top"].value if row["top"] is not None else row["d"].value
            if top not in keep:
                self.store.remove_graph(row["d"].value)

    def _build_all(self, todo, report: IngestReport, progress) -> None:
        staged = []
        for doc, parts in todo:
            part_lines = {n for p in parts for n in range(p.line_start, p.line_end + 1)}
            for d in [doc, *parts]:
                progress(f"extract {d.key}")
                passages = segment(d, skip=part_lines if d is doc else frozenset())
                staged.append((d, passages, extractors.extract(d), len(parts) if d is doc else 0))
        names = self._names([r for _, _, recs, _ in staged for r in recs])
        for doc, parts in todo:
            self._drop_old_parts(doc, parts)
        for d, passages, records, n_parts in staged:
            progress(f"build {d.key}")
            dg = build(d, passages, records, base=self.base, names=names)
            dg.add(dg.iri, CKG.pipelineVersion, PIPELINE_VERSION)
            existed = self.store.graph_value(self.doc_iri(d), str(CKG.sha256)) is not None
            self.store.replace_graph(self.doc_iri(d), dg.graph)
            report.documents.append(DocReport(d.source, d.key, d.title, d.doc_type, "replaced" if existed else "added",
                                              len(dg.graph), len(passages), n_parts))

    def _drop_old_parts(self, doc: Document, parts: list[Document]) -> None:
        """Parts a changed document no longer holds lose their graphs."""
        keep = {self.doc_iri(p) for p in parts}
        for row in self.store.query("SELECT ?p WHERE { ?p dct:isPartOf ?d }", {"d": URIRef(self.doc_iri(doc))}):
            if row["p"].value not in keep:
                self.store.remove_graph(row["p"].value)

    def _names(self, records: list[object]) -> dict[str, str]:
        """Resolve people across this ingest and everything ingested before (names.json)."""
        f = self.data_dir / "names.json"
        known = json.loads(f.read_text(encoding="utf-8")) if f.exists() else []
        names = canonical_names(person_refs(records), known=known)
        canon = sorted(set(known) | set(names.values()))
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(canon, indent=0), encoding="utf-8")
        return names
