"""Question answering where the documents have no answer, on hostile input, and on a plan it was
not tuned on (the hand-written Northshire fixture, BM25 only)."""

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.ask import MAX_ANSWER, NOT_FOUND
from tests.data import FIXTURES, said

NOT_IN_DOCUMENTS = [
    "What is the 2030/31 target for the rate of Looked After Children?",
    "What was the 2011/12 outturn for the number of carers supported through short-term crisis intervention?",
    "Who is the Lead Member for Transport and Highways?",
    "What is the net revenue budget for Fire and Rescue in 2020/21?",
    "Who owns risk SCHW 99?",
    "Who provides the library service?",
]


@pytest.mark.parametrize("question", NOT_IN_DOCUMENTS)
def test_no_answer_in_the_documents_is_said_plainly(engine, question):
    r = engine.ask(question)
    assert r["answer"] == NOT_FOUND
    asked = set(re.findall(r"\d+", question))
    assert not set(re.findall(r"\d+", r["answer"])) - asked  # no number invented
    assert r["citations"]  # the best passages are still shown


@pytest.mark.parametrize(
    "question",
    [
        "Who is the Lead Member for Children and Families in Surrey County Council?",
        "Who is the Lead Member for Children and Families in Lancashire?",
        "What are Borsetshire County Council's priority outcomes?",
    ],
)
def test_a_council_the_store_does_not_hold_is_not_found(engine, question):
    r = engine.ask(question)
    assert r["answer"] == NOT_FOUND
    assert not r["sparql"]  # nothing of another council's graph is offered as the answer


HOSTILE = [
    "",
    "   \t\n ",
    "x" * 10_000,
    "'; DROP ALL; SELECT",
    "<script>alert('x')</script>",
    "Pwy yw'r Aelod Arweiniol dros Blant a Theuluoedd?",
    "谁是儿童和家庭的首席成员？",
    "🎉🙂🎉",
    "Who is the Lead Member\x00 for Children and Families?",
    "SELECT * WHERE { ?s ?p ?o }",
    "?" * 300,
    "2020/21 2020/21 2020/21",
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_or_odd_input_gets_a_clear_answer_never_a_500(client, engine, q):
    before = len(engine.store)
    r = client.get("/ask", params={"q": q})
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body["answer"], str) and 0 < len(body["answer"]) <= MAX_ANSWER
    assert isinstance(body["citations"], list) and isinstance(body["nodes"], list)
    assert len(engine.store) == before


def test_a_null_byte_does_not_hide_the_question(engine):
    assert "Sylvia Tidy" in engine.ask("Who is the Lead Member\x00 for Children and Families?")["answer"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=500))
def test_any_text_keeps_the_json_contract(client, text):
    r = client.get("/ask", params={"q": text})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"answer", "citations", "nodes", "sparql"}
    assert isinstance(body["answer"], str) and len(body["answer"]) <= MAX_ANSWER
    for c in body["citations"]:
        assert {"document", "passage_id", "text", "lines", "score"} <= set(c) and len(c["lines"]) == 2
    for n in body["nodes"]:
        assert {"iri", "label", "type"} <= set(n)
    assert body["sparql"] is None or isinstance(body["sparql"], str)


# -- a plan the answerer was not tuned on -----------------------------------------------------
@pytest.fixture(scope="module")
def northshire(tmp_path_factory):
    from kg.engine import Engine

    e = Engine.open(tmp_path_factory.mktemp("northshire"), embed=False)
    assert not e.ingest([FIXTURES / "plan_northshire.txt"]).errors
    return e


NORTHSHIRE = [
    (
        "What is the 2024/25 target for the percentage of household waste sent for reuse, recycling or composting?",
        "≥52%",
        "Percentage of household waste sent for reuse",
    ),
    (
        "What was the 2022/23 outturn for kilograms of residual household waste per household?",
        "571",
        "Kilograms of residual",
    ),
    (
        "What was the 2021/22 outturn for the rate of people killed or seriously injured per 100,000 population?",
        "33.2",
        "killed or seriously injured",
    ),
    ("How many tonnes of CO2 were emitted from council buildings in 2022/23?", "4,560", "Tonnes of CO2"),
    (
        "Who is the lead member for the measure on the rate of people killed or seriously injured on the roads?",
        "Raj Patel",
        "killed or seriously injured",
    ),
    (
        "Which councillor is responsible for the measure on household waste sent for recycling?",
        "Ada Green",
        "Percentage of household waste",
    ),
    (
        "Which delivery outcomes does the percentage of pupils walking or cycling to school contribute to?",
        "4, 5 and 6",
        "Percentage of pupils walking or cycling",
    ),
    ("What was the 2023/24 net budget for Waste Services?", "40,500", "Waste Services\t41,200"),
    ("What is the 2022/23 gross budget for Highways?", "28,750", "Highways\t28,750"),
    (
        "When is procurement work for the Street lighting maintenance contract estimated to begin?",
        "2023-06-15",
        "Street lighting maintenance",
    ),
    (
        "When does the new Household Waste Recycling Centres operation contract start?",
        "2024-04-01",
        "Household Waste Recycling Centres operation",
    ),
]


@pytest.mark.parametrize("question,answer,evidence", NORTHSHIRE, ids=[q[:50] for q, _, _ in NORTHSHIRE])
def test_unseen_plan_structured(northshire, question, answer, evidence):
    r = northshire.ask(question)
    assert said(answer, r["answer"]), r["answer"]
    assert any(evidence in c["text"] for c in r["citations"][:5])
    assert r["nodes"] and r["sparql"]


@pytest.mark.parametrize(
    "question,answer",
    [
        (
            "What are Northshire County Council's priority outcomes?",
            "a cleaner, greener county; and keeping roads safe",
        ),
        ("What is Northshire County Council responsible for?", "waste disposal, highways and the natural environment"),
    ],
)
def test_unseen_plan_from_passages(northshire, question, answer):
    r = northshire.ask(question)
    assert said(answer, r["answer"]) and len(r["answer"]) <= MAX_ANSWER


@pytest.mark.parametrize(
    "question",
    [
        "What is the 2030/31 target for kilometres of new cycle lanes opened?",
        "Who is the Lead Member for Children and Families?",  # the plan has lead members, none for this remit
        "What was the 2020/21 net budget for Waste Services?",
    ],
)
def test_unseen_plan_not_found(northshire, question):
    assert northshire.ask(question)["answer"] == NOT_FOUND
