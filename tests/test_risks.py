"""Risk registers: entries with ids, titles, owners, likelihood, impact, ratings, controls and actions."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

from kg.triples import build
from nlp.extract import risks, split_parts
from nlp.read import read

ROOT = Path(__file__).parents[1]
PACK = ROOT / "seeds" / "004_726bb34c4a465f33.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "perf_risk_register.txt"


@cache
def register():
    return next(p for p in split_parts(read(PACK)[0]) if p.doc_type == "RiskRegister")


@cache
def entries() -> dict[str, risks.Risk]:
    return {r.id: r for r in risks.extract(register())}


def test_register_holds_17_risks_16_directorate_and_1_corporate():
    ids = list(entries())
    assert len(ids) == 17
    assert ids[0] == "SCHW 01" and ids[-1] == "CRR 12"
    assert (
        sum(i.startswith("SCHW") for i in ids) == 16
    )  # "There are currently 16 risks on the Directorate Risk Register"


def test_scores_agree_with_the_registers_own_profile_table():
    """The appendix lists every risk number with its likelihood, impact and score."""
    profile = {}
    for line in register().lines:
        cells = line.split("\t")
        if len(cells) == 5 and re.fullmatch(r"\d\d[a-z]?", cells[0]) and cells[4].isdigit():
            profile[cells[0]] = (int(cells[2]), int(cells[3]), int(cells[4]))
    assert len(profile) == 16
    for rid, risk in entries().items():
        number = rid.split()[-1]
        if number in profile and rid.startswith("SCHW"):
            assert (risk.score("likelihood")[1], risk.score("impact")[1], risk.rating()) == profile[number], rid


def test_owners_are_people_with_roles():
    r = entries()["SCHW 07"]
    assert r.get("owner").startswith(
        "Andrew Ireland, Corporate Director SCHWB/ Mark Lobban Director Commissioning SCHWB"
    )
    assert [(p.person.name, p.role) for p in r.owners] == [
        ("Andrew Ireland", "Corporate Director SCHWB"),
        ("Mark Lobban", "Director Commissioning SCHWB"),
        ("Penny Southern", "Director DCLDMH"),
        ("Anne Tidmarsh", "Director OPPD"),
    ]
    assert [p.person.name for p in entries()["CRR 12"].cabinet_members] == ["Graham Gibbens"]
    assert [p.person.name for p in entries()["CRR 12"].owners] == ["Andrew Ireland"]


def test_titles_scores_and_target_ratings():
    r = entries()["SCHW 19"]
    assert r.get("title").startswith("Capacity to assess, support and accommodate")
    assert (r.score("likelihood"), r.score("impact"), r.rating(), risks.band(r.rating())) == (
        ("Very Likely", 5),
        ("Major", 5),
        25,
        "High",
    )
    assert (r.score("target_likelihood"), r.score("target_impact"), r.rating("target_")) == (
        ("Possible", 3),
        ("Serious", 4),
        12,
    )
    assert entries()["SCHW 17"].score("target_likelihood") is None and entries()["SCHW 17"].rating("target_") is None


def test_controls_and_actions_survive_page_breaks():
    steps = entries()["SCHW 03a"].steps
    controls = [s for s in steps if s.kind == "control"]
    assert len(controls) == 8 and len(steps) == 14
    broken = next(s for s in controls if s.text.startswith("Consistent scrutiny"))
    assert broken.text.endswith("Deep Dives and audit activity.")
    assert (
        broken.owner_text
        == "Andrew Ireland, Corporate Director SCHWB/Philip Segurola, Director Specialist Children's Services"
    )
    actions = [s for s in entries()["SCHW 15"].steps if s.kind == "action"]
    assert len(actions) == 3 and actions[0].owner_text == "Mark Lobban, Director Commissioning SCHWB"
    assert actions[0].text.endswith("Commissioning of 750 BIA Assessments from Connect 2 Kent")
    assert actions[0].due == date(2016, 3, 31)


def test_risks_by_owner_query():
    g = build(register(), [], list(entries().values())).graph
    res = list(g.query((ROOT / "kg" / "queries" / "risks-by-owner.rq").read_text()))
    assert len(res) == 40
    ireland = [str(r["riskId"]) for r in res if str(r["ownerName"]) == "Andrew Ireland"]
    assert len(ireland) == 14 and ireland[0] == "SCHW 04"


def test_fixture_register_extracted_exactly():
    doc = replace(read(FIXTURE)[0], doc_type="RiskRegister")
    found = {r.id: r for r in risks.extract(doc)}
    assert list(found) == ["ADS 01", "ADS 02"]
    a = found["ADS 01"]
    assert (a.get("title"), a.get("cause"), a.rating(), a.rating("target_")) == (
        "Winter pressures on hospital discharge",
        "Rising hospital admissions in winter.",
        16,
        6,
    )
    assert [p.person.name for p in a.owners] == ["Mary Smith", "Tom Brown"]
    assert [(s.kind, s.text, s.owner_text, s.due) for s in a.steps] == [
        ("control", "Daily discharge calls with the NHS trusts", "Mary Smith, Director Adult Services", None),
        (
            "control",
            "Spot purchasing of home care with extra capacity funding.",
            "Tom Brown Head of Commissioning",
            None,
        ),
        ("action", "Open a discharge-to-assess unit", "Tom Brown, Head of Commissioning", date(2019, 12, 31)),
        ("action", "Recruit twenty reablement workers", "Mary Smith, Director Adult Services", None),
    ]
    b = found["ADS 02"]
    assert (
        b.get("title"),
        b.score("likelihood"),
        b.score("impact"),
        b.score("target_likelihood"),
        b.score("target_impact"),
    ) == ("Data protection", ("Possible", 3), ("Major", 5), ("Unlikely", 2), ("Serious", 4))
    assert [p.person.name for p in b.cabinet_members] == ["Alan Green"] and [p.person.name for p in b.owners] == [
        "Mary Smith"
    ]
