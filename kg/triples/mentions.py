"""Mention and Provision records -> triples.

Each organisation, service, provider and place named in a document becomes one node
shared across documents (…/id/provider/<name>, …/id/service/<name>, …/id/org/<name>,
…/id/place/<name>), labelled with its canonical name and, as `skos:altLabel`, the other
ways it is written ("KCHFT"). Councils reuse the council node (…/id/org/<council key>).
The passage that names an entity
`ckg:mentions` it. A stated provision adds `service ckg:providedBy|ckg:ledBy provider`
and a `ckg:ServiceProvision` node derived from the passage that states it.
"""

from __future__ import annotations


from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, DCT, ORG, SKOS
from nlp.entity_names import is_body
from nlp.identity import council_aliases
from nlp.extract.mentions import Mention, Provision

RELATIONS = {"providedBy": CKG.providedBy, "ledBy": CKG.ledBy}


def entity_node(dg: DocGraph, label: str, key: str) -> URIRef:
    """The shared node of an organisation, service, provider or place, typed and labelled."""
    if label == "SERVICE":
        return dg.typed(dg.shared("service", key), CKG.Service, ORG.Organization, label=key)
    if label == "PROVIDER":
        return dg.typed(dg.shared("provider", key), CKG.Provider, ORG.Organization, label=key)
    if label == "GPE":
        return dg.typed(dg.shared("place", key), DCT.Location, label=key)
    if key.casefold() in council_aliases():
        council_key, name = council_aliases()[key.casefold()]
        return dg.typed(dg.shared("org", council_key), ORG.FormalOrganization, label=name)
    if is_body(key):
        return dg.committee(key)
    return dg.typed(dg.shared("org", key), ORG.Organization, label=key)


def mention(dg: DocGraph, rec: Mention) -> None:
    """`passage ckg:mentions node`; the node is derived from the passages that name it."""
    if rec.label == "PERSON":
        node = dg.person(rec.person or rec.text)
    else:
        node = entity_node(dg, rec.label, rec.key)
        if " ".join(rec.text.split()) != rec.key:
            dg.add(node, SKOS.altLabel, rec.text)
    passage = dg.passage_at(rec.line)
    if passage is not None:
        dg.add(dg.passage_iri(passage), CKG.mentions, node)
    dg.derive(node, rec.line)


def provision(dg: DocGraph, rec: Provision) -> None:
    """`service ckg:providedBy|ckg:ledBy provider`, with a qualified node for provenance."""
    service = entity_node(dg, "SERVICE", rec.service)
    provider = entity_node(dg, rec.provider_label, rec.provider)
    dg.add(service, RELATIONS[rec.relation], provider)
    node = dg.node("provision", rec.service, rec.provider, rec.relation)
    dg.typed(node, CKG.ServiceProvision, label=f"{rec.service} {rec.relation} {rec.provider}")
    dg.add(node, CKG.service, service)
    dg.add(node, CKG.provider, provider)
    dg.add(node, CKG.provisionKind, rec.relation)
    dg.add(node, CKG.lineStart, rec.line)
    dg.derive(node, rec.line)


BUILDERS = {Mention: mention, Provision: provision}
