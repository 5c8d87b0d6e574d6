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
