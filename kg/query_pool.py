"""Outside SPARQL, run where it can be stopped: worker processes over a snapshot of the store.

A query from outside runs in a worker process that has a snapshot of the store open
read-only: a RocksDB checkpoint (hard links, made in milliseconds), so no process ever
reads files another one writes. A query past its time is killed with its process, which
gives back its CPU and memory at once; a result past its rows or bytes is refused while it
is being built; a worker's address space is capped, so a runaway string fails the worker,
not the machine. At most `size` queries run at once and one more is refused, never queued.
After an ingest the server takes a new snapshot and the workers move to it as they come free.

Run as `python -m kg.query_pool SNAPSHOT MEMORY_MB` this module is the worker itself.
"""
from __future__ import annotations

import fcntl
import io
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError

WORKER_STACK = 512 << 20     # the parser and evaluator recurse; a thread this deep survives any query under the limits
STARTUP_SECONDS = 60.0       # a worker opening its snapshot on a loaded machine
TSV = ox.QueryResultsFormat.TSV
HELD = ".held"               # the lock a pool holds in its snapshot directory while it lives


class QueryLimitError(QueryError):
    """A query stopped while running: past its time, rows, bytes or memory (`limit` says which)."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


class QueriesBusy(QueryError):
    """Every query slot is taken: try again in a moment."""


@dataclass(frozen=True)
class Budget:
    """What one query may use; None for no cap (the data directory's owner asking)."""

    seconds: float
    rows: int | None
    bytes: int | None


@dataclass(frozen=True)
class Answer:
    """A query's result: `kind` is solutions, graph or boolean; `body` is in the format asked for that kind."""

    kind: str
    body: bytes


# -- bounded results (in the worker, or in-process) ------------------------------------------
class _Capped(io.RawIOBase):
    """A byte buffer that refuses to grow past `limit`: serialisers writing into it stop there."""

    def __init__(self, limit: int | None):
        super().__init__()
        self.limit, self.buffer = limit, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        if self.limit is not None and len(self.buffer) + len(b) > self.limit:
            raise QueryLimitError(f"the result is over {self.limit / 1e6:g} MB (query_result_mb): "
                                  "add LIMIT, select fewer or shorter values", "bytes")
        self.buffer += b
        return len(b)


def _too_many(rows: int, what: str) -> QueryLimitError:
    return QueryLimitError(f"the result has more than {rows:,} {what} (query_rows): add LIMIT or narrow the query", "rows")


def bounded(result, solutions: str, graph: str, budget: Budget) -> Answer:
    """Serialise a pyoxigraph result in the media type asked for its kind, within the row and byte budget.

    Solutions are counted row by row into TSV (each term in N-Triples form, which is exactly
    TSV's syntax), then converted to the asked format by pyoxigraph's own reader and writer."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", result.serialize(format=ox.QueryResultsFormat.from_media_type(solutions)))
    out = _Capped(budget.bytes)
    if isinstance(result, ox.QueryTriples):
        triples = []
        for t in result:
            if budget.rows is not None and len(triples) >= budget.rows:
                raise _too_many(budget.rows, "triples")
            triples.append(t)
        ox.serialize(triples, out, format=ox.RdfFormat.from_media_type(graph))
        return Answer("graph", bytes(out.buffer))
    fmt = ox.QueryResultsFormat.from_media_type(solutions)
    if not result.variables:  # rows with no columns: nothing to count, the bytes are capped
        result.serialize(out, format=fmt)
        return Answer("solutions", bytes(out.buffer))
    tsv = _Capped(budget.bytes)
    tsv.write(("\t".join(str(v) for v in result.variables) + "\n").encode())
    for n, row in enumerate(result, 1):
        if budget.rows is not None and n > budget.rows:
            raise _too_many(budget.rows, "rows")
        tsv.write(("\t".join("" if t is None else str(t) for t in row) + "\n").encode())
    if fmt == TSV:
        return Answer("solutions", bytes(tsv.buffer))
    ox.parse_query_results(bytes(tsv.buffer), format=TSV).serialize(out, format=fmt)
    return Answer("solutions", bytes(out.buffer))


def answer(run: Callable[[str], object], request: dict) -> tuple[dict, bytes]:
    """(reply header, body) for one request: the query run by `run`, its result bounded; errors as messages."""
    budget = Budget(0, request.get("rows"), request.get("bytes"))
    try:
        got = bounded(run(request["query"]), request["solutions"], request["graph"], budget)
        return {"ok": True, "kind": got.kind, "length": len(got.body)}, got.body
    except QueryLimitError as e:
        return {"ok": False, "error": str(e), "limit": e.limit}, b""
    except MemoryError:
        return {"ok": False, "error": _memory_message(request.get("memory_mb")), "limit": "memory"}, b""
    except SyntaxError as e:
        return {"ok": False, "error": f"SPARQL syntax error: {e}"}, b""
    except (QueryError, OSError, ValueError, RuntimeError) as e:
        return {"ok": False, "error": str(e) or e.__class__.__name__}, b""


def _memory_message(memory_mb: int | None) -> str:
    cap = f"its {memory_mb} MB " if memory_mb else "its "
    return f"the query ran out of {cap}memory (query_memory_mb): narrow it or add LIMIT"


# -- the worker process ------------------------------------------------------------------------
def worker_main(snapshot: str, memory_mb: int) -> None:
    """Open the snapshot read-only, then answer requests (one JSON line each) from stdin on a deep-stacked thread."""
    store = ox.Store.read_only(snapshot)
    threading.stack_size(WORKER_STACK)
    serving = threading.Thread(target=_serve, args=(store, memory_mb), daemon=True)
    serving.start()
    parent = os.getppid()
    while serving.is_alive():  # a killed server must not leave workers behind
        serving.join(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _serve(store: ox.Store, memory_mb: int) -> None:
    prefixes: dict[str, str] = {}
    store.query("ASK {}")
    _cap_memory(memory_mb)
    out = sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        prefixes = request.get("prefixes", prefixes)
        request["memory_mb"] = memory_mb
        header, body = answer(partial(store.query, prefixes=prefixes), request)
        out.write(json.dumps(header).encode() + b"\n" + body)
        out.flush()
    os._exit(0)


def _cap_memory(memory_mb: int) -> None:
    """Cap the address space at what is mapped now plus `memory_mb`."""
    if memory_mb <= 0:
        return
    size = next(int(l.split()[1]) * 1024 for l in Path("/proc/self/status").read_text().splitlines()
                if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (size + memory_mb * 1024 * 1024, resource.RLIM_INFINITY))


# -- the server side -----------------------------------------------------------------------------
class _Worker:
    """One worker process and the snapshot generation it reads."""

    def __init__(self, snapshot: Path, generation: int, memory_mb: int):
        self.generation, self.memory_mb, self.pending = generation, memory_mb, bytearray()
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.query_pool", str(snapshot), str(memory_mb)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
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
        header = json.loads(self._read_line(deadline))
        if not header["ok"]:
            if "limit" in header:
                raise QueryLimitError(header["error"], header["limit"])
            raise QueryError(header["error"])
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
            return QueryLimitError(_memory_message(self.memory_mb), "memory")
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

    def __init__(self, store: ox.Store, snapshots: Path, size: int, memory_mb: int, prefixes: dict[str, str]):
        _drop_orphans(Path(snapshots))
        self.snapshots = Path(snapshots) / f"{os.getpid()}-{id(self):x}"
        self._held = _hold(self.snapshots)
        self.store, self.size, self.memory_mb, self.prefixes = store, size, memory_mb, prefixes
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._running = 0
        self._live: Counter[int] = Counter()   # worker processes per snapshot generation
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
        try:
            request = {"query": query, "solutions": solutions, "graph": graph, "rows": budget.rows,
                       "bytes": budget.bytes}
            if not worker.prefixes_sent:
                request["prefixes"], worker.prefixes_sent = self.prefixes, True
            got = worker.ask(request, budget.seconds)
        except QueryLimitError as e:
            if e.limit in ("time", "memory"):
                self._retire(worker)
                self._release()
                if e.limit == "time":
                    raise QueryLimitError(f"the query ran past {budget.seconds:g} s (query_timeout) and was stopped",
                                          "time") from None
                raise
            self._give_back(worker)
            raise
        except QueryError:
            self._give_back(worker)
            raise
        except BaseException:
            self._retire(worker)
            self._release()
            raise
        self._give_back(worker)
        return got

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._running >= self.size:
                raise QueriesBusy(f"{self.size} SPARQL queries are running (query_concurrency): try again shortly")
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

    def _give_back(self, worker: _Worker) -> None:
        if worker.proc.poll() is not None or worker.generation != self._generation:
            self._retire(worker)
        else:
            with self._lock:
                self._idle.append(worker)
        self._release()

    def _release(self) -> None:
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
                raise QueriesBusy(f"{self.size} SPARQL queries are running (query_concurrency): try again shortly")
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
        if not header["ok"]:
            raise QueryLimitError(header["error"], header["limit"]) if "limit" in header else QueryError(header["error"])
        return Answer(header["kind"], body)

    def refresh(self) -> None:
        """Nothing to do: queries read the live store."""

    def close(self) -> None:
        """Nothing to stop: threads end with their queries."""


if __name__ == "__main__":
    worker_main(sys.argv[1], int(sys.argv[2]))
