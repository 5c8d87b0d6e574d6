"""Who issued a document, for which body, when, what kind it is and what to call it.

Read from the opening lines of any council's papers ("MINUTES of a meeting of the
Cabinet held at … on 7 March 2023", "Meeting: 13/02/2019 - Cabinet (Item 9)", a cover
block with a date line), with the layout vocabulary in `data/identity.json`. What the
text does not say stays unknown ("" or None); nothing here names one council or paper.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from nlp.dates import DATE, MONTHS, parse_date
from nlp.entity_names import body_name, titlecase
from nlp.text import slug, squash

_DATA = Path(__file__).parent / "data"
_V = json.loads((_DATA / "identity.json").read_text(encoding="utf-8"))
_COUNCILS = json.loads((_DATA / "councils.json").read_text(encoding="utf-8"))
UNKNOWN_COUNCIL = ("Unknown council", "unknown")
HEAD_LINES = 40


def _any(patterns: list[str], flags: int = re.I) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


_MONTH_LINE = re.compile(r"(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_TIME = re.compile(r"\b(?:at\s+)?\d{1,2}(?:[.:]\d\d)?\s*(?:[ap]\.?m\.?)|\b\d{1,2}[.:]\d\d\b", re.I)
_OPENINGS = [re.compile(p, re.I | re.M | re.S) for p in _V["openings"]]
_BOILERPLATE = _any(_V["boilerplate"])
_STRIP = [re.compile(p, re.I) for p in _V["title_strip"]]
_LABEL = re.compile(r"^\W*(?:" + "|".join(map(re.escape, _V["labels"])) + r")\s*:", re.I)
_DATE_LABEL = re.compile(r"^\W*(?:" + "|".join(map(re.escape, _V["date_labels"])) + r")\s*[:\t]\s*(.+)$", re.I)
_MINUTES = _any(_V["minutes_signals"], re.I | re.M)
_KINDS = [(k, re.compile(p, re.I), label) for k, p, label in _V["kinds"]]
_HEADS = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in _V["body_heads"])
_BODY = re.compile(rf"(?:[A-Z][\w'’&,-]*\s+(?:(?:and|of|the|for|&)\s+)*){{0,7}}(?:{_HEADS})\b", re.I)
_ACTING = re.compile(
    r"\b(?:the\s+)?(" + "|".join(_V["acting_bodies"]) + r")\s+(?:" + "|".join(_V["acting_verbs"]) + r")\b"
    r"|\b(?:recommended that|asked to|report to)\s+(?:the\s+)?(" + "|".join(_V["acting_bodies"]) + r")\b"
)
_COUNCIL_RES = [re.compile(p) for p in _V["council_patterns"]]
_COUNCIL_LOOSE = [re.compile(p) for p in _V["council_pattern_loose"]]
SHORT_LINE_WORDS = 12
_NOT_PLACES = set(_V["not_places"])


@dataclass(frozen=True)
class Identity:
    """What a document's text says about itself; empty where it is silent."""

    council: str = ""
    body: str = ""
    meeting_date: date | None = None
    issued: date | None = None
    doc_type: str = ""
    title: str = ""


# -- dates ------------------------------------------------------------------------------
def parse_year(text: str) -> int | None:
    """The first year (19xx/20xx) in `text`."""
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def _is_date_line(line: str) -> bool:
    """A line that is only a date (maybe with weekday and time): a cover-page date."""
    m = DATE.search(line)
    rest = _TIME.sub("", line[: m.start()] + line[m.end() :]) if m else line
    return bool(m) and not re.search(r"\w", rest)


def cover_date(head: list[str]) -> date | None:
    """A labelled date ("Published: 2 July 2025"), a date-only or a month-only line ("March 2019") among the opening lines."""
    for line in head[:25]:
        m = _DATE_LABEL.match(line)
        if m and parse_date(m.group(1)):
            return parse_date(m.group(1))
        if _is_date_line(line):
            return parse_date(line)
        m = _MONTH_LINE.fullmatch(line.strip(" *#"))
        if m:
            return parse_date(f"1 {m.group(1)} {m.group(2)}")
    return None


# -- council ---------------------------------------------------------------------------
def _plain(line: str) -> str:
    """Markup-free line; shouted lines in title case so name patterns can see capitals."""
    s = squash(re.sub(r"[*#_|]+|<[^>]+>", " ", line))
    return titlecase(s.lower()) if s.isupper() else s


def council_name(raw: str) -> str:
    """One spelling of a council name: "and" for "&", no possessive, no leading "The"."""
    s = re.sub(r"\s*\([^)]*\)", "", raw.replace("&", "and"))
    s = re.sub(r"['’]s\b", "", re.sub(r"\s+", " ", s)).strip(" ,.")
    s = re.sub(r"^the\s+", "", s, flags=re.I)
    return " ".join(w if w in ("and", "of") else w[:1].upper() + w[1:] for w in s.split())


def councils_named(text: str) -> list[str]:
    """Council names written out in `text` ("Mid Shire District Council", "London Borough of X"), in order."""
    found: list[str] = []
    for line in text.splitlines():
        plain = _plain(line)
        loose = _COUNCIL_LOOSE if len(plain.split()) <= SHORT_LINE_WORDS else []
        for rx in _COUNCIL_RES + loose:
            for m in rx.finditer(plain):
                words = m.group(0).split()
                while words and words[0].lower() in _NOT_PLACES:
                    words.pop(0)
                name = council_name(" ".join(words))
                if " " in name and name not in found:
                    found.append(name)
    return found


@cache
@cache
def council_aliases() -> dict[str, tuple[str, str]]:
    """Every name and alias of a known council, case-folded -> (key, name): "kcc" -> ("kcc", "Kent County Council")."""
    return {alias.casefold(): (c["key"], c["name"]) for c in _COUNCILS for alias in [c["name"], *c["aliases"]]}


def known_council(name: str) -> dict | None:
    """The councils.json entry a name or alias refers to."""
    low = name.lower()
    return next((c for c in _COUNCILS if any(a.lower() == low for a in c["aliases"]) or c["name"].lower() == low), None)


def council_key(name: str) -> str:
    """Key of a council: the known key, else a slug of its name without "Council"."""
    known = known_council(name)
    if known:
        return known["key"]
    return slug(re.sub(r"\bcouncil\b", "", re.sub(r"['’]", "", name), flags=re.I)) or UNKNOWN_COUNCIL[1]


def council_in_head(head: list[str]) -> str:
    """The first council the opening lines name, or ""."""
    names = councils_named("\n".join(head))
    return names[0] if names else ""


def council_mentioned(text: str) -> str:
    """The council most mentioned anywhere in `text` (known aliases or written-out names), or ""."""
    scores: Counter[str] = Counter()
    for c in _COUNCILS:
        for alias in c["aliases"]:
            scores[c["name"]] += len(re.findall(r"\b" + re.escape(alias) + r"\b", text))
    if not +scores:
        scores.update(n for line in text.splitlines() for n in councils_named(line))
    best = (+scores).most_common(1)
    return best[0][0] if best else ""


# -- body and meeting ------------------------------------------------------------------
def clean_body(raw: str) -> str:
    """A body's name from an opening: no council possessive, no trailing place or date."""
    s = re.sub(r"\s+", " ", raw).strip(" ,.:;-–")
    s = re.sub(r"^.*?\bCouncil['’]s\s+", "", s, flags=re.I)
    s = re.sub(r"^(?:the|a|an)\s+", "", s, flags=re.I)
    return body_name(s) if s else ""


def meeting_opening(head: list[str]) -> tuple[str, date | None, int] | None:
    """(body, date, index of the opening line) from a meeting opening among the first lines."""
    lines = head[:14]
    text = "\n".join(lines)
    for rx in _OPENINGS:
        m = rx.search(text)
        if not m or not _BODY.search(m.group("body")):
            continue
        after = text[m.start() : m.end() + 220]
        when = parse_date(m.groupdict().get("date") or "") or parse_date(after)
        return clean_body(m.group("body")), when, text[: m.start()].count("\n")
    return None


def front_sheet(head: list[str]) -> tuple[str, date | None, int] | None:
    """A cover block: a line that is only a body's name, with a dated line just under it."""
    for i, line in enumerate(head[:10]):
        name = title_line(line)
        if _BODY.fullmatch(name) and not councils_named(name):
            when = next((parse_date(l) for l in head[i + 1 : i + 3] if len(l.split()) <= 20 and parse_date(l)), None)
            if when:
                return clean_body(name), when, i
    return None


def body_in(text: str) -> str:
    """A body named in free text (a sidecar kind, a "Report to:" field): "audit committee minute" -> "Audit Committee"."""
    m = _BODY.search(text)
    if not m:
        return ""
    name = m.group(0).strip()
    if not name or (
        name.lower() == "council" and not re.search(r"\bcouncil (?:minutes?|meeting|agenda)\b", text, re.I)
    ):
        return ""
    return clean_body(titlecase(name) if name.islower() else name)


def acting_body(text: str) -> str:
    """A single-name body acting in the prose ("The Cabinet gave consideration…"), the commonest."""
    found = Counter((m.group(1) or m.group(2)).title() for m in _ACTING.finditer(text))
    return found.most_common(1)[0][0] if found else ""


# -- kind and title ------------------------------------------------------------------------
def kind_of(text: str) -> str:
    """The ontology class a kind phrase names ("cabinet minute / budget" -> "BudgetReport"), or ""."""
    return next((k for k, rx, _ in _KINDS if rx.search(text)), "")


def kind_label(doc_type: str) -> str:
    return next((label for k, _, label in _KINDS if k == doc_type), _V["kind_labels"].get(doc_type, "document"))


def is_minutes(head: list[str]) -> bool:
    return bool(_MINUTES.search("\n".join(head)))


def title_line(line: str) -> str:
    """A line cleaned of file-size, icon, timestamp and item-number noise."""
    s = _plain(line)
    for rx in _STRIP:
        s = rx.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip(" -–:|")


def is_title(line: str) -> bool:
    """Heading-like: short, not boilerplate, not a label, a list, a sentence or a date."""
    s = title_line(line)
    return (
        3 <= len(s) <= 120
        and len(s.split()) <= 16
        and re.search(r"[A-Za-z]{3}", s) is not None
        and not any(_BOILERPLATE.search(x) for x in (s, re.split(r"\s[-–]\s", s)[0]))
        and not _LABEL.match(s)
        and not _is_date_line(s)
        and not _MONTH_LINE.fullmatch(s.strip(" *#"))
        and (s[:1].isupper() or s[:1].isdigit())
        and not s.endswith((".", ",", ";"))
        and s.count(",") < 3
        and not re.search(r"\bheld (?:on|at|in)\b", s, re.I)
    )


_NUMBERED_ITEM = re.compile(r"^\s*(?:item\s+)?\d{1,2}(?:\.\d+)*[.)]\s+\S", re.I)


def heading_title(lines: list[str]) -> str:
    """The first heading-like line naming a subject (not a kind word, a body or a council), or ""."""
    generic = {label for _, _, label in _KINDS}
    for line in lines:
        s = title_line(line)
        if _NUMBERED_ITEM.match(_plain(line)):
            continue  # "1. Apologies for absence" is an item of the document, not its title
        if is_title(line) and s.lower() not in generic and not _BODY.fullmatch(s) and s not in councils_named(s):
            return s
    return ""


def built_title(doc_type: str, body: str, when: date | None, year: int | None) -> str:
    """ "Cabinet minutes, 10 November 2020" from what is known."""
    label = kind_label(doc_type)
    name = f"{body} {label}" if body else label[:1].upper() + label[1:]
    stamp = f"{when.day} {when.strftime('%B %Y')}" if when else (str(year) if year else "")
    return f"{name}, {stamp}" if stamp else name


def read_identity(lines: list[str]) -> Identity:
    """Council, body, meeting date, issued date, kind and title from a document's opening."""
    head = [l for l in (_plain(x) for x in lines[:200]) if l][:HEAD_LINES]
    opening = meeting_opening(head) or front_sheet(head)
    body, when, at = opening or ("", None, len(head))
    body = body or acting_body("\n".join(lines[:120]))
    title = heading_title(head[: min(at, 10)])
    if not title and opening and not is_minutes(head):  # a cover block: the subject follows the date
        title = heading_title(head[at + 1 : at + 5])
    headings = [title, *(h for h in head[:10] if is_title(h))]
    doc_type = "Minutes" if is_minutes(head) else next((k for k in map(kind_of, headings) if k), "")
    return Identity(
        council=council_in_head(head),
        body=body,
        meeting_date=when,
        issued=cover_date(head) or when,
        doc_type=doc_type,
        title=title,
    )
