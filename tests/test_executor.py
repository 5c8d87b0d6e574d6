"""Preparing files for ingest (kg.executor): in this process, in a process pool and on Ray, with the same results."""

import importlib.util
import subprocess
import sys
from collections import Counter

import pytest

from kg.executor import FileResult, prepare_all, prepare_file
from kg.ingest import person_refs
from kg.triples import build
from nlp import extract as extractors
from nlp.ner import load_pipeline
from nlp.read import read
from nlp.resolve import canonical_names
from nlp.segment import segment
from tests.conftest import count
from tests.data import KENT_PACK, ROOT, SEEDS, TOP_LEVEL_DOCUMENTS

MAX_BYTES = 50 * 1024 * 1024
PACK = SEEDS / "004_726bb34c4a465f33.txt"  # the Kent agenda pack: one document with parts bound inside
TWO_PLANS = SEEDS / "000_ef67688da2edb598.txt"  # two portfolio plans in one file
SCRUTINY = SEEDS / "003_d8b0eb0283d79c88.txt"  # the smallest seed
PACK_PARTS = 18  # agenda, 2 minutes, 9 reports, a decision, 2 business plans,
#                                                     a scorecard, a risk register and a work programme
needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="the ray extra is not installed")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def stages_in_process(path, nlp) -> list[tuple[str, int, int, int]]:
    """(key, passages, records, parts) of each document and part, by the stages called one by one."""
    out = []
    for doc in read(path):
        parts = extractors.split_parts(doc)
        in_parts = frozenset(n for p in parts for n in range(p.line_start, p.line_end + 1))
        out.append((doc.key, len(segment(doc, skip=in_parts)), len(extractors.extract(doc, nlp)), len(parts)))
        out.extend((p.key, len(segment(p)), len(extractors.extract(p, nlp)), 0) for p in parts)
    return out


def counts(result: FileResult) -> list[tuple[str, int, int, int]]:
    return [(s.doc.key, len(s.passages), len(s.records), s.n_parts) for s in result.staged]


def test_prepare_file_equals_the_stages_in_process(nlp):
    result = prepare_file(str(SCRUTINY), MAX_BYTES)
    assert not result.error and [d.key for d in result.docs] == [
        "childrens-services-scrutiny-committee-report-2013-11-11"
    ]
    assert counts(result) == stages_in_process(SCRUTINY, nlp)


@pytest.mark.slow
def test_a_file_with_two_documents_stages_both():
    result = prepare_file(str(TWO_PLANS), MAX_BYTES)
    assert (
        [s.doc.key for s in result.staged]
        == [d.key for d in result.docs]
        == ["childrens-services-portfolio-plan-2020-09", "adult-social-care-and-health-portfolio-plan-2020-07"]
    )
    assert all(s.passages and s.records and s.n_parts == 0 for s in result.staged)


def test_bad_files_give_an_error_not_an_exception(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "big.txt").write_text("Council minutes\n" * 100)
    for name, says in (("empty.txt", "empty"), ("binary.txt", "binary"), ("missing.txt", "not a file")):
        result = prepare_file(str(tmp_path / name), MAX_BYTES)
        assert says in result.error and result.staged == []
    assert "MB, over the" in prepare_file(str(tmp_path / "big.txt"), 100).error


def test_prepare_all_keeps_file_order_and_reports_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text("")
    (tmp_path / "b.txt").write_text((SEEDS / "003_d8b0eb0283d79c88.txt").read_text(encoding="utf-8"))
    results = list(prepare_all([tmp_path], MAX_BYTES, workers=1))
    assert [r.path.rsplit("/", 1)[1] for r in results] == ["a.txt", "b.txt"]
    assert "empty" in results[0].error and not results[1].error and len(results[1].staged) == 1


def test_unknown_executor_or_workers_are_refused():
    with pytest.raises(ValueError, match="executor must be one of local, ray"):
        list(prepare_all([SEEDS], MAX_BYTES, executor="spark"))
    with pytest.raises(ValueError, match="workers must be at least 1"):
        list(prepare_all([SEEDS], MAX_BYTES, workers=0))


def triple_counts(results: list[FileResult]) -> Counter:
    """Triples per document graph, built from prepared files with names resolved across all of them."""
    staged = [s for r in results for s in r.staged]
    names = canonical_names(person_refs([rec for s in staged for rec in s.records]))
    return Counter({s.doc.key: len(build(s.doc, s.passages, s.records, names=names).graph) for s in staged})


@pytest.fixture(scope="module")
def pooled() -> list[FileResult]:
    return list(prepare_all([SEEDS], MAX_BYTES, workers=2))


@pytest.mark.slow
def test_a_pool_of_two_gives_what_one_process_gives(pooled, tmp_path):
    for f in (TWO_PLANS, SCRUTINY):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    one = list(prepare_all([tmp_path], MAX_BYTES, workers=1))
    assert [r.staged for r in one] == [r.staged for r in pooled if r.path.endswith((TWO_PLANS.name, SCRUTINY.name))]
    assert [r.path.rsplit("/", 1)[1] for r in pooled] == sorted(f.name for f in SEEDS.glob("*.txt"))


@pytest.mark.slow
def test_a_pack_is_staged_as_the_pack_then_each_part(pooled):
    pack = next(r for r in pooled if r.path.endswith(PACK.name))
    assert [d.key for d in pack.docs] == [KENT_PACK.rsplit("/", 1)[1]]
    assert [s.n_parts for s in pack.staged] == [PACK_PARTS] + [0] * PACK_PARTS
    assert {s.doc.part_of for s in pack.staged[1:]} == {pack.docs[0].key}
    assert len([s for r in pooled for s in r.staged]) == TOP_LEVEL_DOCUMENTS + PACK_PARTS


@pytest.mark.slow
@needs_ray
def test_ray_ingests_the_seeds_to_the_same_graph(pooled):
    on_ray = list(prepare_all([SEEDS], MAX_BYTES, executor="ray", workers=2))
    assert not any(r.error for r in on_ray)
    by_document = triple_counts(on_ray)
    assert by_document == triple_counts(pooled) and len(by_document) == TOP_LEVEL_DOCUMENTS + PACK_PARTS
    assert by_document["childrens-services-scrutiny-committee-report-2013-11-11"] > 0


def test_cli_refuses_an_unknown_executor(tmp_path):
    from typer.testing import CliRunner

    from api.cli import app

    r = CliRunner().invoke(app, ["ingest", str(SCRUTINY), "--executor", "spark", "--data", str(tmp_path)])
    assert r.exit_code == 2 and "--executor must be local or ray, not 'spark'" in r.output


def test_cli_ingests_with_the_workers_asked_for(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import api.cli

    opened, reader = [], api.cli._reader
    monkeypatch.setattr(api.cli, "_reader", lambda *a, **k: opened.append(reader(*a, **k)) or opened[-1])
    monkeypatch.setenv("COUNCILKG_EMBED", "false")
    r = CliRunner().invoke(api.cli.app, ["ingest", str(SCRUTINY), "--workers", "1", "--data", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (opened[0].settings.workers, opened[0].settings.executor) == (1, "local")
    assert count(opened[0], "SELECT (COUNT(*) AS ?n) WHERE { ?d a ckg:ScrutinyReport }") == 1


def test_the_ingesting_process_loads_neither_spacy_nor_torch():
    """Its imports and the document splitters leave spaCy, thinc and torch to the worker and embedding processes
    (importing them cost the ingest 3 core-seconds while the workers needed every core)."""
    code = (
        "import sys, pathlib, kg.engine, kg.ingest, nlp.extract as e; from nlp.read import iter_files, read; "
        f"seeds = [pathlib.Path({str(SEEDS)!r})]; "
        "parts = [p for f in iter_files(seeds) for d in read(f) for p in e.split_parts(d)]; "
        "assert len(parts) == 18, len(parts); "
        "print(sorted(m for m in ('spacy', 'thinc', 'torch') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
