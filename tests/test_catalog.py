"""The catalogue of answerable nodes (kg.ask.lookup.Catalog): matching scores only the labels that can rank,
yet gives exactly what scoring every label of the kinds asked for gives."""

import pytest

from kg.ask.lookup import CLASSES, spelt_out
from kg.ask.parse import parse

QUESTIONS = [
    "What is the target for children in care placed with foster carers?",
    "Which services support children and young people with mental health needs?",
    "Who is the Cabinet Member for children and young people's services?",
    "How much is the budget for adult social care services?",
    "What risk does the council see in children's social care recruitment?",
    "What is the percentage of children's services indicators rated red?",
    "Which outcome says children and young people are safe?",
]
KIND_SETS = [
    {"Measure"},
    {"Service"},
    {"Role"},
    {"BudgetLine", "CapitalProject"},
    {"Risk", "DeliveryOutcome"},
    set(CLASSES),
]


@pytest.fixture(scope="module")
def catalog(engine):
    engine.ask("What is the target?")  # builds the answerer and its catalogue
    return engine._answerer.ctx.catalog


def every_label_scored(catalog, topic, kinds, question, k):
    """The k best candidates by scoring every label of `kinds` (what `match` must equal)."""
    dense = catalog.vectors @ catalog.embedder.encode_query(question)
    spelt = spelt_out(question)
    scored = [
        (catalog._scored(i, set(topic), spelt, dense), i)
        for i, (_, _, kind, _) in enumerate(catalog.items)
        if kind in kinds
    ]
    scored.sort(key=lambda ci: (-ci[0].score, ci[1]))
    return [c for c, _ in scored[:k]]


@pytest.mark.parametrize("k", [3, 12])
def test_matching_equals_scoring_every_label(catalog, k):
    pruned = 0
    for question in QUESTIONS:
        topic = parse(question).topic
        for kinds in KIND_SETS:
            assert catalog.match(topic, kinds, question, k=k) == every_label_scored(catalog, topic, kinds, question, k)
            sharing = {i for t in topic for i in catalog.postings.get(t, ())}
            pruned += sum(catalog.items[i][2] in kinds for i in sharing) > 4 * k
    assert pruned >= 5  # the shortcut was taken, not only the full scoring
