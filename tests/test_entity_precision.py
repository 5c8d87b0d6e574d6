"""Precision and recall of people, services, providers and committees on the seeds and
../shared/corpus/, against the hand-checked lists in tests/fixtures/entity_gold.json.

The documents go through the ingest stages without a store (read -> split parts ->
segment -> extract -> resolve names -> build graphs); every foaf:Person, ckg:Service,
ckg:Provider and ckg:Committee node's label is then judged against the gold list.
Run with `-s` to see the table and the nodes judged wrong.
"""

import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS

from kg.triples import build
from kg.ingest import person_refs
from kg.vocab import CKG, FOAF
from nlp import extract as extractors
from nlp.ner import load_pipeline
from nlp.read import read
from nlp.resolve import canonical_names
from nlp.segment import segment
from tests.data import CORPUS, FIXTURES, SEEDS

CLASSES = {"people": FOAF.Person, "services": CKG.Service, "providers": CKG.Provider, "committees": CKG.Committee}
MIN_PRECISION = 0.95
# Recall measured before people needed support and seed-harvested names were dropped; never go below it.
# Targets not met yet (strict xfail: a pass means the mark must go): none today.
SHORT_OF_PRECISION: set[str] = set()
SHORT_OF_RECALL: set[str] = set()
RECALL_FLOOR = {"people": 0.791, "services": 0.981, "providers": 0.555, "committees": 0.967}


def norm(label: str) -> str:
    """Case, curly apostrophes and spacing do not count."""
    return " ".join(re.sub(r"\s*['’]\s*", "'", label).casefold().split())


def gold() -> dict[str, list[set[str]]]:
    """Class -> one set of acceptable (normalised) labels per true entity."""
    data = json.loads((FIXTURES / "entity_gold.json").read_text(encoding="utf-8"))
    return {k: [{norm(a) for a in item.split("|")} for item in data[k]] for k in CLASSES}


def labels_by_class(files: list[Path]) -> dict[str, set[str]]:
    """Labels of every node of each class in the graphs built from `files`."""
    staged, nlp = [], load_pipeline()
    for f in files:
        for doc in read(f):
            parts = extractors.split_parts(doc)
            in_parts = {n for p in parts for n in range(p.line_start, p.line_end + 1)}
            for d in [doc, *parts]:
                staged.append((d, segment(d, skip=in_parts if d is doc else frozenset()), extractors.extract(d, nlp)))
    names = canonical_names(person_refs([r for *_, records in staged for r in records]))
    out: dict[str, set[str]] = {k: set() for k in CLASSES}
    for d, passages, records in staged:
        g = build(d, passages, records, names=names).graph
        for k, cls in CLASSES.items():
            out[k].update(str(g.value(s, FOAF.name) or g.value(s, RDFS.label)) for s in g.subjects(RDF.type, cls))
    return out


def score(found: set[str], truth: list[set[str]]) -> tuple[float, float, list[str]]:
    """(precision, recall, labels judged wrong)."""
    accepted = set().union(*truth)
    wrong = sorted(f for f in found if norm(f) not in accepted)
    hits = sum(1 for alts in truth if alts & {norm(f) for f in found})
    precision = (len(found) - len(wrong)) / len(found) if found else 1.0
    return precision, hits / len(truth), wrong


@pytest.fixture(scope="module")
def scores() -> dict[str, tuple[float, float, list[str]]]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/ is not here")
    found = labels_by_class(sorted(SEEDS.glob("*.txt")) + sorted(CORPUS.glob("*.txt")))
    truth = gold()
    result = {k: score(found[k], truth[k]) for k in CLASSES}
    print("\nclass        precision  recall  wrong")
    for k, (p, r, wrong) in result.items():
        print(f"{k:<12} {p:9.3f} {r:7.3f}  {len(wrong)}: {'; '.join(wrong)}")
    return result


def _marked(short: set[str], why: str) -> list:
    return [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=why)) if k in short else k for k in CLASSES]


@pytest.mark.parametrize("kind", _marked(SHORT_OF_PRECISION, "precision below 0.95 (see SHORT_OF_PRECISION)"))
def test_entity_precision(scores, kind):
    precision, _, wrong = scores[kind]
    assert precision >= MIN_PRECISION, f"{kind}: precision {precision:.3f}; not {kind}: {wrong}"


@pytest.mark.parametrize("kind", _marked(SHORT_OF_RECALL, "recall below the floor (see SHORT_OF_RECALL)"))
def test_entity_recall_not_below_before(scores, kind):
    assert scores[kind][1] >= RECALL_FLOOR[kind]
