"""`/trace?q=…` and `/diff?a=…&b=…`: a measure or priority across years, and what changed between documents.

HTML for browsers (the table is the page; a plotly chart is drawn over it when JavaScript
runs), JSON when the client asks for `application/json`. Templates are autoescaped.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from api.results import negotiate
from kg.diff import DocumentNotFound, documents, resolve_document
from kg.diff import diff as compare
from kg.errors import CouncilKGError
from kg.trace import NotTraceable, trace_term

MAX_TERM = 500
router = APIRouter()
_templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
INDEX_QUERY = """
SELECT ?node ?label ?kind ?n WHERE {
  { ?node a ckg:Indicator ; rdfs:label ?label ; ckg:measureCount ?n FILTER (?n > 1) BIND ("indicator" AS ?kind) }
  UNION { ?node skos:topConceptOf ?scheme ; skos:prefLabel ?label . BIND ("priority" AS ?kind) BIND (0 AS ?n)
          FILTER NOT EXISTS { ?later ckg:succeeds|skos:exactMatch ?node } }
} ORDER BY ?kind ?label"""


def _wants_json(request: Request) -> bool:
    return (
        negotiate(request.headers.get("accept"), {"application/json": 1, "text/html": 1}, "text/html")
        == "application/json"
    )


def _render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    return _templates.TemplateResponse(request, name, {"active": "", **context}, status_code=status)


def _links(engine) -> dict:
    """How pages link to a node (`/id/…`) and to a line of a document (`/documents/…#L12`)."""
    base = engine.settings.base

    def node(iri: str) -> str:
        return "/id/" + iri[len(base) :] if iri.startswith(base) else ""

    def line(doc: str, n: int | None) -> str:
        page = "/documents/" + doc[len(base + "doc/") :] if doc.startswith(base + "doc/") else node(doc)
        return f"{page}#L{n}" if n else page

    return {"node": node, "line": line}


@router.get("/trace", response_model=None)
def trace_page(
    request: Request,
    q: str = Query("", max_length=MAX_TERM, description="a measure label, an indicator or measure IRI, or a priority"),
) -> Response:
    """An indicator's values by period with their sources and target attainment, or a priority's lineage."""
    engine = request.app.state.engine
    wants_json = _wants_json(request)
    if not q.strip():
        if wants_json:
            return JSONResponse({"error": "give ?q= a measure label, an indicator IRI or a priority"}, status_code=400)
        rows = [
            (r["node"].value, r["label"].value, r["kind"].value, int(r["n"].value)) for r in engine.sparql(INDEX_QUERY)
        ]
        return _render(request, "trace.html", q="", found=None, index=rows)
    try:
        found = trace_term(engine.store, q)
    except NotTraceable as e:
        if wants_json:
            return JSONResponse({"error": str(e)}, status_code=404)
        return _render(request, "trace.html", 404, q=q, found=None, index=[], error=str(e))
    if wants_json:
        return JSONResponse(found)
    return _render(request, "trace.html", q=q, found=found, index=[], chart=_chart(found), links=_links(engine))


def _chart(found: dict) -> dict | None:
    """The chart's data for `static/pages.js`: one line per kind and unit of the council's own values."""
    if found["kind"] != "indicator":
        return None
    points = [
        p
        for p in found["series"]["points"]
        if p["value"] is not None and p["area"] in ("", "AreaCouncil") and p["period"]
    ]
    periods = sorted(
        {p["period"] for p in points}, key=lambda x: next(p["period_start"] for p in points if p["period"] == x)
    )
    traces: dict[str, dict] = {}
    for p in sorted(points, key=lambda p: (p["period_start"], p["issued"])):
        name = f"{p['kind']} ({p['unit']})" if p["unit"] else p["kind"]
        t = traces.setdefault(name, {"name": name, "x": [], "y": []})
        if p["period"] in t["x"]:  # a later document's value for the period replaces an earlier one
            t["y"][t["x"].index(p["period"])] = p["value"]
        else:
            t["x"].append(p["period"])
            t["y"].append(p["value"])
    return {"periods": periods, "traces": list(traces.values())} if traces else None


@router.get("/diff", response_model=None)
def diff_page(
    request: Request,
    a: str = Query(
        "", max_length=MAX_TERM, description="the earlier document: IRI, file name, or title words and a date"
    ),
    b: str = Query("", max_length=MAX_TERM, description="the later document"),
) -> Response:
    """What changed between two documents: measures, values and targets, delivery outcomes, lead members."""
    engine = request.app.state.engine
    wants_json = _wants_json(request)
    docs = documents(engine.store)
    if not (a.strip() and b.strip()):
        if wants_json:
            return JSONResponse({"error": "give ?a= and ?b=: two documents"}, status_code=400)
        return _render(request, "diff.html", a=a, b=b, result=None, docs=docs)
    try:
        result = compare(engine.store, resolve_document(engine.store, a), resolve_document(engine.store, b))
    except DocumentNotFound as e:
        if wants_json:
            return JSONResponse({"error": str(e)}, status_code=404)
        return _render(request, "diff.html", 404, a=a, b=b, result=None, docs=docs, error=str(e))
    except CouncilKGError as e:
        if wants_json:
            return JSONResponse({"error": str(e)}, status_code=400)
        return _render(request, "diff.html", 400, a=a, b=b, result=None, docs=docs, error=str(e))
    if wants_json:
        return JSONResponse(result.as_dict())
    return _render(request, "diff.html", a=a, b=b, result=result, docs=docs, links=_links(engine))
