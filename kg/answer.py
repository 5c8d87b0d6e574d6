"""Questions -> a short extractive answer, citations with line spans, graph nodes, the SPARQL used.

Structured intents (values of measures and budget lines, lead members, delivery
outcomes, role holders, risk owners, versions, series) are read from the graph with
the parameterised queries in `kg/queries/`; everything else, and the support for every
answer, comes from hybrid passage retrieval. Nothing is generated: an answer is a cell,
a name, a label or a sentence of the documents, or a plain "not found".
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict


from kg.answer_outline import OutlineIntents
from kg.answer_series import SeriesIntents
from kg.facts import LINKS_QUERY, VALUES_QUERY, Fact, facts_of, pick_link, pick_value, with_label
from kg.found import (MIN_COVERAGE, MIN_ENTITY_SCORE, NOT_FOUND, Found, dedupe, join_and, norm_label, passage_nodes, with_list,
                      with_values, words_of)
from kg.index import Entry, tokens
from kg.lookup import Candidate, Catalog, prefer_version
from kg.question import Question, parse
from kg.shortanswer import best_sentence, broad, cell_answer, misses_period, names_period, novel, support, wanted

MAX_ANSWER = 300
PASSAGE_POOL = 8
OUTCOME_NUMBERS = re.compile(r"\bDelivery outcomes? \d+(?:(?:, | and | & )\d+)*", re.I)
PLACE = re.compile(r"\b(?:in|at|for|of|by)\s+((?:[A-Z][a-z][\w'-]*\s?){1,3})|\b([A-Z][a-z]+)'s\b")  # "in Surrey", "Kent's"
KIND_HINTS = {"budget": "BudgetLine", "capital": "CapitalProject", "scheme value": "CapitalProject",
              "procurement": "Procurement", "contract": "Procurement"}


class Answerer(OutlineIntents, SeriesIntents):
    """Answers questions for one engine; the catalog of answerable nodes is built once."""

    def __init__(self, engine):
        self.engine = engine
        self.catalog = Catalog(engine.store, engine.embedder if engine.settings.embed else None)
        self.entries = {e.iri: e for e in engine.index.entries}
        self.order: dict[str, list[Entry]] = defaultdict(list)  # each document's passages in reading order
        for e in sorted(self.entries.values(), key=lambda e: (e.line_start, e.line_end)):
            self.order[e.document].append(e)
        df = Counter(t for e in self.entries.values() for t in set(tokens(e.text)))
        n = len(self.entries) + 1
        self.idf = {t: math.log(n / (c + 0.5)) for t, c in df.items()}
        self.councils = {m.group(1) for d in self.catalog.docs for m in [re.search(r"/doc/([^/]+)/", d)] if m}

    # -- entry point --------------------------------------------------------------------
    def ask(self, question: str, k: int = 5) -> dict:
        question = re.sub(r"<[^>]*>|[\x00-\x08\x0b-\x1f]", " ", question or "")  # markup and control characters
        question = re.sub(r"\s+", " ", question).strip()
        if not question or not tokens(question):
            return {"answer": "Please ask a question about the documents, in words.", "citations": [], "nodes": [],
                    "sparql": None}
        q = parse(question)
        hits = self.engine.search(question, k=max(k, 8))
        if self._elsewhere(question):
            found = Found(NOT_FOUND)
        else:
            handler = getattr(self, "_" + q.intent, None)
            found = handler(q) if handler else None
        if found is None:
            return self._from_passages(q, hits, k)
        cited = [self.entries[s] for s in dict.fromkeys(found.sources) if s in self.entries]
        cites = [self.engine.citation(e, 1.0) for e in cited]
        cites += [self.engine.citation(e, s) for e, s in hits if e.iri not in set(found.sources)]
        nodes = found.nodes + passage_nodes(cited + [e for e, _ in hits[:k]])
        return {"answer": found.text[:MAX_ANSWER], "citations": cites[:k], "nodes": dedupe(nodes), "sparql": found.sparql}

    def _from_passages(self, q: Question, hits: list[tuple[Entry, float]], k: int) -> dict:
        cites = [self.engine.citation(e, s) for e, s in hits[:k]]
        nodes = passage_nodes([e for e, _ in hits[:k]])
        entry, sentence = self._best_passage(q, [e for e, _ in hits[:PASSAGE_POOL]])
        if entry is None or (wanted(q) and not novel(wanted(q), sentence, q)):
            # a "when" needs a date, a "who" a name, a "how many" a number the question does not already hold
            return {"answer": NOT_FOUND, "citations": cites, "nodes": nodes, "sparql": None}
        passages = self.order[entry.document]
        sentence = with_list(sentence, passages[passages.index(entry) + 1:], MAX_ANSWER)
        if entry.iri != hits[0][0].iri:  # cite the passage the answer came from first
            cites = [self.engine.citation(entry, 1.0)] + [c for c in cites if c["passage_id"] != entry.iri]
        return {"answer": sentence[:MAX_ANSWER], "citations": cites[:k], "nodes": nodes, "sparql": None}

    def _best_passage(self, q: Question, pool: list[Entry]) -> tuple[Entry | None, str]:
        """The passage that supports the question best, a passage holding a new answer of the wanted type first."""
        want, ranked = wanted(q), []
        for i, e in enumerate(pool):
            sup = support(q, e.text, self.idf)
            cell = cell_answer(q, e.text, e.headers) if e.headers and sup >= 0.5 else None
            if not cell and (misses_period(q, e.headers) or not names_period(q, f"{e.text} {e.headers} {e.section}")):
                continue  # the passage (or its table) says nothing of the period asked about
            if sup >= 0.5 and (i < 3 or sup >= 0.8 or cell):  # deeper hits only when they cover the question well
                sentence = cell or best_sentence(q, e.text, self.idf)
                score = sup + 0.2 * broad(q, f"{e.text}\t{e.headers}", self.idf) - 0.04 * i
                ranked.append((bool(cell) or novel(want, sentence, q), score, e, sentence))
        if not ranked:
            return None, ""
        best = max(ranked, key=lambda t: t[:2])
        return best[2], best[3]

    def _elsewhere(self, text: str) -> bool:
        """The question names a council or place the documents never mention, or one they hold no document of."""
        from nlp.read import council_of
        _, key = council_of(text)
        if key != "unknown" and key not in self.councils:
            return True
        names = [m.group(1) or m.group(2) for m in PLACE.finditer(text)]
        return any(t not in self.idf for n in names for t in tokens(n) if not t.isdigit())

    # -- entity helpers -------------------------------------------------------------------
    def _entities(self, q: Question, kinds: set[str]) -> list[Candidate]:
        low = q.text.lower()
        hinted = {kind for word, kind in KIND_HINTS.items() if word in low} & kinds
        coded = [c for code in q.codes for c in self.catalog.by_code(code, kinds)]
        if coded:
            return coded
        cands = self._matching(q.topic, hinted or kinds, q.text)
        core = tuple(t for t in q.topic if t not in self.catalog.slot_words)
        if not cands and core and core != q.topic:  # "previous years", "total for scheme": column words, not names
            cands = self._matching(core, hinted or kinds, q.text)
        return prefer_version(cands, q.months, q.years)

    def _matching(self, topic: tuple[str, ...], kinds: set[str], text: str) -> list[Candidate]:
        cands = self.catalog.match(topic, kinds, text, k=12)
        good = [c for c in cands if c.score >= MIN_ENTITY_SCORE and c.coverage >= MIN_COVERAGE]
        full = [c for c in cands if c.coverage >= 0.99]  # a short name ("the GUM clinic measure") inside a long label
        if not good and len(set(topic)) >= 2 and full and (len(full) == 1 or full[0].score - full[1].score > 0.05):
            return full[:1]
        inside = [c for c in cands if c.label_coverage >= 0.99 and c.score >= MIN_ENTITY_SCORE and c.coverage >= 0.4]
        if not good and inside and (len(cands) == 1 or inside[0] is cands[0] and cands[0].score - cands[1].score > 0.05):
            return inside[:1]  # the whole name in the question, beside a word of its own ("the new Telecare contract")
        return good

    def _node(self, c: Candidate, typ: str) -> dict:
        return {"iri": c.iri, "label": c.label, "type": typ}

    def _query(self, template: str, iri: str) -> str:
        return with_values(template, "e", f"<{iri}>")

    # -- intents --------------------------------------------------------------------------
    def _value(self, q: Question) -> Found | None:
        cands = self._entities(q, {"Measure", "BudgetLine", "CapitalProject", "Procurement"})
        for c in cands[:3]:
            facts = facts_of(self.engine.store, c.iri)
            values = pick_value(q, facts, c.label)
            if values and (q.periods or q.kinds or c.kind != "Procurement"):
                return self._value_answer(c, values[0], q, cands)
            links = [] if q.periods and any(f.period for f in facts) else pick_link(q, facts)
            if links:
                return self._fact_answer(c, links[0], facts)
        if cands and q.periods:  # the entity is known, the period asked for is not in the documents
            c = cands[0]
            sources = [f.source for f in facts_of(self.engine.store, c.iri) if f.source]
            return Found(NOT_FOUND, [self._node(c, "ckg:" + c.kind)], sources[:1], self._query(VALUES_QUERY, c.iri))
        return None

    def _value_answer(self, c: Candidate, f: Fact, q: Question, cands: list[Candidate]) -> Found:
        ctx = ", ".join(x for x in (f.kind and words_of(f.kind), f.month[:7] or f.period, f.area and words_of(f.area).replace("area ", ""))
                        if x)
        title = (c.doc.title + (f" ({c.doc.issued:%B %Y})" if c.doc.issued else "")) if c.doc else ""
        text = f"{f.value} ({ctx}) — {c.label[:120]}; {title}"
        nodes = [self._node(c, "ckg:" + c.kind), {"iri": f.node, "label": f.value, "type": "qb:Observation"}]
        if c.doc:
            nodes.append({"iri": c.doc.iri, "label": c.doc.title, "type": "foaf:Document"})
        return Found(text, nodes + self._other_versions(c, q, cands), [s for s in (f.source,) if s],
                     self._query(VALUES_QUERY, c.iri))

    def _other_versions(self, chosen: Candidate, q: Question, cands: list[Candidate]) -> list[dict]:
        """The same entity in other documents (earlier or later plan versions): its matching value nodes."""
        nodes = []
        for c in cands:
            if c.iri != chosen.iri and c.doc and chosen.doc and c.doc.iri != chosen.doc.iri \
                    and norm_label(c.label) == norm_label(chosen.label):
                values = pick_value(q, facts_of(self.engine.store, c.iri), c.label)
                if values:
                    label = f"{values[0].value} ({c.doc.title}{c.doc.issued and ', ' + c.doc.issued.strftime('%B %Y') or ''})"
                    nodes += [self._node(c, "ckg:" + c.kind), {"iri": values[0].node, "label": label, "type": "qb:Observation"}]
        return nodes

    def _measure_lead(self, q: Question) -> Found | None:
        return self._link_of(q, {"Measure"}, ("leadMember",), "Lead member: {}")

    def _measure_outcomes(self, q: Question) -> Found | None:
        return self._link_of(q, {"Measure"}, ("deliversOutcome",), "Delivery outcomes {}") or self._outcomes_in_row(q)

    def _outcomes_in_row(self, q: Question) -> Found | None:
        """No outcome links in the graph: the "Delivery outcomes 4, 5 and 6" the measure's own row states."""
        for c in self._entities(q, {"Measure"})[:2]:
            for src in dict.fromkeys(f.source for f in facts_of(self.engine.store, c.iri) if f.source):
                m = OUTCOME_NUMBERS.search(self.entries[src].text) if src in self.entries else None
                if m:
                    return Found(f"{m.group(0)} — {c.label[:150]}", [self._node(c, "ckg:Measure")], [src],
                                 self._query(LINKS_QUERY, c.iri))
        return None

    def _risk_owner(self, q: Question) -> Found | None:
        risks = self._risks(q)
        if risks is None:
            return Found(NOT_FOUND)
        return next((f for c in risks[:2] for f in [self._link_answer(c, ("riskOwner", "ownerText"), "{}")] if f), None)

    def _risks(self, q: Question) -> list[Candidate] | None:
        """The risk a question names by its id (none: None), else the risks its words match."""
        if not q.codes:
            return self._entities(q, {"Risk"})
        code = q.codes[0]
        for iri, label, doc in self.catalog.by_kind("Risk"):
            if re.match(re.escape(code) + r"(?![0-9A-Z])", label.replace(" ", "").upper()):
                return [Candidate(iri, label, "Risk", doc, 1.0, 1.0, 1.0)]
        return None

    def _fact_answer(self, c: Candidate, f: Fact, facts: list[Fact]) -> Found:
        """One link or literal of an entity (a date, a likelihood, a title), in its document's words."""
        text = with_label(f, facts)
        sources = [s for s in (f.source, self._located(f.source, text.split(" (")[0])) if s]
        return Found(f"{text} ({f.key}: {c.label})", [self._node(c, "ckg:" + c.kind)], sources,
                     self._query(LINKS_QUERY, c.iri))

    def _located(self, source: str | None, value: str) -> str | None:
        """The passage that states `value` when the entity's own passage does not: one of the next few
        in reading order (a risk's likelihood sits in the row after its title)."""
        entry = self.entries.get(source or "")
        if entry is None or value in entry.text or len(value) < 3:
            return None
        passages = self.order[entry.document]
        at = passages.index(entry)
        return next((e.iri for e in passages[at + 1:at + 12] if value in e.text), None)

    def _link_of(self, q: Question, kinds: set[str], preds: tuple[str, ...], pattern: str) -> Found | None:
        for c in self._entities(q, kinds)[:2]:
            found = self._link_answer(c, preds, pattern)
            if found:
                return found
        return None

    def _link_answer(self, c: Candidate, preds: tuple[str, ...], pattern: str) -> Found | None:
        facts = [f for f in facts_of(self.engine.store, c.iri) if f.predicate in preds]
        if not facts:
            return None
        best = [f for f in facts if f.predicate == next(p for p in preds if any(x.predicate == p for x in facts))]
        values = sorted(dict.fromkeys(f.value for f in best), key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
        text = pattern.format(join_and(values)) + f" — {c.label[:150]}" + (f"; {c.doc.title}" if c.doc else "")
        nodes = [self._node(c, "ckg:" + c.kind)] + [{"iri": f.node, "label": f.value, "type": f.predicate} for f in best if f.node]
        return Found(text, nodes, [s for s in {f.source for f in facts} if s], self._query(LINKS_QUERY, c.iri))
