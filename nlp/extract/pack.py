"""Agenda pack -> the documents bound in it: agenda, minutes, reports, appendices.

A pack is printed papers back to back. Parts begin at recognisable openings:
"MINUTES of a meeting of …" (with the council/body header above it), a report's
"From: / To: / Subject:" block (with any "Item No" line above it), a "RECORD OF
DECISION" heading, and, after a report's contact details, the title block of an
appendix whose title names a kind of document (business plan, scorecard, risk
register, work programme). Each part runs to the line before the next one, less
trailing blank lines and page furniture ("This page is intentionally left blank").
Each part gets a title, an issued date and a short unique key (see `describe`).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from nlp.model import Document

RULES: dict = json.loads((Path(__file__).parents[1] / "data" / "committee.json").read_text(encoding="utf-8"))


def rx(name: str) -> re.Pattern:
    """A compiled case-insensitive pattern from the rules file."""
    return re.compile(RULES[name], re.I)


_MINUTES, _DECISION, _FROM = rx("minutes_start"), rx("decision_record_start"), rx("report_start")
_CONFIRM = [re.compile(p, re.I) for p in RULES["report_confirm"]]
_ITEM_NO, _AGENDA = rx("item_no_line"), rx("agenda_heading")
_CONTACT, _LISTING, _LABEL = rx("contact_headings"), rx("appendix_listing"), rx("appendix_label")
_FURNITURE = [re.compile(p, re.I) for p in RULES["furniture"]]
_DATEISH = re.compile(r"^(\w+day,?\s+)?\d{1,2}(st|nd|rd|th)?\s+[a-z]+,?\s+\d{4}$|^[a-z]+\s+\d{4}$", re.I)


def clean(line: str) -> str:
    """A line without markdown headings/emphasis, HTML tags or link syntax; spaces collapsed."""
    text = re.sub(r"</?su[pb]>", "", line)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*#+\s*", "", text).replace("**", " ").replace("*", " ")
    return re.sub(r"\s+", " ", text).strip()


def is_furniture(text: str) -> bool:
    """Page furniture: 'This page is intentionally left blank', page numbers, rules."""
    return any(p.match(text.strip()) for p in _FURNITURE)


@dataclass(frozen=True)
class Start:
    index: int        # 0-based index into the pack's lines
    doc_type: str


def _is_header_line(raw: str) -> bool:
    """A page-header line above a minutes or decision heading: rule, heading, bold or capitals."""
    text = clean(raw)
    if not text or re.fullmatch(r"-{3,}", text):
        return True
    if is_furniture(text) or _DATEISH.match(text) or len(text) > 100 or "\t" in raw:
        return False
    s = raw.strip()
    return s.startswith(("#", "**")) or s.endswith("**") or (text.upper() == text and any(c.isalpha() for c in text))


def _is_title_line(raw: str) -> bool:
    """A line that can belong to a title block: short, no sentence end, no cells, no contact data."""
    text = clean(raw)
    if not text or "\t" in raw or "@" in raw or is_furniture(text) or _LISTING.match(text):
        return False
    if len(text) > 100 or text.endswith((".", ";", ",", ":")) or re.match(r"^([-•]\s|\d+(\.\d+)*\.?\s)", text):
        return False
    return sum(c.isdigit() for c in text) < len(text) / 2


def _back(lines: list[str], i: int, ok) -> int:
    """Move a start up over the preceding lines `ok` accepts; a part never starts on a blank."""
    j = i
    while j > 0 and (not lines[j - 1].strip() or ok(lines[j - 1])):
        j -= 1
    while j < i and not lines[j].strip():
        j += 1
    return j


def _confirmed_report(lines: list[str], i: int) -> bool:
    window = [clean(line) for line in lines[i + 1:i + 14]]
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
        kind = keyword_type(clean(lines[i])) if _is_title_line(lines[i]) else None
        if not kind or any(s.doc_type == kind for s in found):
            continue
        start = _back(lines, i, _is_title_line)
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
        parts.append(replace(
            doc, key=meta["key"], doc_type=kind, title=meta["title"], issued=meta["issued"],
            period=meta["period"], sha256=hashlib.sha256("\n".join(sub).encode()).hexdigest(),
            line_start=doc.line_start + lo, lines=sub, part_of=doc.key))
    return parts


# -- titles, dates and keys ------------------------------------------------------------
_MONTHS = "january february march april may june july august september october november december".split()
_FULL_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r"),?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_YEAR = re.compile(r"^\W*(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d\d)\W*$", re.I)
_SPAN_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*(?:[-/–]\s*(\d\d)\b|\s+to\s+\w+\s+((?:19|20)\d\d))", re.I)


def first_date(text: str) -> date | None:
    """The first '22nd March, 2016' style date in `text`."""
    m = _FULL_DATE.search(text)
    return date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1))) if m else None


def titlecase(text: str) -> str:
    """'CHILDREN'S SOCIAL CARE' -> "Children's Social Care" (small words lower-case)."""
    small = set(RULES["small_words"])
    words = text.lower().split()
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))


def tidy_title(text: str) -> str:
    """Cleaned title text, title-cased when printed in capitals."""
    text = clean(text).strip(" :-–")
    return titlecase(text) if text.upper() == text else text


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", text.lower())).strip("-")


def acronym(name: str) -> str:
    """'Corporate Parenting Panel' -> 'cpp' (small words skipped)."""
    return "".join(w[0] for w in slug(name).split("-") if w and w not in RULES["small_words"] and not w.isdigit())


def _part_period(title: str, lines: list[str]) -> tuple[int, int] | None:
    for text in [title] + [clean(line) for line in lines[:12]]:
        m = _SPAN_YEARS.search(text)
        if m:
            first = int(m.group(1))
            return (first, first) if m.group(2) or int(m.group(3)) == first + 1 else (first, int(m.group(3)) - 1)
    return None


def _appendix_title(lines: list[str]) -> str:
    """The title block of an appendix, cut after the words naming its kind (and any year)."""
    block = []
    for raw in lines[:12]:
        text = clean(raw)
        if block and not _is_title_line(raw) and text and not re.fullmatch(r"[\d/\-– ]+", text):
            break
        if text and not _LABEL.match(text) and not _DATEISH.match(text) and text.lower() not in ("draft",):
            block.append(text)
    title = " ".join(block)
    kws = [k for k in RULES["part_keywords"] if k in title.lower()]
    if kws:
        end = title.lower().index(kws[0]) + len(kws[0])
        m = re.match(r"\s*(?:(?:19|20)\d\d\s*[-/–]\s*\d\d|(?:19|20)\d\d)?", title[end:])
        title = title[:end + m.end()]
    return tidy_title(title)


def _issued(lines: list[str]) -> date | None:
    """A date in the title area of a part (before any table)."""
    for raw in lines[:12]:
        if "\t" in raw:
            break
        text = clean(raw)
        d = first_date(text)
        m = _MONTH_YEAR.match(text)
        if d or m:
            return d or date(int(m.group(2)), _MONTHS.index(m.group(1).lower()) + 1, 1)
    return None


def _meta(kind: str, lines: list[str], pack: Document, parent: dict | None) -> dict:
    """Title, issued date, period and key stem of one part."""
    from nlp.extract.meetings import agenda_meeting, minutes_heading   # local: they build on this module
    from nlp.extract.reports import header_fields
    if kind == "Agenda":
        m = agenda_meeting(lines)
        when = m.meeting.date or pack.issued
        title = f"{m.meeting.body} agenda" + (f", {when.day} {when.strftime('%B %Y')}" if when else "")
        return dict(title=title, issued=m.published or when, period=None, stem="agenda")
    if kind == "Minutes":
        m = minutes_heading(lines).meeting
        when = f" of {m.date.day} {m.date.strftime('%B %Y')}" if m.date else ""
        return dict(title=f"Minutes of the {m.body} meeting{when}", issued=m.date, period=None,
                    stem=f"minutes-{acronym(m.body)}-{m.date or ''}")
    fields = header_fields(lines)
    subject = tidy_title(fields.get("subject", ("", 0))[0]).rstrip(".") or "Untitled"
    if kind == "Report":
        text = " ".join(fields.get(k, ("", 0))[0] for k in ("date", "to"))
        return dict(title=subject, issued=first_date(text) or pack.issued, period=None, stem="report")
    issued = parent["issued"] if parent else pack.issued
    if kind == "DecisionRecord":
        number = fields.get("decision no", ("", 0))[0]
        title = "Record of decision" + (f" {number}" if number else "") + f": {subject}"
        return dict(title=title, issued=issued, period=None, stem="decision")
    title = _appendix_title(lines)
    return dict(title=title, issued=_issued(lines) or issued, period=_part_period(title, lines),
                stem=RULES["part_slugs"][kind])


def _pack_stem(pack: Document, found: list[tuple[str, int, int]]) -> str:
    """<body acronym>-<meeting date>, from the pack's agenda (else its title)."""
    from nlp.extract.meetings import agenda_meeting
    body, when = re.sub(r"\s+agenda(\s+pack)?\b.*$", "", pack.title, flags=re.I), pack.issued
    if found and found[0][0] == "Agenda":
        m = agenda_meeting(list(pack.lines[found[0][1]:found[0][2]])).meeting
        body, when = m.body, m.date or when
    return "-".join(x for x in (acronym(body)[:12], when.isoformat() if when else "") if x) or "pack"


def describe(pack: Document, found: list[tuple[str, int, int]]) -> list[dict]:
    """Title, issued, period and a unique key (<pack stem>-<item code>-<kind>) for each part span."""
    from nlp.extract.meetings import item_codes   # local: meetings builds on this module
    lines = list(pack.lines)
    metas, parent = [], None
    for kind, lo, hi in found:
        meta = _meta(kind, lines[lo:hi], pack, parent)
        parent = meta if kind == "Report" else parent
        metas.append(meta)
    codes = item_codes([(k, m["title"]) for (k, _, _), m in zip(found, metas)], pack, found)
    stem, seen = _pack_stem(pack, found), set()
    for meta, code in zip(metas, codes):
        key = "-".join(x for x in (stem, slug(code or ""), slug(meta.pop("stem"))) if x)[:80].rstrip("-")
        n, base = 2, key
        while key in seen:
            key, n = f"{base[:76]}-{n}", n + 1
        seen.add(key)
        meta["key"] = key
    return metas
