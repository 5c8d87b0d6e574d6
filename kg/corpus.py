"""The corpus boundary: which files a request may have the server read.

The roots are the paths given to `councilkg ingest` (and to `Engine.ingest`), remembered in
`<data>/corpus.json` by the process that ingests them, never by a request, plus the
`corpus_roots` setting. A file may be read over HTTP only when its real path, every
symlink resolved, lies inside a root, and its name ends in a document type.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from kg.errors import CouncilKGError
from kg.journal import write_json
from nlp.formats import SUFFIXES
from nlp.read import iter_files

ROOTS_FILE = "corpus.json"
DOCUMENT_SUFFIXES = frozenset(SUFFIXES - {""})


class OutsideCorpus(CouncilKGError):
    """A path outside every corpus root, or not a document."""


def _real(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


def inside(path: Path, roots: Iterable[Path]) -> bool:
    """True when `path`, symlinks resolved, is one of `roots` or lies under one."""
    real = _real(path)
    return any(real == root or root in real.parents for root in roots)


def is_document(path: Path) -> bool:
    """The file's name and, through any symlink, its target's name end in a document type."""
    return {path.suffix.lower(), _real(path).suffix.lower()} <= DOCUMENT_SUFFIXES


def corpus_roots(data: Path, setting: str = "") -> list[Path]:
    """The remembered roots and those of the `corpus_roots` setting, resolved."""
    try:
        remembered = json.loads((data / ROOTS_FILE).read_text(encoding="utf-8"))["roots"]
    except (OSError, ValueError, KeyError, TypeError):
        remembered = []
    named = [p for p in setting.split(os.pathsep) if p.strip()]
    return [_real(p) for p in [*remembered, *named]]


def remember_roots(data: Path, paths: Iterable[str | Path]) -> None:
    """Add the ingested `paths` to the roots (a path already inside one adds nothing)."""
    roots = corpus_roots(data)
    before = len(roots)
    for p in map(Path, paths):
        if p.exists() and not inside(p, roots):
            roots.append(_real(p))
    if len(roots) == before:
        return
    write_json(data / ROOTS_FILE, {"roots": sorted(map(str, roots))})


def admitted(paths: list[str], roots: list[Path]) -> tuple[list[Path], list[str]]:
    """The document files named by `paths` (directories expanded) that may be read, and a note for each file
    under a named directory that may not. A named path outside the roots or not a document raises OutsideCorpus."""
    if not roots:
        raise OutsideCorpus(
            "no corpus roots are configured: ingest from the command line first, "
            "or set corpus_roots (COUNCILKG_CORPUS_ROOTS)"
        )
    files: list[Path] = []
    notes: list[str] = []
    for name in paths:
        path = Path(name)
        if not path.is_absolute():
            raise OutsideCorpus(f"{name}: give an absolute path")
        if not inside(path, roots):
            raise OutsideCorpus(f"{name} is outside the corpus roots ({', '.join(map(str, roots))})")
        if not path.exists():
            raise OutsideCorpus(f"{name}: no such file or directory")
        if not path.is_dir():
            if not is_document(path):
                raise OutsideCorpus(
                    f"{name}: not a document type; /ingest reads {', '.join(sorted(DOCUMENT_SUFFIXES))}"
                )
            files.append(path)
            continue
        for f in iter_files([path]):
            if not inside(f, roots):
                notes.append(f"{f}: skipped, a link to a file outside the corpus roots")
            elif not is_document(f):
                notes.append(f"{f}: skipped, not a document type ({', '.join(sorted(DOCUMENT_SUFFIXES))})")
            else:
                files.append(f)
    return files, notes
