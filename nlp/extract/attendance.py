"""Who attended a minuted meeting: attendance lists, apologies and substitutes.

Minutes list PRESENT / ALSO PRESENT / IN ATTENDANCE / APOLOGIES before the first
minute; later minutes state apologies, substitutes and attendance for one item in
prose. Labels and sentence patterns live in `nlp/data/committee.json`.
"""
from __future__ import annotations

import re

from nlp.extract.meeting_records import AttendanceRecord, MeetingRef, SubstituteRecord
from nlp.model import Document, PersonRef
from nlp.name_lists import NAME, people, person
from nlp.paper_text import RULES, clean


def labelled_lists(doc: Document, meeting: MeetingRef, upto: int) -> list[object]:
    """PRESENT: / ALSO PRESENT: / IN ATTENDANCE: / APOLOGIES: lists before the first minute."""
    labels = {k: re.compile(p, re.I) for k, p in RULES["attendance_labels"].items()}
    out: list[object] = []
    for n, raw in doc.numbered():
        if n >= upto:
            break
        text = clean(raw)
        kind = next((k for k, p in labels.items() if p.match(text)), None)
        if not kind:
            continue
        for name, note in people(text.split(":", 1)[1]):
            sub = re.match(r"^substitute for\s+(.+)$", note or "", re.I)
            out.append(AttendanceRecord(meeting, person(name, n), kind, None if sub else note, None, n))
            if sub:
                out.append(SubstituteRecord(meeting, person(name, n), person(sub.group(1), n), n))
    return out


def sentence_attendance(text: str, n: int, meeting: MeetingRef, minute: int) -> list[object]:
    """Apologies, substitutes and per-item attendance stated in prose."""
    out: list[object] = []
    pats = {k: re.compile(p.replace("NAME", NAME)) for k, p in RULES["attendance_sentences"].items()}
    for m in pats["apologies_list"].finditer(text):
        out += [AttendanceRecord(meeting, person(nm, n), "apologies", None, None, n) for nm, _ in people(m.group("list"))]
    for m in pats["apologies_one"].finditer(text):
        out.append(AttendanceRecord(meeting, person(m.group("name"), n), "apologies", None, None, n))
        sub = pats["substitute_her"].search(text, m.end())
        if sub:
            out.append(SubstituteRecord(meeting, person(sub.group("sub"), n), person(m.group("name"), n), n))
    for m in [*pats["substitute_for"].finditer(text), *pats["substituted_for"].finditer(text)]:
        out.append(SubstituteRecord(meeting, person(m.group("sub"), n), person(m.group("for"), n), n))
    for m in pats["item_attendance"].finditer(text):
        out.append(AttendanceRecord(meeting, person(m.group("name"), n), "in_attendance", m.group("role").strip(), minute, n))
    return out


def _surname(name: str) -> str:
    return name.split()[-1].lower()


def align_names(records: list[object]) -> list[object]:
    """'Mr Cowan' in a minute -> 'Mr G Cowan' as listed in the attendance lists (same
    surname, one candidate only), so one person is not counted twice in one document."""
    listed: dict[str, set[str]] = {}
    for r in records:
        if isinstance(r, AttendanceRecord):
            listed.setdefault(_surname(r.person.name), set()).add(r.person.name)

    def full(ref: PersonRef) -> PersonRef:
        found = listed.get(_surname(ref.name), set())
        return PersonRef(next(iter(found)), ref.line) if len(found) == 1 else ref

    out = []
    for r in records:
        if isinstance(r, SubstituteRecord):
            r = SubstituteRecord(r.meeting, full(r.person), full(r.substitute_for), r.line)
        elif isinstance(r, AttendanceRecord) and r.kind == "apologies":
            r = AttendanceRecord(r.meeting, full(r.person), r.kind, r.capacity, r.minute, r.line)
        out.append(r)
    return out


def dedupe(records: list[object]) -> list[object]:
    """Drop repeats of the same fact (a substitute named in the header and again in a minute)."""
    seen, out = set(), []
    for r in records:
        key = (type(r).__name__, getattr(r, "person", None) and r.person.name,
               getattr(r, "substitute_for", None) and r.substitute_for.name, getattr(r, "kind", None))
        if isinstance(r, (SubstituteRecord, AttendanceRecord)) and key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
