"""The councilkg command line: through typer's CliRunner on the session store, and as real
processes beside a live `councilkg serve` that holds its store."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import api.cli
from api.cli import app
from tests.data import SEEDS

runner = CliRunner()
COUNCILKG = Path(sys.executable).parent / "councilkg"
KENT_FILE = SEEDS / "004_726bb34c4a465f33.txt"
ADOPTED = "% of Children leaving care who were adopted"


@pytest.fixture(autouse=True)
def same_engine(engine, monkeypatch):
    """The CLI opens the session's engine (a second process would find the store locked)."""
    monkeypatch.setattr(api.cli, "_reader", lambda data: engine)


def test_sparql_json_is_standard_results_json(engine):
    r = runner.invoke(
        app,
        [
            "sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { ?d a ckg:PortfolioPlan }",
            "--format",
            "json",
            "--data",
            str(engine.data),
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["results"]["bindings"][0]["n"]["value"] == "4"


def test_sparql_from_file_as_csv(engine, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?t WHERE { ?d a ckg:ScrutinyReport ; dct:title ?t }")
    r = runner.invoke(app, ["sparql", f"@{q}", "--format", "csv", "--data", str(engine.data)])
    assert r.exit_code == 0 and "Reconciling Policy, Performance and Resources" in r.stdout


def test_bad_query_exits_non_zero(engine):
    r = runner.invoke(app, ["sparql", "DROP ALL", "--data", str(engine.data)])
    assert r.exit_code == 1 and "read-only" in r.output


def test_ask_prints_answer_and_sources(engine):
    r = runner.invoke(
        app, ["ask", "When was the new East Sussex drug and alcohol service launched?", "--data", str(engine.data)]
    )
    assert r.exit_code == 0 and "lines" in r.stdout and "June 2019" in r.stdout


def test_stats_counts_documents(engine):
    r = runner.invoke(app, ["stats", "--json", "--data", str(engine.data)])
    s = json.loads(r.stdout)
    assert s["classes"]["https://w3id.org/councilkg/def#PortfolioPlan"] == 4


def test_queries_lists_the_saved_queries(engine):
    r = runner.invoke(app, ["queries"])
    assert r.exit_code == 0 and "red-indicators" in r.stdout and "measure-values" in r.stdout


def test_a_saved_query_runs_by_name_with_parameters_bound(engine):
    r = runner.invoke(app, ["queries", "red-indicators.rq", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert len(r.stdout.strip().splitlines()) == 1 + 8
    r = runner.invoke(app, ["queries", "red-indicators", "--bind", f"indicator={ADOPTED}", "--format", "csv"])
    rows = r.stdout.strip().splitlines()
    assert r.exit_code == 0 and len(rows) == 2
    assert ",31," in rows[1] and ADOPTED in rows[1] and "9.5% R" in rows[1] and "13.0%" in rows[1]
    r = runner.invoke(app, ["queries", "ask-delivery-outcome", "-b", "n=3", "--format", "json"])
    values = {b["n"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]}
    assert r.exit_code == 0 and values == {"3"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["sparql", "@missing.rq"], "cannot read the query file 'missing.rq': No such file or directory"),
        (["sparql", "SELECT * {}", "--format", "xls"], "unknown format 'xls'"),
        (["queries", "no-such-query"], "no saved query 'no-such-query'"),
        (["queries", "red-indicators", "--bind", "colour=red"], "red-indicators has no parameter ?colour"),
        (["queries", "red-indicators", "--bind", "doc"], "write VAR=VALUE"),
        (["queries", "ask-delivery-outcome", "--bind", "n=three"], "?n wants a whole number, not 'three'"),
        (["queries", "--bind", "n=3"], "--bind needs the name of the query to run"),
        (["ask", "  "], "give a question"),
        (["search", "adoption", "--mode", "fuzzy"], "unknown mode 'fuzzy'"),
        (["export", "--format", "xml"], "unknown format 'xml'"),
        (["ingest", "no/such/file.txt"], "no such file or directory: no/such/file.txt"),
    ],
)
def test_bad_arguments_fail_on_one_line_before_the_store_opens(monkeypatch, args, message):
    def never(_data):
        raise AssertionError("the store was opened")

    monkeypatch.setattr(api.cli, "_reader", never)
    monkeypatch.setattr(api.cli, "_engine", never)
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and not isinstance(r.exception, AssertionError), r.output
    assert r.output.startswith("error: ") and r.output.count("\n") == 1 and message in r.output


# -- beside a live server ---------------------------------------------------------------


class Served:
    """A `councilkg serve` process and the environment to run the CLI against its data directory."""

    def __init__(self, data: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.data = data
        self.env = {**os.environ, "COUNCILKG_DATA": str(data), "COUNCILKG_EMBED": "0"}
        self.process = subprocess.Popen(
            [str(COUNCILKG), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not start")

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(COUNCILKG), *args], env=self.env, capture_output=True, text=True, timeout=600)

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server over an empty data directory; the Kent agenda pack is ingested through it."""
    server = Served(tmp_path_factory.mktemp("served"))
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


def test_ingest_while_serving_goes_through_the_server(served):
    r = served.run("ingest", str(KENT_FILE))
    assert r.returncode == 0, r.stderr
    assert "ingesting through it" in r.stderr and "added" in r.stdout
    health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{served.port}/health").read())
    assert health["triples"] > 1000


def test_sparql_and_saved_queries_while_serving(served):
    r = served.run(
        "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?m a ckg:Measure ; ckg:ragRating ckg:Red }", "--format", "csv"
    )
    assert r.returncode == 0, r.stderr
    assert "held by the server" in r.stderr and r.stdout.split() == ["n", "8"]
    r = served.run("queries", "red-indicators", "--bind", f"indicator={ADOPTED}", "--format", "json")
    rows = json.loads(r.stdout)["results"]["bindings"]
    assert r.returncode == 0, r.stderr
    assert [(b["code"]["value"], b["indicator"]["value"], b["valueText"]["value"]) for b in rows] == [
        ("31", ADOPTED, "9.5% R")
    ]
    r = served.run(
        "sparql",
        "CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m ckg:ragRating ckg:Red ; a ckg:Measure ; rdfs:label ?l }",
        "--format",
        "json",
    )  # a graph comes back as Turtle
    labels = {t.object.value for t in ox.parse(r.stdout.encode(), format=ox.RdfFormat.TURTLE)}
    assert r.returncode == 0 and len(labels) == 8 and ADOPTED in labels


def test_a_bad_query_while_serving_is_one_line(served):
    r = served.run("sparql", "SELECT ?x WHERE { ?x")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert any(line.startswith("error: SPARQL syntax error: error at 1:21") for line in r.stderr.splitlines())
    r = served.run("sparql", "@missing.rq")
    assert (
        r.returncode == 2
        and r.stderr.strip() == "error: cannot read the query file 'missing.rq': No such file or directory"
    )


def test_ask_and_search_while_serving(served):
    r = served.run("ask", "Who chaired the Children's Social Care and Health Cabinet Committee?", "--json")
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert "Whittle" in answer["answer"] and "Mrs Whittle took the chair" in answer["citations"][0]["text"]
    r = served.run("search", "children leaving care who were adopted", "--mode", "bm25", "--k", "3")
    assert r.returncode == 0 and ADOPTED in r.stdout


def test_stats_export_and_validate_while_serving(served):
    r = served.run("stats", "--json")
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert stats["classes"]["https://w3id.org/councilkg/def#Meeting"] >= 2
    r = subprocess.run([str(COUNCILKG), "export", "--format", "ttl"], env=served.env, capture_output=True, timeout=600)
    assert len(set(ox.parse(r.stdout, format=ox.RdfFormat.TURTLE))) == stats["triples"]
    r = subprocess.run([str(COUNCILKG), "export", "--format", "nq"], env=served.env, capture_output=True, timeout=600)
    graphs = {q.graph_name.value for q in ox.parse(r.stdout, format=ox.RdfFormat.N_QUADS)}
    assert {d["document"] for d in stats["documents"]} <= graphs
    r = served.run("validate")
    assert r.returncode == 0 and "0 SHACL violations" in r.stdout


def test_a_stopped_server_leaves_the_store_to_the_cli(served):
    served_stats = json.loads(served.run("stats", "--json").stdout)
    assert served.stop() == 0
    assert not (served.data / "server.json").exists()
    r = served.run("stats", "--json")
    assert r.returncode == 0 and "held by the server" not in r.stderr
    assert json.loads(r.stdout) == served_stats
