"""Exports are byte-for-byte deterministic and round-trip to the same graph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from tipgraph.export import FORMATS, export
from tipgraph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED
from tipgraph.store import write_store

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "nq": "nquads", "trig": "trig"}


def default_graph(store) -> Graph:
    g = Graph()
    for name in (GRAPH_ASSERTED, GRAPH_INFERRED):
        nt = ox.serialize([q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))], format=ox.RdfFormat.N_TRIPLES)
        g.parse(data=nt, format="nt")
    return g


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bytes_in_separate_processes(project, built, fmt):
    """Two fresh interpreters with different hash seeds write identical bytes."""
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.append(subprocess.run(
            [sys.executable, "-m", "tipgraph.cli", "export", "-f", fmt, "--build-dir", str(project.build)],
            env=env, capture_output=True, check=True).stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_graph_exports_round_trip(store, fmt):
    parsed = Graph().parse(data=export(store, fmt), format=RDFLIB_FORMAT[fmt])
    assert isomorphic(parsed, default_graph(store))


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dataset_exports_keep_the_named_graphs(store, fmt):
    dataset = Dataset()
    dataset.parse(data=export(store, fmt), format=RDFLIB_FORMAT[fmt])
    names = {str(c.identifier) for c in dataset.graphs() if len(c)}
    assert {str(GRAPH_ASSERTED), str(GRAPH_INFERRED), "https://w3id.org/tipgraph/graph/ontology"} <= names
    asserted = dataset.graph(URIRef(str(GRAPH_ASSERTED)))
    assert len(asserted) == sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH_ASSERTED))))


AWKWARD = [
    'a "quoted" word',
    "two\nlines\r\nand a tab\t",
    "ends a CDATA ]]> section",
    "control \x01\x1f characters",
    "non-Latin: Ελληνικά, 中文, العربية, हिन्दी",
    "backslash \\ and <angle> & ampersand",
]


@pytest.fixture(scope="module")
def awkward_store(tmp_path_factory):
    g = Graph()
    for i, text in enumerate(AWKWARD):
        g.add((URIRef(f"https://w3id.org/tipgraph/test/{i}"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(text)))
        g.add((URIRef(f"https://w3id.org/tipgraph/test/{i}"), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(text, lang="en")))
    path = tmp_path_factory.mktemp("awkward") / "store"
    write_store(path, {GRAPH_ASSERTED: g, GRAPH_INFERRED: Graph()})
    return ox.Store.read_only(str(path)), g


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_awkward_literals_round_trip(awkward_store, fmt):
    store, original = awkward_store
    data = export(store, fmt)
    assert data == export(store, fmt)
    assert isomorphic(Graph().parse(data=data, format=RDFLIB_FORMAT[fmt]), original)


def test_unknown_format_is_refused(store):
    from tipgraph.export import ExportError
    with pytest.raises(ExportError, match="unknown format"):
        export(store, "xml")


# --- every format, from stores built directly with pyoxigraph ------------------------------------

TRICKY = [
    ('say "hi" and \'bye\'', None),
    ("first line\nsecond line", None),
    ("closes ]]> a CDATA section", None),
    ("control \u0001 tab \t carriage \r return", None),
    ("Arabic: العربية", "ar"),
    ("Devanagari: हिन्दी", "hi"),
    ("CJK: 中文 日本語 한국어", "zh-Hant-TW"),
    ("emoji: 😀🚀", "en-GB"),
    ("backslash \\ and \\u0041 as text", None),
]
EX = "https://w3id.org/tipgraph/test/"


def tricky_store(order: int = 1) -> ox.Store:
    """A store made with pyoxigraph directly; ``order`` -1 inserts everything in reverse, so two
    stores hold the same quads added differently (and with different blank node labels)."""
    quads = []
    for i, (text, lang) in enumerate(TRICKY):
        subject, bnode = ox.NamedNode(f"{EX}{i}"), ox.BlankNode(f"n{i}x{order}")
        for graph in (GRAPH_ASSERTED, GRAPH_INFERRED):
            quads.append(ox.Quad(subject, ox.NamedNode(EX + "label"), ox.Literal(text, language=lang), ox.NamedNode(str(graph))))
        quads.append(ox.Quad(subject, ox.NamedNode(EX + "note"), bnode, ox.NamedNode(str(GRAPH_ASSERTED))))
        quads.append(ox.Quad(bnode, ox.NamedNode(EX + "text"), ox.Literal(text), ox.NamedNode(str(GRAPH_ASSERTED))))
    quads.append(ox.Quad(ox.NamedNode(EX + "n"), ox.NamedNode(EX + "value"),
                         ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), ox.NamedNode(str(GRAPH_INFERRED))))
    store = ox.Store()
    store.extend(quads[::order])
    return store


def rdflib_dataset(store: ox.Store, graphs) -> Dataset:
    d = Dataset()
    data = ox.serialize([q for g in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))],
                        format=ox.RdfFormat.N_QUADS)
    d.parse(data=data, format="nquads")
    return d


@pytest.mark.parametrize("fmt", FORMATS)
def test_tricky_literals_same_bytes_from_two_stores(fmt):
    first, second = tricky_store(1), tricky_store(-1)
    assert export(first, fmt) == export(first, fmt) == export(second, fmt)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_tricky_literals_round_trip_as_a_graph(fmt):
    store = tricky_store()
    data = export(store, fmt)
    expected = Graph()
    for s, p, o, _graph in rdflib_dataset(store, (GRAPH_ASSERTED, GRAPH_INFERRED)).quads((None, None, None, None)):
        expected.add((s, p, o))  # merged, as the graph formats export it
    parsed = Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
    assert len(parsed) == len(expected) and isomorphic(parsed, expected)
    texts = {str(o) for o in parsed.objects()}
    assert {text for text, _ in TRICKY} <= texts  # every character survives, not just the count


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_tricky_literals_round_trip_as_a_dataset(fmt):
    store = tricky_store()
    parsed = Dataset()
    parsed.parse(data=export(store, fmt), format=RDFLIB_FORMAT[fmt])
    expected = rdflib_dataset(store, (GRAPH_ASSERTED, GRAPH_INFERRED))
    for name in (GRAPH_ASSERTED, GRAPH_INFERRED):
        assert isomorphic(parsed.graph(URIRef(str(name))), expected.graph(URIRef(str(name)))), name


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_keep_language_tags_and_lexical_forms(fmt):
    store = tricky_store()
    data = export(store, fmt)
    reparsed = ox.Dataset(ox.parse(data, format=ox.RdfFormat.from_extension({"jsonld": "jsonld"}.get(fmt, fmt))))
    literals = {q.object for q in reparsed if isinstance(q.object, ox.Literal)}
    assert ox.Literal("emoji: 😀🚀", language="en-gb") in literals
    assert ox.Literal("CJK: 中文 日本語 한국어", language="zh-hant-tw") in literals
    assert ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")) in literals


def test_same_bytes_from_two_separate_builds(built, project, tmp_path_factory):
    """A second build of the same inputs, in another folder, exports the same bytes."""
    from tipgraph.build import build
    from tipgraph.store import current_release, open_store

    other = project.with_(build=tmp_path_factory.mktemp("second-build"))
    build(other)
    first = open_store(current_release(project.build) / "store")
    second = open_store(current_release(other.build) / "store")
    for fmt in FORMATS:
        assert export(first, fmt) == export(second, fmt), fmt
