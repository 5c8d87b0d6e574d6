"""A bounded loopback load test (issue 14), not part of the suite: many clients asking questions at once
while runaway SPARQL queries are cut off.

Starts `councilkg serve` on a data directory (ingesting the seeds first if it is empty), then for
`--seconds` runs `--clients` threads each sending `/ask` questions back to back, and at the start
`--runaways` cross-join queries that only the query timeout stops. Reports /ask errors, p50/p95
latency, what the runaways got back, and the resident memory of the server with its query
workers: at the start, at the peak, and after the runaways were stopped.
Run: `.venv/bin/python bench/load.py [--data DIR] [--clients 50] [--seconds 30] [--runaways 5]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ask import SHARED, get_json, ingest_if_empty, pct, serve  # noqa: E402  (the question benchmark's server helpers)

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUESTIONS = [
    "Who is the Lead Member for Children and Families?",
    "What was the 2019/20 outturn for the rate of Looked After Children per 10,000 children?",
    "Who chaired the Children's Social Care and Health Cabinet Committee?",
    "What is the target for the percentage of Child Protection Plans lasting 2 years or more?",
]


def questions() -> list[str]:
    gold = SHARED / "gold" / "dev_qa.jsonl"
    if not gold.exists():
        return QUESTIONS
    return [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its children (the query workers), in MB."""
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except (OSError, ValueError):
            continue
        if proc.name.isdigit() and (int(proc.name) == pid or int(fields[1]) == pid):
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return total / 1e6


def status_of(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=300) as r:
            r.read()
            code = r.status
    except urllib.error.HTTPError as e:
        code = e.code
    except OSError:
        code = 0
    return code, time.perf_counter() - started


def load(url: str, asked: list[str], clients: int, seconds: float, runaways: int, server_pid: int) -> dict:
    """Run the clients and the runaways; latency in ms, memory in MB."""
    times, errors, stopped, peak = [], [], [], [rss_mb(server_pid)]
    deadline = time.monotonic() + seconds

    def client(i: int) -> None:
        n = i
        while time.monotonic() < deadline:
            q = asked[n % len(asked)]
            n += clients
            code, took = status_of(f"{url}/ask?{urllib.parse.urlencode({'q': q, 'k': 5})}")
            (times if code == 200 else errors).append(took * 1000 if code == 200 else code)

    def runaway() -> None:
        stopped.append(status_of(f"{url}/sparql?{urllib.parse.urlencode({'query': RUNAWAY})}"))

    def watch() -> None:
        while time.monotonic() < deadline + 5:
            peak.append(rss_mb(server_pid))
            time.sleep(0.5)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads += [threading.Thread(target=runaway) for _ in range(runaways)] + [threading.Thread(target=watch)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "asked": len(times) + len(errors),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "p50_ms": round(statistics.median(times)) if times else None,
        "p95_ms": round(pct(times, 0.95)) if times else None,
        "runaways": [{"status": code, "seconds": round(took, 1)} for code, took in stopped],
        "peak_rss_mb": round(max(peak)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(".councilkg"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--runaways", type=int, default=5)
    args = ap.parse_args()
    os.environ.setdefault("COUNCILKG_QUERY_CONCURRENCY", str(max(4, args.runaways)))  # every runaway gets a worker
    ingest_if_empty(args.data)
    server, url = serve(args.data)
    try:
        asked = questions()
        for q in asked[:5]:  # models and caches warm, as after any start
            get_json(f"{url}/ask?{urllib.parse.urlencode({'q': q})}")
        start = rss_mb(server.pid)
        report = load(url, asked, args.clients, args.seconds, args.runaways, server.pid)
        time.sleep(2)
        end = rss_mb(server.pid)
        report |= {
            "clients": args.clients,
            "seconds": args.seconds,
            "start_rss_mb": round(start),
            "end_rss_mb": round(end),
            "end_vs_start": f"{(end - start) / start:+.1%}",
        }
        print(json.dumps(report, indent=1))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
