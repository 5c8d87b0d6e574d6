"""SHACL validation of the whole store against `ontology/shapes*.ttl`."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def load_ontology() -> Graph:
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if not f.name.startswith("shapes"):
            g.parse(f)
    return g


def load_shapes() -> Graph:
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.glob("shapes*.ttl")):
        g.parse(f)
    return g


def validate_graph(data: Graph) -> tuple[bool, int, str]:
    """(conforms, number of violations, text report)."""
    from pyshacl import validate

    if not data.store.context_aware:  # pyshacl mixes the ontology in, which needs a store that knows graphs
        data = Graph() + data
    conforms, results, text = validate(
        data, shacl_graph=load_shapes(), ont_graph=load_ontology(), inference="none", advanced=True, allow_warnings=True
    )
    from rdflib.namespace import SH

    n = len(set(results.subjects(SH.resultSeverity, SH.Violation)))
    return conforms, n, text


def validate_store(store) -> tuple[bool, int, str]:
    """Validate every fact of the store (its default graph: the union of every named graph)."""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    data = Graph().parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return validate_graph(data)


# -- store, index and manifest agree ------------------------------------------------------
STORED_DOCUMENTS = """SELECT ?d ?sha ?src ?file WHERE { GRAPH ?d { ?d ckg:sha256 ?sha ; ckg:sourceFile ?file
  OPTIONAL { ?d ckg:sourcePath ?src } } }"""


def stored_passages(store) -> int:
    """Passages the store holds."""
    return int(next(iter(store.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ckg:Passage }")))["n"].value)


def check_consistency(store, data: Path) -> list[str]:
    """How the store, the passage index, the manifest and the journal disagree, each with its repair; [] when they agree."""
    from kg.journal import Journal, Manifest

    problems = []
    pending = Journal(data).pending()
    if pending:
        files = ", ".join(pending.get("sources", [])) or "unknown files"
        problems.append(
            f"an ingest was interrupted in its {pending.get('phase')} phase ({files}): "
            "run `councilkg ingest PATH` (any path) to finish it"
        )
    stored = {
        r["d"].value: (r["sha"].value, r["src"].value if r["src"] else r["file"].value)
        for r in store.query(STORED_DOCUMENTS)
    }
    manifest = Manifest.load(data)
    problems += _unrecorded(stored, manifest) + _missing(stored, manifest) + _index_problems(store, data)
    return problems


def _missing(stored: dict[str, tuple[str, str]], manifest) -> list[str]:
    """Documents and parts the manifest records that the store lacks or holds with other content."""
    out = []
    for source, entry in sorted(manifest.files.items()):
        bad = [d["iri"] for d in entry.get("docs", []) if stored.get(d["iri"], ("",))[0] != d["sha256"]]
        if bad:
            out.append(
                f"{source}: {len(bad)} of its {len(entry.get('docs', []))} documents and parts are missing "
                f"or differ in the store ({', '.join(bad[:3])}{' …' if len(bad) > 3 else ''}): "
                f"run `councilkg ingest --force {source}`"
            )
    return out


def _unrecorded(stored: dict[str, tuple[str, str]], manifest) -> list[str]:
    """Documents in the store that no manifest entry records (from an older version or an interrupted ingest)."""
    known = {d["iri"] for e in manifest.files.values() for d in e.get("docs", [])}
    sources = sorted({src for iri, (_, src) in stored.items() if iri not in known})
    return [f"{src}: stored but not in the manifest: run `councilkg ingest --force {src}`" for src in sources]


def _index_problems(store, data: Path) -> list[str]:
    """The saved index must hold exactly the store's passages."""
    import json

    f = data / "index" / "entries.json"
    try:
        indexed = {e["iri"] for e in json.loads(f.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        indexed = None
    passages = {r["p"].value for r in store.query("SELECT DISTINCT ?p WHERE { ?p a ckg:Passage }")}
    if indexed is None:
        return (
            []
            if not passages
            else [
                f"the passage index ({f}) is missing or unreadable, the store holds "
                f"{len(passages)} passages: run `councilkg ingest --force PATH`"
            ]
        )
    if indexed == passages:
        return []
    return [
        f"the passage index holds {len(indexed)} passages, the store {len(passages)} "
        f"({len(passages - indexed)} not indexed, {len(indexed - passages)} no longer stored): "
        "run `councilkg ingest --force PATH`"
    ]
