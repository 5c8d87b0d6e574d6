"""Tracing across years: the series of an indicator, its target attainment, and what a priority became.

- `find(store, term)`: what a term names — an indicator, measure or priority IRI, or words
  matched to indicator, measure and priority labels;
- `series(store, indicator)`: every value of every measure of the indicator, by period, each
  with its source document and line; values of one period and kind that differ between
  documents are flagged; `attainment` sets each outturn against the target for its period,
  by the target's own comparison ("≥", "no more than") or else the indicator's polarity;
- `priority_lineage(store, concept)`: the priority across the council's schemes (renamed or
  kept), each year with its delivery outcomes and measures.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from pyoxigraph import NamedNode

from kg.errors import CouncilKGError
from kg.grouping import label_words, rules
from kg.indicators import local_name, text_of

SERIES_QUERY = """
SELECT ?m ?label ?doc ?title ?issued ?source ?o ?period ?pstart ?kind ?value ?text ?unit ?area ?qual ?status ?cell ?line ?src
WHERE {
  ?m ckg:indicator ?indicator ; rdfs:label ?label ; ckg:inPlan ?doc .
  ?doc dct:title ?title ; ckg:sourceFile ?source .
  OPTIONAL { ?doc dct:issued ?issued }
  ?o ckg:measure ?m ; ckg:valueKind ?kind ; ckg:valueText ?text .
  OPTIONAL { ?o ckg:period ?p . ?p rdfs:label ?period ; ckg:startDate ?pstart }
  OPTIONAL { ?o ckg:value ?value } OPTIONAL { ?o ckg:unit ?unit } OPTIONAL { ?o ckg:area ?area }
  OPTIONAL { ?o ckg:qualifier ?qual } OPTIONAL { ?o ckg:status ?status } OPTIONAL { ?o ckg:cell ?cell }
  OPTIONAL { ?o prov:wasDerivedFrom ?src . ?src ckg:lineStart ?line }
}"""
INDICATOR_QUERY = """
SELECT ?label ?polarity ?basis ?defChanged ?unitChanged WHERE {
  ?indicator a ckg:Indicator ; rdfs:label ?label ; ckg:definitionChanged ?defChanged ; ckg:unitChanged ?unitChanged .
  OPTIONAL { ?indicator ckg:polarity ?polarity ; ckg:polarityBasis ?basis }
}"""
LABELS_QUERY = """
SELECT ?node ?label ?kind ?indicator WHERE {
  { ?node a ckg:Indicator ; rdfs:label ?label . BIND ("indicator" AS ?kind) BIND (?node AS ?indicator) }
  UNION { ?node a ckg:Measure ; rdfs:label ?label ; ckg:indicator ?indicator . BIND ("measure" AS ?kind) }
  UNION { ?node a skos:Concept ; skos:prefLabel ?label ; skos:inScheme/dct:publisher ?council . BIND ("priority" AS ?kind) }
}"""
KINDS_SHOWN = ("Outturn", "Actual", "Target", "Forecast", "Floor", "NationalAverage", "Comparator", "Previous")
RESULT_KINDS = ("Outturn", "Actual")


@dataclass(frozen=True)
class Point:
    """One value of the series, where it was read."""

    period: str
    period_start: str
    kind: str
    text: str
    value: Decimal | None
    unit: str
    area: str
    qualifier: str
    status: str
    measure: str
    label: str
    document: str
    title: str
    issued: str
    source: str
    line: int | None
    observation: str
    passage: str = ""  # the passage it was read from
    disagrees: bool = False

    def as_dict(self) -> dict:
        d = asdict(self)
        d["value"] = float(self.value) if self.value is not None else None
        return d


@dataclass(frozen=True)
class Attainment:
    """An outturn set against the target for its period."""

    period: str
    outturn: Point
    target: Point
    met: bool | None  # None: not comparable (units differ)
    comparison: str  # "921 ≥ 750", or why they cannot be compared
    basis: str = ""  # what said which way is better

    @property
    def rule(self) -> str:
        if self.met is None:
            return self.comparison
        return f"{'met' if self.met else 'not met'}: {self.comparison} ({self.basis})"


@dataclass
class Series:
    indicator: str
    label: str
    polarity: str = ""
    polarity_basis: str = ""
    definition_changed: bool = False
    unit_changed: bool = False
    points: list[Point] = field(default_factory=list)
    attainment: list[Attainment] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)

    def polarity_text(self) -> str:
        """ "higher is better (from the measure's wording)", or ""."""
        if not self.polarity:
            return ""
        return (
            f"{BASIS.get(self.polarity, self.polarity)} ({BASIS_SOURCE.get(self.polarity_basis, self.polarity_basis)})"
        )

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "polarity": self.polarity,
            "polarity_basis": self.polarity_basis,
            "polarity_text": self.polarity_text(),
            "definition_changed": self.definition_changed,
            "unit_changed": self.unit_changed,
            "measures": self.measures,
            "points": [p.as_dict() for p in self.points],
            "attainment": [
                {
                    "period": a.period,
                    "outturn": a.outturn.text,
                    "target": a.target.text,
                    "met": a.met,
                    "comparison": a.comparison,
                    "basis": a.basis,
                    "rule": a.rule,
                    "outturn_document": a.outturn.title,
                    "target_document": a.target.title,
                    "outturn_line": a.outturn.line,
                    "target_line": a.target.line,
                }
                for a in self.attainment
            ],
            "sparkline": sparkline(self),
        }


class NotTraceable(CouncilKGError):
    """The term names nothing that can be traced."""


# -- what a term names -----------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    kind: str  # indicator | priority
    iri: str
    label: str
    score: float


def find(store, term: str, limit: int = 8) -> list[Match]:
    """Indicators and priorities the term names, best first: an IRI exactly, else by label words."""
    term = term.strip()
    if not term:
        raise NotTraceable("give a measure label, an indicator IRI or a priority")
    rows = [
        (r["node"].value, r["label"].value, r["kind"].value, r["indicator"].value if r["indicator"] else "")
        for r in store.query(LABELS_QUERY)
    ]
    if re.match(r"^https?://", term):
        hit = next(((k, i or n, lab) for n, lab, k, i in rows if n == term), None)
        if hit is None:
            raise NotTraceable(f"no indicator, measure or priority has the IRI {term}")
        kind, iri, label = hit
        return [Match("priority" if kind == "priority" else "indicator", iri, _indicator_label(rows, iri, label), 1.0)]
    words = label_words(term)
    best: dict[str, Match] = {}
    for node, label, kind, indicator in rows:
        lw = label_words(label)
        if not words or not lw:
            continue
        hit = len(words & lw)
        score = round(hit / len(words) * 0.7 + hit / len(lw) * 0.3, 4)
        key = indicator if kind != "priority" else node
        if score > 0 and (key not in best or best[key].score < score):
            best[key] = Match(
                "priority" if kind == "priority" else "indicator", key, _indicator_label(rows, key, label), score
            )
    found = sorted(best.values(), key=lambda m: (-m.score, m.kind, m.label))[:limit]
    if not found or found[0].score < 0.5:
        raise NotTraceable(f"nothing to trace matches {term!r}: try more words of a measure's label")
    return found


def _indicator_label(rows: list[tuple], iri: str, fallback: str) -> str:
    return next((lab for n, lab, k, _ in rows if n == iri and k == "indicator"), fallback)


# -- the series of an indicator ----------------------------------------------------------------
def series(store, indicator: str) -> Series:
    """Every value of the indicator's measures, ordered by period, kind and document date."""
    head = list(store.query(INDICATOR_QUERY, {"indicator": NamedNode(indicator)}))
    if not head:
        raise NotTraceable(f"{indicator} is not an indicator")
    h = head[0]
    out = Series(
        indicator,
        h["label"].value,
        local_name(text_of(h, "polarity")),
        text_of(h, "basis"),
        h["defChanged"].value == "true",
        h["unitChanged"].value == "true",
    )
    points = []
    for r in store.query(SERIES_QUERY, {"indicator": NamedNode(indicator)}):
        kind = local_name(r["kind"].value)
        if kind not in KINDS_SHOWN:
            continue
        cell = text_of(r, "cell")
        line = int(cell.split("/")[0]) if cell else (int(text_of(r, "line")) if text_of(r, "line") else None)
        points.append(
            Point(
                text_of(r, "period"),
                text_of(r, "pstart"),
                kind,
                r["text"].value,
                Decimal(text_of(r, "value")) if text_of(r, "value") else None,
                local_name(text_of(r, "unit")),
                local_name(text_of(r, "area")),
                text_of(r, "qual"),
                text_of(r, "status"),
                r["m"].value,
                r["label"].value,
                r["doc"].value,
                r["title"].value,
                text_of(r, "issued"),
                r["source"].value,
                line,
                r["o"].value,
                text_of(r, "src"),
            )
        )
    points = sorted(
        set(points),
        key=lambda p: (
            p.period_start or "9999",
            _kind_order(p.kind),
            p.area,
            p.issued,
            p.document,
            p.line or 0,
            p.observation,
        ),
    )
    out.points = _flag_disagreements(points)
    out.measures = sorted({(p.measure, p.label, p.title, p.issued) for p in points}, key=lambda m: (m[3], m[0]))
    out.measures = [{"measure": m, "label": lab, "document": t, "issued": i} for m, lab, t, i in out.measures]
    out.attainment = attainment(out.points, out.polarity, out.polarity_basis)
    return out


def _kind_order(kind: str) -> int:
    return KINDS_SHOWN.index(kind) if kind in KINDS_SHOWN else len(KINDS_SHOWN)


def _own_area(p: Point) -> bool:
    return p.area in ("", "AreaCouncil")


def stated(p: Point) -> tuple:
    """What a value says, for comparing documents: the number, unit and comparison, else its words."""
    if p.value is not None:
        return ("n", p.value.normalize(), p.unit, p.qualifier)
    return ("t", " ".join(re.findall(r"\w+", p.text.lower())))


def _flag_disagreements(points: list[Point]) -> list[Point]:
    """Mark values of one period, kind and area whose documents state them differently."""
    said: dict[tuple, dict[str, set]] = {}
    for p in points:
        if p.period:
            said.setdefault((p.period, p.kind, p.area), {}).setdefault(p.document, set()).add(stated(p))
    differ = {k for k, docs in said.items() if len(docs) > 1 and len({frozenset(v) for v in docs.values()}) > 1}
    return [Point(**{**p.__dict__, "disagrees": (p.period, p.kind, p.area) in differ}) for p in points]


def attainment(points: list[Point], polarity: str = "", polarity_basis: str = "") -> list[Attainment]:
    """Each period's outturn (the latest document's) against its target (the latest document's setting it)."""
    out = []
    periods = dict.fromkeys(p.period for p in points if p.period and p.kind in RESULT_KINDS and p.value is not None)
    for period in periods:
        results = [
            p for p in points if p.period == period and p.kind in RESULT_KINDS and p.value is not None and _own_area(p)
        ]
        targets = [
            p for p in points if p.period == period and p.kind == "Target" and p.value is not None and _own_area(p)
        ]
        if not results or not targets:
            continue
        target = max(targets, key=lambda p: (p.issued, p.document))
        same = [p for p in results if p.unit == target.unit] or [p for p in results if not p.unit or not target.unit]
        outturn = max(same or results, key=lambda p: (p.issued, p.document))
        out.append(_judge(period, outturn, target, polarity, polarity_basis))
    return out


BASIS = {
    "HigherIsBetter": "higher is better",
    "LowerIsBetter": "lower is better",
    "OnTarget": "closest to target is best",
}
BASIS_SOURCE = {
    "stated": "as the document states",
    "target qualifiers": "from its targets' comparisons",
    "label wording": "from the measure's wording",
}


def _judge(period: str, outturn: Point, target: Point, polarity: str, polarity_basis: str = "") -> Attainment:
    if outturn.unit and target.unit and outturn.unit != target.unit:
        return Attainment(period, outturn, target, None, f"not comparable: {outturn.unit} against {target.unit}")
    direction = next(
        (name for name, rx in rules()["qualifiers"] if target.qualifier and rx.match(target.qualifier)), ""
    )
    if direction:
        basis = f"{BASIS[direction]}, by the target's own “{target.qualifier}”"
    elif polarity:
        direction, basis = (
            polarity,
            f"{BASIS.get(polarity, polarity)}, {BASIS_SOURCE.get(polarity_basis, 'by its polarity')}",
        )
    else:
        direction, basis = "HigherIsBetter", "higher taken as better: no polarity is known"
    strict = bool(
        re.match(r"^(?:>|<|more than|less than|over|under|above|below)(?!=)", target.qualifier or "", re.IGNORECASE)
    )
    o, t = outturn.value, target.value
    if direction == "LowerIsBetter":
        met, sign = (o < t if strict else o <= t), ("<" if strict else "≤")
    elif direction == "OnTarget":
        met, sign = o == t, "="
    else:
        met, sign = (o > t if strict else o >= t), (">" if strict else "≥")
    shown = sign if met else {"≥": "<", ">": "≤", "≤": ">", "<": "≥", "=": "≠"}[sign]
    return Attainment(period, outturn, target, met, f"{o.normalize():f} {shown} {t.normalize():f}", basis)


# -- one-line view -----------------------------------------------------------------------------
BARS = "▁▂▃▄▅▆▇█"


def headline(s: Series) -> list[Point]:
    """The series' own outturns, one per period (the latest document's), in its commonest unit."""
    results = [p for p in s.points if p.kind in RESULT_KINDS and p.value is not None and _own_area(p) and p.period]
    units = [p.unit for p in results]
    main = max(set(units), key=units.count) if units else ""
    latest: dict[str, Point] = {}
    for p in results:
        if p.unit == main and (
            p.period not in latest or (p.issued, p.document) >= (latest[p.period].issued, latest[p.period].document)
        ):
            latest[p.period] = p
    return sorted(latest.values(), key=lambda p: p.period_start)


def sparkline(s: Series) -> str:
    values = [float(p.value) for p in headline(s)]
    if not values:
        return ""
    lo, hi = min(values), max(values)
    return "".join(BARS[0 if hi == lo else round((v - lo) / (hi - lo) * (len(BARS) - 1))] for v in values)


# -- entry points for the CLI, the pages and questions ---------------------------------------
CANDIDATES_QUERY = """
SELECT ?later ?laterLabel ?laterDoc ?earlier ?earlierLabel ?earlierDoc ?score ?reason WHERE {
  ?c a ckg:LinkCandidate ; ckg:linkFrom ?later ; ckg:linkTo ?earlier ; ckg:linkScore ?score ; ckg:notLinkedBecause ?reason .
  ?later rdfs:label ?laterLabel ; ckg:inPlan/dct:title ?laterDoc .
  ?earlier rdfs:label ?earlierLabel ; ckg:inPlan/dct:title ?earlierDoc .
} ORDER BY DESC(?score) ?later ?earlier"""
MEMBERS_QUERY = "SELECT ?m WHERE { ?m ckg:indicator ?indicator }"


def trace_term(store, term: str) -> dict:
    """What `term` names, traced: an indicator's series or a priority's lineage, with other close matches."""
    from kg.lineage import priority_lineage

    matches = find(store, term)
    top = matches[0]
    others = [asdict(m) for m in matches[1:] if m.score >= top.score - 0.15][:5]
    if top.kind == "priority":
        return {
            "kind": "priority",
            "match": asdict(top),
            "alternatives": others,
            "lineage": [s.as_dict() for s in priority_lineage(store, top.iri)],
        }
    return {
        "kind": "indicator",
        "match": asdict(top),
        "alternatives": others,
        "series": series(store, top.iri).as_dict(),
    }


def candidates(store, term: str = "") -> list[dict]:
    """Near misses (`ckg:LinkCandidate`): all, or those touching the measures of the indicator `term` names."""
    rows = [
        {
            "later_measure": r["later"].value,
            "later": r["laterLabel"].value,
            "later_document": r["laterDoc"].value,
            "earlier_measure": r["earlier"].value,
            "earlier": r["earlierLabel"].value,
            "earlier_document": r["earlierDoc"].value,
            "score": float(r["score"].value),
            "reason": r["reason"].value,
        }
        for r in store.query(CANDIDATES_QUERY)
    ]
    if not term:
        return rows
    top = find(store, term)[0]
    members = {r["m"].value for r in store.query(MEMBERS_QUERY, {"indicator": NamedNode(top.iri)})}
    return [r for r in rows if r["later_measure"] in members or r["earlier_measure"] in members]
