"""Stated amounts -> `ckg:StatedAmount` observations (a subclass of `qb:Observation`).

Each amount keeps its verbatim text (`ckg:valueText`), scaled value (`ckg:value`), unit
and currency, value kind, period / quarter / month, the noun phrase it is of
(`ckg:amountLabel`, and `ckg:amountOf` a document-scoped `ckg:AmountSubject` with that
label, so repeated mentions meet), the document it is stated in (`ckg:statedIn`) and,
as every node, `prov:wasDerivedFrom` its passage. They never carry `ckg:measure`, so
counts of performance observations are unchanged.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, QB
from nlp.extract.amounts import StatedAmount


def subject(dg: DocGraph, label: str) -> URIRef:
    """The thing amounts labelled `label` are of, one per document and label (case-insensitive)."""
    node = dg.node("amount-of", re.sub(r"\s+", " ", label.lower()))
    if dg.graph.value(node, CKG.amountLabel) is None:
        dg.typed(node, CKG.AmountSubject, label=label)
        dg.add(node, CKG.amountLabel, label)
    return node


def stated_amount(dg: DocGraph, a: StatedAmount) -> None:
    key = (a.cell.replace("/", "-"),) if a.cell else (a.line, a.index)
    obs = dg.typed(dg.node("stated-amount", *key), CKG.StatedAmount, QB.Observation)
    dg.add(obs, CKG.amountOf, subject(dg, a.label))
    dg.add(obs, CKG.amountLabel, a.label)
    dg.add(obs, CKG.statedIn, dg.iri)
    dg.add(obs, CKG.valueText, a.text)
    dg.add(obs, CKG.value, a.number)
    dg.add(obs, CKG.valueKind, CKG[a.kind])
    dg.add(obs, CKG.unit, CKG[a.unit] if a.unit != "RAG" else None)
    dg.add(obs, CKG.currency, CKG[a.currency] if a.currency else None)
    dg.add(obs, CKG.varianceDirection, CKG[a.direction] if a.direction else None)
    dg.add(obs, CKG.ragRating, CKG[a.rag] if a.rag else None)
    dg.add(obs, CKG.qualifier, a.qualifier)
    dg.add(obs, CKG.statedText, a.context)
    dg.add(obs, CKG.lineStart, a.line)
    dg.add(obs, CKG.cell, a.cell)
    dg.add(obs, CKG.columnLabel, a.column)
    if a.period:
        dg.add(obs, CKG.period, dg.period(a.period))
    dg.add(obs, CKG.quarter, a.quarter)
    dg.add(obs, CKG.monthNumber, a.month)
    dg.derive(obs, a.line)


BUILDERS = {StatedAmount: stated_amount}
