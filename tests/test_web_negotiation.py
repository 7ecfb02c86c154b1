"""Content negotiation follows RFC 9110 (section 12.5.1) and the headers real clients send.

Client headers are copied from the clients: SPARQLWrapper 2.0.0 (``Wrapper.py``: ``_SPARQL_JSON``,
``_RDF_TURTLE``, ``_RDF_N3``, ...), rdflib 7.6's SPARQLConnector (``response_mime_types()``),
Chrome, Firefox and curl.
"""

from __future__ import annotations

import dataclasses
import doctest
import random

import pytest

from tipgraph.web import negotiation
from tipgraph.web.negotiation import (FORMAT_NAMES, GRAPH_TYPES, SOLUTION_TYPES, MediaRange, choose,
                                      choose_for_form, parse_accept, prefers_html)

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, NTRIPLES, JSONLD = "text/turtle", "application/n-triples", "application/ld+json"
RDFXML, TRIG, NQUADS = "application/rdf+xml", "application/trig", "application/n-quads"

CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/png,image/svg+xml,*/*;q=0.8"
FIREFOX_OLD = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
SW_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"
SW_XML = "application/sparql-results+xml"
SW_CSV = "text/csv"
SW_TSV = "text/tab-separated-values"
SW_TURTLE = "application/turtle,text/turtle"
SW_N3 = "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3"
SW_RDFXML = "application/rdf+xml"
SW_JSONLD = "application/ld+json,application/x-json+ld"
RDFLIB_XML = "application/sparql-results+xml, application/rdf+xml"
RDFLIB_JSON = "application/sparql-results+json"
RDFLIB_ANY = ("application/trix, text/n3, application/sparql-results+xml, text/turtle, text/csv, "
              "application/n-triples, text/tab-separated-values, application/trig, application/rdf+xml, "
              "application/sparql-results+json, application/n-quads, application/ld+json")
MALFORMED = ["text/html;q=abc", ";;;", "garbage", "*/*;q=2", ",,,", "/", "text/", "/csv", "*/csv", "text/csv;q",
             'text/csv;charset="unterminated', "text/csv;q=0.1234", "text/csv;q=-1", "\x00", "\u00e9/\u00e9",
             "text/csv extra", "text/csv;=1"]


# --- parse_accept ----------------------------------------------------------------------------

PARSED = [
    (None, []),
    ("", []),
    ("   ", []),
    ("text/csv", [("text", "csv", 1.0, {})]),
    ("text/csv;q=0.5, application/sparql-results+json;q=0.9",
     [("text", "csv", 0.5, {}), ("application", "sparql-results+json", 0.9, {})]),
    ("TEXT/Turtle; Q=0.3", [("text", "turtle", 0.3, {})]),  # types and parameter names are case-insensitive
    ("text/html;level=1;q=0.7", [("text", "html", 0.7, {"level": "1"})]),
    ('text/plain; charset="utf-8"', [("text", "plain", 1.0, {"charset": "utf-8"})]),
    ('text/x;foo="a,b;c";q=0.5, text/y', [("text", "x", 0.5, {"foo": "a,b;c"}), ("text", "y", 1.0, {})]),
    ("*/*", [("*", "*", 1.0, {})]),
    ("text/*;q=0.2", [("text", "*", 0.2, {})]),
    ("text/csv;q=0", [("text", "csv", 0.0, {})]),
    ("text/csv;q=1.000", [("text", "csv", 1.0, {})]),
    ("text/csv;q=0.001", [("text", "csv", 0.001, {})]),
    ("text/csv;;q=0.5", [("text", "csv", 0.5, {})]),  # empty parameters are allowed
    (",, text/csv ,,", [("text", "csv", 1.0, {})]),
    ("application/json, garbage, text/csv;q=x, text/tab-separated-values;q=0.1",
     [("application", "json", 1.0, {}), ("text", "tab-separated-values", 0.1, {})]),
    (SW_JSON, [("application", "sparql-results+json", 1.0, {}), ("application", "json", 1.0, {}),
               ("text", "javascript", 1.0, {}), ("application", "javascript", 1.0, {})]),
    ("application/signed-exchange;v=b3;q=0.7", [("application", "signed-exchange", 0.7, {"v": "b3"})]),
] + [(header, []) for header in MALFORMED]


@pytest.mark.parametrize("header,expected", PARSED)
def test_parse_accept(header, expected):
    assert parse_accept(header) == [MediaRange(*entry) for entry in expected]


def test_media_range_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        MediaRange("text", "csv", 1.0, {}).q = 0.5


# --- choose ------------------------------------------------------------------------------------

SOLUTIONS = [RESULTS_JSON, RESULTS_XML, CSV, TSV]

CHOSEN = [
    # (Accept, offered, default, expected)
    (None, SOLUTIONS, RESULTS_JSON, RESULTS_JSON),
    ("", SOLUTIONS, RESULTS_XML, RESULTS_XML),
    ("garbage", SOLUTIONS, RESULTS_JSON, RESULTS_JSON),  # nothing readable counts as no header
    (CURL, SOLUTIONS, RESULTS_JSON, RESULTS_JSON),
    (CURL, [CSV, TSV], CSV, CSV),  # */* takes the first offered
    ("text/csv", SOLUTIONS, RESULTS_JSON, CSV),
    ("TEXT/CSV", SOLUTIONS, RESULTS_JSON, CSV),  # case-insensitive, answered in the offered spelling
    ("image/png", SOLUTIONS, RESULTS_JSON, None),  # nothing acceptable: 406
    ("text/*", SOLUTIONS, RESULTS_JSON, CSV),
    ("text/csv;q=0.5, application/sparql-results+json;q=0.9", SOLUTIONS, CSV, RESULTS_JSON),
    ("text/csv;q=0.95, application/sparql-results+json;q=0.9", SOLUTIONS, RESULTS_JSON, CSV),
    ("text/*;q=0.9, text/csv;q=0.5", SOLUTIONS, RESULTS_JSON, TSV),  # CSV's own range wins over text/*
    ("text/*, text/csv;q=0", SOLUTIONS, RESULTS_JSON, TSV),  # q=0 excludes
    ("*/*, application/sparql-results+json;q=0", SOLUTIONS, RESULTS_JSON, RESULTS_XML),
    ("text/csv;q=0", SOLUTIONS, RESULTS_JSON, None),
    ("*/*;q=0", SOLUTIONS, RESULTS_JSON, None),
    ("text/csv, text/tab-separated-values", [TSV, CSV], TSV, TSV),  # a tie goes to the offered order
    ("text/tab-separated-values, text/csv", [CSV, TSV], TSV, CSV),  # the header's own order does not count
    ("*/*;q=0.5, text/*;q=0.5", SOLUTIONS, RESULTS_JSON, CSV),  # same q: the more specific range wins
    ("text/turtle;charset=utf-8;q=0.4, */*;q=0.3", [RESULTS_JSON, TURTLE], RESULTS_JSON, TURTLE),
    ("text/csv", [], RESULTS_JSON, None),
    ("*/*;q=2", SOLUTIONS, TSV, TSV),  # malformed q: the entry is ignored, so no header
]


@pytest.mark.parametrize("accept,offered,default,expected", CHOSEN)
def test_choose(accept, offered, default, expected):
    assert choose(accept, offered, default) == expected


# --- choose_for_form --------------------------------------------------------------------------

FOR_FORM = [
    # (form, Accept, format, expected)
    ("SELECT", None, None, RESULTS_JSON),
    ("ASK", None, None, RESULTS_JSON),
    ("CONSTRUCT", None, None, TURTLE),
    ("DESCRIBE", None, None, TURTLE),
    ("select", "", None, RESULTS_JSON),
    # curl
    ("SELECT", CURL, None, RESULTS_JSON),
    ("CONSTRUCT", CURL, None, TURTLE),
    # browsers: application/xml;q=0.9 is the results XML; no RDF type is named, so */* gives Turtle
    ("SELECT", CHROME, None, RESULTS_XML),
    ("SELECT", FIREFOX, None, RESULTS_XML),
    ("SELECT", FIREFOX_OLD, None, RESULTS_XML),
    ("CONSTRUCT", CHROME, None, TURTLE),
    ("DESCRIBE", SAFARI, None, TURTLE),
    # SPARQLWrapper
    ("SELECT", SW_JSON, None, RESULTS_JSON),
    ("ASK", SW_JSON, None, RESULTS_JSON),
    ("SELECT", SW_XML, None, RESULTS_XML),
    ("SELECT", SW_CSV, None, CSV),
    ("SELECT", SW_TSV, None, TSV),
    ("CONSTRUCT", SW_TURTLE, None, TURTLE),
    ("CONSTRUCT", SW_N3, None, TURTLE),  # Turtle and N-Triples tie; Turtle is offered first
    ("DESCRIBE", SW_RDFXML, None, RDFXML),
    ("CONSTRUCT", SW_JSONLD, None, JSONLD),
    ("CONSTRUCT", SW_JSON, None, JSONLD),  # application/json for a graph is JSON-LD
    ("SELECT", SW_TURTLE, None, None),  # Turtle for a SELECT: 406
    ("CONSTRUCT", SW_CSV, None, None),
    # rdflib's SPARQLStore / SPARQLConnector
    ("SELECT", RDFLIB_XML, None, RESULTS_XML),
    ("CONSTRUCT", RDFLIB_XML, None, RDFXML),
    ("SELECT", RDFLIB_JSON, None, RESULTS_JSON),
    ("SELECT", RDFLIB_ANY, None, RESULTS_JSON),
    ("CONSTRUCT", RDFLIB_ANY, None, TURTLE),
    # aliases answer with the canonical type
    ("SELECT", "application/json", None, RESULTS_JSON),
    ("SELECT", "application/xml", None, RESULTS_XML),
    ("ASK", "text/xml", None, RESULTS_XML),
    ("CONSTRUCT", "application/x-turtle", None, TURTLE),
    ("CONSTRUCT", "text/turtle,application/turtle,application/x-turtle", None, TURTLE),
    ("CONSTRUCT", "application/json", None, JSONLD),
    ("CONSTRUCT", "text/plain", None, None),  # not an alias of N-Triples
    ("CONSTRUCT", "application/n-quads", None, NQUADS),
    ("CONSTRUCT", "application/trig;q=0.9, application/n-quads;q=0.8", None, TRIG),
    # q-values
    ("SELECT", "text/csv;q=0.5, application/sparql-results+json;q=0.9", None, RESULTS_JSON),
    ("SELECT", "text/csv;q=0.5, application/sparql-results+json;q=0.4", None, CSV),
    ("SELECT", "application/json;q=0.1, application/sparql-results+xml;q=0.2", None, RESULTS_XML),
    ("CONSTRUCT", "text/turtle;q=0, */*", None, NTRIPLES),
    ("CONSTRUCT", "text/turtle;q=0, application/n-triples;q=0, application/ld+json;q=0, application/rdf+xml;q=0, "
                  "application/trig;q=0, application/n-quads;q=0, */*", None, None),  # no alias slips in
    # malformed headers: the default, never an exception
    ("SELECT", "text/html;q=abc", None, RESULTS_JSON),
    ("SELECT", ";;;", None, RESULTS_JSON),
    ("CONSTRUCT", "garbage", None, TURTLE),
    ("CONSTRUCT", "*/*;q=2", None, TURTLE),
    ("SELECT", "text/html", None, None),  # readable, but nothing offered matches
    # the format parameter: short names, media types, and overriding Accept
    ("SELECT", None, "json", RESULTS_JSON),
    ("SELECT", None, "xml", RESULTS_XML),
    ("ASK", None, "csv", CSV),
    ("SELECT", None, "tsv", TSV),
    ("SELECT", None, "JSON", RESULTS_JSON),
    ("SELECT", None, " csv ", CSV),
    ("SELECT", None, "application/sparql-results+xml", RESULTS_XML),
    ("SELECT", None, "application/json", RESULTS_JSON),
    ("SELECT", None, "text/csv; charset=utf-8", CSV),
    ("SELECT", "text/csv", "json", RESULTS_JSON),  # format overrides Accept...
    ("SELECT", "text/csv;q=1, application/sparql-results+json;q=0", "json", RESULTS_JSON),  # ...entirely
    ("SELECT", "text/csv", "", CSV),  # an empty format is no format
    ("CONSTRUCT", None, "ttl", TURTLE),
    ("CONSTRUCT", None, "turtle", TURTLE),
    ("CONSTRUCT", None, "nt", NTRIPLES),
    ("CONSTRUCT", None, "ntriples", NTRIPLES),
    ("CONSTRUCT", None, "jsonld", JSONLD),
    ("CONSTRUCT", None, "json-ld", JSONLD),
    ("CONSTRUCT", None, "rdfxml", RDFXML),
    ("DESCRIBE", None, "rdf", RDFXML),
    ("DESCRIBE", None, "xml", RDFXML),  # for a graph, "xml" is RDF/XML
    ("CONSTRUCT", None, "json", JSONLD),  # and "json" is JSON-LD
    ("CONSTRUCT", None, "trig", TRIG),
    ("CONSTRUCT", None, "nq", NQUADS),
    ("CONSTRUCT", None, "nquads", NQUADS),
    ("CONSTRUCT", None, "application/x-turtle", TURTLE),
    ("CONSTRUCT", "application/ld+json", "nt", NTRIPLES),
    # wrong family or unknown: None
    ("CONSTRUCT", None, "csv", None),
    ("CONSTRUCT", None, "tsv", None),
    ("DESCRIBE", None, "text/csv", None),
    ("SELECT", None, "ttl", None),
    ("ASK", None, "jsonld", None),
    ("SELECT", None, "application/rdf+xml", None),
    ("SELECT", None, "rdf", None),
    ("SELECT", None, "html", None),
    ("SELECT", None, "text/plain", None),
    ("CONSTRUCT", None, "../../etc/passwd", None),
]


@pytest.mark.parametrize("form,accept,format_param,expected", FOR_FORM)
def test_choose_for_form(form, accept, format_param, expected):
    assert choose_for_form(form, accept, format_param) == expected


def test_choose_for_form_refuses_what_is_not_a_query_form():
    with pytest.raises(ValueError, match="INSERT"):
        choose_for_form("INSERT", None, None)


# --- prefers_html -------------------------------------------------------------------------------

HTML = [
    (None, False),
    ("", False),
    (CURL, False),
    ("text/turtle", False),
    ("text/html", True),
    ("application/xhtml+xml", True),
    (CHROME, True),
    (FIREFOX, True),
    (FIREFOX_OLD, True),
    ("text/html, */*", True),  # only */* competes
    ("text/html;q=0.5, */*", True),
    ("text/html, application/sparql-results+json", False),  # a tie is not a preference
    ("text/html;q=0.9, application/sparql-results+json", False),
    ("text/html, application/sparql-results+json;q=0.9", True),
    ("text/html;q=0.9, text/turtle;q=0.8", True),
    ("text/html;q=0.8, application/json;q=0.9", False),  # an alias counts as an RDF/results type
    ("text/html;q=0", False),
    ("text/html;q=abc", False),
    ("text/*", False),  # HTML must be named
    ("text/html;q=0.5, text/turtle;q=0", True),
    (SW_JSON, False),
    (SW_TURTLE, False),
    (RDFLIB_ANY, False),
    ("garbage", False),
]


@pytest.mark.parametrize("accept,expected", HTML)
def test_prefers_html(accept, expected):
    assert prefers_html(accept) is expected


# --- the tables --------------------------------------------------------------------------------

def test_canonical_types_come_first_and_aliases_map_into_them():
    for table, canonical in ((SOLUTION_TYPES, [RESULTS_JSON, RESULTS_XML, CSV, TSV]),
                             (GRAPH_TYPES, [TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS])):
        assert list(table)[:len(canonical)] == canonical
        assert len({table[t] for t in canonical}) == len(canonical)  # one canonical type per name
        assert set(table.values()) == {table[t] for t in canonical}
    assert "text/plain" not in GRAPH_TYPES


def test_format_names_lead_to_canonical_types():
    canonical = {t for t in list(SOLUTION_TYPES)[:4] + list(GRAPH_TYPES)[:6]}
    assert set(FORMAT_NAMES.values()) == canonical
    assert set(FORMAT_NAMES) >= {"json", "xml", "csv", "tsv", "ttl", "turtle", "nt", "ntriples", "jsonld",
                                 "json-ld", "rdfxml", "rdf", "trig", "nq", "nquads"}


# --- never an exception -----------------------------------------------------------------------

def test_garbage_headers_never_raise():
    rng = random.Random(9110)
    alphabet = ['text/html', '*/*', 'application/', ';', ',', '=', 'q', '0.5', '1', '2', '"', '\\', ' ', '*',
                'x', '\x00', '\u00e9', '/', 'q=', '.', '-']
    headers = MALFORMED + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(500)]
    for header in headers:
        parse_accept(header)
        choose(header, [RESULTS_JSON, CSV], RESULTS_JSON)
        choose_for_form("SELECT", header, None)
        choose_for_form("CONSTRUCT", header, header)
        prefers_html(header)


def test_docstring_examples():
    assert doctest.testmod(negotiation).failed == 0
