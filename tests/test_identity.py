"""Document identity for any council: council, body, dates, kind and a real title, sidecars and keys."""

from datetime import date

import pytest

from nlp.read import iter_files, read
from tests.data import CORPUS, FIXTURES, needs_corpus

# file -> (council, body, meeting date, issued, year, doc_type, title)
FIXTURE_IDENTITIES = {
    "ident_welsh_cbc.txt": (
        "Afoncaer County Borough Council",
        "Cabinet",
        date(2023, 3, 7),
        date(2023, 3, 7),
        2023,
        "Minutes",
        "Cabinet minutes, 7 March 2023",
    ),
    "ident_scottish_report.txt": (
        "Glenmor Council",
        "Education, Children and Families Committee",
        date(2024, 5, 14),
        date(2024, 5, 14),
        2024,
        "PerformanceReport",
        "Attainment Performance Report 2023/24",
    ),
    "ident_metropolitan_board.txt": (
        "Brackenfield Metropolitan Borough Council",
        "Health and Wellbeing Board",
        date(2023, 1, 18),
        date(2023, 1, 18),
        2023,
        "Minutes",
        "Health and Wellbeing Board minutes, 18 January 2023",
    ),
    "ident_parish_minutes.txt": (
        "Nether Wyke Town Council",
        "Full Council",
        date(2023, 9, 4),
        date(2023, 9, 4),
        2023,
        "Minutes",
        "Full Council minutes, 4 September 2023",
    ),
    "ident_district_agenda.txt": (
        "Wyvern Vale District Council",
        "Planning Committee",
        date(2023, 10, 12),
        date(2023, 10, 12),
        2023,
        "AgendaPack",
        "Planning Committee agenda pack, 12 October 2023",
    ),
    "ident_moderngov_minutes.html": (
        "Kestrel Borough Council",
        "Licensing Sub-Committee",
        date(2024, 3, 6),
        date(2024, 3, 6),
        2024,
        "Minutes",
        "Licensing Sub-Committee minutes, 6 March 2024",
    ),
    # a cover block (council, body, date) before the subject: the title is the subject, never "March 2025"
    "ident_cover_block_report.txt": (
        "Harrowdale Borough Council",
        "Executive",
        date(2025, 3, 3),
        date(2025, 3, 3),
        2025,
        "Report",
        "Housing Repairs Improvement Plan 2025/26",
    ),
    # "MINUTE of MEETING of the … held" and "Minutes of the … Committee held", without the word meeting before the body
    "minutes_scottish_committee.txt": (
        "Unknown council",
        "Education and Children's Services Committee",
        date(2024, 3, 14),
        date(2024, 3, 14),
        2024,
        "Minutes",
        "Education and Children's Services Committee minutes, 14 March 2024",
    ),
    "pages_markup.txt": (
        "Eastbrook District Council",
        "Scrutiny Committee",
        date(2020, 6, 9),
        date(2020, 6, 9),
        2020,
        "Minutes",
        "Scrutiny Committee minutes, 9 June 2020",
    ),
    # no opening at all: a numbered item ("1. Apologies for absence") is never the title
    "ingest_safety_minutes_library.txt": (
        "Unknown council",
        "",
        None,
        date(2023, 3, 7),
        2023,
        "Minutes",
        "Minutes, 7 March 2023",
    ),
}

CORPUS_IDENTITIES = {
    "bracknell-forest_2025_council_plan_overview_q4.txt": (
        "Bracknell Forest Council",
        "",
        None,
        date(2025, 7, 2),
        2025,
        "PerformanceReport",
        "Council plan overview report - Summary",
    ),
    "enfield_2019-02-13_cabinet_revenue_monitoring_q3.txt": (
        "London Borough of Enfield",
        "Cabinet",
        date(2019, 2, 13),
        date(2019, 2, 13),
        2019,
        "Minutes",
        "Revenue Monitoring Report Q3 2018/19",
    ),
    "limerick_2016-06-02_transport_spc_minutes.txt": (
        "Limerick City and County Council",
        "Travel and Transportation Strategic Policy Committee",
        date(2016, 6, 2),
        date(2016, 6, 2),
        2016,
        "Minutes",
        "Travel and Transportation Strategic Policy Committee minutes, 2 June 2016",
    ),
    "limerick_2016-10-17_metro_budget_plan.txt": (
        "Limerick City and County Council",
        "Metropolitan District of Limerick",
        date(2016, 10, 17),
        date(2016, 10, 17),
        2016,
        "Minutes",
        "Metropolitan District of Limerick minutes, 17 October 2016",
    ),
    "maidstone_2009-11-11_cabinet_q2_performance_report.txt": (
        "Maidstone Borough Council",
        "Cabinet",
        None,
        date(2009, 11, 11),
        2009,
        "PerformanceReport",
        "Q2 performance report",
    ),
    "mid-devon_2023_cabinet_budget_2023-24.txt": (
        "Mid Devon District Council",
        "Cabinet",
        None,
        None,
        2023,
        "Minutes",
        "2023/24 Budget",
    ),
    "oldham_2020_cabinet_revenue_monitor_month9.txt": (
        "Oldham Council",
        "Cabinet",
        None,
        None,
        2020,
        "Minutes",
        "Revenue Monitor and Capital Investment Programme 2019/20 Month 9 – December 2019",
    ),
    "reading_2019_audit_strategic_risk_register_q1.txt": (
        "Reading Borough Council",
        "Audit Committee",
        None,
        None,
        2019,
        "Minutes",
        "Strategic Risk Register Q1",
    ),
    "west-lancashire_2021_cabinet_minutes.txt": (
        "West Lancashire Borough Council",
        "Cabinet",
        None,
        None,
        2021,
        "Minutes",
        "Cabinet minutes, 2021",
    ),
    "west-suffolk_2020-11-10_cabinet_minutes.txt": (
        "West Suffolk Council",
        "Cabinet",
        date(2020, 11, 10),
        date(2020, 11, 10),
        2020,
        "Minutes",
        "Cabinet minutes, 10 November 2020",
    ),
}

JUNK = ("TO:", "Issue - meetings", "Agenda item", "Additional documents:", "PDF", "pdf icon", "(0:")


def _identity(doc):
    return doc.council, doc.body, doc.meeting_date, doc.issued, doc.year, doc.doc_type, doc.title


@pytest.mark.parametrize("name", sorted(FIXTURE_IDENTITIES))
def test_fixture_layouts_read_their_identity(name):
    (doc,) = read(FIXTURES / name)
    assert _identity(doc) == FIXTURE_IDENTITIES[name]


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_IDENTITIES))
def test_other_councils_papers_read_their_identity(name):
    (doc,) = read(CORPUS / name)
    assert _identity(doc) == CORPUS_IDENTITIES[name]
    assert not any(j in doc.title for j in JUNK)
    assert doc.source_url.startswith("https://")


def test_sidecars_are_not_documents_and_fill_what_the_text_leaves_unsaid(tmp_path):
    (tmp_path / "paper.txt").write_text("Agenda item\n\nLibrary Opening Hours\n\nThe Cabinet noted the report.\n")
    (tmp_path / "paper.source.md").write_text(
        "# Source\n\n- Council: Oakmere District Council (England)\n- Kind: cabinet minute\n"
        "- Date: 2022 (meeting in spring)\n- Source URL: https://example.org/mgAi.aspx?ID=1\n"
    )
    (tmp_path / "notes.meta.md").write_text("- Council: Nowhere Council\n")  # no document beside it: a document
    assert [f.name for f in iter_files([tmp_path])] == ["notes.meta.md", "paper.txt"]
    assert iter_files([tmp_path / "paper.source.md"]) == []
    (doc,) = read(tmp_path / "paper.txt")
    assert (doc.council, doc.council_key, doc.body, doc.year, doc.issued) == (
        "Oakmere District Council",
        "oakmere-district",
        "Cabinet",
        2022,
        None,
    )
    assert (doc.doc_type, doc.title, doc.source_url) == (
        "Minutes",
        "Library Opening Hours",
        "https://example.org/mgAi.aspx?ID=1",
    )


def test_the_text_wins_over_the_sidecar(tmp_path):
    (tmp_path / "p.txt").write_text(
        "Ashby Vale Borough Council\n\nMinutes of a meeting of the Executive held on 3 May 2022\n"
    )
    (tmp_path / "p.meta.md").write_text("- Council: Some Other Council\n- Date: 2020-01-01\n")
    (doc,) = read(tmp_path / "p.txt")
    assert (doc.council, doc.body, doc.issued) == ("Ashby Vale Borough Council", "Executive", date(2022, 5, 3))


def test_unknown_stays_unknown_without_junk(tmp_path):
    f = tmp_path / "scan.txt"
    f.write_text(
        "TO:\n\nAgenda item\n\nIssue - meetings\n\nThe matter was noted after a short discussion of the points raised.\n"
    )
    (doc,) = read(f)
    assert (doc.council, doc.council_key, doc.body, doc.issued, doc.year, doc.doc_type) == (
        "Unknown council",
        "unknown",
        "",
        None,
        None,
        "Report",
    )
    assert doc.title == "Report"


def test_a_council_named_only_in_passing_is_not_the_publisher(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("Annual Audit Letter\n\nThe Council has set a balanced budget. The Band D Council Tax rose by 2%.\n")
    (doc,) = read(f)
    assert doc.council == "Unknown council" and doc.title == "Annual Audit Letter"


def test_two_files_titled_minutes_get_different_keys(tmp_path):
    for name, text in (
        ("a.txt", "Minutes\n\nThe meeting noted the report.\n"),
        ("b.txt", "Minutes\n\nThe meeting agreed the plan.\n"),
    ):
        (tmp_path / name).write_text(text)
    (a,), (b,) = read(tmp_path / "a.txt"), read(tmp_path / "b.txt")
    assert a.title == b.title == "Minutes" and a.doc_type == "Minutes"
    assert a.key != b.key


@needs_corpus
def test_every_corpus_key_is_unique():
    keys = [(d.council_key, d.key) for f in sorted(CORPUS.glob("*.txt")) for d in read(f)]
    assert len(keys) == len(set(keys))
