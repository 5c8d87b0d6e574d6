"""The councilkg command line, through typer's CliRunner on the session store."""
import json

from typer.testing import CliRunner

from api.cli import app

import pytest

import api.cli

runner = CliRunner()


@pytest.fixture(autouse=True)
def same_engine(engine, monkeypatch):
    """The CLI opens the session's engine (a second process would find the store locked)."""
    monkeypatch.setattr(api.cli, "_engine", lambda data: engine)


def test_sparql_json_is_standard_results_json(engine):
    r = runner.invoke(app, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?d a ckg:PortfolioPlan }", "--format", "json",
                            "--data", str(engine.data)])
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
    r = runner.invoke(app, ["ask", "When was the new East Sussex drug and alcohol service launched?", "--data", str(engine.data)])
    assert r.exit_code == 0 and "lines" in r.stdout and "June 2019" in r.stdout


def test_stats_counts_documents(engine):
    r = runner.invoke(app, ["stats", "--json", "--data", str(engine.data)])
    s = json.loads(r.stdout)
    assert s["classes"]["https://w3id.org/councilkg/def#PortfolioPlan"] == 4


def test_ingest_while_serving_goes_through_the_server(tmp_path):
    """A real `councilkg serve` holds the store; `councilkg ingest` hands the files to it."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path
    from tests.data import SEEDS
    bin_ = Path(sys.executable).parent / "councilkg"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "COUNCILKG_DATA": str(tmp_path), "COUNCILKG_EMBED": "0"}
    server = subprocess.Popen([str(bin_), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        r = subprocess.run([str(bin_), "ingest", str(SEEDS / "003_d8b0eb0283d79c88.txt")], env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert "ingesting through it" in r.stderr and "added" in r.stdout
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/health").read())
        assert health["triples"] > 1000
    finally:
        server.terminate()
        server.wait(timeout=30)
