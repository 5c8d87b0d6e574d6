"""People as committee papers list them: "Mrs J Whittle (Chairman), Mr B Neaves".

`people` splits such a list into names with their bracketed notes, whatever the
layout: "Councillors Daly (Chairperson), Butler and Browne" (a plural title carried
to bare surnames), "Councillor Michael Hourigan, Mayor" (an office after a comma),
"Acting Head of Finance (Mr. S. Coughlan)" (the job first, the name in brackets) or
"Kieran Lehane (Director) Ger Dillon (Engineer)" (no comma between entries). `NAME`
is the regex of one titled name, for sentence patterns ("Apologies were received
from NAME"). Honorifics come from `nlp/data/people.json`; post-nominals, plural
titles and office words from `nlp/data/committee.json`.
"""

from __future__ import annotations

import re

from nlp.entity_names import people_data
from nlp.model import PersonRef
from nlp.paper_text import RULES
from nlp.text import squash

UPPER = "A-ZÀ-ÖØ-Þ"
_HON = "|".join(sorted(map(re.escape, people_data()["titled_name_honorifics"]), key=len, reverse=True))
HONORIFICS = _HON
_TOKEN = rf"[{UPPER}][\w'’.-]*"
NAME = rf"(?:(?:{_HON})\.?\s+)(?:[{UPPER}][\w'’-]*\.?\s*){{0,4}}[{UPPER}][\w'’-]+"
_NAME = re.compile(rf"^(?:(?:{_HON})\.?\s+)?{_TOKEN}(?:\s+{_TOKEN}){{0,5}}$")
_TITLED = re.compile(rf"^(?:{_HON})\.?\s+[{UPPER}]")
_POSTNOMINAL = re.compile(r"^(?:" + "|".join(RULES["name_suffixes"]) + r")$")
_PLURAL = re.compile(r"^(" + "|".join(map(re.escape, RULES["plural_titles"])) + r")\s+")
_OFFICE = re.compile(r"^(?:" + "|".join(map(re.escape, RULES["offices"] + RULES["role_suffixes"])) + r")$", re.I)


def _top_split(text: str) -> list[str]:
    """Split at commas, semicolons and ' and ' outside parentheses, and after a closing
    bracket that runs straight into the next capitalised entry."""
    parts, depth, cur, i = [], 0, "", 0
    while i < len(text):
        c = text[i]
        depth += (c == "(") - (c == ")")
        if depth == 0 and (c in ",;" or text.startswith(" and ", i)):
            parts.append(cur)
            cur, i = "", i + (1 if c in ",;" else 5)
            continue
        cur, i = cur + c, i + 1
        if depth == 0 and c == ")" and re.match(rf"\s+[{UPPER}]", text[i:]):
            parts.append(cur)
            cur = ""
    return [p.strip() for p in parts + [cur] if p.strip()]


def _job_first(text: str) -> list[tuple[str, str | None]] | None:
    """'Head of Finance (Mr. S. Coughlan), Director, Roads (Ms A Lee)': the name in brackets."""
    pairs = re.findall(r"([^()]+?)\s*\(([^()]+)\)\s*[,;.]?\s*(?:and\s+)?", text)
    if (
        len(pairs) < 1
        or not all(_TITLED.match(n.strip()) for _, n in pairs)
        or re.search(r"\)\s*[^\s,;.(]", text.strip())
    ):
        return None
    return [(n.strip(), job.strip(" ,;")) for job, n in pairs]


def _chunk(chunk: str) -> tuple[str, str | None]:
    """'Mrs A Lee (Chair)' or 'Jane Lee – Chief Executive' -> (name, note)."""
    m = re.match(r"^(.*?)\s*((?:\([^()]*\)\s*)*)$", chunk)
    name, notes = m.group(1).strip(), re.findall(r"\(([^()]*)\)", m.group(2))
    note = ", ".join(n.strip() for n in notes) if notes else None
    dash = re.match(r"^(.+?)\s+[-–—]\s+(.+)$", name)
    if dash and note is None:
        first, second = dash.group(1).strip(), dash.group(2).strip()
        return (second, first) if _TITLED.match(second) and not _TITLED.match(first) else (first, second)
    return name, note


def people(text: str) -> list[tuple[str, str | None]]:
    """'Mrs J Whittle (Chairman), Mrs A D Allen, MBE and Mr B Neaves' ->
    [(name, note in brackets)]; post-nominals (MBE, OBE) dropped, non-names skipped,
    an office after a comma ("…, Mayor") kept as the note of the name before it."""
    text = text.strip().rstrip(".;")
    job_first = _job_first(text)
    if job_first is not None:
        return job_first
    out: list[tuple[str, str | None]] = []
    carry = None
    for chunk in _top_split(text):
        name, note = _chunk(chunk)
        plural = _PLURAL.match(name)
        if plural:
            carry, name = RULES["plural_titles"][plural.group(1)], name[plural.end() :]
        elif _TITLED.match(name):
            carry = None
        if (_POSTNOMINAL.match(name) or _OFFICE.match(name)) and out and out[-1][1] is None:
            out[-1] = (out[-1][0], note if _POSTNOMINAL.match(name) else name)
            continue
        if _POSTNOMINAL.match(name) or _OFFICE.match(name):
            continue
        name = re.sub(r",?\s+(?:" + "|".join(RULES["name_suffixes"]) + r")$", "", name)
        if _NAME.match(name):
            out.append((f"{carry} {name}" if carry and not _TITLED.match(name) else name, note))
    return out


def is_name_list(text: str) -> bool:
    """True when every entry of `text` is a name, an office or a bracketed note alone."""
    text = text.strip().rstrip(".;")
    if not text or _job_first(text) is not None:
        return bool(text)
    for chunk in _top_split(text):
        name, _ = _chunk(chunk)
        name = _PLURAL.sub("", name)
        if name and not (_NAME.match(name) or _OFFICE.match(name) or _POSTNOMINAL.match(name)):
            return False
    return True


def person(name: str, line: int) -> PersonRef:
    """A PersonRef with the name's spaces tidied."""
    name = re.sub(r"\b([OD][’'])\s+(?=[A-Z])", r"\1", name)  # "O’ Donoghue" wrapped at the apostrophe
    return PersonRef(squash(name), line)
