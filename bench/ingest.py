"""Ingest benchmark: cold and warm ingest of the seeds as ratios to a yardstick measured in the same run.

Yardstick: embedding 1,000 passages of 120 words (windows over the seeds' own words) with the
packaged MiniLM in float32, as it ships (through sentence-transformers, model already loaded); the ingest
uses the engine's own embedder (`kg.minilm`, bfloat16 arithmetic where the CPU has it, `embed_precision`),
beside extraction and writing (`kg.early_embed`). Cold ingest: a fresh data directory,
embeddings included (target ≤ 0.6× the yardstick). Warm: the same files again (target ≤ 2 s).
Then each stage on its own over all documents, so its time is its own (`--no-stages` skips them).
Run: `make bench` or `.venv/bin/python bench/ingest.py [--workers N] [--executor local|ray] [PATHS…]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.engine import Engine
from kg.index import Embedder, PassageIndex, embed_threads
from kg.minilm import model_path
from kg.store import OxigraphStore
from kg.triples import build
from nlp import extract as extractors
from nlp.ner import load_pipeline
from nlp.read import iter_files, read
from nlp.segment import segment

YARDSTICK_PASSAGES, YARDSTICK_WORDS = 1000, 120
COLD_TARGET, WARM_TARGET = 0.6, 2.0


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def yardstick_texts(paths: list[Path]) -> list[str]:
    """1,000 distinct passages of 120 words: windows over the words of the files, stepping by 120 then shifting."""
    words = [w for f in iter_files(paths) for d in read(f) for w in d.text.split()]
    texts: list[str] = []
    shift = 0
    while len(texts) < YARDSTICK_PASSAGES:
        starts = range(shift, len(words) - YARDSTICK_WORDS, YARDSTICK_WORDS)
        texts.extend(" ".join(words[i : i + YARDSTICK_WORDS]) for i in starts)
        shift += 7
    return texts[:YARDSTICK_PASSAGES]


def yardstick(paths: list[Path]) -> float:
    """Seconds to embed the yardstick passages with the packaged MiniLM as it ships (sentence-transformers,
    float32, its default batches, two threads), the model loaded beforehand."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(embed_threads())
    texts, model = yardstick_texts(paths), SentenceTransformer(str(model_path()), device="cpu")
    model.encode(texts[:8])  # first-call warm-up, not counted
    return timed(lambda: model.encode(texts))[1]


def whole(paths: list[Path], settings: dict) -> dict[str, float]:
    """Cold ingest (fresh directory, embeddings included), a warm re-ingest, and a cold one without embeddings."""
    data = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    cold = ingest_seconds(Engine.open(data, **settings), paths)
    warm = ingest_seconds(Engine.open(data, **settings), paths)
    bm25_only = ingest_seconds(Engine.open(Path(tempfile.mkdtemp()), embed=False, **settings), paths)
    return {"cold ingest": cold, "warm re-ingest": warm, "cold ingest without embeddings": bm25_only}


def ingest_seconds(engine: Engine, paths: list[Path]) -> float:
    """Seconds `engine` takes to ingest `paths`; a document that fails stops the benchmark (its time would mislead)."""
    report, secs = timed(lambda: engine.ingest(paths))
    if report.errors:
        sys.exit("ingest failed: " + "; ".join(f"{d.source}: {d.message}" for d in report.errors))
    return secs


def stages(paths: list[Path]) -> dict[str, float]:
    """Each stage run on its own over all documents, in one process."""
    secs: dict[str, float] = {}
    docs, secs["read"] = timed(lambda: [d for f in iter_files(paths) for d in read(f)])
    docs = [x for d in docs for x in (d, *extractors.split_parts(d))]
    passages, secs["segment"] = timed(lambda: [segment(d) for d in docs])
    nlp, secs["spaCy load"] = timed(load_pipeline)
    records, secs["extract"] = timed(lambda: [extractors.extract(d, nlp) for d in docs])
    graphs, secs["build"] = timed(lambda: [build(d, p, r) for d, p, r in zip(docs, passages, records)])
    store = OxigraphStore(Path(tempfile.mkdtemp()) / "store")
    _, secs["store"] = timed(lambda: [store.replace_graph(str(g.iri), g.graph) for g in graphs])
    texts = sorted({p.text for ps in passages for p in ps})
    embedder, secs["model load"] = timed(Embedder)
    _, secs["embed"] = timed(lambda: embedder.encode(texts))
    engine = Engine.open(Path(tempfile.mkdtemp()), embed=False)
    engine.ingest(paths)
    index = PassageIndex(Path(tempfile.mkdtemp()))
    _, secs["index (bm25)"] = timed(lambda: index.build(engine.index.entries, embed=False))
    secs["passages"] = float(len(texts))
    secs["triples"] = float(sum(len(g.graph) for g in graphs))
    return secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--workers", type=int, help="worker processes for extraction (default: the core count)")
    ap.add_argument("--executor", choices=("local", "ray"), help="where files are prepared (default: local)")
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage breakdown")
    args = ap.parse_args()
    paths = args.paths or [ROOT / "seeds"]
    settings = {k: v for k, v in (("workers", args.workers), ("executor", args.executor)) if v is not None}
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    base = yardstick(paths)
    print(f"  {'yardstick':<32} {base:8.2f} s   embed {YARDSTICK_PASSAGES} passages of {YARDSTICK_WORDS} words")
    w = whole(paths, settings)
    for name, v in w.items():
        print(f"  {name:<32} {v:8.2f} s   ratio to yardstick {v / base:.2f}")
    print(
        f"cold ratio {w['cold ingest'] / base:.2f} (target ≤ {COLD_TARGET}); "
        f"warm {w['warm re-ingest']:.2f} s (target ≤ {WARM_TARGET} s)"
    )
    if not args.no_stages:
        s = stages(paths)
        print(f"stage seconds over {int(s.pop('passages'))} distinct passages, {int(s.pop('triples'))} triples")
        for name, v in s.items():
            print(f"  {name:<22} {v:8.2f} s")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
