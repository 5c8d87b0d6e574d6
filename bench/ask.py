"""Question-answering benchmark: /ask latency against a BM25-only passage baseline, and memory.

Starts `councilkg serve` on a data directory (ingesting the seeds first when it is
empty), sends every question of a JSON-lines file (default: the dev set) to
`/ask` and to `/search?mode=bm25` (the baseline: plain BM25 passages), and prints
p50/p95 latency of each, their ratio, and the server's resident memory.
Run: `make bench` or `.venv/bin/python bench/ask.py [--questions FILE] [--data DIR] [--rounds N]`.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "councilkg"
DEV = ROOT.parent / "shared" / "gold" / "dev_qa.jsonl"
FALLBACK = ["What is the 2021/22 target for first-time entrants to youth justice?",
            "Who is the Lead Member for Children and Families?", "When was the drug and alcohol service launched?"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
    return (time.perf_counter() - t) * 1000


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[max(0, int(round(p * len(s))) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=Path, default=DEV if DEV.exists() else None)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    questions = [json.loads(l)["question"] for l in a.questions.open()] if a.questions else FALLBACK
    data = a.data or Path(tempfile.mkdtemp())
    if not (data / "index" / "entries.json").exists():
        subprocess.run([str(BIN), "ingest", str(ROOT / "seeds"), "--data", str(data)], check=True,
                       stdout=subprocess.DEVNULL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN), "serve", "--port", str(port), "--data", str(data)],
                              stderr=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        for _ in range(120):
            try:
                get(f"{url}/health")
                break
            except OSError:
                time.sleep(0.5)
        idle = rss_mb(server.pid)
        ask, base = [], []
        for _ in range(a.rounds):
            for q in questions:
                enc = urllib.parse.quote(q)
                ask.append(get(f"{url}/ask?q={enc}&k=5"))
                base.append(get(f"{url}/search?q={enc}&k=5&mode=bm25"))
        busy = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{len(questions)} questions x {a.rounds} rounds")
    for name, xs in (("/ask (hybrid + graph)", ask), ("/search bm25 baseline", base)):
        print(f"  {name:<24} p50 {statistics.median(xs):7.1f} ms   p95 {pct(xs, 0.95):7.1f} ms")
    print(f"  ratio ask/baseline      p50 {statistics.median(ask) / statistics.median(base):7.2f}x  "
          f"p95 {pct(ask, 0.95) / pct(base, 0.95):7.2f}x")
    print(f"  server memory: {idle[0]:.0f} MB resident after start, {busy[0]:.0f} MB after the run, peak {busy[1]:.0f} MB")


if __name__ == "__main__":
    main()
