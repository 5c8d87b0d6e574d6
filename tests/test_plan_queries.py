"""The plan SPARQL queries (`kg/queries/*.rq`) over the real pipeline on the three plan seeds:
read -> segment -> extract -> resolve -> build, one named graph per document in one
Oxigraph store, revision links added as ingest does."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.triples import build
from kg.ingest import person_refs
from nlp.resolve import canonical_names
from kg.versions import link_revisions
from nlp import extract as extractors
from nlp.ner import load_pipeline
from nlp.read import read
from nlp.segment import segment

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "kg" / "queries"
PLAN_QUERIES = ["measures-of-outcome", "measure-values", "members-and-roles", "outcomes-under-priority", "version-diff"]
BASE = "https://w3id.org/councilkg/id/doc/escc/"
SEPT, OCT = BASE + "childrens-services-portfolio-plan-2020-09", BASE + "childrens-services-portfolio-plan-2020-10"
ADULTS_2020 = BASE + "adult-social-care-and-health-portfolio-plan-2020-07"
CPP = "Rate of children with a Child Protection Plan (per 10,000 children)"
needs_measures = pytest.mark.skipif(
    importlib.util.find_spec("nlp.extract.plan_measures") is None,
    reason="plan measures (nlp/extract/plan_measures.py) not built yet",
)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    docs = [
        d
        for f in ("000_ef67688da2edb598.txt", "001_7a86a0afad391c44.txt", "002_49448199a3dea4d2.txt")
        for d in read(ROOT / "seeds" / f)
    ]
    nlp = load_pipeline()
    staged = [(d, segment(d), extractors.extract(d, nlp)) for d in docs]
    names = canonical_names(person_refs([r for _d, _p, recs in staged for r in recs]), known=[])
    s = ox.Store()
    for doc, passages, records in staged:
        dg = build(doc, passages, records, names=names)
        s.load(
            dg.graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(dg.iri))
        )
    revises = ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf")
    for new, old in link_revisions(lambda q: s.query(q, use_default_graph_as_union=True)):
        s.add(ox.Quad(ox.NamedNode(new), revises, ox.NamedNode(old), ox.NamedNode(new)))
    return s


def run(store: ox.Store, name: str, /, **bindings: object) -> list[dict[str, str]]:
    """Rows of kg/queries/<name>.rq with `bindings` substituted, as {variable: lexical value}."""
    terms = {
        ox.Variable(k): v if isinstance(v, (ox.NamedNode, ox.Literal)) else ox.Literal(v) for k, v in bindings.items()
    }
    result = store.query(
        (QUERIES / f"{name}.rq").read_text(encoding="utf-8"),
        use_default_graph_as_union=True,
        substitutions=terms or None,
    )
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def header(name: str) -> dict[str, str]:
    lines = (QUERIES / f"{name}.rq").read_text(encoding="utf-8").splitlines()
    return dict(m.groups() for l in lines if (m := re.match(r"#\s*(title|purpose|parameters):\s*(.+)", l)))


# -- every query ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", PLAN_QUERIES)
def test_query_files_declare_title_purpose_and_parameters(name):
    meta = header(name)
    assert set(meta) == {"title", "purpose", "parameters"}
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    select = text[text.index("SELECT") : text.index("WHERE")]
    for param in re.findall(r"\?(\w+)", meta["parameters"]):
        assert f"?{param}" in select, f"{name}: parameter ?{param} must be projected to be bindable"


@pytest.mark.parametrize("name", PLAN_QUERIES)
def test_queries_run_unbound(store, name):
    assert isinstance(run(store, name), list)


def test_docs_show_every_plan_query_with_its_real_row_count(store):
    doc = (ROOT / "docs" / "queries-plans.md").read_text(encoding="utf-8")
    for name in PLAN_QUERIES:
        section = doc.split(f"## `{name}.rq` — {header(name)['title']}")[1].split("\n## ")[0]
        assert header(name)["purpose"] in section
        shown = re.search(r"On the seeds: (\d+) rows unbound", section)
        assert shown and int(shown.group(1)) == len(run(store, name)), name


# -- outline queries -------------------------------------------------------------------------
def test_members_and_roles(store):
    rows = run(store, "members-and-roles")
    assert len(rows) == 7
    tidy = run(store, "members-and-roles", name="Sylvia Tidy")
    assert [(r["roleLabel"], r["validAt"]) for r in tidy] == [
        ("Lead Member for Children and Families", "2020-09-01"),
        ("Lead Member for Children and Families", "2020-10-01"),
    ]
    assert tidy[0]["organizationLabel"] == "East Sussex County Council"
    assert tidy[0]["responsibilities"].startswith("Responsible for strategy and policy for all Children's Services")
    bentley = run(store, "members-and-roles", name="Bill Bentley")
    assert [r["roleLabel"] for r in bentley] == [
        "Lead Member for Adult Social Care and Community Safety",
        "Lead Member for Communities and Safety",
    ]


def test_outcomes_under_priority(store):
    assert len(run(store, "outcomes-under-priority")) == 16 + 15 + 16
    rows = run(store, "outcomes-under-priority", priorityLabel="Keeping vulnerable people safe")
    assert [(r["plan"], r["number"]) for r in rows] == [
        (ADULTS_2020, "5"),
        (ADULTS_2020, "6"),
        (ADULTS_2020, "7"),
        (SEPT, "5"),
        (SEPT, "6"),
        (SEPT, "7"),
        (OCT, "5"),
        (OCT, "6"),
        (OCT, "7"),
    ]
    assert rows[0]["schemeLabel"] == "East Sussex County Council priority outcomes 2020/21"
    mine = run(
        store, "outcomes-under-priority", plan=ox.NamedNode(ADULTS_2020), priorityLabel="Making best use of resources"
    )
    assert [r["number"] for r in mine] == ["11", "12", "13", "14", "15"]
    assert (
        mine[0]["outcomeText"] == "Applying strategic commissioning to ensure resources are directed to meet local need"
    )


# -- queries over measures (built by plan_measures) -------------------------------------------
@needs_measures
def test_measures_of_outcome(store):
    rows = run(store, "measures-of-outcome", plan=ox.NamedNode(OCT), outcomeNumber=ox.Literal(5))
    cpp = [r for r in rows if r["measureLabel"] == CPP]
    assert cpp and {r["leadMember"] for r in cpp} == {"Sylvia Tidy"}
    assert {r["outcomeNumber"] for r in rows} == {"5"}
    assert [(r["period"], r["targetText"]) for r in cpp] == [
        ("2020/21", "55.9 (596 children)"),
        ("2021/22", "To be set 2020/21"),
        ("2022/23", "To be set 2021/22"),
    ]
    twelve = run(store, "measures-of-outcome", plan=ox.NamedNode(OCT), outcomeNumber=ox.Literal(12))
    assert CPP in {r["measureLabel"] for r in twelve}


@needs_measures
def test_measure_values(store):
    rows = run(store, "measure-values", measureLabel=CPP)
    assert {r["plan"] for r in rows} == {SEPT, OCT}
    target = {
        (r["valueText"], r.get("value"))
        for r in rows
        if r["plan"] == OCT and r["period"] == "2020/21" and r["kind"].lower() == "target"
    }
    assert {("55.9", "55.9"), ("(596 children)", "596")} <= target
    sept = [r for r in rows if r["plan"] == SEPT and r["period"] == "2020/21" and r["kind"].lower() == "target"]
    assert [r["valueText"] for r in sept] == ["To be reviewed at Q2 2020/21 due to impact of Covid-19"]


@needs_measures
def test_version_diff_oct_against_sept(store):
    """The only cells that differ between the Sept and Oct 2020 Children's plans are the three
    Child Protection Plan targets (checked against a diff of the two seed tables)."""
    rows = run(store, "version-diff")
    assert [(r["new"], r["old"], r["measureLabel"], r["period"], r["kind"].lower()) for r in rows] == [
        (OCT, SEPT, CPP, period, "target") for period in ("2020/21", "2021/22", "2022/23")
    ]
    assert [r["newText"] for r in rows] == ["55.9 (596 children)", "To be set 2020/21", "To be set 2021/22"]
    assert {r["oldText"] for r in rows} == {"To be reviewed at Q2 2020/21 due to impact of Covid-19"}
    bound = run(store, "version-diff", new=ox.NamedNode(OCT), old=ox.NamedNode(SEPT), measureLabel=CPP)
    assert bound == rows
    assert run(store, "version-diff", new=ox.NamedNode(SEPT), old=ox.NamedNode(OCT)) == []


# -- regenerating docs/queries-plans.md: `.venv/bin/python tests/test_plan_queries.py` ---------
EXAMPLES = {
    "measures-of-outcome": (
        {"plan": ox.NamedNode(OCT), "outcomeNumber": ox.Literal(5), "measureLabel": CPP},
        ["planTitle", "issued", "outcomeNumber", "measureLabel", "leadMember", "period", "targetText"],
    ),
    "measure-values": ({"measureLabel": CPP}, ["issued", "period", "kind", "valueText", "value", "unit", "area"]),
    "members-and-roles": ({"name": "Sylvia Tidy"}, ["name", "roleLabel", "validAt", "documentTitle"]),
    "outcomes-under-priority": (
        {"priorityLabel": "Keeping vulnerable people safe"},
        ["schemeLabel", "issued", "planTitle", "number", "outcomeText"],
    ),
    "version-diff": ({}, ["newIssued", "oldIssued", "measureLabel", "period", "kind", "oldText", "newText"]),
}


def render_docs(s: ox.Store) -> str:
    """The per-query sections of docs/queries-plans.md, from a real run."""

    def cell(v: str, n: int = 70) -> str:
        v = v.replace("|", "\\|").replace("\n", " ")
        return v if len(v) <= n else v[: n - 1] + "…"

    def shown(b: dict) -> str:
        return ", ".join(
            f"?{k} = <{v.value}>"
            if isinstance(v, ox.NamedNode)
            else f"?{k} = {v.value}"
            if isinstance(v, ox.Literal)
            else f'?{k} = "{v}"'
            for k, v in b.items()
        )

    parts = []
    for name in PLAN_QUERIES:
        meta, (bindings, cols) = header(name), EXAMPLES[name]
        rows = run(s, name, **bindings)
        table = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        table += ["| " + " | ".join(cell(r.get(c, "")) for c in cols) + " |" for r in rows[:5]]
        parts.append(
            f"## `{name}.rq` — {meta['title']}\n\n{meta['purpose']}\n\nParameters: {meta['parameters']}.\n\n"
            f"On the seeds: {len(run(s, name))} rows unbound; bound with {shown(bindings) or 'nothing'}: "
            f"{len(rows)} rows. First rows:\n\n" + "\n".join(table) + "\n"
        )
    return "\n".join(parts)


if __name__ == "__main__":
    path = ROOT / "docs" / "queries-plans.md"
    intro = path.read_text(encoding="utf-8").split("## `")[0]
    path.write_text(intro + render_docs(store.__wrapped__()), encoding="utf-8")
