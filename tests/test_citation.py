"""Result digests, permalinks and citations (``citation``), re-running a pin (``rerun``) and the
``tipgraph rerun`` command. Expected rows come from the report (queries/*.expected.csv), never
from the program's output."""

from __future__ import annotations

import csv
import doctest
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from tipgraph import citation
from tipgraph.citation import (Pin, PermalinkError, Work, boolean_digest, digest_ntriples, digest_results_json,
                               graph_digest, parse_permalink, permalink, pin_from_fields, solutions_digest)
from tipgraph.export import export
from tipgraph.namespaces import GRAPH_ASSERTED
from tipgraph.query import run
from tipgraph.release import release_info
from tipgraph.rerun import dataset_digest, query_digest, rerun
from tipgraph.web.results import solutions_json

ROOT = Path(__file__).resolve().parents[1]
QUERY_01 = ROOT / "queries" / "01-who-funds-whom-where.rq"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
HEX = "0123456789abcdef" * 4


def expected_01() -> tuple[list[str], list[tuple[str, ...]]]:
    """Query 01's answer as the report gives it (values only: labels and lexical forms, '' unbound)."""
    with (ROOT / "queries" / "01-who-funds-whom-where.expected.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        return next(reader), [tuple(row) for row in reader]


def expected_rows_01() -> tuple[list[str], list[list]]:
    """The expected rows as terms: the ordinal an integer, the rest English labels (a stand-in
    answer for tests of the digest itself: some real labels are Spanish)."""
    names, rows = expected_01()
    return names, [[ox.Literal(ordinal, datatype=XSD_INTEGER)] + [ox.Literal(v, language="en") if v else None for v in rest]
                   for ordinal, *rest in rows]


def query_rows(store: ox.Store, text: str) -> tuple[list[str], list[list]]:
    results = run(store, text)
    names = [v.value for v in results.variables]
    return names, [[solution[n] for n in names] for solution in results]


def plain(row) -> tuple[str, ...]:
    return tuple("" if t is None else t.value for t in row)


def memory_store(store: ox.Store) -> ox.Store:
    """An in-memory copy of a built store (all four named graphs)."""
    copy = ox.Store()
    copy.load(export(store, "nq"), format=ox.RdfFormat.N_QUADS)
    return copy


def test_doctests():
    assert doctest.testmod(citation).failed == 0


# --- digests ------------------------------------------------------------------------------------

def test_digest_of_query_01_is_of_the_reports_answer_in_any_order(store):
    """The query gives the report's rows; digesting them in the expected file's order (not the
    query's ORDER BY order) gives the same digest as the query's own."""
    text = QUERY_01.read_text(encoding="utf-8")
    names, rows = query_rows(store, text)
    expected_names, expected = expected_01()
    assert names == expected_names and Counter(plain(r) for r in rows) == Counter(expected)
    by_values = {plain(r): r for r in rows}
    in_file_order = [by_values[values] for values in expected]
    assert [plain(r) for r in in_file_order] != [plain(r) for r in rows]  # the orders really differ
    digest = query_digest(store, text)
    assert digest == solutions_digest(names, in_file_order) == solutions_digest(names, list(reversed(rows)))
    assert citation.DIGEST.fullmatch(digest) and digest == query_digest(store, text)


def test_different_results_give_different_digests():
    names, rows = expected_rows_01()
    digest = solutions_digest(names, rows)
    fewer = solutions_digest(names, rows[1:])
    doubled = solutions_digest(names, rows + rows[:1])            # a duplicate row counts
    untagged = solutions_digest(names, [row[:2] + [ox.Literal(row[2].value)] + row[3:] for row in rows])
    unbound = solutions_digest(names, [row[:3] + [None] + row[4:] for row in rows])
    renamed = solutions_digest(["n", *names[1:]], rows)
    swapped = solutions_digest(names, [row[:2] + [row[3], row[2]] + row[4:] for row in rows])
    assert len({digest, fewer, doubled, untagged, unbound, renamed, swapped}) == 7


def test_ask_and_graph_digests():
    assert boolean_digest(True) != boolean_digest(False)
    p, o = ox.NamedNode("http://example.org/p"), ox.Literal("o")
    first = [ox.Triple(ox.BlankNode("a"), p, o), ox.Triple(ox.NamedNode("http://example.org/s"), p, ox.BlankNode("a"))]
    relabelled = [ox.Triple(ox.NamedNode("http://example.org/s"), p, ox.BlankNode("zz")), ox.Triple(ox.BlankNode("zz"), p, o)]
    assert graph_digest(first) == graph_digest(relabelled) == graph_digest(first + first)
    assert graph_digest(first) != graph_digest(first[:1])
    assert graph_digest(first) != solutions_digest(["s", "p", "o"], [[t.subject, t.predicate, t.object] for t in first])


def test_the_web_path_and_the_store_path_agree(store):
    """The server digests SPARQL JSON and N-Triples from its workers; ``rerun`` digests terms."""
    names, rows = expected_rows_01()
    assert digest_results_json(solutions_json(names, rows)) == (solutions_digest(names, rows), len(rows))
    text = "CONSTRUCT { ?p <http://example.org/n> ?n } WHERE { ?p <https://w3id.org/tipgraph/ontology#ordinal> ?n }"
    triples = list(store.query(text, default_graph=[ox.NamedNode(str(GRAPH_ASSERTED))]))
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert digest_ntriples(body) == (graph_digest(triples), len(triples)) and len(triples) >= 15
    assert digest_results_json(b'{"head": {}, "boolean": true}') == (boolean_digest(True), 1)


# --- permalinks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    QUERY_01.read_text(encoding="utf-8"),
    'SELECT * WHERE { ?s ?p "a & b # c + d = e? ü 中文 \\n" }',
])
def test_permalink_round_trip(query):
    pin = Pin(query, "0.1.0", "sha256:" + HEX, "sha256:" + HEX[::-1])
    link = permalink("https://example.org/", pin)
    assert link.startswith("https://example.org/cite?query=")
    assert parse_permalink(link) == pin
    assert parse_permalink(link.removeprefix("https://example.org")) == pin


@pytest.mark.parametrize("fields, reason", [
    ({}, "no query"),
    ({"query": ["  "]}, "no query"),
    ({"query": ["ASK {}"], "release": ["0.1.0"]}, "but not dataset, result"),
    ({"query": ["ASK {}"], "release": ["1"], "dataset": ["sha256:" + HEX], "result": ["sha256:" + HEX]}, "semantic version"),
    ({"query": ["ASK {}"], "release": ["0.1.0"], "dataset": ["md5:00"], "result": ["sha256:" + HEX]}, "sha256:<64 hex"),
    ({"query": ["ASK {}"], "release": ["0.1.0"], "dataset": ["sha256:" + HEX], "result": ["sha256:" + HEX.upper()]}, "sha256:<64"),
    ({"query": ["ASK {}", "ASK {}"]}, "given 2 times"),
    ({"query": ["ASK {}"], "graph": ["x"]}, "unknown parameter 'graph'"),
    ({"query": ["ASK {" + " " * 100 + "}"]}, "at most 50"),
])
def test_malformed_pins_say_why(fields, reason):
    with pytest.raises(PermalinkError, match=reason.replace("?", r"\?")):
        pin_from_fields(fields, max_query_length=50)


@pytest.mark.parametrize("url, reason", [
    ("https://example.org/sparql?query=ASK%20%7B%7D", "path should end in /cite"),
    ("https://example.org/cite?query=ASK%20%7B%7D", "pins no release"),
    ("https://example.org/cite?query=ASK%20%7B%7D&release=0.1.0&dataset=sha256:" + HEX + "&result=sha256:00", "result"),
    ("https://example.org/cite?query=%FF&release=0.1.0", "cannot be read"),
])
def test_malformed_permalinks(url, reason):
    with pytest.raises(PermalinkError, match=reason):
        parse_permalink(url)


def test_citation_string():
    work = Work("The tipgraph project", "tipgraph: a title", "0.1.0", "2026-11-28", "The tipgraph project",
                "https://w3id.org/tipgraph/dataset/tipgraph/0.1.0")
    text = citation.citation(work, "sha256:" + HEX, "https://example.org/cite?query=x", "2026-12-01")
    assert text.startswith("The tipgraph project (2026). tipgraph: a title. Version 0.1.0 (released 2026-11-28).")
    for part in ("[Dataset]", work.identifier, "sha256:" + HEX, "https://example.org/cite?query=x", "(accessed 2026-12-01)"):
        assert part in text


# --- re-running a pin against a store -------------------------------------------------------------

def test_rerun_matches_on_the_same_data_and_not_on_changed_data(store, project):
    query = QUERY_01.read_text(encoding="utf-8")
    pin = Pin(query, release_info(project).version, dataset_digest(store), query_digest(store, query))
    same = rerun(pin, memory_store(store))
    assert same.matches and all("matches" in line for line in same.lines())

    changed = memory_store(store)
    [bihar] = [q for q in changed.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                                                    ox.Literal("Bihar", language="en"), ox.NamedNode(str(GRAPH_ASSERTED)))]
    changed.remove(bihar)
    changed.add(ox.Quad(bihar.subject, bihar.predicate, ox.Literal("Bihar State", language="en"), bihar.graph_name))
    different = rerun(pin, changed)
    assert different.release_matches and not different.dataset_matches and not different.result_matches
    assert not different.matches and any("DIFFERS" in line for line in different.lines())
