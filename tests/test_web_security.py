"""Cases 1-21 and 30-32 of ../shared/reference/security-catalog.md against the app in-process.

After every case the server must still answer a cheap query within a second, and the store must be
unchanged (same sorted N-Quads hash). Case 33 (concurrent slow queries) and the live SERVICE and
timeout checks run against a real server in test_web_live.py.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from urllib.parse import quote, urlencode

import pytest

from tipgraph.store import sorted_nquads

CHEAP = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def fingerprint(app):
    store = app.extensions["tipgraph"].store
    return lambda: hashlib.sha256(sorted_nquads(store)).hexdigest()


@pytest.fixture
def still_fine(client, fingerprint):
    # Start the query workers first, so their start-up is not counted as the follow-up query's time.
    assert client.get("/sparql?" + urlencode({"query": CHEAP})).status_code == 200
    before = fingerprint()
    yield
    start = time.monotonic()
    response = client.get("/sparql?" + urlencode({"query": CHEAP}))
    assert response.status_code == 200 and response.get_json()["boolean"] is True
    assert time.monotonic() - start < 1.0
    assert fingerprint() == before


def get(client, query, **headers):
    return client.get("/sparql?" + urlencode({"query": query}), headers=headers)


def text(response) -> str:
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and 'File "' not in body
    return body


# 1-3 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/sparql?query=", "/sparql?query=%20%20", "/sparql?format=json"])
def test_01_missing_or_empty_query(client, still_fine, url):
    response = client.get(url)
    assert response.status_code == 400 and "missing query" in text(response)


def test_02_syntax_error_names_the_position(client, still_fine):
    response = get(client, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400 and "1:" in text(response)


def test_03_query_over_the_length_cap(client, still_fine):
    response = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000})
    assert response.status_code == 413 and "limit" in text(response)


# 4-5: nesting that would crash the engine's parser -----------------------------------------------

def test_04_five_thousand_nested_parentheses(client, still_fine):
    query = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400 and "too deeply nested" in text(response)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 3000 + "}" * 3000 + "}",
])
def test_05_ten_thousand_nested_braces_or_optionals(client, still_fine, query):
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code in (400, 413)
    assert "nested" in text(response) or "limit" in text(response)


# 6-9: no outgoing connection, ever ---------------------------------------------------------------

@pytest.fixture
def listener():
    """A loopback TCP listener that counts the connections it receives."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                seen.append(1)
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def test_06_service_to_a_loopback_listener(client, still_fine, listener):
    port, seen = listener
    response = get(client, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    assert response.status_code == 400 and "SERVICE" in text(response)
    time.sleep(0.3)
    assert seen == []


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } } } }",
    "SELECT * WHERE { service <http://[::1]:9/x> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/> { ?s ?p ?o } }",
])
def test_07_every_kind_of_service(client, still_fine, query):
    response = get(client, query)
    assert response.status_code == 400 and "SERVICE" in text(response)


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_08_dataset_clauses_reading_local_files(client, still_fine, tmp_path, clause):
    canary = tmp_path / "canary.ttl"
    canary.write_text("<urn:canary> <urn:p> 'CANARY-7f3a' .\n")
    response = get(client, f"SELECT * {clause} <{canary.as_uri()}> WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 400 and "CANARY-7f3a" not in text(response)


def test_09_from_a_loopback_url(client, still_fine, listener):
    port, seen = listener
    response = get(client, f"SELECT * FROM <http://127.0.0.1:{port}/x> WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 400
    time.sleep(0.3)
    assert seen == []


# 10: updates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("update", [
    "LOAD <file:///etc/passwd>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL", "CLEAR DEFAULT",
    "DELETE WHERE { ?s ?p ?o }",
])
def test_10_updates_change_nothing(client, still_fine, update):
    for response in (get(client, update),
                     client.post("/sparql", data={"update": update}),
                     client.get("/sparql?" + urlencode({"update": update})),
                     client.post("/sparql", data=update, content_type="application/sparql-update")):
        assert response.status_code in (400, 405, 415)
        assert "read-only" in text(response) or "not accepted" in text(response)


# 11-15: costly queries ---------------------------------------------------------------------------

def test_11_backtracking_regex_is_linear_here(client, still_fine):
    start = time.monotonic()
    response = get(client, 'SELECT * WHERE { BIND("' + "a" * 40 + '!" AS ?x) FILTER(REGEX(?x, "^(a+)+$")) }')
    assert response.status_code == 200
    assert time.monotonic() - start < 5


def test_12_cartesian_product_times_out_and_the_worker_is_recycled(client, still_fine, app):
    timeout = app.extensions["tipgraph"].config.query_timeout
    start = time.monotonic()
    response = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    elapsed = time.monotonic() - start
    assert response.status_code == 503 and "timed out" in text(response)
    assert response.headers["Retry-After"]
    assert elapsed < timeout + 2


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?a (<https://w3id.org/tipgraph/ontology#partOf>|^<https://w3id.org/tipgraph/ontology#partOf>)* ?b }",
    "SELECT * WHERE { ?a (<https://w3id.org/tipgraph/ontology#hasPart>|<https://w3id.org/tipgraph/ontology#partOf>)+ ?b }",
])
def test_13_path_explosions_end_in_a_cap_or_timeout(client, still_fine, query):
    response = get(client, query)
    assert response.status_code in (200, 503)
    if response.status_code == 200:
        assert int(response.headers["X-Result-Rows"]) <= int(response.headers["X-Result-Limit"])


@pytest.mark.parametrize("query, status", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1000000000000000000000000000000", 400),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET -1", 400),
    ("SELECT * WHERE { BIND(" + "9" * 5000 + " AS ?x) }", 400),
    ("SELECT * WHERE { BIND(" + "9" * 100_000 + " AS ?x) }", 413),
])
def test_14_absurd_numbers(client, still_fine, query, status):
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == status
    text(response)


def test_15_rows_above_the_cap_are_cut_with_a_header(server_config, fingerprint):
    from tipgraph.web import create_app

    small = create_app(server_config.with_(max_rows=5, workers=1))
    try:
        response = small.test_client().get("/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}))
        assert response.status_code == 200
        assert (response.headers["X-Result-Truncated"], response.headers["X-Result-Rows"]) == ("true", "5")
    finally:
        small.extensions["tipgraph"].close()


# 16-21: malformed requests -----------------------------------------------------------------------

def test_16_body_over_the_size_cap(client, still_fine, app):
    cap = app.config["MAX_CONTENT_LENGTH"]
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (cap + 10)
    # A chunked body (no Content-Length) is tested against the live server in test_web_live.py.
    assert client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
    assert client.post("/sparql", data={"query": big}).status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "application/sparql-update"])
def test_17_wrong_media_types(client, still_fine, content_type):
    response = client.post("/sparql", data=CHEAP, content_type=content_type)
    assert response.status_code == 415
    text(response)


def test_18_query_given_twice(client, still_fine):
    assert client.get("/sparql?" + urlencode([("query", CHEAP), ("query", CHEAP)])).status_code == 400
    assert client.post("/sparql?" + urlencode({"query": CHEAP}), data={"query": CHEAP}).status_code == 400
    assert client.post("/sparql?" + urlencode({"query": CHEAP}), data=CHEAP, content_type="application/sparql-query").status_code == 400


@pytest.mark.parametrize("accept", ["text/html;q=abc", ";;;", "garbage", "*/*;q=2", "application/sparql-results+json;q=0", "\x00"])
def test_19_odd_accept_headers(client, still_fine, accept):
    response = get(client, CHEAP, Accept=accept)
    assert response.status_code in (200, 406)
    text(response)


def test_20_a_20_kb_url(client, still_fine):
    response = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } #" + "x" * 20_000))
    assert response.status_code in (400, 413, 414)


@pytest.mark.parametrize("raw", ["ASK%20%7B%7D%00", "ASK%20%7B%7D%ED%A0%80", "ASK%20%7B%7D%C0%AF", "ASK%20%7B%7D%E2%80%AE"])
def test_21_nul_surrogates_overlong_bidi(client, still_fine, raw):
    response = client.get("/sparql?query=" + raw)
    assert response.status_code in (200, 400)
    text(response)


# 30-32: pages, escaping, CORS --------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/practice/..%2f..%2fbuild.json", "/practice/%00", "/org/a%5c..%5cb", "/static/..%2f..%2fapp.py",
                                  "/downloads/..%2fbuild.json", "/queries/..%2f..%2fpyproject.toml.rq"])
def test_30_path_traversal(client, still_fine, path):
    assert client.get(path).status_code == 404


def test_31_csp_and_escaping(client, still_fine):
    response = client.get("/query?" + urlencode({"query": "</textarea><script>alert(1)</script>"}))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_32_cors(client, still_fine):
    response = get(client, CHEAP)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
