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
    status: str  # announced (agenda) | minuted (minutes)
    line: int
    published: date | None = None


@dataclass(frozen=True)
class MembershipRecord:
    body: str
    person: PersonRef
    party: str | None
    role: str | None  # Chairman | Vice-Chairman | Substitute | None (member)
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
    kind: str  # present | also_present | in_attendance | apologies | absent
    capacity: str | None  # "Chairman", an officer's job title …
    minute: int | None  # attendance for one item only
    line: int
    chair: bool = False  # presided over the meeting ("in the chair", "(Chairperson)")


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
    minute: int | None  # None when the minutes are not numbered
    ordinal: int
    text: str
    formal: bool  # introduced by "RESOLVED"; False for "… agreed to note the report."
    line: int


@dataclass(frozen=True)
class DeclarationRecord:
    meeting: MeetingRef
    person: PersonRef
    item_code: str | None
    text: str
    minute: int
    line: int


@dataclass(frozen=True)
class MotionRecord:
    """A motion, amendment or nomination put to the meeting, with who moved and seconded it."""

    meeting: MeetingRef
    minute: int | None
    ordinal: int  # order within the document
    text: str  # the sentence(s) stating the motion, verbatim
    proposer: PersonRef | None
    seconder: PersonRef | None
    outcome: str | None  # carried | lost | withdrawn
    unanimous: bool
    line: int


@dataclass(frozen=True)
class VoteRecord:
    """A recorded vote: totals and, when the minutes name them, who voted which way."""

    meeting: MeetingRef
    minute: int | None
    motion: int | None  # ordinal of the motion voted on
    ordinal: int
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    names: tuple[tuple[str, PersonRef], ...]  # ("for" | "against" | "abstain", person)
    text: str
    line: int


@dataclass(frozen=True)
class ElectionRecord:
    """A person elected (or nominated) to an office: Mayor, Chair, Vice-Chair, Leader …"""

    meeting: MeetingRef
    minute: int | None
    person: PersonRef
    office: str
    motion: int | None  # ordinal of the nomination motion, when moved and seconded
    elected: bool  # False for a nomination the minutes do not say was carried
    text: str
    line: int
