"""Handlers for change over time, read from indicators (`kg.indicators`), series (`kg.trace`) and
document diffs (`kg.diff`):

- `target_met`: did the council meet its target for a period ("Did the council meet its 2019/20
  target for …?"): the outturn against the target for that period, by the target's comparison
  or the indicator's polarity;
- `indicator_change`: how a measure moved since a year ("How has … changed since 2017?"): its
  outturns and targets across every plan that reports it, reworded or not;
- `document_changes`: what changed between two versions of a document ("What changed between
  the September and October versions of …?"): the values and targets that changed, measures
  and delivery outcomes added or removed;
- `priority_became`: what a priority outcome became in later schemes (kept, renamed, replaced).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pyoxigraph import NamedNode

from kg.ask.compose import Found, with_values
from kg.ask.context import Context
from kg.ask.facts import QUERIES
from kg.ask.lookup import Candidate
from kg.ask.parse import Question
from kg.ask.scope import Scope
from kg.diff import MONTH_WORDS, Doc, DocDiff, diff, documents, title_words
from kg.grouping import label_words
from nlp.words import tokens
from kg.lineage import priority_lineage
from kg.trace import RESULT_KINDS, NotTraceable, Point, Series, series
from nlp.dates import month_number

SERIES_QUERY = (QUERIES / "indicator-series.rq").read_text(encoding="utf-8")
ATTAINMENT_QUERY = (QUERIES / "target-attainment.rq").read_text(encoding="utf-8")
DIFF_QUERY = (QUERIES / "version-diff.rq").read_text(encoding="utf-8")
INDICATOR_OF = "SELECT ?i WHERE { ?m ckg:indicator ?i }"
ROOM = 300  # characters of an answer
ASKING = frozenset(
    tokens("meet met meets achieve achieved hit reach reached miss missed exceed exceeded beat track since")
)


# -- the indicator a question names -----------------------------------------------------------
def _series(ctx: Context, q: Question, scope: Scope) -> tuple[Series, list[dict]] | None:
    """The series of the indicator of the best measure the question names, with that measure's node."""
    named = replace(
        q, topic=tuple(t for t in q.topic if t not in ASKING)
    )  # "meet", "since": the asking, not the measure
    for c in ctx.entities(named, {"Measure"}, scope)[:3] or _one_indicator(ctx, named, scope):
        indicator = _indicator(ctx, c.iri)
        if indicator:
            try:
                return series(ctx.store, indicator), [ctx.node(c, "ckg:Measure")]
            except NotTraceable:
                continue
    return None


def _indicator(ctx: Context, measure: str) -> str:
    row = next(iter(ctx.store.query(INDICATOR_OF, {"m": NamedNode(measure)})), None)
    return row["i"].value if row else ""


def _one_indicator(ctx: Context, q: Question, scope: Scope) -> list[Candidate]:
    """A short name ("direct payments") that the labels of one indicator's measures alone hold in full:
    they are versions of one measure, so the name is not ambiguous."""
    if len(set(q.topic)) < 2:
        return []
    full = [
        c
        for c in ctx.catalog.match(q.topic, {"Measure"}, q.text, k=12)
        if c.coverage >= 0.99 and (c.doc is None or scope.admits(c.doc.iri))
    ]
    return full[:1] if full and len({_indicator(ctx, c.iri) for c in full}) == 1 else []


def _indicator_node(s: Series) -> dict:
    return {"iri": s.indicator, "label": s.label, "type": "ckg:Indicator"}


def _point_node(p: Point) -> dict:
    return {"iri": p.observation, "label": f"{p.period} {p.kind.lower()}: {p.text}", "type": "qb:Observation"}


def _short(label: str, n: int = 90) -> str:
    return label if len(label) <= n else label[: n - 1].rstrip() + "…"


# -- did the council meet its target ------------------------------------------------------------
def target_met(ctx: Context, q: Question, scope: Scope) -> Found | None:
    found = _series(ctx, q, scope)
    if found is None:
        return None
    s, nodes = found
    asked = {p.label.replace("Ac Year ", "") for p in q.periods}
    judged = [a for a in s.attainment if not asked or a.period.replace("Ac Year ", "") in asked]
    sparql = with_values(ATTAINMENT_QUERY, "indicator", f"<{s.indicator}>")
    if not judged:
        period = ", ".join(sorted(asked)) or "any period"
        return Found(
            f"The documents give no outturn with a numeric target for {period} — {_short(s.label)}",
            nodes + [_indicator_node(s)],
            [p.passage for p in s.points if p.passage][:2],
            sparql,
        )
    a = judged[-1]
    verdict = {True: "Yes", False: "No", None: "Cannot tell"}[a.met]
    how = a.comparison if a.met is None else f"{a.comparison}; {a.basis}"
    text = f"{verdict}: {a.outturn.text} against a {a.period} target of {a.target.text} ({how}) — {_short(s.label)}"
    sources = [p.passage for p in (a.outturn, a.target) if p.passage]
    return Found(text, nodes + [_indicator_node(s), _point_node(a.outturn), _point_node(a.target)], sources, sparql)


# -- how a measure moved since a year ----------------------------------------------------------
def indicator_change(ctx: Context, q: Question, scope: Scope) -> Found | None:
    found = _series(ctx, q, scope)
    if found is None:
        return None
    s, nodes = found
    since = _since(q)
    points = [
        p
        for p in s.points
        if p.value is not None and p.area in ("", "AreaCouncil") and p.period and int(p.period_start[:4]) + 1 >= since
    ]
    results = _latest_by_period([p for p in points if p.kind in RESULT_KINDS])
    unit = _main_unit(results)
    targets = _latest_by_period([p for p in points if p.kind == "Target"], unit)
    if len(results) + len(targets) < 2:
        return None
    parts = [f"outturns {'; '.join(f'{p.period}: {p.text}' for p in results)}"] if results else []
    parts += [f"targets {_runs(targets)}"] if targets else []
    notes = [n for n, on in (("wording changed", s.definition_changed), ("unit changed", s.unit_changed)) if on]
    text = f"{' — '.join(parts)}{' (' + ', '.join(notes) + ')' if notes else ''} — {_short(s.label, 80)}"
    picked = results + targets
    return Found(
        text,
        nodes + [_indicator_node(s)] + [_point_node(p) for p in picked],
        list(dict.fromkeys(p.passage for p in reversed(picked) if p.passage)),
        with_values(SERIES_QUERY, "indicator", f"<{s.indicator}>"),
    )


def _runs(points: list[Point]) -> str:
    """ "2017/18–2019/20: 750; 2020/21: 390": consecutive periods stating the same written once."""
    runs: list[list[Point]] = []
    for p in points:
        if runs and runs[-1][-1].text == p.text:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "; ".join(f"{r[0].period}{'–' + r[-1].period if len(r) > 1 else ''}: {r[-1].text}" for r in runs)


def _since(q: Question) -> int:
    """The first year asked about: "since 2017" -> 2017 (periods ending in it count), "since 2017/18" -> 2018."""
    if q.periods:
        return min(p.start_year for p in q.periods) + 1
    return min(q.years) if q.years else 0


def _main_unit(points: list[Point]) -> str:
    units = [p.unit for p in points if p.unit]
    return max(set(units), key=units.count) if units else ""


def _latest_by_period(points: list[Point], unit: str | None = None) -> list[Point]:
    """One value per period (the latest document's) in one unit (given, else the commonest; no unit fits any)."""
    unit = _main_unit(points) if unit is None else unit
    latest: dict[str, Point] = {}
    for p in sorted(points, key=lambda p: (p.issued, p.document, p.observation)):
        if not p.unit or not unit or p.unit == unit:
            latest[p.period] = p
    return sorted(latest.values(), key=lambda p: p.period_start)


# -- what changed between two versions -----------------------------------------------------------
def document_changes(ctx: Context, q: Question, scope: Scope) -> Found | None:
    pair = _versions(ctx, q, scope)
    if pair is None:
        return None
    old, new = pair
    d = diff(ctx.store, old, new)
    rows = _focus(q, d)
    text = _summary(d, rows, old, new)
    sources = [r["new_passage"] or r["old_passage"] for r in rows if r["new_passage"] or r["old_passage"]]
    nodes = [{"iri": x.iri, "label": x.name(), "type": "foaf:Document"} for x in (new, old)]
    nodes += [{"iri": r["measure_b"], "label": r["label"], "type": "ckg:Measure"} for r in rows[:5]]
    sparql = with_values(with_values(DIFF_QUERY, "new", f"<{new.iri}>"), "old", f"<{old.iri}>")
    return Found(text, nodes, list(dict.fromkeys(sources)), sparql)


def _versions(ctx: Context, q: Question, scope: Scope) -> tuple[Doc, Doc] | None:
    """(older, newer): two documents of one title the question names, by the months or years it gives,
    else the latest one and the version it revises."""
    asked = title_words(q.text) - MONTH_WORDS
    groups: dict[frozenset, list[Doc]] = {}
    for d in documents(ctx.store):
        if scope.admits(d.iri):
            groups.setdefault(title_words(d.title), []).append(d)
    versions = [(len(asked & t), sorted(ds, key=lambda d: d.issued)) for t, ds in groups.items() if len(ds) > 1]
    versions = [(n, ds) for n, ds in versions if n >= 2]
    if not versions:
        return None
    best = max(n for n, _ in versions)
    named = [ds for n, ds in versions if n == best]
    for ds in named:
        picked = [d for d in ds if _named_date(q, d)]
        if len(picked) >= 2:
            return picked[0], picked[-1]
        if len(picked) == 1:
            at = ds.index(picked[0])
            return (ds[at - 1], ds[at]) if at > 0 else (ds[0], ds[1])
    return (named[0][-2], named[0][-1]) if len(named) == 1 else None


def _named_date(q: Question, d: Doc) -> bool:
    month = int(d.issued[5:7]) if len(d.issued) >= 7 else 0
    months = {month_number(m) for m in q.months}
    return bool(months) and month in months and (not q.years or int(d.issued[:4]) in q.years)


def _focus(q: Question, d: DocDiff) -> list[dict]:
    """The changed values, those of the measure the question names (when it names one) first and alone."""
    rows = d.values_changed + d.values_added + d.values_removed
    own = title_words(q.text) - title_words(d.b.title) - MONTH_WORDS
    hits = [(len(own & title_words(r["label"])), r) for r in rows]
    best = max((h for h, _ in hits), default=0)
    if best >= 2:
        return [r for h, r in hits if h == best]
    return sorted(
        rows,
        key=lambda r: (
            not r["new_values"],
            r["kind"] not in ("Outturn", "Target", "Actual"),
            r not in d.values_changed,
        ),
    )


def _summary(d: DocDiff, rows: list[dict], old: Doc, new: Doc) -> str:
    """ "September 2020 → October 2020: <measure>, 2020/21 target: <old> → <new>; …; +3 more; <counts>" in ROOM."""
    parts = [
        f"{_measure_name(r['label'])}, {r['period']} {r['kind'].lower()}: "
        f"{_short(r['old'], 24) or 'none'} → {_short(r['new'], 30) or 'removed'}"
        for r in rows
    ]
    counts = [
        f"{len(x)} {what}"
        for x, what in (
            (d.measures_added, "measures added"),
            (d.measures_removed, "measures removed"),
            (d.measures_reworded, "measures reworded"),
            (d.outcomes_added, "outcomes added"),
            (d.outcomes_removed, "outcomes removed"),
            (d.outcomes_renumbered, "outcomes renumbered"),
        )
        if x
    ]
    tail = "; ".join(counts) if counts else "no measures added or removed"
    shown: list[str] = []
    for part in parts:
        if len("; ".join(shown + [part, "+99 more", tail])) + 32 > ROOM and shown:
            break
        shown.append(part)
    if len(parts) > len(shown):
        shown.append(f"+{len(parts) - len(shown)} more")
    body = "; ".join(shown) if shown else "no values or targets changed"
    return f"{_when(old)} → {_when(new)}: {body}; {tail}"


def _measure_name(label: str) -> str:
    """A short name: a sub-measure keeps its own words ("… exclusions in secondary schools … — Permanent")."""
    parent, _, sub = label.rpartition(" — ")
    return f"{_short(parent, 36)} — {sub}" if parent else _short(label, 44)


def _when(d: Doc) -> str:
    try:
        return date.fromisoformat(d.issued).strftime("%B %Y")
    except ValueError:
        return d.issued or "undated"


# -- what a priority became ------------------------------------------------------------------------
PRIORITIES = (
    "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label ; skos:inScheme/dct:publisher ?council }"
)
LINEAGE_QUERY = (QUERIES / "priority-lineage.rq").read_text(encoding="utf-8")


def priority_became(ctx: Context, q: Question, scope: Scope) -> Found | None:
    """The priority outcome the question names in full, followed through the council's later schemes."""
    asked = label_words(q.text)
    named = [
        (len(label_words(r["label"].value)), r["c"].value)
        for r in ctx.store.query(PRIORITIES)
        if label_words(r["label"].value) <= asked
    ]
    if not named:
        return None
    steps = priority_lineage(ctx.store, max(named)[1])
    if len(steps) < 2:
        return None
    text = " → ".join(f"{s.label} ({s.year[:4]}{', ' + s.relation if s.relation else ''})" for s in steps)
    nodes = [{"iri": s.concept, "label": f"{s.label} ({s.year[:4]})", "type": "skos:Concept"} for s in steps]
    sources = [
        row["p"].value
        for s in steps
        for row in ctx.store.query("SELECT ?p WHERE { ?c prov:wasDerivedFrom ?p }", {"c": NamedNode(s.concept)})
    ]
    return Found(text, nodes, sources, with_values(LINEAGE_QUERY, "earlier", f"<{steps[0].concept}>"))
