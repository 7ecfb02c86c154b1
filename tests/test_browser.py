"""The query page in a real headless Chromium, against a live server over the session's build.

Skipped only where Chromium is not installed (/usr/bin/chromium, Debian's package) and CI is not
"true": in CI the browser must be there, so a missing one fails. Every page records the requests
it makes; none may go to any host but the test server (the page must work offline).
"""

from __future__ import annotations

import csv
import os
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"

if not CHROMIUM.exists() and not IN_CI:
    pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium package)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
SCREENSHOT = Path("/tmp/tipgraph-query.png")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
TG = "https://w3id.org/tipgraph/ontology#"
PRACTICES = f"SELECT ?p WHERE {{ ?p a <{TG}Practice> }} ORDER BY ?p"
TIMEOUT = 30_000  # ms; a query runs in a worker process that may still be starting


@pytest.fixture(scope="module")
def server(app):
    """The app on a free loopback port, in a thread; its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="tipgraph-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    def __init__(self):
        self.requests: list[str] = []
        self.problems: list[str] = []

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.requests if not url.startswith("data:")}


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request and every script error or CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    context.set_default_timeout(TIMEOUT)
    tab = context.new_page()
    seen = Recorder()
    tab.on("request", lambda request: seen.requests.append(request.url))
    tab.on("pageerror", lambda error: seen.problems.append(f"page error: {error}"))
    tab.on("console", lambda message: seen.problems.append(f"console: {message.text}") if message.type == "error" else None)
    tab.recorder = seen
    yield tab
    context.close()
    # The page must work offline: nothing but the test server was asked for anything.
    assert seen.hosts() <= {urlsplit(server).netloc}, seen.hosts()


def open_query_page(page, path="/query"):
    page.goto(path)
    page.wait_for_selector("#query-app[data-ready=true]", state="attached")


def wait_done(page):
    """Until the run and its label look-up have finished (or the run failed)."""
    page.wait_for_selector("#query-app[data-state=done], #query-app[data-state=error]", state="attached")
    page.wait_for_selector("#query-app:not([data-labels=pending])", state="attached")


def expected_rows(example_id: str) -> int:
    with (QUERIES / f"{example_id}.expected.csv").open(newline="", encoding="utf-8") as f:
        return len(list(csv.reader(f))) - 1


def label_and_heading(store, iri: str) -> tuple[str, str]:
    rows = list(store.query(
        f"SELECT ?label ?heading WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?label ; <{TG}heading> ?heading }}",
        use_default_graph_as_union=True))
    assert rows, iri
    return rows[0]["label"].value, rows[0]["heading"].value


def first_practice(store) -> str:
    return next(iter(store.query(PRACTICES, use_default_graph_as_union=True)))["p"].value


def test_example_query_runs_and_fills_the_table(page):
    example_id = "01-who-funds-whom-where"
    text = (QUERIES / f"{example_id}.rq").read_text(encoding="utf-8")
    open_query_page(page)
    page.wait_for_selector("#query-app[data-examples-loaded]", state="attached")
    assert int(page.get_attribute("#query-app", "data-examples-loaded")) >= 20
    page.select_option("#example", example_id)
    expect(page.locator("#example-question")).to_have_text(
        "Which agencies fund which implementers, in which places, for each practice?")
    assert page.input_value("#query") == text
    page.click("#run")
    wait_done(page)
    rows = expected_rows(example_id)
    expect(page.locator("#results table.results-table tbody tr")).to_have_count(rows)
    expect(page.locator("#status")).to_contain_text(f"{rows} rows in ")
    headers = page.locator("#results thead th").all_inner_texts()
    assert headers == ["#", "?ordinal", "?heading", "?funder", "?implementer", "?place"]
    # The address bar now holds the query.
    assert urlsplit(page.url).path == "/query"
    assert page.evaluate("() => new URL(location.href).searchParams.get('query')") == text
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not page.recorder.problems, page.recorder.problems


def test_iris_show_labels_and_link_to_entity_pages(page, store):
    iri = first_practice(store)
    label, heading = label_and_heading(store, iri)
    open_query_page(page)
    page.fill("#query", PRACTICES)
    page.focus("#query")
    page.keyboard.press("Control+Enter")
    wait_done(page)
    first = page.locator("#results tbody tr").first.locator("td").nth(1).locator("a")
    expect(first).to_have_text(label, use_inner_text=True)  # the label, not the raw IRI
    assert first.get_attribute("title") == iri             # the IRI stays at hand
    local = "/" + iri.removeprefix("https://w3id.org/tipgraph/")
    assert first.get_attribute("href") == local
    assert local.startswith("/practice/")
    assert not page.recorder.problems, page.recorder.problems
    # Unticking "Show labels" shows IRIs again.
    page.uncheck("#show-labels")
    expect(first).not_to_have_text(label, use_inner_text=True)
    page.check("#show-labels")
    first.click()
    page.wait_for_url(f"**{local}")
    assert urlsplit(page.url).path.startswith("/practice/")
    body = page.locator("body").inner_text()
    assert label in body or heading in body
    expect(page.locator("h1")).to_be_visible()


def test_permalink_round_trip(page):
    query = f"# practices, by IRI\n{PRACTICES}\n"
    open_query_page(page, "/query?" + urlencode({"query": query, "run": "1"}))
    assert page.input_value("#query") == query
    wait_done(page)
    expect(page.locator("#results tbody tr")).to_have_count(15)
    href = page.get_attribute("#permalink", "href")
    assert urlsplit(href).path == "/query"
    # The permalink of what ran opens the same query again and runs it.
    open_query_page(page, href)
    assert page.input_value("#query") == query
    wait_done(page)
    expect(page.locator("#results tbody tr")).to_have_count(15)
    # "Copy link" puts the absolute permalink on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy-link")
    expect(page.locator("#copy-link")).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url.split("/query")[0] + href
    assert not page.recorder.problems, page.recorder.problems


def test_download_links_follow_the_editor(page):
    open_query_page(page)
    page.fill("#query", PRACTICES)
    csv_link = page.locator("#download-csv")
    expect(csv_link).to_have_attribute("href", "/sparql?" + urlencode({"query": PRACTICES, "format": "csv"}))
    response = page.request.get(csv_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text().splitlines()
    assert lines[0] == "p" and len(lines) == 16
    tsv = page.get_attribute("#download-tsv", "href")
    assert tsv.endswith("format=tsv")
    assert page.get_attribute("#download-json", "href").endswith("format=json")


def test_cite_button_makes_a_permalink_that_still_matches(page):
    open_query_page(page)
    page.fill("#query", PRACTICES)
    cite = page.locator("#cite")
    expect(cite).to_have_attribute("href", "/cite?" + urlencode({"query": PRACTICES}))
    cite.click()
    page.wait_for_url("**/cite?**")
    expect(page.locator("#citation")).to_contain_text("[Dataset]")
    expect(page.locator("#cite-query")).to_have_text(PRACTICES)
    digest = page.locator("#cite-result").inner_text()
    assert digest.startswith("sha256:") and digest in page.locator("#citation").inner_text()
    # The permalink re-runs the query and says the result still matches.
    page.click("#cite-permalink")
    page.wait_for_url("**&result=**")
    expect(page.locator("#cite-message")).to_contain_text("still matches")
    assert page.locator("#cite-result").inner_text() == digest
    assert not page.recorder.problems, page.recorder.problems


def test_bad_query_shows_the_server_message_as_text(page):
    open_query_page(page)
    page.fill("#query", "SELECT nonsense <img src=x> WHERE")
    page.click("#run")
    page.wait_for_selector("#query-app[data-state=error]", state="attached")
    expect(page.locator("#status")).to_contain_text("not valid SPARQL")
    message = page.locator("#results pre.error-message")
    expect(message).to_be_visible()
    assert message.inner_text().strip()
    assert page.locator("#results img").count() == 0


def test_ask_and_construct_answers(page):
    open_query_page(page)
    page.fill("#query", f"ASK {{ ?p a <{TG}Practice> }}")
    page.click("#run")
    wait_done(page)
    expect(page.locator("#results .boolean")).to_have_text("true")
    page.fill("#query", f"CONSTRUCT {{ ?p a <{TG}Practice> }} WHERE {{ ?p a <{TG}Practice> }}")
    page.click("#run")
    wait_done(page)
    expect(page.locator("#results pre.graph")).to_contain_text("https://w3id.org/tipgraph/")
    expect(page.locator("#status")).to_contain_text("15 triples")


def test_only_web_iris_become_links(page):
    open_query_page(page)
    page.fill("#query", "SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <http://example.org/a> <urn:isbn:0451450523> } }")
    page.click("#run")
    wait_done(page)
    cells = page.locator("#results tbody td:nth-child(2)")
    expect(cells).to_have_count(3)
    assert cells.nth(0).locator("a").count() == 0
    assert cells.nth(2).locator("a").count() == 0
    external = cells.nth(1).locator("a")
    assert external.get_attribute("href") == "http://example.org/a"
    assert external.get_attribute("rel") == "noopener noreferrer"
    assert page.locator("#results a[href^='javascript']").count() == 0


def test_editor_highlights_and_keys(page):
    open_query_page(page)
    page.fill("#query", 'PREFIX tg: <https://w3id.org/tipgraph/ontology#>\nSELECT ?p WHERE { ?p a tg:Practice ; tg:ordinal 3 ; tg:heading "x"@en } # done')
    code = page.locator("#editor-code")
    expect(code.locator(".tok-keyword").first).to_have_text("PREFIX")
    assert set(code.locator(".tok-keyword").all_inner_texts()) == {"PREFIX", "SELECT", "WHERE", "a"}
    assert code.locator(".tok-variable").all_inner_texts() == ["?p", "?p"]
    assert code.locator(".tok-iri").all_inner_texts() == ["<https://w3id.org/tipgraph/ontology#>"]
    assert code.locator(".tok-pname").all_inner_texts() == ["tg:", "tg:Practice", "tg:ordinal", "tg:heading"]
    assert code.locator(".tok-number").all_inner_texts() == ["3"]
    assert code.locator(".tok-string").all_inner_texts() == ['"x"']
    assert code.locator(".tok-langtag").all_inner_texts() == ["@en"]
    assert code.locator(".tok-comment").all_inner_texts() == ["# done"]
    # The highlighted layer holds exactly the editor's text.
    assert page.evaluate("() => document.getElementById('editor-code').textContent.slice(0, -2)") == page.input_value("#query")
    tokens = page.evaluate("() => window.tipgraphQuery.tokenize('SELECT * { ?s <a#b> \"\"\"x\\ny\"\"\" } # c <d>')")
    assert "".join(text for _, text in tokens) == 'SELECT * { ?s <a#b> """x\ny""" } # c <d>'
    assert ["comment", "# c <d>"] in tokens and ["string", '"""x\ny"""'] in tokens
    # Tab indents by two spaces; Ctrl+Enter runs.
    page.fill("#query", "ASK {}")
    page.focus("#query")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert page.input_value("#query") == "  ASK {}"
    page.keyboard.press("Control+Enter")
    wait_done(page)
    expect(page.locator("#results .boolean")).to_have_text("true")
    assert not page.recorder.problems, page.recorder.problems
