"""What a SPARQL query must satisfy before it is parsed: a bounded size, nesting and operator count, no SERVICE.

The SPARQL parser recurses once per bracket and once per chained operator; a few
thousand of either overflow its stack and kill the process (a segfault, not an error).
The checks here read the query as tokens (strings, IRIs, comments and escaped name
characters set aside) and refuse it with a clear message before the parser sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryError
from kg.settings import Settings
from kg.store import is_update

_TOKEN = re.compile(
    "|".join(
        [
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",  # long strings
            r'"(?:[^"\\\n\r]|\\.)*"',
            r"'(?:[^'\\\n\r]|\\.)*'",  # strings
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',  # IRIs: brackets inside still count
            r"#[^\n\r]*",
            r"\\.",
            r"\^\^",  # comments, escaped name characters, datatypes
            r"[?$]\w+",
            r"[\w-]*:[\w.:%-]*",
            r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?",  # variables, names, numbers
            r"(?P<word>[A-Za-z_]\w*)",
            r"\*(?=\s*(?:\)|\{|(?i:WHERE|FROM)\b))",  # SELECT *, COUNT(*): no operator
            r"(?P<open>[({\[])",
            r"(?P<close>[)}\]])",
            r"(?P<op>&&|\|\||!=|<=|>=|[-+*/=<>|^])",
        ]
    ),
    re.S,
)
_BRACKETS = {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}


class QueryRefused(QueryError):
    """A query refused before parsing: too long, nested too deep, too many operators, or calling SERVICE."""


@dataclass(frozen=True)
class QueryShape:
    """What the checks measure: brackets nested, operators chained (UNION counts), SERVICE calls."""

    depth: int = 0
    operators: int = 0
    service: bool = False


def measure(query: str) -> QueryShape:
    """The bracket nesting, operator count and SERVICE use of `query`, strings and comments set aside."""
    depth = deepest = operators = 0
    service = False
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind in ("open", "close", "iri"):
            for ch in m.group(0):  # an IRI-like run may be read as `<` operators: its brackets count too
                depth = max(0, depth + _BRACKETS.get(ch, 0))
                deepest = max(deepest, depth)
        elif kind == "op":
            operators += 1
        elif kind == "word":
            word = m.group(0).upper()
            operators += word == "UNION"
            service = service or word == "SERVICE"
    return QueryShape(deepest, operators, service)


def check_query(
    query: str, max_depth: int, max_operators: int, allow_service: bool, max_chars: int | None = None
) -> None:
    """Raise QueryRefused when `query` is over a limit or calls SERVICE while that is off."""
    if max_chars is not None and len(query) > max_chars:
        raise QueryRefused(f"the query is {len(query):,} characters, over the limit of {max_chars:,} (query_chars)")
    shape = measure(query)
    if shape.depth > max_depth:
        raise QueryRefused(f"the query nests brackets {shape.depth} deep, over the limit of {max_depth} (query_depth)")
    if shape.operators > max_operators:
        raise QueryRefused(
            f"the query has {shape.operators:,} operators, over the limit of {max_operators:,} "
            "(query_operators): use VALUES for long lists of alternatives"
        )
    if shape.service and not allow_service:
        raise QueryRefused("SERVICE (federated query) is switched off on this server (sparql_service)")


def check_outside(query: str, settings: Settings) -> None:
    """What a query from outside (/sparql, the workbench) must pass before it runs: read-only, within the limits."""
    if is_update(query):
        raise QueryError("this endpoint is read-only: SPARQL Update is not allowed")
    s = settings
    check_query(query, s.query_depth, s.query_operators, s.sparql_service, max_chars=s.query_chars)
