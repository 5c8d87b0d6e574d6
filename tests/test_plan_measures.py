"""Portfolio-plan measure tables: every measure row, sub-measure and value cell, as records and triples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal

from kg.triples import build
from kg.validate import validate_graph
from kg.vocab import CKG, PROV, QB, RDF, RDFS
from nlp.extract import plan_measures
from nlp.extract.plan_measures import MeasureObservation, PlanMeasure
from nlp.periods import Period
from nlp.read import read
from nlp.segment import segment
from nlp.tables import find_tables
from tests.data import FIXTURES, SEEDS

SEPT, OCT = "childrens-services-portfolio-plan-2020-09", "childrens-services-portfolio-plan-2020-10"
ASCH, ASCSC = (
    "adult-social-care-and-health-portfolio-plan-2020-07",
    "adult-social-care-and-safer-communities-portfolio-plan-2017-07",
)


def load(path) -> dict:
    out = {}
    for doc in read(path):
        records = plan_measures.extract(doc)
        out[doc.key] = (doc, records, build(doc, segment(doc), records).graph)
    return out


@pytest.fixture(scope="module")
def plans() -> dict:
    found: dict = {}
    for name in ("000_ef67688da2edb598.txt", "001_7a86a0afad391c44.txt", "002_49448199a3dea4d2.txt"):
        found.update(load(SEEDS / name))
    return found


@pytest.fixture(scope="module")
def northshire():
    return next(iter(load(FIXTURES / "plan_northshire.txt").values()))


def measures(records, subs: bool = False) -> list[PlanMeasure]:
    return [r for r in records if isinstance(r, PlanMeasure) and (r.sub is not None) == subs]


def observations(records) -> list[MeasureObservation]:
    return [r for r in records if isinstance(r, MeasureObservation)]


def value_cells(doc) -> set[str]:
    """Non-empty cells of the period columns of every measure table, counted straight off the tables."""
    return {
        f"{row.line}/{c.index}"
        for t in find_tables(doc.numbered())
        if plan_measures.is_measure_table(t)
        for row in t.rows
        if not row.group
        for c in t.period_columns()
        if row.cell(c.index)
    }


# -- measures -----------------------------------------------------------------------------------
@pytest.mark.parametrize("key, count, subs", [(SEPT, 33, 4), (ASCH, 40, 0), (OCT, 33, 4), (ASCSC, 37, 0)])
def test_every_measure_row_is_a_measure(plans, key, count, subs):
    doc, records, g = plans[key]
    assert [m.number for m in measures(records)] == list(range(1, count + 1))
    assert len(measures(records, subs=True)) == subs
    in_plan = set(g.subjects(CKG.inPlan, next(iter(g.subjects(RDF.type, CKG.PortfolioPlan)))))
    typed = set(g.subjects(RDF.type, CKG.Measure))
    assert len(typed & in_plan) == count + subs
    assert len([m for m in typed if (m, CKG.subMeasureOf, None) not in g]) == count


def test_the_2017_plan_has_adult_social_care_and_safer_communities_tables(plans):
    sections = [m.section for m in measures(plans[ASCSC][1])]
    assert (sections.count("Adult Social Care"), sections.count("Safer Communities")) == (32, 5)


@pytest.mark.parametrize("key", [SEPT, ASCH, OCT])
def test_every_2020_measure_delivers_an_outcome(plans, key):
    _, records, g = plans[key]
    assert all(m.outcomes for m in measures(records))
    for m in g.subjects(RDF.type, CKG.Measure):
        assert (m, CKG.deliversOutcome, None) in g


def test_labels_flags_notes_and_lead_members(plans):
    by_line = {m.line: m for m in measures(plans[SEPT][1])}
    m = by_line[325]
    assert (
        m.label
        == 'The percentage of pupils achieving a "good level of development*" at the Early Years Foundation Stage'
    )
    assert m.note.startswith("*A pupil achieving at least the expected level")
    assert m.flags == ("Council Plan",) and m.lead_member.name == "Cllr Standley"  # blank cell inherits
    assert by_line[363].label.endswith("(days) (Adoption Scorecard)")
    assert by_line[334].flags == () and by_line[352].lead_member.name == "Cllr Tidy"
    assert [by_line[n].priority for n in (324, 358, 373)] == [
        "Driving sustainable economic growth",
        "Keeping vulnerable people safe",
        "Helping People help themselves",
    ]
    assert by_line[364].outcomes == (5,) and by_line[359].outcomes == (5, 12)
    assert by_line[325].summary.startswith("All children engage, attain and progress well")
    flags = [m.flags for m in measures(plans[ASCSC][1])]
    assert flags.count(("Council Plan",)) == 19 and flags[-1] == ()


def test_a_summary_split_over_two_rows_is_one_summary(plans):
    by_line = {m.line: m for m in measures(plans[ASCH][1])}
    assert by_line[848].summary == by_line[849].summary == "Adults are able to take control of the support they receive"
    assert by_line[848].outcomes == by_line[849].outcomes == (8, 9)
    assert by_line[847].outcomes == (6, 7)


def test_sub_measures_are_linked_to_their_row(plans):
    _, records, g = plans[SEPT]
    subs = measures(records, subs=True)
    assert [(s.number, s.sub, s.label) for s in subs] == [
        (13, "i", "Fixed term"),
        (13, "ii", "Permanent"),
        (14, "i", "Fixed term"),
        (14, "ii", "Permanent"),
    ]
    parent = {m.number: m for m in measures(records)}[13]
    assert parent.label == "The percentage of exclusions in primary schools per school population in that year."
    sub_iri = next(s for s in g.subjects(RDFS.label, Literal("Fixed term")))
    assert (sub_iri, CKG.subMeasureOf, None) in g


# -- values ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key, cells, values", [(SEPT, 165, 212), (ASCH, 200, 201), (OCT, 165, 215), (ASCSC, 221, 232)])
def test_every_value_cell_is_observed(plans, key, cells, values):
    doc, records, g = plans[key]
    obs = [o for o in g.subjects(RDF.type, QB.Observation) if (o, CKG.amountOf, None) not in g]  # money: its own test
    covered = {str(g.value(o, CKG.cell)) for o in obs}
    assert len(value_cells(doc)) == len(covered) == cells
    assert covered == value_cells(doc)
    assert len(obs) == len(observations(records)) == values
    assert all(g.value(o, CKG.valueText) is not None and g.value(o, CKG.measure) is not None for o in obs)


def test_a_cell_with_two_values_gives_two_observations(plans):
    obs = [o for o in observations(plans[SEPT][1]) if o.cell == "326/3"]
    assert [(o.value.text, o.value.number, o.value.kind, o.value.area) for o in obs] == [
        ("Ac Year 18/19 ESCC 62.7%", Decimal("62.7"), "Outturn", "AreaCouncil"),
        ("National Average 65.3%", Decimal("65.3"), "NationalAverage", "AreaNational"),
    ]
    assert {o.value.period for o in obs} == {Period(2018, "academic")}
    assert obs[0].column == "2019/20 Outturn"  # the cell's own year overrides the column's


def test_sub_measure_values_point_to_the_sub_measure(plans):
    obs = [o for o in observations(plans[SEPT][1]) if o.cell == "342/3"]
    assert [(o.sub, str(o.value.number)) for o in obs] == [("i", "1.92"), ("i", "1.4"), ("ii", "0.07"), ("ii", "0.03")]
    g = plans[SEPT][2]
    node = next(s for s in g.subjects(CKG.cell, Literal("342/3")) if (s, CKG.value, Literal(Decimal("0.07"))) in g)
    assert str(g.value(node, CKG.measure)).endswith("/measure/13/ii")


def test_statuses_and_units_in_the_graph(plans):
    g = plans[SEPT][2]
    statuses = {str(o) for o in g.objects(None, CKG.status)}
    assert "To be reviewed at Q2 2020/21 due to impact of Covid-19" in statuses
    assert "To be set 2020/21" in statuses
    rates = [o for o in observations(plans[SEPT][1]) if o.cell == "358/2"]
    assert [(str(o.value.number), o.value.unit) for o in rates] == [("55.5", "RatePer10000"), ("588", "Count")]
    values = list(g.objects(None, CKG.value))
    assert values and all(v.datatype == Literal(Decimal(1)).datatype for v in values)


def test_measure_triples_validate(plans):
    for key in (SEPT, ASCSC):
        conforms, violations, text = validate_graph(plans[key][2])
        assert conforms, text


def test_shapes_catch_an_observation_without_text(plans):
    g = Graph()
    for t in plans[SEPT][2]:
        g.add(t)
    obs = next(iter(g.subjects(RDF.type, QB.Observation)))
    g.remove((obs, CKG.valueText, None))
    measure = next(iter(g.subjects(RDF.type, CKG.Measure)))
    g.remove((measure, PROV.wasDerivedFrom, None))
    conforms, violations, text = validate_graph(g)
    assert not conforms and violations >= 2
    assert f"Focus Node: <{obs}>" in text and f"Focus Node: <{measure}>" in text


# -- another council's plan --------------------------------------------------------------------
def test_fixture_plan_is_read_as_a_plan(northshire):
    doc, _, _ = northshire
    assert (doc.doc_type, doc.council, doc.period) == ("PortfolioPlan", "Northshire County Council", (2023, 2025))


def test_fixture_measures(northshire):
    doc, records, g = northshire
    ms = measures(records)
    assert [m.label for m in ms] == [
        "Percentage of household waste sent for reuse, recycling or composting",
        "Kilograms of residual household waste per household",
        "Number of schools with anti-idling zones",
        "Tonnes of CO2 emitted from council buildings",
        "Percentage of pupils walking or cycling to school",
        "Kilometres of new cycle lanes opened",
        "Rate of people killed or seriously injured per 100,000 population",
    ]
    assert [m.lead_member.name for m in ms] == ["Cllr Ada Green"] * 4 + ["Cllr Raj Patel"] * 3
    assert [m.outcomes for m in ms] == [(1, 2), (1, 2), (3,), (3,), (4, 5, 6), (4, 5, 6), (7,)]
    assert [m.priority for m in ms] == ["A cleaner, greener county"] * 6 + ["Keeping roads safe"]
    assert [m.flags for m in ms] == [
        ("Council Plan",),
        (),
        (),
        ("Council Plan",),
        ("Health & Wellbeing Strategy",),
        (),
        ("Council Plan",),
    ]
    assert ms[3].note == "Gas and electricity use in offices, libraries and depots"
    assert [(s.sub, s.label) for s in measures(records, subs=True)] == [("i", "Primary"), ("ii", "Secondary")]
    assert (None, CKG.healthAndWellbeingStrategy, Literal(True)) in g


def test_fixture_values(northshire):
    doc, records, g = northshire
    obs = observations(records)
    assert len(obs) == 37 and len({o.cell for o in obs}) == len(value_cells(doc)) == 27
    cell = [
        (o.value.number, o.value.area, o.value.kind, o.value.period)
        for o in obs
        if o.value.text.startswith(("Ac Year 20/21", "National Average 38.0%"))
    ]
    assert cell == [
        (Decimal("35.5"), "AreaCouncil", "Outturn", Period(2020, "academic")),
        (Decimal("38.0"), "AreaNational", "NationalAverage", Period(2020, "academic")),
    ]
    subs = [(o.sub, o.value.number, o.value.kind) for o in obs if o.column == "2023/24 Target" and o.measure == 3]
    assert subs == [("i", Decimal(40), "Target"), ("ii", Decimal(12), "Target")]
    first = [(o.value.text, o.value.qualifier, o.value.period) for o in obs if o.measure == 1][:1]
    assert first == [("≥50%", "≥", Period(2023))]
    conforms, _, text = validate_graph(g)
    assert conforms, text
