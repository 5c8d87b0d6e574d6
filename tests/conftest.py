"""Session fixtures: the seeds are ingested once into a temporary data directory."""

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from tests.data import SEEDS  # noqa: E402


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    from kg.engine import Engine

    e = Engine.open(tmp_path_factory.mktemp("councilkg"))
    report = e.ingest([SEEDS])
    assert not report.errors, report.errors
    return e


@pytest.fixture(scope="session")
def client(engine):
    from fastapi.testclient import TestClient
    from api.app import create_app

    with TestClient(create_app(engine)) as c:
        yield c


def count(engine, query: str, **bindings) -> int:
    """The ?n of a one-row COUNT query."""
    return int(next(iter(engine.sparql(query, bindings)))["n"].value)


# fixtures that ingest or extract whole sets of documents: the seeds (`engine`, `client`), the seeds into
# Oxigraph and Virtuoso or from PDF and text (`engines`), the seeds' people (`seed_refs`, `seed_names`),
# every seed and corpus document's entities (`scores`)
WHOLE_SET_FIXTURES = {"engine", "client", "engines", "seed_refs", "seed_names", "scores"}


def pytest_collection_modifyitems(items):
    """Tests over a whole set of documents are end-to-end: marked `slow`, so `make test-fast`
    (`pytest -m "not slow"`) leaves them out of the edit loop."""
    for item in items:
        if WHOLE_SET_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
