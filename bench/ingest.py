"""Ingest benchmark: seconds per stage on the seeds, and ratios against baselines in the same run.

Stages: read, segment, extract, build, store, embed, index. Baselines: the same ingest
with embeddings off (BM25 only), and a re-ingest of unchanged files (cache hits).
Run: `make bench` or `.venv/bin/python bench/ingest.py [PATHS…]`.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.triples import build  # noqa: E402
from kg.engine import Engine  # noqa: E402
from kg.index import Embedder, PassageIndex  # noqa: E402
from kg.store import OxigraphStore  # noqa: E402
from nlp import extract as extractors  # noqa: E402
from nlp.read import iter_files, read  # noqa: E402
from nlp.segment import segment  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def stages(paths: list[Path]) -> dict[str, float]:
    """Each stage run on its own over all documents, so its time is its own."""
    secs: dict[str, float] = {}
    docs, secs["read"] = timed(lambda: [d for f in iter_files(paths) for d in read(f)])
    docs = [x for d in docs for x in (d, *extractors.split_parts(d))]
    passages, secs["segment"] = timed(lambda: [segment(d) for d in docs])
    records, secs["extract"] = timed(lambda: [extractors.extract(d) for d in docs])
    graphs, secs["build"] = timed(lambda: [build(d, p, r) for d, p, r in zip(docs, passages, records)])
    store = OxigraphStore(Path(tempfile.mkdtemp()) / "store")
    _, secs["store"] = timed(lambda: [store.replace_graph(str(g.iri), g.graph) for g in graphs])
    texts = sorted({p.text for ps in passages for p in ps})
    embedder, secs["model load"] = timed(Embedder)
    _, secs["embed"] = timed(lambda: embedder.encode(texts))
    engine = Engine.open(Path(tempfile.mkdtemp()), embed=False)
    engine.ingest(paths)
    _, secs["index (bm25, faiss)"] = timed(lambda: PassageIndex(Path(tempfile.mkdtemp())).build(engine.index.entries, embed=False))
    secs["passages"] = float(len(texts))
    secs["triples"] = float(sum(len(g.graph) for g in graphs))
    return secs


def whole(paths: list[Path]) -> dict[str, float]:
    data = Path(tempfile.mkdtemp())
    _, full = timed(lambda: Engine.open(data).ingest(paths))
    _, again = timed(lambda: Engine.open(data).ingest(paths))
    _, bm25_only = timed(lambda: Engine.open(Path(tempfile.mkdtemp()), embed=False).ingest(paths))
    return {"full ingest": full, "re-ingest unchanged": again, "ingest without embeddings": bm25_only}


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [ROOT / "seeds"]
    s = stages(paths)
    print(f"stage seconds over {int(s.pop('passages'))} distinct passages, {int(s.pop('triples'))} triples")
    for name, v in s.items():
        print(f"  {name:<22} {v:8.2f} s")
    w = whole(paths)
    for name, v in w.items():
        print(f"  {name:<26} {v:8.2f} s   ratio to full ingest {v / w['full ingest']:.2f}")


if __name__ == "__main__":
    main()
