"""What the store and the passage index hold (the manifest), and what an ingest was doing (the journal).

An ingest writes `<data>/journal.json` before its first store write and removes it once the
index is saved and the manifest committed, so a run killed in between leaves it behind.
The next ingest finishes the job: files the journal names are prepared and written again
whole, as the interrupted run would have written them, and those now gone lose their graphs
(phase "store"); or the manifest they made is committed (phase "index"); either way the
derived graphs and the index are then rebuilt. "Unchanged" is said only with no journal pending.

The manifest (`<data>/manifest.json`) records, per source file (its absolute path), the
sha256 of its bytes, the pipeline version and the documents it made, so a file whose bytes
have not changed is skipped before it is read, segmented or extracted; and the number of
passages the index was built with.

Test hook: with `COUNCILKG_PAUSE_AT=<point>` set, an ingest stops at that point, says so
on stderr ("councilkg: paused at <point>") and waits to be killed. The points, in order:
`journal` (journal written, nothing stored), `write:N` (before the N-th graph write or
removal, from 1), `index` (store complete, index not yet built), `commit` (index saved,
manifest and journal not yet).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

JOURNAL_FILE = "journal.json"
MANIFEST_FILE = "manifest.json"
PAUSE_ENV = "COUNCILKG_PAUSE_AT"


def write_json(path: Path, value: object) -> None:
    """Write `value` to `path` atomically and durably: a crash leaves the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=0)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class Manifest:
    """Per source file: {"sha256", "pipeline", "docs": [{"iri", "key", "title", "doc_type", "sha256", "parts",
    "passages", "part_of"}]}; and `index_passages`, the passages the saved index holds."""

    def __init__(self, data: Path, files: dict[str, dict] | None = None, index_passages: int | None = None):
        self.path = Path(data) / MANIFEST_FILE
        self.files, self.index_passages = files or {}, index_passages
        self.dirty = False

    @classmethod
    def load(cls, data: Path) -> Manifest:
        saved = _read_json(Path(data) / MANIFEST_FILE) or {}
        return cls(data, saved.get("files") or {}, saved.get("index_passages"))

    def content(self) -> dict:
        return {"files": self.files, "index_passages": self.index_passages}

    def set(self, source: str, entry: dict) -> None:
        self.files[source] = entry
        self.dirty = True

    def drop(self, source: str) -> None:
        if self.files.pop(source, None) is not None:
            self.dirty = True

    def save(self) -> None:
        write_json(self.path, self.content())
        self.dirty = False


class Journal:
    """The one ingest in progress: {"phase": "store" | "index", "sources": [...], "manifest": {...}}."""

    def __init__(self, data: Path):
        self.path = Path(data) / JOURNAL_FILE

    def pending(self) -> dict | None:
        """What an interrupted ingest left to do, or None."""
        found = _read_json(self.path)
        if self.path.exists() and found is None:  # unreadable: redo every file it could have named
            return {"phase": "store", "sources": []}
        return found

    def begin(self, sources: list[str]) -> None:
        """About to write the graphs of `sources` (absolute paths)."""
        write_json(self.path, {"phase": "store", "sources": sorted(sources)})

    def indexing(self, sources: list[str], manifest: Manifest) -> None:
        """The store is complete: what remains is the index, then committing `manifest`."""
        write_json(self.path, {"phase": "index", "sources": sorted(sources), "manifest": manifest.content()})

    def end(self) -> None:
        self.path.unlink(missing_ok=True)


def pause_at(point: str) -> None:
    """The test hook (see the module docstring): wait here to be killed when COUNCILKG_PAUSE_AT names `point`."""
    if os.environ.get(PAUSE_ENV) == point:
        sys.stderr.write(f"councilkg: paused at {point}\n")
        sys.stderr.flush()
        time.sleep(3600)
