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
from collections import Counter
from dataclasses import dataclass, field, replace

from datetime import date

from pyoxigraph import Literal, NamedNode

from kg.facts import LINKS_QUERY, QUERIES, VALUES_QUERY, Fact, asked_date, facts_of, pick_link, pick_value
from kg.index import Entry, stem, tokens
from kg.lookup import Candidate, Catalog, prefer_version
from kg.question import Question, parse, rules
from kg.shortanswer import best_sentence, support, wanted

ROLE_QUERY = (QUERIES / "ask-role-holders.rq").read_text(encoding="utf-8")
OUTCOME_QUERY = (QUERIES / "ask-delivery-outcome.rq").read_text(encoding="utf-8")
PRIORITY_QUERY = (QUERIES / "ask-priority-outcomes.rq").read_text(encoding="utf-8")
PROVIDER_QUERY = (QUERIES / "ask-service-provider.rq").read_text(encoding="utf-8")
RAG_QUERY = (QUERIES / "ask-rag-counts.rq").read_text(encoding="utf-8")
MEMBERSHIPS_QUERY = (QUERIES / "ask-memberships.rq").read_text(encoding="utf-8")
NOT_FOUND = "Not found in the documents."
MAX_ANSWER = 300
MIN_ENTITY_SCORE = 0.42
MIN_COVERAGE = 0.6
OUTCOME_NUMBERS = re.compile(r"\bDelivery outcomes? \d+(?:(?:, | and | & )\d+)*", re.I)
PLACE = re.compile(r"\b(?:in|at|for|of|by)\s+((?:[A-Z][a-z][\w'-]*\s?){1,3})|\b([A-Z][a-z]+)'s\b")  # "in Surrey", "Kent's"
KIND_HINTS = {"budget": "BudgetLine", "capital": "CapitalProject", "scheme value": "CapitalProject",
              "procurement": "Procurement", "contract": "Procurement"}


@dataclass
class Found:
    """What a structured handler found: answer text, nodes, source passages, the query."""

    text: str
    nodes: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    sparql: str | None = None


class Answerer:
    """Answers questions for one engine; the catalog of answerable nodes is built once."""

    def __init__(self, engine):
        self.engine = engine
        self.catalog = Catalog(engine.store, engine.embedder if engine.settings.embed else None)
        self.entries = {e.iri: e for e in engine.index.entries}
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
        best = max(((support(q, e.text, self.idf), i, e) for i, (e, _) in enumerate(hits[:3])), default=None,
                    key=lambda t: (t[0], -t[1]))
        if best is None or best[0] < 0.5:
            return {"answer": NOT_FOUND, "citations": cites, "nodes": nodes, "sparql": None}
        entry = best[2]
        sentence = best_sentence(q, entry.text, self.idf)
        want = wanted(q)
        if want and not want.search(sentence):  # a "when" needs a date, a "who" a name, a "how many" a number
            return {"answer": NOT_FOUND, "citations": cites, "nodes": nodes, "sparql": None}
        if entry.iri != hits[0][0].iri:  # cite the passage the answer came from first
            cites = [c for c in cites if c["passage_id"] == entry.iri] + [c for c in cites if c["passage_id"] != entry.iri]
        return {"answer": sentence[:MAX_ANSWER], "citations": cites, "nodes": nodes, "sparql": None}

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
            values = pick_value(q, facts)
            if values and (q.periods or q.kinds or c.kind != "Procurement"):
                return self._value_answer(c, values[0], q, cands)
            links = [] if q.periods and any(f.period for f in facts) else pick_link(q, facts)
            if links:
                f = links[0]
                return Found(f"{f.value} ({f.key}: {c.label})", [self._node(c, "ckg:" + c.kind)],
                             [s for s in (f.source,) if s], self._query(LINKS_QUERY, c.iri))
        if cands and q.periods:  # the entity is known, the period asked for is not in the documents
            c = cands[0]
            sources = [f.source for f in facts_of(self.engine.store, c.iri) if f.source]
            return Found(NOT_FOUND, [self._node(c, "ckg:" + c.kind)], sources[:1], self._query(VALUES_QUERY, c.iri))
        return None

    def _value_answer(self, c: Candidate, f: Fact, q: Question, cands: list[Candidate]) -> Found:
        ctx = ", ".join(x for x in (f.kind and _words(f.kind), f.period, f.area and _words(f.area).replace("area ", "")) if x)
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
                    and _norm(c.label) == _norm(chosen.label):
                values = pick_value(q, facts_of(self.engine.store, c.iri))
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
        if q.codes:  # a risk named by its id: that one, or none
            code = q.codes[0]
            for iri, label, doc in self.catalog.by_kind("Risk"):
                if re.match(re.escape(code) + r"(?![0-9])", label.replace(" ", "").upper()):
                    return self._link_answer(Candidate(iri, label, "Risk", doc, 1.0), ("riskOwner", "ownerText"), "{}")
            return Found(NOT_FOUND)
        return self._link_of(q, {"Risk"}, ("riskOwner", "ownerText"), "{}")

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


    def _count_rag(self, q: Question) -> Found | None:
        rating = next((r for r in ("red", "amber", "green") if re.search(rf"\b{r}\b", q.text.lower())), None)
        stated = [(iri, label, doc) for iri, label, doc in self.catalog.by_kind("StatedRagCount")
                  if rating and label.lower().endswith(rating)]
        if not stated:
            return None
        topic = set(q.topic)
        iri, label, doc = max(stated, key=lambda t: len(topic & set(tokens(t[2].title if t[2] else ""))))
        rows = list(self.engine.store.query(RAG_QUERY, {"e": NamedNode(iri)}))
        if not rows:
            return None
        r = rows[0]
        counted = f"; {r['counted'].value} rated {rating} in its table" if int(r["counted"].value) else ""
        return Found(f"{label}{counted} — {r['title'].value}",
                     [{"iri": iri, "label": label, "type": "ckg:StatedRagCount"},
                      {"iri": r["doc"].value, "label": r["title"].value, "type": "foaf:Document"}],
                     [r["src"].value] if r["src"] is not None else [], with_values(RAG_QUERY, "e", f"<{iri}>"))

    def _provider(self, q: Question) -> Found | None:
        kinds = {stem(w) for w in rules().get("provider_words", [])}  # "which NHS trust…": the kind of body, not the service
        q = replace(q, topic=tuple(t for t in q.topic if t not in kinds) or q.topic)
        for c in self._entities(q, {"Service"})[:3]:
            rows = list(self.engine.store.query(PROVIDER_QUERY, {"e": NamedNode(c.iri)}))
            if rows:
                names = list(dict.fromkeys(r["label"].value for r in rows))
                nodes = [self._node(c, "ckg:Service")] + [{"iri": r["provider"].value, "label": r["label"].value,
                                                           "type": "ckg:Provider"} for r in rows]
                verb = "is led by" if all(r["kind"].value == "ledBy" for r in rows) else "is provided by"
                return Found(f"{c.label} {verb} {join_and(names)}", nodes,
                             [r["src"].value for r in rows if r["src"] is not None], self._query(PROVIDER_QUERY, c.iri))
        return None

    def _role_holder(self, q: Question) -> Found | None:
        for c in self._entities(q, {"Role"})[:2]:
            rows = list(self.engine.store.query(ROLE_QUERY, {"e": NamedNode(c.iri)}))
            if rows:
                r = rows[0]
                return Found(f"{r['name'].value} ({c.label})",
                             [self._node(c, "org:Role"), {"iri": r["person"].value, "label": r["name"].value, "type": "foaf:Person"}],
                             [x["src"].value for x in rows if x["src"] is not None], self._query(ROLE_QUERY, c.iri))
        return self._role_in_body(q)

    def _role_in_body(self, q: Question) -> Found | None:
        """"Who is the Chairman of <committee>": the role and the body named together, latest holder first."""
        topic = set(q.topic)
        best, best_key = None, (0.0, False, "")
        for r in self.engine.store.query(MEMBERSHIPS_QUERY):
            f1, cov = self.catalog._lexical(topic, set(tokens(f"{r['role'].value} {r['body'].value}")))
            when = r["when"].value if r["when"] is not None else ""
            key = (round(f1, 3), _same_month(q, when), when)
            if cov >= MIN_COVERAGE and key > best_key:
                best, best_key = r, key
        if best is None:
            return None
        when = f", {best['when'].value}" if best["when"] is not None else ""
        return Found(f"{best['name'].value} ({best['role'].value}, {best['body'].value}{when})",
                     [{"iri": best["m"].value, "label": f"{best['role'].value}, {best['body'].value}", "type": "org:Membership"},
                      {"iri": best["person"].value, "label": best["name"].value, "type": "foaf:Person"}],
                     [best["src"].value] if best["src"] is not None else [], MEMBERSHIPS_QUERY)

    def _outcome_text(self, q: Question) -> Found | None:
        if q.number is None:
            return None
        rows = list(self.engine.store.query(OUTCOME_QUERY, {"n": Literal(q.number)}))
        if not rows:
            return None
        topic = set(q.topic)
        best = max(rows, key=lambda r: (len(topic & set(tokens(r["title"].value))),
                                        _named(q, r["issued"].value if r["issued"] else ""), r["issued"].value if r["issued"] else ""))
        text = f"Delivery outcome {q.number}: {best['text'].value} — {best['title'].value}"
        nodes = [{"iri": best["outcome"].value, "label": best["text"].value, "type": "ckg:DeliveryOutcome"},
                 {"iri": best["plan"].value, "label": best["title"].value, "type": "foaf:Document"}]
        sparql = with_values(OUTCOME_QUERY, "n", str(q.number))
        return Found(text, nodes, [best["src"].value] if best["src"] else [], sparql)

    def _priority_outcomes(self, q: Question) -> Found | None:
        from nlp.read import council_of
        name, key = council_of(q.text)
        years = [p.start_year for p in q.periods] + list(q.years)
        schemes = [r["s"].value for r in self.engine.store.query(
            "SELECT DISTINCT ?s WHERE { ?c skos:inScheme ?s ; skos:prefLabel ?l }")]
        schemes = [s for s in schemes if key == "unknown" or f"/{key}/" in s] or schemes
        if years:
            schemes = [s for s in schemes if any(s.endswith(f"/{y}") for y in years)] or \
                      [s for s in schemes if any(s.endswith(f"/{y - 1}") for y in years)]
        if not schemes:
            return None
        scheme = sorted(schemes)[-1]
        rows = list(self.engine.store.query(PRIORITY_QUERY, {"scheme": NamedNode(scheme)}))
        labels = list({r["label"].value.strip().lower(): r["label"].value.strip() for r in reversed(rows)}.values())[::-1]
        nodes = [{"iri": scheme, "label": "priority outcomes", "type": "skos:ConceptScheme"}] + \
                [{"iri": r["concept"].value, "label": r["label"].value, "type": "skos:Concept"} for r in rows]
        return Found("; ".join(labels), nodes, [r["src"].value for r in rows if r["src"] is not None],
                     with_values(PRIORITY_QUERY, "scheme", f"<{scheme}>"))

    def _version_diff(self, q: Question) -> Found | None:
        cands = self._entities(q, {"Measure"})
        if not cands:
            return None
        same = [c for c in cands if _norm(c.label) == _norm(cands[0].label) and c.doc]
        if q.months:
            same = [c for c in same if c.doc.issued and c.doc.issued.strftime("%B").lower() in q.months] or same
        same = sorted({c.doc.iri: c for c in same}.values(), key=lambda c: c.doc.issued or date.min)
        parts, found = [], Found("", [], [], self._query(VALUES_QUERY, same[-1].iri))
        picked = {c.iri: {(f.period, f.kind, f.area): f for f in reversed(pick_value(q, facts_of(self.engine.store, c.iri)))}
                  for c in same}
        key = _changed_key([picked[c.iri] for c in same], pick_value(q, facts_of(self.engine.store, same[-1].iri)))
        for c in same:
            f = picked[c.iri].get(key)
            if f:
                parts.append(f"{c.doc.issued.strftime('%B %Y') if c.doc.issued else c.doc.title}: {f.value}")
                found.nodes += [self._node(c, "ckg:Measure"), {"iri": f.node, "label": f.value, "type": "qb:Observation"}]
                found.sources += [f.source] if f.source else []
        if len(parts) < 2:
            return None
        changed = "unchanged" if len({p.split(": ", 1)[1] for p in parts}) == 1 else "changed"
        what = " ".join(x for x in (key[0], _words(key[1])) if x)
        found.text = f"{'; '.join(parts)} ({changed}) — {what + ', ' if what else ''}{cands[0].label[:100]}"
        found.sources.reverse()  # latest version's passage first
        return found

    def _trace(self, q: Question) -> Found | None:
        cands = self._entities(q, {"Measure"})
        if not cands:
            return None
        same = [c for c in cands if c.score >= cands[0].score - 0.08]
        series: dict[str, tuple] = {}
        for c in sorted(same, key=lambda c: (c.doc.issued if c.doc and c.doc.issued else date.min)):
            for f in facts_of(self.engine.store, c.iri):
                if f.period and f.kind == "Outturn" and f.area in ("", "AreaCouncil") and re.search(r"\d", f.value):
                    series[f.period] = (f, c)
        if q.periods:
            lo, hi = min(q.periods).start_year, max(q.periods).start_year
            series = {p: v for p, v in series.items() if lo <= int(re.sub(r"\D", "", p)[:4]) <= hi}
        if len(series) < 2:
            return None
        ordered = sorted(series.items())
        text = "; ".join(f"{p}: {f.value}" for p, (f, _) in ordered) + f" — {cands[0].label[:100]} (outturns)"
        nodes = [{"iri": f.node, "label": f"{p}: {f.value}", "type": "qb:Observation"} for p, (f, _) in ordered]
        nodes += [self._node(c, "ckg:Measure") for c in dict.fromkeys(c for _, (_, c) in ordered)]
        sources = [f.source for _, (f, _) in reversed(ordered) if f.source]
        return Found(text, nodes, sources, self._query(VALUES_QUERY, cands[0].iri))


def _changed_key(versions: list[dict], ranked: list[Fact]) -> tuple | None:
    """The (period, kind, area) asked about: the best-ranked one whose value differs between versions, else the best."""
    keys = [(f.period, f.kind, f.area) for f in ranked]
    shared = [k for k in dict.fromkeys(keys) if all(k in v for v in versions)]
    differ = [k for k in shared if len({v[k].value for v in versions}) > 1]
    return (differ or shared or [None])[0]


def with_values(template: str, var: str, term: str) -> str:
    """The template with its parameter bound by a VALUES clause: ready to copy and run."""
    return template.replace("WHERE {", f"WHERE {{\n  VALUES ?{var} {{ {term} }}", 1)


def _same_month(q: Question, when: str) -> bool:
    """The date (ISO) falls in a month the question names ("in January 2016")."""
    asked = asked_date(q)
    return bool(asked and when[:7] == asked.isoformat()[:7])


def _named(q: Question, issued: str) -> bool:
    return bool(issued) and (issued[:4] in {str(y) for y in q.years})


def _norm(label: str) -> str:
    return " ".join(tokens(label))


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def join_and(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def dedupe(nodes: list[dict]) -> list[dict]:
    seen, out = set(), []
    for n in nodes:
        if n.get("iri") and n["iri"] not in seen:
            seen.add(n["iri"])
            out.append(n)
    return out


def passage_nodes(entries: list[Entry]) -> list[dict]:
    """Graph nodes for cited passages and their documents."""
    return dedupe([n for e in entries for n in ({"iri": e.iri, "label": e.text[:80], "type": "ckg:Passage"},
                                                {"iri": e.document, "label": e.title, "type": "foaf:Document"})])
