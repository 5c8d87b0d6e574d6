"""Portfolio-plan money: revenue budget lines (two layouts), capital programmes, procurement forward plans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rdflib import Literal

from kg.triples import build
from kg.validate import validate_graph
from kg.vocab import CKG, RDF, RDFS
from nlp.extract import plan_money
from nlp.dates import cell_date
from nlp.extract.plan_money import BudgetLine, CapitalProject, Procurement
from nlp.periods import Period
from nlp.read import read
from nlp.segment import segment
from tests.data import FIXTURES, SEEDS

SEPT, ASCH = "childrens-services-portfolio-plan-2020-09", "adult-social-care-and-health-portfolio-plan-2020-07"
ASCSC, OCT = (
    "adult-social-care-and-safer-communities-portfolio-plan-2017-07",
    "childrens-services-portfolio-plan-2020-10",
)


@pytest.fixture(scope="module")
def plans() -> dict:
    out = {}
    for path in (
        SEEDS / "000_ef67688da2edb598.txt",
        SEEDS / "001_7a86a0afad391c44.txt",
        SEEDS / "002_49448199a3dea4d2.txt",
        FIXTURES / "plan_northshire.txt",
    ):
        for doc in read(path):
            records = plan_money.extract(doc)
            out[doc.key] = (doc, records, build(doc, segment(doc), records).graph)
    return out


def of(records, kind):
    return [r for r in records if isinstance(r, kind)]


def amount(line: BudgetLine | CapitalProject, column: str, kind: str | None = None):
    (a,) = [a for a in line.amounts if a.column == column and (kind is None or a.kind == kind)]
    return a


@pytest.mark.parametrize(
    "key, budget, capital, procurement", [(SEPT, 7, 3, 3), (ASCH, 30, 2, 21), (OCT, 7, 3, 3), (ASCSC, 7, 3, 0)]
)
def test_counts(plans, key, budget, capital, procurement):
    _, records, g = plans[key]
    assert [len(of(records, k)) for k in (BudgetLine, CapitalProject, Procurement)] == [budget, capital, procurement]
    assert len(set(g.subjects(RDF.type, CKG.BudgetLine))) == budget
    assert len(set(g.subjects(RDF.type, CKG.Procurement))) == procurement


def test_revenue_budget_by_service_line(plans):
    lines = {b.label: b for b in of(plans[SEPT][1], BudgetLine)}
    early = lines["Early Help and Social Care"]
    net = amount(early, "2020/21 Net")
    assert (net.number, net.kind, net.unit, net.period, net.text) == (
        Decimal(57047),
        "Net",
        "GBPThousands",
        Period(2020),
        "57,047",
    )
    assert amount(lines["Central Resources"], "2018/19 Income + Net Recharges").number == Decimal(-1299)
    assert amount(lines["Schools"], "2018/19 Net").number == 0
    assert lines["Total Children's Services"].total and not early.total
    assert len(early.amounts) == 9


def test_revenue_budget_groups_and_page_continuation(plans):
    lines = of(plans[ASCH][1], BudgetLine)
    assert lines[0].group == "Adult Social Care" and lines[-1].group == "Public Health"
    assert [b.label for b in lines].count("Learning Disability Support") == 2  # independent sector and direct
    last = lines[-1]
    assert (last.label, last.line, amount(last, "2020/21 Net").number) == ("Total Public Health", 947, 0)


def test_revenue_breakdown_layout(plans):
    records = of(plans[ASCSC][1], BudgetLine)
    assert [b.label for b in records] == [
        "East Sussex Better Together",
        "Connecting for You",
        "ASC Summary",
        "Safer Communities",
        "Adult Social Care",
        "Safer Communities",
        "TOTAL",
    ]
    assert [b.table for b in records[-3:]] == ["Net Revenue Budget £000"] * 3
    lines = {b.label: b for b in reversed(records)}  # first of each label
    asc = lines["ASC Summary"]
    assert [a.kind for a in asc.amounts if a.period == Period(2017)] == [
        "Gross",
        "GovernmentGrants",
        "FeesAndCharges",
        "OtherIncome",
        "Net",
    ]
    assert amount(asc, "2017/18", "Net").number == Decimal(168326)
    assert amount(asc, "2015/16", "GovernmentGrants").number == Decimal(-3548)
    better = lines["East Sussex Better Together"]
    assert (amount(better, "2015/16", "Gross").number, amount(better, "2015/16", "Gross").status) == (None, "n/a")
    assert amount(lines["Safer Communities"], "2017/18", "OtherIncome").number == Decimal(-722)


def test_capital_programme(plans):
    projects = {c.label: c for c in of(plans[ASCH][1], CapitalProject)}
    green = projects["Greenacres"]
    assert amount(green, "Total for Scheme").number == Decimal(3781)
    assert amount(green, "2020/21").period == Period(2020)
    assert green.lead_member.name == "Cllr Maynard"
    rolling = of(plans[SEPT][1], CapitalProject)[0]
    assert amount(rolling, "Total for Scheme").status == "Rolling programme: no total scheme value"
    assert amount(rolling, "Total for Scheme").number is None
    assert of(plans[SEPT][1], CapitalProject)[1].lead_member.name == "Cllr Tidy"  # blank cell inherits


def test_capital_gross_and_net_rows_form_one_scheme(plans):
    projects = {c.label: c for c in of(plans[ASCSC][1], CapitalProject)}
    assert list(projects) == [
        "Older People's Service Improvements (formerly Opportunities)",
        "LD Service Opportunities",
        "House Adaptations",
    ]
    ld = projects["LD Service Opportunities"]
    assert ld.description == "Funding to support the review and development of LD accommodation and day services"
    assert (amount(ld, "Total for Scheme", "Gross").number, amount(ld, "Total for Scheme", "Net").number) == (
        5112,
        2408,
    )
    house = projects["House Adaptations"]
    assert house.note == "Fully funded by ESCC."
    late = amount(house, "2019/20", "Gross")
    assert (late.number, late.status) == (250, "Project extends beyond 2019/20.")


def test_procurement_forward_plan(plans):
    rows = of(plans[SEPT][1], Procurement)
    foster = rows[0]
    assert (foster.service, foster.contract, foster.procurement_start, foster.contract_start) == (
        "Looked After Children",
        "Framework for Provision of Foster Care Services",
        date(2020, 9, 1),
        date(2021, 4, 1),
    )
    stairlift = [p for p in of(plans[ASCH][1], Procurement) if p.contract == "Stairlift Supply & Installation"][0]
    assert (stairlift.contract_start, stairlift.contract_start_text) == (None, "tbc")
    g = plans[SEPT][2]
    node = next(g.subjects(CKG.contractDescription, Literal("Framework for Provision of Foster Care Services")))
    assert g.value(node, CKG.procurementStart) == Literal(date(2020, 9, 1))


def test_money_graph(plans):
    g = plans[SEPT][2]
    line = next(g.subjects(RDFS.label, Literal("Early Help and Social Care")))
    amounts = list(g.subjects(CKG.amountOf, line))
    assert len(amounts) == 9
    net = [
        a for a in amounts if g.value(a, CKG.valueKind) == CKG.Net and g.value(a, CKG.value) == Literal(Decimal(57047))
    ]
    assert len(net) == 1 and g.value(net[0], CKG.unit) == CKG.GBPThousands
    for key in (SEPT, ASCSC):
        conforms, _, text = validate_graph(plans[key][2])
        assert conforms, text


def test_fixture_money(plans):
    _, records, _ = plans["environment-portfolio-plan-2023-03"]
    lines = of(records, BudgetLine)
    assert [(b.label, b.group, b.total) for b in lines] == [
        ("Waste Services", "Environment Services", False),
        ("Highways", "Environment Services", False),
        ("Total Environment", "Environment Services", True),
    ]
    assert amount(lines[0], "2023/24 Income").number == Decimal(-3400)
    (waste, lights) = of(records, Procurement)
    assert (waste.value, waste.route, waste.procurement_start) == (Decimal(12500), "Open tender", date(2023, 2, 1))
    assert (lights.procurement_start, lights.contract_start) == (date(2023, 6, 15), None)


def test_dates_are_day_first():
    assert cell_date("06/10/2020") == date(2020, 10, 6)
    assert cell_date("31/02/2020") is None and cell_date("tbc") is None


def test_money_amounts_are_observations_of_their_line(engine):
    rows = {
        (r["t"].value, r["k"].value.split("#")[-1], r["p"].value)
        for r in engine.sparql(
            "SELECT DISTINCT ?t ?k ?p WHERE { ?o a qb:Observation ; ckg:amountOf ?line ; ckg:valueText ?t ; "
            'ckg:valueKind ?k ; ckg:period/rdfs:label ?p . ?line rdfs:label "Early Help and Social Care" ; '
            "ckg:inPlan <https://w3id.org/councilkg/id/doc/escc/childrens-services-portfolio-plan-2020-10> }"
        )
    }
    assert ("57,047", "Net", "2020/21") in rows and ("68,160", "Gross", "2020/21") in rows
    assert not list(engine.sparql("SELECT ?o WHERE { ?o ckg:amountOf ?x ; ckg:measure ?y }"))
