"""Rules of the table interpreter (`nlp/data/tables.json`), compiled, and lookups by rule name.

Header words, value kinds, column roles, units, areas and statuses are data: each
entry is a regex (compiled case-insensitively) or a list of (name, regex) pairs.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path


@cache
def rules() -> dict:
    """The rule data, with every regex compiled case-insensitively."""
    raw = json.loads((Path(__file__).parent / "data" / "tables.json").read_text(encoding="utf-8"))
    rx = {}
    for key, val in raw.items():
        if isinstance(val, str) and key != "_comment":
            rx[key] = re.compile(val, re.I)
        elif isinstance(val, list):
            rx[key] = [(name, re.compile(pat, re.I)) for name, pat in val]
        else:
            rx[key] = val
    return rx


def first_match(text: str, table: str) -> str | None:
    """Name of the first rule in `rules()[table]` whose regex occurs in `text`."""
    return next((name for name, rx in rules()[table] if rx.search(text)), None)


def first_match_start(text: str, table: str) -> str | None:
    """Name of the first rule in `rules()[table]` matching at the start of `text`."""
    return next((name for name, rx in rules()[table] if rx.match(text)), None)
