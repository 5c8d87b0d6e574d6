"""Handlers across documents and years: what changed between versions of a plan, and a
measure's series of outturns."""

from __future__ import annotations

import re
from datetime import date

from kg.ask.facts import VALUES_QUERY, Fact, facts_of, pick_value, words_of
from kg.ask.compose import Found, norm_label
from nlp.words import tokens
from kg.ask.context import Context
from kg.ask.parse import Question
from kg.ask.scope import Scope


def version_diff(ctx: Context, q: Question, scope: Scope) -> Found | None:
    cands = ctx.entities(q, {"Measure"})
    if not cands:
        return None
    same = [c for c in cands if norm_label(c.label) == norm_label(cands[0].label) and c.doc]
    if q.months:
        same = [c for c in same if c.doc.issued and c.doc.issued.strftime("%B").lower() in q.months] or same
    same = sorted({c.doc.iri: c for c in same}.values(), key=lambda c: c.doc.issued or date.min)
    parts, found = [], Found("", [], [], ctx.query(VALUES_QUERY, same[-1].iri))
    picked = {
        c.iri: {(f.period, f.kind, f.area): f for f in reversed(pick_value(q, facts_of(ctx.store, c.iri)))}
        for c in same
    }
    key = changed_key([picked[c.iri] for c in same], pick_value(q, facts_of(ctx.store, same[-1].iri)))
    for c in same:
        f = picked[c.iri].get(key)
        if f:
            parts.append(f"{c.doc.issued.strftime('%B %Y') if c.doc.issued else c.doc.title}: {f.value}")
            found.nodes += [ctx.node(c, "ckg:Measure"), {"iri": f.node, "label": f.value, "type": "qb:Observation"}]
            found.sources += [f.source] if f.source else []
    if len(parts) < 2:
        return None
    changed = "unchanged" if len({p.split(": ", 1)[1] for p in parts}) == 1 else "changed"
    what = " ".join(x for x in (key[0], words_of(key[1])) if x)
    found.text = f"{'; '.join(parts)} ({changed}) — {what + ', ' if what else ''}{cands[0].label[:100]}"
    found.sources.reverse()  # latest version's passage first
    return found


def trace(ctx: Context, q: Question, scope: Scope) -> Found | None:
    cands = ctx.entities(q, {"Measure"})
    if not cands:
        return None
    top = set(tokens(cands[0].label))
    same = [c for c in cands if c.score >= cands[0].score - 0.08 or _restates(top, set(tokens(c.label)))]
    series: dict[str, tuple] = {}
    for c in sorted(same, key=lambda c: c.doc.issued if c.doc and c.doc.issued else date.min):
        for f in facts_of(ctx.store, c.iri):
            if f.period and f.kind == "Outturn" and f.area in ("", "AreaCouncil") and re.search(r"\d", f.value):
                series[f.period] = (f, c)
    if q.periods:
        lo, hi = min(q.periods).start_year, max(q.periods).start_year
        if len(q.periods) == 1 and re.search(r"\b(since|from)\b", q.text, re.I):  # "since 2015/16": to the latest
            hi = 9999
        series = {p: v for p, v in series.items() if lo <= int(re.sub(r"\D", "", p)[:4]) <= hi}
    if len(series) < 2:
        return None
    ordered = sorted(series.items())
    text = "; ".join(f"{p}: {f.value}" for p, (f, _) in ordered) + f" — {cands[0].label[:100]} (outturns)"
    nodes = [{"iri": f.node, "label": f"{p}: {f.value}", "type": "qb:Observation"} for p, (f, _) in ordered]
    nodes += [ctx.node(c, "ckg:Measure") for c in dict.fromkeys(c for _, (_, c) in ordered)]
    sources = [f.source for _, (f, _) in reversed(ordered) if f.source]
    return Found(text, nodes, sources, ctx.query(VALUES_QUERY, cands[0].iri))


def _restates(a: set[str], b: set[str]) -> bool:
    """One label is the other with a word or two more ("Increase the number of …" / "Number of …")."""
    small, big = sorted((a, b), key=len)
    return bool(small) and small <= big and len(big - small) <= 2


def changed_key(versions: list[dict], ranked: list[Fact]) -> tuple | None:
    """The (period, kind, area) asked about: the best-ranked one whose value differs between versions, else the best."""
    keys = [(f.period, f.kind, f.area) for f in ranked]
    shared = [k for k in dict.fromkeys(keys) if all(k in v for v in versions)]
    differ = [k for k in shared if len({v[k].value for v in versions}) > 1]
    return (differ or shared or [None])[0]
