"""Directorate business plans: KPI tables (codes, actuals, floors, targets per year) as measures."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from kg.triples import build
from kg.vocab import CKG, RDFS
from nlp.extract import kpi, split_parts
from nlp.read import read

ROOT = Path(__file__).parents[1]
PACK = ROOT / "seeds" / "004_726bb34c4a465f33.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "perf_business_plan.txt"


@cache
def plans():
    return [p for p in split_parts(read(PACK)[0]) if p.doc_type == "BusinessPlan"]


@cache
def schw():
    plan = next(p for p in plans() if "Social Care, Health and Wellbeing" in p.text[:2000])
    return plan, {r.code or r.label: r for r in kpi.extract(plan)}


def value(row, kind, year):
    return next(c for c in row.cells if c.kind == kind and c.period and c.period.label == year)


def test_business_plan_kpi_table_rows():
    _, found = schw()
    assert len(found) == 23
    assert list(found)[:6] == ["SCS01", "SCS02", "SCS03", "SCS04", "SCS05", "SCS06"]
    assert sum(code.startswith("PH/AH") for code in found) == 11 and sum(code.startswith("ASC") for code in found) == 6


def test_scs03_target_and_floor_in_days():
    _, found = schw()
    scs03 = found["SCS03"]
    assert scs03.label == "Average number of days between BLA and moving in with adoptive family (for children adopted)"
    target = value(scs03, "Target", "2016/17")
    assert (target.text, target.value, target.unit) == ("426 days", Decimal("426"), "Days")
    assert value(scs03, "Floor", "2016/17").value == Decimal("650")
    assert not any(c.kind == "Actual" for c in scs03.cells)  # the 2015-16 Actual cell is blank


def test_ranges_and_placeholders_keep_text_without_a_number():
    _, found = schw()
    floor = value(found["SCS05"], "Floor", "2016/17")
    assert (floor.text, floor.value) == ("<10% >15", None)
    assert value(found["PH/AH 01"], "Actual", "2015/16").value == Decimal("38400")
    assert {c.text for c in found["ASC01"].cells} == {"tbc"} and all(c.value is None for c in found["ASC01"].cells)


def test_plan_without_kpi_table_yields_no_measures():
    eyps = next(p for p in plans() if "Education and Young People's Services" in p.text[:3000])
    assert kpi.extract(eyps) == []


def test_kpi_observations_in_graph():
    plan, _ = schw()
    g = build(plan, [], kpi.extract(plan)).graph
    q = """SELECT ?text ?v WHERE { ?m ckg:code "SCS03" . ?o ckg:measure ?m ; ckg:valueKind ckg:Target ;
           ckg:valueText ?text ; ckg:value ?v ; ckg:period ?p . ?p rdfs:label "2016/17" }"""
    assert [(str(t), v.toPython()) for t, v in g.query(q, initNs={"ckg": CKG, "rdfs": RDFS})] == [
        ("426 days", Decimal("426"))
    ]


def test_fixture_business_plan_only_kpi_tables():
    doc = replace(read(FIXTURE)[0], doc_type="BusinessPlan")
    found = {r.code: r for r in kpi.extract(doc)}
    assert list(found) == ["ADS01", "ADS02", "ADS03"]
    assert [(c.kind, c.period.label, c.value) for c in found["ADS01"].cells] == [
        ("Actual", "2018/19", Decimal("81")),
        ("Floor", "2019/20", Decimal("75")),
        ("Target", "2019/20", Decimal("85")),
    ]
    assert found["ADS02"].unit == "Days" and value(found["ADS03"], "Target", "2019/20").value == Decimal("1200")
