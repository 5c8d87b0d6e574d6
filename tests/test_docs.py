"""The docs match the code: every command, endpoint and saved query is documented and runs."""

import re

from api.cli import app
from kg.saved import load_queries, render_markdown
from tests.data import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("setup", "run", "test", "bench"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_documented():
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert names >= {"ingest", "sparql", "ask", "search", "serve", "validate", "stats", "export", "queries"}
    for name in names:
        assert f"councilkg {name}" in README, name


def route_paths(routes) -> set[str]:
    """The paths of an app's routes, those of included routers too."""
    out = set()
    for r in routes:
        out |= route_paths(r.original_router.routes) if hasattr(r, "original_router") else {r.path}
    return out


def test_every_endpoint_is_documented(client):
    routes = {p for p in route_paths(client.app.routes) if not p.startswith(("/openapi", "/docs", "/redoc"))}
    for path in routes - {"/"}:
        assert path.split("{")[0].rstrip("/") in README, path


def test_saved_queries_have_headers_and_return_rows(engine):
    queries = load_queries()
    assert len(queries) >= 15
    for q in queries:
        assert q.title and q.purpose and q.parameters, q.name
        assert list(engine.sparql(q.text)), f"{q.name}.rq returns no rows on the seeds"


def test_query_catalogue_is_current(engine):
    documented = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    fresh = render_markdown(engine)
    heads = lambda text: re.findall(r"^## .*$|^Rows on the seeds: .*$", text, re.M)  # noqa: E731
    assert heads(documented) == heads(fresh), "regenerate docs/queries.md with kg.saved.render_markdown"
