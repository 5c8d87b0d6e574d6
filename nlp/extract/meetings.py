"""Agendas, minutes and agenda packs -> meetings, membership, attendance, minutes and papers.

The extractor for these three kinds: an agenda is read by `nlp.extract.agenda`, a set
of minutes by `nlp.extract.minutes`, and a pack yields the meeting its agenda
announces and the agenda item each bound document is a paper for. The record types
live in `nlp.extract.meeting_records` and are re-exported here with the extractor.
"""
from __future__ import annotations

from nlp.extract import pack   # the module: a split_parts name here would make this a part splitter
from nlp.extract.agenda import agenda_items, agenda_meeting, item_codes, membership
from nlp.extract.meeting_records import (AgendaItemRecord, AttendanceRecord, DeclarationRecord, MeetingRecord,
                                         MeetingRef, MembershipRecord, MinuteRecord, PaperRecord, ResolutionRecord,
                                         SubstituteRecord)
from nlp.extract.minutes import minutes_records
from nlp.model import Document

APPLIES_TO = {"AgendaPack", "Agenda", "Minutes"}
__all__ = ["APPLIES_TO", "extract", "pack_records", "AgendaItemRecord", "AttendanceRecord", "DeclarationRecord",
           "MeetingRecord", "MeetingRef", "MembershipRecord", "MinuteRecord", "PaperRecord", "ResolutionRecord",
           "SubstituteRecord"]


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
        PaperRecord(meeting, code, p.key, p.line_start) for p, code in zip(parts, codes)]


def extract(doc: Document) -> list[object]:
    """Records of an agenda pack, an agenda or a set of minutes."""
    if doc.doc_type == "AgendaPack":
        return pack_records(doc)
    if doc.doc_type == "Minutes":
        return minutes_records(doc)
    lines = list(doc.lines)
    meet = agenda_meeting(lines, doc.line_start)
    return [meet, *membership(lines, meet.meeting.body, doc.line_start),
            *agenda_items(lines, meet.meeting, doc.line_start)]
