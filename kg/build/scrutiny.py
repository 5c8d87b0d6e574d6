"""Scrutiny reports -> committee, people, the year's priority outcomes, recommendations, items.

The priority outcomes a report lists become concepts of the council's own scheme for the
report's year (`dg.priority_scheme()`), so renamed priorities can be linked across years.
Items keep their verbatim text and a `ckg:uncertain` flag from the garble test.
"""
from __future__ import annotations

from kg.build.core import DocGraph
from kg.vocab import CKG, DCT, ORG, PROV, SKOS
from nlp.extract.scrutiny import Contact, Cover, Item, PriorityOutcome, Recommendation


def cover(dg: DocGraph, rec: Cover) -> None:
    if rec.committee:
        committee = dg.shared("committee", dg.doc.council_key, rec.committee)
        dg.typed(committee, CKG.Committee, label=rec.committee)
        dg.add(committee, ORG.subOrganizationOf, dg.council())
        dg.add(dg.iri, CKG.addressedTo, committee)
        dg.add(dg.iri, CKG.reportTo, rec.committee)
    dg.add(dg.iri, CKG.reportFrom, rec.author)
    dg.add(dg.iri, CKG.purpose, rec.purpose)


def contact(dg: DocGraph, rec: Contact) -> None:
    """The signatory (dct:creator) or contact officer, with the capacity written beside the name."""
    person = dg.person(rec.person)
    dg.add(dg.iri, DCT.creator if rec.relation == "signatory" else CKG.contactOfficer, person)
    node = dg.node("attribution", rec.person.name)
    dg.typed(node, PROV.Attribution, label=f"{rec.person.name}, {rec.role}" if rec.role else rec.person.name)
    dg.add(node, PROV.agent, person)
    dg.add(node, CKG.capacity, rec.role)
    dg.add(node, CKG.phone, rec.phone)
    dg.add(dg.iri, PROV.qualifiedAttribution, node)
    dg.derive(node, rec.person.line)


def priority(dg: DocGraph, rec: PriorityOutcome) -> None:
    scheme = dg.priority_scheme()
    year = dg.doc.issued.year if dg.doc.issued else None
    dg.typed(scheme, SKOS.ConceptScheme, label=f"{dg.doc.council} priority outcomes {year or ''}".strip())
    dg.add(scheme, DCT.publisher, dg.council())
    concept = dg.priority(rec.name)
    dg.typed(concept, SKOS.Concept)
    dg.add(concept, SKOS.prefLabel, rec.name)
    dg.add(concept, SKOS.inScheme, scheme)
    dg.add(concept, SKOS.topConceptOf, scheme)
    dg.add(dg.iri, CKG.statesPriority, concept)
    dg.derive(concept, rec.line)


def recommendation(dg: DocGraph, rec: Recommendation) -> None:
    node = dg.node("recommendation", rec.number)
    dg.typed(node, CKG.Recommendation, label=rec.text[:120])
    dg.add(node, CKG.ordinal, rec.number)
    dg.add(node, CKG.text, rec.text)
    dg.add(dg.iri, CKG.recommendation, node)
    dg.derive(node, rec.line)


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
