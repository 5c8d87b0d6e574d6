"""Risk-register entries -> ckg:Risk nodes with owners, scores, controls and actions.

A risk is scoped to its register (`ckg:inRegister`); owners are canonical foaf:Persons
(`dg.person`), with the owner cell kept verbatim. Likelihood and impact are the 1–5
scores; ratings are their product, banded Low/Medium/High by the register's matrix.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, DCT
from nlp.extract.risks import Risk, RiskStep, band

_TEXT = (("cause", CKG.riskCause), ("event", CKG.riskEvent), ("consequence", CKG.riskConsequence))


def _scores(dg: DocGraph, node: URIRef, risk: Risk) -> None:
    for name, prop, label in (
        ("likelihood", CKG.likelihood, CKG.likelihoodLabel),
        ("impact", CKG.impact, CKG.impactLabel),
        ("target_likelihood", CKG.targetLikelihood, CKG.targetLikelihoodLabel),
        ("target_impact", CKG.targetImpact, CKG.targetImpactLabel),
    ):
        score = risk.score(name)
        if score:
            dg.add(node, prop, score[1])
            dg.add(node, label, score[0])
    for prefix, prop, level in (
        ("", CKG.currentRating, CKG.currentRatingLevel),
        ("target_", CKG.targetRating, CKG.targetRatingLevel),
    ):
        rating = risk.rating(prefix)
        dg.add(node, prop, rating)
        dg.add(node, level, band(rating))


def risk(dg: DocGraph, rec: Risk) -> None:
    node = dg.node("risk", rec.id)
    dg.typed(node, CKG.Risk, label=f"{rec.id}: {rec.get('title')}" if rec.get("title") else rec.id)
    dg.add(node, CKG.riskId, rec.id)
    dg.add(node, DCT.title, rec.get("title"))
    dg.add(node, CKG.inRegister, dg.iri)
    for name, prop in _TEXT:
        dg.add(node, prop, rec.get(name))
    dg.add(node, CKG.ownerText, rec.get("owner"))
    for party in rec.owners:
        dg.add(node, CKG.riskOwner, dg.person(party.person))
    for party in rec.cabinet_members:
        dg.add(node, CKG.responsibleCabinetMember, dg.person(party.person))
    _scores(dg, node, rec)
    dg.derive(node, rec.line)
    for i, step in enumerate(rec.steps, start=1):
        _step(dg, node, rec, step, i)


def _step(dg: DocGraph, node: URIRef, rec: Risk, step: RiskStep, i: int) -> None:
    """A control (ckg:RiskControl) or action (ckg:RiskAction) of the risk."""
    iri = dg.node("risk", rec.id, step.kind, i)
    dg.typed(iri, CKG.RiskControl if step.kind == "control" else CKG.RiskAction, label=step.text)
    dg.add(node, CKG.control if step.kind == "control" else CKG.action, iri)
    dg.add(iri, CKG.ownerText, step.owner_text)
    for party in step.owners:
        dg.add(iri, CKG.stepOwner, dg.person(party.person))
    dg.add(iri, CKG.dueText, step.due_text)
    dg.add(iri, CKG.dueDate, step.due)
    dg.derive(iri, step.line)


BUILDERS = {Risk: risk}
