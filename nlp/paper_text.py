"""Lines of committee papers: the rules file, line cleaning, page furniture and titles.

Shared by the extractors of agenda packs, agendas, minutes, reports and work
programmes. Patterns live in `nlp/data/committee.json` and are matched
case-insensitively against a line with markdown/HTML emphasis removed (`clean`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from nlp.text import SMALL_WORDS, TAG, slug, squash, titlecase

RULES: dict = json.loads((Path(__file__).parent / "data" / "committee.json").read_text(encoding="utf-8"))


def rx(name: str) -> re.Pattern:
    """A compiled case-insensitive pattern from the rules file."""
    return re.compile(RULES[name], re.I)


_FURNITURE = [re.compile(p, re.I) for p in RULES["furniture"]]
_LISTING = rx("appendix_listing")
DATEISH = re.compile(r"^(\w+day,?\s+)?\d{1,2}(st|nd|rd|th)?\s+[a-z]+,?\s+\d{4}$|^[a-z]+\s+\d{4}$", re.I)


def clean(line: str) -> str:
    """A line without markdown headings/emphasis, HTML tags or link syntax; spaces collapsed."""
    text = TAG.sub(" ", re.sub(r"</?su[pb]>", "", line))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return squash(re.sub(r"^\s*#+\s*", "", text).replace("**", " ").replace("*", " "))


def is_furniture(text: str) -> bool:
    """Page furniture: 'This page is intentionally left blank', page numbers, rules."""
    return any(p.match(text.strip()) for p in _FURNITURE)


def is_title_line(raw: str) -> bool:
    """A line that can belong to a title block: short, no sentence end, no cells, no contact data."""
    text = clean(raw)
    if not text or "\t" in raw or "@" in raw or is_furniture(text) or _LISTING.match(text):
        return False
    if len(text) > 100 or text.endswith((".", ";", ",", ":")) or re.match(r"^([-•]\s|\d+(\.\d+)*\.?\s)", text):
        return False
    return sum(c.isdigit() for c in text) < len(text) / 2


def tidy_title(text: str) -> str:
    """Cleaned title text, title-cased when printed in capitals."""
    text = clean(text).strip(" :-–")
    return titlecase(text) if text.upper() == text else text


def acronym(name: str) -> str:
    """'Corporate Parenting Panel' -> 'cpp' (small words skipped)."""
    return "".join(w[0] for w in slug(name).split("-") if w and w not in SMALL_WORDS and not w.isdigit())
