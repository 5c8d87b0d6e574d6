"""The HTTP API: SPARQL 1.1 Protocol (read-only), /ask and /search contracts."""

from tests.data import CHILDREN_OCT

DOCS = "SELECT ?d WHERE { ?d a ckg:PortfolioPlan } ORDER BY ?d"


def test_sparql_get_returns_standard_json(client):
    r = client.get("/sparql", params={"query": DOCS})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    body = r.json()
    assert body["head"]["vars"] == ["d"] and len(body["results"]["bindings"]) == 4


def test_sparql_post_and_result_formats(client):
    for accept, start in (
        ("text/csv", "d\r\n"),
        ("text/tab-separated-values", "?d\n"),
        ("application/sparql-results+xml", "<?xml"),
    ):
        r = client.post("/sparql", content=DOCS, headers={"content-type": "application/sparql-query", "accept": accept})
        assert r.status_code == 200 and r.text.startswith(start), accept
    r = client.post("/sparql", data={"query": DOCS})
    assert len(r.json()["results"]["bindings"]) == 4
    r = client.get(
        "/sparql",
        params={"query": f"CONSTRUCT {{ <{CHILDREN_OCT}> dct:title ?t }} WHERE {{ <{CHILDREN_OCT}> dct:title ?t }}"},
        headers={"accept": "text/turtle"},
    )
    assert r.headers["content-type"].startswith("text/turtle") and "Portfolio Plan" in r.text


def test_sparql_update_is_refused_and_changes_nothing(client, engine):
    before = len(engine.store)
    drop = "DELETE WHERE { ?s ?p ?o }"
    assert (
        client.post("/sparql", content=drop, headers={"content-type": "application/sparql-update"}).status_code == 400
    )
    assert client.post("/sparql", data={"update": drop}).status_code == 400
    assert client.post("/sparql", content=drop, headers={"content-type": "application/sparql-query"}).status_code == 400
    assert client.get("/sparql", params={"query": "PREFIX x: <http://x/>\n" + drop}).status_code == 400
    assert len(engine.store) == before


def test_malformed_sparql_is_a_clear_400(client):
    r = client.get("/sparql", params={"query": "SELEC ?x WHERE {"})
    assert r.status_code == 400 and "syntax" in r.json()["error"].lower()
    assert client.get("/sparql").status_code == 400


def test_ask_follows_the_contract(client):
    r = client.get("/ask", params={"q": "Who is the Lead Member for Children and Families?", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"answer", "citations", "nodes", "sparql"}
    assert 0 < len(body["answer"]) <= 300 and 1 <= len(body["citations"]) <= 5
    c = body["citations"][0]
    assert set(c) >= {"document", "passage_id", "text", "lines", "score"} and c["lines"][0] <= c["lines"][1]
    iris = {n["iri"] for n in body["nodes"]}
    assert {x["passage_id"] for x in body["citations"]} <= iris


def test_search_ranks_passages(client):
    r = client.get("/search", params={"q": "Greenacres total scheme value", "k": 3})
    assert r.status_code == 200 and any("Greenacres\t3,781" in x["text"] for x in r.json()["results"])
    r = client.get("/search", params={"q": "Greenacres total scheme value", "k": 3, "mode": "bm25"})
    assert "Greenacres\t3,781" in r.json()["results"][0]["text"]
    assert client.get("/search", params={"q": "x", "mode": "sideways"}).status_code == 422


def test_entity_pages(client):
    r = client.get("/id/" + CHILDREN_OCT.split("/id/")[1])
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    r = client.get("/id/" + CHILDREN_OCT.split("/id/")[1], headers={"accept": "text/turtle"})
    assert "Children's Services Portfolio Plan" in r.text
    assert client.get("/id/no/such/node").status_code == 404


def test_ingest_through_the_server_is_seen_without_restart(tmp_path):
    from fastapi.testclient import TestClient
    from api.app import create_app
    from kg.engine import Engine
    from tests.data import SEEDS
    from api.guard import read_token

    engine = Engine.open(tmp_path / "data", embed=False, corpus_roots=str(SEEDS))
    with TestClient(create_app(engine)) as c:
        c.headers["authorization"] = f"Bearer {read_token(engine.data)}"  # the token the CLI sends
        assert (
            c.get("/ask", params={"q": "Who is the Lead Member for Children and Families?"}).json()["citations"] == []
        )
        r = c.post("/ingest", json={"paths": [str(SEEDS / "002_49448199a3dea4d2.txt")]})
        assert [d["status"] for d in r.json()["documents"]] == ["added"]
        assert (
            "Sylvia Tidy"
            in c.get("/ask", params={"q": "Who is the Lead Member for Children and Families?"}).json()["answer"]
        )
        assert c.post("/ingest", json={"paths": "not a list"}).status_code == 400
