"""People as committee papers list them: "Mrs J Whittle (Chairman), Mr B Neaves".

`people` splits such a list into names with their bracketed notes; `NAME` is the regex
of one titled name, for sentence patterns ("Apologies were received from NAME").
Honorifics come from `nlp/data/people.json`, post-nominals to drop from
`nlp/data/committee.json` (``name_suffixes``).
"""
from __future__ import annotations

import re

from nlp.entity_names import people_data
from nlp.model import PersonRef
from nlp.paper_text import RULES

_HON = "|".join(sorted(map(re.escape, people_data()["titled_name_honorifics"]), key=len, reverse=True))
NAME = rf"(?:(?:{_HON})\.?\s+)(?:[A-Z][\w'’-]*\.?\s+){{0,4}}[A-Z][\w'’-]+"
_NAME = re.compile(rf"^(?:(?:{_HON})\.?\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,5}}$")
_POSTNOMINAL = re.compile(r"^(?:" + "|".join(RULES["name_suffixes"]) + r")$")


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
    """A PersonRef with the name's spaces tidied."""
    return PersonRef(re.sub(r"\s+", " ", name).strip(), line)
