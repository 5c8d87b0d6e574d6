"""Scorecards and performance reports: indicators, RAG ratings, values, trends, as measures and observations."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal

from kg.triples import build
from kg.vocab import CKG
from nlp.extract import scorecard, split_parts
from nlp.extract.measure_cells import MeasureRow
from nlp.read import read

ROOT = Path(__file__).parents[1]
PACK = ROOT / "seeds" / "004_726bb34c4a465f33.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "perf_scorecard.txt"


@cache
def part(kind: str, title_word: str = ""):
    """The first part of the Kent agenda pack of doc_type `kind` whose text holds `title_word`."""
    parts = split_parts(read(PACK)[0])
    return next(p for p in parts if p.doc_type == kind and title_word.lower() in p.text.lower())


@cache
def card() -> list:
    return scorecard.extract(part("Scorecard"))


def rows(records) -> dict[str, MeasureRow]:
    return {r.label: r for r in records if isinstance(r, MeasureRow)}


def cell(row: MeasureRow, kind: str, **kw):
    return next(c for c in row.cells if c.kind == kind and all(getattr(c, k) == v for k, v in kw.items()))


def graph(doc, records) -> Graph:
    return build(doc, [], records).graph


def test_scorecard_has_44_rag_rated_indicators_matching_its_own_summary():
    measures = [r for r in card() if isinstance(r, MeasureRow)]
    rated = [m for m in measures if m.rag]
    assert len(measures) == 44 and len(rated) == 44
    counts = {c: sum(m.rag == c for m in rated) for c in ("Green", "Amber", "Red")}
    assert counts == {"Green": 17, "Amber": 21, "Red": 6}
    (summary,) = [r for r in card() if isinstance(r, scorecard.RagSummary)]
    assert dict(summary.counts) == counts
    assert "6 indicators rated as Red" in summary.text


def test_scorecard_values_numerator_target_direction_and_period():
    r = rows(card())["% of C&F Assessments that were carried out within 45 working days"]
    latest = cell(r, "Actual", column="Latest Result and RAG Status")
    assert (r.code, r.polarity, r.data_period, r.rag) == ("2", "HigherIsBetter", "YearToDate", "Amber")
    assert latest.value == Decimal("89.6") and latest.unit == "Percent"
    assert (latest.numerator, latest.denominator) == ("12123", "13536")
    assert latest.month.isoformat() == "2016-01-01" and latest.period.label == "2015/16"
    assert cell(r, "Target").value == Decimal("90.0") and cell(r, "Target").period.label == "2015/16"
    outturn = cell(r, "Outturn")
    assert outturn.value == Decimal("84.3") and outturn.period.label == "2014/15" and outturn.direction == "Improved"
    assert cell(r, "Previous").direction == "Worsened" and r.direction == "Worsened"


def test_red_indicator_pages_add_monthly_trend_values():
    r = rows(card())["Ave. no of days between court authority to place a child and the decision on a match"]
    assert (r.code, r.rag, r.unit) == ("30", "Red", "Days")
    assert cell(r, "Actual", column="Latest Result and RAG Status").value == Decimal("241.5")
    trend = {
        c.month.isoformat(): c.value
        for c in r.cells
        if c.kind == "Actual" and c.column != "Latest Result and RAG Status"
    }
    assert trend == {"2015-10-01": Decimal("237.2"), "2015-11-01": Decimal("228.9"), "2015-12-01": Decimal("235.2")}
    rag = {c.month.isoformat(): c.rag for c in r.cells if c.kind == "RAG"}
    assert rag["2015-10-01"] == "Red" and len(rag) == 4


def test_scorecard_graph_answers_red_indicators_query():
    g = graph(part("Scorecard"), card())
    q = (ROOT / "kg" / "queries" / "red-indicators.rq").read_text()
    res = {str(r["code"]): r for r in g.query(q)}
    assert sorted(res, key=int) == ["9", "19", "24", "28", "30", "31"]
    assert res["30"]["value"] == Literal(Decimal("241.5")) and res["30"]["target"] == Literal(Decimal("121.0"))
    stated = {
        str(r[0]).rsplit("#")[-1]: int(r[1])
        for r in g.query(
            "SELECT ?rag ?n WHERE { ?d ckg:statedRagCount ?s . ?s ckg:ragRating ?rag ; ckg:ratedCount ?n }",
            initNs={"ckg": CKG},
        )
    }
    assert stated == {"Green": 17, "Amber": 21, "Red": 6}


def test_every_indicator_cites_its_table_row():
    from nlp.segment import segment
    from kg.vocab import PROV

    doc = part("Scorecard")
    g = build(doc, segment(doc), card()).graph
    row = rows(card())["Ave. no of days between court authority to place a child and the decision on a match"]
    (measure,) = g.subjects(CKG.code, Literal("30"))
    (passage,) = g.objects(measure, PROV.wasDerivedFrom)
    assert int(g.value(passage, CKG.lineStart)) == row.line
    assert "241.5 R" in str(g.value(passage, CKG.text))


def test_public_health_report_kpi_tables():
    report = part("Report", "Public Health Performance – Children and Young People")
    found = rows(scorecard.extract(report))
    assert len(found) == 32
    one_year = found["% of all infants receiving their 1 year review at 12 months"]
    q3 = cell(one_year, "Actual", quarter=3)
    assert (q3.text, q3.value, q3.rag, q3.period.label) == ("38% (r)", Decimal("38"), "Red", "2015/16")
    assert cell(one_year, "Target").value == Decimal("75")
    fnp = found["No. of active client in the programme"]
    assert [(c.area, c.text) for c in fnp.cells] == [
        ("North Kent", "140"),
        ("North Kent", "137"),
        ("South Kent", "115"),
        ("South Kent", "126"),
    ]
    ncmp = found["% of excess weight 4-5 year olds"]
    assert [c.period.label for c in ncmp.cells] == ["2013/14", "2014/15"] and ncmp.direction == "Worsened"


def test_national_average_rows_become_national_average_observations():
    report = part("Report", "Public Health Performance – Children and Young People")
    g = graph(report, scorecard.extract(report))
    n = g.query(
        "SELECT (COUNT(?o) AS ?n) WHERE { ?o ckg:valueKind ckg:NationalAverage ; ckg:area ckg:AreaNational }",
        initNs={"ckg": CKG},
    )
    assert int(next(iter(n))[0]) == 8


def test_reports_without_performance_tables_are_left_alone():
    assert scorecard.extract(part("Report", "Emotional Health and Wellbeing")) == []


def test_fixture_scorecard_extracted_exactly():
    doc = replace(read(FIXTURE)[0], doc_type="Scorecard")
    records = scorecard.extract(doc)
    found = rows(records)
    assert [(r.code, r.rag, r.polarity, r.group) for r in found.values()] == [
        ("A1", "Amber", "HigherIsBetter", "SAFEGUARDING"),
        ("A2", "Red", "LowerIsBetter", "SAFEGUARDING"),
        ("A3", "Green", "HigherIsBetter", "REABLEMENT"),
    ]
    a1 = found["% of safeguarding enquiries completed within 28 days"]
    latest = cell(a1, "Actual")
    assert (latest.value, latest.numerator, latest.denominator, latest.month.isoformat()) == (
        Decimal("81.5"),
        "163",
        "200",
        "2019-09-01",
    )
    assert cell(a1, "Target").period.label == "2019/20" and cell(a1, "Previous").direction == "Improved"
    a2 = found["Number of people awaiting assessment"]
    assert cell(a2, "Actual").numerator is None and a2.unit == "Count"
    assert [c.value for c in a2.cells if c.kind == "Actual"] == [Decimal("42"), Decimal("30"), Decimal("38")]
    (summary,) = [r for r in records if isinstance(r, scorecard.RagSummary)]
    assert summary.counts == (("Green", 1), ("Amber", 1), ("Red", 1))


def test_performance_graphs_conform_to_shapes():
    import pyshacl
    from nlp.extract import kpi, risks

    shapes, ontology = Graph(), Graph()
    for f in (ROOT / "ontology").glob("*.ttl"):
        (shapes if f.name.startswith("shapes") else ontology).parse(f)
    g = Graph()  # with contexts, as pyshacl's ontology mixing needs (a document's own graph has none)
    g += graph(part("Scorecard"), card())
    report = part("Report", "Public Health Performance – Children and Young People")
    g += graph(report, scorecard.extract(report))
    plan = next(p for p in split_parts(read(PACK)[0]) if p.doc_type == "BusinessPlan" and kpi.extract(p))
    g += graph(plan, kpi.extract(plan))
    register = part("RiskRegister")
    g += graph(register, risks.extract(register))
    conforms, _, text = pyshacl.validate(g, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text[:2000]
