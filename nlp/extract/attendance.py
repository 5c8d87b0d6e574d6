"""Who attended a minuted meeting: attendance lists, apologies, substitutes and the chair.

Minutes list who was present before the first minute, under labels written in many
ways ("PRESENT:", "Members Present:" with the list on the next lines, "PRESENT IN THE
CHAIR:", "Officials Present:", "Apologies" as a heading); the list may be a comma
list wrapped over lines, one name per line, or "Councillors A (Chair), B and C".
Later minutes state apologies, substitutes and attendance for one item in prose.
Labels and sentence patterns live in `nlp/data/committee.json`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.extract.meeting_records import (
    AttendanceRecord,
    ElectionRecord,
    MeetingRef,
    MotionRecord,
    SubstituteRecord,
    VoteRecord,
)
from nlp.model import Document, PersonRef
from nlp.name_lists import NAME, is_name_list, people, person
from nlp.paper_text import RULES, clean

_LABEL_END = r"(?:\s*[:\-–]+\s*|\s*$|\s+(?=[A-Z]))"
_LABELS = [
    (spec, re.compile(spec["pattern"] + _LABEL_END, re.I))
    for key, spec in RULES["attendance_labels"].items()
    if not key.startswith("_")
]
_SUBSTITUTE = re.compile(r"^(?:substitute|substituting|sub\.?|deputising)?\s*(?:for|in place of)\s+(.+)$", re.I)
_IN_CHAIR = re.compile(RULES["in_the_chair"], re.I)
_CHAIR = {c.lower() for c in RULES["chair_offices"]}


def is_chair(note: str | None) -> bool:
    """'Chairperson', 'Mayor, in the Chair' -> True; 'Vice-Chair' -> False."""
    if not note:
        return False
    return bool(_IN_CHAIR.search(note)) or note.strip(" .").lower() in _CHAIR


def _label(text: str) -> tuple[dict, str] | None:
    """(label spec, the rest of the line) when `text` opens an attendance list."""
    for spec, pat in _LABELS:
        m = pat.match(text)
        rest = text[m.end() :].strip() if m else ""
        if m and (not rest or re.search(r"[:\-–]\s*$", m.group(0)) or is_name_list(rest)):
            return spec, rest
    return None


def _continues(block: str, text: str) -> bool:
    """A line that carries on the list above: names with commas, brackets or titles."""
    if not is_name_list(text):
        return False
    return bool(re.search(r"[,;(]", text)) or block.endswith((",", ";")) or bool(re.match(NAME, text))


def _join(block: str, text: str) -> str:
    if not block or block.endswith((",", ";", " and")) or text.startswith("("):
        return f"{block} {text}".strip()
    return f"{block}, {text}"


def header_blocks(doc: Document, upto: int) -> list[tuple[dict, int, str]]:
    """(label spec, line of the label, list text) of each attendance list before line `upto`."""
    blocks: list[list] = []
    open_ = False
    for n, raw in doc.numbered():
        if n >= upto:
            break
        text = clean(raw)
        if not text:
            continue
        found = _label(text)
        if found:
            spec, rest = found
            open_ = not rest or is_name_list(rest) or bool(people(rest))
            if open_:
                blocks.append([spec, n, rest])
        elif open_ and _continues(blocks[-1][2], text):
            blocks[-1][2] = _join(blocks[-1][2], text)
        else:
            open_ = False
    return [tuple(b) for b in blocks]


def labelled_lists(doc: Document, meeting: MeetingRef, upto: int) -> list[object]:
    """Attendance, substitutes and the chair from the labelled lists before the first minute."""
    out: list[object] = []
    for spec, n, text in header_blocks(doc, upto):
        for name, note in people(text):
            sub = _SUBSTITUTE.match(note or "")
            chair = bool(spec.get("chair")) or (spec["kind"] == "present" and is_chair(note))
            out.append(AttendanceRecord(meeting, person(name, n), spec["kind"], None if sub else note, None, n, chair))
            if sub:
                out.append(SubstituteRecord(meeting, person(name, n), person(sub.group(1), n), n))
    return _presiding(out)


def _presiding(records: list[object]) -> list[object]:
    """With no one listed in the chair, the Mayor (Provost …) present presides."""
    present = [r for r in records if isinstance(r, AttendanceRecord) and r.kind == "present"]
    if any(r.chair for r in present):
        return records
    offices = {o.lower() for o in RULES["presiding_offices"]}
    first = next((r for r in present if (r.capacity or "").strip().lower() in offices), None)
    return [replace(r, chair=True) if r is first else r for r in records]


def _patterns() -> dict[str, re.Pattern]:
    return {k: re.compile(p.replace("NAME", NAME)) for k, p in RULES["attendance_sentences"].items()}


def sentence_attendance(text: str, n: int, meeting: MeetingRef, minute: int | None) -> list[object]:
    """Apologies, substitutes and per-item attendance stated in prose."""
    out: list[object] = []
    pats = _patterns()
    for m in pats["apologies_list"].finditer(text):
        out += [
            AttendanceRecord(meeting, person(nm, n), "apologies", None, None, n) for nm, _ in people(m.group("list"))
        ]
    for m in pats["apologies_one"].finditer(text):
        out.append(AttendanceRecord(meeting, person(m.group("name"), n), "apologies", None, None, n))
        sub = pats["substitute_her"].search(text, m.end())
        if sub:
            out.append(SubstituteRecord(meeting, person(sub.group("sub"), n), person(m.group("name"), n), n))
    for m in [*pats["substitute_for"].finditer(text), *pats["substituted_for"].finditer(text)]:
        out.append(SubstituteRecord(meeting, person(m.group("sub"), n), person(m.group("for"), n), n))
    for m in pats["item_attendance"].finditer(text):
        out.append(
            AttendanceRecord(meeting, person(m.group("name"), n), "in_attendance", m.group("role").strip(), minute, n)
        )
    for m in pats["acting_as"].finditer(text):
        role = f"{m.group('role').strip()}, acting as {m.group('as').strip()}"
        out.append(AttendanceRecord(meeting, person(m.group("name"), n), "in_attendance", role, None, n))
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
            r = AttendanceRecord(r.meeting, full(r.person), r.kind, r.capacity, r.minute, r.line, r.chair)
        elif isinstance(r, (MotionRecord, ElectionRecord, VoteRecord)):
            r = _align_fields(r, full)
        out.append(r)
    return out


def _align_fields(r, full):
    """The people a motion, election or vote names, as listed in the attendance lists."""
    if isinstance(r, VoteRecord):
        return replace(r, names=tuple((way, full(p)) for way, p in r.names))
    fields = ("proposer", "seconder") if isinstance(r, MotionRecord) else ("person",)
    return replace(r, **{f: full(getattr(r, f)) for f in fields if getattr(r, f) is not None})


def dedupe(records: list[object]) -> list[object]:
    """Drop repeats of the same fact (a substitute named in the header and again in a minute)."""
    seen, out = set(), []
    for r in records:
        key = (
            type(r).__name__,
            getattr(r, "person", None) and r.person.name,
            getattr(r, "substitute_for", None) and r.substitute_for.name,
            getattr(r, "kind", None),
        )
        if isinstance(r, (SubstituteRecord, AttendanceRecord)) and key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
