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
