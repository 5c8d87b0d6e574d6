"""Committee records -> triples: meetings, membership, attendance, minutes, resolutions,
agenda items, papers, reports and work programmes.

- a meeting is shared by every document that mentions it (agenda, minutes, the next
  pack, a work programme): …/id/meeting/<council>/<body>/<date>; its agenda items,
  minutes and resolutions hang under it, so any document reaches the same nodes;
- attendance is an `ckg:Attendance` node per person and meeting as one document
  states it, plus the shortcuts `person ckg:attended|ckg:apologised meeting`;
- membership is an `org:Membership` of the committee (party, role) asserted by the document;
- the person presiding is `meeting ckg:chairedBy person` (and `ckg:inChair true` on the attendance).
Motions, votes and elections are built by `kg.triples.motions`.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.triples.core import DocGraph
from kg.triples.plan_outline import role
from kg.iri import scoped_iri
from kg.vocab import CKG, DCT, ORG, PROV
from nlp.extract import meeting_records as M, reports as R, workprog as W
from nlp.model import PersonRef


def meeting(dg: DocGraph, ref: M.MeetingRef) -> URIRef:
    """The shared node of a body's meeting on a date."""
    iri = dg.shared("meeting", dg.doc.council_key, ref.body, ref.date.isoformat() if ref.date else "undated")
    when = f" {ref.date.day} {ref.date.strftime('%B %Y')}" if ref.date else ""
    dg.typed(iri, CKG.Meeting, label=f"{ref.body} meeting{when}")
    dg.add(iri, CKG.body, dg.committee(ref.body))
    dg.add(iri, CKG.date, ref.date)
    return iri


def item(dg: DocGraph, ref: M.MeetingRef, code: str) -> URIRef:
    return scoped_iri(meeting(dg, ref), "item", code)


def minute(dg: DocGraph, ref: M.MeetingRef, number: int) -> URIRef:
    return scoped_iri(meeting(dg, ref), "minute", number)


def meeting_record(dg: DocGraph, rec: M.MeetingRecord) -> None:
    m = meeting(dg, rec.meeting)
    dg.add(m, CKG.time, rec.time)
    dg.add(m, CKG.venue, rec.venue)
    dg.add(m, CKG.minutedIn if rec.status == "minuted" else CKG.announcedIn, dg.iri)
    dg.derive(m, rec.line)


def membership(dg: DocGraph, rec: M.MembershipRecord) -> None:
    title = rec.role or "Member"
    node = dg.node("membership", rec.body, rec.person.name, title)
    dg.typed(node, ORG.Membership, label=f"{rec.person.name}, {title}, {rec.body}")
    dg.add(node, ORG.member, dg.person(rec.person))
    dg.add(node, ORG.organization, dg.committee(rec.body))
    dg.add(node, ORG.role, role(dg, title))
    if rec.party:
        party = dg.shared("party", rec.party)
        dg.typed(party, CKG.PoliticalParty, label=rec.party)
        dg.add(node, CKG.party, party)
    dg.add(node, CKG.since, rec.since)
    dg.add(node, CKG.validAt, rec.since or dg.doc.issued)
    dg.add(node, CKG.assertedBy, dg.iri)
    dg.derive(node, rec.line)


def attendance(dg: DocGraph, rec: M.AttendanceRecord) -> None:
    m, person = meeting(dg, rec.meeting), dg.person(rec.person)
    node = _attendance_node(dg, rec.meeting, rec.person.name, rec.kind)
    dg.typed(node, CKG.Attendance, label=f"{rec.person.name}: {rec.kind.replace('_', ' ')}")
    dg.add(node, CKG.attendee, person)
    dg.add(node, CKG.ofMeeting, m)
    dg.add(node, CKG.attendanceKind, rec.kind)
    dg.add(node, CKG.capacity, rec.capacity)
    if rec.minute is not None:
        dg.add(node, CKG.forMinute, minute(dg, rec.meeting, rec.minute))
    if rec.chair:
        dg.add(node, CKG.inChair, True)
        dg.add(m, CKG.chairedBy, person)
    if rec.kind in _SHORTCUT:
        dg.add(person, _SHORTCUT[rec.kind], m)
    dg.derive(node, rec.line)
    if rec.capacity and rec.kind in ("present", "also_present", "in_attendance"):
        capacity_membership(dg, rec)


_SHORTCUT = {
    "present": CKG.attended,
    "also_present": CKG.attended,
    "in_attendance": CKG.attended,
    "apologies": CKG.apologised,
}


def capacity_membership(dg: DocGraph, rec: M.AttendanceRecord) -> None:
    """ "Mrs A D Allen (Chairman)" chairs the body; "Mr P Segurola (Director of …)" is an officer
    of the council: either way a membership in that role, valid on the meeting's date."""
    officer = rec.kind == "in_attendance"
    body = dg.council() if officer else dg.committee(rec.meeting.body)
    node = dg.node("membership", rec.meeting.body, rec.person.name, rec.capacity)
    dg.typed(node, ORG.Membership, label=f"{rec.person.name}, {rec.capacity}")
    dg.add(node, ORG.member, dg.person(rec.person))
    dg.add(node, ORG.organization, body)
    dg.add(node, ORG.role, role(dg, rec.capacity, officer))
    dg.add(node, CKG.validAt, rec.meeting.date)
    dg.add(node, CKG.assertedBy, dg.iri)
    dg.derive(node, rec.line)


def _attendance_node(dg: DocGraph, ref: M.MeetingRef, name: str, kind: str) -> URIRef:
    """One node per (meeting, kind, canonical person) as this document states it."""
    when = ref.date.isoformat() if ref.date else "undated"
    return dg.node("attendance", ref.body, when, kind, dg.names.get(name, name))


def substitute(dg: DocGraph, rec: M.SubstituteRecord) -> None:
    person, absent = dg.person(rec.person), dg.person(rec.substitute_for)
    dg.add(person, CKG.substituteFor, absent)
    node = _attendance_node(dg, rec.meeting, rec.person.name, "present")
    dg.typed(node, CKG.Attendance, label=f"{rec.person.name}: present")
    dg.add(node, CKG.attendee, person)
    dg.add(node, CKG.ofMeeting, meeting(dg, rec.meeting))
    dg.add(node, CKG.attendanceKind, "present")
    dg.add(node, CKG.substituteFor, absent)
    dg.add(person, CKG.attended, meeting(dg, rec.meeting))
    dg.derive(node, rec.line)


def minute_record(dg: DocGraph, rec: M.MinuteRecord) -> None:
    node = minute(dg, rec.meeting, rec.number)
    dg.typed(node, CKG.Minute, label=f"{rec.number}. {rec.title}")
    dg.add(node, CKG.number, rec.number)
    dg.add(node, DCT.title, rec.title)
    dg.add(node, CKG.ofMeeting, meeting(dg, rec.meeting))
    dg.add(node, CKG.code, rec.item_code)
    dg.add(node, CKG.lineStart, rec.line)
    dg.add(node, CKG.lineEnd, rec.line_end)
    dg.add(node, CKG.recordedIn, dg.iri)
    dg.derive(node, rec.line)


def resolution(dg: DocGraph, rec: M.ResolutionRecord) -> None:
    """A resolution under its minute, or under the meeting when the minutes are not numbered."""
    under = meeting(dg, rec.meeting) if rec.minute is None else minute(dg, rec.meeting, rec.minute)
    node = scoped_iri(under, "resolution", rec.ordinal)
    dg.typed(node, CKG.Resolution, label=rec.text[:120])
    dg.add(node, CKG.text, rec.text)
    dg.add(node, CKG.ofMeeting, meeting(dg, rec.meeting))
    if rec.minute is not None:
        dg.add(node, CKG.resolvedIn, under)
    dg.add(node, CKG.ordinal, rec.ordinal)
    dg.add(node, CKG.formal, rec.formal)
    dg.derive(node, rec.line)


def declaration(dg: DocGraph, rec: M.DeclarationRecord) -> None:
    node = dg.node("declaration", rec.minute, rec.person.name)
    dg.typed(node, CKG.Declaration, label=f"{rec.person.name}: declaration of interest")
    dg.add(node, CKG.declarant, dg.person(rec.person))
    dg.add(node, CKG.ofMeeting, meeting(dg, rec.meeting))
    dg.add(node, CKG.code, rec.item_code)
    dg.add(node, CKG.text, rec.text)
    dg.add(node, CKG.forMinute, minute(dg, rec.meeting, rec.minute))
    dg.derive(node, rec.line)


def agenda_item(dg: DocGraph, rec: M.AgendaItemRecord) -> None:
    node = item(dg, rec.meeting, rec.code)
    dg.typed(node, CKG.AgendaItem, label=f"{rec.code} {rec.title}")
    dg.add(node, CKG.code, rec.code)
    dg.add(node, DCT.title, rec.title)
    dg.add(node, CKG.agendaSection, rec.section)
    dg.add(node, CKG.ofMeeting, meeting(dg, rec.meeting))
    if rec.pages:
        dg.add(node, CKG.firstPage, rec.pages[0])
        dg.add(node, CKG.lastPage, rec.pages[1])
    dg.derive(node, rec.line)


def paper(dg: DocGraph, rec: M.PaperRecord) -> None:
    doc, m = dg.doc_iri(key=rec.doc_key), meeting(dg, rec.meeting)
    dg.add(doc, CKG.forMeeting, m)
    dg.derive(m, rec.line)
    if rec.item_code:
        dg.add(item(dg, rec.meeting, rec.item_code), CKG.hasPaper, doc)


_FIELDS = {
    "from": CKG.reportFrom,
    "to": CKG.reportTo,
    "subject": CKG.subjectText,
    "classification": CKG.classification,
    "decision no": CKG.decisionNumber,
    "key decision": CKG.keyDecision,
    "summary": DCT.abstract,
    "decision maker": CKG.decisionMaker,
    "decision": CKG.decisionText,
    "reasons": CKG.decisionReason,
    "past pathway": CKG.pastPathway,
    "future pathway": CKG.futurePathway,
    "electoral division": CKG.electoralDivision,
    "alternatives": CKG.alternativesConsidered,
    "consultation": CKG.consultation,
}


def report(dg: DocGraph, rec: R.ReportRecord) -> None:
    """The labelled fields of a report or record of decision, on its document node."""
    for name, value, _ in rec.fields:
        if name in _FIELDS:
            dg.add(dg.iri, _FIELDS[name], value)
    for ref, title in rec.authors:
        dg.add(dg.iri, DCT.creator, dg.person(ref))
        attribution(dg, ref, title)


def attribution(dg: DocGraph, ref: PersonRef, capacity: str | None) -> URIRef:
    """The qualified attribution of this document to a person, in the capacity written beside the name."""
    node = dg.node("attribution", ref.name)
    dg.typed(node, PROV.Attribution, label=f"{ref.name}, {capacity}" if capacity else ref.name)
    dg.add(node, PROV.agent, dg.person(ref))
    dg.add(node, CKG.capacity, capacity)
    dg.add(dg.iri, PROV.qualifiedAttribution, node)
    dg.derive(node, ref.line)
    return node


def recommendation_node(dg: DocGraph, ordinal: int, text: str, line: int) -> None:
    """Recommendation `ordinal` of this report (committee and scrutiny reports alike)."""
    node = dg.node("recommendation", ordinal)
    dg.typed(node, CKG.Recommendation, label=text[:120])
    dg.add(node, CKG.text, text)
    dg.add(node, CKG.ordinal, ordinal)
    dg.add(dg.iri, CKG.recommendation, node)
    dg.derive(node, line)


def recommendation(dg: DocGraph, rec: R.RecommendationRecord) -> None:
    recommendation_node(dg, rec.ordinal, rec.text, rec.line)


def planned_meeting(dg: DocGraph, rec: W.PlannedMeetingRecord) -> None:
    m = meeting(dg, rec.meeting)
    dg.add(m, CKG.plannedIn, dg.iri)
    if rec.uncertain:
        dg.add(m, CKG.uncertain, True)
    dg.derive(m, rec.line)


def work_item(dg: DocGraph, rec: W.WorkItemRecord) -> None:
    node = dg.node("work-item", rec.meeting.date.isoformat() if rec.meeting.date else "undated", rec.ordinal)
    dg.typed(node, CKG.WorkProgrammeItem, label=rec.title)
    dg.add(node, DCT.title, rec.title)
    dg.add(node, CKG.plannedFor, meeting(dg, rec.meeting))
    dg.add(node, CKG.agendaSection, rec.section)
    dg.add(node, CKG.ordinal, rec.ordinal)
    dg.add(node, CKG.inProgramme, dg.iri)
    dg.derive(node, rec.line)


BUILDERS = {
    M.MeetingRecord: meeting_record,
    M.MembershipRecord: membership,
    M.AttendanceRecord: attendance,
    M.SubstituteRecord: substitute,
    M.MinuteRecord: minute_record,
    M.ResolutionRecord: resolution,
    M.DeclarationRecord: declaration,
    M.AgendaItemRecord: agenda_item,
    M.PaperRecord: paper,
    R.ReportRecord: report,
    R.RecommendationRecord: recommendation,
    W.PlannedMeetingRecord: planned_meeting,
    W.WorkItemRecord: work_item,
}
