"""Indicators: measures grouped across plans, years and revisions; outcomes and priorities linked across plans."""

from pyoxigraph import NamedNode

from kg.grouping import LINK_SCORE, NEAR_SCORE, Item, group
from kg.indicators import polarity
from tests.data import ASCH_2020, ASCSC_2017, CHILDREN_OCT, CHILDREN_SEPT

INDICATOR = "SELECT ?i WHERE { ?m ckg:indicator ?i }"
MEASURE_BY_LABEL = """SELECT ?m WHERE { ?m a ckg:Measure ; ckg:inPlan ?doc ; rdfs:label ?label
  FILTER (STRSTARTS(?label, ?start)) }"""
LINK = """SELECT ?method ?score ?def ?unit WHERE { ?l a ckg:LineageLink ; ckg:linkFrom ?later ; ckg:linkTo ?earlier ;
  ckg:linkMethod ?method ; ckg:linkScore ?score ; ckg:definitionChanged ?def ; ckg:unitChanged ?unit }"""

# 2017 -> 2020 Adult Social Care measures reworded, not identical, read side by side in the two plans
REWORDED = [
    (
        "Number of hospital bed days lost due to delayed transfers from hospital care (monthly",
        "Number of hospital bed days lost due to delayed transfers from hospital care (Daily",
    ),
    (
        "Number of hospital bed days lost due to delayed transfers from hospital care due to Council social services (m",
        "Number of hospital bed days lost due to delayed transfers from hospital care due to Council social services (D",
    ),
    (
        "Number of hospital bed days lost due to delayed transfers from hospital care due to local NHS (m",
        "Number of hospital bed days lost due to delayed transfers from hospital care due to local NHS (D",
    ),
    ("Increase the proportion of service users discharged", "The proportion of service users discharged"),
    (
        "Increase the number of providers registered with Support With Confidence",
        "Number of providers registered with Support With Confidence",
    ),
    ("Increase the proportion of clients who find it easy", "The proportion of clients who find it easy"),
    (
        "National outcome measure: Proportion of people who use services, who reported that they had as much social",
        "National outcome measure: Proportion of people who use services, who reported that they had as much social",
    ),
    (
        "Improve the experience for people with mental health conditions arising from NHS mental healthcare: satisfaction",
        "Satisfaction rates for people with mental health conditions",
    ),
    (
        "Improve the experience for people with mental health conditions arising from NHS mental healthcare: proportion",
        "Proportion of people with mental health conditions likely to recommend",
    ),
    (
        "Improve the outcomes for people with mental health conditions arising from NHS mental healthcare: number",
        "Outcomes for people with mental health conditions arising from NHS mental healthcare: number",
    ),
    (
        "Improve the outcomes for people with mental health conditions arising from NHS mental healthcare: percentage",
        "Outcomes for people with mental health conditions arising from NHS mental healthcare: percentage",
    ),
    (
        "Number of people receiving support through 'STEPS to stay independent'",
        "Number of people receiving support through 'STEPS to stay independent' and Homeworks",
    ),
    (
        "East Sussex Better Together: Enhance the delivery of Technology Enabled Care Services",
        "Enhance the delivery of Technology Enabled Care Services",
    ),
]
# pairs that look alike but are different measures
NOT_LINKED = [
    (
        "Health and Social Care Connect - % of contacts resolved at initial contact",
        "Percentage of Health and Social Care Connect contacts that are appropriate and effective",
    ),
    (
        "Number of hospital bed days lost due to delayed transfers from hospital care due to local NHS",
        "Number of hospital bed days lost due to delayed transfers from hospital care due to Council social services",
    ),
    (
        "Number of hospital bed days lost due to delayed transfers from hospital care due to Council social services",
        "Number of hospital bed days lost due to delayed transfers from hospital care (Daily",
    ),
    (
        "National outcome measure: Proportion of working age adults and older people receiving self-directed",
        "National outcome measure: Proportion of working age adults and older people receiving direct payments",
    ),
    (
        "The number of people in recovery in East Sussex who access Mutual Aid",
        "The % of people accessing mutual aid recovery services who feel more confident",
    ),
    (
        "% of referrals starting intervention within required timescales",
        "Percentage of Health and Social Care Connect referrals triaged",
    ),
]


def measure(engine, doc: str, start: str) -> str:
    rows = list(engine.sparql(MEASURE_BY_LABEL, {"doc": NamedNode(doc), "start": start}))
    assert len(rows) == 1, (start, len(rows))
    return rows[0]["m"].value


def indicator_of(engine, m: str) -> str:
    rows = list(engine.sparql(INDICATOR, {"m": NamedNode(m)}))
    assert len(rows) == 1, m
    return rows[0]["i"].value


def test_every_measure_has_one_indicator(engine):
    n = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ckg:Measure %s }"
    total = int(next(iter(engine.sparql(n % "")))["n"].value)
    grouped = int(next(iter(engine.sparql(n % ". ?m ckg:indicator ?i")))["n"].value)
    assert total == grouped > 200


def test_every_september_measure_shares_an_indicator_with_its_october_row(engine):
    q = """SELECT ?sept ?oct WHERE { ?sept ckg:inPlan ?a ; a ckg:Measure . ?oct ckg:inPlan ?b ; a ckg:Measure .
      FILTER (STRAFTER(STR(?sept), STR(?a)) = STRAFTER(STR(?oct), STR(?b))) }"""
    pairs = [
        (r["sept"].value, r["oct"].value)
        for r in engine.sparql(q, {"a": NamedNode(CHILDREN_SEPT), "b": NamedNode(CHILDREN_OCT)})
    ]
    assert len(pairs) == 37  # 33 rows, two of them with sub-measures (i) and (ii)
    for sept, oct_ in pairs:
        assert indicator_of(engine, sept) == indicator_of(engine, oct_), sept


def test_reworded_adult_social_care_measures_are_linked_2017_to_2020(engine):
    for old, new in REWORDED:
        m17, m20 = measure(engine, ASCSC_2017, old), measure(engine, ASCH_2020, new)
        assert indicator_of(engine, m17) == indicator_of(engine, m20), old
        link = next(iter(engine.sparql(LINK, {"later": NamedNode(m20), "earlier": NamedNode(m17)})))
        assert link["method"].value.endswith("#SimilarLabel")
        assert LINK_SCORE <= float(link["score"].value) < 1
        assert link["def"].value == "true" and link["unit"].value == "false"


def test_identical_measures_link_by_same_label_2017_to_2020(engine):
    q = """SELECT (COUNT(*) AS ?n) WHERE { ?l a ckg:LineageLink ; ckg:linkFrom/ckg:inPlan ?b ; ckg:linkTo/ckg:inPlan ?a ;
      ckg:linkMethod ?method }"""
    count = lambda method: int(
        next(
            iter(engine.sparql(q, {"a": NamedNode(ASCSC_2017), "b": NamedNode(ASCH_2020), "method": NamedNode(method)}))
        )["n"].value
    )
    assert count("https://w3id.org/councilkg/def#SimilarLabel") == len(REWORDED) == 13
    assert (
        count("https://w3id.org/councilkg/def#SameLabel") == 10
    )  # 8 written alike, 2 alike but for spacing or word order


def test_look_alike_measures_are_not_linked(engine):
    for a, b in NOT_LINKED:
        ma, mb = measure(engine, ASCSC_2017, a), measure(engine, ASCH_2020, b)
        assert indicator_of(engine, ma) != indicator_of(engine, mb), (a, b)


def test_near_misses_are_kept_as_candidates(engine):
    q = """SELECT ?score ?why WHERE { ?c a ckg:LinkCandidate ; ckg:linkFrom ?later ; ckg:linkTo ?earlier ;
      ckg:linkScore ?score ; ckg:notLinkedBecause ?why }"""
    later = measure(engine, ASCH_2020, NOT_LINKED[0][1])
    earlier = measure(engine, ASCSC_2017, NOT_LINKED[0][0])
    rows = list(engine.sparql(q, {"later": NamedNode(later), "earlier": NamedNode(earlier)}))
    assert len(rows) == 1 and rows[0]["why"].value == "below the link score"
    assert NEAR_SCORE <= float(rows[0]["score"].value) < LINK_SCORE


def test_unchanged_indicator_across_three_plans_has_no_change_flags(engine):
    m = measure(engine, ASCH_2020, "Number of carers supported through short-term crisis intervention")
    q = """SELECT ?n ?def ?unit ?pol WHERE { ?i ckg:measureCount ?n ; ckg:definitionChanged ?def ; ckg:unitChanged ?unit .
      OPTIONAL { ?i ckg:polarity ?pol } }"""
    row = next(iter(engine.sparql(q, {"i": NamedNode(indicator_of(engine, m))})))
    assert (row["n"].value, row["def"].value, row["unit"].value) == ("2", "false", "false")
    assert row["pol"].value.endswith("#HigherIsBetter")


def test_delivery_outcomes_continue_across_plans_when_renumbered(engine):
    q = """SELECT ?later ?earlier WHERE { ?later ckg:continues ?earlier ; ckg:inPlan ?b ; ckg:number ?nb .
      ?earlier ckg:inPlan ?a ; ckg:number ?na . ?l ckg:linkFrom ?later ; ckg:linkTo ?earlier ; ckg:renumbered true }"""
    rows = list(engine.sparql(q, {"a": NamedNode(ASCH_2020), "b": NamedNode(CHILDREN_SEPT)}))
    # "Applying strategic commissioning …" is 11 in the July plan, 16 in September's; four more moved by one
    assert {(r["earlier"].value.rsplit("/", 1)[1], r["later"].value.rsplit("/", 1)[1]) for r in rows} == {
        ("11", "16"),
        ("12", "11"),
        ("14", "13"),
        ("15", "14"),
        ("13", "12"),
    }


def test_priorities_of_the_2013_report_lead_to_the_2017_scheme(engine):
    q = """SELECT ?old ?new WHERE { ?n ckg:succeeds ?o . ?o skos:prefLabel ?old ; skos:inScheme ?s .
      ?n skos:prefLabel ?new . FILTER (STRENDS(STR(?s), "/2013")) }"""
    assert {(r["old"].value, r["new"].value) for r in engine.sparql(q)} == {
        ("Keeping vulnerable people safe from harm", "Keeping vulnerable people safe"),
        ("Making the best use of our resources", "Making best use of resources"),
        ("Building resilience for individuals and families to live independently", "Helping people help themselves"),
    }


# -- the grouping rules on small made-up tables (no model: word overlap alone) -----------------
def _item(doc: str, label: str, council: str = "x", **kw) -> Item:
    return Item(
        f"urn:{doc}:{label}", label, doc, council, issued={"a": "2019-01-01", "b": "2020-01-01"}.get(doc, ""), **kw
    )


def test_a_look_alike_never_takes_the_place_of_a_measures_own_successor():
    items = [
        _item("a", "Bed days lost due to delayed transfers due to council services"),
        _item("a", "Bed days lost due to delayed transfers due to the NHS"),
        _item("b", "Bed days lost due to delayed transfers due to the NHS"),
    ]
    g = group(items)
    assert [(l.earlier.label, l.later.label) for l in g.links] == [(items[1].label, items[2].label)]


def test_one_measure_per_document_in_an_indicator_and_councils_apart():
    items = [
        _item("a", "Number of adoptions completed"),
        _item("b", "Number of adoptions completed"),
        _item("b", "Number of adoptions completed in year"),
        _item("c", "Number of adoptions completed", council="y"),
    ]
    g = group(items)
    sizes = sorted(len(m) for m in g.groups)
    assert sizes == [1, 1, 2] and all(len({i.doc for i in m}) == len(m) for m in g.groups)
    assert all(len({i.council for i in m}) == 1 for m in g.groups)


def test_same_code_links_reworded_rows_and_opposite_polarity_never_links():
    coded = [
        _item("a", "Average days between placement order and match", code="SCS 03"),
        _item("b", "Average days between placement order and match (rolling year)", code="SCS03"),
    ]
    assert [(l.method, NEAR_SCORE <= l.score < LINK_SCORE) for l in group(coded).links] == [("SameCode", True)]
    uncoded = [_item(i.doc, i.label) for i in coded]
    assert not group(uncoded).links and len(group(uncoded).candidates) == 1
    opposed = [
        _item("a", "Children seen within timescale", polarity="HigherIsBetter"),
        _item("b", "Children seen within timescale now", polarity="LowerIsBetter"),
    ]
    assert not group(opposed).links


def test_polarity_from_statement_then_target_qualifiers_then_wording():
    assert polarity(["LowerIsBetter"], ["≥"], "Increase the number") == ("LowerIsBetter", "stated")
    assert polarity([], ["no more than"], "Rate of exclusions") == ("LowerIsBetter", "target qualifiers")
    assert polarity([], [], "Number of hospital bed days lost") == ("LowerIsBetter", "label wording")
    assert polarity([], [], "Rate of children with a plan") == ("", "")
