"""Committee reports, records of decision and work programmes."""

from collections import Counter

import pytest

from nlp.extract import reports, workprog
from nlp.extract.pack import split_parts
from nlp.read import read
from tests.data import FIXTURES, SEEDS


@pytest.fixture(scope="module")
def kent():
    pack = read(SEEDS / "004_726bb34c4a465f33.txt")[0]
    return {p.key: p for p in split_parts(pack)}


@pytest.fixture(scope="module")
def surrey():
    pack = read(FIXTURES / "pack_surrey_adults.txt")[0]
    return {p.key: p for p in split_parts(pack)}


def head(doc):
    recs = reports.extract(doc)
    rec = recs[0]
    return {k: v for k, v, _ in rec.fields}, rec, [r.text for r in recs[1:]]


def test_every_report_has_from_to_subject_and_recommendations(kent):
    found = [d for d in kent.values() if d.doc_type == "Report"]
    assert len(found) == 9
    for doc in found:
        fields, rec, recs = head(doc)
        assert {"from", "to", "subject", "summary", "recommendations"} <= fields.keys(), doc.key
        assert rec.authors and recs


def test_report_fields(kent):
    fields, rec, recs = head(kent["cschcc-2016-03-22-b2-report"])
    assert fields["subject"] == "Children and Young People’s Services – Commissioning Strategy"
    assert fields["classification"] == "Unrestricted"
    assert fields["to"] == "Children’s Social Care and Health Cabinet Committee, 22nd March 2016"
    assert fields["summary"].startswith("This report builds on the previous report to committee (January 2016)")
    assert [(a.name, role) for a, role in rec.authors] == [
        ("Graham Gibbens", "Cabinet Member for Adult Social Care and Public Health"),
        ("Andrew Scott-Clark", "Director of Public Health"),
    ]
    assert len(recs) == 2
    assert recs[1].startswith("The Children’s Social Care and Health Cabinet Committee is asked to: either ENDORSE")


def test_proposed_record_of_decision(kent):
    fields, rec, recs = head(kent["cschcc-2016-03-22-b2-decision"])
    assert fields["decision no"] == "16/00038"
    assert fields["decision maker"] == "Cabinet Member for Adult Social Care & Public Health"
    assert fields["subject"].startswith("Extending the term of the contracts for the Health Visiting")
    assert fields["reasons"] == "Decision exceeds key decision financial criteria"
    assert fields["decision"].startswith("As Cabinet Member for Adult Social Care and Public Health I agree to:")
    assert rec.kind == "DecisionRecord" and recs == []


def test_fixture_report_and_decision(surrey):
    fields, rec, recs = head(surrey["ahsc-2018-06-14-5-report"])
    assert fields["decision no"] == "18/ASC/004"
    assert recs == [
        "The Committee is asked to: COMMENT on the strategy; and",
        "The Committee is asked to: ENDORSE the proposed record of decision.",
    ]
    fields, _, _ = head(surrey["ahsc-2018-06-14-5-decision"])
    assert (fields["decision no"], fields["decision"]) == ("18/ASC/004", "To approve the strategy.")


def test_work_programme_items_and_planned_meetings(kent):
    recs = workprog.extract(kent["cschcc-2016-03-22-d5-work-programme"])
    planned = [r for r in recs if isinstance(r, workprog.PlannedMeetingRecord)]
    assert [str(p.meeting.date) for p in planned] == [
        "2016-05-13",
        "2016-07-05",
        "2016-09-06",
        "2015-11-10",
        "2017-01-11",
        "2017-03-23",
    ]
    assert [p.uncertain for p in planned] == [
        False,
        False,
        False,
        True,
        False,
        False,
    ]  # "10 NOVEMBER 2015" out of sequence
    items = Counter(str(r.meeting.date) for r in recs if isinstance(r, workprog.WorkItemRecord))
    assert items == {"2016-05-13": 3, "2016-07-05": 5, "2016-09-06": 7, "2015-11-10": 4}
    assert {p.meeting.body for p in planned} == {"Children's Social Care and Health Cabinet Committee"}


def test_fixture_work_programme(surrey):
    recs = workprog.extract(surrey["ahsc-2018-06-14-7-work-programme"])
    items = [(str(r.meeting.date), r.title, r.section) for r in recs if isinstance(r, workprog.WorkItemRecord)]
    assert items == [
        ("2018-09-12", "Home care procurement update", "Scrutiny of services"),
        ("2018-09-12", "Carers strategy", "Scrutiny of services"),
        ("2018-10-18", "Budget monitoring", "Scrutiny of services"),
    ]
