"""Ingest into the on-disk store: counts, idempotence, replacement, atomicity, bad files, locking."""

import shutil

import pytest

from kg.engine import Engine
from kg.errors import StoreBusyError
from kg.store import OxigraphStore
from tests.conftest import count
from tests.data import CHILDREN_OCT, CHILDREN_SEPT, PORTFOLIO_PLANS, SEEDS, TOP_LEVEL_DOCUMENTS

TOP_LEVEL = "SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a foaf:Document FILTER NOT EXISTS { ?d dct:isPartOf ?p } }"


def test_seeds_give_six_top_level_documents_four_plans(engine):
    assert count(engine, TOP_LEVEL) == TOP_LEVEL_DOCUMENTS
    plans = {r["d"].value for r in engine.sparql("SELECT ?d { ?d a ckg:PortfolioPlan }")}
    assert plans == PORTFOLIO_PLANS


def test_every_document_has_the_metadata_the_contract_names(engine):
    rows = list(
        engine.sparql("""SELECT DISTINCT ?d ?issued ?sha ?src ?a ?b ?council WHERE {
        ?d a foaf:Document ; dct:title ?t ; dct:issued ?issued ; ckg:sha256 ?sha ; ckg:sourceFile ?src ;
           ckg:lineStart ?a ; ckg:lineEnd ?b ; dct:publisher/rdfs:label ?council
        FILTER NOT EXISTS { ?d dct:isPartOf ?p } }""")
    )
    assert len(rows) == TOP_LEVEL_DOCUMENTS
    assert all(r["issued"].datatype.value.endswith("#date") for r in rows)
    sept = next(r for r in rows if r["d"].value == CHILDREN_SEPT)
    assert (sept["issued"].value, sept["src"].value, sept["a"].value) == ("2020-09-01", "000_ef67688da2edb598.txt", "1")
    assert sept["council"].value == "East Sussex County Council"


def test_passages_cite_exact_lines(engine):
    row = next(
        iter(
            engine.sparql("""SELECT ?a ?b ?doc WHERE {
        ?p a ckg:Passage ; ckg:text ?t ; ckg:lineStart ?a ; ckg:lineEnd ?b ; ckg:inDocument ?doc
        FILTER(CONTAINS(?t, "Greenacres")) }""")
        )
    )
    line = (SEEDS / "000_ef67688da2edb598.txt").read_text(encoding="utf-8").split("\n")[int(row["a"].value) - 1]
    assert line.startswith("Cllr Maynard\tGreenacres\t3,781") and row["a"].value == row["b"].value


def _seed_plans(tmp_path) -> Engine:
    """The seeds but the agenda pack (the plans, the scorecard and the scrutiny report), copied and ingested."""
    shutil.copytree(SEEDS, tmp_path / "seeds", ignore=lambda _, names: [n for n in names if n.startswith("004_")])
    e = Engine.open(tmp_path / "data", embed=False)
    e.ingest([tmp_path / "seeds"])
    return e


@pytest.mark.slow
def test_reingest_is_idempotent_and_replacing_touches_only_its_graph(tmp_path):
    e = _seed_plans(tmp_path)
    before = len(e.store)
    per_graph = {g: count(e, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", g=_iri(g)) for g in e.store.graphs()}
    report = e.ingest([tmp_path / "seeds"])
    assert {d.status for d in report.documents} == {"unchanged"} and len(e.store) == before
    f = tmp_path / "seeds" / "002_49448199a3dea4d2.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\nA closing note added in a later edit.\n", encoding="utf-8")
    report = e.ingest([tmp_path / "seeds"])
    assert [(d.key, d.status) for d in report.documents if d.status != "unchanged"] == [
        ("childrens-services-portfolio-plan-2020-10", "replaced")
    ]
    for g, n in per_graph.items():
        if g not in (CHILDREN_OCT, e.derived_graph):
            assert count(e, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", g=_iri(g)) == n, g
    assert count(e, 'SELECT (COUNT(*) AS ?n) { ?p ckg:text "A closing note added in a later edit." }') == 1


def _iri(s):
    from rdflib import URIRef

    return URIRef(s)


def test_a_crash_during_replace_leaves_the_old_graph(tmp_path):
    from rdflib import Graph, Literal, URIRef

    store = OxigraphStore(tmp_path / "store")
    old = Graph()
    old.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal("old")))
    store.replace_graph("http://x/g", old)
    new = Graph()
    new.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal("new")))

    class Crash(Exception):
        pass

    def crash(*_a, **_k):
        raise Crash()

    real = store.ox
    store.ox = type("Wrapped", (), {"__getattr__": lambda _s, n: crash if n == "update" else getattr(real, n)})()
    with pytest.raises(Crash):
        store.replace_graph("http://x/g", new)
    store.ox = real
    real.flush()
    del store
    real = None  # the last reference: the store's lock is released before reopening
    reopened = OxigraphStore(tmp_path / "store")  # drops the staging leftovers
    assert [r["o"].value for r in reopened.query("SELECT ?o { ?s ?p ?o }")] == ["old"]
    assert reopened.graphs() == ["http://x/g"]


def test_bad_files_are_reported_by_name_and_the_rest_ingested(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_text("")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "big.txt").write_text("Plan\n" + "words " * 400_000)
    shutil.copy(SEEDS / "003_d8b0eb0283d79c88.txt", d / "scrutiny.txt")
    e = Engine.open(tmp_path / "data", embed=False, max_file_mb=1)
    report = e.ingest([d])
    errors = {r.source.split("/")[-1]: r.message for r in report.errors}
    assert set(errors) == {"empty.txt", "binary.txt", "big.txt"}
    assert errors["big.txt"].endswith("big.txt: file is 2.4 MB, over the 1 MB limit")
    assert "file looks binary" in errors["binary.txt"] and "file is empty" in errors["empty.txt"]
    assert count(e, TOP_LEVEL) == 1


def test_a_second_writer_is_refused_clearly(tmp_path):
    first = OxigraphStore(tmp_path / "store")
    with pytest.raises(StoreBusyError, match="in use by another councilkg process"):
        OxigraphStore(tmp_path / "store")
    assert len(first) == 0


def test_ingest_while_a_server_holds_the_store_is_refused_naming_it(tmp_path):
    from kg.errors import StoreBusyError

    serving = Engine.open(tmp_path, embed=False)
    (tmp_path / "server.json").write_text('{"pid": 1, "url": "http://127.0.0.1:8000"}')
    with pytest.raises(StoreBusyError, match=r"in use by another councilkg process.*http://127.0.0.1:8000"):
        Engine.open(tmp_path, embed=False)
    assert len(serving.store) == 0
