"""`councilkg trace` and `councilkg diff`: a measure or priority across years, and what changed between documents.

Registered into the main app by `api.cli` (`register(app, reader, errors)`), so these commands
open the data the same way as the others (directly, or through a running server).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import CouncilKGError

out = Console()
FORMATS = ("table", "csv", "json")
DATA = typer.Option(None, "--data", help="data directory (default ./.councilkg or $COUNCILKG_DATA)")
SERIES_COLUMNS = (
    "period",
    "kind",
    "text",
    "value",
    "unit",
    "area",
    "qualifier",
    "disagrees",
    "title",
    "issued",
    "source",
    "line",
    "label",
    "measure",
    "observation",
)


def register(app: typer.Typer, reader: Callable, errors: Callable) -> None:
    """Add `trace` and `diff` to `app`; `reader(data)` opens the engine (or server), `errors()` turns
    our errors into a one-line message and an exit status."""

    @app.command()
    def trace(
        term: str = typer.Argument("", help="a measure label, an indicator or measure IRI, or a priority"),
        fmt: str = typer.Option("table", "--format", help="table | csv | json"),
        candidates: bool = typer.Option(
            False,
            "--candidates",
            help="list near misses: measures scored close to the term's (or to any) but not linked",
        ),
        data: Path | None = DATA,
    ) -> None:
        """A measure (its indicator) or a priority across documents and years: every outturn and target with its source."""
        from kg.trace import candidates as near_misses
        from kg.trace import trace_term

        _check(fmt)
        with errors():
            if not term and not candidates:
                raise CouncilKGError("give a term to trace, or --candidates")
            store = reader(data).store
            if candidates:
                _show_candidates(near_misses(store, term), fmt)
                return
            _show_trace(trace_term(store, term), fmt)

    @app.command()
    def diff(
        doc_a: str = typer.Argument(..., help="the earlier document: IRI, file name, or title words and a date"),
        doc_b: str = typer.Argument(..., help="the later document, named the same ways"),
        fmt: str = typer.Option("table", "--format", help="table | json"),
        data: Path | None = DATA,
    ) -> None:
        """What changed between two documents: measures, values and targets, delivery outcomes, lead members."""
        from kg.diff import diff as compare
        from kg.diff import resolve_document

        if fmt not in ("table", "json"):
            raise typer.BadParameter(f"unknown format {fmt!r}: use table or json", param_hint="--format")
        with errors():
            store = reader(data).store
            d = compare(store, resolve_document(store, doc_a), resolve_document(store, doc_b))
        if fmt == "json":
            sys.stdout.write(json.dumps(d.as_dict(), indent=2, ensure_ascii=False) + "\n")
            return
        _show_diff(d)


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}: use {', '.join(FORMATS)}", param_hint="--format")


# -- trace ---------------------------------------------------------------------------------------
def _show_trace(found: dict, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(found, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    if found["kind"] == "priority":
        _show_priority(found, fmt)
        return
    s = found["series"]
    if fmt == "csv":
        _write_csv(SERIES_COLUMNS, s["points"])
        return
    out.print(f"[bold]{s['label']}[/]  {s['sparkline']}", highlight=False)
    notes = [f"indicator {s['indicator']}", f"{len(s['measures'])} measure(s)"]
    if s["polarity"]:
        notes.append(s["polarity_text"])
    if s["definition_changed"]:
        notes.append("wording changed")
    if s["unit_changed"]:
        notes.append("unit changed")
    out.print(" · ".join(notes), highlight=False)
    table = Table("period", "kind", "value", "unit", "document", "line", "")
    for p in s["points"]:
        table.add_row(
            p["period"],
            p["kind"],
            p["text"],
            p["unit"],
            f"{p['title']} ({p['issued']})",
            str(p["line"] or ""),
            "[yellow]differs[/]" if p["disagrees"] else "",
        )
    out.print(table)
    for a in s["attainment"]:
        out.print(f"{a['period']} target: {a['rule']}", highlight=False)
    _show_alternatives(found)


def _show_priority(found: dict, fmt: str) -> None:
    rows = [
        {
            "year": s["year"],
            "label": s["label"],
            "relation": s["relation"],
            "documents": "; ".join(d["title"] for d in s["documents"]),
            "outcomes": "; ".join(f"{o['number']} ({o['title']})" for o in s["outcomes"]),
            "measures": len(s["measures"]),
            "concept": s["concept"],
        }
        for s in found["lineage"]
    ]
    if fmt == "csv":
        _write_csv(("year", "label", "relation", "documents", "outcomes", "measures", "concept"), rows)
        return
    out.print(f"[bold]{found['match']['label']}[/] (priority outcome) across the council's schemes", highlight=False)
    table = Table("year", "priority", "to the year before", "stated in", "delivery outcomes", "measures")
    for r in rows:
        table.add_row(r["year"][:4], r["label"], r["relation"], r["documents"], r["outcomes"], str(r["measures"]))
    out.print(table)
    _show_alternatives(found)


def _show_alternatives(found: dict) -> None:
    if found.get("alternatives"):
        out.print(
            "also matching: " + "; ".join(f"{m['label']} <{m['iri']}>" for m in found["alternatives"][:4]),
            highlight=False,
        )


def _show_candidates(rows: list[dict], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    columns = (
        "score",
        "reason",
        "earlier",
        "earlier_document",
        "later",
        "later_document",
        "earlier_measure",
        "later_measure",
    )
    if fmt == "csv":
        _write_csv(columns, rows)
        return
    table = Table("score", "earlier measure", "later measure", "not linked because", title="near misses")
    for r in rows:
        table.add_row(
            f"{r['score']:.3f}",
            f"{r['earlier']} ({r['earlier_document']})",
            f"{r['later']} ({r['later_document']})",
            r["reason"],
        )
    out.print(table)


def _write_csv(columns: tuple[str, ...], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    sys.stdout.write(buf.getvalue())


# -- diff ----------------------------------------------------------------------------------------
def _show_diff(d) -> None:
    out.print(f"[bold]{d.a.name()}[/] → [bold]{d.b.name()}[/]", highlight=False)
    if d.empty():
        out.print("no differences found")
        return
    for title, rows in (("measures added", d.measures_added), ("measures removed", d.measures_removed)):
        if rows:
            table = Table("measure", "line", title=title)
            for r in rows:
                table.add_row(r["label"], str(r["line"] or ""))
            out.print(table)
    _pairs("measures reworded", d.measures_reworded, lambda r: ("", r["old"], r["new"]))
    _pairs("values and targets changed", d.values_changed, lambda r: (_what(r), r["old"], r["new"]))
    _pairs("values and targets added", d.values_added, lambda r: (_what(r), "", r["new"]))
    _pairs("values and targets removed", d.values_removed, lambda r: (_what(r), r["old"], ""))
    _pairs(
        "delivery outcomes renumbered",
        d.outcomes_renumbered,
        lambda r: (r["new"]["text"], str(r["old"]["number"]), str(r["new"]["number"])),
        lines=("old", "new"),
    )
    _pairs(
        "delivery outcomes reworded",
        d.outcomes_reworded,
        lambda r: (str(r["new"]["number"]), r["old"]["text"], r["new"]["text"]),
        lines=("old", "new"),
    )
    for title, rows in (
        ("delivery outcomes added", d.outcomes_added),
        ("delivery outcomes removed", d.outcomes_removed),
    ):
        if rows:
            table = Table("number", "outcome", "line", title=title)
            for r in rows:
                table.add_row(str(r["number"]), r["text"], str(r["line"] or ""))
            out.print(table)
    _pairs("lead members changed", d.lead_members_changed, lambda r: (r["what"], r["old"], r["new"]))
    for title, rows in (("other items added", d.items_added), ("other items removed", d.items_removed)):
        if rows:
            table = Table("kind", "item", "line", title=title)
            for r in rows:
                table.add_row(r["kind"], r["label"], str(r["line"] or ""))
            out.print(table)


def _what(r: dict) -> str:
    area = f", {r['area']}" if r["area"] and r["area"] != "AreaCouncil" else ""
    return f"{r['label']} — {r['period']} {r['kind']}{area}"


def _pairs(title: str, rows: list[dict], cells: Callable, lines: tuple[str, str] | None = None) -> None:
    if not rows:
        return
    table = Table("what", "old", "new", "old line", "new line", title=title)
    for r in rows:
        old_line = r[lines[0]]["line"] if lines else r.get("old_line")
        new_line = r[lines[1]]["line"] if lines else r.get("new_line")
        table.add_row(*cells(r), str(old_line or ""), str(new_line or ""))
    out.print(table)
