"""Safe federation (issue 5, deliverable 5): SERVICE to allow-listed endpoints only, bounded.

A local stand-in for the Wikidata Query Service (``federation_standin.py``, a subprocess on a free
port of 127.0.0.1, stopped by its PID) serves a Wikidata-shaped graph made from
data/reference/country-codes.csv and logs every connection it accepts, so each refusal can be
shown to have made none. The federated apps route the real Wikidata IRI to the stand-in with an
``IRI=URL`` allow-list entry, as an operator would route it to a mirror. No traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from tipgraph.web import federation as fed
from tipgraph.web.federation import EMPTY_SOLUTION, Endpoint, Federation, FederationError, Table, normalise, rewrite
from tipgraph.web.gate import QueryRejected, check_query

ROOT = Path(__file__).resolve().parents[1]
STANDIN = Path(__file__).with_name("federation_standin.py")
EXAMPLE = ROOT / "queries" / "federated" / "27-countries-via-wikidata.rq"
WIKIDATA = "https://query.wikidata.org/sparql"
WDT = "http://www.wikidata.org/prop/direct/"
JSON = "application/sparql-results+json"


# --- the stand-in ------------------------------------------------------------------------------


class StandIn:
    def __init__(self, log: Path):
        self.log = log
        self.process = subprocess.Popen([sys.executable, str(STANDIN), str(ROOT / "data" / "reference" / "country-codes.csv"),
                                         str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        port: list[str] = []
        reader = threading.Thread(target=lambda: port.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        if not port or not port[0].strip().isdigit():
            self.stop()
            raise RuntimeError("the stand-in endpoint did not start")
        self.port = int(port[0])
        self.url = f"http://127.0.0.1:{self.port}"

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def connections(self) -> int:
        return self.lines().count("connect")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    server = StandIn(tmp_path_factory.mktemp("standin") / "connections.log")
    yield server
    server.stop()


def allow_list(standin) -> Federation:
    return Federation.parse([
        f"{WIKIDATA}={standin.url}/sparql",
        f"https://slow.example/sparql={standin.url}/slow",
        f"https://failing.example/sparql={standin.url}/fail",
        f"https://redirecting.example/sparql={standin.url}/redirect",
        f"https://html.example/sparql={standin.url}/html",
        f"{standin.url}/sparql",  # the stand-in by its own URL, for the IRI variants below
    ], timeout=1.0, max_rows=300)


@pytest.fixture(scope="module")
def federated_app(server_config, standin):
    from tipgraph.web import create_app

    application = create_app(server_config.with_(federation=allow_list(standin), workers=1, query_timeout=10.0))
    yield application
    application.extensions["tipgraph"].close()


@pytest.fixture
def fclient(federated_app):
    return federated_app.test_client()


def get(client, query, accept=JSON):
    return client.get("/sparql?" + urlencode({"query": query}), headers={"Accept": accept})


def bindings(response) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in row.items()} for row in response.get_json()["results"]["bindings"]]


def expected_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


COUNTRIES = "PREFIX tg: <https://w3id.org/tipgraph/ontology#>\nSELECT ?c ?x WHERE { ?c a tg:Country . SERVICE %s { %s } }"


# --- refused by default -----------------------------------------------------------------------


def test_service_is_refused_by_default_and_nothing_is_contacted(client, standin):
    before = standin.connections()
    for query in (EXAMPLE.read_text(encoding="utf-8"),
                  f"SELECT * WHERE {{ SERVICE <{standin.url}/sparql> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVICE SILENT <{standin.url}/sparql> {{ ?s ?p ?o }} }}"):
        response = get(client, query)
        assert response.status_code == 400 and "SERVICE (federated query) is not allowed" in response.get_data(as_text=True)
    time.sleep(0.2)
    assert standin.connections() == before


# --- the allow-list ---------------------------------------------------------------------------


def test_the_example_joins_the_countries_to_the_stand_in(fclient, standin):
    response = get(fclient, EXAMPLE.read_text(encoding="utf-8"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert bindings(response) == expected_rows(EXAMPLE.with_suffix("").with_suffix(".expected.csv"))
    assert response.headers["X-Result-Truncated"] == "false"
    assert any(line == "request POST /sparql" for line in standin.lines())


def test_the_join_is_on_the_shared_variables(fclient):
    local = "PREFIX tg: <https://w3id.org/tipgraph/ontology#>\nSELECT ?a3 ?a2 WHERE { ?c tg:iso3166Alpha3 ?a3 . SERVICE <%s> { %s } }"
    shared = bindings(get(fclient, local % (WIKIDATA, f"?item <{WDT}P298> ?a3 ; <{WDT}P297> ?a2")))
    assert len(shared) == 18 and {"a3": "IND", "a2": "IN"} in shared and {"a3": "AUS", "a2": "AU"} in shared
    # Evaluated on its own, a group that shares no variable joins with every local row.
    unshared = get(fclient, local % (WIKIDATA, f"<http://www.wikidata.org/entity/Q668> <{WDT}P297> ?a2"))
    assert sorted(row["a3"] for row in bindings(unshared)) == sorted(row["a3"] for row in shared)
    assert {row["a2"] for row in bindings(unshared)} == {"IN"}


IRI_VARIANTS = [
    "http://127.0.0.1:{other}/sparql",          # another port
    "http://localhost:{port}/sparql",           # another host name for the same place
    "http://127.0.0.1:{port}/sparql/",          # another path
    "http://127.0.0.1:{port}/sparq",            # a prefix of the path
    "http://127.0.0.1:{port}/sparql/../sparql",
    "http://127.0.0.1:{port}/%73parql",          # an escape is not decoded
    "http://user@127.0.0.1:{port}/sparql",      # userinfo
    "http://127.0.0.1:{port}@127.0.0.1:{other}/sparql",
    "http://127.0.0.1:{port}/sparql?x=1",       # another query string
    "http://127.0.0.1:{port}/sparql#x",         # a fragment
    "https://127.0.0.1:{port}/sparql",          # another scheme
    "http://127.0.0.1.:{port}/sparql",          # a trailing dot
    "http://127.0.0.1:0{port}/sparql",          # a padded port
    "https://query.wikidata.org/sparql/../sparql",
    "https://query.wikidata.org.evil.example/sparql",
    "https://query.wikidata.org:8443/sparql",
]


@pytest.mark.parametrize("variant", IRI_VARIANTS)
def test_iris_not_on_the_list_are_refused_without_a_connection(fclient, standin, variant):
    iri = variant.format(port=standin.port, other=standin.port + 1)
    before = standin.connections()
    response = get(fclient, COUNTRIES % (f"<{iri}>", "?x ?p ?o"))
    assert response.status_code == 400
    assert "is not allowed" in response.get_data(as_text=True)
    time.sleep(0.1)
    assert standin.connections() == before


def test_case_and_the_default_port_do_not_make_another_endpoint(fclient):
    query = COUNTRIES % ("<HTTPS://Query.Wikidata.org:443/sparql>", f"?x <{WDT}P297> \"IN\"")
    assert get(fclient, query).status_code == 200


def test_a_variable_or_prefixed_endpoint_is_refused(fclient, standin):
    before = standin.connections()
    response = get(fclient, COUNTRIES % ("?endpoint", "?x ?p ?o"))
    assert response.status_code == 400 and "variable endpoint" in response.get_data(as_text=True)
    response = get(fclient, "PREFIX wd: <https://query.wikidata.org/>\n" + COUNTRIES % ("wd:sparql", "?x ?p ?o"))
    assert response.status_code == 400 and "full IRI" in response.get_data(as_text=True)
    assert standin.connections() == before


def test_service_inside_service_is_refused(fclient, standin):
    before = standin.connections()
    response = get(fclient, COUNTRIES % (f"<{WIKIDATA}>", f"SERVICE <{WIKIDATA}> {{ ?x ?p ?o }}"))
    assert response.status_code == 400 and "SERVICE inside SERVICE" in response.get_data(as_text=True)
    assert standin.connections() == before


def test_from_is_still_refused(fclient):
    response = get(fclient, f"SELECT * FROM <{WIKIDATA}> WHERE {{ SERVICE <{WIKIDATA}> {{ ?x ?p ?o }} }}")
    assert response.status_code == 400 and "FROM" in response.get_data(as_text=True)


# --- bounds and failures ----------------------------------------------------------------------


def test_a_slow_endpoint_trips_the_federation_timeout_and_the_next_query_works(fclient):
    start = time.monotonic()
    response = get(fclient, COUNTRIES % ("<https://slow.example/sparql>", f"?x <{WDT}P297> \"IN\""))
    elapsed = time.monotonic() - start
    assert response.status_code == 504, response.get_data(as_text=True)
    assert "no full answer within 1 s" in response.get_data(as_text=True) and elapsed < 2.5
    start = time.monotonic()
    assert get(fclient, COUNTRIES % (f"<{WIKIDATA}>", f"?x <{WDT}P297> \"IN\"")).status_code == 200
    assert time.monotonic() - start < 2.0


def test_an_answer_over_the_row_cap_is_an_error_even_when_silent(fclient):
    for silent in ("", "SILENT "):
        response = get(fclient, COUNTRIES % (f"{silent}<{WIKIDATA}>", "?x ?p ?o"))  # about 1,000 rows; the cap is 300
        text = response.get_data(as_text=True)
        assert response.status_code == 502 and "more than 300 rows" in text and "row cap" in text


def test_silent_turns_a_failing_endpoint_into_one_empty_solution(fclient):
    for iri in ("https://failing.example/sparql", "https://slow.example/sparql", "https://redirecting.example/sparql"):
        response = get(fclient, COUNTRIES % (f"SILENT <{iri}>", "?x ?p ?o"))
        assert response.status_code == 200, response.get_data(as_text=True)
        rows = bindings(response)
        assert len(rows) == 18 and all(set(row) == {"c"} for row in rows)  # the countries, ?x unbound


@pytest.mark.parametrize("iri, words", [
    ("https://failing.example/sparql", ["HTTP 500", "fails on purpose"]),
    ("https://redirecting.example/sparql", ["redirected (HTTP 302)", "not followed"]),
    ("https://html.example/sparql", ["text/html"]),
])
def test_failures_without_silent_are_502(fclient, standin, iri, words):
    response = get(fclient, COUNTRIES % (f"<{iri}>", "?x ?p ?o"))
    text = response.get_data(as_text=True)
    assert response.status_code == 502 and all(w in text for w in words), text


def test_a_redirect_is_not_followed(fclient, standin):
    standin.log.write_text("", encoding="utf-8")
    get(fclient, COUNTRIES % ("<https://redirecting.example/sparql>", "?x ?p ?o"))
    assert [line for line in standin.lines() if line.startswith("request")] == ["request POST /redirect"]


def test_the_service_description_names_the_federated_endpoints(fclient, client):
    text = fclient.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "BasicFederatedQuery" in text and f"<{WIKIDATA}>" in text
    plain = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "BasicFederatedQuery" not in plain and "are refused" in plain


# --- the allow-list and the rewriting, without I/O -----------------------------------------------


def test_normalise():
    assert normalise("HTTPS://Query.Wikidata.org:443/sparql") == WIKIDATA
    assert normalise("http://h") == "http://h/"
    assert normalise("http://h:80/x?a=b") == "http://h/x?a=b"
    for bad in ("https://u@h/s", "https://h/s#f", "ftp://h/s", "https://h:0/s", "https://h:65536/s", "https://h:0443/s",
                "https://h./s", "https://h/s\\u0041", "https://h/a b", "//h/s", "https:///s", "https://h\u0131/s"):
        assert normalise(bad) is None, bad


def test_endpoint_parse():
    assert Endpoint.parse(WIKIDATA) == Endpoint(WIKIDATA, WIKIDATA)
    assert Endpoint.parse(f"{WIKIDATA}=http://127.0.0.1:7878/query") == Endpoint(WIKIDATA, "http://127.0.0.1:7878/query")
    for bad in ("query.wikidata.org/sparql", f"{WIKIDATA}=http://a/=http://b/", "https://u:p@h/s", f"{WIKIDATA}=file:///x"):
        with pytest.raises(ValueError):
            Endpoint.parse(bad)
    with pytest.raises(ValueError):
        Federation.parse([WIKIDATA, "HTTPS://Query.Wikidata.org:443/sparql"])


ALLOWED = Federation.parse([f"{WIKIDATA}=http://127.0.0.1:9/sparql"])


def fetch_of(table: Table, sent: list | None = None):
    def fetch(endpoint, query):
        if sent is not None:
            sent.append((endpoint, query))
        return table
    return fetch


def test_rewrite_sends_the_group_with_the_prologue_and_puts_values_in_its_place():
    sent = []
    query = ("BASE <http://example.org/>\nPREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
             "SELECT * WHERE { ?c ?p ?o OPTIONAL { SERVICE <https://query.wikidata.org/sparql> { ?item wdt:P297 ?a2 # x\n } } }")
    table = Table(("item", "a2"), (("<http://www.wikidata.org/entity/Q668>", '"IN"'), (None, '"a \\"quoted\\" SERVICE"')))
    rewritten = rewrite(query, ALLOWED, fetch_of(table, sent))
    (endpoint, remote), = sent
    assert endpoint.url == "http://127.0.0.1:9/sparql"
    assert remote == ("BASE <http://example.org/>\nPREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
                      "SELECT * WHERE { ?item wdt:P297 ?a2 # x\n \n}\nLIMIT 10001\n")
    assert "SERVICE <" not in rewritten and "OPTIONAL { VALUES (?item ?a2) {" in rewritten
    assert '(UNDEF "a \\"quoted\\" SERVICE")' in rewritten
    ox.Store().query(rewritten)  # pyoxigraph reads it


def test_the_values_block_gives_back_the_same_terms():
    terms = [ox.NamedNode("http://example.org/a"), ox.Literal("x\ny\"z\\"), ox.Literal("chat", language="fr"),
             ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), ox.Literal("\u202e")]
    block = fed.values_block(Table(("v",), tuple((str(t),) for t in terms)))
    assert [s["v"] for s in ox.Store().query(f"SELECT ?v WHERE {{ {block} }}")] == terms


def test_silent_failures_and_the_empty_solution():
    def failing(endpoint, query):
        raise FederationError("down")

    query = "SELECT * WHERE { SERVICE SILENT <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    assert "VALUES () {\n  ()\n}" in rewrite(query, ALLOWED, failing)
    with pytest.raises(FederationError):
        rewrite(query.replace("SILENT ", ""), ALLOWED, failing)
    assert len(list(ox.Store().query(rewrite(query, ALLOWED, fetch_of(EMPTY_SOLUTION))))) == 1
    assert list(ox.Store().query(rewrite(query, ALLOWED, fetch_of(Table(("s",), ()))))) == []


def test_the_gate_and_the_worker_find_the_same_calls():
    query = f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?a ?b ?c }} }} }} FILTER NOT EXISTS {{ service silent <{WIKIDATA}> {{ ?a ?b 1 }} }} }}"
    assert check_query(query, federation=ALLOWED).form == "SELECT"
    sent = []
    rewritten = rewrite(query, ALLOWED, fetch_of(Table(("a",), ()), sent))
    assert len(sent) == 2 and "SERVICE" not in rewritten.upper().replace("SELECT", "")


def test_nothing_that_reads_as_service_survives_a_rewrite():
    with pytest.raises(QueryRejected, match="rewritten safely"):
        fed._no_service_left("SELECT * WHERE { trueSERVICE <x> {} }")
    fed._no_service_left('SELECT * WHERE { VALUES ?x { "SERVICE"@en "x"@service } }')


# --- the workers' network guard -----------------------------------------------------------------


def _guarded_worker(standin, setup: str, store: str = "None") -> subprocess.CompletedProcess:
    """Run a query worker's serving loop in a fresh interpreter (audit hooks cannot be removed),
    answer one federated query through it, then try to reach a listener that is not allowed."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(1.0)
    other = listener.getsockname()[1]
    code = textwrap.dedent(f"""
        import multiprocessing, socket, threading, urllib.request
        from tipgraph.remote import RemoteStore
        from tipgraph.web import executor
        from tipgraph.web.executor import Job
        from tipgraph.web.federation import Federation
        federation = Federation.parse([{f"{WIKIDATA}={standin.url}/sparql"!r}], timeout=5)
        parent, child = multiprocessing.Pipe()
        {setup}
        assert parent.recv() == ("ready", None)
        parent.send(Job('SELECT ?x WHERE {{ SERVICE <{WIKIDATA}> {{ ?x <{WDT}P297> "IN" }} }}', {JSON!r}, (), None, 10))
        status, answer = parent.recv()
        assert status == "ok" and b"Q668" in answer.body, (status, answer)
        for attempt in (lambda: socket.create_connection(("127.0.0.1", {other}), timeout=2),
                        lambda: urllib.request.urlopen("http://127.0.0.1:{other}/sparql", timeout=2),
                        lambda: urllib.request.urlopen("https://query.wikidata.org/sparql", timeout=2),
                        lambda: socket.getaddrinfo("example.org", 80)):
            try:
                attempt()
            except PermissionError:
                continue
            raise SystemExit("a connection was allowed")
        print("guarded")
    """)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()
    return done


def test_an_embedded_store_worker_reaches_only_the_federated_endpoints(standin, built, project):
    from tipgraph.store import current_release

    store = str(current_release(project.build) / "store")
    done = _guarded_worker(standin, f"threading.Thread(target=executor._serve, args=(child, {store!r}, None, federation), daemon=True).start()")
    assert done.returncode == 0 and "guarded" in done.stdout, done.stderr


def test_a_remote_store_worker_reaches_only_its_store_and_the_federated_endpoints(standin):
    # The stand-in is the remote store too: it answers the rewritten query (VALUES only).
    done = _guarded_worker(standin, f"threading.Thread(target=executor._serve_remote, args=(child, RemoteStore({standin.url + '/sparql'!r}, timeout=5), federation), daemon=True).start()")
    assert done.returncode == 0 and "guarded" in done.stdout, done.stderr


def test_a_remote_store_worker_without_federation_is_guarded_too(standin):
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    port = other.getsockname()[1]
    other.close()
    code = textwrap.dedent(f"""
        import multiprocessing, socket, threading
        from tipgraph.remote import RemoteStore
        from tipgraph.web import executor
        parent, child = multiprocessing.Pipe()
        threading.Thread(target=executor._serve_remote, args=(child, RemoteStore({standin.url + '/sparql'!r}, timeout=5)), daemon=True).start()
        assert parent.recv() == ("ready", None)
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2)
        except PermissionError:
            print("guarded")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "guarded" in done.stdout, done.stderr


# --- a real server ---------------------------------------------------------------------------------


def test_a_live_server_started_with_federate(built, project, standin):
    from tipgraph.web.liveserver import LiveServer

    live = LiveServer(project.build, "--workers", "1", "--federate", f"{WIKIDATA}={standin.url}/sparql",
                      "--federation-timeout", "2", "--federation-max-rows", "1000")
    try:
        def fetch(query):
            request = urllib.request.Request(live.url + "/sparql?" + urlencode({"query": query}), headers={"Accept": JSON})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.read()

        import json

        status, body = fetch(EXAMPLE.read_text(encoding="utf-8"))
        assert status == 200, body
        rows = [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]
        assert rows == expected_rows(EXAMPLE.with_suffix("").with_suffix(".expected.csv"))
        status, body = fetch(f"SELECT * WHERE {{ SERVICE <{standin.url}/sparql> {{ ?s ?p ?o }} }}")
        assert status == 400 and b"is not allowed" in body
    finally:
        live.stop()


def test_the_cli_refuses_a_bad_allow_list_before_building(tmp_path):
    from tipgraph.cli import main

    assert main(["serve", "--build-dir", str(tmp_path), "--federate", "https://u@h/sparql"]) == 2
    assert main(["serve", "--build-dir", str(tmp_path), "--federate", WIKIDATA, "--federation-timeout", "10"]) == 2
    assert not any(tmp_path.iterdir())


def test_docstring_examples():
    import doctest

    assert doctest.testmod(fed).failed == 0
