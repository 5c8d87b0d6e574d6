"""What an entity page (`/id/…` in a browser) shows: the node's name and types, where it was read
from, its links both ways, and for a measure, a person or a meeting the tables that matter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from urllib.parse import urlencode

from pyoxigraph import NamedNode

from api.labels import Labels, Node, iri_list
from api.views import DocumentMeta, documents, workbench_href
from kg.saved import saved_query
from kg.vocab import CKG, FOAF, RDF, SKOS

TRACEABLE = {str(CKG.Measure), str(CKG.Indicator), str(SKOS.Concept)}  # what /trace follows across documents

SHOWN_INCOMING = 25

OUTGOING = "SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o"
INCOMING_COUNTS = "SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ?p ?s } GROUP BY ?p ORDER BY ?p"
INCOMING = "SELECT ?p ?x WHERE { ?x ?p ?s } ORDER BY ?p ?x LIMIT 3000"
# where a node was read from: its passages, the passage itself, or a whole document (a UNION of these
# is planned far worse by oxigraph than the three alone)
SOURCES = (
    (
        "SELECT DISTINCT ?d ?a ?b WHERE { ?s prov:wasDerivedFrom ?src . ?src ckg:inDocument ?d ; ckg:lineStart ?a ; "
        "ckg:lineEnd ?b } ORDER BY ?d ?a LIMIT 50"
    ),
    "SELECT ?d ?a ?b WHERE { ?s ckg:inDocument ?d ; ckg:lineStart ?a ; ckg:lineEnd ?b }",
    "SELECT ?d ?a ?b WHERE { ?s prov:wasDerivedFrom ?d . ?d a foaf:Document }",
)
REFERRER_SOURCES = """
SELECT DISTINCT ?d ?a ?b WHERE {
  ?x ?p ?s . ?x prov:wasDerivedFrom ?src . ?src ckg:inDocument ?d ; ckg:lineStart ?a ; ckg:lineEnd ?b
} ORDER BY ?d ?a LIMIT 12"""
SAME_MEASURE = """
SELECT DISTINCT ?m WHERE {
  { ?this ckg:indicator ?i . ?m ckg:indicator ?i }
  UNION {
    ?this rdfs:label ?label ; ckg:inPlan/dct:publisher ?council .
    OPTIONAL { ?this ckg:subMeasureOf/rdfs:label ?parent }
    ?m a ckg:Measure ; rdfs:label ?l ; ckg:inPlan/dct:publisher ?council .
    FILTER(LCASE(STR(?l)) = LCASE(STR(?label)))
    OPTIONAL { ?m ckg:subMeasureOf/rdfs:label ?parent2 }
    FILTER(LCASE(COALESCE(STR(?parent), "")) = LCASE(COALESCE(STR(?parent2), "")))
  }
}"""
VALUES_OF = """
SELECT ?m ?plan ?period ?start ?kind ?unit ?area ?valueText ?value WHERE {
  VALUES ?m { %s }
  ?m ckg:inPlan ?plan . ?obs ckg:measure ?m ; ckg:valueText ?valueText ; ckg:valueKind ?kind .
  OPTIONAL { ?obs ckg:period ?p . ?p rdfs:label ?period OPTIONAL { ?p ckg:startDate ?start } }
  OPTIONAL { ?obs ckg:area ?area } OPTIONAL { ?obs ckg:value ?value } OPTIONAL { ?obs ckg:unit ?unit }
} ORDER BY ?start ?kind ?valueText"""
ATTENDANCE = """
SELECT ?person ?kind ?capacity ?sub WHERE {
  ?a a ckg:Attendance ; ckg:ofMeeting ?meeting ; ckg:attendee ?person ; ckg:attendanceKind ?kind .
  OPTIONAL { ?a ckg:capacity ?capacity } OPTIONAL { ?a ckg:substituteFor ?sub }
} ORDER BY ?kind ?person"""
ITEMS = """
SELECT ?item ?code ?title (GROUP_CONCAT(STR(?paper); separator=" ") AS ?papers) WHERE {
  ?item a ckg:AgendaItem ; ckg:ofMeeting ?meeting . OPTIONAL { ?item ckg:code ?code }
  OPTIONAL { ?item dct:title ?title } OPTIONAL { ?item ckg:hasPaper ?paper }
} GROUP BY ?item ?code ?title ORDER BY ?code"""
MEETINGS_ATTENDED = """
SELECT ?meeting ?date ?kind ?capacity WHERE {
  ?a ckg:attendee ?person ; ckg:ofMeeting ?meeting ; ckg:attendanceKind ?kind .
  OPTIONAL { ?meeting ckg:date ?date } OPTIONAL { ?a ckg:capacity ?capacity }
} ORDER BY ?date"""


@dataclass(frozen=True)
class Source:
    document: DocumentMeta | None
    lines: tuple[int, int]
    href: str


@dataclass(frozen=True)
class Value:
    """The object of a triple: a node, or a literal's text."""

    node: Node | None = None
    text: str = ""


@dataclass
class Series:
    """One measure's values: a table (rows by kind, columns by period) and points for the chart."""

    periods: list[str]
    rows: list[tuple[str, list[str]]]
    traces: list[dict]


@dataclass
class EntityPage:
    node: Node
    sources: list[Source]
    sources_are_referrers: bool
    outgoing: list[tuple[str, list[Value]]]
    incoming: list[tuple[str, int, list[Node], str]]  # property, how many, the first few, all in the workbench
    document_href: str | None = None
    trace_href: str | None = None  # a measure, indicator or priority: its values across plans and years
    series: Series | None = None
    panels: dict[str, list] = field(default_factory=dict)


def entity_page(labels: Labels, iri: str) -> EntityPage | None:
    """The page of one node, or None when the store knows nothing about it."""
    engine, s = labels.engine, {"s": NamedNode(iri)}
    out_rows = [(r["p"].value, r["o"]) for r in engine.sparql(OUTGOING, s)]
    in_counts = [(r["p"].value, int(r["n"].value)) for r in engine.sparql(INCOMING_COUNTS, s)]
    if not out_rows and not in_counts:
        return None
    incoming: dict[str, list[str]] = defaultdict(list)
    for r in engine.sparql(INCOMING, s):
        if len(incoming[r["p"].value]) < SHOWN_INCOMING:
            incoming[r["p"].value].append(r["x"].value)
    nodes = labels.nodes(
        [iri] + [o.value for _, o in out_rows if isinstance(o, NamedNode)] + [x for xs in incoming.values() for x in xs]
    )
    docs = documents(labels)
    sources, by_referrers = _sources(labels, iri, docs)
    page = EntityPage(
        nodes[iri],
        sources,
        by_referrers,
        _outgoing(labels, out_rows, nodes),
        [
            (labels.term(p), n, [nodes[x] for x in incoming[p]], workbench_href(_incoming_query(p, iri)))
            for p, n in in_counts
        ],
        docs[iri].href if iri in docs else None,
    )
    types = {str(o.value) for p, o in out_rows if p == str(RDF.type)}
    if types & TRACEABLE:
        page.trace_href = "/trace?" + urlencode({"q": iri})
    if str(CKG.Measure) in types:
        page.series = measure_series(labels, iri)
    if str(FOAF.Person) in types:
        page.panels = person_panels(labels, iri)
    if str(CKG.Meeting) in types:
        page.panels = meeting_panels(labels, iri)
    return page


def _incoming_query(p: str, iri: str) -> str:
    return f"SELECT ?node ?label WHERE {{\n  ?node {iri_list([p])} {iri_list([iri])} .\n  OPTIONAL {{ ?node rdfs:label ?label }}\n}}"


def _outgoing(labels: Labels, rows, nodes: dict[str, Node]) -> list[tuple[str, list[Value]]]:
    grouped: dict[str, list[Value]] = defaultdict(list)
    for p, o in rows:
        grouped[p].append(Value(node=nodes[o.value]) if isinstance(o, NamedNode) else Value(text=o.value))
    return [(labels.term(p), vs) for p, vs in grouped.items()]


def _sources(labels: Labels, iri: str, docs: dict[str, DocumentMeta]) -> tuple[list[Source], bool]:
    """The lines the node was read from; failing those, the lines of the nodes that refer to it."""
    for queries, by_referrers in ((SOURCES, False), ((REFERRER_SOURCES,), True)):
        rows = [r for q in queries for r in labels.engine.sparql(q, {"s": NamedNode(iri)})]
        found = []
        for r in rows:
            doc = docs.get(r["d"].value)
            a, b = (int(r["a"].value), int(r["b"].value)) if r["a"] else (doc.lines if doc and doc.lines else (0, 0))
            found.append(Source(doc, (a, b), f"{doc.href}#L{a}" if doc else labels.href(r["d"].value) or ""))
        if found:
            return found, by_referrers
    return [], False


# -- measures ------------------------------------------------------------------------------------
def measure_series(labels: Labels, iri: str) -> Series:
    """The measure's values by period and kind, and chart traces for it and the same measure in other
    plans of its council (same indicator, or the same label under the same parent measure)."""
    same = [r["m"].value for r in labels.engine.sparql(SAME_MEASURE, {"this": NamedNode(iri)})]
    rows = [_value_row(labels, r) for r in labels.engine.sparql(VALUES_OF % iri_list([iri, *same]))]
    starts = {r["period"]: r["start"] for r in rows if r["period"]}
    periods = sorted(starts, key=lambda p: (starts[p], p))
    several = {k: len({r[k] for r in rows}) > 1 for k in ("unit", "area")}
    table: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r["m"] == iri:
            row = r["kind"] + "".join(f" ({r[k]})" for k in ("unit", "area") if several[k] and r[k])
            table[row][r["period"] or "—"].append(r["text"])
    columns = periods + (["—"] if any("—" in cells for cells in table.values()) else [])
    return Series(
        columns,
        [(row, [" / ".join(cells.get(p, [])) for p in columns]) for row, cells in sorted(table.items())],
        _traces(labels, rows, periods),
    )


def _value_row(labels: Labels, r) -> dict:
    def get(k: str) -> str:
        return r[k].value if r[k] is not None else ""

    return {
        "m": get("m"),
        "plan": get("plan"),
        "period": get("period"),
        "start": get("start") or get("period"),
        "kind": labels.term(get("kind")),
        "unit": labels.term(get("unit")) if get("unit") else "",
        "area": labels.term(get("area")) if get("area") else "",
        "text": get("valueText"),
        "value": get("value"),
    }


def _traces(labels: Labels, rows: list[dict], periods: list[str]) -> list[dict]:
    """One line per kind of value (and area) and plan version, in the unit most values are in."""
    numeric = [r for r in rows if r["value"] and r["period"]]
    if not numeric:
        return []
    unit = Counter(r["unit"] for r in numeric).most_common(1)[0][0]
    docs = documents(labels)
    points: dict[str, dict[str, float]] = defaultdict(dict)
    for r in numeric:
        if r["unit"] == unit:
            plan = docs.get(r["plan"])
            version = f"{plan.title} ({plan.date})" if plan else labels.tail(r["plan"])
            kind = r["kind"] + (f" ({r['area']})" if r["area"] and len({x["area"] for x in numeric}) > 1 else "")
            points[f"{kind} — {version}"].setdefault(r["period"], float(r["value"]))
    return [
        {"name": name, "unit": unit, "x": [p for p in periods if p in pts], "y": [pts[p] for p in periods if p in pts]}
        for name, pts in sorted(points.items())
    ]


# -- people and meetings -------------------------------------------------------------------------
def person_panels(labels: Labels, iri: str) -> dict[str, list]:
    """A person's roles over time (as each document states them) and the meetings they attended."""
    roles = [
        {
            k: (r[k].value if r[k] is not None else "")
            for k in ("how", "role", "organisation", "party", "since", "document", "issued")
        }
        for r in labels.engine.sparql(saved_query("person-roles").text, {"person": NamedNode(iri)})
    ]
    rows = list(labels.engine.sparql(MEETINGS_ATTENDED, {"person": NamedNode(iri)}))
    meetings = labels.nodes(r["meeting"].value for r in rows)
    attended = [
        (
            meetings[r["meeting"].value],
            r["date"].value if r["date"] else "",
            r["kind"].value.replace("_", " "),
            r["capacity"].value if r["capacity"] else "",
        )
        for r in rows
    ]
    return {"roles": sorted(roles, key=lambda r: (r["issued"], r["role"])), "attended": attended}


def meeting_panels(labels: Labels, iri: str) -> dict[str, list]:
    """A meeting's attendance by kind, its agenda items with their papers, its minutes and resolutions."""
    m = {"meeting": NamedNode(iri)}
    attendance = list(labels.engine.sparql(ATTENDANCE, m))
    items = list(labels.engine.sparql(ITEMS, m))
    resolved = list(labels.engine.sparql(saved_query("meeting-resolutions").text, m))
    nodes = labels.nodes(
        [r["person"].value for r in attendance]
        + [r["sub"].value for r in attendance if r["sub"]]
        + [r["item"].value for r in items]
        + [p for r in items for p in r["papers"].value.split()]
    )
    by_kind: dict[str, list] = defaultdict(list)
    for r in attendance:
        by_kind[r["kind"].value.replace("_", " ")].append(
            (
                nodes[r["person"].value],
                r["capacity"].value if r["capacity"] else "",
                nodes[r["sub"].value] if r["sub"] else None,
            )
        )
    return {
        "attendance": sorted(by_kind.items()),
        "items": [
            (
                nodes[r["item"].value],
                r["code"].value if r["code"] else "",
                r["title"].value if r["title"] else "",
                [nodes[p] for p in r["papers"].value.split()],
            )
            for r in items
        ],
        "resolutions": [
            (r["number"].value, r["minuteTitle"].value, r["resolution"].value if r["resolution"] else "")
            for r in resolved
        ],
    }
