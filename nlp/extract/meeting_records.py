"""The records read from agendas, minutes and agenda packs (see `nlp.extract.meetings`).

A meeting is named by its body and date (`MeetingRef`), so an agenda, its minutes and
a work programme all point at the same meeting; every other record hangs off one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nlp.model import PersonRef


@dataclass(frozen=True)
class MeetingRef:
    body: str
    date: date | None


@dataclass(frozen=True)
class MeetingRecord:
    meeting: MeetingRef
    time: str | None
    venue: str | None
    status: str                  # announced (agenda) | minuted (minutes)
    line: int
    published: date | None = None


@dataclass(frozen=True)
class MembershipRecord:
    body: str
    person: PersonRef
    party: str | None
    role: str | None             # Chairman | Vice-Chairman | Substitute | None (member)
    since: date | None
    line: int


@dataclass(frozen=True)
class AgendaItemRecord:
    meeting: MeetingRef
    code: str
    title: str
    section: str | None
    pages: tuple[int, int] | None
    line: int


@dataclass(frozen=True)
class PaperRecord:
    """A document of a pack considered under an agenda item (item None: the pack itself)."""
    meeting: MeetingRef
    item_code: str | None
    doc_key: str
    line: int


@dataclass(frozen=True)
class AttendanceRecord:
    meeting: MeetingRef
    person: PersonRef
    kind: str                    # present | also_present | in_attendance | apologies
    capacity: str | None         # "Chairman", an officer's job title …
    minute: int | None           # attendance for one item only
    line: int


@dataclass(frozen=True)
class SubstituteRecord:
    meeting: MeetingRef
    person: PersonRef
    substitute_for: PersonRef
    line: int


@dataclass(frozen=True)
class MinuteRecord:
    meeting: MeetingRef
    number: int
    title: str
    item_code: str | None
    line: int
    line_end: int


@dataclass(frozen=True)
class ResolutionRecord:
    meeting: MeetingRef
    minute: int
    ordinal: int
    text: str
    formal: bool                 # introduced by "RESOLVED"; False for "… agreed to note the report."
    line: int


@dataclass(frozen=True)
class DeclarationRecord:
    meeting: MeetingRef
    person: PersonRef
    item_code: str | None
    text: str
    minute: int
    line: int
