"""Step 3, look up: find the graph node a question is about: labelled entities ranked by words and meaning.

The catalog holds every node of an answerable class with its label and the document
graph it lives in. A question's topic words are matched against labels (IDF-weighted
coverage both ways) and blended with MiniLM similarity when embeddings are on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from nlp.words import ACRONYM, idf, spelt_out, tokens

CLASSES = {
    "Measure": "ckg:Measure",
    "BudgetLine": "ckg:BudgetLine",
    "CapitalProject": "ckg:CapitalProject",
    "Procurement": "ckg:Procurement",
    "Risk": "ckg:Risk",
    "Role": "org:Role",
    "DeliveryOutcome": "ckg:DeliveryOutcome",
    "StatedRagCount": "ckg:StatedRagCount",
    "Service": "ckg:Service",
}
CATALOG_QUERY = """SELECT DISTINCT ?e ?label ?class ?g WHERE {
  VALUES ?class { %s }
  GRAPH ?g { ?e a ?class ; rdfs:label ?label } }""" % " ".join(CLASSES.values())
CODES_QUERY = "SELECT DISTINCT ?e ?c WHERE { ?e ckg:code ?c }"
SLOT_QUERY = "SELECT DISTINCT ?c WHERE { ?v ckg:columnLabel ?c }"  # words naming a value's column, not an entity
DOCS_QUERY = """SELECT DISTINCT ?d ?title ?issued ?type WHERE {
  ?d a foaf:Document ; dct:title ?title . OPTIONAL { ?d dct:issued ?issued } OPTIONAL { ?d a ?type FILTER(STRSTARTS(STR(?type), STR(ckg:))) } }"""


@dataclass(frozen=True)
class Doc:
    iri: str
    title: str
    issued: date | None


@dataclass(frozen=True)
class Candidate:
    iri: str
    label: str
    kind: str  # key of CLASSES
    doc: Doc | None  # the document graph it was found in (first, for shared nodes)
    score: float
    coverage: float = 0.0  # share of the question's topic (IDF-weighted) the label covers
    label_coverage: float = 0.0  # share of the label the question covers


CONTENDER_MARGIN = 1e-3  # far above the float error of scoring labels as arrays, and above `_scored`'s rounding


class Catalog:
    """Every answerable labelled node, ready for matching."""

    def __init__(self, store, embedder=None):
        self.docs = {}
        for r in store.query(DOCS_QUERY):
            issued = date.fromisoformat(r["issued"].value) if r["issued"] is not None else None
            self.docs[r["d"].value] = Doc(r["d"].value, r["title"].value, issued)
        local = {v.split(":")[1]: k for k, v in CLASSES.items()}
        seen: dict[str, tuple] = {}
        for r in store.query(CATALOG_QUERY):
            if r["e"].value not in seen:
                kind = local[r["class"].value.rsplit("#", 1)[-1]]
                seen[r["e"].value] = (r["e"].value, r["label"].value, kind, self.docs.get(r["g"].value))
        self.items = list(seen.values())
        self.tokens = [set(tokens(label)) for _, label, _, _ in self.items]
        self.acronyms = {
            i: found
            for i, (_, label, _, _) in enumerate(self.items)
            for found in [[a.lower() for a in ACRONYM.findall(label)]]
            if found
        }
        self.kind_ids = {kind: i for i, kind in enumerate(dict.fromkeys(kind for _, _, kind, _ in self.items))}
        self.kinds = np.array([self.kind_ids[kind] for _, _, kind, _ in self.items], dtype=np.int32)
        self.postings: dict[str, list[int]] = defaultdict(list)  # label word (or acronym) -> items that have it
        for i, ts in enumerate(self.tokens):
            for t in ts:
                self.postings[t].append(i)
        self.acronym_postings: dict[str, list[int]] = defaultdict(list)
        for i, found in self.acronyms.items():
            for a in found:
                self.acronym_postings[a].append(i)
        n = max(1, len(self.items))
        self.idf = defaultdict(lambda: math.log(n + 1), idf(self.tokens))
        self.weights = np.array([sum(self.idf[t] for t in ts) for ts in self.tokens])  # each label's word weight
        self.codes: dict[str, list[str]] = defaultdict(list)  # "SCS04" -> nodes carrying that code
        for r in store.query(CODES_QUERY):
            self.codes[r["c"].value.replace(" ", "").upper()].append(r["e"].value)
        self.slot_words = {t for r in store.query(SLOT_QUERY) for t in tokens(r["c"].value)}
        self.embedder = embedder
        self.vectors = embedder.encode([label for _, label, _, _ in self.items]) if embedder and self.items else None

    def overlap(self, q: set[str], ts: set[str]) -> tuple[float, float]:
        """(F1 of label and question coverage, question coverage), IDF-weighted."""
        f1, cov_q, _ = self._coverage(q, ts)
        return f1, cov_q

    def _coverage(self, q: set[str], ts: set[str]) -> tuple[float, float, float]:
        """(F1, question coverage, label coverage), IDF-weighted."""
        if not q or not ts:
            return 0.0, 0.0, 0.0
        hit = sum(self.idf[t] for t in q & ts)
        cov_label = hit / sum(self.idf[t] for t in ts)
        cov_q = hit / sum(self.idf[t] for t in q)
        return (0.0 if hit == 0 else 2 * cov_label * cov_q / (cov_label + cov_q)), cov_q, cov_label

    def match(self, topic: tuple[str, ...], kinds: set[str], question: str, k: int = 8) -> list[Candidate]:
        """Best candidates of the given kinds, best first (ties in item order). Only labels sharing a word with
        the topic (or an acronym the question spells out) can score on words; of the rest, only the k nearest
        in meaning can rank, so the others are never scored: the cost follows the matches, not the catalog."""
        q = set(topic)
        dense = None
        if self.vectors is not None:
            dense = self.vectors @ self.embedder.encode_query(question)  # the vector retrieval computed
        spelt = spelt_out(question)
        wanted = np.isin(self.kinds, [self.kind_ids[kind] for kind in kinds if kind in self.kind_ids])
        worded = np.zeros(len(self.items), dtype=bool)
        worded[[i for t in q for i in self.postings.get(t, ())]] = True
        acronymed = [i for a in spelt for i in self.acronym_postings.get(a, ())]
        worded[acronymed] = True
        rest = np.flatnonzero(wanted & ~worded)
        if dense is not None:  # their score is their meaning alone, rounded as `_scored` rounds it
            rest = rest[np.lexsort((rest, -np.round(0.35 * dense[rest].astype(np.float64), 4)))]
        rest = rest[:k]
        sharing = self._contenders(np.flatnonzero(wanted & worded), q, dense, k, acronymed)
        scored = [(self._scored(int(i), q, spelt, dense), int(i)) for i in (*sharing, *rest)]
        scored.sort(key=lambda ci: (-ci[0].score, ci[1]))
        return [c for c, _ in scored[:k]]

    def _contenders(self, items: np.ndarray, q: set[str], dense, k: int, acronymed: list[int]) -> np.ndarray:
        """Of many labels sharing a word with the question, those that can be among the k best: their scores
        computed for all at once (the sums `_coverage` makes, as arrays), kept when within a margin of the k-th;
        labels an acronym the question spells out rewords are always kept (their words are not the label's)."""
        if len(items) <= 4 * k:
            return items
        hit = np.zeros(len(self.items))
        for t in q:
            hit[self.postings.get(t, [])] += self.idf[t]
        h = hit[items]
        label, asked = h / self.weights[items], h / sum(self.idf[t] for t in q)
        lex = np.divide(2 * label * asked, label + asked, out=np.zeros_like(h), where=h > 0)
        score = lex if dense is None else 0.65 * lex + 0.35 * dense[items].astype(np.float64)
        kth = np.partition(score, len(score) - k)[len(score) - k]
        return np.union1d(items[score >= kth - CONTENDER_MARGIN], np.intersect1d(items, acronymed))

    def _scored(self, i: int, q: set[str], spelt: dict[str, set[str]], dense) -> Candidate:
        iri, label, kind, doc = self.items[i]
        ts = self.tokens[i]
        for a in self.acronyms.get(i, ()):
            if a in spelt:  # "PF" in the label, "private fostering" in the question
                ts = (ts - {a}) | spelt[a]
        lex, cov, cov_label = self._coverage(q, ts)
        score = lex if dense is None else 0.65 * lex + 0.35 * float(dense[i])
        return Candidate(iri, label, kind, doc, round(score, 4), round(cov, 4), round(cov_label, 4))

    def by_code(self, code: str, kinds: set[str]) -> list[Candidate]:
        """Nodes of the given kinds whose own code is `code` ("SCS04"), as sure candidates."""
        wanted = set(self.codes.get(code.replace(" ", "").upper(), ()))
        return [
            Candidate(iri, label, kind, doc, 1.0, 1.0, 1.0)
            for iri, label, kind, doc in self.items
            if iri in wanted and kind in kinds
        ]

    def by_kind(self, kind: str) -> list[tuple[str, str, Doc | None]]:
        return [(iri, label, doc) for iri, label, k, doc in self.items if k == kind]


def prefer_version(
    cands: list[Candidate], months: tuple[str, ...], years: tuple[int, ...], slack: float = 0.03
) -> list[Candidate]:
    """Among near-equal candidates, the document the question names, else the latest one first."""
    if not cands:
        return cands
    top = [c for c in cands if c.score >= cands[0].score - slack]
    rest = [c for c in cands if c not in top]

    def rank(c: Candidate):
        issued = c.doc.issued if c.doc and c.doc.issued else date.min
        if months:  # "the September 2020 plan": the month decides, the year only narrows
            named = issued.strftime("%B").lower() in months and (not years or issued.year in years)
        else:
            named = bool(years) and issued.year in years
        return (named, issued, c.score)

    return sorted(top, key=rank, reverse=True) + rest
