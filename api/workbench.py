"""The SPARQL workbench: a query (typed, or a saved one of `kg/queries/` with its parameters bound)
run read-only, its results as a table whose IRIs link to their pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from api.labels import Labels, Node
from kg.errors import CouncilKGError
from kg.saved import SavedQuery, load_queries, saved_query

MAX_ROWS = 1000
STARTER = """# Every document, newest first (prefixes such as dct: and foaf: are predeclared)
SELECT ?document ?title ?issued WHERE {
  ?document a foaf:Document ; dct:title ?title .
  OPTIONAL { ?document dct:issued ?issued }
}
ORDER BY DESC(?issued)"""


@dataclass(frozen=True)
class Request:
    """What the form sent: the query text, the saved query it came from, parameter values."""

    query: str = ""
    name: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def link(self, path: str = "/workbench", **extra: str) -> str:
        params = {
            "query": self.query,
            "name": self.name,
            **{f"bind.{k}": v for k, v in self.values.items() if v},
            **extra,
        }
        return path + "?" + urlencode({k: v for k, v in params.items() if v})


@dataclass
class Results:
    columns: list[str]
    rows: list[list[Node | str]]
    total: int


@dataclass
class Workbench:
    request: Request
    saved: list[SavedQuery]
    chosen: SavedQuery | None = None
    results: Results | None = None
    error: str = ""


def prepare(query: str | None, name: str | None, values: dict[str, str]) -> tuple[Request, SavedQuery | None]:
    """The request to run: a saved query's text when only its name is given."""
    chosen = saved_query(name) if name else None
    text = (query or "").strip() or (chosen.text if chosen else "")
    return Request(text, name or "", values), chosen


def run(labels: Labels, request: Request, chosen: SavedQuery | None):
    """The pyoxigraph result of the request (parameters bound when it names a saved query)."""
    bindings = chosen.bindings(request.values) if chosen else {}
    return labels.engine.sparql_outside(request.query, bindings)


def tabulate(labels: Labels, result) -> Results:
    """Columns and rows of any query result; IRIs become linked nodes."""
    if isinstance(result, ox.QueryBoolean):
        return Results(["answer"], [[str(bool(result)).lower()]], 1)
    if isinstance(result, ox.QueryTriples):
        columns, terms = ["subject", "predicate", "object"], [[t.subject, t.predicate, t.object] for t in result]
    else:
        columns = [v.value for v in result.variables]
        terms = [[sol[c] for c in columns] for sol in result]
    shown = terms[:MAX_ROWS]
    nodes = labels.nodes(t.value for row in shown for t in row if isinstance(t, ox.NamedNode))
    rows = [
        [nodes[t.value] if isinstance(t, ox.NamedNode) else ("" if t is None else t.value) for t in row]
        for row in shown
    ]
    return Results(columns, rows, len(terms))


def workbench(labels: Labels, query: str | None, name: str | None, values: dict[str, str]) -> Workbench:
    """The workbench page's data: the saved queries, and the results (or the error) of the request."""
    saved = load_queries()
    try:
        request, chosen = prepare(query, name, values)
    except CouncilKGError as e:
        return Workbench(Request(query or "", "", values), saved, error=str(e))
    page = Workbench(request if request.query else Request(STARTER), saved, chosen)
    if not request.query:
        return page
    try:
        page.results = tabulate(labels, run(labels, request, chosen))
    except CouncilKGError as e:
        page.error = str(e)
    return page
