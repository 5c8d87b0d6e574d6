"""Meetings, membership, attendance, minutes and resolutions from agendas and minutes."""

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, XSD

from kg.ingest import person_refs
from kg.triples import build
from nlp.resolve import canonical_names
from nlp.extract import meetings as M, reports, workprog
from nlp.extract.pack import split_parts
from nlp.read import read
from tests.data import FIXTURES, ROOT, SEEDS

KENT = SEEDS / "004_726bb34c4a465f33.txt"
SURREY = FIXTURES / "pack_surrey_adults.txt"
QUERIES = ROOT / "kg" / "queries"
MINE = (M, reports, workprog)


def records(path: Path) -> dict[str, list[object]]:
    """Records of my extractors for the pack and each of its parts, by document key."""
    pack = read(path)[0]
    out = {}
    for doc in [pack, *split_parts(pack)]:
        out[doc.key] = [r for mod in MINE if doc.doc_type in mod.APPLIES_TO for r in mod.extract(doc)]
    return out


@pytest.fixture(scope="module")
def kent():
    return records(KENT)


@pytest.fixture(scope="module")
def surrey():
    return records(SURREY)


def of(recs, cls):
    return [r for r in recs if isinstance(r, cls)]


def attendance(recs) -> Counter:
    return Counter(r.kind for r in of(recs, M.AttendanceRecord))


def test_agenda_announces_the_meeting_with_membership_and_items(kent):
    recs = kent["cschcc-2016-03-22-agenda"]
    meet = of(recs, M.MeetingRecord)[0]
    assert (str(meet.meeting.date), meet.time, meet.venue) == (
        "2016-03-22",
        "10.00 am",
        "Darent Room, Sessions House, County Hall, Maidstone",
    )
    members = of(recs, M.MembershipRecord)
    assert len(members) == 15  # Membership (14) plus one named substitute
    assert Counter(m.party for m in members) == {"Conservative": 8, "UKIP": 3, "Labour": 3, "Liberal Democrat": 1}
    roles = {m.person.name: m.role for m in members if m.role}
    assert roles == {"Mrs J Whittle": "Chairman", "Mrs A D Allen": "Vice-Chairman", "Mrs P Brivio": "Substitute"}
    items = of(recs, M.AgendaItemRecord)
    assert [i.code for i in items] == [
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
        "A6",
        "B1",
        "B2",
        "C1",
        "C2",
        "D1",
        "D2",
        "D3",
        "D4",
        "D5",
    ]
    d3 = next(i for i in items if i.code == "D3")
    assert (d3.title, d3.pages, d3.section) == (
        "Draft 2016/17 Social Care, Health and Wellbeing Directorate Business Plan",
        (117, 166),
        "Monitoring of Performance",
    )


def test_minutes_of_22_january_2016(kent):
    recs = kent["cschcc-2016-03-22-a4-minutes-cschcc-2016-01-22"]
    meet = of(recs, M.MeetingRecord)[0]
    assert (meet.meeting.body, str(meet.meeting.date)) == (
        "Children's Social Care and Health Cabinet Committee",
        "2016-01-22",
    )
    assert attendance(recs) == {"present": 14, "also_present": 4, "in_attendance": 10, "apologies": 1}
    assert [(s.person.name, s.substitute_for.name) for s in of(recs, M.SubstituteRecord)] == [
        ("Mr G Cowan", "Mrs Cribbon")
    ]
    assert [(d.person.name, d.item_code) for d in of(recs, M.DeclarationRecord)] == [("Mr Cowan", "B2")]
    minutes = of(recs, M.MinuteRecord)
    assert [m.number for m in minutes] == list(range(102, 120))
    per_minute = Counter(r.minute for r in of(recs, M.ResolutionRecord))
    assert per_minute == {n: 1 for n in (103, 104, 107, 108, 110, 111, 113, 114, 115, 116, 117, 118, 119)}
    informal = [r for r in of(recs, M.ResolutionRecord) if not r.formal]
    assert [(r.minute, r.text) for r in informal] == [
        (118, "The Children's Social Care and Health Cabinet Committee agreed to note the report.")
    ]
    assert {m.number: m.item_code for m in minutes}[113] == "B2"


def test_chairman_election_is_a_resolution_and_a_membership(kent):
    recs = kent["cschcc-2016-03-22-a4-minutes-cschcc-2016-01-22"]
    res = next(r for r in of(recs, M.ResolutionRecord) if r.minute == 103)
    assert "agree to Mrs Whittle's election as Chairman" in res.text
    chairs = [(m.person.name, m.role, str(m.since)) for m in of(recs, M.MembershipRecord)]
    assert chairs == [("Mrs Whittle", "Chairman", "2016-01-22"), ("Mrs Allen", "Vice-Chairman", "2016-01-22")]


def test_minutes_of_another_body_in_the_pack(kent):
    recs = kent["cschcc-2016-03-22-a5-minutes-cpp-2016-01-28"]
    assert of(recs, M.MeetingRecord)[0].meeting.body == "Corporate Parenting Panel"
    assert attendance(recs) == {"present": 8, "in_attendance": 8, "apologies": 8}
    assert [(s.person.name, s.substitute_for.name) for s in of(recs, M.SubstituteRecord)] == [
        ("Mrs S Howes", "Ms C J Cribbon")
    ]
    for_item = {r.person.name: r.minute for r in of(recs, M.AttendanceRecord) if r.minute}
    assert for_item == {"Ms Y Shah": 131, "Mrs M Hall": 132, "Mrs M Robinson": 133}
    assert [m.number for m in of(recs, M.MinuteRecord)] == list(range(126, 134))
    per_minute = Counter(r.minute for r in of(recs, M.ResolutionRecord))
    assert per_minute == {127: 1, 129: 1, 130: 1, 131: 1, 132: 1, 133: 1}


def test_pack_links_papers_to_agenda_items(kent):
    papers = kent["childrens-social-care-and-health-cabinet-committee-agenda-pack-2016-03-22"]
    coded = Counter(p.item_code for p in papers if p.item_code)
    assert coded == {"A4": 1, "A5": 1, "B1": 1, "B2": 2, "C1": 1, "C2": 2, "D1": 2, "D2": 1, "D3": 2, "D4": 2, "D5": 2}


def test_fixture_pack_two_minuted_meetings(surrey):
    ahsc = surrey["ahsc-2018-06-14-2-minutes-ahsc-2018-05-10"]
    assert attendance(ahsc) == {"present": 5, "apologies": 2, "in_attendance": 3}
    assert [(s.person.name, s.substitute_for.name) for s in of(ahsc, M.SubstituteRecord)] == [
        ("Mrs Helyn Clack", "Mrs Tina Mountain")
    ]
    assert [(d.person.name, d.item_code) for d in of(ahsc, M.DeclarationRecord)] == [("Mr Nick Darby", "5")]
    assert Counter(r.minute for r in of(ahsc, M.ResolutionRecord)) == {23: 2, 24: 1, 25: 1}
    assert [(m.person.name, m.role) for m in of(ahsc, M.MembershipRecord)] == [("Mrs Clare Curran", "Vice-Chairman")]
    hwb = surrey["ahsc-2018-06-14-3-minutes-hwb-2018-05-03"]
    meet = of(hwb, M.MeetingRecord)[0]
    assert (meet.meeting.body, meet.time, meet.venue) == (
        "Health and Wellbeing Board",
        "1.00 pm",
        "Committee Room C, County Hall, Kingston upon Thames",
    )
    assert attendance(hwb) == {"present": 4, "also_present": 1, "apologies": 1}
    assert [(s.person.name, s.substitute_for.name) for s in of(hwb, M.SubstituteRecord)] == [
        ("Dr Andy Brooks", "Dr Charlotte Canniff")
    ]
    assert [(r.minute, r.text) for r in of(hwb, M.ResolutionRecord)] == [
        (9, "RESOLVED that the Board notes the Better Care Fund position.")
    ]
    agenda = surrey["ahsc-2018-06-14-agenda"]
    assert len(of(agenda, M.MembershipRecord)) == 6 and len(of(agenda, M.AgendaItemRecord)) == 7


# -- the graph ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph():
    staged = []
    for path in (KENT, SURREY):
        pack = read(path)[0]
        for doc in [pack, *split_parts(pack)]:
            staged.append((doc, [r for mod in MINE if doc.doc_type in mod.APPLIES_TO for r in mod.extract(doc)]))
    names = canonical_names(person_refs([r for _, recs in staged for r in recs]))  # one node per person, as ingest
    g = Graph()
    for doc, recs in staged:
        g += build(doc, [], recs, names=names).graph
    return g


def run(graph, name, **bindings):
    return list(graph.query((QUERIES / f"{name}.rq").read_text(), initBindings=bindings))


def test_shapes_hold_on_the_committee_graph(graph):
    import pyshacl

    shapes, ontology = Graph(), Graph()
    for f in sorted((ROOT / "ontology").glob("*.ttl")):
        (shapes if f.name.startswith("shapes") else ontology).parse(f)
    ok, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology)
    assert ok, text


def test_query_who_attended(graph):
    rows = run(graph, "meeting-attendance", date=Literal("2016-01-22", datatype=XSD.date))
    assert len(rows) == 29
    cowan = [r for r in rows if str(r.name) == "G Cowan"]  # "Mr G Cowan", for "Mrs Cribbon" (Mrs C J Cribbon)
    assert [str(r.substituteFor) for r in cowan] == ["C J Cribbon"]
    assert len(run(graph, "meeting-attendance")) == 29 + 24 + 10 + 6


def test_query_resolutions_of_a_meeting(graph):
    rows = run(graph, "meeting-resolutions", date=Literal("2016-01-28", datatype=XSD.date))
    assert len(rows) == 8  # 8 minutes, at most one resolution each
    assert sum(1 for r in rows if r.resolution is not None) == 6


def test_query_person_roles(graph):
    rows = run(graph, "person-roles", nameLike=Literal("whittle"))
    got = {(str(r.name), str(r.how), str(r.role)) for r in rows}
    # "Mrs J Whittle" of the attendance list and "Mrs Whittle" of the minutes are one person
    assert got == {("J Whittle", "membership", "Chairman"), ("J Whittle", "at meeting", "Chairman")}


def test_capacities_in_attendance_lists_become_dated_memberships(engine):
    rows = {
        (r["name"].value, r["role"].value, r["when"].value)
        for r in engine.sparql(
            "SELECT DISTINCT ?name ?role ?when WHERE { ?m a org:Membership ; org:member/foaf:name ?name ; "
            'org:role/rdfs:label ?role ; ckg:validAt ?when FILTER(?when = "2016-01-28"^^xsd:date) }'
        )
    }
    assert ("A D Allen", "Chairman", "2016-01-28") in rows
    assert ("Philip Segurola", "Director of Specialist Children's Services", "2016-01-28") in rows
    assert len(rows) == 9  # the Chairman, five officers in attendance, three more for one item each
