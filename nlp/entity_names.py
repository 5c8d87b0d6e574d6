"""Canonical names of entities: the alias table and name data behind the NER rules.

Pattern files in `nlp/patterns/*.jsonl` hold one JSON object per line, dispatched by key:
``label`` lines are EntityRuler patterns (string patterns double as aliases: their ``id``
is the canonical name), ``lead_in`` / ``not_name_tail`` lines are filter words for
spans, ``relation`` lines are read by `nlp.extract.mentions`. Honorifics and other
words around people's names live in `nlp/data/people.json`, common given names in
`nlp/data/given_names.txt`. No spaCy here: lookups
work without loading a model.
"""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

PATTERN_DIR = Path(__file__).parent / "patterns"
PEOPLE_FILE = Path(__file__).parent / "data" / "people.json"
GIVEN_NAMES_FILE = Path(__file__).parent / "data" / "given_names.txt"
_SMALL_WORDS = {"and", "of", "for", "the", "in", "on", "to", "with", "a", "an", "by", "at", "or"}


@cache
def pattern_lines() -> tuple[dict, ...]:
    """Every JSON object in the pattern files, in file order."""
    rows: list[dict] = []
    for path in sorted(PATTERN_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return tuple(rows)


@cache
def people_data() -> dict:
    """Honorifics, post-nominals and bracketed roles (see `nlp/data/people.json`)."""
    return json.loads(PEOPLE_FILE.read_text(encoding="utf-8"))


@cache
def given_names() -> frozenset[str]:
    """Common given names ("Peter", "Mairead"): whitespace-separated, `#` starts a comment line."""
    lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


@cache
def aliases() -> dict[str, tuple[str, str]]:
    """Surface form -> (label, canonical name), from string patterns with an ``id``."""
    return {r["pattern"]: (r["label"], r.get("id", r["pattern"]))
            for r in pattern_lines() if "label" in r and isinstance(r["pattern"], str)}


@cache
def filter_words(kind: str) -> frozenset[str]:
    """Words of one filter kind ("lead_in", "not_name_tail") from the pattern files."""
    return frozenset(r[kind] for r in pattern_lines() if kind in r)


@cache
def head_words() -> dict[str, str]:
    """Lower-cased head word -> label, from the last token of the generic token patterns."""
    heads: dict[str, str] = {}
    for r in pattern_lines():
        if "label" in r and isinstance(r["pattern"], list):
            last = r["pattern"][-1]
            for spec in (last.get("ORTH"), last.get("LOWER")):
                if isinstance(spec, dict):
                    heads.update({w.lower(): r["label"] for w in spec.get("IN", [])})
    return heads


def lookup(text: str) -> tuple[str, str] | None:
    """(label, canonical name) of a known surface form, tolerating Service/Services/"X service"."""
    table = aliases()
    variants = [text, text + "s", text[:-1] if text.endswith("s") else text]
    variants += [text.rsplit(" ", 1)[0] for h in (" service", " services") if text.lower().endswith(h)]
    return next((table[v] for v in variants if v in table), None)


def canonical_key(text: str, label: str) -> str:
    """The name a surface form stands for: its alias, else the tidied text in title case
    (so "Health Visiting service" and "HEALTH VISITING SERVICE" are one name)."""
    text = re.sub(r"(?<=\w)\s*[–—-]\s*(?=\w)", "-", " ".join(text.split()))
    found = lookup(text) or lookup(titlecase(text))
    if found:
        return found[1]
    if label == "SERVICE" and text.lower().endswith("services"):
        text = text[:-1]
    return text if label == "PERSON" else titlecase(text)


def titlecase(text: str) -> str:
    """Capitalise words, leaving acronyms and short joining words alone."""
    def word(i: int, w: str) -> str:
        if i and w.lower() in _SMALL_WORDS:
            return w.lower()
        if w.isupper() and len(w) <= 5 or not w[:1].isalpha():
            return w
        return w[0].upper() + (w[1:].lower() if w.islower() or w.isupper() else w[1:])
    return " ".join(word(i, w) for i, w in enumerate(text.split(" ")))


_BODY = re.compile(r"\b(committee|sub-committee|panel|board|cabinet|forum|partnership)s?\s*$", re.I)


def is_body(name: str) -> bool:
    """A committee-like body: a name ending in Committee, Panel, Board, …"""
    return bool(_BODY.search(name.strip()))


def body_name(name: str) -> str:
    """One spelling per body: straight apostrophes, "and" for "&", single spaces, title case.

    "CHILDREN'S SOCIAL CARE & HEALTH CABINET COMMITTEE" -> "Children's Social Care and Health Cabinet Committee";
    "Resolved the Corporate Parenting Panel" -> "Corporate Parenting Panel".
    """
    shouting = name.isupper()
    text = re.sub(r"\s+", " ", name.replace("’", "'").replace("&", " and ")).strip()
    tail = re.split(r"\bthe\s+", text, flags=re.I)[-1]  # "Resolved the X Committee", "Chairman of the X Panel"
    text = tail if is_body(tail) and tail[:1].isupper() else text
    return titlecase(text.lower()) if shouting else text
