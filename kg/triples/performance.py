"""Scorecard indicators and KPI rows -> ckg:Measure nodes and qb:Observations.

Measures are document-scoped (`ckg:inPlan` the scorecard, report or business plan);
each value cell becomes an observation in the same model as the portfolio plans, with
its verbatim text, number, unit, period, kind, area and — for scorecards — RAG rating,
numerator/denominator and direction of travel. A cell that carries a RAG letter also
yields a RAG observation, so "which indicators are red" is one pattern.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, QB, RDFS
from nlp.extract.measure_cells import RULES, Cell, MeasureRow
from nlp.extract.scorecard import RagSummary

_KINDS = {"RAG": CKG.RAG}


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")) if text else None
    except InvalidOperation:
        return None


def _area(label: str | None) -> URIRef | None:
    low = (label or "").lower()
    return next((CKG[name] for word, name in RULES["areas"] if word in low), None)


def measure_keys(dg: DocGraph, row: MeasureRow) -> tuple[str | int, ...]:
    """(code or label,); a different row with the same key gets its line appended."""
    keys: tuple[str | int, ...] = (row.code or row.label,)
    label = dg.graph.value(dg.node("measure", *keys), RDFS.label)
    return keys + (row.line,) if label is not None and str(label) != row.label else keys


def measure(dg: DocGraph, row: MeasureRow) -> None:
    keys = measure_keys(dg, row)
    node = dg.node("measure", *keys)
    dg.typed(node, CKG.Measure, label=row.label)
    dg.add(node, CKG.inPlan, dg.iri)
    dg.add(node, CKG.code, row.code)
    dg.add(node, CKG.measureGroup, row.group)
    for prop, concept in (
        (CKG.polarity, row.polarity),
        (CKG.ragRating, row.rag),
        (CKG.directionOfTravel, row.direction),
        (CKG.dataPeriod, row.data_period),
        (CKG.unit, row.unit),
    ):
        if concept:
            dg.add(node, prop, CKG[concept])
    dg.derive(node, row.line)
    for cell in row.cells:
        observation(dg, keys, row, cell)


def observation(dg: DocGraph, keys: tuple, row: MeasureRow, cell: Cell, kind: str | None = None) -> None:
    """One value cell (or, with kind="RAG", the RAG rating it carries)."""
    kind = kind or cell.kind
    area = _area(cell.area)
    if kind == "Actual" and area == CKG.AreaNational:
        kind = "NationalAverage"
    node = dg.node("measure", *keys)
    obs = dg.node("observation", *keys, kind, cell.column or "value", cell.area or "all")
    dg.typed(obs, QB.Observation)
    dg.add(obs, CKG.measure, node)
    dg.add(obs, CKG.valueKind, _KINDS.get(kind, CKG[kind]))
    dg.add(obs, CKG.valueText, cell.text)
    dg.add(obs, CKG.columnHeader, cell.column)
    if cell.period:
        dg.add(obs, CKG.period, dg.period(cell.period))
    dg.add(obs, CKG.quarter, cell.quarter)
    dg.add(obs, CKG.month, cell.month)
    dg.add(obs, CKG.area, area)
    if cell.area and area is None:
        dg.add(obs, CKG.areaLabel, cell.area)
    if cell.rag:
        dg.add(obs, CKG.ragRating, CKG[cell.rag])
    if kind != "RAG":
        dg.add(obs, CKG.value, cell.value)
        unit = cell.unit or row.unit
        dg.add(obs, CKG.unit, CKG[unit] if unit else None)
        dg.add(obs, CKG.numerator, _number(cell.numerator))
        dg.add(obs, CKG.denominator, _number(cell.denominator))
        dg.add(obs, CKG.directionOfTravel, CKG[cell.direction] if cell.direction else None)
    dg.derive(obs, cell.line)
    if cell.rag and kind not in ("RAG",):
        observation(dg, keys, row, cell, kind="RAG")


def rag_summary(dg: DocGraph, rec: RagSummary) -> None:
    """The document's own statement of how many indicators carry each rating."""
    for rating, count in rec.counts:
        node = dg.node("stated-rag-count", rating)
        dg.typed(node, CKG.StatedRagCount, label=f"{count} indicators rated {rating}")
        dg.add(node, CKG.ragRating, CKG[rating])
        dg.add(node, CKG.ratedCount, count)
        dg.add(node, CKG.text, rec.text)
        dg.add(dg.iri, CKG.statedRagCount, node)
        dg.derive(node, rec.line)


BUILDERS = {MeasureRow: measure, RagSummary: rag_summary}
