"""The query page as HTML: the editor is there, the query from the URL is escaped, nothing inline.

The page's behaviour is tested in a real browser in ``test_browser.py``; these tests read what the
server sends.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

STATIC = Path(__file__).resolve().parents[1] / "src" / "tipgraph" / "web" / "static"
HOSTILE = 'SELECT * WHERE { ?s ?p "</textarea><script>alert(1)</script>" } # <b onmouseover=alert(2)>&amp;'


class Page(HTMLParser):
    """Collects the elements of a page, their attributes and the text inside each open element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: dict[int, str] = {}
        self._open: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in ("link", "meta", "input", "br", "img", "hr"):
            self._open.append(len(self.elements) - 1)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self.elements[self._open[i]][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for index in self._open:
            self.text[index] = self.text.get(index, "") + data

    def find(self, tag, **attrs) -> list[tuple[int, dict]]:
        return [(i, a) for i, (t, a) in enumerate(self.elements)
                if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def get_page(client, **params):
    response = client.get("/query", query_string=params)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response, parse(response.get_data(as_text=True))


def textarea_value(page: Page) -> str:
    [(index, _)] = page.find("textarea", id="query")
    # The template puts a newline after <textarea>, which browsers drop (so a query's own leading
    # newline survives); Python's parser keeps it.
    value = page.text.get(index, "")
    assert value.startswith("\n")
    return value[1:]


def test_query_page_has_the_editor(client):
    response, page = get_page(client)
    assert page.find("textarea", id="query", name="query")
    assert page.find("code", id="editor-code")
    assert page.find("select", id="example")
    assert page.find("button", id="run")
    assert page.find("a", id="permalink")
    assert page.find("section", id="query-app")
    assert textarea_value(page).strip().startswith("PREFIX")  # a starter query
    assert "Content-Security-Policy" in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_scripts_and_styles_come_from_static_files_only(client):
    _, page = get_page(client, query=HOSTILE, run="1")
    scripts = page.find("script")
    assert scripts, "the page loads query.js"
    for index, attrs in scripts:
        assert attrs.get("src", "").startswith("/static/"), attrs
        assert not page.text.get(index, "").strip(), "inline script body"
    assert "/static/query.js" in [a["src"] for _, a in scripts]
    assert not page.find("style"), "inline <style> element"
    sheets = [a["href"] for _, a in page.find("link", rel="stylesheet")]
    assert "/static/query.css" in sheets and all(h.startswith("/static/") for h in sheets)
    for tag, attrs in page.elements:
        assert "style" not in attrs, f"style attribute on <{tag}>"
        assert not [name for name in attrs if name.startswith("on")], f"event handler attribute on <{tag}>"
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//", "javascript:")), f"<{tag} {name}={value}>"


def test_query_from_the_url_is_escaped_into_the_textarea(client):
    response, page = get_page(client, query=HOSTILE)
    body = response.get_data(as_text=True)
    assert textarea_value(page) == HOSTILE
    assert "<script>alert(1)" not in body
    assert "</textarea><script>" not in body
    assert "<b onmouseover" not in body
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert len(page.find("script")) == 1
    assert len(page.find("textarea")) == 1


def test_run_flag_only_with_a_query(client):
    _, page = get_page(client, query="ASK {}", run="1")
    [(_, app)] = page.find("section", id="query-app")
    assert app["data-run"] == "1"
    _, page = get_page(client, query="ASK {}")
    assert page.find("section", id="query-app")[0][1]["data-run"] == "0"
    _, page = get_page(client, run="1")
    assert page.find("section", id="query-app")[0][1]["data-run"] == "0"


def test_permalink_and_downloads_carry_the_query(client):
    _, page = get_page(client, query=HOSTILE)
    [(_, link)] = page.find("a", id="permalink")
    url = urlsplit(link["href"])
    assert url.path == "/query" and not url.netloc
    assert parse_qs(url.query) == {"query": [HOSTILE], "run": ["1"]}
    for fmt in ("csv", "tsv", "json"):
        [(_, download)] = page.find("a", id=f"download-{fmt}")
        url = urlsplit(download["href"])
        assert url.path == "/sparql"
        assert parse_qs(url.query) == {"query": [HOSTILE], "format": [fmt]}


def test_home_redirects_to_the_query_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/query"


@pytest.mark.parametrize("name, mimetype", [
    ("query.js", {"text/javascript", "application/javascript"}),
    ("query.css", {"text/css"}),
])
def test_static_files_are_served_with_their_types(client, name, mimetype):
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.mimetype in mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == (STATIC / name).read_bytes()
    response.close()


def test_script_builds_the_dom_without_html_strings():
    source = (STATIC / "query.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert forbidden not in source, forbidden


def test_page_names_no_other_host(client):
    response, _ = get_page(client)
    body = response.get_data(as_text=True)
    for marker in ('src="http', "src='http", 'href="http', 'href="//', "@import"):
        assert marker not in body
    css = (STATIC / "query.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_cite_link_makes_a_permalink_for_the_current_query(client):
    _, page = get_page(client, query=HOSTILE)
    [(_, link)] = page.find("a", id="cite")
    url = urlsplit(link["href"])
    assert url.path == "/cite" and parse_qs(url.query) == {"query": [HOSTILE]}
    [(_, app)] = page.find("section", id="query-app")
    assert app["data-cite"] == "/cite"
    script = (STATIC / "query.js").read_text(encoding="utf-8")
    assert 'getElementById("cite")' in script and "citeUrl" in script  # kept in step with the editor


def test_cite_link_leads_to_a_citation(client):
    _, page = get_page(client, query="ASK { ?s ?p ?o }")
    [(_, link)] = page.find("a", id="cite")
    response = client.get(link["href"], headers={"Accept": "text/html"})
    assert response.status_code == 200
    cited = parse(response.get_data(as_text=True))
    [(_, permalink)] = cited.find("a", id="cite-permalink")
    assert parse_qs(urlsplit(permalink["href"]).query)["query"] == ["ASK { ?s ?p ?o }"]
    assert cited.find("blockquote", id="citation")
