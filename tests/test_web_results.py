"""Results serialisation: each format parses back (with pyoxigraph's own parsers) to the same rows."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from tipgraph.web.results import serialise

ROWS = """
SELECT ?s ?label ?n ?missing WHERE {
  VALUES (?s ?label ?n) {
    (<https://example.org/a> "plain" 1)
    (<https://example.org/b> "tab\\tnew\\nline, comma \\"quoted\\""@en 2.5)
    (<https://example.org/c> "Ελληνικά <b>&amp;</b> ]]>" "x"^^<https://example.org/dt>)
  }
}"""


@pytest.fixture(scope="module")
def memory_store():
    return ox.Store()


def terms(results) -> list[list]:
    return [[str(s[v]) if s[v] is not None else None for v in results.variables] for s in results]


@pytest.mark.parametrize("media_type, fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_round_trip_through_pyoxigraph(memory_store, media_type, fmt):
    answer = serialise(memory_store.query(ROWS), media_type, 100)
    assert (answer.rows, answer.truncated, answer.kind) == (3, False, "solutions")
    assert terms(ox.parse_query_results(answer.body, fmt)) == terms(memory_store.query(ROWS))


def test_csv_follows_the_spec(memory_store):
    body = serialise(memory_store.query(ROWS), "text/csv", 100).body.decode()
    assert body.startswith("s,label,n,missing\r\n")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[2] == ["https://example.org/b", 'tab\tnew\nline, comma "quoted"', "2.5", ""]


def test_rows_beyond_the_cap_are_cut_and_said(memory_store):
    answer = serialise(memory_store.query(ROWS), "application/sparql-results+json", 2)
    assert (answer.rows, answer.truncated) == (2, True)
    assert len(json.loads(answer.body)["results"]["bindings"]) == 2


def test_unbound_is_left_out_in_json(memory_store):
    binding = json.loads(serialise(memory_store.query(ROWS), "application/sparql-results+json", 10).body)["results"]["bindings"][0]
    assert set(binding) == {"s", "label", "n"}
    assert binding["label"] == {"type": "literal", "value": "plain"}
    assert binding["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize("media_type, expected", [
    ("application/sparql-results+json", b'{"head": {}, "boolean": true}'),
    ("text/csv", b"_askResult\r\ntrue\r\n"),
])
def test_ask(memory_store, media_type, expected):
    assert serialise(memory_store.query("ASK {}"), media_type, 10).body == expected


def test_xml_output_is_well_formed_even_with_control_characters(memory_store):
    import xml.dom.minidom

    body = serialise(memory_store.query('SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }'), "application/sparql-results+xml", 10).body
    xml.dom.minidom.parseString(body)


@pytest.mark.parametrize("media_type, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/trig", ox.RdfFormat.TRIG), ("application/n-quads", ox.RdfFormat.N_QUADS),
])
def test_graph_answers_parse_and_are_capped(memory_store, media_type, fmt):
    query = "CONSTRUCT { ?s <https://example.org/p> ?o } WHERE { VALUES (?s ?o) { (<https://example.org/a> 1) (<https://example.org/b> 2) (<https://example.org/c> 3) } }"
    answer = serialise(memory_store.query(query), media_type, 2)
    assert (answer.kind, answer.rows, answer.truncated) == ("graph", 2, True)
    assert len(list(ox.parse(answer.body, format=fmt))) == 2
