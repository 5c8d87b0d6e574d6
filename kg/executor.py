"""Per-file preparation (read, split, segment, extract), run in-process, in a process pool, or on Ray.

Preparing a file is a pure function from a file to its documents, passages and records, so
files can be prepared anywhere; the caller (`kg.ingest`) resolves names and writes the
graphs with one writer. With workers, each document and each part bound inside one is a unit of
work; a worker process loads the spaCy pipeline once, for its first unit.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg.early_embed import main_importable, process_context
from kg.settings import EXECUTORS
from nlp import extract as extractors
from nlp.errors import CouncilKGError, ReadError
from nlp.model import Document, Passage
from nlp.read import iter_files, read
from nlp.segment import segment


@dataclass
class Staged:
    """One document or part, ready to build."""

    doc: Document
    passages: list[Passage]
    records: list[object]
    n_parts: int  # parts split out of this document (0 for a part itself)


@dataclass
class FileResult:
    """What one file yields: its documents as read, each document and part staged, or why it failed."""

    path: str
    docs: list[Document] = field(default_factory=list)
    staged: list[Staged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""


class _Worker:
    """The spaCy pipeline of one process, loaded on first use, and the stages that need it."""

    def __init__(self, spacy_model: str = ""):
        self.spacy_model, self._nlp = spacy_model, None

    @property
    def nlp(self):
        if self._nlp is None:
            from nlp.ner import load_pipeline

            self._nlp = load_pipeline(self.spacy_model)
        return self._nlp

    def prepare(self, path: str, max_bytes: int) -> FileResult:
        """Read, split into parts, segment and extract one file; a bad file gives `error`, never raises."""
        result, units = _read(path, max_bytes)
        try:
            result.staged = [self.stage(*unit) for unit in units]
        except Exception as e:  # an extractor bug on one file must not stop a corpus ingest
            result.error = f"{type(e).__name__}: {e}"
        return result

    def stage(self, doc: Document, skip: frozenset[int], n_parts: int) -> Staged:
        """One document (less the lines its parts hold) or one part, segmented and extracted."""
        return Staged(doc, segment(doc, skip=skip), extractors.extract(doc, nlp=self.nlp), n_parts)


Unit = tuple[Document, frozenset[int], int]  # a document or part to stage, the lines to skip, its part count


def _read(path: str, max_bytes: int) -> tuple[FileResult, list[Unit]]:
    """The file's documents and the units to stage: each document, then each part bound inside it."""
    try:
        docs = read(path, max_bytes)
        units: list[Unit] = []
        for doc in docs:
            parts = extractors.split_parts(doc)
            units.append((doc, frozenset(n for p in parts for n in range(p.line_start, p.line_end + 1)), len(parts)))
            units.extend((p, frozenset(), 0) for p in parts)
    except ReadError as e:
        return FileResult(str(path), error=str(e)), []
    except Exception as e:  # a splitter bug on one file must not stop a corpus ingest
        return FileResult(str(path), error=f"{type(e).__name__}: {e}"), []
    return FileResult(str(path), docs, warnings=[w for d in docs for w in d.warnings]), units


def prepare_file(path: str, max_bytes: int, spacy_model: str = "") -> FileResult:
    """One file prepared in this process (loads the spaCy pipeline for it)."""
    return _Worker(spacy_model).prepare(path, max_bytes)


def default_workers() -> int:
    """Worker processes when none are asked for: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def prepare_all(
    paths: list[Path], max_bytes: int, executor: str = "local", workers: int | None = None, spacy_model: str = ""
) -> Iterator[FileResult]:
    """Every file under `paths` prepared, in file order: in this process (workers=1), or each document and
    part staged in a pool of worker processes or on Ray, so one big file does not keep the others waiting."""
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    files = [str(f) for f in iter_files(paths)]
    workers = workers or default_workers()
    if executor == "ray":
        yield from _on_ray(files, max_bytes, workers, spacy_model)
    elif workers == 1 or not main_importable():
        worker = _Worker(spacy_model)
        yield from (worker.prepare(f, max_bytes) for f in files)
    else:
        yield from _in_pool(files, max_bytes, workers, spacy_model)


# -- spreading units over workers ------------------------------------------------------
_worker: _Worker | None = None  # a worker process's own pipeline holder, made on its first unit


def _stage_in_worker(spacy_model: str, doc: Document, skip: frozenset[int], n_parts: int) -> Staged:
    """One unit staged in a worker process, with that process's pipeline (loaded on its first unit)."""
    global _worker
    if _worker is None or _worker.spacy_model != spacy_model:
        _worker = _Worker(spacy_model)
    return _worker.stage(doc, skip, n_parts)


def _spread(
    files: list[str], max_bytes: int, submit: Callable[[Unit], Callable[[], Staged]], ahead: int
) -> Iterator[FileResult]:
    """Files read here and their units submitted to workers, at most `ahead` files in flight; results in file order."""
    flight: deque[tuple[FileResult, list[Callable[[], Staged]]]] = deque()
    for f in files:
        result, units = _read(f, max_bytes)
        flight.append((result, [submit(u) for u in units]))
        while len(flight) > ahead:
            yield _gathered(*flight.popleft())
    while flight:
        yield _gathered(*flight.popleft())


def _gathered(result: FileResult, pending: list[Callable[[], Staged]]) -> FileResult:
    """The file's staged units once done; a unit that failed makes the file's error."""
    try:
        result.staged = [get() for get in pending]
    except Exception as e:
        result.staged, result.error = [], f"{type(e).__name__}: {e}"
    return result


def without_torch() -> None:
    """Keep torch out of a process that only runs spaCy: thinc imports it when it can, a second of start-up
    per worker for nothing (the small models need no torch)."""
    sys.modules.setdefault("torch", None)  # `import torch` now fails, so thinc goes without


def _in_pool(files: list[str], max_bytes: int, workers: int, spacy_model: str) -> Iterator[FileResult]:
    """Units staged by a pool of fresh processes (forkserver or spawn: no state of this process is copied)."""
    with ProcessPoolExecutor(workers, mp_context=process_context(), initializer=without_torch) as pool:

        def submit(unit: Unit) -> Callable[[], Staged]:
            return pool.submit(_stage_in_worker, spacy_model, *unit).result

        yield from _spread(files, max_bytes, submit, ahead=4 * workers)


def _on_ray(files: list[str], max_bytes: int, workers: int, spacy_model: str) -> Iterator[FileResult]:
    """Units staged as Ray tasks: on the cluster at $RAY_ADDRESS when set (Ray's own variable), on the Ray this
    process already joined, or on a local one started here with `workers` CPUs."""
    try:
        import ray
    except ImportError:
        raise CouncilKGError("the ray executor needs Ray: pip install 'councilkg[ray]'") from None
    started = not ray.is_initialized()
    if started and os.environ.get("RAY_ADDRESS"):
        ray.init(log_to_driver=False, configure_logging=False)
    elif started:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        task = ray.remote(num_cpus=1)(_stage_in_worker)

        def submit(unit: Unit) -> Callable[[], Staged]:
            ref = task.remote(spacy_model, *unit)
            return lambda: ray.get(ref)

        yield from _spread(files, max_bytes, submit, ahead=4 * workers)
    finally:
        if started:
            ray.shutdown()
