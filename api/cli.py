"""The `councilkg` command line: ingest, sparql, queries, ask, search, serve, validate, stats, export.

Arguments are checked before anything heavy loads. While `councilkg serve` holds the
store, the reading commands and `ingest` go through that server (`api.served`).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from api.trace_cli import register as register_trace
from kg.errors import CouncilKGError

if TYPE_CHECKING:
    from api.served import Served
    from kg.engine import Engine

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="A knowledge graph of council plans and committee papers, with plain-English questions.",
)
out = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays on one line
DataOpt = typer.Option(None, "--data", help="data directory (default ./.councilkg or $COUNCILKG_DATA)")
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
}
FormatOpt = typer.Option("table", "--format", help="table | json | csv | tsv | xml")
SEARCH_MODES = ("hybrid", "bm25", "dense")


@contextmanager
def _errors(code: int = 1) -> Iterator[None]:
    """Errors of ours become one line on stderr and exit status `code`."""
    try:
        yield
    except CouncilKGError as e:
        err.print(f"[red]error:[/] {e}", highlight=False)
        raise typer.Exit(code) from None


def _engine(data: Path | None) -> Engine:
    """The engine over the data directory (no models load until a question needs them)."""
    from kg.engine import Engine

    with _errors(2):
        return Engine.open(data)


def _reader(data: Path | None, doing: str = "asking it", **settings: object) -> Engine | Served:
    """The engine (with `settings` over the defaults); or, while `councilkg serve` holds the store, that server."""
    from kg.engine import Engine
    from kg.errors import StoreBusyError

    with _errors(2):
        try:
            return Engine.open(data, **settings)
        except StoreBusyError:
            served = _server(data)
            if served is None:
                raise
    err.print(f"the store is held by the server at {served.url}: {doing}")
    return served


def _server(data: Path | None) -> Served | None:
    from api.served import Served
    from kg.settings import Settings

    return Served.find(Settings.load(data=data).data)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="files or directories"),
    data: Path | None = DataOpt,
    force: bool = typer.Option(False, help="rebuild documents even when unchanged"),
    workers: int | None = typer.Option(
        None, min=0, help="processes reading and extracting files (default: the core count; 1: this process)"
    ),
    executor: str | None = typer.Option(None, help="where files are read and extracted: local or ray"),
) -> None:
    """Read, segment, extract and store documents; then index their passages.

    When `councilkg serve` holds the data directory, the files are ingested through it (with its settings)."""
    from api.served import Served

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]error:[/] no such file or directory: {', '.join(missing)}", highlight=False)
        raise typer.Exit(2)
    if executor not in (None, "local", "ray"):
        err.print(f"[red]error:[/] --executor must be local or ray, not {executor!r}", highlight=False)
        raise typer.Exit(2)
    target = _reader(data, doing="ingesting through it", workers=workers, executor=executor)
    if isinstance(target, Served):
        with _errors():
            report = target.ingest(paths, force)
    else:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("ingest", total=None)
            report = target.ingest(paths, progress=lambda s: bar.update(task, description=s), force=force)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}")
    table = Table("document", "type", "status", "passages", "triples", title="ingest")
    for d in report.documents:
        status = f"[red]error[/]: {d.message}" if d.status == "error" else d.status
        table.add_row(d.title or d.source, d.doc_type, status, str(d.passages or ""), str(d.triples or ""))
    out.print(table)
    if report.errors:
        raise typer.Exit(1)


@app.command()
def sparql(
    query: str = typer.Argument(..., help="a SPARQL query, or @file.rq"),
    fmt: str = FormatOpt,
    data: Path | None = DataOpt,
) -> None:
    """Run a read-only SPARQL query over all documents (common prefixes are predeclared)."""
    with _errors(2):
        text = _query_text(query)
        _check_format(fmt)
    reader = _reader(data)
    with _errors():
        _show(reader.sparql(text), fmt)


def _query_text(query: str) -> str:
    """The query itself, or the text of the file named by `@file.rq`."""
    if not query.startswith("@"):
        return query
    try:
        return Path(query[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CouncilKGError(f"cannot read the query file {query[1:]!r}: {getattr(e, 'strerror', None) or e}") from None


def _check_format(fmt: str) -> None:
    if fmt != "table" and fmt not in RESULT_MEDIA:
        raise CouncilKGError(f"unknown format {fmt!r}: use table, {', '.join(RESULT_MEDIA)}")


def _show(result, fmt: str) -> None:
    """A query result as a table on the terminal, or in a SPARQL results format on stdout."""
    from api.results import rows, serialize

    if fmt != "table":
        sys.stdout.write(serialize(result, RESULT_MEDIA[fmt])[0].decode("utf-8") + "\n")
        return
    names, body = rows(result)
    table = Table(*names)
    for r in body:
        table.add_row(*r)
    out.print(table)


@app.command()
def ask(
    question: str,
    k: int = typer.Option(5, min=1, max=50, help="citations to show"),
    data: Path | None = DataOpt,
    as_json: bool = typer.Option(False, "--json", help="print the HTTP /ask JSON"),
) -> None:
    """Answer a question: the short answer, its sources with line numbers, and the query."""
    if not question.strip():
        err.print('[red]error:[/] give a question, e.g. councilkg ask "Who chairs the committee?"')
        raise typer.Exit(2)
    reader = _reader(data)
    with _errors():
        res = reader.ask(question, k=k)
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
def queries(
    name: str | None = typer.Argument(None, help="a saved query to run: its file name, .rq optional"),
    bind: list[str] | None = typer.Option(
        None, "--bind", "-b", help="VAR=VALUE for one of its parameters (repeatable)"
    ),
    fmt: str = FormatOpt,
    data: Path | None = DataOpt,
) -> None:
    """List the saved queries of kg/queries/, or run one: `queries red-indicators --bind doc=https://…`."""
    from kg.saved import QUERY_DIR, load_queries, saved_query

    if name is None:
        if bind:
            err.print("[red]error:[/] --bind needs the name of the query to run")
            raise typer.Exit(2)
        table = Table("name", "title", "parameters", title=str(QUERY_DIR))
        for q in load_queries():
            table.add_row(q.name, q.title, q.parameters)
        out.print(table)
        return
    with _errors(2):
        chosen = saved_query(name.removesuffix(".rq"))
        bindings = chosen.bindings(_pairs(bind or []))
        _check_format(fmt)
    reader = _reader(data)
    with _errors():
        _show(reader.sparql(chosen.text, bindings), fmt)


def _pairs(binds: list[str]) -> dict[str, str]:
    """`VAR=VALUE` options as a dict (a leading ? or $ on VAR is dropped)."""
    pairs = {}
    for b in binds:
        var, eq, value = b.partition("=")
        if not eq or not var.strip("?$ "):
            raise CouncilKGError(f"--bind {b!r}: write VAR=VALUE, e.g. --bind period=2020/21")
        pairs[var.strip().lstrip("?$")] = value
    return pairs


@app.command()
def search(
    query: str,
    k: int = typer.Option(10, min=1, max=100),
    mode: str = typer.Option("hybrid", help="hybrid | bm25 | dense"),
    data: Path | None = DataOpt,
) -> None:
    """Ranked passages for a query."""
    if mode not in SEARCH_MODES:
        err.print(f"[red]error:[/] unknown mode {mode!r}: use {', '.join(SEARCH_MODES)}", highlight=False)
        raise typer.Exit(2)
    reader = _reader(data)
    with _errors():
        if hasattr(reader, "citations"):
            hits = reader.citations(query, k=k, mode=mode)
        else:
            hits = [reader.citation(e, score) for e, score in reader.search(query, k=k, mode=mode)]
    for c in hits:
        out.print(
            f"[cyan]{c['score']:.4f}[/] {c['document']} ({c['source']} {c['lines'][0]}–{c['lines'][1]})\n"
            f"   {c['text'][:300]}",
            highlight=False,
        )


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, data: Path | None = DataOpt) -> None:
    """Serve the HTTP API and the question page."""
    from api.app import serve_app
    from api.served import SERVER_FILE

    engine = _engine(data)
    lock = engine.data / SERVER_FILE
    lock.write_text(json.dumps({"pid": os.getpid(), "url": f"http://{host}:{port}"}), encoding="utf-8")
    err.print(f"councilkg serving {engine.data} at [bold]http://{host}:{port}/[/] (API docs at /docs)")
    # uvicorn shuts down gracefully on SIGTERM, then raises it again: exit through `finally`
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve_app(engine, host, port)
    finally:
        lock.unlink(missing_ok=True)


@app.command()
def validate(data: Path | None = DataOpt) -> None:
    """Check the whole graph against the SHACL shapes, and that the store, the passage index and the
    ingest manifest agree with no ingest left unfinished; exit status 1 on any violation or disagreement."""
    from kg.validate import check_consistency

    reader = _reader(data)
    with _errors():
        conforms, n, text = reader.validate()
        problems = check_consistency(reader.store, reader.data)
    if conforms:
        out.print("[green]0 SHACL violations[/]")
    else:
        out.print(text, highlight=False)
        out.print(f"[red]{n} SHACL violation(s)[/]")
    for p in problems:
        out.print(f"[red]inconsistent:[/] {p}", highlight=False, soft_wrap=True)
    if not problems:
        out.print("[green]store, index and manifest agree[/]")
    if problems or not conforms:
        raise typer.Exit(1)


@app.command()
def stats(data: Path | None = DataOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts per document and per class."""
    reader = _reader(data)
    with _errors():
        s = reader.stats()
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
def export(
    fmt: str = typer.Option("nq", "--format", help="nq | trig | ttl | jsonld"), data: Path | None = DataOpt
) -> None:
    """Write the whole store to stdout: each document's graph for nq and trig, each fact once for ttl and jsonld."""
    import pyoxigraph as ox

    formats = {
        "nq": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG,
        "ttl": ox.RdfFormat.TURTLE,
        "jsonld": ox.RdfFormat.JSON_LD,
    }
    if fmt not in formats:
        err.print(f"[red]error:[/] unknown format {fmt!r}: use {', '.join(formats)}")
        raise typer.Exit(2)
    reader = _reader(data)
    with _errors():
        if fmt in ("nq", "trig"):
            body = reader.store.dump(formats[fmt])
        else:
            body = reader.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize(format=formats[fmt])
    sys.stdout.buffer.write(body)


register_trace(app, lambda data: _reader(data), _errors)  # trace, diff (api/trace_cli.py); _reader looked up when run


def main() -> None:
    app()


if __name__ == "__main__":
    main()
