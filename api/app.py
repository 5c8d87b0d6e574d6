"""The HTTP API: /ask, /search, /sparql (SPARQL 1.1 Protocol, read-only), /id/… pages.

Handlers validate, make one engine call, and shape the response; errors from the
engine become HTTP statuses here and nowhere else.
"""
from __future__ import annotations

import asyncio
import html
from dataclasses import asdict
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.results import GRAPH_FORMATS, SOLUTION_FORMATS, negotiate, serialize
from kg.engine import Engine
from kg.errors import CouncilKGError, QueryError

LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}
MAX_QUESTION = 2000
MAX_QUERY = 100_000


def create_app(engine: Engine) -> FastAPI:
    """The app around one engine (models are loaded once, at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine.warm()
        yield

    app = FastAPI(title="councilkg", version="0.1.0", lifespan=lifespan,
                  description="Knowledge graph and plain-English questions over council plans and committee papers.")
    app.state.engine = engine

    @app.exception_handler(QueryError)
    async def query_error(_: Request, e: QueryError):
        return JSONResponse({"error": str(e)}, status_code=400)

    @app.exception_handler(CouncilKGError)
    async def kg_error(_: Request, e: CouncilKGError):
        return JSONResponse({"error": str(e)}, status_code=400)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "triples": len(engine.store)}

    @app.get("/ask")
    def ask(q: str = Query("", description="a question in plain English"), k: int = Query(5, ge=1, le=50)) -> dict:
        """A short answer, citations (best first) with line spans, graph nodes and the SPARQL used."""
        return engine.ask(q[:MAX_QUESTION], k=k)

    @app.get("/search")
    def search(q: str = Query(""), k: int = Query(10, ge=1, le=100),
               mode: str = Query("hybrid", pattern="^(hybrid|bm25|dense)$")) -> dict:
        """Ranked passages for a query."""
        hits = engine.search(q[:MAX_QUESTION], k=k, mode=mode)
        return {"query": q[:MAX_QUESTION], "results": [engine.citation(e, s) for e, s in hits]}

    @app.api_route("/sparql", methods=["GET", "POST"])
    async def sparql(request: Request) -> Response:
        """SPARQL 1.1 Protocol (query operation only; updates are refused with 400)."""
        query = await _query_text(request)
        if query is None:
            return JSONResponse({"error": "no query: give ?query=… or POST a SPARQL query"}, status_code=400)
        if len(query) > MAX_QUERY:
            return JSONResponse({"error": f"query longer than {MAX_QUERY} characters"}, status_code=400)
        accept = request.headers.get("accept")
        try:
            body, media = await asyncio.wait_for(asyncio.to_thread(_run, engine, query, accept),
                                                 timeout=engine.settings.query_timeout)
        except asyncio.TimeoutError:
            return JSONResponse({"error": f"query ran past {engine.settings.query_timeout:g} s"}, status_code=503)
        return Response(body, media_type=media)

    @app.post("/ingest")
    def ingest(request: Request, body: dict) -> JSONResponse:
        """Ingest files on this machine into the running server's store (loopback callers only).

        `councilkg ingest` uses this when a server holds the store, so the server sees the
        new documents without a restart."""
        if request.client is None or request.client.host not in LOOPBACK:
            return JSONResponse({"error": "ingest is only accepted from this machine"}, status_code=403)
        paths = body.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return JSONResponse({"error": 'give {"paths": ["file or directory", …]}'}, status_code=400)
        report = engine.ingest(paths, force=bool(body.get("force")))
        return JSONResponse({"documents": [asdict(d) for d in report.documents], "warnings": report.warnings})

    @app.get("/id/{path:path}")
    def entity(path: str, request: Request) -> Response:
        """A node of the graph: Turtle/JSON-LD by Accept, else an HTML page."""
        iri = engine.settings.base + path
        accept = request.headers.get("accept", "")
        triples = engine.describe(iri)
        if not triples:
            return JSONResponse({"error": f"no such node: {iri}"}, status_code=404)
        media = negotiate(accept, GRAPH_FORMATS, "text/html")
        if media in GRAPH_FORMATS:
            return Response(engine.describe_serialized(iri, GRAPH_FORMATS[media]), media_type=media)
        return HTMLResponse(_entity_page(iri, triples, engine.settings.base))

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return _HOME

    return app


async def _query_text(request: Request) -> str | None:
    if "update" in request.query_params:
        raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
    if request.method == "GET":
        return request.query_params.get("query")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = (await request.body()).decode("utf-8", errors="replace")
    if ctype == "application/sparql-update":
        raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
    if ctype == "application/x-www-form-urlencoded":
        form = parse_qs(raw)
        if "update" in form:
            raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
        return (form.get("query") or [None])[0]
    return raw or request.query_params.get("query")


def _run(engine: Engine, query: str, accept: str | None) -> tuple[bytes, str]:
    result = engine.sparql(query)
    table = GRAPH_FORMATS if result.__class__.__name__ == "QueryTriples" else SOLUTION_FORMATS
    default = "text/turtle" if table is GRAPH_FORMATS else "application/sparql-results+json"
    return serialize(result, negotiate(accept, table, default))


def _entity_page(iri: str, triples: list[tuple[str, str, str]], base: str) -> str:
    def cell(v: str) -> str:
        text = html.escape(v)
        return f'<a href="/id/{html.escape(v[len(base):])}">{text}</a>' if v.startswith(base) else text
    rows = "".join(f"<tr><td>{cell(p)}</td><td>{cell(o)}</td></tr>" for _, p, o in triples)
    return (f"<!doctype html><meta charset=utf-8><title>{html.escape(iri)}</title>"
            f"<style>body{{font-family:sans-serif;margin:2em}}td{{padding:2px 8px;vertical-align:top}}</style>"
            f"<h1>{html.escape(iri)}</h1><table>{rows}</table>")


_HOME = """<!doctype html><meta charset=utf-8><title>councilkg</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}input{width:70%;font-size:1.1em}
pre{white-space:pre-wrap;background:#f4f4f4;padding:8px}.cit{margin:.6em 0}</style>
<h1>councilkg</h1><p>Ask a question about the council documents.</p>
<form id=f><input id=q placeholder="What is the 2021/22 target for …?"><button>Ask</button></form>
<div id=out></div>
<p><a href="/docs">API</a> · <a href="/sparql?query=SELECT%20%3Fd%20%3Ft%20%7B%3Fd%20a%20foaf%3ADocument%20%3B%20dct%3Atitle%20%3Ft%7D">documents (SPARQL)</a></p>
<script>
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
document.getElementById('f').onsubmit = async ev => {
  ev.preventDefault();
  const r = await fetch('/ask?q=' + encodeURIComponent(document.getElementById('q').value));
  const j = await r.json();
  let h = '<h2>' + esc(j.answer) + '</h2>';
  for (const c of j.citations || []) h += '<div class=cit><b>' + esc(c.document) + '</b> lines ' + c.lines.join('–') + '<pre>' + esc(c.text) + '</pre></div>';
  if (j.sparql) h += '<h3>SPARQL</h3><pre>' + esc(j.sparql) + '</pre>';
  document.getElementById('out').innerHTML = h;
};
</script>"""
