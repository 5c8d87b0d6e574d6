"""Agendas, minutes and agenda packs -> meetings, membership, attendance, minutes and papers.

The extractor for these kinds: an agenda is read by `nlp.extract.agenda`, a set of
minutes by `nlp.extract.minutes`, and a pack yields the meeting its agenda announces
and the agenda item each bound document is a paper for. Minutes are often published
as web pages or reports of another kind, so any document whose text reads as
minutes (`has_minutes`: a minutes heading, attendance labels, RESOLVED, proposed and
seconded) is read as minutes too. The record types live in
`nlp.extract.meeting_records` and are re-exported here with the extractor.
"""

from __future__ import annotations

import re

from nlp.extract import pack  # the module: a split_parts name here would make this a part splitter
from nlp.extract.agenda import agenda_items, agenda_meeting, item_codes, membership
from nlp.extract.meeting_records import (
    AgendaItemRecord,
    AttendanceRecord,
    DeclarationRecord,
    ElectionRecord,
    MeetingRecord,
    MeetingRef,
    MembershipRecord,
    MinuteRecord,
    MotionRecord,
    PaperRecord,
    ResolutionRecord,
    SubstituteRecord,
    VoteRecord,
)
from nlp.extract.minutes import minutes_records
from nlp.model import Document
from nlp.paper_text import RULES, clean

# Kinds a set of minutes may be filed under (a web page of minutes is often typed Report).
MAY_HOLD_MINUTES = {
    "Report",
    "Minutes",
    "DecisionRecord",
    "ScrutinyReport",
    "RiskRegister",
    "Scorecard",
    "BusinessPlan",
    "WorkProgramme",
    "Budget",
    "PerformanceReport",
    "WebPage",
    "Document",
    "Unknown",
}
APPLIES_TO = {"AgendaPack", "Agenda"} | MAY_HOLD_MINUTES
__all__ = [
    "APPLIES_TO",
    "extract",
    "has_minutes",
    "pack_records",
    "AgendaItemRecord",
    "AttendanceRecord",
    "DeclarationRecord",
    "ElectionRecord",
    "MeetingRecord",
    "MeetingRef",
    "MembershipRecord",
    "MinuteRecord",
    "MotionRecord",
    "PaperRecord",
    "ResolutionRecord",
    "SubstituteRecord",
    "VoteRecord",
]


def has_minutes(doc: Document) -> bool:
    """True when the text reads as minutes: one strong signal or two different weak ones."""
    sig = RULES["minutes_signals"]
    text = "\n".join(clean(l) for l in doc.lines)
    if any(re.search(p, text, re.I | re.M) for p in sig["strong"]):
        return True
    return sum(bool(re.search(p, text, re.I | re.M)) for p in sig["weak"]) >= 2


def pack_records(doc: Document) -> list[object]:
    """The pack's meeting and the item each bound document is a paper for."""
    lines = list(doc.lines)
    found = pack.spans(lines)
    parts = pack.split_parts(doc)
    agenda = next((p for p in parts if p.doc_type == "Agenda"), None)
    if agenda is None:
        return []
    meeting = agenda_meeting(list(agenda.lines), agenda.line_start).meeting
    codes = item_codes([(p.doc_type, p.title) for p in parts], doc, found)
    return [PaperRecord(meeting, None, doc.key, doc.line_start)] + [
        PaperRecord(meeting, code, p.key, p.line_start) for p, code in zip(parts, codes)
    ]


def extract(doc: Document) -> list[object]:
    """Records of an agenda pack, an agenda or a set of minutes."""
    if doc.doc_type == "AgendaPack":
        return pack_records(doc)
    if doc.doc_type == "Minutes" or (doc.doc_type in MAY_HOLD_MINUTES and has_minutes(doc)):
        return minutes_records(doc)
    if doc.doc_type != "Agenda":
        return []
    lines = list(doc.lines)
    meet = agenda_meeting(lines, doc.line_start)
    return [
        meet,
        *membership(lines, meet.meeting.body, doc.line_start),
        *agenda_items(lines, meet.meeting, doc.line_start),
    ]
