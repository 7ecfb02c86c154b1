"""Deterministic exports of a built store: the same bytes on every run and machine.

Formats: ``nt`` (N-Triples) and ``ttl`` (Turtle) and ``jsonld`` (JSON-LD) of one graph selection
(by default asserted + inferred facts, merged); ``nq`` (N-Quads) and ``trig`` (TriG) of the named
graphs, each kept apart. Determinism comes from sorting: N-Triples and N-Quads lines are sorted,
Turtle and TriG are written by rdflib from a fixed prefix table (rdflib orders subjects,
predicates and objects itself), and JSON-LD nodes, keys and values are sorted. The data has no
blank nodes, so no labels need fixing.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph

from .namespaces import PREFIXES
from .store import GRAPH_SELECTIONS

FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
DATASET_FORMATS = ("nq", "trig")


class ExportError(ValueError):
    pass


def _triples_nt(store: ox.Store, graphs) -> bytes:
    triples = {q.triple for g in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))}
    lines = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def _rdflib_graph(nt: bytes) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.parse(data=nt, format="nt")
    return graph


def _turtle(nt: bytes) -> bytes:
    return _rdflib_graph(nt).serialize(format="turtle", encoding="utf-8")


def _prefix_block() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))


def _trig(store: ox.Store, graphs) -> bytes:
    parts = [_prefix_block()]
    for name in graphs:
        body = _turtle(_triples_nt(store, [name])).decode("utf-8")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix")).strip("\n")
        indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
        parts.append(f"\n<{name}> {{\n{indented}\n}}\n")
    return "".join(parts).encode("utf-8")


def _sort_jsonld(value):
    if isinstance(value, dict):
        return {key: _sort_jsonld(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(nt: bytes) -> bytes:
    graph = _rdflib_graph(nt)
    document = json.loads(graph.serialize(format="json-ld", context=dict(sorted(PREFIXES.items())), auto_compact=True))
    if "@graph" not in document:
        context = document.pop("@context", {})
        document = {"@context": context, "@graph": [document] if document else []}
    document["@graph"] = _sort_jsonld(document["@graph"])
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def export(store: ox.Store, fmt: str, graph: str | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    selection = graph or ("all" if fmt in DATASET_FORMATS else "default")
    if selection not in GRAPH_SELECTIONS:
        raise ExportError(f"unknown graph {selection!r}; choose one of {', '.join(GRAPH_SELECTIONS)}")
    graphs = GRAPH_SELECTIONS[selection]
    if fmt == "nq":
        quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))]
        lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
        return ("\n".join(sorted(set(lines))) + "\n").encode("utf-8")
    if fmt == "trig":
        return _trig(store, graphs)
    nt = _triples_nt(store, graphs)
    if fmt == "nt":
        return nt
    if fmt == "ttl":
        return _turtle(nt)
    return _jsonld(nt)
