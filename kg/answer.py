"""Questions -> a short extractive answer, citations with line spans, graph nodes, the SPARQL used.

Structured intents (values of measures, lead members, delivery outcomes, …) are read from
the graph with the parameterised queries in `kg/queries/`; everything else, and the
support for every answer, comes from hybrid passage retrieval. Nothing is generated.
"""
from __future__ import annotations

import re

from kg.index import Entry, tokens

NOT_FOUND = "Not found in the documents."
MAX_ANSWER = 300


def sentences(text: str) -> list[str]:
    """Sentences of a passage; table rows split into cells."""
    if "\t" in text:
        return [c for c in text.split("\t") if c.strip()]
    return [s for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9(])", text) if s.strip()]


def best_sentence(question: str, text: str) -> str:
    """The sentence (or cell) of `text` sharing most question words, at most MAX_ANSWER chars."""
    q = set(tokens(question))
    scored = [(len(q & set(tokens(s))), -i, s) for i, s in enumerate(sentences(text))]
    if not scored:
        return ""
    return max(scored)[2].strip()[:MAX_ANSWER]


class Answerer:
    """Answers questions for one engine."""

    def __init__(self, engine):
        self.engine = engine

    def ask(self, question: str, k: int = 5) -> dict:
        question = (question or "").strip()
        if not question:
            return {"answer": "Please ask a question about the documents.", "citations": [], "nodes": [], "sparql": None}
        hits = self.engine.search(question, k=max(k, 5))
        if not hits:
            return {"answer": NOT_FOUND, "citations": [], "nodes": [], "sparql": None}
        return self._from_passages(question, hits[:k])

    def _from_passages(self, question: str, hits: list[tuple[Entry, float]]) -> dict:
        top = hits[0][0]
        return {"answer": best_sentence(question, top.text) or NOT_FOUND,
                "citations": [self.engine.citation(e, s) for e, s in hits],
                "nodes": passage_nodes([e for e, _ in hits]),
                "sparql": None}


def passage_nodes(entries: list[Entry]) -> list[dict]:
    """Graph nodes for cited passages and their documents (deduplicated, in order)."""
    nodes, seen = [], set()
    for e in entries:
        for iri, label, typ in ((e.iri, e.text[:80], "ckg:Passage"), (e.document, e.title, "foaf:Document")):
            if iri not in seen:
                seen.add(iri)
                nodes.append({"iri": iri, "label": label, "type": typ})
    return nodes
