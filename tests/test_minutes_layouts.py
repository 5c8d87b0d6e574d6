"""Minutes of any layout: attendance, chair, officers, motions, votes and elections, read exactly.

Fixtures in `tests/fixtures/minutes_*.txt` are written in layouts the seeds do not use
(Scottish committee, Welsh council with a recorded-vote table, parish council with one
name per line, London borough "Mover:- / Seconder:-", annual meeting electing a Mayor);
the Limerick minutes of `../shared/corpus/` are a real document in yet another layout.
"""

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from kg.triples import build
from nlp.extract import meetings as M
from nlp.read import read
from tests.data import CORPUS, FIXTURES, ROOT

LIMERICK = CORPUS / "limerick_2016-06-02_transport_spc_minutes.txt"
LAYOUTS = sorted(FIXTURES.glob("minutes_*.txt"))


def records(path: Path) -> list[object]:
    doc = read(path)[0]
    assert M.has_minutes(doc)
    return M.extract(doc)


def of(recs, cls):
    return [r for r in recs if isinstance(r, cls)]


def names(recs, kind):
    return [r.person.name for r in of(recs, M.AttendanceRecord) if r.kind == kind]


def chair(recs):
    return [(r.person.name, r.capacity) for r in of(recs, M.AttendanceRecord) if r.chair]


def moved(recs):
    return [(m.proposer and m.proposer.name, m.seconder and m.seconder.name) for m in of(recs, M.MotionRecord)]


def test_scottish_committee_semicolon_list_and_division():
    recs = records(FIXTURES / "minutes_scottish_committee.txt")
    assert of(recs, M.MeetingRecord)[0].meeting.body == "Education and Children's Services Committee"
    assert chair(recs) == [("Councillor Fiona Macrae", "Convener")]
    assert len(names(recs, "present")) == 5 and names(recs, "apologies") == ["Councillor Neil Ross"]
    assert [(r.person.name, r.capacity) for r in of(recs, M.AttendanceRecord) if r.kind == "in_attendance"] == [
        ("Mrs Ruth Haldane", "Executive Director of Education"),
        ("Mr Colin Baird", "Committee Services Officer"),
    ]
    assert moved(recs) == [
        ("Councillor Alan Brodie", "Councillor Morag Kerr"),
        ("Councillor Iain Dunlop", "Councillor Stuart Lennox"),
    ]
    vote = of(recs, M.VoteRecord)[0]
    assert (vote.votes_for, vote.votes_against) == (3, 2)
    assert [p.name for w, p in vote.names if w == "against"] == ["Councillor Iain Dunlop", "Councillor Stuart Lennox"]
    assert [(d.person.name, d.item_code) for d in of(recs, M.DeclarationRecord)] == [("Councillor Kerr", "3")]


def test_welsh_council_one_name_per_line_and_recorded_vote_table():
    recs = records(FIXTURES / "minutes_welsh_recorded_vote.txt")
    assert chair(recs) == [("Councillor Rhian Evans", "Mayor, in the Chair")]
    assert len(names(recs, "present")) == 8
    assert names(recs, "apologies") == ["Councillor Ieuan Parry", "Councillor Nia Vaughan"]
    assert [(r.person.name, r.capacity) for r in of(recs, M.AttendanceRecord) if r.kind == "in_attendance"] == [
        ("Mr Owain Rees", "Chief Executive"),
        ("Ms Sian Griffiths", "Head of Finance"),
    ]
    assert moved(recs) == [("Councillor Alun Davies", "Councillor Bethan Jones")]
    vote = of(recs, M.VoteRecord)[0]
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.motion) == (5, 2, 1, 1)
    assert Counter(w for w, _ in vote.names) == {"for": 5, "against": 2, "abstain": 1}
    assert [m.number for m in of(recs, M.MinuteRecord)] == [12, 13]


def test_parish_council_names_per_line_proposed_and_seconded():
    recs = records(FIXTURES / "minutes_parish_council.txt")
    assert chair(recs) == [("Cllr P Atkins", "Chairman")]
    assert names(recs, "present") == ["Cllr P Atkins", "Cllr R Bell", "Cllr S Carter", "Cllr T Dawson", "Cllr V Evans"]
    assert names(recs, "in_attendance") == ["Mrs K Foster"]
    assert names(recs, "apologies") == ["Cllr W Green", "Cllr Y Hill"]
    assert [m.number for m in of(recs, M.MinuteRecord)] == [45, 46, 47]
    motion = of(recs, M.MotionRecord)[0]
    assert moved(recs) == [("Cllr R Bell", "Cllr S Carter")] and (motion.outcome, motion.unanimous) == ("carried", True)
    assert [(v.votes_for, v.votes_against, v.minute) for v in of(recs, M.VoteRecord)] == [(4, 1, 47)]


def test_london_borough_mover_seconder_and_roll_call():
    recs = records(FIXTURES / "minutes_london_mover.txt")
    assert chair(recs) == [("Councillor Sara Okafor", "Mayor")]
    assert len(names(recs, "present")) == 8
    assert names(recs, "apologies") == ["Councillor Imran Ali", "Councillor Rosa Diaz"]
    assert moved(recs) == [("Councillor Ade Bello", "Councillor Claire Dunn")]
    assert "clean air emergency" in of(recs, M.MotionRecord)[0].text
    vote = of(recs, M.VoteRecord)[0]
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.motion) == (5, 2, 1, 1)
    assert [p.name for w, p in vote.names if w == "abstain"] == ["Councillor Sara Okafor"]


def test_annual_meeting_elects_mayor_and_deputy():
    recs = records(FIXTURES / "minutes_annual_meeting.txt")
    assert chair(recs) == [("Councillor Margaret Holt", "Mayor, in the Chair")]
    elections = [(e.person.name, e.office, e.elected) for e in of(recs, M.ElectionRecord)]
    assert elections == [("Councillor Peter Quinn", "Mayor", True), ("Councillor Alan Price", "Deputy Mayor", True)]
    assert moved(recs) == [
        ("Councillor David Lane", "Councillor Susan Marsh"),
        ("Councillor Peter Quinn", "Councillor Ruth Nolan"),
    ]
    assert [(v.votes_for, v.votes_against, v.abstentions) for v in of(recs, M.VoteRecord)] == [(5, 0, 1)]
    assert [(m.person.name, m.role) for m in of(recs, M.MembershipRecord)] == [
        ("Councillor Peter Quinn", "Mayor"),
        ("Councillor Alan Price", "Deputy Mayor"),
    ]


@pytest.mark.skipif(not LIMERICK.exists(), reason="development corpus not present")
def test_limerick_minutes_chair_members_officers_and_motions():
    recs = records(LIMERICK)
    present = names(recs, "present")
    assert len(present) == 13 and present[0] == "Councillor Daly"
    assert chair(recs) == [("Councillor Daly", "Chairperson")]
    assert names(recs, "apologies") == ["Councillor O’Brien", "Councillor O’Hanlon", "Mr Michael Tiernan"]
    assert len(names(recs, "in_attendance")) == 7
    assert moved(recs) == [("Councillor Butler", "Councillor Secas"), ("Councillor Donegan", "Councillor O’Donoghue")]
    assert "M20 Motorway" in of(recs, M.MotionRecord)[1].text


def test_documents_without_minutes_are_not_read_as_minutes():
    doc = read(FIXTURES / "plan_northshire.txt")[0]
    assert not M.has_minutes(doc)


def test_built_triples_hold_the_shapes():
    import pyshacl

    g = Graph()
    for path in [*LAYOUTS, *([LIMERICK] if LIMERICK.exists() else [])]:
        doc = read(path)[0]
        g += build(doc, [], M.extract(doc)).graph
    shapes, ontology = Graph(), Graph()
    for f in sorted((ROOT / "ontology").glob("*.ttl")):
        (shapes if f.name.startswith("shapes") else ontology).parse(f)
    ok, _, text = pyshacl.validate(g, shacl_graph=shapes, ont_graph=ontology)
    assert ok, text
    q = (ROOT / "kg" / "queries" / "meeting-motions.rq").read_text()
    rows = {(str(r.proposerName), str(r.seconderName)) for r in g.query(q)}
    assert ("Councillor Alun Davies", "Councillor Bethan Jones") in rows
