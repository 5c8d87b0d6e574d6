"""The HTTP API: /ask, /search, /sparql (SPARQL 1.1 Protocol, read-only, bounded), /ingest; the pages come from `api.pages`.

Handlers validate, make one engine call, and shape the response; errors from the
engine become HTTP statuses here and nowhere else. What every request must satisfy
first (host, body size, token) is `api.guard`; outside SPARQL runs in `kg.query_pool`.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import asdict
from functools import partial
from urllib.parse import parse_qs

import anyio.to_thread
import pyoxigraph as ox
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from threadpoolctl import threadpool_limits

from api import guard, pages, trace_pages
from api.results import GRAPH_FORMATS, SOLUTION_FORMATS, negotiate
from kg.corpus import OutsideCorpus, admitted, corpus_roots
from kg.engine import Engine
from kg.errors import CouncilKGError, QueryError
from kg.query_pool import InProcessQueries, QueriesBusy, QueryPool
from kg.query_worker import Budget, QueryLimitError
from kg.settings import Settings
from kg.sparql_guard import check_outside
from kg.vocab import PREFIXES

LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}
MAX_QUESTION = 2000
SNAPSHOTS = "query-snapshots"


def create_app(engine: Engine, host: str | None = None) -> FastAPI:
    """The app around one engine (models are loaded once, at start-up). `host` is the address served
    (`councilkg serve --host`): the Host header is then checked against it (`api.guard.served_hosts`)."""
    settings = engine.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine.warm()
        # a few threads answer at a time: more only share the same cores and each keeps its own memory;
        # so each matrix product runs on one core (BLAS threads of concurrent requests only contend:
        # the load test's /ask p95 2.4 s with them, 1.2 s without)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.http_threads
        threadpool_limits(1, user_api="blas")
        app.state.token = guard.issue_token(engine.data)
        _queries(app)  # the query pool's snapshot is taken now, not while the first query waits
        try:
            yield
        finally:
            guard.withdraw_token(engine.data, app.state.token)
            if engine.outside == outside:
                engine.outside = None
            if app.state.queries is not None:
                app.state.queries.close()
                app.state.queries = None

    app = FastAPI(
        title="councilkg",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Knowledge graph and plain-English questions over council plans and committee papers.",
    )
    app.state.engine, app.state.token, app.state.queries = engine, None, None
    engine.outside = outside = partial(_outside, app)  # the workbench page's queries run in the same worker pool
    app.add_middleware(
        guard.RequestGuard,
        hosts=guard.served_hosts(host, settings.allowed_hosts),
        max_body=settings.max_body_kb * 1024,
        body_seconds=settings.request_timeout,
        base=settings.base,
    )

    @app.exception_handler(QueriesBusy)
    async def busy(_: Request, e: QueriesBusy):
        return JSONResponse({"error": str(e)}, status_code=429, headers={"retry-after": "1"})

    @app.exception_handler(QueryLimitError)
    async def over_limit(_: Request, e: QueryLimitError):
        return JSONResponse({"error": str(e), "limit": e.limit}, status_code=503 if e.limit == "time" else 422)

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
    def search(
        q: str = Query(""),
        k: int = Query(10, ge=1, le=100),
        mode: str = Query("hybrid", pattern="^(hybrid|bm25|dense)$"),
    ) -> dict:
        """Ranked passages for a query."""
        hits = engine.search(q[:MAX_QUESTION], k=k, mode=mode)
        return {"query": q[:MAX_QUESTION], "results": [engine.citation(e, s) for e, s in hits]}

    async def sparql(request: Request) -> Response:
        """SPARQL 1.1 Protocol, queries only (updates are refused with 400). Each query runs in a worker
        process stopped at `query_timeout`; results are capped at `query_rows` and `query_result_mb`
        (429 when `query_concurrency` queries already run)."""
        query = await _query_text(request)
        if query is None and request.method == "GET" and _wants_html(request):
            return pages.sparql_editor(request)
        if query is None:
            return JSONResponse({"error": "no query: give ?query=… or POST a SPARQL query"}, status_code=400)
        check_outside(query, settings)
        accept = request.headers.get("accept")
        solutions = negotiate(accept, SOLUTION_FORMATS, "application/sparql-results+json")
        graph = negotiate(accept, GRAPH_FORMATS, "text/turtle")
        got = await asyncio.to_thread(
            _queries(app).run,
            query,
            SOLUTION_FORMATS[solutions].media_type,
            GRAPH_FORMATS[graph].media_type,
            _budget(request, app),
        )
        return Response(got.body, media_type=graph if got.kind == "graph" else solutions)

    for method in ("GET", "POST"):  # one operation each, so the OpenAPI ids stay distinct
        app.add_api_route("/sparql", sparql, methods=[method], operation_id=f"sparql_{method.lower()}")

    @app.post("/ingest")
    def ingest(request: Request, body: dict) -> JSONResponse:
        """Ingest files on this machine into the running server's store: the owner's CLI only (loopback, with
        the request token), and only document files inside the corpus roots.

        `councilkg ingest` uses this when a server holds the store, so the server sees the
        new documents without a restart."""
        if request.client is None or request.client.host not in LOOPBACK:
            return JSONResponse({"error": "ingest is only accepted from this machine"}, status_code=403)
        if not _is_owner(request, app):
            return JSONResponse(
                {
                    "error": f"ingest needs the request token the server wrote to "
                    f"{engine.data / guard.TOKEN_FILE}: `councilkg ingest` sends it"
                },
                status_code=403,
            )
        paths = body.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return JSONResponse({"error": 'give {"paths": ["file or directory", …]}'}, status_code=400)
        try:
            files, notes = admitted(paths, corpus_roots(engine.data, settings.corpus_roots))
        except OutsideCorpus as e:
            return JSONResponse({"error": str(e)}, status_code=403)
        report = engine.ingest(files, force=bool(body.get("force")))
        if report.changed():
            _queries(app).refresh()
        return JSONResponse({"documents": [asdict(d) for d in report.documents], "warnings": notes + report.warnings})

    pages.install(app, engine)
    app.include_router(trace_pages.router)  # /trace and /diff
    return app


def serve_app(engine: Engine, host: str, port: int) -> None:
    """Run the app under uvicorn until SIGTERM or Ctrl-C; a connection that does not send its request
    within `request_timeout` is closed."""
    import uvicorn

    http = type("TimedH11", (guard.TimedH11Protocol,), {"header_seconds": engine.settings.request_timeout})
    uvicorn.run(create_app(engine, host=host), host=host, port=port, log_level="warning", http=http)


def _queries(app: FastAPI) -> QueryPool | InProcessQueries:
    """The app's query runner, started on first use: worker processes over snapshots of an on-disk Oxigraph
    store; threads for any other store."""
    if app.state.queries is None:
        engine, s = app.state.engine, app.state.engine.settings
        if engine.store.can_backup():
            app.state.queries = QueryPool(
                engine.store,
                engine.data / SNAPSHOTS,
                s.query_concurrency,
                s.query_memory_mb,
                {k: str(v) for k, v in PREFIXES.items()},
            )
        else:
            app.state.queries = InProcessQueries(engine.store.query, s.query_concurrency)
    return app.state.queries


def _outside(app: FastAPI, query: str):
    """A query from the workbench page, run like /sparql and read back into the pyoxigraph result it would be."""
    got = _queries(app).run(
        query, "application/sparql-results+json", "application/n-triples", _limits(app.state.engine.settings)
    )
    if got.kind != "graph":
        return ox.parse_query_results(got.body, format=ox.QueryResultsFormat.JSON)
    triples = ox.Store()
    triples.load(got.body, format=ox.RdfFormat.N_TRIPLES)
    return triples.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _is_owner(request: Request, app: FastAPI) -> bool:
    presented = guard.presented_token(dict(request.headers), dict(request.query_params))
    return guard.is_owner(presented, app.state.token)


def _budget(request: Request, app: FastAPI) -> Budget:
    """The owner's tools get the long timeout and no caps; everyone else the settings' limits."""
    s = app.state.engine.settings
    if _is_owner(request, app):
        return Budget(s.owner_query_timeout, None, None)
    return _limits(s)


def _limits(s: Settings) -> Budget:
    """What a query from anyone may use: the settings' time, rows and bytes."""
    return Budget(s.query_timeout, s.query_rows, s.query_result_mb * 1_000_000)


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


def _wants_html(request: Request) -> bool:
    """A browser asking for a page: text/html ranks before the SPARQL result types."""
    return negotiate(request.headers.get("accept"), {"text/html": None, **SOLUTION_FORMATS}, "") == "text/html"
