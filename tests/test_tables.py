"""The generic table interpreter: blocks, headers, continuations, fill-down and typed cell values."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from nlp.periods import Period
from nlp.read import read
from nlp.cells import clean_cell, italics, parse_amount, parse_cell, split_subitems
from nlp.tables import contents, find_tables, is_header, join_split, section_at
from tests.data import FIXTURES, SEEDS

ESCC = re.compile(r"\b(ESCC|East Sussex)\b")


def numbered(text: str, start: int = 1) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=start))


@pytest.fixture(scope="module")
def children_tables():
    doc = read(SEEDS / "000_ef67688da2edb598.txt")[0]
    return doc, find_tables(doc.numbered())


# -- tables ---------------------------------------------------------------------------------
def test_repeated_page_headers_continue_one_table(children_tables):
    _, tables = children_tables
    measures = next(t for t in tables if t.role("label"))
    assert (measures.line_start, measures.line_end) == (322, 373)
    assert len(measures.rows) == 36 and sum(r.group for r in measures.rows) == 3
    assert measures.header_lines == (322, 329, 336, 341, 345, 349, 356, 366)  # repeated on every page
    assert [c.header for c in measures.period_columns()] == [
        "2018/19 Outturn",
        "2019/20 Outturn",
        "2020/21 Target",
        "2021/22 Target",
        "2022/23 Target",
    ]
    assert [(c.period.start_year, c.kind) for c in measures.period_columns()][::2] == [
        (2018, "Outturn"),
        (2020, "Target"),
        (2022, "Target"),
    ]
    assert measures.role("summary").header == "2018-23 Outcome Summary"


def test_two_row_header_carries_the_year_over_its_columns(children_tables):
    _, tables = children_tables
    budget = next(t for t in tables if t.caption == "Revenue Budget £000")
    assert [c.header for c in budget.columns[:4]] == [
        "Divisions",
        "2018/19 Gross",
        "2018/19 Income + Net Recharges",
        "2018/19 Net",
    ]
    assert [c.kind for c in budget.columns[7:]] == ["Gross", "Income", "Net"]
    assert budget.columns[9].period == Period(2020)


def test_footnotes_and_heading_are_kept(children_tables):
    _, tables = children_tables
    capital = next(t for t in tables if t.caption.startswith("Capital Programme"))
    assert capital.notes == ("**Rolling programme: no total scheme value",)
    assert capital.heading == "Capital Programme"


def test_a_different_table_after_a_page_break_is_not_a_continuation():
    text = "A\tB 2020/21\tTarget\n1\t2\t3\n\nService\tContract\tStart date\nX\tY\t01/01/2020"
    tables = find_tables(numbered(text))
    assert [len(t.rows) for t in tables] == [1, 1]


def test_header_rows_hold_no_values():
    assert is_header(["Lead Member", "Performance measure", "2018/19 Outturn", "2018-23 Outcome Summary"])
    assert is_header(["", "Gross", "Income + Net Recharges", "Net"])
    assert not is_header(["Cllr Tidy", "Rate of X CP", "Ac Year 18/19 40%", "55.5"])
    assert not is_header(["Revenue Budget £000", "", ""])


def test_fill_down_and_split_cells(children_tables):
    _, tables = children_tables
    measures = next(t for t in tables if t.role("label"))
    leads = measures.fill_down(measures.role("lead_member").index)
    assert leads[:4] == ["", "Cllr Standley", "Cllr Standley", "Cllr Standley"]  # row 0 is a group row
    joined = join_split(
        ["Adults stay safe.", "Adults take control.", "Delivery outcomes 8 and 9.", ""],
        lambda prev, cur: cur.startswith("Delivery") and "Delivery" not in prev,
    )
    assert joined[1] == joined[2] == "Adults take control. Delivery outcomes 8 and 9."
    assert joined[0] == "Adults stay safe." and joined[3] == ""


def test_contents_and_sections():
    doc = read(SEEDS / "001_7a86a0afad391c44.txt")[0]
    tables = find_tables(doc.numbered())
    names = contents(tables)
    assert "Safer Communities" in names and "Net Revenue Budget Summary" in names
    assert section_at(doc.numbered(), 336, names) == "Safer Communities"
    assert section_at(doc.numbered(), 171, names) == "Adult Social Care"


# -- cells ----------------------------------------------------------------------------------
def test_html_is_stripped_and_italics_kept_apart():
    raw = "<p>The rate</p> <p>(i) Fixed</p> CP <i>*A note</i><br>"
    assert clean_cell(raw) == "The rate (i) Fixed CP *A note"
    assert italics(raw) == ["*A note"]
    assert split_subitems("Exclusions. (i) Fixed term (ii) Permanent") == (
        "Exclusions.",
        [("i", "Fixed term"), ("ii", "Permanent")],
    )
    assert split_subitems("Rate (of 0-17 population) of referrals") == ("Rate (of 0-17 population) of referrals", [])


def test_academic_prefix_and_areas():
    values = parse_cell("Ac Year 18/19 ESCC 62.7% National Average 65.3%", Period(2019), "Outturn", None, ESCC)
    assert [(v.text, v.number, v.area, v.kind, v.unit) for v in values] == [
        ("Ac Year 18/19 ESCC 62.7%", Decimal("62.7"), "AreaCouncil", "Outturn", "Percent"),
        ("National Average 65.3%", Decimal("65.3"), "AreaNational", "NationalAverage", "Percent"),
    ]
    assert {v.period for v in values} == {Period(2018, "academic")}


def test_sub_items_and_gap_notes():
    cell = (
        "Ac Year 17/18 (i) ESCC 2.22% National Average 16/17 1.37% (0.85 points above national average) "
        "(ii) ESCC 0.06% National Average 16/17 0.03% (0.03 points above national average)"
    )
    values = parse_cell(cell, Period(2018), "Outturn", None, ESCC)
    assert [(v.sub, v.number, v.area) for v in values] == [
        ("i", Decimal("2.22"), "AreaCouncil"),
        ("i", Decimal("1.37"), "AreaNational"),
        ("ii", Decimal("0.06"), "AreaCouncil"),
        ("ii", Decimal("0.03"), "AreaNational"),
    ]
    assert values[1].period == Period(2016, "academic")
    assert values[1].text.endswith("(0.85 points above national average)")
    assert " ".join(v.text for v in values) == cell


@pytest.mark.parametrize(
    "cell, numbers, units",
    [
        ("55.5 588 children", ["55.5", "588"], ["RatePer10000", "Count"]),
        ("654 Cumulative 3,278", ["654", "3278"], ["RatePer10000", "RatePer10000"]),
        ("308 against a target of 450", ["308", "450"], ["RatePer10000", "RatePer10000"]),
        ("60% within 6 weeks & 97% within 18 weeks", ["60", "97"], ["Percent", "Percent"]),
        ("150FTE per 100,000 of population", ["150"], ["RatePer100000"]),
        ("2015-18 ESCC 454 days National Average 486 days", ["454", "486"], ["Days", "Days"]),
        ("Ac year 17/18 ESCC -0.03 National -0.02", ["-0.03", "-0.02"], ["RatePer10000", "RatePer10000"]),
        ("55.9 (596 children)", ["55.9", "596"], ["RatePer10000", "Count"]),
    ],
)
def test_multi_value_cells(cell, numbers, units):
    values = parse_cell(cell, Period(2019), "Outturn", "RatePer10000", ESCC)
    assert [str(v.number) for v in values] == numbers
    assert [v.unit for v in values] == units
    assert " ".join(v.text for v in values) == cell.replace(" &", "")


def test_in_cell_target_and_qualifiers():
    actual, target = parse_cell("308 against a target of 450", Period(2018), "Outturn")
    assert (actual.kind, target.kind, target.text) == ("Outturn", "Target", "against a target of 450")
    (v,) = parse_cell("≥83.8%", Period(2020), "Target")
    assert (v.number, v.qualifier, v.unit) == (Decimal("83.8"), "≥", "Percent")
    (v,) = parse_cell("No more than 3%", Period(2020), "Target")
    assert v.qualifier == "no more than"


@pytest.mark.parametrize(
    "cell, status",
    [
        ("To be set 2020/21", "To be set 2020/21"),
        (
            "Ac Year 19/20 Measure not being monitored as exams cancelled due to Covid-19",
            "Measure not being monitored as exams cancelled due to Covid-19",
        ),
        ("New measure", "New measure"),
        (
            "To be reviewed at Q2 2020/21 due to impact of Covid-19",
            "To be reviewed at Q2 2020/21 due to impact of Covid-19",
        ),
        (
            "Monitoring will continue, but no target set due to COVID- 19",
            "Monitoring will continue, but no target set due to COVID- 19",
        ),
    ],
)
def test_status_cells_have_no_number(cell, status):
    (v,) = parse_cell(cell, Period(2020), "Target")
    assert (v.status, v.number, v.text) == (status, None, cell)


def test_text_targets_keep_their_text():
    (v,) = parse_cell("Equal to or above the national average", Period(2020), "Target")
    assert (v.text, v.number, v.status) == ("Equal to or above the national average", None, None)
    assert parse_cell("", Period(2020), "Target") == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,645", Decimal(1645)),
        ("(1,299)", Decimal(-1299)),
        ("-", Decimal(0)),
        ("250**", Decimal(250)),
        ("n/a", None),
        ("**", None),
        ("0", Decimal(0)),
    ],
)
def test_money_amounts(text, value):
    assert parse_amount(text) == value


def test_fixture_tables_are_found_generically():
    (doc,) = read(FIXTURES / "plan_northshire.txt")
    tables = find_tables(doc.numbered())
    measures = tables[1]
    assert [c.role for c in measures.columns[:3]] == ["lead_member", "summary", "label"]
    assert [(c.period.start_year, c.kind) for c in measures.period_columns()] == [
        (2023, "Target"),
        (2024, "Target"),
        (2021, "Outturn"),
        (2022, "Outturn"),
    ]
    assert len(measures.rows) == 9 and len(measures.header_lines) == 2
    assert [c.header for c in tables[2].columns] == [
        "Divisions",
        "2022/23 Gross",
        "2022/23 Income",
        "2022/23 Net",
        "2023/24 Gross",
        "2023/24 Income",
        "2023/24 Net",
    ]
