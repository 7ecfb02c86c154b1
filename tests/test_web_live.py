"""A real server on 127.0.0.1 (gunicorn, `tipgraph serve`) with real clients: SPARQLWrapper,
rdflib's SPARQLStore and raw HTTP; hard timeouts, refused federation, deep nesting and a burst of
slow queries (catalogue case 33). All traffic goes to 127.0.0.1, bounded in count and time.
"""

from __future__ import annotations

import concurrent.futures
import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, SPARQLWrapper

from tipgraph.web.liveserver import LiveServer

COUNT = "PREFIX tg: <https://w3id.org/tipgraph/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a tg:Practice }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 3.0


@pytest.fixture(scope="module")
def server(built, project):
    live = LiveServer(project.build, "--timeout", str(TIMEOUT), "--workers", "2")
    yield live
    live.stop()


def fetch(server, path, data=None, headers=None, timeout=30):
    request = urllib.request.Request(server.url + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sparql(server, fmt):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(server):
    client = sparql(server, JSON)
    client.setQuery(COUNT)
    assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "15"


@pytest.mark.parametrize("fmt, first_line", [(CSV, b"n"), (TSV, b"?n")])
def test_sparqlwrapper_csv_tsv(server, fmt, first_line):
    client = sparql(server, fmt)
    client.setQuery(COUNT)
    lines = client.query().convert().splitlines()
    assert lines[0] == first_line and lines[1].startswith(b"15")


def test_sparqlwrapper_construct_turtle(server):
    client = sparql(server, TURTLE)
    client.setQuery("CONSTRUCT { ?p a <https://w3id.org/tipgraph/ontology#Practice> } WHERE { ?p a <https://w3id.org/tipgraph/ontology#Practice> }")
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 15


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(server.url + "/sparql"))
    assert [int(row[0]) for row in graph.query(COUNT)] == [15]


def test_raw_http_post(server):
    status, headers, body = fetch(server, "/sparql", COUNT.encode(), {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.splitlines()[1] == b"15"


def test_a_cartesian_product_gets_503_in_time_and_the_next_query_is_answered_at_once(server):
    start = time.monotonic()
    status, headers, body = fetch(server, "/sparql?" + urlencode({"query": SLOW}))
    assert status == 503 and b"timed out" in body and "Retry-After" in headers
    assert time.monotonic() - start < TIMEOUT + 2
    start = time.monotonic()
    assert fetch(server, "/sparql?" + urlencode({"query": COUNT}))[0] == 200
    assert time.monotonic() - start < 1.0


def test_service_to_a_loopback_listener_is_refused_without_a_connection(server):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    status, _, body = fetch(server, "/sparql?" + urlencode({"query": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"}))
    try:
        assert status == 400 and b"SERVICE" in body
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


def test_five_thousand_nested_parentheses_are_refused_and_the_server_lives(server):
    query = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    status, _, body = fetch(server, "/sparql", urlencode({"query": query}).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"too deeply nested" in body
    assert fetch(server, "/health")[0] == 200
    assert fetch(server, "/sparql?" + urlencode({"query": COUNT}))[0] == 200


def test_a_long_url_is_refused(server):
    status, _, _ = fetch(server, "/sparql?query=" + "x" * 20_000)
    assert status in (400, 414)
    assert fetch(server, "/health")[0] == 200


def test_a_chunked_body_over_the_cap_is_refused(server):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    chunks = (b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 8192 for _ in range(64))  # 512 KiB, over the 256 KiB cap
    connection.request("POST", "/sparql", body=chunks, headers={"Content-Type": "application/sparql-query"}, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    connection.close()
    assert fetch(server, "/health")[0] == 200


def test_case_33_twenty_slow_queries_on_two_workers(server):
    """Excess slow queries get 503 + Retry-After; health stays fast; memory comes back."""
    baseline = server.rss_mb()
    health_times, stop = [], threading.Event()

    def probe():
        while not stop.is_set():
            start = time.monotonic()
            assert fetch(server, "/health", timeout=5)[0] == 200
            health_times.append(time.monotonic() - start)
            time.sleep(0.05)

    prober = threading.Thread(target=probe)
    prober.start()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: fetch(server, "/sparql?" + urlencode({"query": SLOW}), timeout=60), range(20)))
    stop.set()
    prober.join()
    statuses = [status for status, _, _ in results]
    assert set(statuses) == {503}
    assert all("Retry-After" in headers for _, headers, _ in results)
    assert statistics.quantiles(health_times, n=20)[-1] < 1.0
    time.sleep(2)
    assert fetch(server, "/sparql?" + urlencode({"query": COUNT}))[0] == 200
    assert server.rss_mb() < baseline + 100
