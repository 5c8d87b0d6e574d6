"""The web pages over plain HTTP (no JavaScript): ask, documents, entity pages, the SPARQL workbench, /docs."""

import json
from urllib.parse import quote
import re

import pytest
from lxml import html
from pyoxigraph import NamedNode

from kg.saved import load_queries
from tests.data import (
    BASE,
    CHILDREN_OCT,
    FIXTURES,
    KENT_MEETING_JAN,
    LAC_MEASURE,
    LAC_QUESTION,
    TOP_LEVEL_DOCUMENTS,
)

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
OCT_PAGE = "/documents/escc/childrens-services-portfolio-plan-2020-10"


def page(client, url: str, status: int = 200, **params):
    r = client.get(url, params=params or None, headers=HTML)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return html.fromstring(r.text)


def text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def local(iri: str) -> str:
    """The page of a node of ours."""
    return "/id/" + iri.removeprefix(BASE)


@pytest.fixture(scope="module")
def lac(client):
    """The ask page for a value read from a table row of two versions of one plan."""
    return page(client, "/", q=LAC_QUESTION)


def test_ask_page_answers_on_the_server(lac):
    assert text(lac.xpath("//p[@class='answer-text']")[0]).startswith("56.5 (outturn, 2019/20)")
    assert lac.xpath("//input[@id='q']/@value") == [LAC_QUESTION]
    nodes = [(text(a), a.get("href")) for a in lac.xpath("//ul[@class='nodes']/li/a")]
    assert ("Rate of Looked After Children (per 10,000 children)", local(LAC_MEASURE)) in nodes
    assert all(href.startswith("/id/") for _, href in nodes)
    badges = {text(b) for b in lac.xpath("//ul[@class='nodes']//span[@class='badge']")}
    assert {"performance measure", "observation", "passage"} <= badges


def test_citations_show_version_file_lines_and_the_answering_cell(lac):
    first, second = lac.xpath("//li[@class='citation']")[:2]
    assert first.xpath(".//a[@class='lines']/@href") == [OCT_PAGE + "#L352"]
    meta = text(first.xpath(".//p[@class='meta']")[0])
    assert "2020-10-01" in meta and "002_49448199a3dea4d2.txt" in meta and "line 352" in meta
    assert "2020-09-01" in text(second) and "000_ef67688da2edb598.txt" in text(second)  # the September version
    headers = [text(th) for th in first.xpath(".//thead//th")]
    assert headers[:4] == [
        "Lead Member",
        "Performance measure (CP = Council Plan)",
        "2018/19 Outturn",
        "2019/20 Outturn",
    ]
    cells = first.xpath(".//tbody//td")
    hit = [i for i, td in enumerate(cells) if td.get("class") == "hit"]
    assert len(hit) == 1 and headers[hit[0]] == "2019/20 Outturn"
    assert text(cells[hit[0]].xpath("mark")[0]) == "56.5 601 children"
    assert text(cells[1]) == "Rate of Looked After Children (per 10,000 children) CP"  # under its own header


def test_ask_page_links_its_sparql_to_the_workbench(client, lac):
    href = lac.xpath("//a[contains(., 'Open in the SPARQL workbench')]/@href")[0]
    shown = text(lac.xpath("//pre[@class='sparql']")[0])
    bench = page(client, href)
    assert text(bench.xpath("//textarea[@id='query']")[0]) == shown
    assert bench.xpath("//table[@class='results-table']//a[@href]")  # the query ran and its IRIs are links


def test_a_prose_answer_marks_its_words(client):
    doc = page(client, "/", q="Who is the Lead Member for Children and Families in East Sussex?")
    first = doc.xpath("//li[@class='citation']")[0]
    assert [text(m) for m in first.xpath(".//blockquote/mark")] == ["Sylvia Tidy"]


def test_empty_ask_page_is_a_form(client):
    doc = page(client, "/")
    assert doc.xpath("//form[@action='/' and @method='get']//input[@name='q']")
    assert doc.xpath("//label[@for='q']") and not doc.xpath("//section[@class='answer']")


def test_documents_page_lists_every_document_with_counts(client, engine):
    doc = page(client, "/documents")
    cards = doc.xpath("//article[contains(@class, 'doc-card')]")
    assert len(cards) == len(engine.stats()["documents"]) == 24
    assert len(doc.xpath("//main/article")) == TOP_LEVEL_DOCUMENTS  # the rest are papers nested in their pack
    oct_card = next(c for c in cards if c.xpath("./h2/a/@href") == [OCT_PAGE])
    meta, counts = text(oct_card.xpath("./p[@class='meta']")[0]), text(oct_card.xpath("./p[@class='counts']")[0])
    assert "portfolio plan" in meta and "East Sussex County Council" in meta and "2020-10-01" in meta
    assert "002_49448199a3dea4d2.txt, lines 1–403" in meta
    assert "37 measures" in counts and "16 delivery outcomes" in counts


def test_document_page_has_lines_anchors_and_what_was_read(client, engine):
    doc = page(client, OCT_PAGE)
    assert text(doc.xpath("//h1")[0]) == "Children's Services Portfolio Plan 2020/21–2022/23"
    revises = doc.xpath("//dt[.='Revises']/following-sibling::dd[1]/a/@href")
    assert revises == ["/documents/escc/childrens-services-portfolio-plan-2020-09"]
    row = doc.xpath("//tr[@id='L352']")[0]
    assert text(row.xpath("./td[1]")[0]) == "352"
    header = [text(th) for th in row.xpath("./preceding::tr[contains(@class, 'table_header')][1]/th")]
    cells = [text(td) for td in row.xpath("./td")]
    assert cells[1 + header.index("2019/20 Outturn")] == "56.5 601 children"  # cells stay under their headers
    anchors = [int(i[1:]) for i in doc.xpath("//*[starts-with(@id, 'L')]/@id")]
    spans = engine.sparql(
        "SELECT ?a ?b WHERE { ?p ckg:inDocument ?d ; ckg:lineStart ?a ; ckg:lineEnd ?b }",
        {"d": NamedNode(CHILDREN_OCT)},
    )
    covered = {n for r in spans for n in range(int(r["a"].value), int(r["b"].value) + 1)}
    assert sorted(anchors) == sorted(covered) and len(covered) > 200  # one anchor for every line a passage holds
    groups = {
        s.xpath("normalize-space(./text()[1])"): text(s.xpath("./span")[0])
        for s in doc.xpath("//details[@class='extracted']/summary")
    }
    assert groups["Performance measure"] == "37" and groups["Delivery outcome"] == "16"


def test_unknown_pages_are_404(client):
    page(client, "/documents/escc/no-such-plan", status=404)
    page(client, "/id/no/such/node", status=404)


def test_measure_page_has_values_by_period_and_a_chart_of_both_versions(client):
    doc = page(client, local(LAC_MEASURE))
    assert text(doc.xpath("//h1")[0]) == "Rate of Looked After Children (per 10,000 children)"
    assert doc.xpath("//h2[.='Read from']/following-sibling::ul[1]//a/@href")[-1] == OCT_PAGE + "#L352"
    periods = [text(th) for th in doc.xpath("//table[@class='values']/thead//th")]
    assert periods == ["Kind", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    rows = {
        text(tr.xpath("./th")[0]): [text(td) for td in tr.xpath("./td")]
        for tr in doc.xpath("//table[@class='values']/tbody/tr")
    }
    assert rows["outturn (rate per 10,000)"][:2] == ["57.3", "56.5"]
    assert rows["outturn (count)"][:2] == ["607 children", "601 children"]
    chart = json.loads(doc.xpath("//script[@id='chart-data']")[0].text)
    outturns = {t["name"]: dict(zip(t["x"], t["y"])) for t in chart["traces"] if t["name"].startswith("outturn")}
    assert len(outturns) == 2 and all(v == {"2018/19": 57.3, "2019/20": 56.5} for v in outturns.values())
    assert {t["unit"] for t in chart["traces"]} == {"rate per 10,000"}
    assert doc.xpath("//script[@src='/vendor/plotly.min.js']")
    trace = doc.xpath("//a[.='Trace it across plans and years']/@href")
    assert trace == ["/trace?q=" + quote(LAC_MEASURE, safe="")]
    traced = page(client, trace[0])
    assert "56.5" in [text(td) for td in traced.xpath("//td")]  # the 2019/20 outturn, among the series' values


def test_person_page_has_roles_over_time_and_meetings(client):
    doc = page(client, "/id/person/j-whittle")
    roles = [
        [text(td) for td in tr.xpath("./td")]
        for tr in doc.xpath("//h2[.='Roles over time']/following::table[1]/tbody/tr")
    ]
    assert ["2016-01-22", "Chairman"] in [r[:2] for r in roles]
    attended = [text(a) for a in doc.xpath("//h2[.='Meetings attended']/following-sibling::ul[1]/li/a")]
    assert attended == [
        "Children's Social Care and Health Cabinet Committee meeting 22 January 2016",
        "Corporate Parenting Panel meeting 28 January 2016",
    ]


def test_meeting_page_has_attendance_items_and_resolutions(client):
    doc = page(client, local(KENT_MEETING_JAN))
    groups = {
        text(h): len(h.xpath("./following-sibling::ul[1]/li"))
        for h in doc.xpath("//h2[.='Attendance']/following-sibling::h3")
    }
    assert groups == {"Present": 14, "Also present": 4, "In attendance": 10, "Apologies": 1}
    minutes = [text(li) for li in doc.xpath("//ol[contains(@class, 'minutes')]/li")]
    chairman = next(m for m in minutes if m.startswith("103. Membership - Election of a new Chairman"))
    assert "RESOLVED that the Children's Social Care Cabinet Committee agree to Mrs Whittle's election" in chairman


def test_entity_pages_name_nodes_and_link_both_ways(client):
    doc = page(client, local(CHILDREN_OCT))
    assert text(doc.xpath("//h1")[0]) == "Children's Services Portfolio Plan 2020/21–2022/23"
    assert doc.xpath("//a[.='Read the document, line by line']/@href") == [OCT_PAGE]
    incoming = {
        dt.xpath("normalize-space(./text()[1])")
        for dt in doc.xpath("//h2[.='Linked from']/following-sibling::dl[1]/dt")
    }
    assert {"in document", "in plan"} <= incoming
    out = doc.xpath("//h2[.='Properties and links']/following-sibling::dl[1]//a")
    assert out and not any(text(a).startswith("https://") for a in out)  # labels in place of IRIs


@pytest.mark.parametrize(
    "iri",
    [LAC_MEASURE, LAC_MEASURE.replace("/measure/24", "/obs/352/3/0"), KENT_MEETING_JAN, CHILDREN_OCT + "/outcome/5"],
)
def test_every_node_links_to_its_source_lines(client, iri):
    doc = page(client, local(iri))
    links = doc.xpath("//h2[.='Read from']/following-sibling::ul[1]//a[@class='' or not(@class)]/@href")
    assert any(re.match(r"^/documents/.+#L\d+$", h) for h in links), links


def test_linked_data_by_accept_is_unchanged(client):
    r = client.get(local(LAC_MEASURE), headers={"accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle") and "Rate of Looked After Children" in r.text
    r = client.get(local(LAC_MEASURE), headers={"accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json") and json.loads(r.text)


def test_sparql_from_a_browser_is_the_workbench(client):
    doc = page(client, "/sparql")
    assert doc.xpath("//form[@action='/workbench']//textarea[@name='query']")
    assert len(doc.xpath("//aside[@class='saved']/details")) == len(load_queries())
    assert doc.xpath("//aside//form//input[@name='bind.meeting']")
    r = client.get("/sparql")  # not a browser: the protocol's error, as before
    assert r.status_code == 400 and "no query" in r.json()["error"]


def test_workbench_runs_a_saved_query_with_a_parameter(client):
    doc = page(client, "/workbench", name="meeting-attendance", **{"bind.date": "2016-01-22"})
    assert text(doc.xpath("//h2[@id='results-heading']")[0]) == "29 rows"
    assert doc.xpath("//table[@class='results-table']//a/@href")[0] == local(KENT_MEETING_JAN)
    assert doc.xpath("//input[@name='bind.date']/@value")[0] == "2016-01-22"
    csv_href, json_href = doc.xpath("//p[@class='downloads']/a/@href")
    r = client.get(csv_href)
    assert r.headers["content-type"].startswith("text/csv") and len(r.text.strip().splitlines()) == 30
    assert "attachment" in r.headers["content-disposition"]
    assert len(client.get(json_href).json()["results"]["bindings"]) == 29


def test_workbench_reports_bad_input_in_the_page(client):
    doc = page(client, "/workbench", name="meeting-attendance", **{"bind.date": "22nd of Jan"})
    assert "wants a date" in text(doc.xpath("//p[@role='alert']")[0])
    doc = page(client, "/workbench", query="SELEC ?x WHERE {")
    assert "syntax" in text(doc.xpath("//p[@role='alert']")[0]).lower()
    doc = page(client, "/workbench", query="DELETE WHERE { ?s ?p ?o }")
    assert "read-only" in text(doc.xpath("//p[@role='alert']")[0])


def test_api_reference_is_served_locally(client):
    doc = page(client, "/docs")
    paths = {text(c) for c in doc.xpath("//section[@class='operation']/h2/code")}
    assert {"/ask", "/search", "/sparql", "/id/{path}"} <= paths
    assert not doc.xpath("//script[@src]") and not doc.xpath("//link[starts-with(@href, 'http')]")
    assert client.get("/redoc").status_code == 404
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"] and len(r.content) > 1_000_000
    assert client.get("/static/style.css").status_code == 200


def test_no_page_loads_anything_from_elsewhere(client):
    for url in ("/", "/documents", OCT_PAGE, local(LAC_MEASURE), "/workbench", "/docs"):
        doc = page(client, url)
        refs = doc.xpath("//script/@src | //link/@href | //img/@src")
        assert all(r.startswith("/") for r in refs), (url, refs)


def test_a_question_cannot_inject_markup(client):
    raw = client.get("/", params={"q": '<script>alert(1)</script>"><b>x'}, headers=HTML).text
    assert "<script>alert(1)" not in raw and "<b>x" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;b&gt;x" in raw


@pytest.fixture(scope="module")
def marked_up(tmp_path_factory):
    """A store holding one fixture document whose text carries markup."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from kg.engine import Engine

    engine = Engine.open(tmp_path_factory.mktemp("markup"), embed=False)
    assert not engine.ingest([FIXTURES / "pages_markup.txt"]).errors
    with TestClient(create_app(engine)) as c:
        yield c


def test_a_document_cannot_inject_markup(marked_up):
    docs = page(marked_up, "/documents").xpath("//article//h2/a/@href")
    assert len(docs) == 1
    pages = [
        docs[0],
        "/?q=What did the petitioner's statement end with?",
        "/workbench?query=" + "SELECT ?t WHERE { ?p ckg:text ?t FILTER(CONTAINS(?t, '<')) }",
    ]
    for url in pages:
        raw = marked_up.get(url, headers=HTML).text
        own = re.findall(r"<script[^>]*>", raw)
        assert all(tag.startswith(('<script src="/', '<script type="application/json"')) for tag in own), (url, own)
        assert "&lt;script src=x onerror=alert(1)" in raw, url  # the document's text, shown as text
