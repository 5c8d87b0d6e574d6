"""Step 4, retrieve: the passages that may answer, from the documents in scope only.

Hybrid search (BM25 and MiniLM, fused by rank) within the scope; the passages a graph
answer came from are cited first, and the rest keep their search order, so graph-first
citations never push the passage search's best evidence out of the first few.
"""

from __future__ import annotations

from kg.ask.scope import Scope
from kg.index import Entry

POOL = 8  # passages read for an extractive answer


def retrieve(engine, question: str, scope: Scope, k: int) -> list[tuple[Entry, float]]:
    """Ranked passages of the documents in scope (all documents when the scope is open)."""
    return engine.search(question, k=max(k, POOL), documents=scope.documents or None)


def cite_first(sourced: list[Entry], hits: list[tuple[Entry, float]], k: int) -> list[tuple[Entry, float]]:
    """The passages an answer came from, then the search's hits; a graph answer's sources take at most
    half the places, so the search's best passages stay in the first k."""
    room = max(1, k // 2)
    chosen = [(e, 1.0) for e in dict.fromkeys(sourced)][:room]
    seen = {e.iri for e, _ in chosen}
    rest = [(e, s) for e, s in hits if e.iri not in seen]
    return (chosen + rest)[:k]
