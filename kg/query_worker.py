"""One query worker: a process that opens a snapshot of the store read-only and answers SPARQL queries
sent as JSON lines on stdin, each result bounded in rows and bytes (`kg.query_pool` runs these).

Queries run on a thread with a deep stack (the parser and evaluator recurse), at the lowest
CPU priority (the idle scheduling class: outside queries yield to questions and pages), in an address space capped at
what the worker maps when ready plus `query_memory_mb`. `bounded` is also what a store
without snapshots uses in-process.
Run as `python -m kg.query_worker SNAPSHOT MEMORY_MB`.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError

WORKER_STACK = 512 << 20  # the parser and evaluator recurse; a thread this deep survives any query under the limits
WORKER_NICENESS = 19  # outside queries yield the CPU to questions and pages
TSV = ox.QueryResultsFormat.TSV


class QueryLimitError(QueryError):
    """A query stopped while running: past its time, rows, bytes or memory (`limit` says which)."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


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
            raise QueryLimitError(
                f"the result is over {self.limit / 1e6:g} MB (query_result_mb): "
                "add LIMIT, select fewer or shorter values",
                "bytes",
            )
        self.buffer += b
        return len(b)


def _too_many(rows: int, what: str) -> QueryLimitError:
    return QueryLimitError(
        f"the result has more than {rows:,} {what} (query_rows): add LIMIT or narrow the query", "rows"
    )


def bounded(result, solutions: str, graph: str, budget: Budget) -> Answer:
    """Serialise a pyoxigraph result in the media type asked for its kind, within the row and byte budget."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", result.serialize(format=ox.QueryResultsFormat.from_media_type(solutions)))
    if isinstance(result, ox.QueryTriples):
        return Answer("graph", _graph(result, ox.RdfFormat.from_media_type(graph), budget))
    return Answer("solutions", _solutions(result, ox.QueryResultsFormat.from_media_type(solutions), budget))


def _graph(result, fmt: ox.RdfFormat, budget: Budget) -> bytes:
    triples = []
    for t in result:
        if budget.rows is not None and len(triples) >= budget.rows:
            raise _too_many(budget.rows, "triples")
        triples.append(t)
    out = _Capped(budget.bytes)
    ox.serialize(triples, out, format=fmt)
    return bytes(out.buffer)


def _solutions(result, fmt: ox.QueryResultsFormat, budget: Budget) -> bytes:
    """Rows counted one by one into TSV (a term in N-Triples form is TSV's syntax), then turned into
    `fmt` by pyoxigraph's own reader and writer."""
    out = _Capped(budget.bytes)
    if not result.variables:  # rows with no columns: nothing to count, the bytes are capped
        result.serialize(out, format=fmt)
        return bytes(out.buffer)
    tsv = _Capped(budget.bytes)
    tsv.write(("\t".join(str(v) for v in result.variables) + "\n").encode())
    for n, row in enumerate(result, 1):
        if budget.rows is not None and n > budget.rows:
            raise _too_many(budget.rows, "rows")
        tsv.write(("\t".join("" if t is None else str(t) for t in row) + "\n").encode())
    if fmt == TSV:
        return bytes(tsv.buffer)
    ox.parse_query_results(bytes(tsv.buffer), format=TSV).serialize(out, format=fmt)
    return bytes(out.buffer)


def answer(run: Callable[[str], object], request: dict) -> tuple[dict, bytes]:
    """(reply header, body) for one request: the query run by `run`, its result bounded; errors as messages."""
    budget = Budget(0, request.get("rows"), request.get("bytes"))
    try:
        got = bounded(run(request["query"]), request["solutions"], request["graph"], budget)
        return {"ok": True, "kind": got.kind, "length": len(got.body)}, got.body
    except QueryLimitError as e:
        return {"ok": False, "error": str(e), "limit": e.limit}, b""
    except MemoryError:
        return {"ok": False, "error": memory_message(request.get("memory_mb")), "limit": "memory"}, b""
    except SyntaxError as e:
        return {"ok": False, "error": f"SPARQL syntax error: {e}"}, b""
    except (QueryError, OSError, ValueError, RuntimeError) as e:
        return {"ok": False, "error": str(e) or e.__class__.__name__}, b""


def memory_message(memory_mb: int | None) -> str:
    cap = f"its {memory_mb} MB " if memory_mb else "its "
    return f"the query ran out of {cap}memory (query_memory_mb): narrow it or add LIMIT"


# -- the worker process ------------------------------------------------------------------------
def lowest_priority(pid: int) -> None:
    """Run `pid` only when nothing else wants the CPU (Linux's idle scheduling class, else the highest niceness),
    and on the upper half of the cores only, so outside queries never crowd out the server on all of them."""
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(pid, cores[len(cores) // 2 :])
    except (AttributeError, OSError):
        pass
    try:
        os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        try:
            os.setpriority(os.PRIO_PROCESS, pid, WORKER_NICENESS)
        except OSError:
            pass  # already gone, or not ours to change


def worker_main(snapshot: str, memory_mb: int) -> None:
    """Open the snapshot read-only, then answer requests (one JSON line each) from stdin on a deep-stacked thread."""
    lowest_priority(os.getpid())
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
    size = next(
        int(l.split()[1]) * 1024 for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmSize:")
    )
    resource.setrlimit(resource.RLIMIT_AS, (size + memory_mb * 1024 * 1024, resource.RLIM_INFINITY))


if __name__ == "__main__":
    worker_main(sys.argv[1], int(sys.argv[2]))
