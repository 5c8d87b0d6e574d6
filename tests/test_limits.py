"""SPARQL that is bounded: parse depth and size checked first, each query in a worker process stopped at its
deadline with its CPU and memory given back, row and byte caps, a cap on concurrent queries, SERVICE off,
request bodies cut off while read (issue 14).

In-process tests run an app with tight limits over the session's store; the live tests run one
`councilkg serve` subprocess over a snapshot of it and watch its processes.
"""

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.sparql_guard import QueryRefused, check_query, measure
from tests.data import ROOT

DEEP = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"  # segfaulted the parser before
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours of CPU on the seeds
GROWING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d"  # memory without end
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"
LIMITS = dict(query_timeout=1.0, query_rows=1000, query_result_mb=1, query_concurrency=2)


def doubling(times: int) -> str:
    """A short query whose one value doubles `times` times: 2 ** (times + 1) characters."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT ?x{times} WHERE {{ BIND("ab" AS ?x0) {binds} }}'


# -- checks before parsing ---------------------------------------------------------------------
def test_nesting_and_operators_are_measured_outside_strings_iris_and_comments():
    shape = measure(
        'SELECT ?s { ?s ckg:line-start "((((" . ?s <http://x/(a)> ?o # ((((\n'
        'FILTER(?a && ?b || ?c = "1"^^xsd:integer) } UNION { SERVICE <http://x/> { } }'
    )
    assert (shape.depth, shape.operators, shape.service) == (2, 4, True)
    assert measure(DEEP).depth == 5002
    assert measure("SELECT * { ?s ex:a\\' ((( ?x ))) ex:b\\' }").depth == 4  # escaped quotes start no string


def test_over_deep_long_or_chained_queries_are_refused_with_the_limit_named():
    with pytest.raises(QueryRefused, match="nests brackets 5002 deep, over the limit of 64"):
        check_query(DEEP, 64, 2000, False)
    chain = "SELECT * { FILTER(" + " && ".join(["true"] * 3000) + ") }"
    with pytest.raises(QueryRefused, match="2,999 operators"):
        check_query(chain, 64, 2000, False)
    with pytest.raises(QueryRefused, match="over the limit of 100"):
        check_query("ASK {}" + " " * 100, 64, 2000, False, max_chars=100)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 64, 2000, False)
    check_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 64, 2000, True)


def test_the_engine_refuses_the_deep_query_instead_of_crashing(engine):
    """`councilkg sparql` and the workbench run queries in-process: the check keeps the parser alive."""
    with pytest.raises(QueryRefused, match="5002 deep"):
        engine.sparql(DEEP)


# -- in-process: an app with tight limits over the session's store ----------------------------------
@pytest.fixture(scope="module")
def tight(engine):
    """A client of an app whose engine has the LIMITS above (the session engine's settings put back after)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    saved = engine.settings
    engine.settings = dataclasses.replace(saved, **LIMITS)
    try:
        with TestClient(create_app(engine)) as c:
            yield c
    finally:
        engine.settings = saved


def test_deep_nesting_by_get_and_text_plain_post_is_a_400(tight):
    for r in (
        tight.get("/sparql", params={"query": DEEP}),
        tight.post("/sparql", content=DEEP, headers={"content-type": "text/plain"}),
    ):
        assert r.status_code == 400 and "5002 deep" in r.json()["error"]
    assert tight.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_a_runaway_query_is_stopped_at_the_timeout(tight):
    started = time.monotonic()
    r = tight.get("/sparql", params={"query": CROSS_JOIN})
    assert r.status_code == 503 and r.json()["limit"] == "time"
    assert r.json()["error"] == "the query ran past 1 s (query_timeout) and was stopped"
    assert time.monotonic() - started < 3


def test_rows_are_capped_and_a_result_within_the_cap_is_whole(tight):
    r = tight.get("/sparql", params={"query": ALL_TRIPLES})
    assert r.status_code == 422 and r.json()["limit"] == "rows"
    assert "more than 1,000 rows (query_rows)" in r.json()["error"]
    r = tight.get("/sparql", params={"query": ALL_TRIPLES + " LIMIT 1000"}, headers={"accept": "text/csv"})
    assert r.status_code == 200 and r.text.count("\r\n") == 1001  # header and 1000 rows
    r = tight.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 422 and "more than 1,000 triples" in r.json()["error"]


def test_bytes_are_capped_while_the_result_is_written(tight):
    """A 500-character query doubling a string 20 times asks for a 2 MB value; the cap is 1 MB."""
    r = tight.get("/sparql", params={"query": doubling(20)})
    assert r.status_code == 422 and r.json()["limit"] == "bytes"
    assert r.json()["error"].startswith("the result is over 1 MB (query_result_mb)")
    assert (
        len(tight.get("/sparql", params={"query": doubling(10)}).json()["results"]["bindings"][0]["x10"]["value"])
        == 2048
    )


def test_queries_over_the_concurrency_limit_get_429_and_the_slots_come_back(tight):
    statuses = []

    def runaway():
        statuses.append(tight.get("/sparql", params={"query": CROSS_JOIN}).status_code)

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.4)
    r = tight.get("/sparql", params={"query": "ASK {}"})
    for t in threads:
        t.join()
    assert r.status_code == 429 and r.headers["retry-after"] == "1" and "query_concurrency" in r.json()["error"]
    assert statuses == [503, 503]
    assert tight.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_the_workbench_page_runs_typed_queries_in_the_worker_pool(tight):
    started = time.monotonic()
    page = tight.get("/workbench", params={"query": CROSS_JOIN})
    assert "ran past 1 s" in page.text and time.monotonic() - started < 3
    time.sleep(0.5)
    before = _children(os.getpid())
    time.sleep(0.3)
    assert all(_children(os.getpid()).get(pid, used)[0] - used[0] <= 2 for pid, used in before.items())  # idle
    assert "5002 deep" in tight.get("/workbench", params={"query": DEEP}).text


def test_service_is_refused_by_default(tight):
    for target in ("http://127.0.0.1:9/sparql", "file:///etc/passwd"):
        r = tight.get("/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"})
        assert r.status_code == 400 and "SERVICE" in r.json()["error"]


def test_a_body_over_the_limit_is_cut_off_while_read(tight):
    big = b"#" * (1024 * 1024 + 1)
    r = tight.post("/sparql", content=big, headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413 and r.json()["error"] == "the request body is over 1,024 KB (max_body_kb)"
    r = tight.post(
        "/sparql",
        content=iter([big[:600_000], big[600_000:]]),  # chunked: no length to check first
        headers={"content-type": "application/sparql-query"},
    )
    assert r.status_code == 413


def test_the_owner_token_lifts_the_row_cap(tight, engine):
    from api.guard import read_token

    token = read_token(engine.data)
    r = tight.get(
        "/sparql", params={"query": ALL_TRIPLES + " LIMIT 5000"}, headers={"authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5000
    r = tight.get("/sparql", params={"query": ALL_TRIPLES + " LIMIT 5000"}, headers={"authorization": "Bearer guess"})
    assert r.status_code == 422


def test_a_node_path_that_cannot_be_an_iri_is_a_400(tight):
    r = tight.get("/id/%20")
    assert r.status_code == 400 and "cannot name a node" in r.json()["error"]
    assert tight.get("/id/no/such/node", headers={"accept": "text/turtle"}).status_code == 404


# -- live: one `councilkg serve` over a snapshot of the session's store ----------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live(engine, tmp_path_factory):
    """(base URL, server process, data directory) of a real server with a 1 s query timeout."""
    data = tmp_path_factory.mktemp("live")
    engine.store.backup(data / "store")
    shutil.copytree(engine.data / "index", data / "index")
    port = _free_port()
    env = {
        **os.environ,
        "COUNCILKG_EMBED": "false",
        "COUNCILKG_QUERY_TIMEOUT": "1",
        "COUNCILKG_REQUEST_TIMEOUT": "2",
        "COUNCILKG_QUERY_CONCURRENCY": "2",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--data", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while _status(base + "/health") != 200:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.3)
    yield base, proc, data
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _status(url: str, data: bytes | None = None, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers or {}), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def _get(base: str, query: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}", timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _children(pid: int) -> dict[int, tuple[int, int]]:
    """{pid: (CPU ticks used, resident pages)} of the processes whose parent is `pid`."""
    out = {}
    for proc in Path("/proc").iterdir():
        try:
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except (OSError, ValueError):
            continue
        if proc.name.isdigit() and int(fields[1]) == pid:
            out[int(proc.name)] = (int(fields[11]) + int(fields[12]), int(fields[21]))
    return out


def test_live_deep_nesting_leaves_the_server_running(live):
    base, proc, _ = live
    assert _status(f"{base}/sparql?{urllib.parse.urlencode({'query': DEEP})}") == 400
    assert _status(f"{base}/sparql", DEEP.encode(), {"content-type": "text/plain"}) == 400
    assert proc.poll() is None and _status(base + "/health") == 200


def test_live_runaway_queries_give_back_cpu_and_memory_within_a_second(live):
    base, proc, _ = live
    for query in (CROSS_JOIN, GROWING):
        seen: dict[int, tuple[int, int]] = {}
        done = []
        thread = threading.Thread(target=lambda q=query, out=done: out.append(_get(base, q)))
        thread.start()
        while thread.is_alive():
            seen.update(_children(proc.pid))
            time.sleep(0.1)
        finished = time.monotonic()
        assert done[0][0] == 503 and done[0][1]["limit"] == "time"
        busiest = max(seen, key=lambda p: seen[p][0])
        assert seen[busiest][0] > 30  # it did burn CPU (ticks of 10 ms) before it was stopped
        while busiest in _children(proc.pid) and time.monotonic() - finished < 1:
            time.sleep(0.05)
        assert busiest not in _children(proc.pid) and not Path(f"/proc/{busiest}").exists()
    assert _get(base, "ASK {}") == (200, {"head": {}, "boolean": True})


def test_live_host_header_must_name_this_server(live):
    base, _, _ = live
    assert _status(base + "/health", headers={"Host": "attacker.example"}) == 400
    assert _status(base + "/health", headers={"Host": "localhost"}) == 200


def test_live_half_open_connections_are_closed(live):
    base, _, _ = live
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as silent, socket.create_connection(("127.0.0.1", port)) as slow:
        silent.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1")
        slow.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nASK")
        silent.settimeout(10)
        slow.settimeout(10)
        started = time.monotonic()
        assert silent.recv(100) == b""
        assert slow.recv(200).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 5


def test_live_sigterm_removes_server_json_and_the_token(live):
    base, proc, data = live
    assert (data / "server.json").exists() and (data / "server.token").stat().st_mode & 0o777 == 0o600
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert not (data / "server.json").exists() and not (data / "server.token").exists()
