"""The outline of a portfolio plan: who leads it, what it serves and how the council works.

Finds, from the plan's own layout rather than its exact words:
- role holders: "Councillor Sylvia Tidy" followed by "Lead Member for …" (possibly
  bold and wrapped over lines) and the paragraphs of responsibilities after it, or a
  one-line signature "Councillor Bill Bentley Lead Member for …"; officers likewise
  ("Jane Doe" + "Director of …");
- priority outcomes: the list after "… priority outcomes:" (inline, ";"-separated, or
  bulleted) and every "<priority> - delivery outcomes" heading;
- delivery outcomes: the numbered lines under such a heading, numbered within the plan;
- operating principles: "Name: text" items under an "Operating Principles" heading.
Role prefixes, honorifics and heading patterns live in `nlp/data/plan_outline.json`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nlp.model import Document, PersonRef
from nlp.text import squash

APPLIES_TO = {"PortfolioPlan"}

_BULLET = re.compile(r"^\s*(?:(?:[-•❖*▪●]|\uf0b7|\uf076)\s*)+")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(?!\d)(\S.*)$")
_PARAGRAPH_NO = re.compile(r"^\d+(?:\.\d+)+\s")
_NAME = r"[A-Z][A-Za-z'’.-]*(?:\s+[A-Z][A-Za-z'’.-]*){1,3}"


@dataclass(frozen=True)
class RoleHolding:
    """A person holding a role, as stated by the plan (with the responsibilities it lists)."""

    person: PersonRef
    role: str
    responsibilities: str
    line: int
    officer: bool = False


@dataclass(frozen=True)
class PriorityOutcome:
    """One of the council's priority outcomes, in the order the plan lists them."""

    name: str
    rank: int
    line: int


@dataclass(frozen=True)
class DeliveryOutcome:
    """Delivery outcome `number` of this plan, under the priority outcome it serves."""

    number: int
    text: str
    priority: str
    line: int


@dataclass(frozen=True)
class OperatingPrinciple:
    """One of the council's operating principles ("Strategic commissioning: …")."""

    name: str
    text: str
    line: int


@cache
def rules() -> dict:
    """The rule data, loaded once."""
    return json.loads((Path(__file__).parent.parent / "data" / "plan_outline.json").read_text(encoding="utf-8"))


def clean(text: str) -> str:
    """A line without bold markers, bullets, private-use glyphs and repeated spaces."""
    text = re.sub(r"[\uf000-\uf8ff\u200b\xa0]", " ", text.replace("**", ""))
    return squash(_BULLET.sub("", text))


def content_lines(doc: Document) -> list[tuple[int, str, str]]:
    """(absolute line, raw text, cleaned text) of every non-blank line."""
    return [(n, raw, clean(raw)) for n, raw in doc.numbered() if clean(raw)]


def is_heading(text: str) -> bool:
    """A short line with no sentence punctuation at its end: a heading, not prose."""
    return len(text) < 80 and not text.endswith((".", ":", ";", ",")) and not _NUMBERED.match(text)


def sentence_case(label: str) -> str:
    """ "Driving Sustainable Economic Growth" -> "Driving sustainable economic growth";
    a label already in sentence case only gets its first letter raised."""
    words = label.split()
    long_words = [w for w in words if len(w) > 3]
    if len(words) > 2 and long_words and all(w[0].isupper() for w in long_words):
        words = [words[0]] + [w if w.isupper() else w.lower() for w in words[1:]]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def extract(doc: Document) -> list[object]:
    """All outline records of one plan."""
    lines = content_lines(doc)
    return [*role_holdings(lines), *priority_outcomes(lines), *delivery_outcomes(lines), *operating_principles(lines)]


# -- role holders ---------------------------------------------------------------------------
@cache
def _role_start() -> re.Pattern:
    prefixes = sorted(rules()["member_roles"] + rules()["officer_roles"], key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(re.escape(p) for p in prefixes) + r")")


@cache
def _person_line() -> re.Pattern:
    """ "Councillor Sylvia Tidy" or "Councillor Bill Bentley Lead Member for …" (role optional)."""
    honor = "|".join(re.escape(h) for h in sorted(rules()["honorifics"], key=len, reverse=True))
    return re.compile(
        rf"^(?:(?P<honor>{honor})\s+)?(?P<name>{_NAME}?)\s*,?(?:\s+(?P<role>{_role_start().pattern}.*))?$"
    )


def _is_name(name: str, honorific: bool) -> bool:
    """Two to four capitalised words; without an honorific, none may be a heading word."""
    words = name.split()
    return 2 <= len(words) <= 4 and (honorific or not set(words) & set(rules()["not_name_words"]))


def _role_text(lines: list[tuple[int, str, str]], i: int, first: str) -> tuple[str, int]:
    """The full role title starting with `first` at line index i (bold or wrapped), and the
    index of its last line."""
    parts, raw = [first], lines[i][1]
    open_bold = raw.count("**") % 2 == 1
    while i + 1 < len(lines) and (open_bold or re.search(r"(?:\bfor|\band|\bof|,|&)$", parts[-1])):
        i += 1
        parts.append(lines[i][2])
        open_bold = open_bold and lines[i][1].count("**") % 2 == 0
    return " ".join(parts).strip(" ,."), i


def _responsibilities(lines: list[tuple[int, str, str]], i: int) -> str:
    """The prose paragraphs after line index i, up to a heading, person or numbered paragraph."""
    paras = []
    for j in range(i + 1, len(lines)):
        text = lines[j][2]
        if is_heading(text) or _PARAGRAPH_NO.match(text) or _holder_at(lines, j):
            break
        paras.append(text)
    return "\n\n".join(paras)


def _holder_at(lines: list[tuple[int, str, str]], i: int) -> tuple[str, str, int] | None:
    """(name, role, index of the role's last line) if a role holder starts at index i
    (never in a table row)."""
    m = None if "\t" in lines[i][1] else _person_line().match(lines[i][2])
    if not m or not _is_name(m.group("name"), bool(m.group("honor"))):
        return None
    if m.group("role"):
        role, end = _role_text(lines, i, m.group("role"))
        return m.group("name"), role, end
    if i + 1 < len(lines) and _role_start().match(lines[i + 1][2]):
        role, end = _role_text(lines, i + 1, lines[i + 1][2])
        return m.group("name"), role, end
    return None


def role_holdings(lines: list[tuple[int, str, str]]) -> list[RoleHolding]:
    """Every person named with a role title, with the responsibilities that follow."""
    officer = re.compile("|".join(re.escape(p) for p in rules()["officer_roles"]))
    found = []
    for i, (n, _raw, _text) in enumerate(lines):
        hit = _holder_at(lines, i)
        if hit:
            name, role, end = hit
            found.append(
                RoleHolding(PersonRef(name, n), role, _responsibilities(lines, end), n, bool(officer.match(role)))
            )
    return found


# -- priority and delivery outcomes -----------------------------------------------------
def _listed_priorities(lines: list[tuple[int, str, str]]) -> list[tuple[str, int]]:
    """Names from "… priority outcomes: a; b; and c." or the bullet list after such a line."""
    intro = re.compile(rules()["priority_list_intro"], re.I)
    found: list[tuple[str, int]] = []
    for i, (n, _raw, text) in enumerate(lines):
        m = intro.search(text)
        if not m:
            continue
        rest = text[m.end() :].strip()
        if rest:
            items = re.split(r"\s*;\s*", rest.split(". ")[0].rstrip("."))
            found += [(it, n) for it in items if it] if len(items) > 1 else []
            continue
        for n2, raw2, text2 in lines[i + 1 :]:
            if not _BULLET.match(raw2):
                break
            found.append((text2, n2))
    return [(re.sub(r"^and\s+|[;.,]$|\s+and$", "", name).strip(" ;.,"), n) for name, n in found]


def priority_outcomes(lines: list[tuple[int, str, str]]) -> list[PriorityOutcome]:
    """The priority outcomes, listed or used as delivery-outcome headings, without repeats."""
    heading = re.compile(rules()["priority_heading"], re.I)
    names = _listed_priorities(lines)
    names += [(m.group("name"), n) for n, _r, t in lines if (m := heading.match(t))]
    seen: dict[str, PriorityOutcome] = {}
    for name, n in names:
        key = sentence_case(name).casefold()
        if name and len(name.split()) <= 12 and key not in seen:
            seen[key] = PriorityOutcome(sentence_case(name), len(seen) + 1, n)
    return list(seen.values())


def delivery_outcomes(lines: list[tuple[int, str, str]]) -> list[DeliveryOutcome]:
    """Numbered lines under each "<priority> - delivery outcomes" heading."""
    heading = re.compile(rules()["priority_heading"], re.I)
    out: dict[int, DeliveryOutcome] = {}
    priority, taken, last = None, 0, None
    for n, _raw, text in lines:
        if m := heading.match(text):
            priority, taken, last = sentence_case(m.group("name")), 0, None
        elif priority and (m := _NUMBERED.match(text)):
            num = int(m.group(1))
            last = num if num not in out else None
            if last is not None:
                out[num] = DeliveryOutcome(num, m.group(2).strip(), priority, n)
            taken += 1
        elif priority and last is not None and text[:1].islower():
            prev = out[last]
            out[last] = DeliveryOutcome(prev.number, f"{prev.text} {text}", prev.priority, prev.line)
        elif priority and taken:
            priority, last = None, None
    return sorted(out.values(), key=lambda d: d.number)


# -- operating principles -----------------------------------------------------------------
def operating_principles(lines: list[tuple[int, str, str]]) -> list[OperatingPrinciple]:
    """ "Name: text" items under the first "Operating Principles" heading."""
    heading = re.compile(rules()["principles_heading"], re.I)
    item = re.compile(rules()["principle_item"])
    start = next((i for i, (_n, _r, t) in enumerate(lines) if heading.match(t)), None)
    found: list[OperatingPrinciple] = []
    for n, _raw, text in lines[start + 1 :] if start is not None else []:
        m = item.match(text)
        if m and len(m.group("name").split()) <= 6:
            found.append(OperatingPrinciple(m.group("name").strip(), m.group("text").strip(), n))
        elif found and not is_heading(text):
            last = found[-1]
            found[-1] = OperatingPrinciple(last.name, f"{last.text} {text}", last.line)
        elif found or is_heading(text):
            break
    return found
