"""``GET /cite``: making and checking citable permalinks through the guarded query path.

The rows a cited query gives are checked against the report (queries/*.expected.csv); digests
against ``rerun.query_digest`` over the same store, the path ``tipgraph rerun`` takes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tipgraph.citation import Pin, parse_permalink, permalink
from tipgraph.release import release_info
from tipgraph.rerun import dataset_digest, query_digest

ROOT = Path(__file__).resolve().parents[1]
QUERY_01 = (ROOT / "queries" / "01-who-funds-whom-where.rq").read_text(encoding="utf-8")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEX = "0123456789abcdef" * 4


def cite(client, accept="application/json", **params):
    return client.get("/cite?" + urlencode(params), headers={"Accept": accept})


def as_json(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())


def local(link: str) -> str:
    """A permalink as a path for the test client."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.fixture(scope="module")
def made(app):
    return as_json(cite(app.test_client(), query=QUERY_01))


def test_making_a_permalink(made, store, project):
    release = release_info(project)
    assert made["release"]["version"] == release.version and made["release"]["date"] == release.date
    assert made["release"]["iri"] == release.dataset_iri
    assert made["release"]["dataset"] == dataset_digest(store)
    assert made["result"]["digest"] == query_digest(store, QUERY_01)
    with (ROOT / "queries" / "01-who-funds-whom-where.expected.csv").open(encoding="utf-8") as f:
        assert made["result"]["rows"] == sum(1 for _ in csv.reader(f)) - 1  # the report's rows, header aside
    assert made["form"] == "SELECT" and made["pinned"] is None and made["matches"] is None
    pin = parse_permalink(made["permalink"])
    assert pin == Pin(QUERY_01, release.version, made["release"]["dataset"], made["result"]["digest"])


def test_the_citation_string(made, project):
    text = made["citation"]
    release = release_info(project)
    assert text.startswith(f"The tipgraph project ({release.date[:4]}). tipgraph")
    for part in (f"Version {release.version} (released {release.date})", "[Dataset]", release.dataset_iri,
                 made["result"]["digest"], made["permalink"], "(accessed "):
        assert part in text


def test_the_permalink_round_trip_matches(client, made):
    checked = as_json(client.get(local(made["permalink"]), headers={"Accept": "application/json"}))
    assert checked["matches"] == {"release": True, "dataset": True, "result": True}
    assert checked["permalink"] == made["permalink"] and "still matches" in checked["message"]


def test_a_changed_result_is_reported(client, made):
    pin = parse_permalink(made["permalink"])
    other = Pin(pin.query, pin.release, pin.dataset, "sha256:" + HEX)
    checked = as_json(client.get(local(permalink("http://localhost", other)), headers={"Accept": "application/json"}))
    assert checked["matches"] == {"release": True, "dataset": True, "result": False}
    assert "DIFFERS" in checked["message"] and checked["result"]["digest"] == made["result"]["digest"]


def test_another_release_is_named(client, made):
    pin = parse_permalink(made["permalink"])
    older = Pin(pin.query, "0.0.1", "sha256:" + HEX, pin.result)
    checked = as_json(client.get(local(permalink("http://localhost", older)), headers={"Accept": "application/json"}))
    assert checked["matches"]["release"] is False
    assert "cites release 0.0.1" in checked["message"] and f"runs release {made['release']['version']}" in checked["message"]
    page = client.get(local(permalink("http://localhost", older)), headers={"Accept": "text/html"})
    assert page.status_code == 200 and "cites release 0.0.1" in page.get_data(as_text=True)


def test_html_page(client, made):
    response = cite(client, accept="text/html,application/xhtml+xml,*/*;q=0.8", query=QUERY_01)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for part in (made["result"]["digest"], made["release"]["dataset"], "id=\"citation\"", "tipgraph rerun"):
        assert part in html
    assert "<script" not in html and "Content-Security-Policy" in response.headers
    assert cite(client, accept="text/html", query=QUERY_01, format="json").mimetype == "application/json"
    assert cite(client, accept="image/png", query=QUERY_01).status_code == 406


def test_graph_and_ask_results(client):
    construct = as_json(cite(client, query="CONSTRUCT { ?p a <https://w3id.org/tipgraph/ontology#Practice> } "
                                           "WHERE { ?p a <https://w3id.org/tipgraph/ontology#Practice> }"))
    assert construct["form"] == "CONSTRUCT" and construct["result"]["rows"] == 15  # the report's 15 practices
    ask = as_json(cite(client, query="ASK { ?p a <https://w3id.org/tipgraph/ontology#Practice> }"))
    assert ask["form"] == "ASK" and ask["result"]["digest"] != construct["result"]["digest"]


@pytest.mark.parametrize("params, reason", [
    ({}, "no query"),
    ({"query": "ASK {}", "release": "0.1.0"}, "give release, dataset and result together"),
    ({"query": "ASK {}", "release": "0.1.0", "dataset": "sha256:" + HEX, "result": "sha256:xyz"}, "sha256:<64 hex digits>"),
    ({"query": "ASK {}", "release": "latest", "dataset": "sha256:" + HEX, "result": "sha256:" + HEX}, "semantic version"),
    ({"query": "ASK {}", "limit": "1"}, "unknown parameter 'limit'"),
    ({"query": "ASK {} #" + "x" * 20_000}, "at most 20000 are accepted"),
])
def test_malformed_permalinks_are_400(client, params, reason):
    response = cite(client, **params)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert reason in response.get_data(as_text=True)


@pytest.mark.parametrize("query, reason", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <https://w3id.org/tipgraph/graph/asserted> WHERE { ?s ?p ?o }", "FROM"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", ""),
    ("SELECT * WHERE { ?s ?p ?o", "syntax error"),
])
def test_the_gate_applies(client, query, reason):
    response = cite(client, query=query)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def small_app(server_config):
    from tipgraph.web import create_app

    application = create_app(server_config.with_(query_timeout=1.0, max_rows=5, workers=1))
    yield application
    application.extensions["tipgraph"].close()


def test_the_timeout_applies(small_app):
    response = cite(small_app.test_client(), query=SLOW)
    assert response.status_code == 503 and "timed out" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


def test_an_answer_over_the_row_cap_cannot_be_cited(small_app):
    response = cite(small_app.test_client(), query="SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 422 and "cannot be cited whole" in response.get_data(as_text=True)
