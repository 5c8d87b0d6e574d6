"""Handlers for what minutes record of one meeting: who chaired it, how many were present, and
who proposed or seconded a motion.

They answer only for a meeting the question names (its documents are the scope); an open
scope would mix every meeting of every council, so then the passages answer instead."""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from kg.ask.compose import Found
from kg.ask.context import Context
from kg.ask.parse import Question, rules
from nlp.words import tokens
from kg.ask.scope import Scope

ATTENDANCE_QUERY = """SELECT DISTINCT ?a ?person ?name ?kind ?capacity ?chair ?src WHERE {
  GRAPH ?d { ?a a ckg:Attendance ; ckg:attendee ?person ; ckg:attendanceKind ?kind .
             OPTIONAL { ?a ckg:capacity ?capacity } OPTIONAL { ?a ckg:inChair ?chair } OPTIONAL { ?a prov:wasDerivedFrom ?src } }
  ?person foaf:name ?name }"""
MOTIONS_QUERY = """SELECT DISTINCT ?mo ?text ?proposer ?seconder ?src WHERE {
  GRAPH ?d { ?mo a ckg:Motion ; ckg:text ?text . OPTIONAL { ?mo prov:wasDerivedFrom ?src }
             OPTIONAL { ?mo ckg:proposer ?p } OPTIONAL { ?mo ckg:seconder ?s } }
  OPTIONAL { ?p foaf:name ?proposer } OPTIONAL { ?s foaf:name ?seconder } }"""


def _rows(ctx: Context, template: str, scope: Scope, names: tuple[str, ...]) -> list[dict]:
    """A per-document query's rows over the documents in scope, as dicts of strings ("" when unbound)."""
    return [
        {k: (r[k].value if r[k] is not None else "") for k in names}
        for d in sorted(scope.documents)
        for r in ctx.store.query(template, {"d": NamedNode(d)})
    ]


def _attendances(ctx: Context, scope: Scope) -> list[dict]:
    """Attendance rows of the documents in scope, in reading order of their passages."""
    rows = _rows(ctx, ATTENDANCE_QUERY, scope, ("a", "person", "name", "kind", "capacity", "chair", "src"))
    order = {e.iri: (e.line_start, e.line_end) for d in scope.documents for e in ctx.order.get(d, [])}
    return sorted(rows, key=lambda r: (order.get(r["src"], (0, 0)), r["name"]))


def _is_chair(row: dict) -> bool:
    return row["chair"] == "true"


def _query(template: str, scope: Scope) -> str:
    graphs = " ".join(f"<{d}>" for d in sorted(scope.documents))
    return template.replace("WHERE {", f"WHERE {{\n  VALUES ?d {{ {graphs} }}", 1)


def chair(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """The person the minutes record in the chair of the named meeting."""
    if not scope.documents:
        return None
    chairs = [r for r in _attendances(ctx, scope) if r["kind"] != "apologies" and _is_chair(r)]
    if not chairs:
        return None
    r = chairs[0]
    nodes = [
        {"iri": r["person"], "label": r["name"], "type": "foaf:Person"},
        {"iri": r["a"], "label": f"{r['name']}: {r['capacity']}", "type": "ckg:Attendance"},
    ]
    role = f" ({r['capacity']})" if r["capacity"] else ""
    return Found(f"{r['name']}{role}", nodes, _stating(ctx, r["src"], r["name"]), _query(ATTENDANCE_QUERY, scope))


def attendance_count(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """How many members the minutes list as present, with or without the chair as the question says."""
    if not scope.documents:
        return None
    present = [r for r in _attendances(ctx, scope) if r["kind"] == "present"]
    if re.search(rules()["meeting"]["without_chair"], q.text, re.I):
        present = [r for r in present if not _is_chair(r)]
    people = list(dict.fromkeys(r["person"] for r in present))
    if not people:
        return None
    names = [next(r["name"] for r in present if r["person"] == p) for p in people]
    nodes = [{"iri": p, "label": n, "type": "foaf:Person"} for p, n in zip(people, names)]
    sources = list(dict.fromkeys(s for r in present for s in _stating(ctx, r["src"], r["name"])))
    return Found(f"{len(people)} ({', '.join(names)})"[:280], nodes, sources, _query(ATTENDANCE_QUERY, scope))


def proposer(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """Who proposed (or seconded) the motion of the named meeting that the question describes."""
    if not scope.documents:
        return None
    motions = _rows(ctx, MOTIONS_QUERY, scope, ("mo", "text", "proposer", "seconder", "src"))
    seconded = bool(re.search(r"\bsecond(ed|er)\b", q.text, re.I))
    motions = [m for m in motions if m["seconder" if seconded else "proposer"]]
    if not motions:
        return None
    topic = set(q.topic)
    fit = lambda m: sum(ctx.idf.get(t, 1.0) for t in topic & set(tokens(f"{m['text']} {_passage(ctx, m['src'])}")))  # noqa: E731
    best = max(motions, key=fit)
    if len(motions) > 1 and fit(best) <= 0:
        return None
    who = best["seconder" if seconded else "proposer"]
    nodes = [{"iri": best["mo"], "label": best["text"][:80], "type": "ckg:Motion"}]
    return Found(
        f"{who} ({'seconder' if seconded else 'proposer'})",
        nodes,
        [best["src"]] if best["src"] else [],
        _query(MOTIONS_QUERY, scope),
    )


def _stating(ctx: Context, src: str, name: str) -> list[str]:
    """The passage a record came from, and the one that states the name when that is a later one
    (a "PRESENT:" label on one line, the names on the next)."""
    return [s for s in dict.fromkeys((ctx.located(src, name) or src,)) if s]


def _passage(ctx: Context, iri: str) -> str:
    entry = ctx.entries.get(iri)
    return entry.text if entry else ""
