"""Tracing across years and versions: series with sources and target attainment, priority lineage,
document diffs; the `trace` and `diff` commands, the /trace and /diff pages, and the three kinds of question."""

import csv
import io
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

import api.cli
from api.cli import app
from kg.diff import DocumentNotFound, diff, resolve_document
from kg.lineage import priority_lineage
from kg.trace import NotTraceable, find, series, trace_term
from tests.data import ASCH_2020, ASCSC_2017, CHILDREN_OCT, CHILDREN_SEPT

CARERS = "Number of carers supported through short-term crisis intervention"
CP_RATE = "Rate of children with a Child Protection Plan"
runner = CliRunner(env={"COLUMNS": "250"})  # rich tables one row to a line


@pytest.fixture(scope="module")
def carers(engine):
    top = find(engine.store, CARERS)[0]
    assert top.kind == "indicator" and top.label == CARERS
    return series(engine.store, top.iri)


@pytest.fixture(scope="module")
def sept_to_oct(engine):
    return diff(
        engine.store, resolve_document(engine.store, CHILDREN_SEPT), resolve_document(engine.store, CHILDREN_OCT)
    )


def values(s, kind):
    return {(p.period, p.value, p.document, p.line) for p in s.points if p.kind == kind and p.value is not None}


# -- series ------------------------------------------------------------------------------------
def test_carers_series_holds_every_outturn_and_target_with_its_source(carers):
    assert values(carers, "Outturn") == {
        ("2016/17", Decimal(688), ASCSC_2017, 183),
        ("2018/19", Decimal(765), ASCH_2020, 853),
        ("2019/20", Decimal(921), ASCH_2020, 853),
    }
    assert values(carers, "Target") == {
        ("2016/17", Decimal(675), ASCSC_2017, 183),
        *{(p, Decimal(750), ASCSC_2017, 183) for p in ("2017/18", "2018/19", "2019/20")},
        *{(p, Decimal(390), ASCH_2020, 853) for p in ("2020/21", "2021/22", "2022/23")},
    }
    assert not any(p.disagrees for p in carers.points)


def test_carers_target_attainment_uses_the_target_set_for_the_period(carers):
    judged = {a.period: (a.outturn.value, a.target.value, a.met, a.target.document) for a in carers.attainment}
    assert judged == {
        "2016/17": (688, 675, True, ASCSC_2017),
        "2018/19": (765, 750, True, ASCSC_2017),
        "2019/20": (921, 750, True, ASCSC_2017),
    }
    assert carers.attainment[-1].comparison == "921 ≥ 750"


def test_a_target_comparison_decides_before_polarity(engine):
    s = series(
        engine.store,
        find(engine.store, "proportion of clients who find it easy to find information about services")[0].iri,
    )
    a = next(a for a in s.attainment if a.period == "2018/19")
    assert (a.outturn.text, a.target.text, a.met) == ("75.5%", "≥79.4%", False)
    assert "“≥”" in a.basis


def test_values_of_one_period_that_documents_state_differently_are_flagged(engine):
    s = series(engine.store, find(engine.store, CP_RATE)[0].iri)
    flagged = {(p.period, p.document, p.text) for p in s.points if p.disagrees and p.period == "2020/21"}
    assert flagged == {
        ("2020/21", CHILDREN_SEPT, "To be reviewed at Q2 2020/21 due to impact of Covid-19"),
        ("2020/21", CHILDREN_OCT, "55.9"),
        ("2020/21", CHILDREN_OCT, "(596 children)"),
    }
    assert not any(p.disagrees for p in s.points if p.period == "2018/19")  # 55.5 and 588 children in both


def test_a_term_that_names_nothing_is_refused(engine):
    with pytest.raises(NotTraceable):
        find(engine.store, "zebra crossings painted")
    with pytest.raises(NotTraceable):
        find(engine.store, "https://w3id.org/councilkg/id/nothing")


# -- priorities ----------------------------------------------------------------------------------
def test_what_a_2013_priority_became(engine):
    top = find(engine.store, "Building resilience for individuals and families to live independently")[0]
    steps = priority_lineage(engine.store, top.iri)
    assert [(s.year[:4], s.label, s.relation) for s in steps] == [
        ("2013", "Building resilience for individuals and families to live independently", ""),
        ("2017", "Helping people help themselves", "replaced"),
        ("2020", "Helping people help themselves", "same name"),
    ]
    assert {o["number"] for o in steps[-1].outcomes} == {8, 9, 10}


def test_renamed_priority_keeps_its_delivery_outcomes_in_view(engine):
    found = trace_term(engine.store, "Keeping vulnerable people safe from harm")
    assert found["kind"] == "priority"
    assert [s["relation"] for s in found["lineage"]] == ["", "renamed", "same name"]


# -- diff ------------------------------------------------------------------------------------------
def test_naming_a_document(engine):
    store = engine.store
    assert resolve_document(store, CHILDREN_OCT).iri == CHILDREN_OCT
    assert resolve_document(store, "002_49448199a3dea4d2.txt").iri == CHILDREN_OCT
    assert resolve_document(store, "children's services September 2020").iri == CHILDREN_SEPT
    assert resolve_document(store, "Childrens Services 2020-10").iri == CHILDREN_OCT
    assert resolve_document(store, "adult social care 2017").iri == ASCSC_2017
    with pytest.raises(DocumentNotFound, match="matches 2 documents"):
        resolve_document(store, "000_ef67688da2edb598.txt")
    with pytest.raises(DocumentNotFound, match="no document"):
        resolve_document(store, "parking strategy 2031")


def test_september_to_october_changes_the_child_protection_target(sept_to_oct):
    rows = [r for r in sept_to_oct.values_changed if r["label"].startswith(CP_RATE) and r["period"] == "2020/21"]
    assert len(rows) == 1
    r = rows[0]
    assert (r["kind"], r["old"], r["new"]) == (
        "Target",
        "To be reviewed at Q2 2020/21 due to impact of Covid-19",
        "55.9 (596 children)",
    )
    assert (r["new_values"], r["old_line"], r["new_line"]) == ([55.9, 596.0], 358, 349)
    assert len(sept_to_oct.values_changed) == 3  # the 2020/21, 2021/22 and 2022/23 targets


def test_september_to_october_adds_the_permanent_exclusions_row(sept_to_oct):
    added = {
        (r["label"].rsplit(" — ", 1)[1], r["period"], r["kind"], r["new"], r["new_line"])
        for r in sept_to_oct.values_added
    }
    assert added == {
        ("Permanent", "Ac Year 2017/18", "Outturn", "(ii) ESCC 0.34%", 337),
        (
            "Permanent",
            "Ac Year 2016/17",
            "NationalAverage",
            "National Average 16/17 0.20% (0.14 points above national average)",
            337,
        ),
    }
    assert all("secondary" in r["label"] for r in sept_to_oct.values_added)
    assert not (
        sept_to_oct.measures_added
        or sept_to_oct.measures_removed
        or sept_to_oct.measures_reworded
        or sept_to_oct.values_removed
        or sept_to_oct.outcomes_added
        or sept_to_oct.outcomes_renumbered
    )


def test_2017_to_2020_adult_plan_diff(engine):
    d = diff(engine.store, resolve_document(engine.store, ASCSC_2017), resolve_document(engine.store, ASCH_2020))
    assert (len(d.measures_added), len(d.measures_removed), len(d.measures_reworded)) == (17, 14, 13)
    assert {
        "old": "Increase the number of providers registered with Support With Confidence",
        "new": "Number of providers registered with Support With Confidence",
    }.items() <= next(r for r in d.measures_reworded if "Support With Confidence" in r["new"]).items()
    assert any(r["label"].startswith("Number of adults with learning disabilities") for r in d.measures_removed)


# -- the commands -------------------------------------------------------------------------------------
@pytest.fixture
def same_engine(engine, monkeypatch):
    monkeypatch.setattr(api.cli, "_reader", lambda data: engine)


def test_trace_command_prints_the_series_with_sources(same_engine):
    r = runner.invoke(app, ["trace", "carers supported through short-term crisis intervention"])
    assert r.exit_code == 0, r.output
    assert CARERS in r.stdout and "▁▃█" in r.stdout
    assert "2019/20 target: met: 921 ≥ 750" in r.stdout
    assert "Adult Social Care and Safer Communities Portfolio Plan" in r.stdout and "853" in r.stdout


def test_trace_command_csv_and_json(same_engine):
    r = runner.invoke(app, ["trace", CARERS, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 11 and {"2019/20", "921", "Outturn", "853"} <= set(rows[6].values())
    r = runner.invoke(app, ["trace", CARERS, "--format", "json"])
    data = json.loads(r.stdout)
    assert data["series"]["attainment"][-1]["met"] is True and data["series"]["sparkline"] == "▁▃█"


def test_trace_command_lists_near_misses(same_engine):
    r = runner.invoke(app, ["trace", "--candidates", "--format", "json"])
    pairs = {(c["earlier"], c["later"]) for c in json.loads(r.stdout)}
    assert (
        "Health and Social Care Connect - % of contacts resolved at initial contact",
        (
            "Percentage of Health and Social Care Connect contacts that are appropriate and effective (i.e. lead to "
            "the provision of necessary additional services)"
        ),
    ) in pairs


def test_trace_command_refuses_bad_input(same_engine):
    assert runner.invoke(app, ["trace"]).exit_code == 1
    r = runner.invoke(app, ["trace", "zebra crossings painted"])
    assert r.exit_code == 1 and "nothing to trace" in r.output
    assert runner.invoke(app, ["trace", CARERS, "--format", "xml"]).exit_code == 2


def test_diff_command(same_engine):
    r = runner.invoke(app, ["diff", "children's services september 2020", "002_49448199a3dea4d2.txt"])
    assert r.exit_code == 0, r.output
    assert "55.9 (596 children)" in r.stdout and "(ii) ESCC 0.34%" in r.stdout
    r = runner.invoke(app, ["diff", CHILDREN_SEPT, CHILDREN_OCT, "--format", "json"])
    assert json.loads(r.stdout)["counts"]["values_changed"] == 3
    r = runner.invoke(app, ["diff", "000_ef67688da2edb598.txt", CHILDREN_OCT])
    assert r.exit_code == 1 and "matches 2 documents" in r.output


# -- the pages ------------------------------------------------------------------------------------------
def test_trace_page_shows_the_table_without_javascript(client):
    r = client.get("/trace", params={"q": CARERS})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    for text in ("<td>921</td>", "<td>390</td>", "921 ≥ 750", "#L853", "/vendor/plotly.min.js", 'id="chart-data"'):
        assert text in r.text, text


def test_trace_page_json_and_errors(client):
    r = client.get("/trace", params={"q": CARERS}, headers={"accept": "application/json"})
    assert r.json()["series"]["label"] == CARERS
    r = client.get("/trace", params={"q": "<script>alert(1)</script> zebra"})
    assert r.status_code == 404 and "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    assert client.get("/trace", headers={"accept": "application/json"}).status_code == 400
    index = client.get("/trace")
    assert index.status_code == 200 and "Helping people help themselves" in index.text


def test_trace_page_of_a_priority(client):
    r = client.get("/trace", params={"q": "Building resilience for individuals and families to live independently"})
    assert r.status_code == 200 and "replaced" in r.text and "Helping people help themselves" in r.text


def test_diff_page(client):
    r = client.get("/diff", params={"a": "children's services September 2020", "b": "children's services October 2020"})
    assert r.status_code == 200 and "55.9 (596 children)" in r.text and "(ii) ESCC 0.34%" in r.text
    r = client.get("/diff", params={"a": CHILDREN_SEPT, "b": CHILDREN_OCT}, headers={"accept": "application/json"})
    assert r.json()["counts"]["values_added"] == 2
    assert client.get("/diff", params={"a": "parking 2031", "b": CHILDREN_OCT}).status_code == 404


# -- questions ----------------------------------------------------------------------------------------------
def test_did_the_council_meet_its_target(engine):
    res = engine.ask(f"Did the council meet its 2019/20 target for the {CARERS.lower()}?")
    assert res["answer"].startswith("Yes: 921 against a 2019/20 target of 750")
    assert "target-attainment" in res["sparql"] or "Outturns against the targets" in res["sparql"]
    assert {tuple(c["lines"]) for c in res["citations"][:2]} == {(853, 853), (183, 183)}


def test_how_has_a_measure_changed_since(engine):
    res = engine.ask(f"How has the {CARERS.lower()} changed since 2017?")
    assert "outturns 2016/17: 688; 2018/19: 765; 2019/20: 921" in res["answer"]
    assert "2020/21–2022/23: 390" in res["answer"] and res["sparql"]


def test_what_changed_between_two_versions(engine):
    res = engine.ask("What changed between the September and October versions of the Children's Services plan?")
    assert res["answer"].startswith("September 2020 → October 2020")
    assert "55.9 (596 children)" in res["answer"] and "0.34%" in res["answer"]
    assert res["citations"][0]["lines"] == [349, 349] and "wasRevisionOf" in res["sparql"]


def test_what_a_priority_became(engine):
    res = engine.ask(
        "What did the priority 'Building resilience for individuals and families to live independently' "
        "become in later plans?"
    )
    assert res["answer"] == (
        "Building resilience for individuals and families to live independently (2013) → "
        "Helping people help themselves (2017, replaced) → Helping people help themselves (2020, same name)"
    )
    assert res["citations"][0]["lines"] == [21, 21] and "succeeds" in res["sparql"]
