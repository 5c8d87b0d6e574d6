"""A committee's work programme -> the items planned for each of its future meetings.

The programme is a table: a row holding only a date starts a meeting ("13 MAY 2016"),
later rows name an agenda section in the first cell ("D – Performance Monitoring")
and list items in the second (bullets, often as HTML list items). Dates listed under
"NEXT MEETINGS" are planned meetings with no items yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nlp.extract.agenda import SECTION
from nlp.extract.meeting_records import MeetingRef
from nlp.paper_text import clean
from nlp.dates import first_full_date

APPLIES_TO = {"WorkProgramme"}

_BODY = re.compile(r"^(?P<body>.+?)\s*[-–—:]\s*(?:draft\s+)?(?:forward\s+)?(?:work programme|plan)\b", re.I)
_ITEM_SPLIT = re.compile(r"</li>|<br\s*/?>|(?:^|\s)[•▪]\s", re.I)


@dataclass(frozen=True)
class PlannedMeetingRecord:
    meeting: MeetingRef
    line: int
    uncertain: bool = False  # date out of sequence (e.g. a year misprinted)


@dataclass(frozen=True)
class WorkItemRecord:
    meeting: MeetingRef
    ordinal: int
    title: str
    section: str | None
    line: int


def body_of(doc_title: str) -> str:
    """'X Committee – Work Programme 2016/17' -> 'X Committee'."""
    m = _BODY.match(doc_title)
    return m.group("body").strip() if m else doc_title


def _date_only(cell: str) -> date | None:
    text = clean(cell)
    d = first_full_date(text)
    return d if d and len(re.sub(r"[\d\s,]", "", text)) < 16 else None


def _items(cell: str) -> list[str]:
    """Bulleted items of one cell, without markup."""
    chunks = [clean(c).strip(" •▪-") for c in _ITEM_SPLIT.split(cell)]
    return [c for c in chunks if c and any(ch.isalpha() for ch in c)]


def extract(doc) -> list[object]:
    """Planned meetings and their items."""
    body = body_of(doc.title)
    out: list[object] = []
    meeting, section, last, n = None, None, None, 0
    for line, raw in doc.numbered():
        cells = raw.split("\t")
        when = _date_only(cells[0]) if len(clean(cells[0])) < 40 else None
        if when and not any(clean(c) for c in cells[1:]):
            meeting, section, n = MeetingRef(body, when), None, 0
            out.append(PlannedMeetingRecord(meeting, line, bool(last and when < last)))
            last = when
            continue
        if meeting is None or len(cells) < 2:
            continue
        bold = re.search(r"<b>(.*?)</b>|\*\*(.*?)\*\*", cells[0])
        m = SECTION.match(clean(bold.group(1) or bold.group(2) if bold else cells[0]))
        section = m.group(2).strip() if m else section
        for title in _items(cells[1]) if "<li" in cells[1] or "•" in cells[1] else []:
            n += 1
            out.append(WorkItemRecord(meeting, n, title, section, line))
    return out
