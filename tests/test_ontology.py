"""The ontology: contract terms keep their names, and every ckg: term the data uses is declared."""

from kg.validate import load_ontology
from kg.vocab import CKG

CONTRACT = [
    "PortfolioPlan",
    "Measure",
    "DeliveryOutcome",
    "Passage",
    "inDocument",
    "inPlan",
    "number",
    "deliversOutcome",
    "servesPriority",
    "measure",
    "period",
    "valueKind",
    "valueText",
    "value",
    "lineStart",
    "lineEnd",
    "text",
]


def test_contract_terms_are_declared():
    declared = {str(s) for s in load_ontology().subjects()}
    assert [t for t in CONTRACT if str(CKG[t]) not in declared] == []


def test_every_ckg_term_in_the_data_is_declared(engine):
    declared = {str(s) for s in load_ontology().subjects()}
    used = {
        r["t"].value
        for r in engine.sparql(
            "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } UNION { ?s ckg:valueKind|ckg:unit|ckg:area ?t } "
            "FILTER(STRSTARTS(STR(?t), STR(ckg:))) }"
        )
    }
    assert sorted(used - declared) == []


def test_documents_carry_their_most_specific_class_and_foaf_document(engine):
    rows = {
        (r["d"].value, r["c"].value.split("#")[-1])
        for r in engine.sparql(
            "SELECT DISTINCT ?d ?c WHERE { ?d a foaf:Document , ?c FILTER(STRSTARTS(STR(?c), STR(ckg:))) }"
        )
    }
    kinds = {c for _, c in rows}
    assert {
        "PortfolioPlan",
        "ScrutinyReport",
        "AgendaPack",
        "Minutes",
        "Report",
        "Scorecard",
        "RiskRegister",
        "BusinessPlan",
        "WorkProgramme",
        "Agenda",
        "DecisionRecord",
    } <= kinds
    assert len({d for d, _ in rows}) == len(rows)  # one ckg: class each
