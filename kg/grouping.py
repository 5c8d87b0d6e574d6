"""Grouping items of different documents that are the same thing: measures into indicators,
delivery outcomes into lineages. No store here: items in, groups, links and near misses out.

Two items (measures, or delivery outcomes) of different documents of one council are
scored by `score = DENSE_WEIGHT * cosine(MiniLM label vectors) + (1 - DENSE_WEIGHT) *
lexical` (lexical: IDF-weighted Dice of label words, abbreviations written out, an acronym
matched to the words it spells in the other label), less `UNIT_PENALTY` when their units
differ. Pairs are taken best first and linked when

- the score is at least `LINK_SCORE` (or they share an alphanumeric code and score at
  least `NEAR_SCORE`; or their labels are the same words);
- each is the other's best match in the other's document (so "… due to local NHS" never
  joins "… due to Council social services" while its own successor is there);
- neither group already holds an item of the other's document;
- their stated polarities (when both state one) agree.

A best match that scores at least `NEAR_SCORE` but is not linked is kept as a near miss.
Without embeddings the score is the lexical part alone. Only labels sharing a rare word are
compared, and labels with the same words are scored once, so the cost follows the number
of distinct labels. The thresholds below are the one place they are set; word rules
(abbreviations, target comparisons, polarity wording) are data in `kg/indicators.json`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from nlp.words import ACRONYM, idf, spelt_out, tokens

# -- thresholds: the one place they are set --------------------------------------------------
LINK_SCORE = 0.75  # combined score at which two items are the same indicator / outcome
NEAR_SCORE = 0.55  # a best match scoring this much but not linked is listed as a candidate
DENSE_WEIGHT = 0.5  # share of the embedding cosine in the score (the rest: lexical overlap)
UNIT_PENALTY = 0.05  # taken off the score when both units are known and differ
BLOCK_WORDS = 4  # labels are compared when they share one of their this many rarest words …
BLOCK_SHARE = 0.05  # … or any word held by at most this share of the council's distinct labels


@cache
def rules() -> dict:
    """The word rules of `kg/indicators.json`, regexes compiled."""
    raw = json.loads(Path(__file__).with_name("indicators.json").read_text(encoding="utf-8"))
    return {key: [(a, re.compile(b, re.IGNORECASE)) for a, b in val] for key, val in raw.items() if key != "_comment"}


@dataclass(frozen=True)
class Item:
    """A measure or delivery outcome of one document, as the grouping sees it."""

    iri: str
    label: str
    doc: str
    council: str
    issued: str = ""
    code: str = ""
    unit: str = ""
    polarity: str = ""
    number: int | None = None


@dataclass(frozen=True)
class Link:
    """Two items found to be the same indicator (or outcome), or a near miss."""

    later: Item
    earlier: Item
    score: float
    method: str  # SameLabel | SameCode | SimilarLabel
    reason: str = ""  # for a candidate: why it was not linked

    @property
    def definition_changed(self) -> bool:
        return label_words(self.later.label) != label_words(self.earlier.label)

    @property
    def unit_changed(self) -> bool:
        return bool(self.later.unit and self.earlier.unit and self.later.unit != self.earlier.unit)


@dataclass
class Grouping:
    """The result of grouping one kind of item: groups of item IRIs, links and near misses."""

    groups: list[list[Item]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    candidates: list[Link] = field(default_factory=list)


# -- scoring -----------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def label_words(label: str) -> frozenset[str]:
    """Content words of a label, abbreviations written out ("% of" -> "percentage of")."""
    text = label
    for word, rx in rules()["abbreviations"]:
        text = rx.sub(f" {word} ", text)
    return frozenset(tokens(text))


class Scorer:
    """Pairwise scores of items: embedding cosine and IDF-weighted word overlap."""

    def __init__(self, items: list[Item], vectors: np.ndarray | None = None):
        self.items = items
        self.words = [label_words(i.label) for i in items]
        spelt = {label: spelt_out(label) for label in {i.label for i in items}}  # once per distinct label
        self.spelt = [spelt[i.label] for i in items]
        self.acronyms = [{a.lower() for a in ACRONYM.findall(i.label)} for i in items]
        self.idf = idf(self.words)
        self.vectors = vectors

    def lexical(self, a: int, b: int) -> float:
        wa, wb = self._expand(a, b), self._expand(b, a)
        weight = lambda ws: sum(self.idf.get(w, 1.0) for w in ws)
        total = weight(wa) + weight(wb)
        return 2 * weight(wa & wb) / total if total else 0.0

    def _expand(self, a: int, b: int) -> frozenset[str]:
        """Words of item a, its acronyms replaced by the words they spell in item b ("CIC" -> children in care)."""
        words = set(self.words[a])
        for acronym in self.acronyms[a] & set(self.spelt[b]):
            words = (words - {acronym}) | self.spelt[b][acronym]
        return frozenset(words)

    def similarity(self, a: int, b: int) -> float:
        """How alike the two labels are, 0–1."""
        lex = self.lexical(a, b)
        return (
            lex
            if self.vectors is None
            else DENSE_WEIGHT * float(self.vectors[a] @ self.vectors[b]) + (1 - DENSE_WEIGHT) * lex
        )

    def score(self, a: int, b: int, similarity: float | None = None) -> float:
        """The labels' similarity, less UNIT_PENALTY when both units are known and differ."""
        s = self.similarity(a, b) if similarity is None else similarity
        ia, ib = self.items[a], self.items[b]
        if ia.unit and ib.unit and ia.unit != ib.unit:
            s -= UNIT_PENALTY
        return round(min(1.0, max(0.0, s)), 4)


def label_vectors(texts: list[str], embedder, cache: Path | None = None) -> np.ndarray | None:
    """Unit vectors of `texts` (None without an embedder), encoding only those not in `cache`."""
    if embedder is None or not texts:
        return None
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache) as z:
            known = dict(zip(z["texts"].tolist(), z["vectors"]))
    todo = sorted(set(texts) - set(known))
    if todo:
        known.update(zip(todo, embedder.encode(todo)))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(cache.stem + ".tmp.npz")
            np.savez(tmp, texts=np.array(list(known)), vectors=np.stack(list(known.values())))
            tmp.replace(cache)
    return np.stack([known[t] for t in texts])


# -- grouping ----------------------------------------------------------------------------------
def order(item: Item) -> tuple[str, str]:
    return item.issued or "9999", item.doc


def _apart(a: Item, b: Item) -> int:
    """Days between two items' documents (undated: far apart)."""
    try:
        return abs((date.fromisoformat(a.issued) - date.fromisoformat(b.issued)).days)
    except ValueError:
        return 10**6


def _code(item: Item) -> str:
    """An identifying code ("SCS03", "PH/AH 07"); bare row numbers are not identities."""
    code = item.code.replace(" ", "").upper()
    return code if re.search(r"[A-Z]", code) and re.search(r"\d", code) else ""


def _method(a: Item, b: Item, score: float) -> str | None:
    if label_words(a.label) == label_words(b.label):
        return "SameLabel"
    if _code(a) and _code(a) == _code(b) and score >= NEAR_SCORE:
        return "SameCode"
    return "SimilarLabel" if score >= LINK_SCORE else None


def group(items: list[Item], embedder=None, cache: Path | None = None) -> Grouping:
    """Group items of each council across its documents (module docstring: the rules); label vectors
    are kept in `cache` (an .npz file) by text, so an ingest only embeds labels it has not seen."""
    result = Grouping()
    by_council: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_council[item.council].append(item)
    for council_items in by_council.values():
        part = _group_council(council_items, label_vectors([i.label for i in council_items], embedder, cache))
        result.groups += part.groups
        result.links += part.links
        result.candidates += part.candidates
    return result


def _group_council(items: list[Item], vectors: np.ndarray | None) -> Grouping:
    pairs = _scored_pairs(items, Scorer(items, vectors))
    best: dict[tuple[int, str], float] = {}
    for score, a, b in pairs:
        best[(a, items[b].doc)] = max(score, best.get((a, items[b].doc), 0.0))
        best[(b, items[a].doc)] = max(score, best.get((b, items[a].doc), 0.0))
    pairs.sort(key=lambda p: (-p[0], _apart(items[p[1]], items[p[2]]), p[1], p[2]))  # ties: nearest in time first
    return _link(items, pairs, best)


def _scored_pairs(items: list[Item], scorer: Scorer) -> list[tuple[float, int, int]]:
    """Pairs of items of different documents scoring at least NEAR_SCORE. Labels with the same words
    are scored once, and only labels sharing a rare word (BLOCK_WORDS, BLOCK_SHARE) are compared, so
    the cost follows the number of distinct labels, not the square of the number of measures."""
    classes: dict[frozenset[str], list[int]] = defaultdict(list)
    for k, words in enumerate(scorer.words):
        classes[words].append(k)
    keys = list(classes)
    df = Counter(w for words in keys for w in words)
    rare = max(3, BLOCK_SHARE * len(keys))
    blocks: dict[str, list[int]] = defaultdict(list)
    for c, words in enumerate(keys):
        ranked = sorted(words, key=lambda w: (df[w], w))
        for w in {*ranked[:BLOCK_WORDS], *(w for w in ranked if df[w] <= rare)}:
            blocks[w].append(c)
    compared = {(c, c) for c in range(len(keys))}
    for block in blocks.values():
        compared |= {(x, y) for i, x in enumerate(block) for y in block[i + 1 :]}
    pairs = []
    for x, y in compared:
        a, b = classes[keys[x]], classes[keys[y]]
        if x == y:  # the same words: each item with the next one in time from another document
            ordered = sorted(a, key=lambda k: (*order(items[k]), k))
            pairs += [
                (scorer.score(i, j, 1.0), i, j)
                for n, i in enumerate(ordered)
                for j in next(([j] for j in ordered[n + 1 :] if items[j].doc != items[i].doc), [])
            ]
            continue
        alike = scorer.similarity(a[0], b[0])
        if alike >= NEAR_SCORE:  # each item with the nearest in time of the other label's items, both ways
            near = {(i, _nearest(items, i, b)) for i in a} | {(_nearest(items, j, a), j) for j in b}
            pairs += [(scorer.score(i, j, alike), i, j) for i, j in near if i is not None and j is not None]
    return [p for p in pairs if p[0] >= NEAR_SCORE]


def _nearest(items: list[Item], i: int, others: list[int]) -> int | None:
    """The item of `others` from another document than item i's, nearest to it in time."""
    return min(
        (j for j in others if items[j].doc != items[i].doc), key=lambda j: (_apart(items[i], items[j]), j), default=None
    )


def _link(items: list[Item], pairs: list[tuple[float, int, int]], best: dict) -> Grouping:
    """Accept pairs best first under the rules, then keep the near misses as candidates."""
    root = list(range(len(items)))
    docs_of = {k: {items[k].doc} for k in range(len(items))}

    def find(k: int) -> int:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    out, refused = Grouping(), []
    for score, a, b in pairs:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ia, ib = items[a], items[b]
        method = _method(ia, ib, score)
        mutual = score >= best.get((a, ib.doc), score) and score >= best.get((b, ia.doc), score)
        later, earlier = sorted((ia, ib), key=order, reverse=True)
        reason = _refusal(method, mutual, bool(docs_of[ra] & docs_of[rb]), ia, ib)
        if reason is None:
            root[rb] = ra
            docs_of[ra] |= docs_of.pop(rb)
            out.links.append(Link(later, earlier, score, method))
        elif score >= NEAR_SCORE:
            refused.append((a, b, Link(later, earlier, score, method or "SimilarLabel", reason)))
    grouped: dict[int, list[Item]] = defaultdict(list)
    for k, item in enumerate(items):
        grouped[find(k)].append(item)
    out.groups = [sorted(g, key=order) for g in grouped.values()]
    out.candidates = _near_misses(refused, {k: docs_of[find(k)] for k in range(len(items))}, items)
    return out


def _near_misses(refused: list, docs_of: dict[int, set[str]], items: list[Item]) -> list[Link]:
    """Each item's best refused match in a document its indicator has no measure of (and vice versa)."""
    out, seen = [], set()
    for a, b, link in refused:  # best first
        ia, ib = items[a], items[b]
        if ia.doc in docs_of[b] or ib.doc in docs_of[a] or (a, ib.doc) in seen or (b, ia.doc) in seen:
            continue
        seen |= {(a, ib.doc), (b, ia.doc)}
        out.append(link)
    return out


def _refusal(method: str | None, mutual: bool, shared_docs: bool, a: Item, b: Item) -> str | None:
    """Why a pair is not linked, or None when it is."""
    if method is None:
        return "below the link score"
    if shared_docs:
        return "one of them is already linked to another measure of the other's document"
    if method != "SameLabel" and not mutual:
        return "not each other's best match"
    if a.polarity and b.polarity and a.polarity != b.polarity:
        return "opposite polarity"
    return None
