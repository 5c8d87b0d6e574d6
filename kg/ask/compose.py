"""Step 6, compose: what a handler returns (`Found`), and the helpers answers and responses are made with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.ask.facts import QUERIES, asked_date
from kg.index import Entry
from nlp.words import tokens
from kg.ask.parse import Question

ROLE_QUERY = (QUERIES / "ask-role-holders.rq").read_text(encoding="utf-8")
OUTCOME_QUERY = (QUERIES / "ask-delivery-outcome.rq").read_text(encoding="utf-8")
PRIORITY_QUERY = (QUERIES / "ask-priority-outcomes.rq").read_text(encoding="utf-8")
PROVIDER_QUERY = (QUERIES / "ask-service-provider.rq").read_text(encoding="utf-8")
RAG_QUERY = (QUERIES / "ask-rag-counts.rq").read_text(encoding="utf-8")
MEMBERSHIPS_QUERY = (QUERIES / "ask-memberships.rq").read_text(encoding="utf-8")
NOT_FOUND = "Not found in the documents."
MIN_ENTITY_SCORE = 0.42  # a node must match the question at least this well …
MIN_COVERAGE = 0.6  # … and its label cover this share of the question's topic words


@dataclass
class Found:
    """What a structured handler found: answer text, nodes, source passages, the query."""

    text: str
    nodes: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    sparql: str | None = None


def with_values(template: str, var: str, term: str) -> str:
    """The template with its parameter bound by a VALUES clause: ready to copy and run."""
    return template.replace("WHERE {", f"WHERE {{\n  VALUES ?{var} {{ {term} }}", 1)


def same_month(q: Question, when: str) -> bool:
    """The date (ISO) falls in a month the question names ("in January 2016")."""
    asked = asked_date(q)
    return bool(asked and when[:7] == asked.isoformat()[:7])


def named_year(q: Question, issued: str) -> bool:
    return bool(issued) and (issued[:4] in {str(y) for y in q.years})


def norm_label(label: str) -> str:
    return " ".join(tokens(label))


def join_and(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def dedupe(nodes: list[dict]) -> list[dict]:
    seen, out = set(), []
    for n in nodes:
        if n.get("iri") and n["iri"] not in seen:
            seen.add(n["iri"])
            out.append(n)
    return out


def passage_nodes(entries: list[Entry]) -> list[dict]:
    """Graph nodes for cited passages and their documents."""
    return dedupe(
        [
            n
            for e in entries
            for n in (
                {"iri": e.iri, "label": e.text[:80], "type": "ckg:Passage"},
                {"iri": e.document, "label": e.title, "type": "foaf:Document"},
            )
        ]
    )


def list_heads(items: list[Entry]) -> list[str]:
    """The heads of consecutive list items ("Strategic commissioning" of "❖ Strategic commissioning: using …")."""
    heads = []
    for e in items:
        if e.kind != "list_item":
            break
        text = re.sub(r"^[\s\-•❖*]*(?:\(?[a-z0-9]{1,3}[.)]\s+)?", "", e.text).strip()
        head = text.split(":", 1)[0] if 0 < text.find(":") <= 60 else text[:90]
        heads.append(re.sub(r"(?:[;,.]|\s+and)+$", "", head.strip()).strip())
    return heads


def with_list(sentence: str, following: list[Entry], room: int) -> str:
    """A sentence that introduces a list ("… three operating principles:") with the list's items."""
    if not sentence.rstrip().endswith(":"):
        return sentence
    heads = list_heads(following[:8])
    if not heads:
        return sentence
    joined = f"{sentence.rstrip()} {'; '.join(heads)}"
    return joined if len(joined) <= room else joined[: room - 1].rstrip() + "…"
