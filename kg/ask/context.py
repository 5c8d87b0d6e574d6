"""What every step and handler shares for one engine: the catalog of answerable nodes, the
passages in reading order, word weights, and the small look-ups handlers build answers with."""

from __future__ import annotations

import re
from collections import defaultdict

from kg.ask.extract import Idf
from kg.ask.compose import MEMBERSHIPS_QUERY, MIN_COVERAGE, MIN_ENTITY_SCORE, Found, join_and, with_values
from kg.ask.facts import LINKS_QUERY, Fact, facts_of, with_label
from kg.ask.lookup import Candidate, Catalog, prefer_version
from kg.ask.parse import Question
from kg.ask.scope import Scope, Scoper
from kg.index import Entry
from nlp.words import idf, tokens

KIND_HINTS = {
    "budget": "BudgetLine",
    "capital": "CapitalProject",
    "scheme value": "CapitalProject",
    "procurement": "Procurement",
    "contract": "Procurement",
}


class Memberships:
    """Memberships as rows of plain values, with the words of each one's role and body, and the rows holding
    each word: a question's role is looked for only among memberships that share a word with it."""

    FIELDS = ("m", "role", "body", "person", "name", "when", "src")

    def __init__(self, solutions):
        self.rows = [{k: r[k].value if r[k] is not None else None for k in self.FIELDS} for r in solutions]
        self.words = [frozenset(tokens(f"{r['role']} {r['body']}")) for r in self.rows]
        self._holding: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(self.words):
            for w in words:
                self._holding[w].append(i)

    def sharing(self, words: set[str]) -> list[int]:
        """Rows whose role or body holds one of `words`, in the order the store gave them."""
        return sorted({i for w in words for i in self._holding.get(w, ())})


class Context:
    """Built once per engine (and rebuilt after an ingest); handlers read it, never change it."""

    def __init__(self, engine):
        self.engine = engine
        self.store = engine.store
        self.catalog = Catalog(engine.store, engine.embedder if engine.settings.embed else None)
        self.entries = {e.iri: e for e in engine.index.entries}
        self.order: dict[str, list[Entry]] = defaultdict(list)  # each document's passages in reading order
        for e in sorted(self.entries.values(), key=lambda e: (e.line_start, e.line_end)):
            self.order[e.document].append(e)
        self.idf = Idf(idf([tokens(e.text) for e in self.entries.values()]))
        self.scoper = Scoper(engine.store)
        self.memberships = Memberships(engine.store.query(MEMBERSHIPS_QUERY))

    # -- nodes the question names --------------------------------------------------------
    def entities(self, q: Question, kinds: set[str], scope: Scope | None = None) -> list[Candidate]:
        """Catalog nodes of `kinds` the question names, in the documents in scope, best first."""
        low = q.text.lower()
        hinted = {kind for word, kind in KIND_HINTS.items() if word in low} & kinds
        coded = [c for code in q.codes for c in self.catalog.by_code(code, kinds)]
        if coded:
            return self._in_scope(coded, scope)
        cands = self._matching(q.topic, hinted or kinds, q.text, scope)
        core = tuple(t for t in q.topic if t not in self.catalog.slot_words)
        if not cands and core and core != q.topic:  # "previous years", "total for scheme": column words, not names
            cands = self._matching(core, hinted or kinds, q.text, scope)
        return prefer_version(cands, q.months, q.years)

    @staticmethod
    def _in_scope(cands: list[Candidate], scope: Scope | None) -> list[Candidate]:
        return [c for c in cands if scope is None or c.doc is None or scope.admits(c.doc.iri)]

    def _matching(self, topic: tuple[str, ...], kinds: set[str], text: str, scope: Scope | None) -> list[Candidate]:
        cands = self._in_scope(self.catalog.match(topic, kinds, text, k=40), scope)[:12]
        good = [c for c in cands if c.score >= MIN_ENTITY_SCORE and c.coverage >= MIN_COVERAGE]
        full = [c for c in cands if c.coverage >= 0.99]  # a short name ("the GUM clinic measure") inside a long label
        if not good and len(set(topic)) >= 2 and full and (len(full) == 1 or full[0].score - full[1].score > 0.05):
            return full[:1]
        inside = [c for c in cands if c.label_coverage >= 0.99 and c.score >= MIN_ENTITY_SCORE and c.coverage >= 0.4]
        if (
            not good
            and inside
            and (len(cands) == 1 or inside[0] is cands[0] and cands[0].score - cands[1].score > 0.05)
        ):
            return inside[:1]  # the whole name in the question, beside a word of its own ("the new Telecare contract")
        return good

    @staticmethod
    def node(c: Candidate, typ: str) -> dict:
        return {"iri": c.iri, "label": c.label, "type": typ}

    @staticmethod
    def query(template: str, iri: str) -> str:
        return with_values(template, "e", f"<{iri}>")

    # -- answers made of one node's facts ------------------------------------------------
    def fact_answer(self, c: Candidate, f: Fact, facts: list[Fact]) -> Found:
        """One link or literal of an entity (a date, a likelihood, a title), in its document's words."""
        text = with_label(f, facts)
        sources = [s for s in (f.source, self.located(f.source, text.split(" (")[0])) if s]
        return Found(
            f"{text} ({f.key}: {c.label})", [self.node(c, "ckg:" + c.kind)], sources, self.query(LINKS_QUERY, c.iri)
        )

    def located(self, source: str | None, value: str) -> str | None:
        """The passage that states `value` when the entity's own passage does not: one of the next few
        in reading order (a risk's likelihood sits in the row after its title)."""
        entry = self.entries.get(source or "")
        if entry is None or value in entry.text or len(value) < 3:
            return None
        passages = self.order[entry.document]
        at = passages.index(entry)
        return next((e.iri for e in passages[at + 1 : at + 12] if value in e.text), None)

    def link_of(
        self, q: Question, kinds: set[str], preds: tuple[str, ...], pattern: str, scope: Scope | None = None
    ) -> Found | None:
        for c in self.entities(q, kinds, scope)[:2]:
            found = self.link_answer(c, preds, pattern)
            if found:
                return found
        return None

    def link_answer(self, c: Candidate, preds: tuple[str, ...], pattern: str) -> Found | None:
        facts = [f for f in facts_of(self.store, c.iri) if f.predicate in preds]
        if not facts:
            return None
        best = [f for f in facts if f.predicate == next(p for p in preds if any(x.predicate == p for x in facts))]
        values = sorted(
            dict.fromkeys(f.value for f in best), key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v)
        )
        text = pattern.format(join_and(values)) + f" — {c.label[:150]}" + (f"; {c.doc.title}" if c.doc else "")
        nodes = [self.node(c, "ckg:" + c.kind)] + [
            {"iri": f.node, "label": f.value, "type": f.predicate} for f in best if f.node
        ]
        return Found(text, nodes, [s for s in {f.source for f in facts} if s], self.query(LINKS_QUERY, c.iri))

    def risks(self, q: Question, scope: Scope | None = None) -> list[Candidate] | None:
        """The risk a question names by its id (none: None), else the risks its words match."""
        if not q.codes:
            return self.entities(q, {"Risk"}, scope)
        code = q.codes[0]
        for iri, label, doc in self.catalog.by_kind("Risk"):
            if re.match(re.escape(code) + r"(?![0-9A-Z])", label.replace(" ", "").upper()):
                return [Candidate(iri, label, "Risk", doc, 1.0, 1.0, 1.0)]
        return None
