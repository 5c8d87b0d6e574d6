"""The web pages in a real browser: Debian's Chromium driven by Playwright against a live server.

One server (uvicorn in a thread, over the session's seed store) and one browser serve the whole
module. Each test saves a screenshot of its page under docs/screenshots/ (shown in the README).
"""

import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.data import BASE, KENT_MEETING_JAN, LAC_MEASURE, LAC_QUESTION, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "docs" / "screenshots"
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make setup installs it)"
    ),
]


def local(iri: str) -> str:
    return "/id/" + iri.removeprefix(BASE)


@pytest.fixture(scope="module")
def server(engine):
    """The app over the session's store, served by uvicorn on a free loopback port."""
    import uvicorn

    from api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=WIDE, base_url=server)
    yield context.new_page()
    context.close()


def shot(page, name: str, height: int | None = None) -> None:
    """Save the page as docs/screenshots/NAME.png: the viewport, or the page's first `height` pixels."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height} if height else None
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=bool(height), clip=clip)


def ask(page, question: str) -> None:
    page.goto("/")
    page.get_by_label("Your question, in plain English").fill(question)
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector(".answer-text")


def test_asking_shows_the_answer_a_marked_source_and_node_links(page):
    from playwright.sync_api import expect

    ask(page, LAC_QUESTION)
    expect(page.locator(".answer-text")).to_contain_text("56.5 (outturn, 2019/20)")
    expect(page.locator("li.citation").first.locator("td.hit mark")).to_have_text("56.5 601 children")
    measure = page.locator("ul.nodes a", has_text="Rate of Looked After Children (per 10,000 children)").first
    expect(measure).to_have_attribute("href", local(LAC_MEASURE))
    shot(page, "ask", height=1700)
    measure.click()
    expect(page.locator("h1")).to_have_text("Rate of Looked After Children (per 10,000 children)")


def test_a_citation_leads_to_its_line_in_the_document(page):
    from playwright.sync_api import expect

    ask(page, LAC_QUESTION)
    page.locator("li.citation").first.locator("a.lines").click()
    page.wait_for_url("**/documents/escc/childrens-services-portfolio-plan-2020-10#L352")
    line = page.locator("#L352")
    expect(line).to_be_in_viewport()
    expect(line).to_contain_text("Rate of Looked After Children (per 10,000 children)")
    assert line.evaluate("el => el.matches(':target')")
    shot(page, "document")


def test_a_measure_page_draws_its_chart(page):
    from playwright.sync_api import expect

    page.goto(local(LAC_MEASURE))
    page.wait_for_selector("#chart .main-svg")
    traces = page.evaluate("document.getElementById('chart').data.map(t => t.name)")
    assert sum(t.startswith("outturn") for t in traces) == 2  # the September and October versions
    expect(page.locator("#chart .scatterlayer .trace")).to_have_count(len(traces))
    page.locator("#chart").scroll_into_view_if_needed()
    shot(page, "measure")


def test_the_workbench_runs_a_saved_query(page):
    from playwright.sync_api import expect

    page.goto("/sparql")  # a browser asking for /sparql gets the workbench
    saved = page.locator("aside details", has_text="Who attended a meeting")
    saved.locator("summary").click()
    saved.get_by_label("?date").fill("2016-01-22")
    saved.get_by_role("button", name="Run").click()
    expect(page.locator("#results-heading")).to_have_text("29 rows")
    expect(page.locator(".results-table a").first).to_have_attribute("href", local(KENT_MEETING_JAN))
    expect(page.locator("#editor-date")).to_have_value("2016-01-22")
    shot(page, "workbench")


def test_pages_fit_a_phone(browser, server):
    context = browser.new_context(viewport=PHONE, base_url=server)
    page = context.new_page()
    for url in [
        "/?" + urlencode({"q": LAC_QUESTION}),
        "/documents",
        "/documents/escc/childrens-services-portfolio-plan-2020-10",
        local(LAC_MEASURE),
        local(KENT_MEETING_JAN),
        "/workbench",
        "/docs",
    ]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (url, width)
        if url.startswith("/?"):
            shot(page, "ask-phone")
    context.close()


def test_the_ask_form_by_keyboard_alone(page):
    from playwright.sync_api import expect

    page.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Who is the Lead Member for Children and Families in East Sussex?")
    page.keyboard.press("Enter")
    expect(page.locator(".answer-text")).to_contain_text("Sylvia Tidy")


def test_every_page_works_without_javascript(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=WIDE, base_url=server, java_script_enabled=False)
    page = context.new_page()
    ask(page, LAC_QUESTION)
    expect(page.locator("li.citation").first.locator("td.hit")).to_have_text("56.5 601 children")
    page.goto("/documents")
    expect(page.locator("article.doc-card")).to_have_count(24)
    shot(page, "documents")
    page.goto(local(LAC_MEASURE))
    expect(page.locator("table.values")).to_contain_text("57.3")
    expect(page.locator("#chart .main-svg")).to_have_count(0)  # no chart without JS, the table stands alone
    page.goto(local(KENT_MEETING_JAN))
    present = page.get_by_role("heading", name="Present", exact=True)
    expect(present.locator("xpath=following-sibling::ul[1]/li")).to_have_count(14)
    shot(page, "meeting")
    page.goto("/workbench")
    page.get_by_role("button", name="Run query").click()
    expect(page.locator("#results-heading")).to_have_text("24 rows")
    page.goto("/docs")
    expect(page.locator("section.operation")).not_to_have_count(0)
    shot(page, "api")
    context.close()
