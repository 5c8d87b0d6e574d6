"""Motions, nominations, elections and recorded votes in the prose of minutes.

Minutes are read as sentences (lines joined, so a name wrapped over two lines still
reads as one), whatever the layout: "proposed by Cllr A and seconded by Cllr B",
"It was moved by …", "On the proposal of …", "Mover:- Councillor A  Seconder:- …",
"Councillor A nominated Councillor B as Chair; this was seconded by …", "Councillor
A was elected Mayor for the ensuing year", "FOR: Councillors A, B (2)  AGAINST: …",
"carried by 10 votes to 4 with 2 abstentions". Wording lives in `committee.json`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from nlp.extract.meeting_records import ElectionRecord, MeetingRef, MotionRecord, VoteRecord
from nlp.model import Document, PersonRef
from nlp.name_lists import HONORIFICS, NAME, is_name_list, people, person
from nlp.paper_text import RULES, clean

_M = RULES["motions"]
_V = RULES["votes"]
_OFFICE = "(?i:" + "|".join(sorted(map(re.escape, RULES["offices"]), key=len, reverse=True)) + ")"
_ROLE = (
    "(?i:" + "|".join(sorted(map(re.escape, RULES["chair_offices"] + ["Mayor", "Leader"]), key=len, reverse=True)) + ")"
)
_NUM = r"(?:\d{1,3}|" + "|".join(_V["numbers"]) + ")"
_ABBREV = re.compile(r"(?:^|\s)(?:[A-Z]|[A-Z][a-z]{0,3}|No|Nos|St|Cllr|Prof|Revd)\.$")
_MARKER = re.compile(r"^(?:[-•*]\s*)?(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+)?")


def _compile(patterns: list[str]) -> list[re.Pattern]:
    return [re.compile(p.replace("NAME", NAME).replace("ROLE", _ROLE).replace("OFFICE", _OFFICE)) for p in patterns]


_PROPOSER, _SECONDER = _compile(_M["proposer"]), _compile(_M["seconder"])
_ELECTED, _NOMINATED = _compile(RULES["election"]), _compile(RULES["nomination"])
_TOTALS = [re.compile(p.replace("N", _NUM), re.I) for p in _V["totals"]]
_VOTE_LABEL = re.compile(
    r"(?<![\w-])(?P<label>"
    + "|".join(f"(?P<{k}>{p})" for k, p in _V["labels"].items())
    + r")(?:\s*\((?P<n>\d+)\)\s*[:\-–]?|\s*[:\-–])",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    minute: int | None


def sentences(doc: Document, lo: int, hi: int, minute: int | None) -> list[Sentence]:
    """The sentences of lines [lo, hi), each with the line it starts on."""
    flow, starts, lines, cuts, prev = "", [], [], [], ""
    for n, raw in doc.numbered():
        text = _MARKER.sub("", clean(raw)) if lo <= n < hi else ""
        if not text:
            continue
        starts.append(len(flow) + (1 if flow else 0))
        lines.append(n)
        if prev and _line_break(prev, text):
            cuts.append(starts[-1])
        flow, prev = (f"{flow} {text}" if flow else text), text
    ends = [m for m in re.finditer(r"(?<=[.!?])[”\"']?\s+(?=[A-Z“\"(])", flow)]
    out, begin = [], 0
    for start, end in sorted([(m.start(), m.end()) for m in ends] + [(c - 1, c) for c in cuts]):
        if start <= begin or (flow[start - 1 : start] in ".!?”\"'" and _ABBREV.search(flow[begin:start])):
            continue
        out.append((begin, flow[begin:start].strip()))
        begin = end
    out.append((begin, flow[begin:].strip()))
    return [Sentence(t, lines[bisect.bisect_right(starts, b) - 1], minute) for b, t in out if t]


def _line_break(prev: str, text: str) -> bool:
    """A line end that ends a sentence without a full stop: after a table cell or a heading
    (a short line), unless a label, a name list or a wrapped name carries on."""
    if prev.endswith(tuple(".!?:,;(&-’'")) or not text[:1].isupper() or len(prev) >= 45:
        return False
    if re.search(rf"(?:^|\s)(?:{HONORIFICS})\.?$", prev):
        return False
    return not (is_name_list(prev) and is_name_list(text))


def _who(patterns: list[re.Pattern], text: str, line: int, chair: PersonRef | None) -> tuple[PersonRef | None, int]:
    """The first person a pattern names (a role such as "the Chair" stands for the chair), and where."""
    found = [m for p in patterns for m in [p.search(text)] if m]
    if not found:
        return None, -1
    m = min(found, key=lambda m: m.start())
    name = m.group("name")
    if re.fullmatch(_ROLE, name):
        return (PersonRef(chair.name, line) if chair else None), m.start()
    return person(name, line), m.start()


def _outcome(text: str) -> str | None:
    return next((k for k, p in _M["outcomes"].items() if re.search(p, text, re.I)), None)


def _motion_text(sents: list[Sentence], i: int, covered: int) -> str:
    """The motion as stated: the sentence, the "That …" or quoted text after it, or the
    sentence before it when this one only names the mover and seconder."""
    text = sents[i].text
    nxt = sents[i + 1].text if i + 1 < len(sents) and sents[i + 1].minute == sents[i].minute else ""
    if text.endswith(":") or re.match(r"^[“\"']?That\b", nxt):
        text = f"{text} {nxt}".strip()
    elif len(text) - covered < 20 and i and sents[i - 1].minute == sents[i].minute:
        text = f"{sents[i - 1].text} {text}"
    return text


def motions(meeting: MeetingRef, sents: list[Sentence], chair: PersonRef | None) -> list[MotionRecord]:
    """One record per sentence that names a proposer or a seconder."""
    out: list[MotionRecord] = []
    for i, s in enumerate(sents):
        prop, at_p = _who(_PROPOSER, s.text, s.line, chair)
        sec, at_s = _who(_SECONDER, s.text, s.line, chair)
        if at_p < 0 and at_s < 0:
            continue
        covered = sum(len(p.name) + 12 for p in (prop, sec) if p)
        text = _motion_text(sents, i, covered)
        tail = " ".join([s.text] + [x.text for x in sents[i + 1 : i + 3] if x.minute == s.minute])
        rec = MotionRecord(
            meeting,
            s.minute,
            len(out) + 1,
            text,
            prop,
            sec,
            _outcome(s.text) or _outcome(tail),
            bool(re.search(_M["unanimous"], tail, re.I)),
            s.line,
        )
        out[-1:] = _merge(out[-1], rec) if out else [rec]
    return out


def _surname(ref: PersonRef | None) -> str | None:
    return ref.name.split()[-1].lower() if ref else None


def _merge(prev: MotionRecord, rec: MotionRecord) -> list[MotionRecord]:
    """ "Councillor A moved the motion." then "Mover: Councillor A  Seconder: Councillor B": one motion."""
    same = prev.minute == rec.minute and _surname(prev.proposer) == _surname(rec.proposer) and rec.proposer
    if not same or (prev.seconder and rec.seconder):
        return [prev, rec]
    return [
        replace(
            rec,
            ordinal=prev.ordinal,
            seconder=rec.seconder or prev.seconder,
            line=prev.line,
            text=rec.text if prev.text in rec.text else f"{prev.text} {rec.text}",
        )
    ]


def _count(text: str) -> int | None:
    text = text.strip().lower()
    return int(text) if text.isdigit() else _V["numbers"].get(text)


def _roll_call(s: Sentence) -> tuple[dict[str, int | None], list[tuple[str, PersonRef]]]:
    """'FOR: Councillors A, B (2) AGAINST: Councillor C' -> counts and names by way of voting."""
    counts: dict[str, int | None] = {}
    names: list[tuple[str, PersonRef]] = []
    found = list(_VOTE_LABEL.finditer(s.text))
    for m, nxt in zip(found, found[1:] + [None]):
        way = next(k for k in _V["labels"] if m.group(k))
        part = s.text[m.end() : nxt.start() if nxt else len(s.text)].strip(" .;,")
        tail = re.search(r"\(?(\d+)\)?$", part)
        n = m.group("n") or (tail.group(1) if tail else None)
        part = part[: tail.start()] if tail else part
        who = [(way, person(nm, s.line)) for nm, _ in people(part)]
        names += who
        counts[way] = int(n) if n else (len(who) if who or _count(part) is None else _count(part))
    return counts, names


def _totals(text: str) -> dict[str, int | None]:
    for p in _TOTALS:
        m = p.search(text)
        if m:
            return {k: _count(m.group(k)) for k in ("for", "against", "abstain") if m.group(k)}
    return {}


def votes(
    meeting: MeetingRef, sents: list[Sentence], table_votes: list[VoteRecord], motion_list: list[MotionRecord]
) -> list[VoteRecord]:
    """Recorded votes in sentences (roll calls and totals) and vote tables, each on the
    latest motion of its minute."""
    out: list[VoteRecord] = []
    for s in sents:
        counts, names = _roll_call(s)
        counts = counts or _totals(s.text)
        if counts:
            out.append(
                VoteRecord(
                    meeting,
                    s.minute,
                    None,
                    0,
                    counts.get("for"),
                    counts.get("against"),
                    counts.get("abstain"),
                    tuple(names),
                    s.text,
                    s.line,
                )
            )
    out += table_votes
    done = []
    for i, v in enumerate(sorted(out, key=lambda v: v.line), 1):
        on = [m for m in motion_list if m.minute == v.minute and m.line <= v.line]
        done.append(
            VoteRecord(
                v.meeting,
                v.minute,
                on[-1].ordinal if on else None,
                i,
                v.votes_for,
                v.votes_against,
                v.abstentions,
                v.names,
                v.text,
                v.line,
            )
        )
    return done


def vote_tables(doc: Document, meeting: MeetingRef, spans: list[tuple[int | None, int, int]]) -> list[VoteRecord]:
    """Tab-separated roll calls: a header row of For / Against / Abstain, names in columns below."""
    label = re.compile(
        r"^(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _V["labels"].items()) + r")\s*(?:\(\d+\))?$", re.I
    )
    rows = doc.numbered()
    out = []
    for k, (n, raw) in enumerate(rows):
        cells = [clean(c) for c in raw.split("\t")]
        heads = [label.match(c) for c in cells]
        if len(cells) < 2 or not all(heads):
            continue
        ways = [next(w for w in _V["labels"] if h.group(w)) for h in heads]
        names = []
        for m, body in rows[k + 1 :]:
            if "\t" not in body:
                break
            for way, cell in zip(ways, body.split("\t")):
                names += [(way, person(nm, m)) for nm, _ in people(clean(cell))]
        minute = next((num for num, lo, hi in spans if lo <= n < hi), None)
        tally = {w: sum(1 for x, _ in names if x == w) for w in ways}
        out.append(
            VoteRecord(
                meeting,
                minute,
                None,
                0,
                tally.get("for"),
                tally.get("against"),
                tally.get("abstain"),
                tuple(names),
                raw.strip(),
                n,
            )
        )
    return out


def elections(meeting: MeetingRef, sents: list[Sentence], motion_list: list[MotionRecord]) -> list[ElectionRecord]:
    """Nominations and elections to an office, one per person and office; a nomination
    that was moved and seconded is linked to its motion."""
    found: dict[tuple[str, str], ElectionRecord] = {}
    for s in sents:
        moved = next((m.ordinal for m in motion_list if m.line == s.line and m.minute == s.minute), None)
        for pat in [*_NOMINATED, *_ELECTED]:
            for m in pat.finditer(s.text):
                key = (m.group("name").split()[-1].lower(), m.group("role").lower())
                old = found.get(key)
                elected = pat in _ELECTED or bool(old and old.elected)
                if old is not None and pat not in _ELECTED:
                    continue
                found[key] = ElectionRecord(
                    meeting,
                    s.minute,
                    person(m.group("name"), s.line),
                    m.group("role"),
                    moved or (old.motion if old else None),
                    elected,
                    s.text,
                    s.line,
                )
    return list(found.values())
