"""Titles, issued dates, periods and keys of the parts of an agenda pack.

An agenda is titled after the meeting it announces, minutes after the meeting they
record, a report or record of decision after its Subject field, an appendix after its
title block cut at the words naming its kind. Each part's key is
<body acronym>-<meeting date>-<agenda item code>-<kind>, unique within the pack.
"""

from __future__ import annotations

import re
from datetime import date

from nlp.dates import first_full_date, month_line
from nlp.extract.agenda import agenda_meeting, item_codes
from nlp.extract.minutes import minutes_heading
from nlp.extract.reports import header_fields
from nlp.model import Document
from nlp.paper_text import DATEISH, RULES, acronym, clean, is_title_line, rx, tidy_title
from nlp.text import slug

_SPAN_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*(?:[-/–]\s*(\d\d)\b|\s+to\s+\w+\s+((?:19|20)\d\d))", re.I)
_LABEL = rx("appendix_label")


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
        if block and not is_title_line(raw) and text and not re.fullmatch(r"[\d/\-– ]+", text):
            break
        if text and not _LABEL.match(text) and not DATEISH.match(text) and text.lower() not in ("draft",):
            block.append(text)
    title = " ".join(block)
    kws = [k for k in RULES["part_keywords"] if k in title.lower()]
    if kws:
        end = title.lower().index(kws[0]) + len(kws[0])
        m = re.match(r"\s*(?:(?:19|20)\d\d\s*[-/–]\s*\d\d|(?:19|20)\d\d)?", title[end:])
        title = title[: end + m.end()]
    return tidy_title(title)


def _issued(lines: list[str]) -> date | None:
    """A date in the title area of a part (before any table)."""
    for raw in lines[:12]:
        if "\t" in raw:
            break
        text = clean(raw)
        d = first_full_date(text) or month_line(text)
        if d:
            return d
    return None


def _meta(kind: str, lines: list[str], pack: Document, parent: dict | None) -> dict:
    """Title, issued date, period and key stem of one part."""
    if kind == "Agenda":
        m = agenda_meeting(lines)
        when = m.meeting.date or pack.issued
        title = f"{m.meeting.body} agenda" + (f", {when.day} {when.strftime('%B %Y')}" if when else "")
        return dict(title=title, issued=m.published or when, period=None, stem="agenda")
    if kind == "Minutes":
        m = minutes_heading(lines).meeting
        when = f" of {m.date.day} {m.date.strftime('%B %Y')}" if m.date else ""
        return dict(
            title=f"Minutes of the {m.body} meeting{when}",
            issued=m.date,
            period=None,
            stem=f"minutes-{acronym(m.body)}-{m.date or ''}",
        )
    fields = header_fields(lines)
    subject = tidy_title(fields.get("subject", ("", 0))[0]).rstrip(".") or "Untitled"
    if kind == "Report":
        text = " ".join(fields.get(k, ("", 0))[0] for k in ("date", "to"))
        return dict(title=subject, issued=first_full_date(text) or pack.issued, period=None, stem="report")
    issued = parent["issued"] if parent else pack.issued
    if kind == "DecisionRecord":
        number = fields.get("decision no", ("", 0))[0]
        title = "Record of decision" + (f" {number}" if number else "") + f": {subject}"
        return dict(title=title, issued=issued, period=None, stem="decision")
    title = _appendix_title(lines)
    return dict(
        title=title, issued=_issued(lines) or issued, period=_part_period(title, lines), stem=RULES["part_slugs"][kind]
    )


def _pack_stem(pack: Document, found: list[tuple[str, int, int]]) -> str:
    """<body acronym>-<meeting date>, from the pack's agenda (else its title)."""
    body, when = re.sub(r"\s+agenda(\s+pack)?\b.*$", "", pack.title, flags=re.I), pack.issued
    if found and found[0][0] == "Agenda":
        m = agenda_meeting(list(pack.lines[found[0][1] : found[0][2]])).meeting
        body, when = m.body, m.date or when
    return "-".join(x for x in (acronym(body)[:12], when.isoformat() if when else "") if x) or "pack"


def describe(pack: Document, found: list[tuple[str, int, int]]) -> list[dict]:
    """Title, issued, period and a unique key (<pack stem>-<item code>-<kind>) for each part span."""
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
