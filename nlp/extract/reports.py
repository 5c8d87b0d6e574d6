"""Committee reports and records of decision -> ReportRecord, ReportRecommendation.

A report opens with labelled fields ("From:", "To:", "Subject:", "Decision No:",
"Classification:", "Summary:", "Recommendation(s):" …); a record of decision with
"DECISION TO BE TAKEN BY:", "DECISION NO:", "Subject:", "Decision:", "Reason(s) for
decision:". A field's value runs from its label to the next label, heading or
numbered section, over blank lines; recommendations split into their (i), (ii) items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import Document, PersonRef
from nlp.paper_text import clean

APPLIES_TO = {"Report", "DecisionRecord", "BudgetReport", "PerformanceReport"}

_LABEL = re.compile(r"^\s*(?:[-•]\s*)?(?:\d+(?:\.\d+)*\.?\s*)?\**\s*([A-Z][A-Za-z()'’ /&-]{1,60}?)\s*:\s*\**\s*(.*)$")
_SECTION = re.compile(r"^\s*(#|\d+(\.\d+)*\.?\s+\S|\**\d+(\.\d+)*\.?\s)")
_ITEM = re.compile(r"^\s*(?:[-•]\s*)?\(?([ivx]{1,4}|[a-h]|\d{1,2})\)\s+(.*)$", re.I)
_FIELD_NAMES = {
    "from": "from",
    "to": "to",
    "date": "date",
    "subject": "subject",
    "classification": "classification",
    "decision no": "decision no",
    "decision number": "decision no",
    "key decision": "key decision",
    "summary": "summary",
    "recommendation": "recommendations",
    "recommendations": "recommendations",
    "recommendation(s)": "recommendations",
    "decision to be taken by": "decision maker",
    "decision": "decision",
    "reason(s) for decision": "reasons",
    "reasons for decision": "reasons",
    "previous pathway": "past pathway",
    "past pathway": "past pathway",
    "previous pathway of paper": "past pathway",
    "past pathway of paper": "past pathway",
    "future pathway": "future pathway",
    "future pathway of paper": "future pathway",
    "electoral division": "electoral division",
    "electoral divisions": "electoral division",
    "any alternatives considered": "alternatives",
    "cabinet committee recommendations and other consultation": "consultation",
}
_HEAD_LINES = 80


def _label(raw: str) -> tuple[str, str] | None:
    """(canonical field name, rest of line) when `raw` opens a known field."""
    m = _LABEL.match(raw.replace("**", ""))
    if not m:
        return None
    name = _FIELD_NAMES.get(re.sub(r"\s+", " ", m.group(1).strip().lower()))
    return (name, m.group(2)) if name else None


def _bold_only(raw: str) -> bool:
    s = raw.strip()
    return len(s) > 4 and s.startswith("**") and s.endswith("**") and s.count("**") == 2


def header_fields(lines: list[str], start: int = 0) -> dict[str, tuple[str, int]]:
    """Field name -> (value text, 0-based index of its label line), from the head of a part.

    The first occurrence of a field wins; a value runs until the next label, heading or
    numbered section (at most 14 lines).
    """
    out: dict[str, tuple[str, int]] = {}
    head = lines[:_HEAD_LINES]
    i = 0
    while i < len(head):
        found = _label(head[i])
        if not found:
            i += 1
            continue
        name, rest = found
        value, j = [clean(rest)], i + 1
        while (
            j < len(head)
            and j - i <= 14
            and not _label(head[j])
            and not _SECTION.match(head[j])
            and not (any(value) and _bold_only(head[j]))
        ):
            value.append(clean(head[j]))
            j += 1
        if name not in out:
            out[name] = (" ".join(v for v in value if v).strip(), start + i)
        i = j
    return out


@dataclass(frozen=True)
class ReportRecord:
    """The labelled head of a report or a record of decision."""

    kind: str  # Report | DecisionRecord
    fields: tuple[tuple[str, str, int], ...]  # (field name, value, absolute line)
    authors: tuple[tuple[PersonRef, str | None], ...]  # (person, role as written)
    line: int


@dataclass(frozen=True)
class RecommendationRecord:
    ordinal: int
    text: str
    line: int


_ROMAN_ITEM = re.compile(r"(?:^|\s)[-–]?\s*\(?(i{1,3}|iv|vi{0,3}|ix|x)\)\s+")
_PERSON = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}$")


def _authors(
    lines: list[str], fields: dict[str, tuple[str, int]], line_start: int
) -> list[tuple[PersonRef, str | None]]:
    """'Name, Role' lines of the From: field (and the decision maker, when a person)."""
    if "from" not in fields:
        return []
    i = fields["from"][1]
    out = []
    for k in range(i, min(i + 8, len(lines))):
        text = clean(lines[k])
        if k > i and (_label(lines[k]) or not text and out and k > i + 2):
            break
        text = re.sub(r"^from\s*:\s*", "", text, flags=re.I).lstrip("-– ")
        name, _, role = text.partition(",")
        name = re.sub(r"\s*[-–]\s*$", "", name).strip()
        if _PERSON.match(name):
            out.append((PersonRef(name, line_start + k), role.strip() or None))
    return out


def recommendations(value: str, line: int) -> list[RecommendationRecord]:
    """The (i), (ii) … items of a recommendations field, or the whole text as one."""
    marks = list(_ROMAN_ITEM.finditer(value))
    if len(marks) < 2:
        return [RecommendationRecord(1, value, line)] if value else []
    stem = value[: marks[0].start()].strip()
    out = []
    for n, (m, nxt) in enumerate(zip(marks, marks[1:] + [None]), 1):
        text = value[m.end() : nxt.start() if nxt else len(value)].strip(" -–;")
        out.append(RecommendationRecord(n, f"{stem} {text}".strip() if stem else text, line))
    return out


def extract(doc: Document) -> list[object]:
    """One ReportRecord (+ its recommendations) for a report or record of decision."""
    lines = list(doc.lines)
    fields = header_fields(lines)
    if not fields:
        return []
    rec = ReportRecord(
        doc.doc_type,
        tuple((k, v, doc.line_start + i) for k, (v, i) in fields.items()),
        tuple(_authors(lines, fields, doc.line_start)),
        doc.line_start,
    )
    value, i = fields.get("recommendations", ("", 0))
    return [rec, *recommendations(value, doc.line_start + i)]
