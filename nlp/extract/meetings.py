"""Agendas and minutes -> meetings, membership, attendance, minutes and resolutions.

An agenda announces a meeting (body, date, time, venue), lists the body's membership
by party ("Conservative (8): Mrs J Whittle (Chairman), …") and its items ("B1 Title
(Pages 23 - 28)") under lettered sections. Minutes open with "MINUTES of a meeting of
<body> held in <venue> on <date>", then PRESENT / ALSO PRESENT / IN ATTENDANCE lists,
then numbered minutes ("**113. Title**", "(Item B2)") whose "RESOLVED …" paragraphs
are the resolutions. Apologies, substitutes, declarations of interest and elections
of a chairman are read from the wording of the minutes (patterns in committee.json).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nlp.extract.pack import RULES, clean, first_date, rx, spans, tidy_title
from nlp.model import Document, PersonRef

APPLIES_TO = {"AgendaPack", "Agenda", "Minutes"}


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


_TIME = re.compile(r"\b(\d{1,2}[.:]\d{2}\s*[ap]\.?m\.?|\d{1,2}\s*[ap]\.?m\.?|noon)", re.I)
_ITEM = re.compile(r"^([A-Z]?\d{1,2})\.?\s+([A-Z].+?)(?:\s*\(Pages?\s*(\d+)(?:\s*[-–]\s*(\d+))?\))?\s*$")
_SECTION = re.compile(r"^([A-Z])\s*[-–]\s+(\S.*)$")
_PARTY = re.compile(r"^([A-Z][A-Za-z .&'-]{1,40}?)\s*\((\d+)\)\s*:?\s*(.*)$")
_MINUTES = rx("minutes_start")
_HON = "|".join(sorted(map(re.escape, RULES["honorifics"]), key=len, reverse=True))
NAME = rf"(?:(?:{_HON})\.?\s+)(?:[A-Z][\w'’-]*\.?\s+){{0,4}}[A-Z][\w'’-]+"
_NAME = re.compile(rf"^(?:(?:{_HON})\.?\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,5}}$")
_POSTNOMINAL = re.compile(r"^(?:" + "|".join(RULES["name_suffixes"]) + r")$")


# -- lists of people -------------------------------------------------------------------
def _top_split(text: str) -> list[str]:
    """Split at commas and ' and ' outside parentheses."""
    parts, depth, cur, i = [], 0, "", 0
    while i < len(text):
        c = text[i]
        depth += (c == "(") - (c == ")")
        if depth == 0 and (c == "," or text.startswith(" and ", i)):
            parts.append(cur)
            cur, i = "", i + (1 if c == "," else 5)
            continue
        cur, i = cur + c, i + 1
    return [p.strip() for p in parts + [cur] if p.strip()]


def people(text: str) -> list[tuple[str, str | None]]:
    """'Mrs J Whittle (Chairman), Mrs A D Allen, MBE and Mr B Neaves' ->
    [(name, note in brackets)]; post-nominals (MBE, OBE) dropped, non-names skipped."""
    out: list[tuple[str, str | None]] = []
    for chunk in _top_split(text.strip().rstrip(".;")):
        m = re.match(r"^(.*?)\s*(?:\((.*)\))?\s*$", chunk)
        name, note = m.group(1).strip(), m.group(2)
        if _POSTNOMINAL.match(name):
            if note and out and out[-1][1] is None:
                out[-1] = (out[-1][0], note)
            continue
        name = re.sub(r",?\s+(?:" + "|".join(RULES["name_suffixes"]) + r")$", "", name)
        if _NAME.match(name):
            out.append((name, note))
    return out


def person(name: str, line: int) -> PersonRef:
    return PersonRef(re.sub(r"\s+", " ", name).strip(), line)


def _when(text: str) -> tuple[date | None, str | None]:
    m = _TIME.search(text)
    return first_date(text), (m.group(1).rstrip(".") if m else None)


# -- agenda --------------------------------------------------------------------------
def agenda_meeting(lines: list[str], line_start: int = 1) -> MeetingRecord:
    """The meeting an agenda announces: body heading after AGENDA, date/time line, venue lines."""
    texts = [clean(l) for l in lines]
    top = next((i for i, t in enumerate(texts) if rx("agenda_heading").match(t)), 0)
    body_i = next((i for i in range(top, min(top + 12, len(texts)))
                   if re.search(r"committee|panel|board|cabinet|council|forum", texts[i], re.I)), None)
    body = tidy_title(texts[body_i]) if body_i is not None else "Committee"
    date_i = next((i for i in range(top, min(top + 20, len(texts))) if first_date(texts[i])), None)
    when, time, venue = None, None, []
    if date_i is not None:
        when, time = _when(texts[date_i])
        for t in texts[date_i + 1:date_i + 6]:
            if not t:
                break
            if _TIME.fullmatch(t.strip()):
                time = time or t.strip()
            else:
                venue.append(t.rstrip(","))
    published = next((first_date(t) for t in reversed(texts) if first_date(t) and len(t) < 40), None)
    return MeetingRecord(MeetingRef(body, when), time, ", ".join(venue) or None, "announced",
                         line_start + (date_i if date_i is not None else top), published)


def agenda_items(lines: list[str], meeting: MeetingRef, line_start: int = 1) -> list[AgendaItemRecord]:
    """Every "A1 Title (Pages 7 - 14)" line, with its lettered section."""
    out, section, seen = [], None, set()
    for i, raw in enumerate(lines):
        text = clean(raw)
        m_sec = _SECTION.match(text)
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
            role = next((r for r in ("Vice-Chairman", "Vice-Chair", "Chairman", "Chair", "Substitute")
                         if note and r.lower() in note.lower()), None)
            out.append(MembershipRecord(body, person(name, line_start + i), party, role, None, line_start + i))
    return out


# -- minutes: heading and attendance ----------------------------------------------------
_HELD = re.compile(r"^minutes of (?:a|the) [\w ]*?meeting of (?:the )?(?P<body>.+?) held (?P<rest>.+)$", re.I)
_VENUE = re.compile(r"\b(?:in|at) (?:the )?(?P<venue>(?!\d).+?)(?= on \w+day| on \d|,? \w+day,| at \d|\.?$)", re.I)


def minutes_heading(lines: list[str], line_start: int = 1) -> MeetingRecord:
    """The meeting a set of minutes records, from its "MINUTES of a meeting of …" line."""
    for i, raw in enumerate(lines):
        m = _HELD.match(clean(raw))
        if m:
            rest = m.group("rest")
            when, time = _when(rest)
            venue = _VENUE.search(rest)
            return MeetingRecord(MeetingRef(tidy_title(m.group("body")), when), time,
                                 venue.group("venue").strip(" ,.") if venue else None, "minuted", line_start + i)
    return MeetingRecord(MeetingRef("Committee", None), None, None, "minuted", line_start)


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


def _labelled_lists(doc: Document, meeting: MeetingRef, upto: int) -> list[object]:
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


def _sentence_attendance(text: str, n: int, meeting: MeetingRef, minute: int) -> list[object]:
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


# -- minutes: numbered minutes, resolutions, declarations, elections ---------------------
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


_BOLD_MINUTE = re.compile(r"\*\*\s*(\d{1,4})\.\s+([^*]+?)\s*\*\*")
_ITEM_REF = rx("item_ref")
_RESOLVED = re.compile(r"^(?:[-•]\s*)?(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s*)?RESOLVED\b", re.I)
_PARA = re.compile(r"^(?:[-•]\s*)?\(?(\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+")
_TOP_PARA = re.compile(r"^(?:[-•]\s*)?\(?\d{1,2}[.)]\s+|^[A-Z]")


def _minute_heads(doc: Document) -> list[tuple[int, int, str, str | None]]:
    """(line, number, title, item code) of each numbered minute, numbers increasing."""
    rows = doc.numbered()
    heads: list[tuple[int, int, str, str | None]] = []
    for k, (n, raw) in enumerate(rows):
        found = [(int(m.group(1)), m.group(2), m.end()) for m in _BOLD_MINUTE.finditer(raw)]
        if not found:
            m = re.match(RULES["minute_heading"], clean(raw))
            nxt = next((clean(r) for _, r in rows[k + 1:k + 4] if r.strip()), "")
            if m and _ITEM_REF.fullmatch(nxt.strip()):
                found = [(int(m.group("num")), m.group("title"), len(raw))]
        for num, title, end in found:
            if (heads and num <= heads[-1][1]) or title.upper().startswith("RESOLVED"):
                continue
            after = " ".join([raw[end:]] + [r for _, r in rows[k + 1:k + 3]])
            code = _ITEM_REF.search(clean(after).split(". ")[0]) or _ITEM_REF.search(title)
            title = _ITEM_REF.sub("", clean(title)).strip()
            heads.append((n, num, title, code.group("code") if code else None))
    return heads


def _paragraphs(doc: Document, lo: int, hi: int) -> list[tuple[int, str]]:
    """(first line, text) of the paragraphs in lines [lo, hi): a new one at each numbered item."""
    paras: list[tuple[int, str]] = []
    for n, raw in doc.numbered():
        text = clean(raw)
        if not (lo <= n < hi) or not text or _BOLD_MINUTE.search(raw) or _ITEM_REF.fullmatch(text):
            continue
        if paras and not _PARA.match(text) and not _RESOLVED.match(text) and paras[-1][1][-1:] not in ".:;" \
                and text[:1].islower():
            paras[-1] = (paras[-1][0], paras[-1][1] + " " + text)
        else:
            paras.append((n, text))
    return paras


def _resolutions(meeting: MeetingRef, num: int, paras: list[tuple[int, str]]) -> list[ResolutionRecord]:
    formal = [(n, t) for n, t in paras if _RESOLVED.match(t)]
    out = [ResolutionRecord(meeting, num, i, re.sub(r"^.*?(?=\bRESOLVED\b)", "", t, flags=re.I).strip(), True, n)
           for i, (n, t) in enumerate(formal, 1)]
    if not out and paras:
        n, t = paras[-1]
        if _TOP_PARA.match(t) and rx("decision_phrases").search(t):
            out.append(ResolutionRecord(meeting, num, 1, _PARA.sub("", t).strip(), False, n))
    return out


def _elections(meeting: MeetingRef, res: ResolutionRecord) -> list[MembershipRecord]:
    out = []
    for p in RULES["election"]:
        for m in re.finditer(p.replace("NAME", NAME), res.text):
            role = "Vice-Chairman" if m.group("role").lower().startswith("vice") else "Chairman"
            out.append(MembershipRecord(meeting.body, person(m.group("name"), res.line), None, role,
                                        meeting.date, res.line))
    return out


def minutes_records(doc: Document) -> list[object]:
    """Everything a set of minutes records."""
    meet = minutes_heading(list(doc.lines), doc.line_start)
    ref = meet.meeting
    heads = _minute_heads(doc)
    out: list[object] = [meet, *_labelled_lists(doc, ref, heads[0][0] if heads else doc.line_end + 1)]
    bounds = [h[0] for h in heads[1:]] + [doc.line_end + 1]
    decl = re.compile(RULES["declaration"].replace("NAME", NAME))
    for (line, num, title, code), hi in zip(heads, bounds):
        paras = _paragraphs(doc, line, hi)
        last = max([line] + [n for n, _ in paras])
        out.append(MinuteRecord(ref, num, title, code, line, last))
        for res in _resolutions(ref, num, paras):
            out += [res, *_elections(ref, res)]
        for n, text in paras:
            out += _sentence_attendance(_PARA.sub("", text), n, ref, num)
            out += [DeclarationRecord(ref, person(m.group("name"), n), m.group("item"), text, num, n)
                    for m in decl.finditer(text)]
    return _dedupe(_align_names(out))


def _surname(name: str) -> str:
    return name.split()[-1].lower()


def _align_names(records: list[object]) -> list[object]:
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


def _dedupe(records: list[object]) -> list[object]:
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


# -- the pack: which paper belongs to which agenda item -------------------------------------
def item_codes(parts: list[tuple[str, str]], pack: Document, found: list[tuple[str, int, int]]) -> list[str | None]:
    """The agenda item code of each part (kind, title) of a pack.

    Minutes and reports are matched to the agenda items that have pages, in order when
    the counts agree, else by title similarity; decision records and appendices take
    the code of the report they follow.
    """
    from rapidfuzz import fuzz
    lines = list(pack.lines)
    agenda = next(((lo, hi) for k, lo, hi in found if k == "Agenda"), None)
    items = [] if agenda is None else [
        a for a in agenda_items(lines[agenda[0]:agenda[1]], MeetingRef("", None)) if a.pages]
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


def pack_records(doc: Document) -> list[object]:
    """The pack's meeting and the item each bound document is a paper for."""
    from nlp.extract.pack import split_parts
    lines = list(doc.lines)
    found = spans(lines)
    parts = split_parts(doc)
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
