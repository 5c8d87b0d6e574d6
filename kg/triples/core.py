"""The triples of one document, in one named graph, with provenance to its passages.

`DocGraph` is what every builder in `kg.triples` writes through: it mints IRIs (document
scoped or shared), turns Python values into literals, and links nodes to the passage
covering a source line with `prov:wasDerivedFrom`.
"""

from __future__ import annotations

import bisect
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef

from kg.iri import mint_iri, scoped_iri
from kg.vocab import CKG, DCT, DEFAULT_BASE, FOAF, ORG, PROV, RDF, RDFS, XSD
from nlp.entity_names import body_name
from nlp.model import Document, Passage, PersonRef
from nlp.periods import Period

Term = URIRef | BNode | Literal


def literal(value: object) -> Literal:
    """Python value -> typed literal (dates as xsd:date, Decimal as xsd:decimal)."""
    if isinstance(value, Literal):
        return value
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, (int, Decimal)):
        return Literal(value)
    if isinstance(value, float):
        return Literal(Decimal(str(value)))
    return Literal(str(value))


class DocGraph:
    """Builder for one document's named graph."""

    def __init__(
        self, doc: Document, passages: list[Passage], base: str = DEFAULT_BASE, names: dict[str, str] | None = None
    ):
        self.doc = doc
        self.names = names or {}
        self.base = base
        self.graph = Graph(store="SimpleMemory")  # one graph, no contexts: a third faster to fill than rdflib's default
        self.iri = mint_iri("doc", doc.council_key, doc.key, base=base)
        self.passages = sorted(passages, key=lambda p: (p.line_start, p.line_end))
        self._starts = [p.line_start for p in self.passages]

    # -- IRIs -------------------------------------------------------------------------
    def node(self, kind: str, *keys: str | int) -> URIRef:
        """A node that belongs to this document: …/doc/<council>/<doc>/<kind>/<keys>."""
        return scoped_iri(self.iri, kind, *keys)

    def shared(self, kind: str, *keys: str | int) -> URIRef:
        """A node shared across documents (council, person, period): …/id/<kind>/<keys>."""
        return mint_iri(kind, *keys, base=self.base)

    def doc_iri(self, doc: Document | None = None, key: str | None = None, council_key: str | None = None) -> URIRef:
        """The IRI of another document (by object or by key)."""
        if doc is not None:
            return mint_iri("doc", doc.council_key, doc.key, base=self.base)
        return mint_iri("doc", council_key or self.doc.council_key, key, base=self.base)

    def passage_iri(self, p: Passage) -> URIRef:
        return self.node("passage", p.ordinal)

    # -- triples ----------------------------------------------------------------------
    def add(self, s: Term, p: URIRef, o: object) -> None:
        """Add one triple; `None` objects and empty strings are skipped."""
        if o is None or (isinstance(o, str) and not o.strip()):
            return
        self.graph.add((s, p, o if isinstance(o, (URIRef, BNode, Literal)) else literal(o)))

    def typed(self, s: URIRef, *classes: URIRef, label: str | None = None) -> URIRef:
        for c in classes:
            self.graph.add((s, RDF.type, c))
        self.add(s, RDFS.label, label)
        return s

    # -- provenance ---------------------------------------------------------------------
    def passage_at(self, line: int) -> Passage | None:
        """The narrowest passage whose line span covers absolute `line`."""
        i = bisect.bisect_right(self._starts, line)
        best = None
        for p in reversed(self.passages[max(0, i - 12) : i]):
            if p.line_start <= line <= p.line_end and (
                best is None or p.line_end - p.line_start < best.line_end - best.line_start
            ):
                best = p
        return best

    def derive(self, node: URIRef, line: int | None) -> None:
        """`node prov:wasDerivedFrom` the passage at `line` (or the document itself)."""
        p = self.passage_at(line) if line is not None else None
        self.graph.add((node, PROV.wasDerivedFrom, self.passage_iri(p) if p else self.iri))

    # -- shared nodes -------------------------------------------------------------------
    def period(self, period: Period) -> URIRef:
        """A reusable interval node for a financial or academic year."""
        iri = self.shared("period", period.key)
        cls = CKG.AcademicYear if period.kind == "academic" else CKG.FinancialYear
        self.typed(iri, cls, label=period.label)
        self.add(iri, CKG.startDate, period.start)
        self.add(iri, CKG.endDate, period.end)
        return iri

    def person(self, ref: PersonRef | str) -> URIRef:
        """The `foaf:Person` node of a mention, keyed by its canonical name.

        Resolution happens before build (`nlp.resolve`); `names` maps raw to canonical.
        """
        raw = ref.name if isinstance(ref, PersonRef) else ref
        name = self.names.get(raw, raw)
        iri = self.shared("person", name)
        self.typed(iri, FOAF.Person)
        self.add(iri, FOAF.name, name)
        return iri

    def council(self) -> URIRef:
        return self.shared("org", self.doc.council_key)

    def committee(self, name: str) -> URIRef:
        """A committee, panel or board of this document's council: one node per body, however spelt."""
        label = body_name(name)
        iri = self.shared("committee", self.doc.council_key, label)
        self.typed(iri, CKG.Committee, ORG.OrganizationalUnit, label=label)
        self.add(iri, ORG.subOrganizationOf, self.council())
        return iri

    # -- plan-scoped and scheme-scoped nodes shared by several builders ---------------
    def delivery_outcome(self, number: int) -> URIRef:
        """Delivery outcome `number` *of this document* (numbering is plan-scoped)."""
        return self.node("outcome", number)

    def priority_scheme(self) -> URIRef:
        """The council's priority-outcome scheme for this document's period (or year)."""
        year = self.doc.period[0] if self.doc.period else (self.doc.issued.year if self.doc.issued else "undated")
        return self.shared("scheme", self.doc.council_key, "priority-outcomes", year)

    def priority(self, name: str) -> URIRef:
        """A priority outcome (skos:Concept) in this document's scheme, keyed by its name."""
        return scoped_iri(self.priority_scheme(), "priority", name)


def document_triples(dg: DocGraph) -> None:
    """The document node itself: type, title, dates, body, source and council."""
    d, doc = dg.iri, dg.doc
    dg.typed(d, CKG[doc.doc_type], FOAF.Document)
    dg.add(d, DCT.title, doc.title)
    dg.add(d, RDFS.label, doc.title)
    dg.add(d, DCT.issued, doc.issued)
    dg.add(d, CKG.meetingDate, doc.meeting_date)
    if doc.year and not doc.issued:
        dg.add(d, DCT.date, Literal(str(doc.year), datatype=XSD.gYear))
    dg.add(d, CKG.documentBody, doc.body)
    if doc.source_url:
        dg.add(d, DCT.source, URIRef(quote(doc.source_url, safe=":/?&=%#+,;~@!$'()*")))
    dg.add(d, CKG.sha256, doc.sha256)
    dg.add(d, CKG.sourceFile, doc.source)
    dg.add(d, CKG.lineStart, doc.line_start)
    dg.add(d, CKG.lineEnd, doc.line_end)
    council = dg.council()
    dg.typed(council, ORG.FormalOrganization, label=doc.council)
    dg.add(council, CKG.key, doc.council_key)
    dg.add(d, DCT.publisher, council)
    if doc.period:
        first, last = doc.period
        dg.add(d, DCT.temporal, dg.period(Period(first)))
        if last != first:
            dg.add(d, DCT.temporal, dg.period(Period(last)))
        dg.add(d, CKG.periodLabel, f"{first}/{(first + 1) % 100:02d} – {last}/{(last + 1) % 100:02d}")
    if doc.part_of:
        dg.add(d, DCT.isPartOf, dg.doc_iri(key=doc.part_of))


def passage_triples(dg: DocGraph) -> None:
    """Every passage with its text, kind, section path, line span and, from a PDF, its pages."""
    for p in dg.passages:
        s = dg.passage_iri(p)
        dg.typed(s, CKG.Passage)
        dg.add(s, CKG.text, p.text)
        dg.add(s, CKG.inDocument, dg.iri)
        dg.add(s, CKG.passageKind, p.kind)
        dg.add(s, CKG.section, " > ".join(p.section))
        dg.add(s, CKG.lineStart, p.line_start)
        dg.add(s, CKG.lineEnd, p.line_end)
        dg.add(s, CKG.ordinal, p.ordinal)
        if p.headers:
            dg.add(s, CKG.columnHeaders, " | ".join(p.headers))
        page_triples(dg, s, p)


def page_triples(dg: DocGraph, s: URIRef, p: Passage) -> None:
    """Where a passage of a paged source (PDF) is printed: first and last page, and its line on each."""
    first, last = dg.doc.page_at(p.line_start), dg.doc.page_at(p.line_end)
    if first and last:
        dg.add(s, CKG.pageStart, first[0])
        dg.add(s, CKG.pageLineStart, first[1])
        dg.add(s, CKG.pageEnd, last[0])
        dg.add(s, CKG.pageLineEnd, last[2])
