"""Outside SPARQL, run where it can be stopped: worker processes (`kg.query_worker`) over a snapshot of the store.

Each query from outside runs in a worker process that has a snapshot of the store open
read-only: a RocksDB checkpoint (hard links, made in milliseconds), so no process ever
reads files another one writes. A query past its time is killed with its process, which
gives back its CPU and memory at once; rows, bytes and memory are bounded in the worker.
At most `size` queries run at once and one more is refused, never queued. After an ingest
the server takes a new snapshot and the workers move to it as they come free.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kg.errors import QueryError
from kg.query_worker import Answer, Budget, QueryLimitError, answer, lowest_priority, memory_message
from kg.store import Store

STARTUP_SECONDS = 60.0  # a worker opening its snapshot on a loaded machine
HELD = ".held"  # the lock a pool holds in its snapshot directory while it lives


class QueriesBusy(QueryError):
    """Every query slot is taken: try again in a moment."""


def _busy(size: int) -> QueriesBusy:
    return QueriesBusy(f"{size} SPARQL queries are running (query_concurrency): try again shortly")


def _checked(header: dict) -> dict:
    """A worker's reply header; its error raised as the QueryError it stands for."""
    if header["ok"]:
        return header
    if "limit" in header:
        raise QueryLimitError(header["error"], header["limit"])
    raise QueryError(header["error"])


class _Worker:
    """One worker process and the snapshot generation it reads."""

    def __init__(self, snapshot: Path, generation: int, memory_mb: int):
        self.generation, self.memory_mb, self.pending = generation, memory_mb, bytearray()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.query_worker", str(snapshot), str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        lowest_priority(self.proc.pid)  # from its first instruction, not once it has started
        self.prefixes_sent = False
        try:
            self._read_line(time.monotonic() + STARTUP_SECONDS)
        except QueryError as e:
            self.kill()
            raise QueryError(f"a query worker did not start over {snapshot} ({e or 'no answer'})") from None

    def ask(self, request: dict, seconds: float) -> Answer:
        deadline = time.monotonic() + seconds
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            raise self._died() from None
        header = _checked(json.loads(self._read_line(deadline)))
        return Answer(header["kind"], self._read_exact(header["length"], deadline))

    def _fill(self, deadline: float) -> None:
        fd = self.proc.stdout.fileno()
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise QueryLimitError("", "time")
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            raise self._died()
        self.pending += chunk

    def _read_line(self, deadline: float) -> bytes:
        while b"\n" not in self.pending:
            self._fill(deadline)
        line, _, rest = bytes(self.pending).partition(b"\n")
        self.pending = bytearray(rest)
        return line

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self.pending) < n:
            self._fill(deadline)
        body, self.pending = bytes(self.pending[:n]), self.pending[n:]
        return body

    def _died(self) -> QueryError:
        code = self.proc.wait()
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
            return QueryLimitError(memory_message(self.memory_mb), "memory")
        return QueryError(f"the query worker stopped (exit status {code})")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class QueryPool:
    """Up to `size` worker processes answering queries over the latest snapshot of `store`."""

    def __init__(self, store: Store, snapshots: Path, size: int, memory_mb: int, prefixes: dict[str, str]):
        _drop_orphans(Path(snapshots))
        self.snapshots = Path(snapshots) / f"{os.getpid()}-{id(self):x}"
        self._held = _hold(self.snapshots)
        self.store, self.size, self.memory_mb, self.prefixes = store, size, memory_mb, prefixes
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._running = 0
        self._live: Counter[int] = Counter()  # worker processes per snapshot generation
        self._generation = 0
        self.refresh()

    def _snapshot(self, generation: int) -> Path:
        return self.snapshots / str(generation)

    def refresh(self) -> None:
        """Take a new snapshot (after an ingest): idle workers on an older one go now, busy ones when done."""
        with self._lock:
            generation = self._generation + 1
            self.store.backup(str(self._snapshot(generation)))
            self._generation = generation
            stale = [w for w in self._idle if w.generation != generation]
            self._idle = [w for w in self._idle if w.generation == generation]
        for w in stale:
            self._retire(w)
        self._drop_unused_snapshots()

    def run(self, query: str, solutions: str, graph: str, budget: Budget) -> Answer:
        """The query's answer in the given media types; QueriesBusy when every slot is taken."""
        worker = self._acquire()
        request = {"query": query, "solutions": solutions, "graph": graph, "rows": budget.rows, "bytes": budget.bytes}
        if not worker.prefixes_sent:
            request["prefixes"], worker.prefixes_sent = self.prefixes, True
        try:
            got = worker.ask(request, budget.seconds)
        except QueryLimitError as e:
            self._done(worker, healthy=e.limit not in ("time", "memory"))
            if e.limit == "time":
                raise QueryLimitError(
                    f"the query ran past {budget.seconds:g} s (query_timeout) and was stopped", "time"
                ) from None
            raise
        except QueryError:  # a malformed query (the worker is fine), or a worker that stopped (`_done` sees it)
            self._done(worker, healthy=True)
            raise
        except BaseException:
            self._done(worker, healthy=False)
            raise
        self._done(worker, healthy=True)
        return got

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._running >= self.size:
                raise _busy(self.size)
            self._running += 1
            generation = self._generation
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                self._live[generation] += 1
        if worker is not None:
            return worker
        try:
            worker = _Worker(self._snapshot(generation), generation, self.memory_mb)
        except BaseException:
            with self._lock:
                self._live[generation] -= 1
                self._running -= 1
            raise
        with self._lock:
            self._workers.add(worker)
        return worker

    def _done(self, worker: _Worker, healthy: bool) -> None:
        """Put the worker back for the next query, or stop it (unhealthy, stopped, or on an old snapshot); free the slot."""
        if healthy and worker.proc.poll() is None and worker.generation == self._generation:
            with self._lock:
                self._idle.append(worker)
        else:
            self._retire(worker)
        with self._lock:
            self._running -= 1

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self._live[worker.generation] -= 1
        self._drop_unused_snapshots()

    def _drop_unused_snapshots(self) -> None:
        with self._lock:
            unused = [g for g, n in self._live.items() if n <= 0 and g != self._generation]
            for g in unused:
                del self._live[g]
        for g in unused:
            shutil.rmtree(self._snapshot(g), ignore_errors=True)

    def close(self) -> None:
        """Stop every worker and remove the snapshots."""
        with self._lock:
            workers, self._idle = list(self._workers), []
        for w in workers:
            w.kill()
        shutil.rmtree(self.snapshots, ignore_errors=True)
        os.close(self._held)


def _hold(directory: Path) -> int:
    """Make `directory` and hold a lock in it for as long as the returned descriptor stays open."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / HELD, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _drop_orphans(root: Path) -> None:
    """Remove the snapshot directories under `root` whose pool is gone (a killed server): no one holds their lock."""
    for held in root.glob(f"*/{HELD}"):
        fd = os.open(held, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        finally:
            os.close(fd)
        shutil.rmtree(held.parent, ignore_errors=True)


class InProcessQueries:
    """The same contract for a store with no snapshot (Virtuoso, in memory): a thread per query, its rows and
    bytes bounded; past its time the caller gets the error, but the thread runs on until the store returns."""

    def __init__(self, run: Callable[[str], object], size: int):
        self._run, self.size, self._running, self._lock = run, size, 0, threading.Lock()

    def run(self, query: str, solutions: str, graph: str, budget: Budget) -> Answer:
        with self._lock:
            if self._running >= self.size:
                raise _busy(self.size)
            self._running += 1
        replies: list[tuple[dict, bytes]] = []
        request = {"query": query, "solutions": solutions, "graph": graph, "rows": budget.rows, "bytes": budget.bytes}

        def work() -> None:
            try:
                replies.append(answer(self._run, request))
            finally:
                with self._lock:
                    self._running -= 1

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        thread.join(budget.seconds)
        if not replies:
            raise QueryLimitError(f"the query ran past {budget.seconds:g} s (query_timeout)", "time")
        header, body = replies[0]
        return Answer(_checked(header)["kind"], body)

    def refresh(self) -> None:
        """Nothing to do: queries read the live store."""

    def close(self) -> None:
        """Nothing to stop: threads end with their queries."""
