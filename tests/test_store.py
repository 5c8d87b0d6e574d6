"""The store: each fact once in the default graph, per-document graphs kept, replace and remove atomic."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import QueryError
from kg.saved import saved_query
from kg.store import OxigraphStore, bind_text
from tests.conftest import count
from tests.data import BASE, KENT_PACK

PERSON = URIRef(BASE + "person/andrew-ireland")
SCORECARD = BASE + "doc/kcc/cschcc-2016-03-22-d1-scorecard"
ADOPTED = "% of Children leaving care who were adopted"


def _rows(engine, query: str) -> int:
    return len(list(engine.sparql(query)))


@pytest.mark.parametrize("cls", ["foaf:Person", "ckg:Measure", "qb:Observation", "org:Membership"])
def test_a_query_without_distinct_returns_each_fact_once(engine, cls):
    plain = _rows(engine, f"SELECT ?s ?p ?o WHERE {{ ?s a {cls} ; ?p ?o }}")
    assert plain == _rows(engine, f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s a {cls} ; ?p ?o }}")
    assert plain > 0


def test_people_are_stated_by_several_documents_and_listed_once(engine):
    graphs = {r["g"].value for r in engine.sparql("SELECT ?g WHERE { GRAPH ?g { ?p a foaf:Person } }", {"p": PERSON})}
    assert len(graphs) >= 2 and all(g.startswith(KENT_PACK.rsplit("/", 1)[0]) for g in graphs)
    assert count(engine, "SELECT (COUNT(*) AS ?n) WHERE { ?p a foaf:Person ; foaf:name ?name }", p=PERSON) == 1


def test_red_indicators_lists_each_red_indicator_once(engine):
    rows = list(engine.sparql(saved_query("red-indicators").text))
    assert len(rows) == 8
    scorecard = sorted(
        (r["code"].value, r["valueText"].value, r["targetText"].value) for r in rows if r["doc"].value == SCORECARD
    )
    assert scorecard == [
        ("19", "12.3% R", "9.0%"),
        ("24", "77.8% R", "98.0%"),
        ("28", "59.2% R", "86.0%"),
        ("30", "241.5 R", "121.0"),
        ("31", "9.5% R", "13.0%"),
        ("9", "68.4% R", "85.0%"),
    ]
    others = sorted(r["valueText"].value for r in rows if r["doc"].value != SCORECARD)
    assert others == ["22% (r)", "38% (r)"]


def _triples(store: OxigraphStore, graph) -> set:
    return {(q.subject, q.predicate, q.object) for q in store.ox.quads_for_pattern(None, None, None, graph)}


def _count(store: OxigraphStore, query: str, **bindings) -> int:
    return int(next(iter(store.query(query, bindings)))["n"].value)


def _union(store: OxigraphStore) -> set:
    return set().union(*(_triples(store, g) for g in store.ox.named_graphs()))


@pytest.fixture(scope="module")
def copy(engine) -> OxigraphStore:
    """The session's graphs written one by one into a fresh store, as ingest writes them."""
    store = OxigraphStore()
    for g in engine.store.graphs():
        store.replace_graph(g, _triples(engine.store, ox.NamedNode(g)))
    return store


def test_the_default_graph_is_the_union_of_the_document_graphs(engine, copy):
    assert _triples(copy, ox.DefaultGraph()) == _union(copy) == _triples(engine.store, ox.DefaultGraph())
    assert len(copy) == len(_union(copy)) < sum(1 for q in copy.ox if not isinstance(q.graph_name, ox.DefaultGraph))


def test_removing_a_document_keeps_what_others_state_and_drops_what_only_it_stated(copy):
    stating = sorted(
        r["g"].value for r in copy.query("SELECT ?g WHERE { GRAPH ?g { ?p a foaf:Person } }", {"p": PERSON})
    )
    gone = stating[0]
    only_it = _triples(copy, ox.NamedNode(gone)) - set().union(
        *(_triples(copy, g) for g in copy.ox.named_graphs() if g.value != gone)
    )
    assert only_it
    copy.remove_graph(gone)
    default = _triples(copy, ox.DefaultGraph())
    assert default == _union(copy) and not (only_it & default)
    assert _count(copy, "SELECT (COUNT(*) AS ?n) WHERE { ?p a foaf:Person }", p=PERSON) == 1
    assert _count(copy, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a foaf:Person } }", p=PERSON) == len(stating) - 1


def test_replacing_a_document_drops_facts_it_no_longer_states_unless_another_does(copy):
    g = copy.graphs()[0]
    kept = sorted(_triples(copy, ox.NamedNode(g)), key=str)
    shared = next(t for t in kept if sum(1 for _ in copy.ox.quads_for_pattern(*t, None)) > 2)  # here, default, another
    own = next(t for t in kept if sum(1 for _ in copy.ox.quads_for_pattern(*t, None)) == 2)  # here and default
    new = Graph()
    new.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal("new")))
    copy.replace_graph(g, new)
    default = _triples(copy, ox.DefaultGraph())
    assert shared in default and own not in default and default == _union(copy)
    assert _triples(copy, ox.NamedNode(g)) == {
        (ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("new"))
    }


def test_a_crash_during_replace_leaves_the_graph_and_the_default_graph_as_they_were(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    old = Graph()
    old.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal("old")))
    store.replace_graph("http://x/a", old)
    store.replace_graph("http://x/b", old)
    real = store.ox
    store.ox = type("Crashing", (), {"__getattr__": lambda _s, n: _crash if n == "update" else getattr(real, n)})()
    with pytest.raises(RuntimeError):
        store.remove_graph("http://x/a")
    store.ox = real
    assert [r["o"].value for r in store.query("SELECT ?o { ?s ?p ?o }")] == ["old"]
    assert store.graphs() == ["http://x/a", "http://x/b"]


def _crash(*_a, **_k):
    raise RuntimeError("crash")


def test_a_store_written_before_the_merged_default_graph_gains_it_on_open(tmp_path):
    raw = ox.Store(str(tmp_path / "store"))
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    raw.extend(
        [
            ox.Quad(s, p, ox.Literal("1"), ox.NamedNode("http://x/a")),
            ox.Quad(s, p, ox.Literal("1"), ox.NamedNode("http://x/b")),
        ]
    )
    raw.flush()
    del raw
    store = OxigraphStore(tmp_path / "store")
    assert [r["o"].value for r in store.query("SELECT ?o { ?s ?p ?o }")] == ["1"] and len(store) == 1


def test_export_as_nquads_keeps_each_document_graph(copy):
    quads = list(ox.parse(copy.dump(), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == set(copy.graphs())
    assert len(quads) == sum(len(_triples(copy, g)) for g in copy.ox.named_graphs())


def test_bound_variables_written_into_the_text_match_oxigraphs_own_binding(engine):
    q = saved_query("red-indicators")
    bound = q.bindings({"indicator": ADOPTED})
    text = bind_text(q.text, {"indicator": ox.Literal(ADOPTED)})
    assert "VALUES (?indicator)" in text and "?indicator" in text.split("WHERE")[0]
    written = [(r["code"].value, r["indicator"].value) for r in engine.store.ox.query(text, prefixes={})]
    assert (
        written == [(r["code"].value, r["indicator"].value) for r in engine.sparql(q.text, bound)] == [("31", ADOPTED)]
    )


def test_bind_text_leaves_strings_iris_and_comments_alone():
    text = '# ?x here\nSELECT ?x WHERE { ?x <http://e/?x> "?x" . FILTER(?x != 1) } ORDER BY ?x'
    out = bind_text(text, {"x": ox.NamedNode("http://e/a")})
    assert out.startswith(
        '# ?x here\nSELECT ?x WHERE { <http://e/a> <http://e/?x> "?x" . FILTER(<http://e/a> != 1) }'
        " ORDER BY ?x\nVALUES (?x) { (<http://e/a>) }"
    )


def test_an_update_is_refused(engine):
    with pytest.raises(QueryError, match="read-only"):
        engine.sparql("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }")
