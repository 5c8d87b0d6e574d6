"""Handlers about the outline of the documents: role holders, delivery outcomes by number,
priority outcomes, who provides a service, and how many indicators carry a RAG rating."""

from __future__ import annotations

import re
from dataclasses import replace

from pyoxigraph import Literal, NamedNode

from kg.ask.compose import (
    MIN_COVERAGE,
    MEMBERSHIPS_QUERY,
    OUTCOME_QUERY,
    PRIORITY_QUERY,
    PROVIDER_QUERY,
    RAG_QUERY,
    ROLE_QUERY,
    Found,
    join_and,
    named_year,
    same_month,
    with_values,
)
from kg.ask.context import Context
from kg.ask.facts import synonyms
from nlp.words import stem, tokens
from kg.ask.parse import Question, rules
from kg.ask.scope import Scope


# the count's document and rating, bound in RAG_QUERY too: unbound there, the store counts every plan's ratings
RAG_OF_QUERY = "SELECT ?doc ?rating WHERE { ?doc ckg:statedRagCount ?e . ?e ckg:ragRating ?rating }"
ROLE_COVERAGE = 0.75  # share of the question's topic a role and its body must cover


def count_rag(ctx: Context, q: Question, scope: Scope) -> Found | None:
    rating = next((r for r in ("red", "amber", "green") if re.search(rf"\b{r}\b", q.text.lower())), None)
    stated = [
        (iri, label, doc)
        for iri, label, doc in ctx.catalog.by_kind("StatedRagCount")
        if rating and label.lower().endswith(rating) and (doc is None or scope.admits(doc.iri))
    ]
    if not stated:
        return None
    topic = set(q.topic)
    iri, label, doc = max(stated, key=lambda t: len(topic & set(tokens(t[2].title if t[2] else ""))))
    e = NamedNode(iri)
    of = next(iter(ctx.store.query(RAG_OF_QUERY, {"e": e})), None)
    bound = {"e": e} | ({"doc": of["doc"], "rating": of["rating"]} if of else {})
    rows = list(ctx.store.query(RAG_QUERY, bound))
    if not rows:
        return None
    r = rows[0]
    counted = f"; {r['counted'].value} rated {rating} in its table" if int(r["counted"].value) else ""
    return Found(
        f"{label}{counted} — {r['title'].value}",
        [
            {"iri": iri, "label": label, "type": "ckg:StatedRagCount"},
            {"iri": r["doc"].value, "label": r["title"].value, "type": "foaf:Document"},
        ],
        [r["src"].value] if r["src"] is not None else [],
        with_values(RAG_QUERY, "e", f"<{iri}>"),
    )


def provider(ctx: Context, q: Question, scope: Scope) -> Found | None:
    kinds = {
        stem(w) for w in rules().get("provider_words", [])
    }  # "which NHS trust…": the kind of body, not the service
    q = replace(q, topic=tuple(t for t in q.topic if t not in kinds) or q.topic)
    for c in ctx.entities(q, {"Service"}, scope)[:3]:
        rows = list(ctx.store.query(PROVIDER_QUERY, {"e": NamedNode(c.iri)}))
        if rows:
            names = list(dict.fromkeys(r["label"].value for r in rows))
            nodes = [ctx.node(c, "ckg:Service")] + [
                {"iri": r["provider"].value, "label": r["label"].value, "type": "ckg:Provider"} for r in rows
            ]
            verb = "is led by" if all(r["kind"].value == "ledBy" for r in rows) else "is provided by"
            return Found(
                f"{c.label} {verb} {join_and(names)}",
                nodes,
                [r["src"].value for r in rows if r["src"] is not None],
                ctx.query(PROVIDER_QUERY, c.iri),
            )
    return None


def role_holder(ctx: Context, q: Question, scope: Scope) -> Found | None:
    for c in ctx.entities(q, {"Role"}, scope)[:2]:
        if not _names_role(ctx, q, c.label):
            continue
        rows = list(ctx.store.query(ROLE_QUERY, {"e": NamedNode(c.iri)}))
        if rows:
            r = rows[0]
            return Found(
                f"{r['name'].value} ({c.label})",
                [ctx.node(c, "org:Role"), {"iri": r["person"].value, "label": r["name"].value, "type": "foaf:Person"}],
                [x["src"].value for x in rows if x["src"] is not None],
                ctx.query(ROLE_QUERY, c.iri),
            )
    return _role_in_body(ctx, q, scope)


def _names_role(ctx: Context, q: Question, role: str) -> bool:
    """The question names this role, not only part of a longer one ("Interim Deputy Director of …")."""
    return ctx.catalog.overlap(set(tokens(role)), _asked(ctx, tokens(q.text)))[1] >= MIN_COVERAGE


def _asked(ctx: Context, words) -> set[str]:
    same = synonyms()  # "chaired" names the Chairman
    return {same.get(t, t) for t in words}


def _role_in_body(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """ "Who is the Chairman of <committee>": the role and the body named together, latest holder first;
    among holders recorded the same day, the one whose passage shares most words with the question."""
    topic = _asked(ctx, q.topic)
    held = ctx.memberships
    best, best_key = None, (0.0, False, "", 0)
    for i in held.sharing(topic):  # a membership sharing no word cannot cover the topic
        r = held.rows[i]
        src = ctx.entries.get(r["src"]) if r["src"] is not None else None
        if src is not None and not scope.admits(src.document):
            continue
        f1, cov = ctx.catalog.overlap(topic, held.words[i])
        key = (
            round(f1, 3),
            same_month(q, r["when"] or ""),
            r["when"] or "",
            len(topic & set(tokens(src.text))) if src else 0,
        )
        if cov >= ROLE_COVERAGE and key > best_key and _names_role(ctx, q, r["role"]):
            best, best_key = r, key
    if best is None:
        return None
    when = f", {best['when']}" if best["when"] is not None else ""
    return Found(
        f"{best['name']} ({best['role']}, {best['body']}{when})",
        [
            {"iri": best["m"], "label": f"{best['role']}, {best['body']}", "type": "org:Membership"},
            {"iri": best["person"], "label": best["name"], "type": "foaf:Person"},
        ],
        [best["src"]] if best["src"] is not None else [],
        MEMBERSHIPS_QUERY,
    )


def outcome_text(ctx: Context, q: Question, scope: Scope) -> Found | None:
    if q.number is None:
        return None
    rows = list(ctx.store.query(OUTCOME_QUERY, {"n": Literal(q.number)}))
    if not rows:
        return None
    topic = set(q.topic)
    best = max(
        rows,
        key=lambda r: (
            len(topic & set(tokens(r["title"].value))),
            named_year(q, r["issued"].value if r["issued"] else ""),
            r["issued"].value if r["issued"] else "",
        ),
    )
    text = f"Delivery outcome {q.number}: {best['text'].value} — {best['title'].value}"
    nodes = [
        {"iri": best["outcome"].value, "label": best["text"].value, "type": "ckg:DeliveryOutcome"},
        {"iri": best["plan"].value, "label": best["title"].value, "type": "foaf:Document"},
    ]
    sparql = with_values(OUTCOME_QUERY, "n", str(q.number))
    return Found(text, nodes, [best["src"].value] if best["src"] else [], sparql)


def priority_outcomes(ctx: Context, q: Question, scope: Scope) -> Found | None:
    years = [p.start_year for p in q.periods] + list(q.years)
    rows = ctx.store.query("SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?c skos:inScheme ?s ; skos:prefLabel ?l } }")
    schemes = sorted({r["s"].value for r in rows if scope.admits(r["g"].value)})
    if years:
        schemes = [s for s in schemes if any(s.endswith(f"/{y}") for y in years)] or [
            s for s in schemes if any(s.endswith(f"/{y - 1}") for y in years)
        ]
    if not schemes:
        return None
    scheme = sorted(schemes)[-1]
    rows = list(ctx.store.query(PRIORITY_QUERY, {"scheme": NamedNode(scheme)}))
    labels = list({r["label"].value.strip().lower(): r["label"].value.strip() for r in reversed(rows)}.values())[::-1]
    nodes = [{"iri": scheme, "label": "priority outcomes", "type": "skos:ConceptScheme"}] + [
        {"iri": r["concept"].value, "label": r["label"].value, "type": "skos:Concept"} for r in rows
    ]
    return Found(
        "; ".join(labels),
        nodes,
        [r["src"].value for r in rows if r["src"] is not None],
        with_values(PRIORITY_QUERY, "scheme", f"<{scheme}>"),
    )
