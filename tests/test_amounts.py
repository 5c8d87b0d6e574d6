"""Money and labelled numbers in prose and in tables of any layout (issue 9 item 3)."""

from decimal import Decimal

import pytest
from rdflib import Graph

from kg.triples import build
from kg.validate import validate_graph
from kg.vocab import CKG, QB, RDF
from nlp.cells import money_scale, parse_amount
from nlp.extract.amounts import StatedAmount, extract
from nlp.periods import Period, month_in, quarter_in
from nlp.read import read
from nlp.segment import segment
from tests.data import FIXTURES


def amounts(name: str) -> list[StatedAmount]:
    (doc,) = read(FIXTURES / name)
    return [r for r in extract(doc) if isinstance(r, StatedAmount)]


def by_text(records: list[StatedAmount], text: str) -> StatedAmount:
    (found,) = [a for a in records if a.text == text]
    return found


def test_one_parser_reads_every_written_amount():
    assert parse_amount("(1,234)") == -1234 and parse_amount("£4.1m") == 4100000
    assert parse_amount("€2.5 million") == 2500000 and parse_amount("(165)", scale=1000) == -165000
    assert money_scale("Net Revenue Estimates (£000)") == ("GBP", 1000)
    assert money_scale("Forecast by directorate, £m") == ("GBP", 10**6)
    assert (quarter_in("Q3"), quarter_in("third quarter"), month_in("Month 9"), month_in("Item 9")) == (3, 3, 9, None)


@pytest.mark.parametrize(
    "text, number, unit, currency, label",
    [
        ("£312.6m", Decimal("312600000"), "GBP", "GBP", "Aggregate External Finance"),
        ("3.1%", Decimal("3.1"), "Percent", None, "increase"),
        ("£1,701.52", Decimal("1701.52"), "GBP", "GBP", "Band D charge"),
        ("£14.5 million", Decimal("14500000"), "GBP", "GBP", "budget gap"),
        ("£8k", Decimal("8000"), "GBP", "GBP", "reserves"),
        ("£1.2bn", Decimal("1200000000"), "GBP", "GBP", "net revenue budget"),
        ("(£0.4m)", Decimal("-400000"), "GBP", "GBP", "Savings"),
        ("€1.75 million", Decimal("1750000"), "EUR", "EUR", "grant for coastal flood defences"),
        ("41,306.20", Decimal("41306.2"), "Count", None, "Council Tax Base"),
        ("£0.9m", Decimal("900000"), "GBP", "GBP", "underspend"),
    ],
)
def test_prose_amounts(text, number, unit, currency, label):
    a = by_text(amounts("money_prose_councils.txt"), text)
    assert (a.number, a.unit, a.currency, a.label) == (number, unit, currency, label)


def test_prose_periods_kinds_and_direction():
    found = amounts("money_prose_councils.txt")
    assert len(found) == 10
    band_d = by_text(found, "£1,701.52")
    assert (band_d.period, band_d.line) == (Period(2024), 7)
    under = by_text(found, "£0.9m")
    assert (under.kind, under.direction, under.period) == ("Variance", "Favourable", Period(2023))
    assert by_text(found, "(£0.4m)").kind == "Saving"


def test_prose_variance_at_a_quarter_and_its_comparison():
    found = [a for a in amounts("money_monitoring_quarters.txt") if a.cell is None]
    assert [(a.text, a.label, a.quarter, a.direction, a.period) for a in found] == [
        ("£3.2m", "adverse variance at quarter 3", 3, "Adverse", Period(2024)),
        ("£2.67m", "adverse variance at quarter 2", 2, "Adverse", Period(2024)),
    ]


def test_thousands_table_with_bracketed_negatives():
    found = [a for a in amounts("money_budget_thousands.txt") if a.cell]
    assert len(found) == 12
    corp = [(a.text, a.number, a.period, a.column) for a in found if a.label == "Corporate Items"]
    assert corp == [
        ("(1,234)", Decimal(-1234000), Period(2024), "2024/25 Original"),
        ("(1,410)", Decimal(-1410000), Period(2025), "2025/26 Draft"),
        ("(176)", Decimal(-176000), None, "Change"),
    ]
    assert {(a.unit, a.currency) for a in found} == {("GBP", "GBP")}
    prose = [a for a in amounts("money_budget_thousands.txt") if a.cell is None]
    assert [(a.text, a.number, a.label) for a in prose] == [("£5.738m", Decimal(5738000), "net budget requirement")]


def test_quarter_columns_and_rag_column():
    found = [a for a in amounts("money_monitoring_quarters.txt") if a.cell and a.label == "People"]
    assert [(a.text, a.number, a.quarter, a.kind) for a in found if a.kind != "RAG"] == [
        ("1.20", Decimal(1200000), 1, "Forecast"),
        ("1.85", Decimal(1850000), 2, "Forecast"),
        ("2.30", Decimal(2300000), 3, "Forecast"),
    ]
    (rag,) = [a for a in found if a.kind == "RAG"]
    assert (rag.text, rag.rag, rag.number) == ("R", "Red", None)
    place_q3 = [a for a in amounts("money_monitoring_quarters.txt") if a.label == "Place" and a.quarter == 3]
    assert [(a.text, a.number) for a in place_q3] == [("(0.10)", Decimal(-100000))]


def test_month_columns_of_a_headless_table():
    found = [a for a in amounts("money_monitoring_quarters.txt") if a.label == "Coastal Path"]
    assert [(a.text, a.number, a.month) for a in found] == [("15", Decimal(15000), 6), ("(20)", Decimal(-20000), 9)]


@pytest.fixture(scope="module")
def graph():
    (doc,) = read(FIXTURES / "money_monitoring_quarters.txt")
    dg = build(doc, segment(doc), extract(doc))
    return dg.iri, dg.graph


def test_amounts_are_stated_observations_that_validate(graph):
    doc, g = graph
    obs = set(g.subjects(RDF.type, CKG.StatedAmount))
    assert len(obs) == len(amounts("money_monitoring_quarters.txt")) == 18
    assert all((o, RDF.type, QB.Observation) in g and (o, CKG.measure, None) not in g for o in obs)
    conforms, _, text = validate_graph(g)
    assert conforms, text


def test_shapes_catch_an_amount_without_label(graph):
    _, g0 = graph
    g = Graph()
    for t in g0:
        g.add(t)
    obs = next(iter(g.subjects(RDF.type, CKG.StatedAmount)))
    g.remove((obs, CKG.amountLabel, None))
    conforms, _, text = validate_graph(g)
    assert not conforms and f"Focus Node: <{obs}>" in text


def test_an_amount_is_found_by_its_label_in_one_document(graph):
    q = """SELECT ?text ?value ?currency WHERE {
      ?o a ckg:StatedAmount ; ckg:statedIn ?doc ; ckg:amountLabel ?label ; ckg:valueText ?text ; ckg:value ?value .
      OPTIONAL { ?o ckg:currency ?currency }
      FILTER(CONTAINS(LCASE(?label), "adverse variance") && CONTAINS(LCASE(?label), "quarter 3")) }"""
    doc_iri, g = graph
    rows = list(g.query(q, initNs={"ckg": CKG}, initBindings={"doc": doc_iri}))
    assert [(str(r.text), r.value.toPython(), r.currency) for r in rows] == [("£3.2m", Decimal(3200000), CKG.GBP)]
