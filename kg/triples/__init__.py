"""Records -> triples. The only place in councilkg that makes triples.

`build()` writes the document node and its passages (`core`), then hands each record
to the builder registered for its type. A module in this package registers builders by
defining ``BUILDERS: dict[type, Callable[[DocGraph, record], None]]``; modules are
discovered automatically, so adding a document kind touches no shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from functools import cache


from kg.triples.core import DocGraph, document_triples, passage_triples
from kg.vocab import DEFAULT_BASE
from nlp.model import Document, Passage

Builder = Callable[[DocGraph, object], None]


@cache
def builders() -> dict[type, Builder]:
    table: dict[type, Builder] = {}
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if m.name == "core" or m.name.startswith("_"):
            continue
        table.update(getattr(importlib.import_module(f"{__name__}.{m.name}"), "BUILDERS", {}))
    return table


def build(
    doc: Document,
    passages: list[Passage],
    records: Iterable[object] = (),
    base: str = DEFAULT_BASE,
    names: dict[str, str] | None = None,
) -> DocGraph:
    """The named graph of one document. `names` maps raw person names to canonical ones."""
    dg = DocGraph(doc, passages, base=base, names=names)
    document_triples(dg)
    passage_triples(dg)
    table = builders()
    for rec in records:
        fn = table.get(type(rec))
        if fn is None:
            raise TypeError(f"no builder registered for record type {type(rec).__name__}")
        fn(dg, rec)
    return dg


__all__ = ["DocGraph", "build", "builders"]
