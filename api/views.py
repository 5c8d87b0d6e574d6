"""What the ask and document pages show, read from the engine: answers with marked sources,
the list of documents with what was extracted from each, a document's text by line.

Each function makes plain data for one template; nothing here writes HTML.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from pyoxigraph import NamedNode

from api.highlight import Shown, show
from api.labels import Labels, Node, expand, iri_list
from api.results import rows as plain_rows
from kg.vocab import CKG, FOAF, QB

MAX_QUESTION = 2000
SHOWN_PER_CLASS = 40
# what the list of documents counts, in this order: (class, plural)
HEADLINE = [
    (CKG.Measure, "measures"),
    (QB.Observation, "values"),
    (CKG.DeliveryOutcome, "delivery outcomes"),
    (CKG.Meeting, "meetings"),
    (CKG.AgendaItem, "agenda items"),
    (CKG.Resolution, "resolutions"),
    (FOAF.Person, "people"),
    (CKG.Risk, "risks"),
    (CKG.BudgetLine, "budget lines"),
]

DOCUMENTS_QUERY = """
SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?pub) AS ?council) (SAMPLE(?i) AS ?issued) (SAMPLE(?md) AS ?meetingDate)
       (SAMPLE(?y) AS ?year) (SAMPLE(?f) AS ?source) (SAMPLE(?ls) AS ?a) (SAMPLE(?le) AS ?b) (SAMPLE(?bd) AS ?body)
       (SAMPLE(?pl) AS ?period) (SAMPLE(?po) AS ?partOf) (SAMPLE(?u) AS ?url) (SAMPLE(?sha) AS ?sha256)
WHERE {
  ?d a foaf:Document ; dct:title ?t .
  OPTIONAL { ?d dct:publisher ?pub } OPTIONAL { ?d dct:issued ?i } OPTIONAL { ?d ckg:meetingDate ?md }
  OPTIONAL { ?d dct:date ?y } OPTIONAL { ?d ckg:sourceFile ?f } OPTIONAL { ?d ckg:lineStart ?ls }
  OPTIONAL { ?d ckg:lineEnd ?le } OPTIONAL { ?d ckg:documentBody ?bd } OPTIONAL { ?d ckg:periodLabel ?pl }
  OPTIONAL { ?d dct:isPartOf ?po } OPTIONAL { ?d dct:source ?u } OPTIONAL { ?d ckg:sha256 ?sha }
} GROUP BY ?d"""
# what was read from a document: nodes derived from its passages, and from the document as a whole
# (two queries: oxigraph plans a UNION of the two far worse than each alone)
DERIVED = (
    (
        "SELECT DISTINCT ?d ?s ?c ?line WHERE { ?src ckg:inDocument ?d ; ckg:lineStart ?line . "
        "?s prov:wasDerivedFrom ?src . ?s a ?c }"
    ),
    "SELECT DISTINCT ?d ?s ?c WHERE { ?d a foaf:Document . ?s prov:wasDerivedFrom ?d . ?s a ?c }",
)
PASSAGES = """
SELECT ?p ?text ?a ?b ?kind ?headers WHERE {
  ?p ckg:inDocument ?d ; ckg:text ?text ; ckg:lineStart ?a ; ckg:lineEnd ?b ; ckg:ordinal ?o .
  OPTIONAL { ?p ckg:passageKind ?kind } OPTIONAL { ?p ckg:columnHeaders ?headers }
} ORDER BY ?a ?o"""
# the column a value was read from, to put a table row's cells back under their headers
CELLS = (
    "SELECT ?p ?row ?cell ?value WHERE { %s ?p ckg:text ?row . "
    "?o prov:wasDerivedFrom ?p ; ckg:cell ?cell ; ckg:valueText ?value }"
)
REVISIONS = "SELECT ?newer ?older WHERE { ?newer prov:wasRevisionOf ?older }"


# -- documents ----------------------------------------------------------------------------------
@dataclass
class DocumentMeta:
    iri: str
    title: str
    href: str
    kinds: tuple[str, ...] = ()
    council: Node | None = None
    date: str = ""
    meeting_date: str = ""
    source: str = ""
    lines: tuple[int, int] | None = None
    body: str = ""
    period: str = ""
    part_of: str = ""
    url: str = ""
    sha256: str = ""
    graph_href: str = ""
    counts: list[tuple[int, str]] = field(default_factory=list)
    parts: list[DocumentMeta] = field(default_factory=list)


def document_href(labels: Labels, iri: str) -> str:
    """`…/id/doc/escc/plan-2020-10` -> `/documents/escc/plan-2020-10`."""
    return (
        "/documents/" + iri[len(labels.base + "doc/") :] if iri.startswith(labels.base + "doc/") else labels.href(iri)
    )


def documents(labels: Labels) -> dict[str, DocumentMeta]:
    """Every stored document by IRI, with its metadata (no counts)."""
    names, rows = plain_rows(labels.engine.sparql(DOCUMENTS_QUERY))
    found = [dict(zip(names, r)) for r in rows]
    nodes = labels.nodes([v["d"] for v in found] + [v["council"] for v in found if v["council"]])
    out = {}
    for v in found:
        iri = v["d"]
        out[iri] = DocumentMeta(
            iri,
            v["title"],
            document_href(labels, iri),
            nodes[iri].types,
            nodes.get(v["council"]),
            v["issued"] or v["year"],
            v["meetingDate"],
            v["source"],
            (int(v["a"]), int(v["b"])) if v["a"] and v["b"] else None,
            v["body"],
            v["period"],
            v["partOf"],
            v["url"],
            v["sha256"],
            nodes[iri].href or "",
        )
    return out


def document_list(labels: Labels) -> list[DocumentMeta]:
    """Top-level documents (their parts nested), with counts of what was extracted, by council and date."""
    docs = documents(labels)
    nodes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for d, s, c, _ in derived(labels):
        nodes[d][c].add(s)
    for d in docs.values():
        d.counts = [(len(nodes[d.iri][str(c)]), plural) for c, plural in HEADLINE if nodes[d.iri].get(str(c))]
    top = []
    for d in sorted(docs.values(), key=lambda d: (d.council.label if d.council else "", d.date, d.title)):
        (docs[d.part_of].parts if d.part_of in docs else top).append(d)
    return top


def derived(labels: Labels, document: str | None = None) -> list[tuple[str, str, str, int | None]]:
    """(document, node, class, first line) of every node read from a document (from `document` only, when given)."""
    bindings = {"d": NamedNode(document)} if document else None
    out = []
    for query in DERIVED:
        for r in labels.engine.sparql(query, bindings):
            line = r["line"] if "?line" in query else None
            out.append((r["d"].value, r["s"].value, r["c"].value, int(line.value) if line else None))
    return out


def column_offsets(labels: Labels, document: str | None = None, passages: list[str] = ()) -> dict[str, int]:
    """How many blank cells each table row lost at its left, by passage: a passage's text keeps no leading
    empty cells, while the values read from it record their column ("352/3")."""
    if document:
        rows = labels.engine.sparql(CELLS % "?p ckg:inDocument ?d .", {"d": NamedNode(document)})
    elif passages:
        rows = labels.engine.sparql(CELLS % f"VALUES ?p {{ {iri_list(passages)} }}")
    else:
        return {}
    votes: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        p, column, value = r["p"].value, r["cell"].value.rpartition("/")[2], r["value"].value
        if not column.isdigit():
            continue
        for at, cell in enumerate(r["row"].value.split("\t")):  # a value repeated along the row votes for each
            if value in cell and int(column) >= at:
                votes[p][int(column) - at] += 1
    return {p: max(v, key=lambda offset: (v[offset], -offset)) for p, v in votes.items()}


def revisions(labels: Labels, iri: str) -> tuple[list[str], list[str]]:
    """(documents this one revises, documents that revise it)."""
    older, newer = [], []
    for r in labels.engine.sparql(REVISIONS):
        if r["newer"].value == iri:
            older.append(r["older"].value)
        if r["older"].value == iri:
            newer.append(r["newer"].value)
    return older, newer


# -- a document's text --------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """One passage of the text: its line span and, for a table row, its cells."""

    start: int
    end: int
    text: str
    kind: str
    cells: tuple[str, ...] = ()


@dataclass
class Block:
    """Consecutive passages shown together: a table (rows under one header) or one prose passage."""

    kind: str  # "table" or the passage kind
    lines: list[Line]
    headers: tuple[str, ...] = ()  # columns carried over from a table above (no header row here)

    @property
    def width(self) -> int:
        """Columns of the table: its widest row or header."""
        return max([len(self.headers), *(len(l.cells) for l in self.lines)])


def text_blocks(labels: Labels, iri: str) -> list[Block]:
    """The document's passages in reading order, table rows grouped into tables."""
    blocks: list[Block] = []
    last_headers = ""
    offsets = column_offsets(labels, document=iri)
    for r in labels.engine.sparql(PASSAGES, {"d": NamedNode(iri)}):
        kind = r["kind"].value if r["kind"] else "paragraph"
        text, headers = r["text"].value, (r["headers"].value if r["headers"] else "")
        cells = ("",) * offsets.get(r["p"].value, 0) + tuple(text.split("\t")) if "\t" in text else ()
        line = Line(int(r["a"].value), int(r["b"].value), text, kind, cells)
        if kind in ("table_header", "table_row"):
            if (
                not blocks
                or blocks[-1].kind != "table"
                or (kind == "table_row" and headers != last_headers and blocks[-1].lines[-1].kind == "table_row")
            ):
                blocks.append(
                    Block("table", [], tuple(headers.split(" | ")) if kind == "table_row" and headers else ())
                )
            blocks[-1].lines.append(line)
            last_headers = headers if kind == "table_row" else last_headers
        else:
            blocks.append(Block(kind, [line]))
    return blocks


@dataclass(frozen=True)
class Extracted:
    """Nodes of one class read from a document: the first few with their lines, and how many in all."""

    label: str
    total: int
    nodes: tuple[tuple[Node, int | None], ...]
    query_href: str


def extracted(labels: Labels, iri: str) -> list[Extracted]:
    """What was read from the document, by class (most numerous first)."""
    classes: dict[str, set[str]] = defaultdict(set)
    first: dict[str, int] = {}
    for _, s, c, line in derived(labels, iri):
        classes[s].add(c)
        if line is not None:
            first[s] = min(first.get(s, line), line)
    by_class: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    for s in sorted(classes, key=lambda s: (first.get(s, 0), s)):
        for c in labels.specific(classes[s]):
            by_class[c].append((s, first.get(s)))
    shown = {c: rows[:SHOWN_PER_CLASS] for c, rows in by_class.items()}
    nodes = labels.nodes(s for rows in shown.values() for s, _ in rows)
    out = [
        Extracted(
            labels.term(c),
            len(by_class[c]),
            tuple((nodes[s], line) for s, line in rows),
            workbench_href(_class_query(c, iri)),
        )
        for c, rows in shown.items()
    ]
    first = {labels.term(str(c)): i for i, (c, _) in enumerate(HEADLINE)}
    return sorted(out, key=lambda e: (first.get(e.label, len(first)), -e.total, e.label))


def _class_query(cls: str, doc: str) -> str:
    return (
        f"SELECT ?node ?label ?line WHERE {{\n  ?node a {iri_list([cls])} ; prov:wasDerivedFrom ?src .\n"
        f"  ?src ckg:inDocument {iri_list([doc])} ; ckg:lineStart ?line .\n"
        "  OPTIONAL { ?node rdfs:label ?label }\n} ORDER BY ?line"
    )


def workbench_href(query: str) -> str:
    return "/workbench?" + urlencode({"query": query})


# -- answers ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Citation:
    document: DocumentMeta | None
    title: str
    source: str
    lines: tuple[int, int]
    line_href: str
    section: str
    score: float
    shown: Shown
    location: str = ""  # "p. 4, lines 12–18" from a PDF, "lines 120–125" otherwise


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    nodes: tuple[Node, ...]
    citations: tuple[Citation, ...]
    sparql: str | None
    sparql_href: str | None


def answer(labels: Labels, question: str, k: int = 5) -> Answer:
    """Ask the engine, then dress the response for the page: node types, document versions, marked sources."""
    question = question[:MAX_QUESTION]
    res = labels.engine.ask(question, k=k)
    docs = documents(labels)
    cited = [c["passage_id"] for c in res["citations"]]
    headers, offsets = _passage_columns(labels, cited), column_offsets(labels, passages=cited)
    cites = tuple(
        _citation(
            labels, c, docs, headers.get(c["passage_id"], ""), offsets.get(c["passage_id"], 0), res["answer"], question
        )
        for c in res["citations"]
    )
    nodes = tuple(
        Node(
            n["iri"],
            n.get("label") or labels.tail(n["iri"]),
            (labels.term(expand(n.get("type", ""))),) if n.get("type") else (),
            labels.href(n["iri"]),
        )
        for n in res["nodes"]
    )
    sparql = res.get("sparql")
    return Answer(question, res["answer"], nodes, cites, sparql, workbench_href(sparql) if sparql else None)


def _citation(
    labels: Labels, c: dict, docs: dict[str, DocumentMeta], headers: str, offset: int, text: str, question: str
) -> Citation:
    doc = docs.get(c.get("document_iri", ""))
    a, b = c["lines"]
    href = f"{doc.href}#L{a}" if doc else labels.href(c["passage_id"]) or ""
    return Citation(
        doc,
        c["document"],
        c.get("source", ""),
        (a, b),
        href,
        c.get("section", ""),
        float(c["score"]),
        show(c["text"], headers, text, question, offset),
        c.get("location") or "",
    )


def _passage_columns(labels: Labels, passages: list[str]) -> dict[str, str]:
    """The column headers of the passages that are table rows."""
    values = iri_list(passages)
    if not values:
        return {}
    return {
        r["p"].value: r["h"].value
        for r in labels.engine.sparql(f"SELECT ?p ?h WHERE {{ VALUES ?p {{ {values} }} ?p ckg:columnHeaders ?h }}")
    }
