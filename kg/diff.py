"""What changed between two documents (two versions of a plan, or two years' plans).

`resolve_document(store, name)` finds a document by its IRI, its file name, or a title
fragment with a date ("children's services 2020-10", "Adult Social Care July 2020").
`diff(store, a, b)` pairs their measures through their indicators (`kg.indicators`) and
their delivery outcomes through `ckg:continues`, then lists measures added, removed and
reworded; values and targets changed, added and removed (old -> new, with the source line
in both); delivery outcomes added, removed, renumbered or reworded; lead members changed;
and other labelled items (budget lines, projects, procurements, risks) added or removed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from pyoxigraph import NamedNode

from kg.errors import CouncilKGError
from kg.grouping import label_words
from kg.indicators import local_name, text_of
from kg.trace import Point, stated
from nlp.dates import MONTH_ABBREVIATIONS, MONTHS, months_in

DOCS_QUERY = """
SELECT ?doc ?title ?issued ?source WHERE {
  ?doc a foaf:Document ; dct:title ?title ; ckg:sourceFile ?source . OPTIONAL { ?doc dct:issued ?issued } }"""
MEASURES_QUERY = """
SELECT ?m ?label ?parent ?indicator ?line ?lead WHERE {
  ?m a ckg:Measure ; ckg:inPlan ?doc ; rdfs:label ?label .
  OPTIONAL { ?m ckg:subMeasureOf/rdfs:label ?parent } OPTIONAL { ?m ckg:indicator ?indicator }
  OPTIONAL { ?m prov:wasDerivedFrom/ckg:lineStart ?line } OPTIONAL { ?m ckg:leadMember/foaf:name ?lead }
}"""
VALUES_QUERY = """
SELECT ?m ?o ?period ?kind ?text ?value ?unit ?area ?qual ?cell ?line ?src WHERE {
  ?m a ckg:Measure ; ckg:inPlan ?doc . ?o ckg:measure ?m ; ckg:valueKind ?kind ; ckg:valueText ?text .
  OPTIONAL { ?o ckg:period/rdfs:label ?period } OPTIONAL { ?o ckg:value ?value } OPTIONAL { ?o ckg:unit ?unit }
  OPTIONAL { ?o ckg:area ?area } OPTIONAL { ?o ckg:qualifier ?qual } OPTIONAL { ?o ckg:cell ?cell }
  OPTIONAL { ?o prov:wasDerivedFrom ?src . ?src ckg:lineStart ?line }
}"""
OUTCOMES_QUERY = """
SELECT ?o ?number ?text ?line WHERE {
  ?o a ckg:DeliveryOutcome ; ckg:inPlan ?doc ; ckg:number ?number ; ckg:text ?text .
  OPTIONAL { ?o prov:wasDerivedFrom/ckg:lineStart ?line } }"""
CONTINUES_QUERY = "SELECT ?a ?b WHERE { ?a ckg:continues ?b }"
ROLES_QUERY = """
SELECT ?role ?name ?line WHERE {
  ?ms a org:Membership ; ckg:assertedBy ?doc ; org:role/rdfs:label ?role ; org:member/foaf:name ?name .
  OPTIONAL { ?ms prov:wasDerivedFrom/ckg:lineStart ?line } }"""
ITEMS_QUERY = """
SELECT ?node ?class ?label ?line WHERE {
  VALUES ?class { ckg:BudgetLine ckg:CapitalProject ckg:Procurement ckg:Risk }
  GRAPH ?doc { ?node a ?class ; rdfs:label ?label } OPTIONAL { ?node prov:wasDerivedFrom/ckg:lineStart ?line } }"""


def title_words(text: str) -> frozenset[str]:
    """Words of a title or of a name for it, plural and possessive "s" dropped ("Children's" = "childrens")."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))
    return frozenset(w.rstrip("s") if len(w) > 3 else w for w in words) - STOP_WORDS


STOP_WORDS = frozenset(["a", "an", "and", "for", "in", "of", "on", "the", "to", "version", "plan"])
MONTH_WORDS = title_words(" ".join([*MONTHS, *MONTH_ABBREVIATIONS, "sept"]))


class DocumentNotFound(CouncilKGError):
    """A document name matched no document, or more than one."""


@dataclass(frozen=True)
class Doc:
    iri: str
    title: str
    issued: str
    source: str

    def name(self) -> str:
        return f"{self.title} ({self.issued or 'undated'})"


@dataclass
class DocDiff:
    a: Doc
    b: Doc
    measures_added: list[dict] = field(default_factory=list)
    measures_removed: list[dict] = field(default_factory=list)
    measures_reworded: list[dict] = field(default_factory=list)
    values_changed: list[dict] = field(default_factory=list)
    values_added: list[dict] = field(default_factory=list)
    values_removed: list[dict] = field(default_factory=list)
    outcomes_added: list[dict] = field(default_factory=list)
    outcomes_removed: list[dict] = field(default_factory=list)
    outcomes_renumbered: list[dict] = field(default_factory=list)
    outcomes_reworded: list[dict] = field(default_factory=list)
    lead_members_changed: list[dict] = field(default_factory=list)
    items_added: list[dict] = field(default_factory=list)
    items_removed: list[dict] = field(default_factory=list)

    SECTIONS = (
        "measures_added",
        "measures_removed",
        "measures_reworded",
        "values_changed",
        "values_added",
        "values_removed",
        "outcomes_added",
        "outcomes_removed",
        "outcomes_renumbered",
        "outcomes_reworded",
        "lead_members_changed",
        "items_added",
        "items_removed",
    )

    def as_dict(self) -> dict:
        return {
            "a": self.a.__dict__,
            "b": self.b.__dict__,
            **{s: getattr(self, s) for s in self.SECTIONS},
            "counts": {s: len(getattr(self, s)) for s in self.SECTIONS},
        }

    def empty(self) -> bool:
        return not any(getattr(self, s) for s in self.SECTIONS)


def _line(row, name: str = "line") -> int | None:
    return int(text_of(row, name)) if text_of(row, name) else None


# -- naming a document -------------------------------------------------------------------------
def documents(store) -> list[Doc]:
    return sorted(
        {
            Doc(r["doc"].value, r["title"].value, text_of(r, "issued"), r["source"].value)
            for r in store.query(DOCS_QUERY)
        },
        key=lambda d: (d.issued, d.iri),
    )


def resolve_document(store, name: str) -> Doc:
    """The one document `name` names: IRI, file name, or title words with a date (YYYY-MM, "October 2020")."""
    name = name.strip()
    docs = documents(store)
    if not name:
        raise DocumentNotFound("give a document IRI, file name, or title words and a date")
    if re.match(r"^https?://", name):
        found = [d for d in docs if d.iri == name]
    elif PurePath(name).suffix and any(PurePath(d.source).name == PurePath(name).name for d in docs):
        found = [d for d in docs if PurePath(d.source).name == PurePath(name).name]
    else:
        found = _by_title_and_date(docs, name)
    if len(found) == 1:
        return found[0]
    if not found:
        raise DocumentNotFound(f"no document matches {name!r}")
    listed = "; ".join(d.name() for d in found[:8])
    raise DocumentNotFound(f"{name!r} matches {len(found)} documents: {listed}. Add words of the title or a date.")


def _by_title_and_date(docs: list[Doc], name: str) -> list[Doc]:
    when = [m.isoformat()[:7] for m in months_in(name)]
    when += re.findall(r"\b((?:19|20)\d\d-\d\d(?:-\d\d)?)\b", name)
    rest = re.sub(r"\b(?:19|20)\d\d-\d\d(?:-\d\d)?\b", " ", name)
    years = [] if when else re.findall(r"\b((?:19|20)\d\d)\b(?![/-]\d)", rest)
    words = title_words(re.sub(r"\b(?:19|20)\d\d\b", " ", rest)) - MONTH_WORDS
    found = [d for d in docs if words <= title_words(d.title)] if words else list(docs)
    if when:
        found = [d for d in found if any(d.issued.startswith(w) for w in when)]
    if years:
        found = [d for d in found if d.issued[:4] in years or any(y in d.title for y in years)]
    return found


# -- the diff --------------------------------------------------------------------------------------
def diff(store, a: Doc, b: Doc) -> DocDiff:
    """Everything that changed from document `a` to document `b`."""
    out = DocDiff(a, b)
    ma, mb = _measures(store, a), _measures(store, b)
    pairs = _pair_measures(ma, mb, out)
    _values(store, a, b, ma, mb, pairs, out)
    _outcomes(store, a, b, out)
    _roles(store, a, b, out)
    _items(store, a, b, out)
    return out


def _measures(store, doc: Doc) -> dict[str, dict]:
    out = {}
    for r in store.query(MEASURES_QUERY, {"doc": NamedNode(doc.iri)}):
        label = f"{text_of(r, 'parent')} — {r['label'].value}" if text_of(r, "parent") else r["label"].value
        out[r["m"].value] = {
            "measure": r["m"].value,
            "label": label,
            "indicator": text_of(r, "indicator"),
            "line": _line(r),
            "lead": text_of(r, "lead"),
        }
    return out


def _pair_measures(ma: dict, mb: dict, out: DocDiff) -> list[tuple[str, str]]:
    """Measures of a and b paired by indicator (or same words); the rest are removed or added."""
    key = lambda m: m["indicator"] or " ".join(sorted(label_words(m["label"])))
    by_key = {key(m): iri for iri, m in ma.items()}
    pairs = [(by_key[key(m)], iri) for iri, m in mb.items() if key(m) in by_key]
    paired_a, paired_b = {x for x, _ in pairs}, {y for _, y in pairs}
    out.measures_added = [
        _measure_row(mb[m]) for m in sorted(mb, key=lambda m: mb[m]["line"] or 0) if m not in paired_b
    ]
    out.measures_removed = [
        _measure_row(ma[m]) for m in sorted(ma, key=lambda m: ma[m]["line"] or 0) if m not in paired_a
    ]
    pairs.sort(key=lambda p: mb[p[1]]["line"] or 0)
    for x, y in pairs:
        if label_words(ma[x]["label"]) != label_words(mb[y]["label"]):
            out.measures_reworded.append(
                {
                    "old": ma[x]["label"],
                    "new": mb[y]["label"],
                    "old_line": ma[x]["line"],
                    "new_line": mb[y]["line"],
                    "measure_a": x,
                    "measure_b": y,
                }
            )
        if ma[x]["lead"] and mb[y]["lead"] and ma[x]["lead"] != mb[y]["lead"]:
            out.lead_members_changed.append(
                {
                    "what": mb[y]["label"],
                    "old": ma[x]["lead"],
                    "new": mb[y]["lead"],
                    "old_line": ma[x]["line"],
                    "new_line": mb[y]["line"],
                }
            )
    return pairs


def _measure_row(m: dict) -> dict:
    return {"measure": m["measure"], "label": m["label"], "line": m["line"]}


def _points(store, doc: Doc) -> dict[str, dict[tuple, list[Point]]]:
    """Each measure's values by (period, kind, area), in cell order."""
    out: dict[str, dict[tuple, list[Point]]] = defaultdict(lambda: defaultdict(list))
    rows = sorted(store.query(VALUES_QUERY, {"doc": NamedNode(doc.iri)}), key=lambda r: r["o"].value)
    for r in rows:
        kind, area = local_name(r["kind"].value), local_name(text_of(r, "area"))
        cell = text_of(r, "cell")
        line = int(cell.split("/")[0]) if cell else _line(r)
        p = Point(
            text_of(r, "period"),
            "",
            kind,
            r["text"].value,
            _decimal(text_of(r, "value")),
            local_name(text_of(r, "unit")),
            area,
            text_of(r, "qual"),
            "",
            r["m"].value,
            "",
            doc.iri,
            doc.title,
            doc.issued,
            doc.source,
            line,
            r["o"].value,
            text_of(r, "src"),
        )
        out[r["m"].value][(p.period, kind, area)].append(p)
    return out


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _values(store, a: Doc, b: Doc, ma: dict, mb: dict, pairs: list, out: DocDiff) -> None:
    pa, pb = _points(store, a), _points(store, b)
    for x, y in pairs:
        old, new = pa.get(x, {}), pb.get(y, {})
        for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1], k[2])):
            o, n = old.get(key, []), new.get(key, [])
            row = {
                "label": mb[y]["label"],
                "period": key[0],
                "kind": key[1],
                "area": key[2],
                "old": " ".join(p.text for p in o),
                "new": " ".join(p.text for p in n),
                "old_values": [float(p.value) for p in o if p.value is not None],
                "new_values": [float(p.value) for p in n if p.value is not None],
                "old_line": o[0].line if o else None,
                "new_line": n[0].line if n else None,
                "old_passage": o[0].passage if o else "",
                "new_passage": n[0].passage if n else "",
                "measure_a": x,
                "measure_b": y,
            }
            if o and n and {stated(p) for p in o} != {stated(p) for p in n}:
                out.values_changed.append(row)
            elif n and not o:
                out.values_added.append(row)
            elif o and not n:
                out.values_removed.append(row)


def _outcomes(store, a: Doc, b: Doc, out: DocDiff) -> None:
    """Delivery outcomes paired through ckg:continues (at any distance), else by the same words."""
    oa = {r["o"].value: r for r in store.query(OUTCOMES_QUERY, {"doc": NamedNode(a.iri)})}
    ob = {r["o"].value: r for r in store.query(OUTCOMES_QUERY, {"doc": NamedNode(b.iri)})}
    lineage = _lineages(store)
    key = lambda o, r: lineage.get(o) or " ".join(sorted(label_words(r["text"].value)))
    by_key = {key(o, r): o for o, r in oa.items()}
    row = lambda o, r: {"outcome": o, "number": int(r["number"].value), "text": r["text"].value, "line": _line(r)}
    paired = set()
    for o, r in sorted(ob.items(), key=lambda kv: int(kv[1]["number"].value)):
        old = by_key.get(key(o, r))
        if old is None:
            out.outcomes_added.append(row(o, r))
            continue
        paired.add(old)
        before, after = row(old, oa[old]), row(o, r)
        if before["number"] != after["number"]:
            out.outcomes_renumbered.append({"old": before, "new": after})
        if label_words(before["text"]) != label_words(after["text"]):
            out.outcomes_reworded.append({"old": before, "new": after})
    out.outcomes_removed = [
        row(o, r) for o, r in sorted(oa.items(), key=lambda kv: int(kv[1]["number"].value)) if o not in paired
    ]


def _lineages(store) -> dict[str, str]:
    """Each node linked by ckg:continues -> one member of its chain, the same for the whole chain."""
    root: dict[str, str] = {}

    def find(x: str) -> str:
        while root.get(x, x) != x:
            x = root[x]
        return x

    for r in store.query(CONTINUES_QUERY):
        a, b = find(r["a"].value), find(r["b"].value)
        if a != b:
            root[a] = b
    return {x: find(x) for x in list(root) + list(root.values())}


def _roles(store, a: Doc, b: Doc, out: DocDiff) -> None:
    """Role holders the documents state: a role now held by someone else, or stated by one document only."""

    def holders(doc: Doc) -> dict[str, tuple[str, int | None]]:
        return {
            r["role"].value: (r["name"].value, _line(r)) for r in store.query(ROLES_QUERY, {"doc": NamedNode(doc.iri)})
        }

    ra, rb = holders(a), holders(b)
    for role in sorted(set(ra) | set(rb)):
        old, new = ra.get(role, ("", None)), rb.get(role, ("", None))
        if old[0] != new[0]:
            out.lead_members_changed.append(
                {"what": role, "old": old[0], "new": new[0], "old_line": old[1], "new_line": new[1]}
            )


def _items(store, a: Doc, b: Doc, out: DocDiff) -> None:
    def items(doc: Doc) -> dict[tuple, dict]:
        return {
            (local_name(r["class"].value), " ".join(sorted(label_words(r["label"].value)))): {
                "kind": local_name(r["class"].value),
                "label": r["label"].value,
                "line": _line(r),
            }
            for r in store.query(ITEMS_QUERY, {"doc": NamedNode(doc.iri)})
        }

    ia, ib = items(a), items(b)
    out.items_added = sorted((ib[k] for k in ib.keys() - ia.keys()), key=lambda i: i["line"] or 0)
    out.items_removed = sorted((ia[k] for k in ia.keys() - ib.keys()), key=lambda i: i["line"] or 0)
