"""Plan measures -> triples: `ckg:Measure` nodes and one `qb:Observation` per value.

A measure is plan-scoped (`…/measure/7`, sub-measures `…/measure/7/i`); it points to
its plan, lead member, priority outcome and delivery outcomes. Each observation records
the cell it came from (`ckg:cell` "line/column") and its verbatim text.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, QB
from nlp.extract.plan_measures import MeasureObservation, PlanMeasure
from nlp.cells import Value

FLAG_PROPERTIES = {"Council Plan": CKG.councilPlan, "Health & Wellbeing Strategy": CKG.healthAndWellbeingStrategy}


def measure_iri(dg: DocGraph, number: int, sub: str | None = None) -> URIRef:
    """The measure of row `number` of this plan, or its sub-measure `sub`."""
    return dg.node("measure", number, sub) if sub else dg.node("measure", number)


def build_measure(dg: DocGraph, m: PlanMeasure) -> None:
    node = dg.typed(measure_iri(dg, m.number, m.sub), CKG.Measure, label=m.label)
    dg.add(node, CKG.inPlan, dg.iri)
    dg.add(node, CKG.number, None if m.sub else m.number)
    dg.add(node, CKG.note, m.note)
    for flag in m.flags:
        if flag in FLAG_PROPERTIES:
            dg.add(node, FLAG_PROPERTIES[flag], True)
        else:
            dg.add(node, CKG.flag, flag)
    if m.lead_member:
        dg.add(node, CKG.leadMember, dg.person(m.lead_member))
    if m.priority:
        dg.add(node, CKG.underPriority, dg.priority(m.priority))
    dg.add(node, CKG.outcomeSummary, m.summary)
    for n in m.outcomes:
        dg.add(node, CKG.deliversOutcome, dg.delivery_outcome(n))
    dg.add(node, CKG.planSection, m.section)
    if m.sub:
        dg.add(node, CKG.subMeasureOf, measure_iri(dg, m.number))
        dg.add(node, CKG.subItem, m.sub)
    dg.derive(node, m.line)


def value_triples(dg: DocGraph, node: URIRef, v: Value) -> None:
    """Period, kind, text, number, unit, area, status and qualifier of one value."""
    if v.period:
        dg.add(node, CKG.period, dg.period(v.period))
    dg.add(node, CKG.valueKind, CKG[v.kind or "Unclassified"])
    dg.add(node, CKG.valueText, v.text)
    dg.add(node, CKG.value, v.number)
    dg.add(node, CKG.unit, CKG[v.unit] if v.unit else None)
    dg.add(node, CKG.area, CKG[v.area] if v.area else None)
    dg.add(node, CKG.status, v.status)
    dg.add(node, CKG.qualifier, v.qualifier)


def build_observation(dg: DocGraph, o: MeasureObservation) -> None:
    line, col = o.cell.split("/")
    node = dg.typed(dg.node("obs", line, col, o.index), QB.Observation)
    dg.add(node, CKG.measure, measure_iri(dg, o.measure, o.sub))
    dg.add(node, CKG.cell, o.cell)
    dg.add(node, CKG.columnLabel, o.column)
    if o.value.sub and not o.sub:
        dg.add(node, CKG.subItem, o.value.sub)
    value_triples(dg, node, o.value)
    dg.derive(node, o.line)


BUILDERS = {PlanMeasure: build_measure, MeasureObservation: build_observation}
