"""The 2013 East Sussex scrutiny report: cover, people, priority outcomes, recommendations, garbled items."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Literal

from kg.triples import build
from kg.vocab import CKG, SKOS
from nlp.extract import scrutiny
from nlp.read import read

ROOT = Path(__file__).parents[1]
SEED = ROOT / "seeds" / "003_d8b0eb0283d79c88.txt"


@cache
def report():
    (doc,) = read(SEED)
    return doc, scrutiny.extract(doc)


def of(kind):
    return [r for r in report()[1] if isinstance(r, kind)]


def test_cover_committee_date_and_author():
    doc, _ = report()
    (cover,) = of(scrutiny.Cover)
    assert doc.issued.isoformat() == "2013-11-11"
    assert (cover.committee, cover.author) == ("Children's Services Scrutiny Committee", "Chief Executive")
    assert cover.title == "Reconciling Policy, Performance and Resources (RPP&R)"


def test_contacts_and_signatory():
    people = {c.relation: c for c in of(scrutiny.Contact)}
    assert (people["signatory"].person.name, people["signatory"].role) == ("Becky Shaw", "Chief Executive")
    contact = people["contact"]
    assert (contact.person.name, contact.role, contact.phone) == ("Paul Dean", "Scrutiny Manager", "01273 481751")


def test_priority_outcomes_2013_scheme():
    names = [p.name for p in of(scrutiny.PriorityOutcome)]
    assert names == [
        "Driving economic growth",
        "Keeping vulnerable people safe from harm",
        "Building resilience for individuals and families to live independently",
        "Making the best use of our resources",
    ]
    doc, records = report()
    g = build(doc, [], records).graph
    schemes = set(g.objects(None, SKOS.inScheme))
    assert len(schemes) == 1 and str(next(iter(schemes))).endswith("/escc/priority-outcomes/2013")
    assert len(set(g.subjects(SKOS.inScheme, None))) == 4


def test_recommendations():
    recs = of(scrutiny.Recommendation)
    assert [r.number for r in recs] == [1, 2, 3]
    assert recs[1].text == "agree the membership of the RPPR Scrutiny Board to meet on 7 January 2014"


def test_table_items_flag_ocr_damage():
    items = of(scrutiny.Item)
    assert len(items) == 9
    assert [i.uncertain for i in items] == [True] * 7 + [False, True]
    assert items[7].number == "viii" and items[7].text.endswith("for 0-11 year olds")
    doc, records = report()
    g = build(doc, [], records).graph
    assert len(list(g.subjects(CKG.uncertain, Literal(True)))) == 8


def test_garble_test_is_generic():
    assert not scrutiny.garbled("Ensuring sufficient child care availability across the county for 0-11 year olds")
    assert not scrutiny.garbled("Support for young people in the criminal justice system (YOT)")
    assert scrutiny.garbled(
        "appropriate monitoring for young people at risk of entering the criminal stice sytem ofending"
    )
    assert scrutiny.garbled("• • e home to school transport")
    assert scrutiny.garbled("children and young people ശ")
