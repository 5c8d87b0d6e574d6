"""Scale benchmark: the seeds replicated 1×, 10× and 100× as distinct documents, ingested and queried.

Copy r of each seed file (r ≥ 1; copy 0 is the seed itself) has its councils, people, years and
stated numbers renamed deterministically, so its documents get their own keys and IRIs:
- each council the text names (`nlp.identity`) becomes an invented place ("Ashmoor County
  Council"), its aliases and acronym with it, so the council key in every document IRI differs;
- every surname after a title (Councillor, Cllr, Mr, Mrs, Ms, Miss, Dr) becomes an invented one;
- years move forward by r mod 5, financial and academic year pairs with them;
- the last digit of every percentage and £ amount moves by r.
Per size it reports ingest seconds, documents/s and passages/s, store and index size on disk,
peak RSS of the ingest process, /ask p50/p95 over the dev questions and p50 of the saved queries.
Run: `make bench` (1×, 10×), `make bench-scale` (100×) or `python bench/scale.py --sizes 1,2`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ask import BIN, SHARED, get_json, pct, serve

from api.guard import read_token
from kg.saved import load_queries
from nlp.identity import _COUNCILS, councils_named
from nlp.read import iter_files

FIRST = [
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fen",
    "Gar",
    "Hol",
    "Ing",
    "Kel",
    "Lan",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Quen",
    "Ros",
    "Sal",
    "Thorn",
    "Ulm",
    "Ver",
    "Wes",
    "Yar",
    "Zel",
    "Brin",
    "Cor",
]
LAST = [
    "moor",
    "ford",
    "wick",
    "ton",
    "by",
    "ley",
    "field",
    "mouth",
    "bury",
    "stead",
    "well",
    "combe",
    "den",
    "ham",
    "hurst",
    "ridge",
    "worth",
    "dale",
    "gate",
    "holm",
    "lock",
    "mere",
    "side",
    "wood",
    "cot",
    "shaw",
]
TITLED = re.compile(
    r"\b(?:Councillor|Cllr\.?|Mr|Mrs|Ms|Miss|Dr)\s+(?:[A-Z]\.?\s+)*(?:[A-Z][a-z]+\s+)?([A-Z][a-z]{2,})\b"
)
COUNCIL_WORDS = re.compile(r"\s+(?:County Borough|Metropolitan Borough|County|City|Borough|District)?\s*Council$")
QUESTIONS = SHARED / "gold" / "dev_qa.jsonl"


def invented(n: int) -> str:
    """The n-th invented place or surname: two syllables, distinct for n < 676."""
    return FIRST[n % len(FIRST)] + LAST[(n // len(FIRST)) % len(LAST)]


def council_names(text: str) -> list[tuple[str, list[str]]]:
    """(full name, spellings) of each council `text` names: known aliases, or the written-out name."""
    found = {
        c["name"]: c["aliases"] for c in _COUNCILS if any(re.search(rf"\b{re.escape(a)}\b", text) for a in c["aliases"])
    }
    for name in councils_named(text):
        found.setdefault(name, [name, COUNCIL_WORDS.sub("", name)])
    return sorted(found.items())


def rename(text: str, copy: int) -> str:
    """Copy `copy` of a seed text with councils, people, years and numbers renamed (copy 0: unchanged)."""
    if copy == 0:
        return text
    swaps: dict[str, str] = {}
    for i, (name, spellings) in enumerate(council_names(text)):
        place = invented(copy * 7 + i) + (" Vale" if copy >= 300 else "")
        kind = re.search(r"(County|City|Borough|District)?\s*Council$", name)
        full = f"{place} {kind.group(0).strip() if kind else 'Council'}"
        for s in spellings:
            is_acronym = s.isupper() and " " not in s
            swaps[s] = ("X" + "".join(w[0] for w in full.split())) if is_acronym else full if "Council" in s else place
    for surname in sorted(set(TITLED.findall(text))):
        digest = int(hashlib.sha1(f"{surname}/{copy}".encode()).hexdigest(), 16)
        swaps.setdefault(surname, invented(digest % 676) + invented(copy)[:3].lower())
    if swaps:
        words = sorted(swaps, key=len, reverse=True)
        text = re.sub(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", lambda m: swaps[m.group(0)], text)
    shift = copy % 5
    text = re.sub(
        r"\b((?:19|20)\d\d)(/(\d\d))?\b",
        lambda m: str(int(m.group(1)) + shift) + (f"/{(int(m.group(3)) + shift) % 100:02d}" if m.group(2) else ""),
        text,
    )
    text = re.sub(
        r"\b(\d\d)/(\d\d)\b",
        lambda m: (
            m.group(0)
            if int(m.group(2)) != (int(m.group(1)) + 1) % 100
            else f"{(int(m.group(1)) + shift) % 100:02d}/{(int(m.group(2)) + shift) % 100:02d}"
        ),
        text,
    )
    return re.sub(
        r"(?<=£)[\d,]*\d|\d+(?:\.\d+)?(?=%)", lambda m: m.group(0)[:-1] + str((int(m.group(0)[-1]) + copy) % 10), text
    )


def build_corpus(seeds: Path, times: int, out: Path) -> list[Path]:
    """`times` copies of every seed file under `out` (written once; reused when present)."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for f in iter_files([seeds]):
        text = f.read_text(encoding="utf-8")
        for copy in range(times):
            target = out / f"r{copy:03d}_{f.name}"
            if not target.exists():
                target.write_text(rename(text, copy), encoding="utf-8")
            files.append(target)
    return files


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6 if path.exists() else 0.0


def ingest(corpus: Path, data: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `councilkg ingest` in its own process."""
    t = time.perf_counter()
    proc = subprocess.Popen([str(BIN), "ingest", str(corpus), "--data", str(data)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"ingest of {corpus} failed ({proc.returncode})")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def sparql_count(url: str, query: str) -> int:
    body, _ = get_json(f"{url}/sparql?{urllib.parse.urlencode({'query': query})}")
    return int(body["results"]["bindings"][0]["n"]["value"])


def timings(url: str, data: Path) -> dict[str, float]:
    """/ask p50/p95 over the dev questions and the p50 of the saved queries, in ms (the saved queries run as
    the data directory's owner runs them: unbound, some return tens of thousands of rows, past the public caps)."""
    owner = {"authorization": f"Bearer {read_token(data)}"}
    questions = [
        json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    ask = [get_json(f"{url}/ask?{urllib.parse.urlencode({'q': q, 'k': 5})}")[1] for q in questions]
    saved, refused = [], 0
    for q in load_queries():
        request = urllib.request.Request(
            f"{url}/sparql", q.text.encode(), {"content-type": "application/sparql-query", **owner}
        )
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as r:
                r.read()
        except urllib.error.HTTPError:  # over the server's per-query memory or time limit: counted, not timed
            refused += 1
            continue
        saved.append((time.perf_counter() - t) * 1000)
    return {
        "ask p50": statistics.median(ask),
        "ask p95": pct(ask, 0.95),
        "saved p50": statistics.median(saved),
        "saved over a limit": refused,
    }


def measure(times: int, work: Path) -> dict:
    corpus, data = work / f"corpus-{times}x", work / f"data-{times}x"
    build_corpus(ROOT / "seeds", times, corpus)
    seconds, rss = ingest(corpus, data)
    server, url = serve(data)
    try:
        docs = sparql_count(url, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d ckg:sourceFile ?f }")
        passages = sparql_count(url, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ckg:Passage }")
        row = {
            "size": f"{times}×",
            "documents": docs,
            "passages": passages,
            "ingest s": seconds,
            "docs/s": docs / seconds,
            "passages/s": passages / seconds,
            "store MB": disk_mb(data / "store"),
            "index MB": disk_mb(data / "index"),
            "peak RSS MB": rss,
        }
        return row | timings(url, data)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10", help="comma-separated multiples of the seeds, e.g. 1,10,100")
    ap.add_argument("--work", type=Path, default=None, help="directory for the corpora and data (default: a temp dir)")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1:
        sys.exit("--sizes wants positive whole numbers, e.g. 1,10,100")
    work = a.work or Path(tempfile.mkdtemp(prefix="councilkg-scale-"))
    for k, n in enumerate(sizes):  # each row as soon as it is measured: a long 100× run loses nothing before it
        row = measure(n, work)
        if k == 0:
            print("| " + " | ".join(row) + " |\n|" + "---|" * len(row), flush=True)
        print(
            "| " + " | ".join(f"{v:.1f}" if isinstance(v, float) else str(v) for v in row.values()) + " |", flush=True
        )


if __name__ == "__main__":
    main()
