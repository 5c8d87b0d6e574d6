"""Agendas -> the meeting announced, the body's membership and the agenda items.

An agenda announces a meeting (body, date, time, venue), lists the body's membership
by party ("Conservative (8): Mrs J Whittle (Chairman), …") and its items ("B1 Title
(Pages 23 - 28)") under lettered sections. `item_codes` matches the papers of a pack
to those items.
"""

from __future__ import annotations

import re
from datetime import date

from nlp.extract.meeting_records import AgendaItemRecord, MeetingRecord, MeetingRef, MembershipRecord
from nlp.model import Document
from nlp.name_lists import people, person
from nlp.paper_text import clean, rx, tidy_title
from nlp.dates import first_full_date

TIME = re.compile(r"\b(\d{1,2}[.:]\d{2}\s*[ap]\.?m\.?|\d{1,2}\s*[ap]\.?m\.?|noon)", re.I)
SECTION = re.compile(r"^([A-Z])\s*[-–]\s+(\S.*)$")  # "B - Matters for decision"
_ITEM = re.compile(r"^([A-Z]?\d{1,2})\.?\s+([A-Z].+?)(?:\s*\(Pages?\s*(\d+)(?:\s*[-–]\s*(\d+))?\))?\s*$")
_PARTY = re.compile(r"^([A-Z][A-Za-z .&'-]{1,40}?)\s*\((\d+)\)\s*:?\s*(.*)$")


def date_and_time(text: str) -> tuple[date | None, str | None]:
    """The first date and the first time of day ("10.00 am", "noon") in `text`."""
    m = TIME.search(text)
    return first_full_date(text), (m.group(1).rstrip(".") if m else None)


def agenda_meeting(lines: list[str], line_start: int = 1) -> MeetingRecord:
    """The meeting an agenda announces: body heading after AGENDA, date/time line, venue lines."""
    texts = [clean(l) for l in lines]
    top = next((i for i, t in enumerate(texts) if rx("agenda_heading").match(t)), 0)
    body_i = next(
        (
            i
            for i in range(top, min(top + 12, len(texts)))
            if re.search(r"committee|panel|board|cabinet|council|forum", texts[i], re.I)
        ),
        None,
    )
    body = tidy_title(texts[body_i]) if body_i is not None else "Committee"
    date_i = next((i for i in range(top, min(top + 20, len(texts))) if first_full_date(texts[i])), None)
    when, time, venue = None, None, []
    if date_i is not None:
        when, time = date_and_time(texts[date_i])
        for t in texts[date_i + 1 : date_i + 6]:
            if not t:
                break
            if TIME.fullmatch(t.strip()):
                time = time or t.strip()
            else:
                venue.append(t.rstrip(","))
    published = next((first_full_date(t) for t in reversed(texts) if first_full_date(t) and len(t) < 40), None)
    return MeetingRecord(
        MeetingRef(body, when),
        time,
        ", ".join(venue) or None,
        "announced",
        line_start + (date_i if date_i is not None else top),
        published,
    )


def agenda_items(lines: list[str], meeting: MeetingRef, line_start: int = 1) -> list[AgendaItemRecord]:
    """Every "A1 Title (Pages 7 - 14)" line, with its lettered section."""
    out, section, seen = [], None, set()
    for i, raw in enumerate(lines):
        text = clean(raw)
        m_sec = SECTION.match(text)
        m = _ITEM.match(text)
        if m_sec and not m:
            section = m_sec.group(2).strip()
        elif m and m.group(1) not in seen:
            seen.add(m.group(1))
            pages = (int(m.group(3)), int(m.group(4) or m.group(3))) if m.group(3) else None
            out.append(AgendaItemRecord(meeting, m.group(1), m.group(2).strip(), section, pages, line_start + i))
    return out


def membership(lines: list[str], body: str, line_start: int = 1) -> list[MembershipRecord]:
    """The "Membership (n)" list: one record per member, with party and chair role."""
    out, party, inside, gap = [], None, False, False
    for i, raw in enumerate(lines):
        text = clean(raw)
        if re.match(r"^membership\b", text, re.I):
            inside = True
            continue
        m = _PARTY.match(text)
        if inside and (raw.lstrip().startswith("#") or (gap and party and not m)):
            break
        gap = not text
        if not inside or not text:
            continue
        if m:
            party, text = m.group(1).strip(), m.group(3)
        for name, note in people(text):
            role = next(
                (
                    r
                    for r in ("Vice-Chairman", "Vice-Chair", "Chairman", "Chair", "Substitute")
                    if note and r.lower() in note.lower()
                ),
                None,
            )
            out.append(MembershipRecord(body, person(name, line_start + i), party, role, None, line_start + i))
    return out


def item_codes(parts: list[tuple[str, str]], pack: Document, found: list[tuple[str, int, int]]) -> list[str | None]:
    """The agenda item code of each part (kind, title) of a pack.

    Minutes and reports are matched to the agenda items that have pages, in order when
    the counts agree, else by title similarity; decision records and appendices take
    the code of the report they follow.
    """
    from rapidfuzz import fuzz

    lines = list(pack.lines)
    agenda = next(((lo, hi) for k, lo, hi in found if k == "Agenda"), None)
    items = (
        []
        if agenda is None
        else [a for a in agenda_items(lines[agenda[0] : agenda[1]], MeetingRef("", None)) if a.pages]
    )
    primary = [i for i, (k, _) in enumerate(parts) if k in ("Minutes", "Report")]
    codes: list[str | None] = [None] * len(parts)
    if items and len(items) == len(primary):
        for i, item in zip(primary, items):
            codes[i] = item.code
    else:
        for i in primary:
            best = max(items, key=lambda a: fuzz.token_set_ratio(a.title, parts[i][1]), default=None)
            if best is not None and fuzz.token_set_ratio(best.title, parts[i][1]) >= 70:
                codes[i] = best.code
    for i, (kind, _) in enumerate(parts):
        if kind not in ("Minutes", "Report", "Agenda") and i:
            codes[i] = codes[i - 1]
    return codes
