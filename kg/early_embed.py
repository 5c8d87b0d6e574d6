"""Passages embedded while the ingest is still extracting and writing, in processes of their own.

Extraction keeps every core busy only while the worker pool runs; names, graph building, store writes and
grouping then run on one core. An `EarlyEmbedder` takes each file's passage texts as soon as the file is
prepared and hands them to background processes (one per core the model would use, one thread each: one
loads the model, then forks the others, which share it, so torch and the weights load once) that run at the
lowest CPU priority (`SCHED_IDLE`), so they use only cores the ingest leaves idle. When the index is built,
`encode` waits for what is still to do, every core now theirs. A short ingest (fewer than `least` new texts)
starts no process: loading the model there costs more than it saves, and the engine's own embedder does the
work as before. Should the processes die, what they left is embedded here.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from kg.index import Embedder, embed_threads, text_hash
from kg.minilm import token_counts

CHUNK = 32  # texts per request: small enough that an urgent request waits little behind one
POLL = 0.05  # seconds the process waits for work before checking its queues and its parent again


def process_context():
    """A start method that copies no state of this process: forkserver where there is one, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def main_importable() -> bool:
    """Whether fresh processes can start: they import the caller's main module again, which must be a file (or
    none); a script read from standard input cannot be. (A script that ingests needs `if __name__ == "__main__":`.)"""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return getattr(getattr(main, "__spec__", None), "name", None) is not None or path is None or Path(path).is_file()


class EarlyEmbedder:
    """An embedder for one ingest: `prefetch` texts as files are prepared, `encode` them when the index is built."""

    def __init__(
        self,
        local: Callable[[], Embedder],
        known: Callable[[], Iterable[str]] = set,
        precision: str = "auto",
        least: int = 400,
    ):
        """`local` gives the embedder to use here; `known`, hashes of texts already embedded (never sent),
        asked for when the first texts come."""
        self._local, self._precision, self._known_hashes = local, precision, known
        self._least = least if main_importable() else None  # None: never start processes
        self._known: set[str] | None = None
        self._sent: set[str] = set()  # hashes of texts sent to the processes
        self._waiting: dict[str, str] = {}  # texts held back until there are `least` of them, by hash
        self._done: dict[str, np.ndarray] = {}
        self._processes: list = []
        self.dim = 384

    # -- feeding ------------------------------------------------------------------------
    def prefetch(self, texts: Iterable[str]) -> None:
        """Queue texts not yet embedded; the processes start once `least` are waiting."""
        if self._least is None:
            return
        if self._known is None:
            self._known = set(self._known_hashes())
        for t in texts:
            h = text_hash(t)
            if h not in self._known and h not in self._sent:
                self._waiting[h] = t
        if not self._processes:
            if len(self._waiting) < self._least:
                return
            self._start()
        self._sent.update(self._waiting)
        self._send(list(self._waiting.values()), self._bulk)
        self._waiting = {}

    def _start(self) -> None:
        """One single-threaded process per core the model would use (started as one, which forks the others once
        the model is loaded): each takes whatever core is idle, with no threads waiting on each other, and
        together they use every core once this process only waits."""
        ctx = process_context()
        self._bulk, self._urgent, self._out = ctx.Queue(), ctx.Queue(), ctx.Queue()
        args = (self._bulk, self._urgent, self._out, self._precision, embed_threads())
        self._processes = [ctx.Process(target=serve, args=args, daemon=True)]
        for p in self._processes:
            p.start()

    @staticmethod
    def _send(texts: list[str], to) -> None:
        """Texts in requests of `CHUNK`, equal or near-equal token counts together (little padding in the model's
        batches)."""
        counts = dict(zip(texts, token_counts(texts)))
        texts = sorted(texts, key=counts.__getitem__)
        for i in range(0, len(texts), CHUNK):
            to.put(texts[i : i + CHUNK])

    # -- answering ----------------------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of `texts`: without processes, by the engine's embedder; else those the processes have
        in hand waited for, the rest asked of them ahead of their queue."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        if not self._processes:
            return self._local().encode(texts)
        by_hash = dict(zip(map(text_hash, texts), texts))
        new = [t for h, t in by_hash.items() if h not in self._done and h not in self._sent]
        self._sent.update(map(text_hash, new))
        self._send(new, self._urgent)
        self._collect(by_hash)
        return np.stack([self._done[text_hash(t)] for t in texts])

    def _collect(self, wanted: dict[str, str]) -> None:
        """Results until every wanted text is done; should the processes die, what they left is embedded here."""
        while not wanted.keys() <= self._done.keys():
            try:
                hashes, vectors = self._out.get(timeout=1.0)
            except queue.Empty:
                if not any(p.is_alive() for p in self._processes):
                    todo = [t for h, t in wanted.items() if h not in self._done]
                    self._done.update(zip(map(text_hash, todo), self._local().encode(todo)))
                continue
            self._done.update(zip(hashes, vectors))

    def close(self) -> None:
        """Stop the processes (they also stop by themselves when this one is gone)."""
        if not self._processes:
            return
        for _ in range(embed_threads()):  # one for each copy
            self._urgent.put(None)
        for p in self._processes:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join()
        for q in (self._bulk, self._urgent, self._out):
            q.close()
            q.cancel_join_thread()
        self._processes = []

    def __enter__(self) -> "EarlyEmbedder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- each process ---------------------------------------------------------------------------
def serve(bulk, urgent, out, precision: str, copies: int = 1) -> None:
    """Load the model (at normal priority: it is wanted soon), fork `copies - 1` copies of this process sharing
    it, then each embeds requests on one thread at idle priority, urgent ones first, until told to stop (None) or
    the parent is gone."""
    out.cancel_join_thread()  # exiting never waits on results no one will read (the parent gone, its pipe full)
    embedder = Embedder(precision=precision, threads=1)
    forked: list[int] | None = []  # None in a copy
    for _ in range(copies - 1):
        pid = os.fork()  # before any thread pool or tokenizer parallelism starts: safe to fork
        if pid == 0:
            forked = None
            break
        forked.append(pid)
    idle_priority()
    try:
        _embed_requests(embedder, bulk, urgent, out)
    finally:
        if forked is None:
            os._exit(0)  # a copy ends here, running none of its parent's exit handlers
        for pid in forked:
            os.waitpid(pid, 0)


def _embed_requests(embedder: Embedder, bulk, urgent, out) -> None:
    parent = multiprocessing.parent_process()
    while parent is None or parent.is_alive():
        try:
            texts = urgent.get_nowait()
        except queue.Empty:
            try:
                texts = bulk.get(timeout=POLL)
            except queue.Empty:
                continue
        if texts is None:
            return
        out.put(([text_hash(t) for t in texts], embedder.encode(texts)))


def idle_priority() -> None:
    """Every thread of this process (and those it starts later) runs only on cores nothing else wants."""
    try:
        threads = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        threads = [0]
    for tid in threads:
        try:
            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        except (AttributeError, OSError):
            try:
                os.setpriority(os.PRIO_PROCESS, tid, 19)
            except OSError:
                pass
