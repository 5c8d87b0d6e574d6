"""Sidecar metadata: `NAME.source.md` or `NAME.meta.md` beside `NAME.txt`.

A sidecar holds `- Council: …`, `- Kind: …`, `- Date: …`, `- Source URL: …` lines about
its document. It is not a document itself; its fields fill what the text leaves unsaid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".source.md", ".meta.md")
DOC_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm", "")
_FIELD = re.compile(r"^\s*(?:[-*•]\s*)?\**([A-Za-z][A-Za-z ()/]{0,60}?)\**\s*:\s*(.+?)\s*$")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Sidecar:
    """The fields of one sidecar; "" where it says nothing."""

    council: str = ""
    kind: str = ""
    date: str = ""
    title: str = ""
    url: str = ""


def _stem(path: Path) -> str | None:
    name = path.name
    return next((name[: -len(s)] for s in SUFFIXES if name.lower().endswith(s)), None)


def is_sidecar(path: Path) -> bool:
    """True for `NAME.source.md` / `NAME.meta.md` when a document `NAME.*` sits beside it."""
    stem = _stem(path)
    return stem is not None and any((path.parent / (stem + s)).is_file() for s in DOC_SUFFIXES if stem + s != path.name)


def sidecar_path(doc: Path) -> Path | None:
    """The sidecar of a document file, if there is one."""
    return next((p for p in (doc.parent / (doc.stem + s) for s in SUFFIXES) if p.is_file()), None)


def parse(text: str) -> Sidecar:
    """Fields of a sidecar's text: council, kind, date, title and the first source URL."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        m = _FIELD.match(line)
        if m:
            fields.setdefault(m.group(1).strip().lower(), m.group(2))
    urls = [
        _URL.search(v).group(0).rstrip(").,")
        for k, v in fields.items()
        if _URL.search(v) and re.search(r"url|source|original|link", k)
    ]
    return Sidecar(
        council=fields.get("council", ""),
        kind=fields.get("kind", fields.get("type", "")),
        date=fields.get("date", ""),
        title=fields.get("title", ""),
        url=urls[0] if urls else "",
    )


def load(doc: Path) -> Sidecar:
    """The sidecar of `doc`, or an empty one."""
    path = sidecar_path(doc)
    return parse(path.read_text(encoding="utf-8", errors="replace")) if path else Sidecar()
