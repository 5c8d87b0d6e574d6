"""Question answering: councilkg against a plain BM25 passage baseline, side by side, in one run.

Starts `councilkg serve` on a data directory (ingesting the seeds, plus `../shared/corpus`
when it is there, if the directory is empty) and sends every question of each gold file
to two systems on the same server:
- **councilkg**: `/ask` (graph look-ups, hybrid retrieval, typed short answers);
- **BM25 baseline**: `/search?mode=bm25`, its answer the top passage's sentence that
  shares most words with the question (what a plain passage search offers a reader).
Both are scored with the shared scorer's rules (answer@1, evidence@5) and timed.
Run: `make bench` or `.venv/bin/python bench/ask.py [--gold FILE …] [--data DIR]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent / "councilkg"
MAX_ANSWER = 300
sys.path.insert(0, str(SHARED / "eval"))
try:
    from eval_qa import answer_ok, evidence_ok  # the scorer's own rules
except ImportError:  # outside this workspace: the same rules, restated

    def _alnum(s: str) -> str:
        return re.sub(r"[^0-9a-z]+", "", (s or "").lower())

    def answer_ok(item: dict, answer: str) -> bool:
        if item.get("regex"):
            hits = [re.search(a, answer.lower(), re.I) is not None for a in item["accept"]]
        else:
            hits = [_alnum(a) in _alnum(answer) for a in item["accept"]]
        return all(hits) if item.get("match") == "all" else any(hits)

    def evidence_ok(item: dict, citations: list[dict], k: int) -> bool:
        return any(_alnum(item["evidence"]) in _alnum(c.get("text", "")) for c in citations[:k])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> tuple[dict, float]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = json.loads(r.read())
    return body, (time.perf_counter() - t) * 1000


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[max(0, int(round(p * len(s))) - 1)]


def best_sentence(question: str, text: str) -> str:
    """The baseline's short answer: the sentence or table row sharing most words with the question."""
    asked = set(re.findall(r"\w+", question.lower()))
    parts = [p for p in re.split(r"(?<=[.!?])\s+|\n", text) if p.strip()] or [text]
    return max(parts, key=lambda p: len(asked & set(re.findall(r"\w+", p.lower()))))[:MAX_ANSWER]


def score(items: list[dict], respond) -> dict:
    """answer@1, evidence@5 and latency of one system over a question set."""
    hits = evidence = 0
    times = []
    for it in items:
        answer, citations, ms = respond(it["question"])
        hits += len(answer) <= MAX_ANSWER and answer_ok(it, answer)
        evidence += evidence_ok(it, citations, 5)
        times.append(ms)
    n = len(items)
    return {"answer@1": hits / n, "evidence@5": evidence / n, "p50": statistics.median(times), "p95": pct(times, 0.95)}


def systems(url: str) -> dict:
    def councilkg(q: str):
        body, ms = get_json(f"{url}/ask?{urllib.parse.urlencode({'q': q, 'k': 5})}")
        return body["answer"], body["citations"], ms

    def bm25(q: str):
        body, ms = get_json(f"{url}/search?{urllib.parse.urlencode({'q': q, 'k': 5, 'mode': 'bm25'})}")
        top = body["results"]
        return (best_sentence(q, top[0]["text"]) if top else ""), top, ms

    return {"councilkg": councilkg, "BM25 baseline": bm25}


def ingest_if_empty(data: Path) -> None:
    if (data / "index" / "entries.json").exists():
        return
    sources = [str(ROOT / "seeds")] + ([str(SHARED / "corpus")] if (SHARED / "corpus").is_dir() else [])
    print(f"ingesting {', '.join(sources)} into {data} …", flush=True)
    subprocess.run([str(BIN), "ingest", *sources, "--data", str(data)], check=True, stdout=subprocess.DEVNULL)


def serve(data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--data", str(data)],
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    for _ in range(600):
        try:
            get_json(f"{url}/health")
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("server did not start")


def main() -> None:
    golds = [p for p in (SHARED / "gold" / "dev_qa.jsonl", SHARED / "corpus" / "qa.jsonl") if p.exists()]
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, nargs="*", default=golds, help="JSON-lines question files")
    ap.add_argument("--data", type=Path, default=None, help="a data directory (ingested when empty)")
    a = ap.parse_args()
    if not a.gold:
        sys.exit("no question files: give --gold FILE")
    data = a.data or Path(tempfile.mkdtemp(prefix="councilkg-bench-"))
    ingest_if_empty(data)
    server, url = serve(data)
    try:
        runs = {
            g: {name: score([json.loads(l) for l in g.open() if l.strip()], fn) for name, fn in systems(url).items()}
            for g in a.gold
        }
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{'questions':<22} {'system':<14} {'answer@1':>9} {'evidence@5':>11} {'p50 ms':>8} {'p95 ms':>8}")
    for g, by in runs.items():
        for name, r in by.items():
            print(
                f"{g.name:<22} {name:<14} {r['answer@1']:9.3f} {r['evidence@5']:11.3f} {r['p50']:8.1f} {r['p95']:8.1f}"
            )
        ours, base = by["councilkg"], by["BM25 baseline"]
        print(
            f"{'':<22} {'ratio':<14} {'':>9} {'':>11} {ours['p50'] / base['p50']:7.2f}x {ours['p95'] / base['p95']:7.2f}x"
        )


if __name__ == "__main__":
    main()
