"""The web pages: ask, documents, entity pages (Linked Data), the SPARQL workbench, the API reference.

Server-rendered with Jinja2 (autoescaped) so every page works without JavaScript; a little JS
(`static/pages.js`) only draws charts with plotly, whose script is served from the plotly wheel.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from api import entities, views
from api.labels import Labels
from api.results import GRAPH_FORMATS, negotiate, serialize
from api.workbench import prepare, run, workbench
from kg.errors import CouncilKGError
from kg.validate import load_ontology
from nlp.text import slug

HERE = Path(__file__).parent
DOWNLOADS = {"csv": "text/csv", "json": "application/sparql-results+json"}

router = APIRouter()


class Site:
    """What the pages share: the engine's labels and the templates."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.labels = Labels(engine, load_ontology())
        env = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        self.templates = Jinja2Templates(env=env)

    def render(self, request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status)


def install(app: FastAPI, engine) -> None:
    """Add the pages, their static files and plotly's script to `app`."""
    app.state.site = Site(engine)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def _site(request: Request) -> Site:
    return request.app.state.site


def not_found(request: Request, what: str) -> HTMLResponse:
    return _site(request).render(request, "error.html", 404, title="Not found", message=what)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, q: str = Query(""), k: int = Query(5, ge=1, le=20)):
    site = _site(request)
    answer = views.answer(site.labels, q, k) if q.strip() else None
    return site.render(request, "home.html", active="ask", question=q, answer=answer)


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def document_list(request: Request):
    site = _site(request)
    top = views.document_list(site.labels)
    total = sum(1 + len(d.parts) for d in top)
    return site.render(request, "documents.html", active="documents", documents=top, total=total)


@router.get("/documents/{key:path}", response_class=HTMLResponse, include_in_schema=False)
def document(request: Request, key: str):
    site = _site(request)
    iri = site.labels.base + "doc/" + key
    docs = views.documents(site.labels)
    if iri not in docs:
        return not_found(request, f"No document {key!r} is stored.")
    older, newer = views.revisions(site.labels, iri)
    return site.render(
        request,
        "document.html",
        active="documents",
        doc=docs[iri],
        docs=docs,
        older=older,
        newer=newer,
        parts=[d for d in docs.values() if d.part_of == iri],
        blocks=views.text_blocks(site.labels, iri),
        extracted=views.extracted(site.labels, iri),
    )


@router.get("/id/{path:path}")
def entity(request: Request, path: str) -> Response:
    """A node of the graph: Turtle or JSON-LD by Accept, else an HTML page."""
    site = _site(request)
    iri = site.labels.base + path
    media = negotiate(request.headers.get("accept", ""), GRAPH_FORMATS, "text/html")
    if media in GRAPH_FORMATS:
        if not site.engine.describe(iri):
            return JSONResponse({"error": f"no such node: {iri}"}, status_code=404)
        return Response(site.engine.describe_serialized(iri, GRAPH_FORMATS[media]), media_type=media)
    page = entities.entity_page(site.labels, iri)
    if page is None:
        return not_found(request, f"The graph holds nothing about {iri}.")
    return site.render(request, "entity.html", page=page, iri=iri)


def _bindings(request: Request) -> dict[str, str]:
    return {k[5:]: v for k, v in request.query_params.items() if k.startswith("bind.")}


@router.get("/workbench", response_class=HTMLResponse, include_in_schema=False)
async def workbench_page(request: Request, query: str = Query(""), name: str = Query("")):
    """Run a query typed in the editor or a saved one with its parameters; a plain form GET, no JS needed."""
    site = _site(request)
    try:
        page = await asyncio.wait_for(
            asyncio.to_thread(workbench, site.labels, query, name, _bindings(request)),
            timeout=site.engine.settings.query_timeout,
        )
    except TimeoutError:
        page = workbench(site.labels, None, None, {})
        page.error = f"the query ran past {site.engine.settings.query_timeout:g} s"
    return site.render(request, "workbench.html", active="sparql", wb=page)


def sparql_editor(request: Request) -> HTMLResponse:
    """`GET /sparql` from a browser with no query: the workbench."""
    return _site(request).render(
        request, "workbench.html", active="sparql", wb=workbench(_site(request).labels, None, None, {})
    )


@router.get("/workbench/download", include_in_schema=False)
async def download(
    request: Request, format: str = Query("csv", pattern="^(csv|json)$"), query: str = Query(""), name: str = Query("")
):
    """The results of a workbench query as a CSV or SPARQL JSON file."""
    site = _site(request)

    def body() -> tuple[bytes, str]:
        req, chosen = prepare(query, name, _bindings(request))
        if not req.query:
            raise CouncilKGError("no query to run")
        return serialize(run(site.labels, req, chosen), DOWNLOADS[format])

    try:
        data, media = await asyncio.wait_for(asyncio.to_thread(body), timeout=site.engine.settings.query_timeout)
    except TimeoutError:
        return JSONResponse({"error": f"query ran past {site.engine.settings.query_timeout:g} s"}, status_code=503)
    ext = "csv" if media == "text/csv" else "json" if "json" in media else "txt"
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="results.{ext}"'})


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_reference(request: Request):
    """The API reference, from the app's OpenAPI description (no CDN, no JS)."""
    spec = request.app.openapi()
    operations = [
        (f"{method}-{slug(path)}", path, method.upper(), op)
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in ("get", "post", "put", "delete")
    ]
    return _site(request).render(request, "apidocs.html", active="api", spec=spec, operations=operations)


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """plotly's browser bundle, from the plotly wheel's package data."""
    spec = importlib.util.find_spec("plotly")
    path = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    return FileResponse(path, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"})
