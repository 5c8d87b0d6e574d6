"""Extractors: one module per document kind, discovered automatically.

A module in this package takes part by defining either or both of:

- ``APPLIES_TO: set[str]`` and ``extract(doc: Document) -> list[object]``: typed records
  (frozen dataclasses) for documents whose ``doc_type`` is in APPLIES_TO;
- ``split_parts(doc: Document) -> list[Document]``: the documents bound inside ``doc``
  (each with ``part_of=doc.key``), e.g. the minutes and reports of an agenda pack.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from nlp.model import Document


@cache
def _modules() -> tuple[ModuleType, ...]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return tuple(importlib.import_module(f"{__name__}.{n}") for n in names)


def split_parts(doc: Document) -> list[Document]:
    """Documents bound inside `doc` (empty for most documents)."""
    parts: list[Document] = []
    for mod in _modules():
        if hasattr(mod, "split_parts"):
            parts.extend(mod.split_parts(doc))
    return parts


def extract(doc: Document) -> list[object]:
    """All records every applicable extractor finds in `doc`."""
    records: list[object] = []
    for mod in _modules():
        if doc.doc_type in getattr(mod, "APPLIES_TO", ()):
            records.extend(mod.extract(doc))
    return records
