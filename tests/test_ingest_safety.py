"""Crash-safe, name-safe ingest (issue 14): a document is its content and source path, never its base
name or first line; a kill -9 at any point of an ingest is finished by the next run, store and index
together; `councilkg validate` says when store, index and manifest disagree and how to repair."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli
from api.cli import app
from kg.engine import Engine
from kg.ingest import path_tag
from kg.journal import PAUSE_ENV
from kg.validate import check_consistency
from tests.conftest import count
from tests.data import BASE, FIXTURES

COUNCILKG = Path(sys.executable).parent / "councilkg"
LIBRARY = FIXTURES / "ingest_safety_minutes_library.txt"  # "Minutes", 7 March 2023: library hours
ROADS = FIXTURES / "ingest_safety_minutes_roads.txt"  # "Minutes", 7 March 2023: gritting routes
PARKING = FIXTURES / "ingest_safety_report_parking.txt"  # a report to Cabinet, 12 January 2023
MINUTES_IRI = BASE + "doc/unknown/minutes-2023-03-07"  # both minutes' key: title and date
PARKING_IRI = BASE + "doc/unknown/cabinet-report-2023-01-12"
DOCS = "SELECT ?d ?src WHERE { ?d a foaf:Document ; ckg:sourcePath ?src } ORDER BY ?d"
TEXT = "SELECT (COUNT(*) AS ?n) WHERE { ?p ckg:text ?t ; ckg:inDocument ?d FILTER(CONTAINS(?t, ?w)) }"
PACK = FIXTURES / "pack_surrey_adults.txt"  # a select committee's agenda pack: agenda, minutes, reports
PACK_PARTS = 9  # the parts nlp.extract.pack finds in it
PARTS = "SELECT ?d (COUNT(?p) AS ?n) WHERE { ?p dct:isPartOf ?d } GROUP BY ?d"


def _engine(tmp_path: Path) -> Engine:
    return Engine.open(tmp_path / "data", embed=False, workers=1)


def _place(folder: Path, name: str, fixture: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(fixture, folder / name))


def _docs(e: Engine) -> dict[str, str]:
    return {r["d"].value: r["src"].value for r in e.sparql(DOCS)}


def _statuses(report) -> list[tuple[str, str]]:
    return [(d.key, d.status) for d in report.documents]


# -- names ------------------------------------------------------------------------------------
def test_same_base_name_in_two_folders_keeps_both(tmp_path):
    a = _place(tmp_path / "a", "papers.txt", LIBRARY)
    b = _place(tmp_path / "b", "papers.txt", PARKING)
    e = _engine(tmp_path)
    assert _statuses(e.ingest([a])) == [("minutes-2023-03-07", "added")]
    assert _statuses(e.ingest([b])) == [("cabinet-report-2023-01-12", "added")]
    assert _docs(e) == {MINUTES_IRI: str(a), PARKING_IRI: str(b)}
    assert _statuses(e.ingest([a, b])) == [
        ("minutes-2023-03-07", "unchanged"),
        ("cabinet-report-2023-01-12", "unchanged"),
    ]
    assert count(e, TEXT, w="book fund of £4,500") == 1 and check_consistency(e.store, e.data) == []


def test_two_files_whose_first_line_is_minutes_are_two_documents(tmp_path):
    library, roads = _place(tmp_path / "in", "library.txt", LIBRARY), _place(tmp_path / "in", "roads.txt", ROADS)
    e = _engine(tmp_path)
    e.ingest([library])
    report = e.ingest([roads])
    tagged = f"minutes-2023-03-07-{path_tag(str(roads))}"
    assert _statuses(report) == [(tagged, "added")]
    assert _docs(e) == {MINUTES_IRI: str(library), f"{BASE}doc/unknown/{tagged}": str(roads)}
    assert count(e, TEXT, w="extend them on Saturdays") == 1 and count(e, TEXT, w="40 street lights") == 1
    # the keys hold, whichever order the files come in later
    assert {d.status for d in e.ingest([roads, library], force=True).documents} == {"replaced"}
    assert set(_docs(e)) == {MINUTES_IRI, f"{BASE}doc/unknown/{tagged}"}
    assert len(e.index.entries) == count(e, "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ckg:Passage }") == 13


def test_two_files_met_in_one_run_get_the_same_iris_as_one_by_one(tmp_path):
    folder = tmp_path / "in"
    library, roads = _place(folder, "library.txt", LIBRARY), _place(folder, "roads.txt", ROADS)
    e = _engine(tmp_path)
    assert sorted(s for _, s in _statuses(e.ingest([folder]))) == ["added", "added"]
    assert _docs(e) == {MINUTES_IRI: str(library), f"{MINUTES_IRI}-{path_tag(str(roads))}": str(roads)}


def test_a_moved_file_is_reported_moved_and_keeps_its_iri(tmp_path):
    old = _place(tmp_path / "2023", "minutes.txt", LIBRARY)
    parking = _place(tmp_path / "2023", "parking.txt", PARKING)
    e = _engine(tmp_path)
    e.ingest([tmp_path / "2023"])
    triples, passages = len(e.store), len(e.index.entries)
    new = tmp_path / "archive" / "library-minutes.txt"
    new.parent.mkdir()
    old.rename(new)
    assert _statuses(e.ingest([new])) == [("minutes-2023-03-07", "moved")]
    assert _docs(e) == {MINUTES_IRI: str(new), PARKING_IRI: str(parking)}
    assert len(e.index.entries) == passages and len(e.store) == triples
    assert count(e, 'SELECT (COUNT(*) AS ?n) WHERE { ?d ckg:sourceFile "minutes.txt" }') == 0
    assert check_consistency(e.store, e.data) == []


def test_a_folder_holding_the_data_directory_never_ingests_its_files(tmp_path):
    _place(tmp_path, "minutes.txt", LIBRARY)
    e = _engine(tmp_path)  # its data directory is tmp_path / "data"
    assert _statuses(e.ingest([tmp_path])) == [("minutes-2023-03-07", "added")]
    assert len(e.ingest([tmp_path]).documents) == 1  # not the manifest, names.json or the index, the second time


def test_a_changed_file_drops_only_its_own_old_graphs(tmp_path):
    a = _place(tmp_path / "a", "minutes.txt", LIBRARY)
    b = _place(tmp_path / "b", "minutes.txt", PARKING)
    e = _engine(tmp_path)
    e.ingest([a, b])
    b.write_text(ROADS.read_text(encoding="utf-8"), encoding="utf-8")  # now other minutes of the same day
    report = e.ingest([b])
    tagged = f"{MINUTES_IRI}-{path_tag(str(b))}"
    assert sorted(_statuses(report)) == [(tagged.rsplit("/", 1)[-1], "added")]
    assert _docs(e) == {MINUTES_IRI: str(a), tagged: str(b)}


def test_a_pack_copied_to_another_folder_keeps_its_own_parts(tmp_path):
    """Two live copies of a pack: the second pack and its nine parts get its path's tag, and its
    records name its own parts, not the first copy's."""
    first = _place(tmp_path / "a", "pack.txt", FIXTURES / "pack_surrey_adults.txt")
    second = _place(tmp_path / "b", "pack.txt", FIXTURES / "pack_surrey_adults.txt")
    e = _engine(tmp_path)
    e.ingest([first])
    report = e.ingest([second])
    tag = path_tag(str(second))
    assert len(report.documents) == 10 and {d.status for d in report.documents} == {"added"}
    assert all(d.key.endswith(f"-{tag}") for d in report.documents)
    pack = f"{BASE}doc/scc/adults-and-health-select-committee-agenda-pack-2018-06-14-{tag}"
    papers = {
        r["doc"].value for r in e.sparql("SELECT ?doc WHERE { GRAPH ?g { ?doc ckg:forMeeting ?m } }", {"g": _iri(pack)})
    }
    assert len(papers) == 10 and all(p.endswith(f"-{tag}") for p in papers)
    parts = count(e, "SELECT (COUNT(?p) AS ?n) WHERE { ?p dct:isPartOf ?d }", d=_iri(pack))
    assert parts == 9 and count(e, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a foaf:Document }") == 20


# -- validate -----------------------------------------------------------------------------------
def test_validate_names_what_disagrees_and_how_to_repair(tmp_path, monkeypatch):
    source = _place(tmp_path / "in", "parking.txt", PARKING)
    e = _engine(tmp_path)
    e.ingest([source])
    assert check_consistency(e.store, e.data) == []
    entries = e.data / "index" / "entries.json"
    entries.write_text(json.dumps(json.loads(entries.read_text(encoding="utf-8"))[:4]), encoding="utf-8")
    (e.data / "journal.json").write_text(json.dumps({"phase": "store", "sources": [str(source)]}), encoding="utf-8")
    e.store.remove_graph(PARKING_IRI)
    problems = check_consistency(e.store, e.data)
    assert problems == [
        f"an ingest was interrupted in its store phase ({source}): run `councilkg ingest PATH` (any path) to finish it",
        f"{source}: 1 of its 1 documents and parts are missing or differ in the store ({PARKING_IRI}): "
        f"run `councilkg ingest --force {source}`",
        "the passage index holds 4 passages, the store 0 (0 not indexed, 4 no longer stored): "
        "run `councilkg ingest --force PATH`",
    ]
    monkeypatch.setattr(api.cli, "_reader", lambda data: e)  # the CLI on this process's engine (it holds the store)
    r = CliRunner().invoke(app, ["validate", "--data", str(e.data)], catch_exceptions=False)
    assert r.exit_code == 1 and "inconsistent: an ingest was interrupted" in r.stdout
    report = e.ingest([source])  # the pending journal is taken up: the file is prepared and written again
    assert _statuses(report) == [("cabinet-report-2023-01-12", "added")]
    assert "finished an interrupted ingest (store phase) of 1 file(s)" in report.warnings
    assert check_consistency(e.store, e.data) == [] and len(e.index.entries) == 9


# -- kill -9 ------------------------------------------------------------------------------------
def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILKG_")}
    return {
        **env,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "COUNCILKG_EMBED": "false",
        "COUNCILKG_WORKERS": "1",
        **extra,
    }


def _ingest(data: Path, path: Path, pause: str = "") -> subprocess.CompletedProcess | None:
    """`councilkg ingest` in a process of its own; with `pause`, SIGKILLed where the hook stops it (None)."""
    cmd = [str(COUNCILKG), "ingest", str(path), "--data", str(data)]
    if not pause:
        return subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)
    proc = subprocess.Popen(
        cmd, env=_env(**{PAUSE_ENV: pause}), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    for line in proc.stderr:
        if line.startswith(f"councilkg: paused at {pause}"):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"never paused at {pause}"
    return None


def _state(data: Path) -> tuple[dict, int, list[str]]:
    """(`councilkg stats`, passages in the saved index, what `councilkg validate` finds inconsistent)."""
    e = Engine.open(data, embed=False)
    try:
        indexed = len(json.loads((data / "index" / "entries.json").read_text(encoding="utf-8")))
        return e.stats(), indexed, check_consistency(e.store, e.data)
    finally:
        e.store.close()


def _clean(data: Path, path: Path) -> tuple[dict, int, list[str]]:
    """The state one uninterrupted ingest of `path` leaves."""
    e = Engine.open(data, embed=False, workers=1)
    assert not e.ingest([path]).errors
    e.store.close()
    return _state(data)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The three fixtures in one folder, and the state a clean ingest of it leaves."""
    root = tmp_path_factory.mktemp("safety")
    folder = root / "corpus"
    for f in (LIBRARY, ROADS, PARKING):
        _place(folder, f.name, f)
    return folder, _clean(root / "clean", folder)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["journal", "write:1", "write:2", "index", "commit"])
def test_a_kill_at_any_point_is_finished_by_the_next_run(corpus, tmp_path, point):
    folder, clean = corpus
    _ingest(tmp_path / "data", folder, pause=point)
    again = _ingest(tmp_path / "data", folder)
    assert again.returncode == 0, again.stderr
    assert "finished an interrupted ingest" in again.stderr
    assert _state(tmp_path / "data") == clean
    assert clean[0]["classes"]["https://w3id.org/councilkg/def#Passage"] == clean[1] == 22 and clean[2] == []


@pytest.mark.slow
def test_a_pack_killed_while_its_parts_are_written_is_completed(tmp_path):
    """An agenda pack: killed after 7 of its 9 parts are stored, then again before its index is
    built; each rerun finishes the job, to the same store and index as one clean ingest."""
    pack = _place(tmp_path / "in", PACK.name, PACK)
    data = tmp_path / "data"
    _ingest(data, pack, pause=f"write:{PACK_PARTS}")  # the pack, then 7 parts
    e = Engine.open(data, embed=False)
    assert [int(r["n"].value) for r in e.sparql(PARTS)] == [PACK_PARTS - 2]
    assert any("interrupted" in p for p in check_consistency(e.store, e.data))
    e.store.close()
    del e
    _ingest(data, pack, pause="index")
    finished = _ingest(data, pack)
    assert finished.returncode == 0 and "finished an interrupted ingest (index phase)" in finished.stderr
    assert "unchanged" in _ingest(data, pack).stdout
    state, clean = _state(data), _clean(tmp_path / "clean", pack)
    assert state == clean and state[2] == []
    assert len(state[0]["documents"]) == PACK_PARTS + 1
    assert state[1] == state[0]["classes"]["https://w3id.org/councilkg/def#Passage"]


def _iri(s: str):
    from rdflib import URIRef

    return URIRef(s)


def test_a_provider_spelt_two_ways_in_two_documents_keeps_one_label(tmp_path):
    from rdflib import RDF, RDFS, Graph, Literal, URIRef
    from kg.ingest import Ingester
    from kg.vocab import CKG

    e = _engine(tmp_path)
    node = URIRef(BASE + "provider/cxk")
    first = Graph()
    first.add((node, RDF.type, CKG.Provider))
    first.add((node, RDFS.label, Literal("CxK")))
    e.store.replace_graph(BASE + "doc/a/one", first)
    second = Graph()
    second.add((node, RDF.type, CKG.Provider))
    second.add((node, RDFS.label, Literal("CXK")))
    Ingester(e.store, e.data, BASE, 1 << 20)._keep_stored_labels(second, BASE + "doc/b/two")
    assert set(second.objects(node, RDFS.label)) == {Literal("CxK")}
