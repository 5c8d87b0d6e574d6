"""Plan outline records -> triples: role memberships, priority and delivery outcomes,
operating principles.

- a role holder is a `foaf:Person` with an `org:Membership` asserted by the plan and valid
  at its issue date; the `org:Role` is shared by every document of the council;
- priority outcomes are `skos:Concept`s of the council's scheme for the plan's period;
- delivery outcomes are numbered within their plan and serve one priority outcome;
- operating principles are plan-scoped nodes linked from the plan.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, DCT, ORG, SKOS
from nlp.extract.plan_outline import DeliveryOutcome, OperatingPrinciple, PriorityOutcome, RoleHolding
from nlp.periods import Period


def role(dg: DocGraph, title: str, officer: bool = False) -> URIRef:
    """The council's `org:Role` with this title, shared across documents."""
    iri = dg.shared("role", dg.doc.council_key, title)
    return dg.typed(iri, ORG.Role, CKG.OfficerRole if officer else CKG.CouncillorRole, label=title)


def role_holding(dg: DocGraph, rec: RoleHolding) -> None:
    """Person + membership of the council in a role, as this plan states it."""
    person = dg.person(rec.person)
    membership = dg.node("membership", rec.person.name, rec.role)
    dg.typed(membership, ORG.Membership, label=f"{rec.person.name}, {rec.role}")
    dg.add(membership, ORG.member, person)
    dg.add(membership, ORG.organization, dg.council())
    dg.add(membership, ORG.role, role(dg, rec.role, rec.officer))
    dg.add(membership, CKG.validAt, dg.doc.issued)
    dg.add(membership, CKG.assertedBy, dg.iri)
    dg.add(membership, CKG.responsibilities, rec.responsibilities)
    dg.derive(membership, rec.line)


def priority_scheme(dg: DocGraph) -> URIRef:
    """The council's priority-outcome scheme for this plan's period, labelled and dated."""
    scheme = dg.priority_scheme()
    first = dg.doc.period[0] if dg.doc.period else None
    label = f"{dg.doc.council} priority outcomes"
    dg.typed(scheme, SKOS.ConceptScheme, label=f"{label} {Period(first).label}" if first else label)
    dg.add(scheme, DCT.publisher, dg.council())
    if first:
        dg.add(scheme, DCT.temporal, dg.period(Period(first)))
    return scheme


def stated_priority(dg: DocGraph, scheme: URIRef, name: str, line: int) -> None:
    """A priority outcome the document states: a top concept of the council's `scheme`."""
    concept = dg.priority(name)
    dg.typed(concept, SKOS.Concept)
    dg.add(concept, SKOS.prefLabel, name)
    dg.add(concept, SKOS.inScheme, scheme)
    dg.add(concept, SKOS.topConceptOf, scheme)
    dg.add(dg.iri, CKG.statesPriority, concept)
    dg.derive(concept, line)


def priority_outcome(dg: DocGraph, rec: PriorityOutcome) -> None:
    """A priority outcome: a concept (top concept) of the council's scheme for the plan's period."""
    stated_priority(dg, priority_scheme(dg), rec.name, rec.line)


def delivery_outcome(dg: DocGraph, rec: DeliveryOutcome) -> None:
    """Delivery outcome n of this plan, serving its priority outcome."""
    node = dg.delivery_outcome(rec.number)
    dg.typed(node, CKG.DeliveryOutcome, label=rec.text)
    dg.add(node, CKG.number, rec.number)
    dg.add(node, CKG.inPlan, dg.iri)
    dg.add(node, CKG.text, rec.text)
    concept = dg.priority(rec.priority)
    dg.typed(concept, SKOS.Concept)
    dg.add(concept, SKOS.prefLabel, rec.priority)
    dg.add(concept, SKOS.inScheme, priority_scheme(dg))
    dg.add(node, CKG.servesPriority, concept)
    dg.derive(node, rec.line)


def operating_principle(dg: DocGraph, rec: OperatingPrinciple) -> None:
    """An operating principle as the plan states it."""
    node = dg.node("principle", rec.name)
    dg.typed(node, CKG.OperatingPrinciple, label=rec.name)
    dg.add(node, CKG.text, rec.text)
    dg.add(dg.iri, CKG.operatingPrinciple, node)
    dg.derive(node, rec.line)


BUILDERS = {
    RoleHolding: role_holding,
    PriorityOutcome: priority_outcome,
    DeliveryOutcome: delivery_outcome,
    OperatingPrinciple: operating_principle,
}
