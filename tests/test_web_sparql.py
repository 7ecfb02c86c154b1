"""The SPARQL 1.1 Protocol at /sparql, in-process: methods, formats, dataset, negotiation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from tipgraph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY

QUERIES = Path(__file__).resolve().parents[1] / "queries"
COUNT = "PREFIX tg: <https://w3id.org/tipgraph/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a tg:Practice }"
FUNDED_BY = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://w3id.org/tipgraph/ontology#fundedBy> ?o }"
CONSTRUCT = "CONSTRUCT { ?p a <https://w3id.org/tipgraph/ontology#Practice> } WHERE { ?p a <https://w3id.org/tipgraph/ontology#Practice> }"


def count(response) -> int:
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_get(client):
    response = client.get("/sparql?" + urlencode({"query": COUNT}))
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert count(response) == 15


def test_post_form(client):
    response = client.post("/sparql", data={"query": COUNT})
    assert response.status_code == 200 and count(response) == 15


def test_post_direct(client):
    response = client.post("/sparql", data=COUNT, content_type="application/sparql-query")
    assert response.status_code == 200 and count(response) == 15


@pytest.mark.parametrize("accept, media_type, fmt", [
    ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
])
def test_select_formats_by_accept(client, accept, media_type, fmt):
    response = client.get("/sparql?" + urlencode({"query": COUNT}), headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    parsed = ox.parse_query_results(response.data, fmt)
    assert [int(s["n"].value) for s in parsed] == [15]


def test_csv(client):
    response = client.get("/sparql?" + urlencode({"query": COUNT}), headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == [["n"], ["15"]]


@pytest.mark.parametrize("fmt, media_type", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                             ("xml", "application/sparql-results+xml"), ("json", "application/sparql-results+json")])
def test_format_parameter_overrides_accept(client, fmt, media_type):
    response = client.get("/sparql?" + urlencode({"query": COUNT, "format": fmt}), headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.mimetype == media_type


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/trig", ox.RdfFormat.TRIG), ("application/n-quads", ox.RdfFormat.N_QUADS),
])
def test_construct_formats(client, accept, fmt):
    response = client.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert len(list(ox.parse(response.data, format=fmt))) == 15


def test_ask(client):
    response = client.get("/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert response.get_json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept", ["image/png", "text/turtle"])
def test_406_when_nothing_acceptable(client, accept):
    response = client.get("/sparql?" + urlencode({"query": COUNT}), headers={"Accept": accept})
    assert response.status_code == 406 and "SELECT" in response.get_data(as_text=True)


def test_wrong_family_format_is_406(client):
    assert client.get("/sparql?" + urlencode({"query": CONSTRUCT, "format": "csv"})).status_code == 406


def test_default_graph_uri_selects_the_asserted_graph(client):
    inferred = client.get("/sparql?" + urlencode({"query": FUNDED_BY}))
    asserted = client.get("/sparql?" + urlencode({"query": FUNDED_BY, "default-graph-uri": str(GRAPH_ASSERTED)}))
    assert count(inferred) > 0 and count(asserted) == 0


def test_named_graphs_are_reachable_with_graph(client):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    graphs = {b["g"]["value"] for b in client.get("/sparql?" + urlencode({"query": query})).get_json()["results"]["bindings"]}
    assert {str(GRAPH_ASSERTED), str(GRAPH_INFERRED), str(GRAPH_ONTOLOGY)} <= graphs
    only = client.get("/sparql?" + urlencode([("query", query), ("named-graph-uri", str(GRAPH_ONTOLOGY))]))
    assert {b["g"]["value"] for b in only.get_json()["results"]["bindings"]} == {str(GRAPH_ONTOLOGY)}


def test_unknown_graph_is_400(client):
    response = client.get("/sparql?" + urlencode({"query": COUNT, "default-graph-uri": "file:///etc/passwd"}))
    assert response.status_code == 400 and "not a graph of this endpoint" in response.get_data(as_text=True)


def test_the_main_question_over_http_matches_the_report(client):
    text = (QUERIES / "01-who-funds-whom-where.rq").read_text()
    got = client.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"}).get_data(as_text=True)
    expected = (QUERIES / "01-who-funds-whom-where.expected.csv").read_text()
    rows = lambda t: sorted(tuple(r) for r in csv.reader(io.StringIO(t)))
    assert rows(got) == rows(expected)


def test_result_headers(client):
    response = client.get("/sparql?" + urlencode({"query": COUNT}))
    assert response.headers["X-Result-Rows"] == "1"
    assert response.headers["X-Result-Truncated"] == "false"
    assert int(response.headers["X-Result-Limit"]) > 0


def test_truncation_is_signalled(server_config):
    from tipgraph.web import create_app

    small = create_app(server_config.with_(max_rows=3, workers=1))
    try:
        response = small.test_client().get("/sparql?" + urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o }"}))
        assert response.headers["X-Result-Truncated"] == "true" and response.headers["X-Result-Rows"] == "3"
        assert len(response.get_json()["results"]["bindings"]) == 3
    finally:
        small.extensions["tipgraph"].close()


def test_browsers_asking_the_endpoint_go_to_the_query_page(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/query")


def test_get_without_query_is_the_service_description(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == "http://www.w3.org/ns/sparql-service-description#endpoint" for t in graph)


def test_syntax_error_is_400_with_position(client):
    response = client.get("/sparql?" + urlencode({"query": "SELECT ?x WHERE { ?x ?y }"}))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("syntax error") and "1:" in text and "Traceback" not in text


def test_json_results_are_valid_json_with_head(client):
    body = json.loads(client.get("/sparql?" + urlencode({"query": COUNT})).data)
    assert body["head"]["vars"] == ["n"]
