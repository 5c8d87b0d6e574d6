"""Portfolio-plan outline: lead members and roles, priority and delivery outcomes,
operating principles, their triples and shapes, and revision links between versions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef

from kg.triples import build
from kg.versions import link_priorities, link_revisions
from kg.vocab import CKG, DCT, FOAF, ORG, RDF, RDFS, SKOS
from nlp.extract.plan_outline import DeliveryOutcome, OperatingPrinciple, PriorityOutcome, RoleHolding, extract
from nlp.read import read

ROOT = Path(__file__).resolve().parent.parent
SEEDS, FIXTURES = ROOT / "seeds", ROOT / "tests" / "fixtures"
CHILDREN_SEP, ADULTS_2020 = (
    "childrens-services-portfolio-plan-2020-09",
    "adult-social-care-and-health-portfolio-plan-2020-07",
)
ADULTS_2017, CHILDREN_OCT = (
    "adult-social-care-and-safer-communities-portfolio-plan-2017-07",
    "childrens-services-portfolio-plan-2020-10",
)


@pytest.fixture(scope="module")
def plans() -> dict:
    docs = [
        d
        for f in ("000_ef67688da2edb598.txt", "001_7a86a0afad391c44.txt", "002_49448199a3dea4d2.txt")
        for d in read(SEEDS / f)
    ]
    return {d.key: (d, extract(d)) for d in docs}


def of(records: list, kind: type) -> list:
    return [r for r in records if isinstance(r, kind)]


def fixture(name: str):
    (doc,) = read(FIXTURES / name)
    return doc, extract(doc)


# -- delivery outcomes ------------------------------------------------------------------
@pytest.mark.parametrize("key, count", [(CHILDREN_SEP, 16), (ADULTS_2020, 15), (CHILDREN_OCT, 16), (ADULTS_2017, 0)])
def test_delivery_outcome_counts(plans, key, count):
    outcomes = of(plans[key][1], DeliveryOutcome)
    assert [o.number for o in outcomes] == list(range(1, count + 1))
    assert len({o.text for o in outcomes}) == count


def test_delivery_outcomes_are_numbered_within_their_plan(plans):
    sep = {o.number: o for o in of(plans[CHILDREN_SEP][1], DeliveryOutcome)}
    adults = {o.number: o for o in of(plans[ADULTS_2020][1], DeliveryOutcome)}
    assert sep[11].text == "Working as One Council, both through the processes we use and how we work across services"
    assert adults[11].text == "Applying strategic commissioning to ensure resources are directed to meet local need"
    assert sep[16].text == adults[11].text
    assert sep[15].text.startswith("To help tackle Climate Change")
    assert (sep[5].priority, sep[5].line) == ("Keeping vulnerable people safe", 115)
    assert [sep[n].priority for n in (1, 8, 16)] == [
        "Driving sustainable economic growth",
        "Helping people help themselves",
        "Making best use of resources",
    ]


def test_priority_outcomes_2020_and_renamed_in_2017(plans):
    names = [p.name for p in of(plans[CHILDREN_OCT][1], PriorityOutcome)]
    assert names == [
        "Driving sustainable economic growth",
        "Keeping vulnerable people safe",
        "Helping people help themselves",
        "Making best use of resources",
    ]
    old = of(plans[ADULTS_2017][1], PriorityOutcome)
    assert [p.name for p in old][0] == "Driving economic growth" and len(old) == 4
    assert [p.line for p in old] == [26, 27, 28, 29]


# -- members and roles --------------------------------------------------------------------
def test_lead_members_and_roles(plans):
    roles = {key: [(r.person.name, r.role) for r in of(recs, RoleHolding)] for key, (_d, recs) in plans.items()}
    assert (
        roles[CHILDREN_SEP]
        == roles[CHILDREN_OCT]
        == [
            ("Sylvia Tidy", "Lead Member for Children and Families"),
            ("Bob Standley", "Lead Member for Education and Inclusion, Special Educational Needs and Disability"),
        ]
    )
    assert roles[ADULTS_2020] == [
        ("Carl Maynard", "Lead Member for Adult Social Care and Health"),
        ("Bill Bentley", "Lead Member for Communities and Safety"),
    ]
    assert roles[ADULTS_2017] == [("Bill Bentley", "Lead Member for Adult Social Care and Community Safety")]


def test_responsibilities_are_the_paragraphs_after_the_role(plans):
    tidy, standley = of(plans[CHILDREN_SEP][1], RoleHolding)
    assert tidy.line == 27 and tidy.responsibilities.startswith(
        "Responsible for strategy and policy for all Children's Services (social care) matters.\n\nPrincipal"
    )
    assert tidy.responsibilities.endswith("youth justice, and the 0 – 19 Early Help Service.")
    assert "Portfolios Overview" not in standley.responsibilities
    bentley = of(plans[ADULTS_2020][1], RoleHolding)[1]
    assert bentley.responsibilities.count("\n\n") == 2 and not bentley.officer
    assert of(plans[ADULTS_2017][1], RoleHolding)[0].responsibilities == ""


def test_operating_principles(plans):
    for key, (_doc, recs) in plans.items():
        principles = of(recs, OperatingPrinciple)
        assert [p.name for p in principles] == ["Strategic commissioning", "One Council", "Strong partnerships"], key
        assert principles[0].text.startswith("using an evidence-based approach")
        assert principles[2].text.endswith("maximise impact for our residents.")


# -- generic: plans of other councils ---------------------------------------------------
def test_fixture_plan_of_another_council():
    doc, recs = fixture("outline_wscc_plan.txt")
    assert doc.council_key == "wscc"
    holders = of(recs, RoleHolding)
    assert [(h.person.name, h.role, h.officer) for h in holders] == [
        ("Amira Okafor", "Cabinet Member for Highways and Transport", False),
        ("Duncan McBride", "Lead Member for Communities, Fire and Rescue", False),
        ("Priya Raman", "Executive Director of Place Services", True),
    ]
    assert holders[0].responsibilities.count("\n\n") == 1
    assert [p.name for p in of(recs, PriorityOutcome)] == [
        "Keeping people safe from vulnerable situations",
        "A sustainable and prosperous economy",
        "Making best use of resources",
    ]
    outcomes = of(recs, DeliveryOutcome)
    assert [(o.number, o.priority.split()[1]) for o in outcomes] == [
        (1, "people"),
        (2, "people"),
        (3, "people"),
        (4, "sustainable"),
        (5, "sustainable"),
        (6, "best"),
        (7, "best"),
    ]
    assert outcomes[2].text.endswith("within the standard response time agreed with the Fire Authority")
    principles = of(recs, OperatingPrinciple)
    assert [p.name for p in principles] == ["Customer focus", "Value for money"]
    assert principles[1].text.endswith("difference, and stopping what does not work.")


def test_fixture_signatures_and_bulleted_priorities():
    doc, recs = fixture("outline_scc_signature.txt")
    assert [(h.person.name, h.role, h.officer) for h in of(recs, RoleHolding)] == [
        ("Mary Lewis", "Cabinet Member for Adults and Health", False),
        ("Tom Hale", "Director of Public Health", True),
    ]
    assert [p.name for p in of(recs, PriorityOutcome)] == [
        "Growing a sustainable economy so everyone can benefit",
        "Tackling health inequality",
        "Empowering communities",
    ]
    assert of(recs, DeliveryOutcome) == []
    assert [p.name for p in of(recs, OperatingPrinciple)] == ["Listening first", "Working as one"]


# -- triples ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graphs(plans) -> dict:
    return {key: build(doc, [], recs) for key, (doc, recs) in plans.items()}


def test_outcome_triples(graphs):
    dg = graphs[CHILDREN_OCT]
    g = dg.graph
    assert len(set(g.subjects(RDF.type, CKG.DeliveryOutcome))) == 16
    five = dg.delivery_outcome(5)
    assert g.value(five, CKG.number) == Literal(5) and g.value(five, CKG.inPlan) == dg.iri
    priority = g.value(five, CKG.servesPriority)
    assert priority == dg.priority("Keeping vulnerable people safe")
    assert g.value(priority, SKOS.prefLabel) == Literal("Keeping vulnerable people safe")
    scheme = g.value(priority, SKOS.inScheme)
    assert g.value(scheme, RDFS.label) == Literal("East Sussex County Council priority outcomes 2020/21")
    assert len(set(g.subjects(RDF.type, SKOS.Concept))) == 4


def test_membership_triples_share_roles_across_versions(graphs):
    sep, oct_ = graphs[CHILDREN_SEP], graphs[CHILDREN_OCT]
    memberships = list(oct_.graph.subjects(RDF.type, ORG.Membership))
    assert len(memberships) == 2
    tidy = next(m for m in memberships if "sylvia-tidy" in str(m))
    g = oct_.graph
    assert g.value(g.value(tidy, ORG.member), FOAF.name) == Literal("Sylvia Tidy")
    role = g.value(tidy, ORG.role)
    assert g.value(role, RDFS.label) == Literal("Lead Member for Children and Families")
    assert role in set(sep.graph.objects(None, ORG.role))
    assert str(g.value(tidy, CKG.validAt)) == "2020-10-01" and g.value(tidy, CKG.assertedBy) == oct_.iri
    assert g.value(tidy, ORG.organization) == oct_.council()


def test_outline_shapes_hold_on_seeds(graphs):
    data = Graph()
    for dg in graphs.values():
        data += dg.graph
    shapes = Graph().parse(ROOT / "ontology" / "shapes-plan-outline.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "plan-outline.ttl")
    conforms, _g, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text


def test_shapes_catch_an_outcome_without_priority(graphs):
    g = Graph() + graphs[ADULTS_2020].graph
    g.remove((graphs[ADULTS_2020].delivery_outcome(3), CKG.servesPriority, None))
    shapes = Graph().parse(ROOT / "ontology" / "shapes-plan-outline.ttl")
    assert not pyshacl.validate(g, shacl_graph=shapes)[0]


# -- versions -------------------------------------------------------------------------------
def test_revision_links_oct_to_sept_only(graphs):
    union = Graph()
    for dg in graphs.values():
        union += dg.graph
    assert link_revisions(union.query) == [(str(graphs[CHILDREN_OCT].iri), str(graphs[CHILDREN_SEP].iri))]
    links = link_priorities(union.query)
    renamed = [(s, o) for s, p, o in links if p == CKG.succeeds]
    assert renamed == [
        (
            graphs[CHILDREN_OCT].priority("Driving sustainable economic growth"),
            graphs[ADULTS_2017].priority("Driving economic growth"),
        )
    ]
    assert sum(p == SKOS.exactMatch for _s, p, _o in links) == 3


def test_revision_needs_same_title_and_no_version_between():
    g, council = Graph(), URIRef("urn:org:council")
    for key, issued, title in (
        ("v1", "2020-01-01", "Plan A"),
        ("v3", "2020-09-01", "Plan A"),
        ("v2", "2020-05-01", "Plan A"),
        ("other", "2020-12-01", "Plan B"),
    ):
        iri = URIRef(f"urn:doc:{key}")
        g.add((iri, RDF.type, FOAF.Document))
        g.add((iri, DCT.title, Literal(title)))
        g.add((iri, DCT.issued, Literal(date.fromisoformat(issued))))
        g.add((iri, DCT.publisher, council))
    g.add((URIRef("urn:doc:part"), DCT.isPartOf, URIRef("urn:doc:v1")))
    assert link_revisions(g.query) == [("urn:doc:v2", "urn:doc:v1"), ("urn:doc:v3", "urn:doc:v2")]
