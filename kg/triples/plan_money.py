"""Plan money -> triples: budget lines, capital projects and procurements.

Amounts are `qb:Observation`s (and `ckg:MoneyAmount`s), observations (`ckg:amountOf` the line or
project, `ckg:valueKind` Gross / Income / Net …, `ckg:unit` GBPThousands, `ckg:period`
for year columns, `ckg:amountScope` for "Total for Scheme" / "Previous Years"), each
with its cell. They point to what they measure with `ckg:amountOf`, not `ckg:measure`,
which ranges over performance measures (`ckg:Measure`) only.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.vocab import CKG, DCT, QB
from nlp.extract.plan_money import Amount, BudgetLine, CapitalProject, Procurement


def amount_triples(dg: DocGraph, owner: URIRef, a: Amount) -> None:
    line, col = a.cell.split("/")
    node = dg.typed(dg.node("amount", line, col, a.kind), CKG.MoneyAmount, QB.Observation)
    dg.add(node, CKG.amountOf, owner)
    dg.add(node, CKG.cell, a.cell)
    dg.add(node, CKG.columnLabel, a.column)
    dg.add(node, CKG.valueKind, CKG[a.kind])
    dg.add(node, CKG.valueText, a.text)
    dg.add(node, CKG.value, a.number)
    dg.add(node, CKG.unit, CKG[a.unit])
    dg.add(node, CKG.status, a.status)
    if a.period:
        dg.add(node, CKG.period, dg.period(a.period))
    else:
        dg.add(node, CKG.amountScope, a.column)
    dg.derive(node, a.line)


def build_budget_line(dg: DocGraph, b: BudgetLine) -> None:
    node = dg.typed(dg.node("budget-line", b.number), CKG.BudgetLine, label=b.label)
    dg.add(node, CKG.inPlan, dg.iri)
    dg.add(node, CKG.budgetTable, b.table)
    dg.add(node, CKG.budgetGroup, b.group)
    if b.total:
        dg.add(node, CKG.isTotal, True)
    dg.derive(node, b.line)
    for a in b.amounts:
        amount_triples(dg, node, a)


def build_capital_project(dg: DocGraph, c: CapitalProject) -> None:
    node = dg.typed(dg.node("capital-project", c.number), CKG.CapitalProject, label=c.label)
    dg.add(node, CKG.inPlan, dg.iri)
    dg.add(node, DCT.description, c.description)
    dg.add(node, CKG.note, c.note)
    if c.lead_member:
        dg.add(node, CKG.leadMember, dg.person(c.lead_member))
    dg.derive(node, c.line)
    for a in c.amounts:
        amount_triples(dg, node, a)


def build_procurement(dg: DocGraph, p: Procurement) -> None:
    node = dg.typed(dg.node("procurement", p.number), CKG.Procurement, label=p.contract)
    dg.add(node, CKG.inPlan, dg.iri)
    dg.add(node, CKG.contractDescription, p.contract)
    dg.add(node, CKG.service, p.service)
    dg.add(node, CKG.procurementStart, p.procurement_start)
    dg.add(node, CKG.procurementStartText, p.procurement_start_text)
    dg.add(node, CKG.contractStart, p.contract_start)
    dg.add(node, CKG.contractStartText, p.contract_start_text)
    dg.add(node, CKG.contractValueText, p.value_text)
    dg.add(node, CKG.contractValue, p.value)
    dg.add(node, CKG.procurementRoute, p.route)
    dg.derive(node, p.line)


BUILDERS = {BudgetLine: build_budget_line, CapitalProject: build_capital_project, Procurement: build_procurement}
