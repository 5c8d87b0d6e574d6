"""Handlers for one entity's values and links: a measure's or budget line's value for a period
and kind, a measure's lead member and delivery outcomes, a risk's owner and other facts."""

from __future__ import annotations

import re

from kg.ask.compose import NOT_FOUND, Found, norm_label
from kg.ask.context import Context
from kg.ask.facts import LINKS_QUERY, VALUES_QUERY, Fact, facts_of, pick_link, pick_value, words_of
from kg.ask.lookup import Candidate
from kg.ask.parse import Question
from kg.ask.scope import Scope

OUTCOME_NUMBERS = re.compile(r"\bDelivery outcomes? \d+(?:(?:, | and | & )\d+)*", re.I)


def value(ctx: Context, q: Question, scope: Scope) -> Found | None:
    cands = ctx.entities(q, {"Measure", "BudgetLine", "CapitalProject", "Procurement"}, scope)
    for c in cands[:3]:
        facts = facts_of(ctx.store, c.iri)
        values = pick_value(q, facts, c.label)
        if values and (q.periods or q.kinds or c.kind != "Procurement"):
            return _value_answer(ctx, c, values[0], q, cands)
        links = [] if q.periods and any(f.period for f in facts) else pick_link(q, facts)
        if links:
            return ctx.fact_answer(c, links[0], facts)
    if cands and q.periods:  # the entity is known, the period asked for is not in the documents
        c = cands[0]
        sources = [f.source for f in facts_of(ctx.store, c.iri) if f.source]
        return Found(NOT_FOUND, [ctx.node(c, "ckg:" + c.kind)], sources[:1], ctx.query(VALUES_QUERY, c.iri))
    return None


def _value_answer(ctx: Context, c: Candidate, f: Fact, q: Question, cands: list[Candidate]) -> Found:
    where = f.area and words_of(f.area).replace("area ", "")
    context = ", ".join(x for x in (f.kind and words_of(f.kind), f.month[:7] or f.period, where) if x)
    title = (c.doc.title + (f" ({c.doc.issued:%B %Y})" if c.doc.issued else "")) if c.doc else ""
    text = f"{f.value} ({context}) — {c.label[:120]}; {title}"
    nodes = [ctx.node(c, "ckg:" + c.kind), {"iri": f.node, "label": f.value, "type": "qb:Observation"}]
    if c.doc:
        nodes.append({"iri": c.doc.iri, "label": c.doc.title, "type": "foaf:Document"})
    return Found(
        text, nodes + _other_versions(ctx, c, q, cands), [s for s in (f.source,) if s], ctx.query(VALUES_QUERY, c.iri)
    )


def _other_versions(ctx: Context, chosen: Candidate, q: Question, cands: list[Candidate]) -> list[dict]:
    """The same entity in other documents (earlier or later plan versions): its matching value nodes."""
    nodes = []
    for c in cands:
        if (
            c.iri != chosen.iri
            and c.doc
            and chosen.doc
            and c.doc.iri != chosen.doc.iri
            and norm_label(c.label) == norm_label(chosen.label)
        ):
            values = pick_value(q, facts_of(ctx.store, c.iri), c.label)
            if values:
                label = (
                    f"{values[0].value} ({c.doc.title}{c.doc.issued and ', ' + c.doc.issued.strftime('%B %Y') or ''})"
                )
                nodes += [
                    ctx.node(c, "ckg:" + c.kind),
                    {"iri": values[0].node, "label": label, "type": "qb:Observation"},
                ]
    return nodes


def measure_lead(ctx: Context, q: Question, scope: Scope) -> Found | None:
    return ctx.link_of(q, {"Measure"}, ("leadMember",), "Lead member: {}", scope)


def measure_outcomes(ctx: Context, q: Question, scope: Scope) -> Found | None:
    return ctx.link_of(q, {"Measure"}, ("deliversOutcome",), "Delivery outcomes {}", scope) or _outcomes_in_row(
        ctx, q, scope
    )


def _outcomes_in_row(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """No outcome links in the graph: the "Delivery outcomes 4, 5 and 6" the measure's own row states."""
    for c in ctx.entities(q, {"Measure"}, scope)[:2]:
        for src in dict.fromkeys(f.source for f in facts_of(ctx.store, c.iri) if f.source):
            m = OUTCOME_NUMBERS.search(ctx.entries[src].text) if src in ctx.entries else None
            if m:
                return Found(
                    f"{m.group(0)} — {c.label[:150]}",
                    [ctx.node(c, "ckg:Measure")],
                    [src],
                    ctx.query(LINKS_QUERY, c.iri),
                )
    return None


def risk_owner(ctx: Context, q: Question, scope: Scope) -> Found | None:
    risks = ctx.risks(q, scope)
    if risks is None:
        return Found(NOT_FOUND)
    return next((f for c in risks[:2] for f in [ctx.link_answer(c, ("riskOwner", "ownerText"), "{}")] if f), None)


def risk_fact(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """What a risk register records about one risk: its likelihood, impact, title, id, rating…"""
    if q.wants_number:
        return None
    risks = ctx.risks(q, scope)
    if risks is None:
        return Found(NOT_FOUND)
    for c in risks[:2]:
        facts = facts_of(ctx.store, c.iri)
        links = pick_link(q, facts)
        if links:
            return ctx.fact_answer(c, links[0], facts)
    return None
