"""Agenda pack structure: the documents bound in a pack, their types, titles, dates and spans."""

import hashlib

import pytest

from nlp.extract.pack import split_parts
from nlp.read import read
from tests.data import FIXTURES, SEEDS

KENT = SEEDS / "004_726bb34c4a465f33.txt"
SURREY = FIXTURES / "pack_surrey_adults.txt"

# (doc_type, first line, last line) of every part of the Kent pack, read off the text
KENT_PARTS = [
    ("Agenda", 3, 129),
    ("Minutes", 133, 346),
    ("Minutes", 348, 503),
    ("Report", 507, 623),
    ("Report", 625, 725),
    ("DecisionRecord", 733, 771),
    ("Report", 775, 868),
    ("Report", 872, 985),
    ("BusinessPlan", 987, 1864),
    ("Report", 1868, 1948),
    ("Scorecard", 1954, 2298),
    ("Report", 2302, 2546),
    ("Report", 2548, 2645),
    ("BusinessPlan", 2649, 3402),
    ("Report", 3404, 3497),
    ("RiskRegister", 3501, 3907),
    ("Report", 3909, 4009),
    ("WorkProgramme", 4015, 4047),
]


@pytest.fixture(scope="module")
def kent():
    pack = read(KENT)[0]
    return pack, split_parts(pack)


@pytest.fixture(scope="module")
def surrey():
    pack = read(SURREY)[0]
    return pack, split_parts(pack)


def test_kent_pack_splits_into_its_parts(kent):
    _, parts = kent
    assert [(p.doc_type, p.line_start, p.line_end) for p in parts] == KENT_PARTS


def test_parts_are_part_of_the_pack_and_do_not_overlap(kent):
    pack, parts = kent
    assert all(p.part_of == pack.key for p in parts)
    for a, b in zip(parts, parts[1:]):
        assert a.line_end < b.line_start
    assert len({p.key for p in parts}) == len(parts)
    assert all(len(p.key) <= 80 for p in parts)


def test_part_lines_and_hash_are_the_exact_slice(kent):
    pack, parts = kent
    for p in parts:
        assert p.lines == pack.lines[p.line_start - pack.line_start : p.line_end - pack.line_start + 1]
        assert p.sha256 == hashlib.sha256("\n".join(p.lines).encode()).hexdigest()
    assert not parts[0].lines[0].strip() == ""


def test_titles_dates_and_keys(kent):
    _, parts = kent
    by_key = {p.key: p for p in parts}
    agenda = by_key["cschcc-2016-03-22-agenda"]
    assert agenda.title == "Children's Social Care and Health Cabinet Committee agenda, 22 March 2016"
    assert str(agenda.issued) == "2016-03-14"
    minutes = by_key["cschcc-2016-03-22-a5-minutes-cpp-2016-01-28"]
    assert minutes.title == "Minutes of the Corporate Parenting Panel meeting of 28 January 2016"
    assert str(minutes.issued) == "2016-01-28"
    report = by_key["cschcc-2016-03-22-c1-report"]
    assert report.title == "Update on the Procurement of the Children and Young People's Mental Health Service"
    decision = by_key["cschcc-2016-03-22-b2-decision"]
    assert decision.title.startswith("Record of decision 16/00038: Extending the term")
    plan = by_key["cschcc-2016-03-22-c2-business-plan"]
    assert plan.title == "Education and Young People's Services Directorate Business Plan 2016-17"
    assert plan.period == (2016, 2016)
    assert by_key["cschcc-2016-03-22-d1-scorecard"].issued.isoformat() == "2016-03-22"
    assert by_key["cschcc-2016-03-22-d4-risk-register"].title == "Social Care Health and Wellbeing Risk Register"
    wp = by_key["cschcc-2016-03-22-d5-work-programme"]
    assert wp.title == "Children's Social Care and Health Cabinet Committee – Work Programme 2016/17"


def test_appendices_take_their_report_item_code(kent):
    _, parts = kent
    codes = [p.key.split("-")[4] for p in parts[1:]]
    assert codes == [
        "a4",
        "a5",
        "b1",
        "b2",
        "b2",
        "c1",
        "c2",
        "c2",
        "d1",
        "d1",
        "d2",
        "d3",
        "d3",
        "d4",
        "d4",
        "d5",
        "d5",
    ]


def test_fixture_pack_of_another_council(surrey):
    pack, parts = surrey
    assert pack.council_key == "scc"
    assert [(p.doc_type, p.line_start, p.line_end, p.key) for p in parts] == [
        ("Agenda", 1, 44, "ahsc-2018-06-14-agenda"),
        ("Minutes", 48, 89, "ahsc-2018-06-14-2-minutes-ahsc-2018-05-10"),
        ("Minutes", 91, 111, "ahsc-2018-06-14-3-minutes-hwb-2018-05-03"),
        ("Report", 115, 141, "ahsc-2018-06-14-5-report"),
        ("DecisionRecord", 145, 155, "ahsc-2018-06-14-5-decision"),
        ("Report", 159, 174, "ahsc-2018-06-14-6-report"),
        ("RiskRegister", 178, 184, "ahsc-2018-06-14-6-risk-register"),
        ("Report", 188, 199, "ahsc-2018-06-14-7-report"),
        ("WorkProgramme", 201, 207, "ahsc-2018-06-14-7-work-programme"),
    ]
    assert parts[6].issued.isoformat() == "2018-05-01"  # "MAY 2018" under its title
    assert parts[1].title == "Minutes of the Adults and Health Select Committee meeting of 10 May 2018"


def test_a_document_that_is_not_a_pack_has_no_parts(kent):
    _, parts = kent
    assert all(split_parts(p) == [] for p in parts)
