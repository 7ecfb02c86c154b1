"""Deterministic exports of a built store: the same bytes on every run and machine.

Formats: ``nt`` (N-Triples), ``ttl`` (Turtle) and ``jsonld`` (JSON-LD) of one graph selection
(by default asserted + inferred facts, merged); ``nq`` (N-Quads) and ``trig`` (TriG) of the named
graphs, each kept apart.

How the bytes are fixed: blank nodes (the ontology's and the shapes' lists and restrictions) are
relabelled by RDF Dataset Canonicalization (RDFC-1.0), statements are sorted (N-Triples and
N-Quads line by line, in code point order: canonical N-Quads), prefixes come from one table, and
pyoxigraph writes N-Triples, N-Quads, Turtle and TriG keeping every literal's lexical form exactly (rdflib's Turtle writer would turn ``"800"^^xsd:decimal`` into ``800.0``,
another RDF term). JSON-LD is written by rdflib from the same sorted, canonical triples, with its
nodes, keys and values sorted.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .namespaces import PREFIXES
from .store import GRAPH_SELECTIONS

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
DATASET_FORMATS = ("nq", "trig")


class ExportError(ValueError):
    pass


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def canonical_quads(store: ox.Store, graphs, keep_graphs: bool) -> list[ox.Quad]:
    """The quads of ``graphs``, blank nodes canonicalised, duplicates dropped, sorted.

    With ``keep_graphs`` false every quad is moved to the default graph (a merged graph).
    """
    dataset = ox.Dataset()
    for name in graphs:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            graph_name = quad.graph_name if keep_graphs else ox.DefaultGraph()
            dataset.add(ox.Quad(quad.subject, quad.predicate, quad.object, graph_name))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=_sort_key)


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = None if term.language else URIRef(term.datatype.value)
    return Literal(term.value, lang=term.language, datatype=datatype)


def _jsonld(quads: list[ox.Quad]) -> bytes:
    graph = Graph(bind_namespaces="none")
    for quad in quads:
        graph.add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)))
    context = dict(sorted(PREFIXES.items()))
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if "@graph" not in document:
        document = {"@context": document.pop("@context", context), "@graph": [document] if document else []}
    document["@graph"] = _sorted_json(document["@graph"])
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _sorted_json(value):
    if isinstance(value, dict):
        return {key: _sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _lines_sorted(data: bytes) -> bytes:
    """Line-based formats with their lines in code point order: then the N-Quads export is byte for
    byte the canonical N-Quads that ``canonical.canonical_hash`` hashes, and its SHA-256 is the
    release's RDFC-1.0 hash (the checksum of /downloads/tipgraph.nq, the dataset digest of a
    citation and the hash ``tipgraph verify`` prints are one figure)."""
    return b"".join(line + b"\n" for line in sorted(set(data.splitlines())))


def export(store: ox.Store, fmt: str, graph: str | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    selection = graph or ("all" if fmt in DATASET_FORMATS else "default")
    if selection not in GRAPH_SELECTIONS:
        raise ExportError(f"unknown graph {selection!r}; choose one of {', '.join(GRAPH_SELECTIONS)}")
    quads = canonical_quads(store, GRAPH_SELECTIONS[selection], keep_graphs=fmt in DATASET_FORMATS)
    prefixes = dict(sorted(PREFIXES.items()))
    if fmt == "nq":
        return _lines_sorted(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    if fmt == "trig":
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    if fmt == "jsonld":
        return _jsonld(quads)
    triples = [quad.triple for quad in quads]
    if fmt == "nt":
        return _lines_sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
