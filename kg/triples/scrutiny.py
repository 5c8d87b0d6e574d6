"""Scrutiny reports -> committee, people, the year's priority outcomes, recommendations, items.

The priority outcomes a report lists become concepts of the council's own scheme for the
report's year (`dg.priority_scheme()`), so renamed priorities can be linked across years.
Items keep their verbatim text and a `ckg:uncertain` flag from the garble test.
"""

from __future__ import annotations

from kg.triples.committee import attribution, recommendation_node
from kg.triples.core import DocGraph
from kg.triples.plan_outline import stated_priority
from kg.vocab import CKG, DCT, SKOS
from nlp.extract.scrutiny import Contact, Cover, Item, PriorityOutcome, Recommendation


def cover(dg: DocGraph, rec: Cover) -> None:
    if rec.committee:
        dg.add(dg.iri, CKG.addressedTo, dg.committee(rec.committee))
        dg.add(dg.iri, CKG.reportTo, rec.committee)
    dg.add(dg.iri, CKG.reportFrom, rec.author)
    dg.add(dg.iri, CKG.purpose, rec.purpose)


def contact(dg: DocGraph, rec: Contact) -> None:
    """The signatory (dct:creator) or contact officer, with the capacity written beside the name."""
    person = dg.person(rec.person)
    dg.add(dg.iri, DCT.creator if rec.relation == "signatory" else CKG.contactOfficer, person)
    dg.add(attribution(dg, rec.person, rec.role), CKG.phone, rec.phone)


def priority(dg: DocGraph, rec: PriorityOutcome) -> None:
    scheme = dg.priority_scheme()
    year = dg.doc.issued.year if dg.doc.issued else None
    dg.typed(scheme, SKOS.ConceptScheme, label=f"{dg.doc.council} priority outcomes {year or ''}".strip())
    dg.add(scheme, DCT.publisher, dg.council())
    stated_priority(dg, scheme, rec.name, rec.line)


def recommendation(dg: DocGraph, rec: Recommendation) -> None:
    recommendation_node(dg, rec.number, rec.text, rec.line)


def item(dg: DocGraph, rec: Item) -> None:
    node = dg.node("item", rec.line)
    dg.typed(node, CKG.ReportItem, label=rec.text)
    dg.add(node, CKG.text, rec.text)
    dg.add(node, CKG.itemNumber, rec.number)
    dg.add(node, CKG.tableCaption, rec.table)
    dg.add(node, CKG.uncertain, rec.uncertain)
    dg.add(node, DCT.isPartOf, dg.iri)
    dg.derive(node, rec.line)


BUILDERS = {Cover: cover, Contact: contact, PriorityOutcome: priority, Recommendation: recommendation, Item: item}
