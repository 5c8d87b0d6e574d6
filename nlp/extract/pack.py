"""Agenda pack -> the documents bound in it: agenda, minutes, reports, appendices.

A pack is printed papers back to back. Parts begin at recognisable openings:
"MINUTES of a meeting of …" (with the council/body header above it), a report's
"From: / To: / Subject:" block (with any "Item No" line above it), a "RECORD OF
DECISION" heading, and, after a report's contact details, the title block of an
appendix whose title names a kind of document (business plan, scorecard, risk
register, work programme). Each part runs to the line before the next one, less
trailing blank lines and page furniture ("This page is intentionally left blank").
Each part gets a title, an issued date and a short unique key (`nlp.extract.part_titles`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from nlp.extract.part_titles import describe
from nlp.model import Document
from nlp.paper_text import DATEISH, RULES, clean, is_furniture, is_title_line, rx

_MINUTES, _DECISION, _FROM = rx("minutes_start"), rx("decision_record_start"), rx("report_start")
_CONFIRM = [re.compile(p, re.I) for p in RULES["report_confirm"]]
_ITEM_NO, _AGENDA = rx("item_no_line"), rx("agenda_heading")
_CONTACT, _LABEL = rx("contact_headings"), rx("appendix_label")


@dataclass(frozen=True)
class Start:
    index: int  # 0-based index into the pack's lines
    doc_type: str


def _is_header_line(raw: str) -> bool:
    """A page-header line above a minutes or decision heading: rule, heading, bold or capitals."""
    text = clean(raw)
    if not text or re.fullmatch(r"-{3,}", text):
        return True
    if is_furniture(text) or DATEISH.match(text) or len(text) > 100 or "\t" in raw:
        return False
    s = raw.strip()
    return s.startswith(("#", "**")) or s.endswith("**") or (text.upper() == text and any(c.isalpha() for c in text))


def _back(lines: list[str], i: int, ok) -> int:
    """Move a start up over the preceding lines `ok` accepts; a part never starts on a blank."""
    j = i
    while j > 0 and (not lines[j - 1].strip() or ok(lines[j - 1])):
        j -= 1
    while j < i and not lines[j].strip():
        j += 1
    return j


def _confirmed_report(lines: list[str], i: int) -> bool:
    window = [clean(line) for line in lines[i + 1 : i + 14]]
    return all(any(p.match(w) for w in window) for p in _CONFIRM)


def _primary_starts(lines: list[str]) -> list[Start]:
    starts: list[Start] = []
    for i, raw in enumerate(lines):
        text = clean(raw)
        if _MINUTES.match(text):
            starts.append(Start(_back(lines, i, _is_header_line), "Minutes"))
        elif _DECISION.search(text) and _is_header_line(raw):
            starts.append(Start(_back(lines, i, _is_header_line), "DecisionRecord"))
        elif _FROM.match(text) and _confirmed_report(lines, i):
            starts.append(Start(_back(lines, i, lambda l: bool(_ITEM_NO.match(clean(l)))), "Report"))
    return starts


def keyword_type(text: str) -> str | None:
    """The part type a title names ("… Risk Register" -> RiskRegister), if any."""
    low = text.lower()
    return next((t for k, t in RULES["part_keywords"].items() if k in low), None)


def _appendix_starts(lines: list[str], lo: int, hi: int) -> list[Start]:
    """Appendices inside a report span [lo, hi): keyword title blocks after the contact details.

    The first such block starts an appendix; a later one only when it follows page
    furniture or an 'Appendix N' label and names a kind not already found.
    """
    contact = next((i for i in range(lo, hi) if _CONTACT.match(clean(lines[i]))), None)
    found: list[Start] = []
    for i in range(hi if contact is None else contact + 1, hi):
        kind = keyword_type(clean(lines[i])) if is_title_line(lines[i]) else None
        if not kind or any(s.doc_type == kind for s in found):
            continue
        start = _back(lines, i, is_title_line)
        before = next((clean(line) for line in reversed(lines[lo:start]) if line.strip()), "")
        if not found or is_furniture(before) or _LABEL.match(before):
            found.append(Start(start, kind))
    return found


def part_starts(lines: list[str]) -> list[Start]:
    """Every part opening in a pack, in line order (the agenda first when there is one)."""
    primary = sorted(_primary_starts(lines), key=lambda s: s.index)
    bounds = [s.index for s in primary] + [len(lines)]
    starts = list(primary)
    for s, hi in zip(primary, bounds[1:]):
        if s.doc_type == "Report":
            starts.extend(_appendix_starts(lines, s.index, hi))
    first = min((s.index for s in starts), default=len(lines))
    if any(_AGENDA.match(clean(line)) for line in lines[:first]):
        starts.append(Start(next(i for i, line in enumerate(lines) if line.strip()), "Agenda"))
    return sorted(starts, key=lambda s: s.index)


def _span_end(lines: list[str], lo: int, hi: int) -> int:
    """Exclusive end of a part: trailing blank lines and page furniture dropped."""
    while hi > lo + 1 and (not lines[hi - 1].strip() or is_furniture(clean(lines[hi - 1]))):
        hi -= 1
    return hi


def spans(lines: list[str]) -> list[tuple[str, int, int]]:
    """(doc_type, start, end): 0-based half-open spans of the parts of a pack."""
    starts = part_starts(lines)
    bounds = [s.index for s in starts] + [len(lines)]
    return [(s.doc_type, s.index, _span_end(lines, s.index, hi)) for s, hi in zip(starts, bounds[1:])]


def split_parts(doc: Document) -> list[Document]:
    """The parts bound in an agenda pack, each a Document with `part_of=doc.key`."""
    if doc.doc_type != "AgendaPack":
        return []
    lines = list(doc.lines)
    found = spans(lines)
    parts = []
    for (kind, lo, hi), meta in zip(found, describe(doc, found)):
        sub = tuple(lines[lo:hi])
        parts.append(
            replace(
                doc,
                key=meta["key"],
                doc_type=kind,
                title=meta["title"],
                issued=meta["issued"],
                period=meta["period"],
                sha256=hashlib.sha256("\n".join(sub).encode()).hexdigest(),
                line_start=doc.line_start + lo,
                lines=sub,
                part_of=doc.key,
            )
        )
    return parts
