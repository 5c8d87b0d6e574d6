"""PDF, Word and HTML input: the same lines, tables and records as the text they were made from, cited by page.

Files are made once per module at set-up: PDFs with reportlab (prose as paragraphs, tables as
real ruled tables that run across pages and repeat their header), a Word document with
python-docx (headings, automatic numbering, merged cells), from the texts in
`tests/fixtures/formats/`; the HTML page there is written as a Modern.gov meeting page with
its site's chrome. A seed plan rendered as a PDF must give the same measures as its text.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from nlp.errors import ReadError
from nlp.extract import meetings as M
from nlp.extract import plan_measures
from nlp.extract.plan_measures import MeasureObservation, PlanMeasure
from nlp.read import read
from nlp.segment import segment
from nlp.tables import find_tables
from tests.data import FIXTURES, SEEDS

FORMATS = FIXTURES / "formats"
REPORT = FORMATS / "cabinet_report_fenmoor.txt"
MINUTES = FORMATS / "scrutiny_minutes_fenmoor.txt"
PAGE = FORMATS / "moderngov_cabinet_fenmoor.html"
PLAN = SEEDS / "002_49448199a3dea4d2.txt"
RUNNING_HEADER = "Fenmoor District Council - Cabinet, 12 June 2024"


# -- making the files ------------------------------------------------------------------------------
def _markup(text: str) -> str:
    """Fixture text -> reportlab paragraph markup: <i> kept, <p>, <li> and <br> as line breaks, the rest escaped."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>", "\x00", text.replace("**", "") if "\t" not in text else text)
    parts = re.split(r"(</?i>)", re.sub(r"(?i)<p>", "", text))
    out = "".join(
        p
        if re.fullmatch(r"</?i>", p)
        else re.sub(r"<[^>]+>", "", p).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for p in parts
    )
    return out.strip("\x00 ").replace("\x00", "<br/>")


def _blocks(text: str):
    """('page',) at a form feed, ('table', rows) for a run of tab lines (one repeating its header continues
    the table before it), ('para', line) for every other line."""
    out: list = []
    for line in text.split("\n"):
        if line == "\f":
            out.append(("page",))
        elif "\t" in line:
            row = line.split("\t")
            if out and out[-1][0] == "table" and not out[-1][2]:
                out[-1][1].append(row)
            elif out and out[-1][0] == "table" and out[-1][1][0] == row:
                out[-1][2] = False  # the header again after a page break: the same table goes on
            else:
                out.append(["table", [row], False])
        elif line.strip():
            out.append(("para", line))
        elif out and out[-1][0] == "table":
            out[-1][2] = True  # a blank line closes the table (until its header repeats)
    return out


def _table(rows: list[list[str]], width: float, style):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table

    n = max(map(len, rows))
    rows = [r + [""] * (n - len(r)) for r in rows]
    heads = 2 if len(rows) > 2 and not rows[1][0].strip() else 1
    words = [max(len(w) for r in rows for w in re.sub(r"<[^>]+>", " ", r[j]).split() or [""]) for j in range(n)]
    least = [5.5 * k + 16 for k in words]
    chars = [min(max(len(r[j]) for r in rows), 300) + 1 for j in range(n)]
    widths = [m + (width - sum(least)) * c / sum(chars) for m, c in zip(least, chars)]
    spans = [("SPAN", (0, i), (-1, i)) for i, r in enumerate(rows) if n > 2 and r[0] and not any(r[1:])]
    for j in range(n):  # a spanning header over the sub-headers below it
        k = j + 1
        while heads == 2 and rows[0][j] and k < n and not rows[0][k] and rows[1][k]:
            k += 1
        if k > j + 1:
            spans.append(("SPAN", (j, 0), (k - 1, 0)))
    data = [[Paragraph(_markup(c), style) for c in r] for r in rows]
    return Table(
        data,
        colWidths=widths,
        repeatRows=heads,
        style=[("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans],
    )


def render_pdf(text: str, path: Path, landscape: bool = False) -> Path:
    """A PDF of a fixture text: paragraphs, real tables repeating their header rows, a running header,
    'Page N' footers, and a page break at each form feed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    size = turned(A4) if landscape else A4
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12, spaceAfter=7)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=7, leading=8.5)
    story = []
    for block in _blocks(text):
        if block[0] == "page":
            story.append(PageBreak())
        elif block[0] == "table":
            story += [_table(block[1], size[0] - 100, cell), Spacer(1, 10)]
        else:
            story.append(Paragraph(_markup(block[1]), body))

    def furniture(canvas, doc):
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(50, size[1] - 30, RUNNING_HEADER)
        canvas.drawRightString(size[0] - 50, 25, f"Page {doc.page}")

    SimpleDocTemplate(str(path), pagesize=size, leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=50).build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    return path


def render_docx(text: str, path: Path) -> Path:
    """A Word document of a fixture text: '#' headings as heading styles, '- ' bullets and 'N. ' items as
    Word lists (numbered by Word), tab rows as a table whose blank cells are merged into the cell they belong to."""
    import docx

    d = docx.Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = re.match(r"^(#+)\s+(.*)", line)
        if "\t" in line:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            _docx_table(d, [l.split("\t") for l in lines[i:j]])
            i = j
            continue
        if heading:
            d.add_heading(heading.group(2), len(heading.group(1)))
        elif line.startswith("- "):
            d.add_paragraph(line[2:], style="List Bullet")
        elif re.match(r"^\d+\. ", line):
            d.add_paragraph(line.split(". ", 1)[1], style="List Number")
        elif line.strip():
            d.add_paragraph(line)
        i += 1
    d.save(str(path))
    return path


def _docx_table(d, rows: list[list[str]]) -> None:
    n = max(map(len, rows))
    rows = [r + [""] * (n - len(r)) for r in rows]
    table = d.add_table(rows=len(rows), cols=n)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            para = table.cell(r, c).paragraphs[0]
            for k, part in enumerate(re.split(r"</?i>", value)):
                if part:
                    para.add_run(part).italic = k % 2 == 1
    for c in range(n):  # a year over its sub-columns
        k = c + 1
        while rows[0][c] and k < n and not rows[0][k] and rows[1][k]:
            k += 1
        if k > c + 1:
            table.cell(0, c).merge(table.cell(0, k - 1))
    for c in range(n):  # a heading over two header rows; a first-column label over the rows below it
        for r in range(1, len(rows)):
            if not rows[r][c] and rows[r - 1][c] != "" and (c == 0 or r == 1) and not (r == 1 and rows[0][c] == ""):
                top = r - 1
                while top > 0 and not rows[top][c]:
                    top -= 1
                table.cell(top, c).merge(table.cell(r, c))


def _canvas_pdf(draw, encrypt=None) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    draw(c)
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("formats")
    (out / "pdf").mkdir()
    (out / "plan").mkdir()
    return {
        "report": render_pdf(REPORT.read_text(encoding="utf-8"), out / "pdf" / "cabinet-report.pdf"),
        "plan": render_pdf(PLAN.read_text(encoding="utf-8"), out / "plan" / "childrens-plan.pdf", landscape=True),
        "minutes": render_docx(MINUTES.read_text(encoding="utf-8"), out / "scrutiny-minutes.docx"),
        "dir": out,
    }


@pytest.fixture(scope="module")
def report(files):
    (doc,) = read(files["report"])
    return doc


@pytest.fixture(scope="module")
def plans(files) -> dict:
    return {kind: read(path)[0] for kind, path in (("text", PLAN), ("pdf", files["plan"]))}


@pytest.fixture(scope="module")
def engines(files, tmp_path_factory) -> dict:
    """The seed plan ingested twice, once as its text and once as its PDF (BM25 only, for speed)."""
    from kg.engine import Engine

    out = {}
    for kind, path in (("text", PLAN), ("pdf", files["plan"])):
        e = Engine.open(tmp_path_factory.mktemp(f"engine-{kind}"), embed=False)
        report = e.ingest([path])
        assert not report.errors, report.errors
        out[kind] = e
    return out


def fixture_lines(path: Path) -> list[str]:
    return [l for l in path.read_text(encoding="utf-8").split("\n") if l.strip()]


# -- PDF: prose, tables, pages -----------------------------------------------------------------------
def test_pdf_is_read_as_its_text(report):
    (text,) = read(REPORT)
    identity = lambda d: (d.council, d.body, d.meeting_date, d.doc_type, d.title, d.key)
    assert identity(report) == identity(text)
    assert (report.council, report.body, report.meeting_date.isoformat()) == (
        "Fenmoor District Council",
        "Cabinet",
        "2024-06-12",
    )
    prose = [l for l in fixture_lines(REPORT) if "\t" not in l and l.strip() != "\f"]
    passages = {p.text for p in segment(report)}
    assert [l for l in prose if l not in passages] == []


def test_running_headers_and_page_numbers_are_dropped(report):
    assert [l for l in report.lines if l.startswith(("Fenmoor District Council - Cabinet", "Page "))] == []


def test_pdf_tables_equal_the_text_tables(report):
    (text,) = read(REPORT)
    expected = [([c.header for c in t.columns], [r.cells for r in t.rows]) for t in find_tables(text.numbered())]
    found = [([c.header for c in t.columns], [r.cells for r in t.rows]) for t in find_tables(report.numbered())]
    assert len(found) == 2 and found == expected
    assert found[1][0] == [
        "Service",
        "2023/24 Budget £000",
        "2023/24 Outturn £000",
        "2023/24 Variance £000",
        "2022/23 Outturn £000",
    ]


def test_a_table_running_across_pages_repeats_its_header_and_stays_one_table(report):
    kpis = find_tables(report.numbered())[0]
    assert len(kpis.rows) == 40 and len(kpis.header_lines) == 2  # its header on each of its two pages
    assert [report.page_at(kpis.rows[0].line)[0], report.page_at(kpis.rows[-1].line)[0]] == [2, 3]
    assert kpis.rows[-1].cells == (
        "CO06",
        "Parking penalty charge notices cancelled on appeal",
        "Smaller is better",
        "6.1%",
        "6.0%",
        "5.4%",
        "Green",
    )
    assert kpis.notes == ("* The CCTV indicator is reported for information and has no target.",)


def test_each_line_knows_its_page_and_its_printed_lines(report):
    def where(start: str) -> tuple:
        p = next(p for p in segment(report) if p.text.startswith(start))
        return report.page_at(p.line_start)[:2], report.page_at(p.line_end)[::2]

    assert where("FENMOOR DISTRICT COUNCIL") == ((1, 1), (1, 1))
    assert where("1.1 This report sets out") == ((1, 8), (1, 10))  # one paragraph printed over three lines
    assert where("3. Performance in 2023/24") == ((2, 1), (2, 1))  # the page break before section 3
    assert where("3.1 Households in temporary") == ((2, 2), (2, 4))
    assert where("HS02\tHouseholds prevented") == ((2, 10), (2, 11))  # a table row whose cell wraps
    assert where("4. Revenue outturn") == ((4, 1), (4, 1))
    assert where("Total\t18,640") == ((4, 12), (4, 12))
    assert report.page_at(report.line_end) == (4, 18, 18) and report.page_at(report.line_end + 1) is None


def test_a_two_column_page_is_read_column_by_column(tmp_path):
    paragraphs = [  # two per column, each printed over several lines
        (
            "The council asked residents what its new housing strategy should put first. Over 1,200 people replied "
            "to the survey, and most asked for more affordable homes for local families."
        ),
        "A second round of consultation on the draft strategy will run from September to November 2024.",
        (
            "The parking review looked at charges in all nineteen council car parks. Evening parking will stay "
            "free, and the first thirty minutes in the high street car parks will cost nothing."
        ),
        "New charges start on 1 April 2025, after the Cabinet decision in January.",
    ]

    def draw(c):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(50, 790, "Residents' newsletter: spring 2024 edition of council news")
        c.setFont("Helvetica", 9)
        for column, x in ((paragraphs[:2], 50), (paragraphs[2:], 310)):
            y = 750
            for text in column:
                words, line = text.split(), ""
                for w in words + [None]:
                    if w is None or c.stringWidth(f"{line} {w}".strip()) > 235:
                        c.drawString(x, y, line)
                        y, line = y - 12, w or ""
                    else:
                        line = f"{line} {w}".strip()
                y -= 10

    f = tmp_path / "newsletter.pdf"
    f.write_bytes(_canvas_pdf(draw))
    assert [l for l in read(f)[0].lines if l] == [
        "Residents' newsletter: spring 2024 edition of council news",
        *paragraphs,
    ]


def test_a_table_set_out_without_rules_becomes_tab_rows(tmp_path):
    rows = [
        ("Service", "2023/24 Budget", "2024/25 Budget"),
        ("Housing", "4,812", "5,210"),
        ("Planning", "2,115", "2,160"),
        ("Total", "6,927", "7,370"),
    ]

    def draw(c):
        c.setFont("Helvetica", 10)
        c.drawString(50, 760, "The budget for each service is set out below. Both years are shown in thousands.")
        for i, row in enumerate(rows):
            c.drawString(50, 730 - 14 * i, row[0])
            for x, value in zip((260, 400), row[1:]):
                c.drawRightString(x + 80, 730 - 14 * i, value)
        c.drawString(50, 650, "Planning fees rose by five per cent in April 2024.")

    f = tmp_path / "budget.pdf"
    f.write_bytes(_canvas_pdf(draw))
    (doc,) = read(f)
    assert [l for l in doc.lines if l] == [
        "The budget for each service is set out below. Both years are shown in thousands.",
        *("\t".join(r) for r in rows),
        "Planning fees rose by five per cent in April 2024.",
    ]
    (t,) = find_tables(doc.numbered())
    assert [(c.header, c.kind) for c in t.columns][1:] == [("2023/24 Budget", "Budget"), ("2024/25 Budget", "Budget")]


def test_watermarks_and_overprinted_bold_are_read_once(tmp_path):
    def draw(c):
        c.setFont("Helvetica-Bold", 12)
        for dx in (0, 0.2):  # a fake bold: the same words printed twice, a hair apart
            c.drawString(72 + dx, 720, "Exempt information: not for publication")
        c.setFont("Helvetica", 60)
        c.saveState()
        c.translate(300, 400)
        c.rotate(45)
        c.drawCentredString(0, 0, "DRAFT")
        c.restoreState()

    f = tmp_path / "exempt.pdf"
    f.write_bytes(_canvas_pdf(draw))
    assert [l for l in read(f)[0].lines if l] == ["Exempt information: not for publication"]


def test_the_format_is_told_by_the_bytes_not_the_name(files, report, tmp_path):
    unnamed = tmp_path / "agenda-item-7"  # saved from a link without an extension
    unnamed.write_bytes(files["report"].read_bytes())
    assert read(unnamed)[0].lines == report.lines
    page = tmp_path / "decision.txt"  # a web page saved as .txt
    page.write_bytes(PAGE.read_bytes())
    assert read(page)[0].lines == read(PAGE)[0].lines


# -- PDF of a seed plan: the same measures as its text -------------------------------------------------
def _measures(doc):
    records = plan_measures.extract(doc)
    ms = [r for r in records if isinstance(r, PlanMeasure)]
    obs = [r for r in records if isinstance(r, MeasureObservation)]
    return ms, obs


def test_a_plan_read_from_pdf_has_the_measures_of_its_text(plans):
    (ms_text, obs_text), (ms_pdf, obs_pdf) = _measures(plans["text"]), _measures(plans["pdf"])
    assert (len([m for m in ms_pdf if m.sub is None]), len([m for m in ms_pdf if m.sub]), len(obs_pdf)) == (33, 4, 215)
    key = lambda m: (
        m.number,
        m.sub,
        m.label,
        m.note,
        m.lead_member and m.lead_member.name,
        m.priority,
        m.outcomes,
        m.flags,
    )
    assert [key(m) for m in ms_pdf] == [key(m) for m in ms_text]
    value = lambda o: (o.measure, o.sub, o.column, o.value.text, o.value.number, o.value.kind, o.value.period)
    assert [value(o) for o in obs_pdf] == [value(o) for o in obs_text]
    cells: dict = {}
    for o in obs_pdf:
        cells.setdefault((o.measure, o.column), []).append(o.value.text)
    assert {k: cells[k] for k in [(24, "2019/20 Outturn"), (28, "2022/23 Target"), (21, "2020/21 Target")]} == {
        (24, "2019/20 Outturn"): ["56.5", "601 children"],
        (28, "2022/23 Target"): ["90%"],
        (21, "2020/21 Target"): ["55.9", "(596 children)"],
    }


def test_the_plan_pdf_has_its_pages(plans):
    doc = plans["pdf"]
    measure_rows = [m.line for m in _measures(doc)[0] if m.sub is None]
    assert {doc.page_at(n)[0] for n in measure_rows} == set(range(10, 16))
    assert doc.page_at(doc.line_end)[0] == 16


QUESTIONS = [
    ("What was the 2019/20 outturn for the rate of Looked After Children per 10,000 children?", "56.5"),
    ("What is the 2021/22 target for the proportion of children who receive a 1 year review?", "90%"),
    ("Who is the Lead Member for Education and Inclusion, Special Educational Needs and Disability?", "Standley"),
    ("What is the 2020/21 net revenue budget for Education and ISEND?", "80,708"),
    ("When is procurement work for Health Visiting estimated to begin?", "01/10/2019"),
]


@pytest.mark.parametrize("question, answer", QUESTIONS)
def test_questions_of_the_pdf_are_answered_as_of_the_text_with_pages(engines, files, question, answer):
    import pdfplumber

    text, pdf = engines["text"].ask(question), engines["pdf"].ask(question)
    assert answer in pdf["answer"] and pdf["answer"] == text["answer"]
    cite = pdf["citations"][0]
    assert text["citations"][0]["page"] is None and text["citations"][0]["location"].startswith("line")
    assert re.fullmatch(r"p\. \d+, lines? \d+(–\d+)?", cite["location"]) and cite["pages"] == [cite["page"]] * 2
    with pdfplumber.open(files["plan"]) as f:  # the cited page holds the cited words
        words = set(f.pages[cite["page"] - 1].extract_text().split())
    assert set(cite["text"].split()[:12]) <= words


def test_pdf_passages_carry_pages_in_the_graph(engines, plans):
    e = engines["pdf"]
    rows = list(
        e.sparql(
            "SELECT (COUNT(?p) AS ?n) (SUM(IF(BOUND(?page), 1, 0)) AS ?paged) (MAX(?page) AS ?last) WHERE {"
            " ?p a ckg:Passage OPTIONAL { ?p ckg:pageStart ?page } }"
        )
    )
    n, paged, last = (int(rows[0][v].value) for v in ("n", "paged", "last"))
    assert n == paged == len(segment(plans["pdf"])) and last == 16
    assert not bool(engines["text"].sparql("ASK { ?p ckg:pageStart ?page }"))


def test_pdf_graph_conforms_to_the_shapes(plans):
    from kg.triples import build
    from kg.validate import validate_graph

    doc = plans["pdf"]
    conforms, _, text = validate_graph(build(doc, segment(doc), plan_measures.extract(doc)).graph)
    assert conforms, text


# -- Word --------------------------------------------------------------------------------------------
def test_docx_reads_as_the_text_it_was_made_from(files):
    (doc,) = read(files["minutes"])
    assert doc.lines == tuple(MINUTES.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    assert doc.pages == () and doc.page_at(1) is None


def test_docx_minutes_give_the_records_of_their_text(files):
    (doc,), (text,) = read(files["minutes"]), read(MINUTES)
    assert (doc.council, doc.body, doc.meeting_date.isoformat(), doc.doc_type) == (
        "Fenmoor District Council",
        "Overview and Scrutiny Committee",
        "2024-05-14",
        "Minutes",
    )
    strip = lambda r: re.sub(r"line=\d+|line_end=\d+", "", repr(r))  # line numbers aside: blank lines may differ
    assert [strip(r) for r in M.extract(doc)] == [strip(r) for r in M.extract(text)]
    minutes = [(r.number, r.title) for r in M.extract(doc) if isinstance(r, M.MinuteRecord)]
    assert minutes == [
        (14, "Declarations of interest"),
        (15, "Minutes of the previous meeting"),
        (16, "Housing performance review"),
        (17, "Work programme"),
    ]


def test_docx_merged_cells_and_two_header_rows(files):
    (doc,) = read(files["minutes"])
    (t,) = find_tables(doc.numbered())
    assert [c.header for c in t.columns] == [
        "Service area",
        "Indicator",
        "2023/24 Target",
        "2023/24 Outturn",
        "2024/25 Target",
    ]
    assert t.fill_down(0) == ["Housing"] * 3 + ["Homelessness"] * 2
    assert t.rows[-1].raw == ("", "Rough sleepers found on the annual count", "<i>no target</i>", "7", "5")


# -- HTML --------------------------------------------------------------------------------------------
def test_html_page_keeps_its_content_and_drops_the_site_chrome():
    (doc,) = read(PAGE)
    text = "\n".join(doc.lines)
    for chrome in (
        "cookies",
        "Skip to main content",
        "Bins and recycling",
        "Search this site",
        "Meetings calendar",
        "Related links",
        "Accessibility statement",
        "Session expired",
        "opens in new window",
        "Loading council services",
        "mgPageLoaded",
        "Home > ",
    ):
        assert chrome not in text
    assert doc.lines[0] == "Fenmoor District Council"
    assert (doc.council, doc.body, doc.meeting_date.isoformat(), doc.doc_type) == (
        "Fenmoor District Council",
        "Cabinet",
        "2024-07-10",
        "Minutes",
    )
    (t,) = find_tables(doc.numbered())
    assert (t.heading, [c.header for c in t.columns]) == (
        "Forecast outturn by service, £000",
        ["Service", "2024/25 Budget", "2024/25 Forecast", "2024/25 Variance"],
    )
    assert [r.raw for r in t.rows] == [
        ("Housing", "5,210", "5,598", "388"),
        ("Environment and Waste", "6,305", "6,221", "(84)"),
        ("Planning", "2,160", "2,092", "(68)"),
        ("<i>Total</i>", "13,675", "13,911", "236"),
    ]


def test_html_agenda_items_read_as_minutes():
    (doc,) = read(PAGE)
    records = M.extract(doc)
    assert [(r.number, r.title) for r in records if isinstance(r, M.MinuteRecord)] == [
        (21, "Apologies for absence"),
        (22, "Budget monitoring 2024/25: quarter 1"),
        (23, "Fees and charges 2025/26"),
    ]
    assert [r.person.name for r in records if isinstance(r, M.AttendanceRecord)] == ["Councillor Gareth Lowe"]
    (motion,) = [r for r in records if isinstance(r, M.MotionRecord)]
    assert (motion.proposer.name, motion.seconder.name, motion.outcome) == (
        "Councillor Basu",
        "Councillor Aziz",
        "carried",
    )
    assert "1. notes the forecast overspend of £236,000; and" in doc.lines


def test_html_main_element_is_all_that_is_read(tmp_path):
    f = tmp_path / "decision.htm"
    f.write_text(
        "<html><body><div class='promo'><p>Pay your council tax online</p></div>"
        "<main><h1>Decision: Parking charges review</h1><p>Decision maker: Cabinet</p>"
        "<ul><li>Charges rise by 10p</li><li>Evening parking stays free</li></ul></main>"
        "<div><p>Was this page useful?</p></div></body></html>",
        encoding="utf-8",
    )
    assert read(f)[0].lines == (
        "# Decision: Parking charges review",
        "",
        "Decision maker: Cabinet",
        "",
        "- Charges rise by 10p",
        "- Evening parking stays free",
    )


# -- files that cannot be read -------------------------------------------------------------------------
def _encrypted() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return _canvas_pdf(
        lambda c: c.drawString(72, 720, "Confidential appendix"), encrypt=StandardEncryption("secret", canPrint=0)
    )


def _drawing_only() -> bytes:
    def draw(c):
        c.rect(72, 600, 300, 100, fill=1)
        c.drawImage(_scan_image(), 72, 400, 200, 100)

    return _canvas_pdf(draw)


ZERO_PAGES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def _broken_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>not closed")
    return buf.getvalue()


BAD_FILES = {
    "appendix-encrypted.pdf": (_encrypted, r"encrypted: the PDF needs a password"),
    "agenda-corrupt.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, r"corrupt PDF"),
    "minutes-truncated.pdf": (lambda: _canvas_pdf(lambda c: c.drawString(72, 720, "Minutes"))[:300], r"corrupt PDF"),
    "report-no-pages.pdf": (lambda: ZERO_PAGES, r"the PDF has no pages"),
    "scan.pdf": (_drawing_only, r"no text layer on any of its 1 page\(s\) \(a scan\?\): it needs OCR"),
    "plan.pdf": (lambda: b"<html><body>Not found</body></html>", r"not a PDF \(no %PDF header\)"),
    "old-minutes.doc": (
        lambda: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600),
        r"an old binary Office file \(\.doc/\.xls\): save it as \.docx or PDF first",
    ),
    "minutes-protected.docx": (
        lambda: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600) + "EncryptedPackage".encode("utf-16-le"),
        r"encrypted: the Office document needs a password",
    ),
    "budget.xlsx": (_xlsx, r"a ZIP package that is not a Word document"),
    "report.docx": (_broken_docx, r"corrupt Word document"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_unreadable_files_are_refused_by_name(tmp_path, name):
    make, message = BAD_FILES[name]
    f = tmp_path / name
    f.write_bytes(make())
    with pytest.raises(ReadError, match=re.escape(str(f)) + ": " + message):
        read(f)


def test_oversize_pdf_is_refused_by_name(files):
    with pytest.raises(ReadError, match=r"cabinet-report.pdf: file is 0.0 MB, over the 0 MB limit"):
        read(files["report"], max_bytes=10_000)


def test_a_scanned_page_among_text_pages_is_named_in_a_warning(tmp_path):
    def draw(c):
        c.drawString(72, 720, "Appendix B: signed copy of the lease follows")
        c.showPage()
        c.drawImage(_scan_image(), 72, 400, 200, 100)

    f = tmp_path / "lease.pdf"
    f.write_bytes(_canvas_pdf(draw))
    (doc,) = read(f)
    assert [l for l in doc.lines if l] == ["Appendix B: signed copy of the lease follows"]
    assert doc.warnings == (f"{f}: page(s) 2 have no text layer (scanned?) and were skipped: OCR them to include them",)


def _scan_image():
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    return ImageReader(Image.new("L", (200, 100), 90))


def test_a_batch_ingests_the_readable_files_and_names_each_bad_one(files, tmp_path_factory):
    from kg.engine import Engine

    folder = files["dir"] / "pdf"
    for name in ("appendix-encrypted.pdf", "scan.pdf", "report-no-pages.pdf"):
        (folder / name).write_bytes(BAD_FILES[name][0]())
    e = Engine.open(tmp_path_factory.mktemp("batch"), embed=False)
    report = e.ingest([folder])
    assert sorted(Path(d.source).name for d in report.errors) == [
        "appendix-encrypted.pdf",
        "report-no-pages.pdf",
        "scan.pdf",
    ]
    assert all(Path(d.source).name in d.message for d in report.errors)
    assert [(d.source, d.status) for d in report.documents if d.status != "error"] == [("cabinet-report.pdf", "added")]
    count = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ckg:Passage ; ckg:pageStart ?page }"
    stored = int(next(iter(e.sparql(count)))["n"].value)
    good = folder / "cabinet-report.pdf"
    kept = good.read_bytes()
    good.write_bytes(kept[: len(kept) // 3])  # the same file, now broken
    again = e.ingest([good])
    assert [Path(d.source).name for d in again.errors] == ["cabinet-report.pdf"]
    assert int(next(iter(e.sparql(count)))["n"].value) == stored > 0  # what was stored is kept
    good.write_bytes(kept)
