"""The corpus boundary (issue 14): /ingest reads only document files inside the corpus roots, never through a
symlink out of one, and only for the owner's CLI (loopback and the request token); the Host header must name
the server."""

import json
import os
import shutil

import pytest

from api.guard import host_name, read_token, served_hosts
from kg.corpus import admitted, corpus_roots, remember_roots
from tests.data import FIXTURES

SECRET = "zanzibarquokka"  # a word only the file outside the corpus holds
DOCS_FROM_MINUTES = 'SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d ckg:sourceFile "minutes.txt" }'
SECRET_TEXT = f'SELECT (COUNT(*) AS ?n) WHERE {{ ?p ckg:text ?t FILTER(CONTAINS(?t, "{SECRET}")) }}'


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A corpus root holding one paper, a symlink to a file outside it and a file with no document type."""
    root, outside = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("outside")
    shutil.copy(FIXTURES / "ident_parish_minutes.txt", root / "minutes.txt")
    (outside / "secret.txt").write_text(f"Confidential\n\nThe password is {SECRET}.\n", encoding="utf-8")
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "notes").write_text("Notes with no file type.\n", encoding="utf-8")
    return root, outside


@pytest.fixture(scope="module")
def served(corpus, tmp_path_factory):
    """(client, engine, token) of an app over an empty store whose only corpus root is `corpus`."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from kg.engine import Engine

    engine = Engine.open(tmp_path_factory.mktemp("data"), embed=False, corpus_roots=str(corpus[0]))
    with TestClient(create_app(engine)) as c:
        yield c, engine, read_token(engine.data)


def count(client, query: str) -> int:
    return int(client.get("/sparql", params={"query": query}).json()["results"]["bindings"][0]["n"]["value"])


def ingest(client, token: str | None, *paths) -> tuple[int, dict]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    r = client.post("/ingest", json={"paths": [str(p) for p in paths]}, headers=headers)
    return r.status_code, r.json()


def test_ingest_needs_the_request_token(served, corpus):
    client, engine, _ = served
    status, body = ingest(client, None, corpus[0] / "minutes.txt")
    assert status == 403 and str(engine.data / "server.token") in body["error"]
    assert ingest(client, "a-guess", corpus[0] / "minutes.txt")[0] == 403


def test_the_token_file_is_the_owners_alone(served):
    _, engine, token = served
    assert (engine.data / "server.token").stat().st_mode & 0o777 == 0o600 and len(token) >= 40


def test_files_outside_the_roots_are_refused(served):
    client, _, token = served
    for path in ("/etc/passwd", "/etc/shadow"):
        status, body = ingest(client, token, path)
        assert status == 403 and body["error"].startswith(f"{path} is outside the corpus roots")
    assert ingest(client, token, "minutes.txt")[1]["error"] == "minutes.txt: give an absolute path"


def test_a_symlink_out_of_the_root_is_refused(served, corpus):
    client, _, token = served
    status, body = ingest(client, token, corpus[0] / "leak.txt")
    assert status == 403 and "outside the corpus roots" in body["error"]
    assert count(client, SECRET_TEXT) == 0


def test_a_file_with_no_document_type_is_refused(served, corpus):
    client, _, token = served
    status, body = ingest(client, token, corpus[0] / "notes")
    assert status == 403 and "not a document type" in body["error"]


def test_a_root_ingests_its_documents_and_skips_links_out_and_other_types(served, corpus):
    client, _, token = served
    assert count(client, DOCS_FROM_MINUTES) == 0
    status, body = ingest(client, token, corpus[0])
    assert status == 200, body
    assert [(d["source"], d["status"]) for d in body["documents"]] == [("minutes.txt", "added")]
    assert body["warnings"][:2] == [
        f"{corpus[0] / 'leak.txt'}: skipped, a link to a file outside the corpus roots",
        f"{corpus[0] / 'notes'}: skipped, not a document type "
        "(.docm, .docx, .htm, .html, .markdown, .md, .pdf, .text, .txt, .xhtml)",
    ]
    assert count(client, DOCS_FROM_MINUTES) == 1  # the query workers moved to the new snapshot at once
    assert count(client, SECRET_TEXT) == 0
    assert client.get("/search", params={"q": SECRET}).json()["results"] == []


def test_roots_are_the_paths_given_to_ingest_and_the_setting(tmp_path, corpus):
    root, outside = corpus
    remember_roots(tmp_path, [root, root / "minutes.txt"])
    assert json.loads((tmp_path / "corpus.json").read_text())["roots"] == [str(root.resolve())]
    assert corpus_roots(tmp_path, f"{outside}{os.pathsep}") == [root.resolve(), outside.resolve()]
    files, notes = admitted([str(root)], [root.resolve()])
    assert files == [root / "minutes.txt"] and len(notes) == 2


def test_the_host_header_must_name_the_server(served):
    from fastapi.testclient import TestClient

    from api.app import create_app

    c = TestClient(create_app(served[1], host="127.0.0.1"), base_url="http://127.0.0.1:8000")
    assert c.get("/health").status_code == 200
    assert c.get("/health", headers={"host": "localhost:8000"}).status_code == 200
    r = c.get("/health", headers={"host": "attacker.example"})
    assert r.status_code == 400 and "allowed_hosts" in r.json()["error"]


def test_served_host_names():
    assert served_hosts("127.0.0.1", "") == {"localhost", "127.0.0.1", "::1"}
    assert served_hosts("127.0.0.1", "kg.example.org, Data.Example.org") == {
        "localhost",
        "127.0.0.1",
        "::1",
        "kg.example.org",
        "data.example.org",
    }
    assert served_hosts("127.0.0.1", "*") is None and served_hosts(None, "") is None
    assert {host_name("example.org:8000"), host_name("[::1]:8000"), host_name("::1"), host_name("Example.ORG")} == {
        "example.org",
        "::1",
    }
