"""Extractors: one module per document kind, discovered automatically.

A module in this package takes part by defining either or both of:

- ``APPLIES_TO: set[str]`` and ``extract(doc: Document) -> list[object]``: typed records
  (frozen dataclasses) for documents whose ``doc_type`` is in APPLIES_TO; a module that sets
  ``USES_NER = True`` is passed the spaCy pipeline as ``extract(doc, nlp=...)``;
- ``split_parts(doc: Document) -> list[Document]``: the documents bound inside ``doc``
  (each with ``part_of=doc.key``), e.g. the minutes and reports of an agenda pack.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from nlp.model import Document

if TYPE_CHECKING:  # spaCy loads only when a document is extracted
    from spacy.language import Language


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


def extract(doc: Document, nlp: Language | None = None) -> list[object]:
    """All records every applicable extractor finds in `doc`; `nlp` is the NER pipeline (`nlp.ner.load_pipeline`),
    loaded here when not given."""
    records: list[object] = []
    for mod in _modules():
        if doc.doc_type not in getattr(mod, "APPLIES_TO", ()):
            continue
        if getattr(mod, "USES_NER", False):
            from nlp.ner import load_pipeline

            nlp = nlp or load_pipeline()
            records.extend(mod.extract(doc, nlp=nlp))
        else:
            records.extend(mod.extract(doc))
    return records
