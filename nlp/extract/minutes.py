"""Minutes -> the meeting, numbered minutes, resolutions, declarations, motions, votes and elections.

Minutes open with "MINUTES of a meeting of <body> held in <venue> on <date>" (on one
line or wrapped over several), or a web-page line "<Body> - <date> <time>", then
attendance lists (`nlp.extract.attendance`), then numbered minutes ("**113. Title**",
"(Item B2)"; or, when a document has none of those, "Item 1: Title", "12. Title",
"128 Title", a number alone above its title) whose "RESOLVED …" / "DECISION:"
paragraphs are the resolutions. Unnumbered minutes are read as one span. Motions,
votes and elections come from `nlp.extract.motions`; wording from `committee.json`.
"""

from __future__ import annotations

import re

from nlp.extract import motions as MO
from nlp.extract.agenda import date_and_time
from nlp.extract.attendance import align_names, dedupe, labelled_lists, sentence_attendance
from nlp.extract.meeting_records import (
    AttendanceRecord,
    DeclarationRecord,
    MeetingRecord,
    MeetingRef,
    MembershipRecord,
    MinuteRecord,
    ResolutionRecord,
)
from nlp.model import Document, PersonRef
from nlp.name_lists import NAME, person
from nlp.paper_text import RULES, clean, is_title_line, rx, tidy_title
from nlp.dates import first_full_date

_HELD = re.compile(r"^minutes of (?:a|the) [\w ]*?meeting of (?:the )?(?P<body>.+?) held (?P<rest>.+)$", re.I)
_HELD_ANY = rx("minutes_held")
_VENUE = re.compile(r"\b(?:in|at) (?:the )?(?P<venue>(?!\d).+?)(?= on \w+day| on \d|,? \w+day,| at \d|\.?$)", re.I)
_BOLD_MINUTE = re.compile(r"\*\*\s*(\d{1,4})\.\s+([^*]+?)\s*\*\*")
_ITEM_REF = rx("item_ref")
_RESOLVED = re.compile(r"^(?:[-•]\s*)?(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s*)?RESOLVED\b", re.I)
_DECISION = re.compile(RULES["decision_labels"])
_LABELLED_RESOLVED = re.compile(r"\b[A-Z][a-z]+:\s*(?P<word>RESOLVED\b)")  # "… Minutes: RESOLVED: That …"
_PARA = re.compile(r"^(?:[-•]\s*)?\(?(\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+")
_TOP_PARA = re.compile(r"^(?:[-•]\s*)?\(?\d{1,2}[.)]\s+|^[A-Z]")
_HEADS = {k: re.compile(p, re.I) for k, p in RULES["minute_heads"].items() if not k.startswith("_")}
_NOISE = re.compile(RULES["title_noise"], re.I)
_ATTENDANCE_TITLE = re.compile(r"\b(attendance|present|apologies)\b", re.I)

Head = tuple[int, int, str, str | None]  # line, number, title, agenda item code


def _body(text: str) -> str:
    """'Meeting of X County Council’s Planning Committee' -> 'Planning Committee'."""
    body = re.sub(RULES["body_prefix"], "", text, flags=re.I)
    owner = re.match(r"^.*\bcouncil(?:['’]s)\s+(.+)$", body, re.I)
    return tidy_title(owner.group(1) if owner else body)


def _wrapped_heading(lines: list[str], line_start: int) -> MeetingRecord | None:
    """A "Minutes of … held …" heading wrapped over several lines."""
    texts = [(i, clean(t)) for i, t in enumerate(lines[:60]) if clean(t)]
    for k, (i, text) in enumerate(texts):
        if not re.match(RULES["minutes_opening"], text, re.I):
            continue
        flow = text
        for _, nxt in texts[k + 1 : k + 5]:
            if flow.endswith(".") or not re.search(r"\d{4}|held|\bon\b", flow + nxt, re.I):
                break
            flow += " " + nxt
        m = _HELD_ANY.match(flow)
        if m:
            return _held(_body(m.group("body")), m.group("rest"), line_start + i)
    return None


def _held(body: str, rest: str, line: int) -> MeetingRecord:
    """The meeting of `body` a "… held on <date> at <time> at <venue>" line (`rest`, after the body) records."""
    when, time = date_and_time(rest)
    venue = _VENUE.search(rest)
    return MeetingRecord(
        MeetingRef(body, when), time, venue.group("venue").strip(" ,.") if venue else None, "minuted", line
    )


def _web_heading(lines: list[str], line_start: int) -> MeetingRecord | None:
    """'Cabinet - Tuesday 10 November 2020 6.00 pm' or 'Meeting: 13/02/2019 - Cabinet (Item 9)'."""
    pats = [re.compile(p, re.I) for p in RULES["meeting_lines"]]
    for i, raw in enumerate(lines[:15]):
        text = clean(raw)
        m = next((m for p in pats for m in [p.match(text)] if m), None)
        when = first_full_date(m.group("date")) if m else None
        if m and when:
            return MeetingRecord(
                MeetingRef(tidy_title(m.group("body")), when), date_and_time(text)[1], None, "minuted", line_start + i
            )
    return None


def minutes_heading(lines: list[str], line_start: int = 1, issued=None, body: str = "") -> MeetingRecord:
    """The meeting a set of minutes records, from its "MINUTES of a meeting of …" line; else a meeting
    of `body` (the document's, when known) on `issued`."""
    for i, raw in enumerate(lines):
        m = _HELD.match(clean(raw))
        if m:
            return _held(tidy_title(m.group("body")), m.group("rest"), line_start + i)
    found = _wrapped_heading(lines, line_start) or _web_heading(lines, line_start)
    return found or MeetingRecord(MeetingRef(body or "Committee", issued), None, None, "minuted", line_start)


def _bold_heads(doc: Document) -> list[Head]:
    """Minutes numbered "**113. Title**" or "113. Title" above "(Item B2)", numbers increasing."""
    rows = doc.numbered()
    heads: list[Head] = []
    for k, (n, raw) in enumerate(rows):
        found = [(int(m.group(1)), m.group(2), m.end()) for m in _BOLD_MINUTE.finditer(raw)]
        if not found:
            m = re.match(RULES["minute_heading"], clean(raw))
            nxt = next((clean(r) for _, r in rows[k + 1 : k + 4] if r.strip()), "")
            if m and _ITEM_REF.fullmatch(nxt.strip()):
                found = [(int(m.group("num")), m.group("title"), len(raw))]
        for num, title, end in found:
            if (heads and num <= heads[-1][1]) or title.upper().startswith("RESOLVED"):
                continue
            after = " ".join([raw[end:]] + [r for _, r in rows[k + 1 : k + 3]])
            code = _ITEM_REF.search(clean(after).split(". ")[0]) or _ITEM_REF.search(title)
            title = _ITEM_REF.sub("", clean(title)).strip()
            heads.append((n, num, title, code.group("code") if code else None))
    return heads


def _plain_head(rows: list[tuple[int, str]], k: int) -> tuple[int, str] | None:
    """(number, title) when row k heads a minute in a plainer layout."""
    text = rows[k][1]
    m = _HEADS["labelled"].match(text) or _HEADS["slashed"].match(text) or _HEADS["numbered"].match(text)
    if m and not (m.re is _HEADS["numbered"] and re.match(r"^(19|20)\d\d\b", text)):
        num, title = int(m.group("num")), m.group("title")
    elif _HEADS["number_alone"].match(text) and k + 1 < len(rows):
        num, title = int(text.rstrip(".")), rows[k + 1][1]
    else:
        return None
    title = _NOISE.sub("", title).strip(" :-–|")
    return (num, title) if title and is_title_line(title) else None


def _plain_heads(doc: Document) -> list[Head]:
    rows = [(n, clean(raw)) for n, raw in doc.numbered() if clean(raw)]
    heads: list[Head] = []
    for k, (n, _) in enumerate(rows):
        found = _plain_head(rows, k)
        if found and (not heads or found[0] > heads[-1][1]):
            heads.append((n, found[0], found[1], None))
    return heads


def minute_heads(doc: Document) -> list[Head]:
    """(line, number, title, item code) of each numbered minute, numbers increasing."""
    return _bold_heads(doc) or _plain_heads(doc)


def _paragraphs(doc: Document, lo: int, hi: int) -> list[tuple[int, str]]:
    """(first line, text) of the paragraphs in lines [lo, hi): a new one at each numbered item."""
    paras: list[tuple[int, str]] = []
    for n, raw in doc.numbered():
        text = clean(raw)
        if not (lo <= n < hi) or not text or _BOLD_MINUTE.search(raw) or _ITEM_REF.fullmatch(text):
            continue
        if (
            paras
            and not _PARA.match(text)
            and not _formal(text)
            and paras[-1][1][-1:] not in ".:;"
            and text[:1].islower()
        ):
            paras[-1] = (paras[-1][0], paras[-1][1] + " " + text)
        else:
            paras.append((n, text))
    return paras


def _formal(text: str) -> str | None:
    """The resolution of a "RESOLVED …" / "Minutes: RESOLVED: …" / "DECISION: …" paragraph."""
    if _RESOLVED.match(text):
        return re.sub(r"^.*?(?=\bRESOLVED\b)", "", text, flags=re.I).strip(" |")
    m = _DECISION.match(text) or _LABELLED_RESOLVED.search(text)
    return text[m.start("word") :].strip(" |") if m else None


def _resolutions(meeting: MeetingRef, num: int | None, paras: list[tuple[int, str]]) -> list[ResolutionRecord]:
    out = []
    for k, (n, t) in enumerate(paras):
        text = _formal(t)
        if text is None:
            continue
        if not text.endswith((".", ";")):  # "RESOLVED that the Council approve the following:" and its list
            text = " ".join([text] + [p for _, p in _takewhile_listed(paras[k + 1 :])])
        out.append(ResolutionRecord(meeting, num, len(out) + 1, text, True, n))
    if not out and paras:
        n, t = paras[-1]
        if _TOP_PARA.match(t) and rx("decision_phrases").search(t):
            out.append(ResolutionRecord(meeting, num, 1, _PARA.sub("", t).strip(), False, n))
    return out


def _takewhile_listed(paras: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out = []
    for n, t in paras:
        if not _PARA.match(t) or _formal(t):
            break
        out.append((n, t))
    return out


def _chair(records: list[object]) -> PersonRef | None:
    return next((r.person for r in records if isinstance(r, AttendanceRecord) and r.chair), None)


def _spans(doc: Document, heads: list[Head]) -> list[tuple[int | None, int, int]]:
    """(minute number, first line, end line) of each minute; the whole text when unnumbered."""
    if not heads:
        return [(None, doc.line_start, doc.line_end + 1)]
    bounds = [h[0] for h in heads[1:]] + [doc.line_end + 1]
    return [(num, line, hi) for (line, num, _, _), hi in zip(heads, bounds)]


def _header_end(heads: list[Head], doc: Document) -> int:
    """Attendance lists run to the first minute, or past it when that minute is the attendance."""
    if not heads:
        return doc.line_end + 1
    if len(heads) > 1 and _ATTENDANCE_TITLE.search(heads[0][2]):
        return heads[1][0]
    return heads[0][0]


def _proceedings(doc: Document, ref: MeetingRef, heads: list[Head], chair: PersonRef | None) -> list[object]:
    """Motions, votes, elections and the memberships elections create."""
    spans = _spans(doc, heads)
    pre = [(None, doc.line_start, heads[0][0])] if heads else []
    body = [(num, lo + 1, hi) for num, lo, hi in spans] if heads else spans
    sents = [s for num, lo, hi in pre + body for s in MO.sentences(doc, lo, hi, num)]
    moved = MO.motions(ref, sents, chair)
    voted = MO.votes(ref, sents, MO.vote_tables(doc, ref, spans), moved)
    elected = MO.elections(ref, sents, moved)
    members = [MembershipRecord(ref.body, e.person, None, e.office, ref.date, e.line) for e in elected if e.elected]
    return [*moved, *voted, *elected, *members]


def minutes_records(doc: Document) -> list[object]:
    """Everything a set of minutes records."""
    meet = minutes_heading(list(doc.lines), doc.line_start, doc.issued, doc.body)
    ref = meet.meeting
    heads = minute_heads(doc)
    out: list[object] = [meet, *labelled_lists(doc, ref, _header_end(heads, doc))]
    decl = [re.compile(p.replace("NAME", NAME)) for p in [RULES["declaration"], *RULES["declarations_more"]]]
    for (num, line, hi), head in zip(_spans(doc, heads), heads or [None]):
        paras = _paragraphs(doc, line + (1 if head else 0), hi) if head else _paragraphs(doc, line, hi)
        if head:
            out.append(MinuteRecord(ref, num, head[2], head[3], line, max([line] + [n for n, _ in paras])))
        out += _resolutions(ref, num, paras)
        for n, text in paras:
            out += sentence_attendance(_PARA.sub("", text), n, ref, num)
            out += [
                DeclarationRecord(ref, person(m.group("name"), n), m.groupdict().get("item"), text, num, n)
                for d in decl
                for m in d.finditer(text)
            ]
    out += _proceedings(doc, ref, heads, _chair(out))
    return dedupe(align_names(out))
