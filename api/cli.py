"""The `councilkg` command line: ingest, sparql, ask, search, serve, validate, stats, export."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import CouncilKGError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="A knowledge graph of council plans and committee papers, with plain-English questions.")
out = Console()
err = Console(stderr=True)
DataOpt = typer.Option(None, "--data", help="data directory (default ./.councilkg or $COUNCILKG_DATA)")


def _engine(data: Optional[Path]):
    from kg.engine import Engine
    try:
        return Engine.open(data)
    except CouncilKGError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(2)


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="files or directories"), data: Optional[Path] = DataOpt,
           force: bool = typer.Option(False, help="rebuild documents even when unchanged")) -> None:
    """Read, segment, extract and store documents; then index their passages.

    When `councilkg serve` holds the data directory, the files are ingested through it."""
    from kg.engine import Engine
    from kg.errors import StoreBusyError
    from kg.ingest import DocReport, IngestReport
    try:
        engine = Engine.open(data)
    except StoreBusyError as e:
        sent = _ingest_through_server(data, paths, force)
        if sent is None:
            err.print(f"[red]error:[/] {e}")
            raise typer.Exit(2)
        report = IngestReport([DocReport(**d) for d in sent["documents"]], sent["warnings"])
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("ingest", total=None)
            report = engine.ingest(paths, progress=lambda s: bar.update(task, description=s), force=force)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}")
    table = Table("document", "type", "status", "passages", "triples", title="ingest")
    for d in report.documents:
        status = f"[red]error[/]: {d.message}" if d.status == "error" else d.status
        table.add_row(d.title or d.source, d.doc_type, status, str(d.passages or ""), str(d.triples or ""))
    out.print(table)
    if report.errors:
        raise typer.Exit(1)


def _ingest_through_server(data: Optional[Path], paths: list[Path], force: bool) -> dict | None:
    """POST the paths to the running server named in <data>/server.json; None when there is none."""
    import urllib.request
    from kg.settings import Settings
    lock = Settings.load(data=data).data / "server.json"
    try:
        url = json.loads(lock.read_text(encoding="utf-8"))["url"]
        body = json.dumps({"paths": [str(p.resolve()) for p in paths], "force": force}).encode()
        req = urllib.request.Request(f"{url}/ingest", body, {"content-type": "application/json"})
        err.print(f"the store is held by the server at {url}: ingesting through it")
        with urllib.request.urlopen(req, timeout=3600) as r:
            return json.loads(r.read())
    except (OSError, ValueError, KeyError):
        return None


@app.command()
def sparql(query: str = typer.Argument(..., help="a SPARQL query, or @file.rq"),
           fmt: str = typer.Option("table", "--format", help="table | json | csv | tsv | xml"),
           data: Optional[Path] = DataOpt) -> None:
    """Run a read-only SPARQL query over all documents (common prefixes are predeclared)."""
    from api.results import rows, serialize
    text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
    engine = _engine(data)
    try:
        result = engine.sparql(text)
        if fmt == "table":
            names, body = rows(result)
            table = Table(*names)
            for r in body:
                table.add_row(*r)
            out.print(table)
            return
        media = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
                 "xml": "application/sparql-results+xml"}.get(fmt)
        if media is None:
            raise CouncilKGError(f"unknown format {fmt!r}: use table, json, csv, tsv or xml")
        sys.stdout.write(serialize(result, media)[0].decode("utf-8") + "\n")
    except CouncilKGError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(1)


@app.command()
def ask(question: str, k: int = typer.Option(5, help="citations to show"), data: Optional[Path] = DataOpt,
        as_json: bool = typer.Option(False, "--json", help="print the HTTP /ask JSON")) -> None:
    """Answer a question: the short answer, its sources with line numbers, and the query."""
    res = _engine(data).ask(question, k=k)
    if as_json:
        sys.stdout.write(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
        return
    out.print(f"[bold]{res['answer']}[/]\n")
    for i, c in enumerate(res["citations"], 1):
        out.print(f"[cyan]{i}. {c['document']}[/] ({c['source']} lines {c['lines'][0]}–{c['lines'][1]})")
        out.print(f"   {c['text'][:400]}", highlight=False)
    if res.get("sparql"):
        out.print("\n[bold]SPARQL[/]")
        out.print(res["sparql"], highlight=False)


@app.command()
def queries() -> None:
    """List the saved queries in kg/queries/ (run one with `sparql @kg/queries/NAME.rq`)."""
    from kg.saved import QUERY_DIR, load_queries
    table = Table("file", "title", "parameters", title=str(QUERY_DIR))
    for q in load_queries():
        table.add_row(f"{q.name}.rq", q.title, q.parameters)
    out.print(table)


@app.command()
def search(query: str, k: int = 10, mode: str = typer.Option("hybrid", help="hybrid | bm25 | dense"),
           data: Optional[Path] = DataOpt) -> None:
    """Ranked passages for a query."""
    engine = _engine(data)
    for e, score in engine.search(query, k=k, mode=mode):
        out.print(f"[cyan]{score:.4f}[/] {e.title} ({e.source} {e.line_start}–{e.line_end})\n   {e.text[:300]}",
                  highlight=False)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, data: Optional[Path] = DataOpt) -> None:
    """Serve the HTTP API and the question page."""
    import uvicorn
    from api.app import create_app
    engine = _engine(data)
    lock = engine.data / "server.json"
    lock.write_text(json.dumps({"pid": os.getpid(), "url": f"http://{host}:{port}"}), encoding="utf-8")
    err.print(f"councilkg serving {engine.data} at [bold]http://{host}:{port}/[/] (API docs at /docs)")
    try:
        uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")
    finally:
        lock.unlink(missing_ok=True)


@app.command()
def validate(data: Optional[Path] = DataOpt) -> None:
    """Check the whole graph against the SHACL shapes; exit status 1 on violations."""
    conforms, n, text = _engine(data).validate()
    if conforms:
        out.print("[green]0 SHACL violations[/]")
        return
    out.print(text, highlight=False)
    out.print(f"[red]{n} SHACL violation(s)[/]")
    raise typer.Exit(1)


@app.command()
def stats(data: Optional[Path] = DataOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts per document and per class."""
    s = _engine(data).stats()
    if as_json:
        sys.stdout.write(json.dumps(s, indent=2) + "\n")
        return
    docs = Table("document", "triples", title=f"{s['triples']} triples")
    for d in s["documents"]:
        docs.add_row(d["title"], str(d["triples"]))
    classes = Table("class", "instances")
    for c, n in s["classes"].items():
        classes.add_row(c, str(n))
    out.print(docs, classes)


@app.command()
def export(fmt: str = typer.Option("nq", "--format", help="nq | trig | ttl | jsonld"), data: Optional[Path] = DataOpt) -> None:
    """Write the whole store to stdout (named graphs kept for nq and trig)."""
    import pyoxigraph as ox
    formats = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TURTLE,
               "jsonld": ox.RdfFormat.JSON_LD}
    if fmt not in formats:
        err.print(f"[red]error:[/] unknown format {fmt!r}: use {', '.join(formats)}")
        raise typer.Exit(1)
    engine = _engine(data)
    if fmt in ("nq", "trig"):
        body = engine.store.dump(formats[fmt])
    else:
        body = engine.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize(format=formats[fmt])
    sys.stdout.buffer.write(body)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
