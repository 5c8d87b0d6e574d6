"""Motions, recorded votes and elections -> triples.

- a `ckg:Motion` hangs under its meeting (…/meeting/…/motion/<n>) with its verbatim
  `ckg:text`, `ckg:proposer` and `ckg:seconder` (people), `ckg:outcome`, and the
  minute it was moved under (`ckg:forMinute`);
- a `ckg:Vote` records the totals (`ckg:votesFor`, `ckg:votesAgainst`,
  `ckg:abstentions`) on a motion (`ckg:onMotion`), and each named voter
  `person ckg:votedFor|ckg:votedAgainst|ckg:abstainedOn vote`;
- a `ckg:Election` names the office (`ckg:office`), the `ckg:candidate`, whether the
  minutes say they were `ckg:elected`, and the nomination motion (`ckg:onMotion`).
"""

from __future__ import annotations

from rdflib import URIRef

from kg.triples.committee import meeting, minute
from kg.triples.core import DocGraph
from kg.iri import scoped_iri
from kg.vocab import CKG
from nlp.extract import meeting_records as M
from nlp.text import slug

_VOTED = {"for": CKG.votedFor, "against": CKG.votedAgainst, "abstain": CKG.abstainedOn}


def _under_meeting(dg: DocGraph, ref: M.MeetingRef, kind: str, key: str | int, minute_no: int | None) -> URIRef:
    """A node of `kind` under the meeting, linked to the meeting and to its minute."""
    m = meeting(dg, ref)
    node = scoped_iri(m, kind, key)
    dg.add(node, CKG.ofMeeting, m)
    if minute_no is not None:
        dg.add(node, CKG.forMinute, minute(dg, ref, minute_no))
    return node


def motion_node(dg: DocGraph, ref: M.MeetingRef, ordinal: int) -> URIRef:
    return scoped_iri(meeting(dg, ref), "motion", ordinal)


def motion(dg: DocGraph, rec: M.MotionRecord) -> None:
    node = _under_meeting(dg, rec.meeting, "motion", rec.ordinal, rec.minute)
    dg.typed(node, CKG.Motion, label=rec.text[:120])
    dg.add(node, CKG.text, rec.text)
    dg.add(node, CKG.ordinal, rec.ordinal)
    for prop, who in ((CKG.proposer, rec.proposer), (CKG.seconder, rec.seconder)):
        if who is not None:
            dg.add(node, prop, dg.person(who))
    dg.add(node, CKG.outcome, rec.outcome)
    if rec.unanimous:
        dg.add(node, CKG.unanimous, True)
    dg.derive(node, rec.line)


def vote(dg: DocGraph, rec: M.VoteRecord) -> None:
    node = _under_meeting(dg, rec.meeting, "vote", rec.ordinal, rec.minute)
    totals = ", ".join(
        f"{n} {w}"
        for w, n in (("for", rec.votes_for), ("against", rec.votes_against), ("abstaining", rec.abstentions))
        if n is not None
    )
    dg.typed(node, CKG.Vote, label=f"Vote: {totals}" if totals else "Vote")
    dg.add(node, CKG.text, rec.text)
    dg.add(node, CKG.votesFor, rec.votes_for)
    dg.add(node, CKG.votesAgainst, rec.votes_against)
    dg.add(node, CKG.abstentions, rec.abstentions)
    if rec.motion is not None:
        dg.add(node, CKG.onMotion, motion_node(dg, rec.meeting, rec.motion))
    for way, who in rec.names:
        dg.add(dg.person(who), _VOTED[way], node)
    dg.derive(node, rec.line)


def election(dg: DocGraph, rec: M.ElectionRecord) -> None:
    node = _under_meeting(dg, rec.meeting, "election", slug(rec.office), rec.person.name)
    dg.typed(node, CKG.Election, label=f"{rec.person.name}, {rec.office}")
    dg.add(node, CKG.office, rec.office)
    dg.add(node, CKG.candidate, dg.person(rec.person))
    dg.add(node, CKG.elected, rec.elected)
    dg.add(node, CKG.text, rec.text)
    if rec.motion is not None:
        dg.add(node, CKG.onMotion, motion_node(dg, rec.meeting, rec.motion))
    dg.derive(node, rec.line)


BUILDERS = {M.MotionRecord: motion, M.VoteRecord: vote, M.ElectionRecord: election}
