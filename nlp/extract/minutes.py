"""Minutes -> the meeting, numbered minutes, resolutions, declarations and elections.

Minutes open with "MINUTES of a meeting of <body> held in <venue> on <date>", then
attendance lists (`nlp.extract.attendance`), then numbered minutes ("**113. Title**",
"(Item B2)") whose "RESOLVED …" paragraphs are the resolutions. Declarations of
interest and elections of a chairman are read from the wording (`committee.json`).
"""
from __future__ import annotations

import re

from nlp.extract.agenda import date_and_time
from nlp.extract.attendance import align_names, dedupe, labelled_lists, sentence_attendance
from nlp.extract.meeting_records import (DeclarationRecord, MeetingRecord, MeetingRef, MembershipRecord, MinuteRecord,
                                         ResolutionRecord)
from nlp.model import Document
from nlp.name_lists import NAME, person
from nlp.paper_text import RULES, clean, rx, tidy_title

_HELD = re.compile(r"^minutes of (?:a|the) [\w ]*?meeting of (?:the )?(?P<body>.+?) held (?P<rest>.+)$", re.I)
_VENUE = re.compile(r"\b(?:in|at) (?:the )?(?P<venue>(?!\d).+?)(?= on \w+day| on \d|,? \w+day,| at \d|\.?$)", re.I)
_BOLD_MINUTE = re.compile(r"\*\*\s*(\d{1,4})\.\s+([^*]+?)\s*\*\*")
_ITEM_REF = rx("item_ref")
_RESOLVED = re.compile(r"^(?:[-•]\s*)?(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s*)?RESOLVED\b", re.I)
_PARA = re.compile(r"^(?:[-•]\s*)?\(?(\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+")
_TOP_PARA = re.compile(r"^(?:[-•]\s*)?\(?\d{1,2}[.)]\s+|^[A-Z]")


def minutes_heading(lines: list[str], line_start: int = 1) -> MeetingRecord:
    """The meeting a set of minutes records, from its "MINUTES of a meeting of …" line."""
    for i, raw in enumerate(lines):
        m = _HELD.match(clean(raw))
        if m:
            rest = m.group("rest")
            when, time = date_and_time(rest)
            venue = _VENUE.search(rest)
            return MeetingRecord(MeetingRef(tidy_title(m.group("body")), when), time,
                                 venue.group("venue").strip(" ,.") if venue else None, "minuted", line_start + i)
    return MeetingRecord(MeetingRef("Committee", None), None, None, "minuted", line_start)


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
    out: list[object] = [meet, *labelled_lists(doc, ref, heads[0][0] if heads else doc.line_end + 1)]
    bounds = [h[0] for h in heads[1:]] + [doc.line_end + 1]
    decl = re.compile(RULES["declaration"].replace("NAME", NAME))
    for (line, num, title, code), hi in zip(heads, bounds):
        paras = _paragraphs(doc, line, hi)
        last = max([line] + [n for n, _ in paras])
        out.append(MinuteRecord(ref, num, title, code, line, last))
        for res in _resolutions(ref, num, paras):
            out += [res, *_elections(ref, res)]
        for n, text in paras:
            out += sentence_attendance(_PARA.sub("", text), n, ref, num)
            out += [DeclarationRecord(ref, person(m.group("name"), n), m.group("item"), text, num, n)
                    for m in decl.finditer(text)]
    return dedupe(align_names(out))
