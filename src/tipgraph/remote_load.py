"""Loading a release into a remote store (``tipgraph.remote.load_release``): the dump streamed into
per-graph spool files, sent in chunks by the Graph Store Protocol or SPARQL Update, blank nodes kept
together, and the result counted through the query endpoint."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import BASE, GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from .remote_http import FORM_HEADERS, RemoteQueryError, RemoteStoreError, _form, _request, _select, _with_params

if TYPE_CHECKING:
    from .remote import RemoteStore

RELEASE_GRAPHS = tuple(str(g) for g in (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES))
CHUNK_TRIPLES = 50_000           # triples per request when loading
CHUNK_BYTES = 8 * 1024 * 1024    # and at most about this many bytes of N-Triples per request
UPDATE_CHUNK_TRIPLES = 1_000     # INSERT DATA is parsed as a query: Virtuoso 7.2 fails near 5,000 triples (SP030)


class _BlankGroups:
    """Union-find over blank node labels: labels that occur in one triple belong together."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, label: str) -> str:
        parent = self.parent.setdefault(label, label)
        root = label
        while parent != root:
            root, parent = parent, self.parent[parent]
        while self.parent[label] != root:  # path compression
            self.parent[label], label = root, self.parent[label]
        return root

    def union(self, labels: list[str]) -> str:
        roots = [self.find(x) for x in labels]
        first = roots[0]
        for other in roots[1:]:
            if other != first:
                self.parent[other] = first
        return first


@dataclass
class _GraphSpool:
    """One graph's triples of a release, on disk: those without blank nodes, and those with."""

    iri: str
    plain: Path
    blank: Path
    plain_count: int = 0
    blank_count: int = 0
    groups: _BlankGroups = dataclasses.field(default_factory=_BlankGroups)

    @property
    def count(self) -> int:
        return self.plain_count + self.blank_count


def _blank_labels(triple: ox.Triple | ox.Quad) -> list[str]:
    return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]


def _nt(quad: ox.Quad) -> bytes:
    return f"{quad.subject} {quad.predicate} {quad.object} .\n".encode()


IRIREF = re.compile(r'<[^\x00-\x20<>"{}|^`\\]*>')


def _split_quad(line: str) -> tuple[str, str, list[str]] | None:
    """(graph IRI, N-Triples line, blank node labels) of a line as oxigraph writes N-Quads (single
    spaces, a named graph), read with string operations only; None for any other shape of line."""
    head, _, tail = line.rstrip("\r\n").rpartition(" ")
    if tail != ".":
        return None
    body, _, graph = head.rpartition(" ")
    parts = body.split(" ", 2)
    if len(parts) != 3 or not IRIREF.fullmatch(graph) or not IRIREF.fullmatch(parts[1]):
        return None
    subject, _, obj = parts
    if not (IRIREF.fullmatch(subject) or subject.startswith("_:")) or obj.startswith("<<"):
        return None
    labels = [term[2:] for term in (subject, obj) if term.startswith("_:")]
    return graph[1:-1], body + " .\n", labels


def _read_quads(dump: Path) -> Iterator[tuple[str, str, list[str]]]:
    """Every quad of the dump as (graph IRI, N-Triples line, blank node labels), streaming. Lines in
    oxigraph's own form take the fast path; any other line is parsed by pyoxigraph."""
    with open(dump, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            split = _split_quad(line)
            if split is None:
                try:
                    quads = list(ox.parse(line, format=ox.RdfFormat.N_QUADS))
                except SyntaxError as failure:
                    raise RemoteStoreError(f"{dump} line {number}: {failure}") from None
                for quad in quads:
                    if not isinstance(quad.graph_name, ox.NamedNode):
                        raise RemoteStoreError(f"{dump} line {number}: a triple outside the named graphs; "
                                               f"a release holds named graphs only")
                    if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
                        raise RemoteStoreError(f"{dump} line {number}: quoted triples (RDF-star) cannot be "
                                               f"loaded into a remote store")
                    yield quad.graph_name.value, _nt(quad).decode("utf-8"), _blank_labels(quad)
            else:
                yield split


def _spool(dump: Path, folder: Path, graphs: Iterable[str]) -> dict[str, _GraphSpool]:
    """Split the N-Quads dump into per-graph N-Triples files, streaming (one pass, one line at a time)."""
    spools: dict[str, _GraphSpool] = {}
    files: dict[str, tuple] = {}

    def spool_for(iri: str) -> _GraphSpool:
        if iri not in spools:
            n = len(spools)
            spools[iri] = _GraphSpool(iri, folder / f"{n}-plain.nt", folder / f"{n}-blank.nt")
            files[iri] = (open(spools[iri].plain, "w", encoding="utf-8"), open(spools[iri].blank, "w", encoding="utf-8"))
        return spools[iri]

    try:
        for iri in graphs:
            spool_for(iri)
        for iri, triple, labels in _read_quads(dump):
            graph = spools.get(iri) or spool_for(iri)
            plain, blank = files[iri]
            if labels:
                graph.groups.union(labels)
                blank.write(triple)
                graph.blank_count += 1
            else:
                plain.write(triple)
                graph.plain_count += 1
    finally:
        for handles in files.values():
            for handle in handles:
                handle.close()
    return spools


def _line_chunks(path: Path, max_triples: int, max_bytes: int) -> Iterator[bytes]:
    """The file's lines in chunks of at most max_triples lines and (unless one line is longer) max_bytes."""
    chunk: list[bytes] = []
    size = 0
    with open(path, "rb") as handle:
        for line in handle:
            if chunk and (len(chunk) >= max_triples or size + len(line) > max_bytes):
                yield b"".join(chunk)
                chunk, size = [], 0
            chunk.append(line)
            size += len(line)
    if chunk:
        yield b"".join(chunk)


def _blank_chunks(spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> Iterator[bytes]:
    """Triples with blank nodes, in chunks that never split a group of triples sharing blank nodes
    (a group larger than a chunk is sent whole)."""
    if spool.blank_count == 0:
        return
    if spool.blank_count <= max_triples and spool.blank.stat().st_size <= max_bytes:
        yield spool.blank.read_bytes()
        return
    # Sizes per group, then groups packed into bins in order of first appearance; one file per bin.
    sizes: dict[str, list[int]] = {}
    for quad in ox.parse(path=str(spool.blank), format=ox.RdfFormat.N_TRIPLES):
        root = spool.groups.find(_blank_labels(quad)[0])
        entry = sizes.setdefault(root, [0, 0])
        entry[0] += 1
        entry[1] += len(_nt(quad))
    bins: dict[str, int] = {}
    current, used_triples, used_bytes = 0, 0, 0
    for root, (triples, size) in sizes.items():
        if used_triples and (used_triples + triples > max_triples or used_bytes + size > max_bytes):
            current, used_triples, used_bytes = current + 1, 0, 0
        bins[root] = current
        used_triples += triples
        used_bytes += size
    paths = [folder / f"{spool.plain.stem}-bin{i}.nt" for i in range(current + 1)]
    handles = [open(p, "wb") for p in paths]
    try:
        for quad in ox.parse(path=str(spool.blank), format=ox.RdfFormat.N_TRIPLES):
            handles[bins[spool.groups.find(_blank_labels(quad)[0])]].write(_nt(quad))
    finally:
        for handle in handles:
            handle.close()
    for path in paths:
        yield path.read_bytes()
        path.unlink()


def _chunks(spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> Iterator[bytes]:
    yield from _line_chunks(spool.plain, max_triples, max_bytes)
    yield from _blank_chunks(spool, folder, max_triples, max_bytes)


def _graph_url(remote: RemoteStore, iri: str) -> str:
    return _with_params(remote.gsp_url, [("graph", iri)])


def _load_by_gsp(remote: RemoteStore, spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> int:
    url = _graph_url(remote, spool.iri)
    headers = {"Content-Type": "application/n-triples"}
    requests = 0
    for chunk in _chunks(spool, folder, max_triples, max_bytes):
        method = "PUT" if requests == 0 else "POST"  # PUT replaces the graph, POST adds to it
        with _request(remote, method, url, data=chunk, headers=headers) as response:
            response.read()
        requests += 1
    if requests == 0:  # an empty graph: remove whatever the server holds under that name
        with _request(remote, "DELETE", url, ok=(404,)) as response:
            response.read()
    return requests


def _update(remote: RemoteStore, text: str) -> None:
    with _request(remote, "POST", remote.update_url, data=_form([("update", text)]), headers=FORM_HEADERS) as response:
        response.read()


def _load_by_update(remote: RemoteStore, spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> int:
    _update(remote, f"DROP SILENT GRAPH <{spool.iri}>")
    requests = 1
    for chunk in _line_chunks(spool.plain, max_triples, max_bytes):
        _update(remote, f"INSERT DATA {{ GRAPH <{spool.iri}> {{\n{chunk.decode('utf-8')}}} }}")
        requests += 1
    # Virtuoso refuses blank nodes in INSERT DATA (SP031); an INSERT template with an empty WHERE
    # makes one fresh blank node per label, as INSERT DATA would, on every server.
    for chunk in _blank_chunks(spool, folder, max_triples, max_bytes):
        _update(remote, f"INSERT {{ GRAPH <{spool.iri}> {{\n{chunk.decode('utf-8')}}} }} WHERE {{}}")
        requests += 1
    return requests


def _graph_key(iri: str) -> str:
    """The name build.json uses for a graph: 'graph/asserted' for https://w3id.org/tipgraph/graph/asserted."""
    return iri.removeprefix(BASE)


def count_graphs(remote: RemoteStore, graphs: Iterable[str]) -> dict[str, int]:
    """Triples per named graph on the server, counted through its query endpoint."""
    counts = {}
    for iri in graphs:
        rows = _select(remote, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        value = rows[0]["n"] if rows else None
        try:
            counts[iri] = int(value.value)
        except (AttributeError, ValueError):
            raise RemoteQueryError(f"{remote.query_url}: counting <{iri}> gave {value!r}, not a number", url=remote.query_url) from None
    return counts


def load_release(release: Path, remote: RemoteStore, *, chunk_triples: int | None = None,
                 chunk_bytes: int = CHUNK_BYTES, progress=None) -> dict[str, int]:
    """Replace each named graph of the release on the server with the release's content, then
    verify by counting every graph through the query endpoint.

    Returns the triples per graph, keyed as build.json keys them (``graph/asserted``, ...).
    Raises ``RemoteStoreError`` (naming the URL, the HTTP status and the start of the server's
    answer) when a request fails or a count differs. ``progress(message)``, if given, is told of
    each graph as it is loaded.
    """
    release = Path(release)
    dump = release / "dataset.nq"
    if not dump.is_file():
        raise RemoteStoreError(f"{release}: no dataset.nq to load (is it a tipgraph release?)")
    if remote.gsp_url:
        load, max_triples = _load_by_gsp, chunk_triples or CHUNK_TRIPLES
    elif remote.update_url:
        load, max_triples = _load_by_update, chunk_triples or UPDATE_CHUNK_TRIPLES
    else:
        raise RemoteStoreError(f"{remote.query_url}: no Graph Store Protocol or SPARQL Update endpoint to load through "
                               f"(give gsp= or update=, or a preset such as oxigraph:URL)", url=remote.query_url)
    folder = Path(tempfile.mkdtemp(prefix="tipgraph-load-"))
    try:
        started = time.perf_counter()
        spools = _spool(dump, folder, RELEASE_GRAPHS)
        if progress:
            progress(f"read {dump} in {time.perf_counter() - started:.1f} s")
        for spool in spools.values():
            started = time.perf_counter()
            requests = load(remote, spool, folder, max_triples, chunk_bytes)
            if progress:
                progress(f"{_graph_key(spool.iri)}: {spool.count} triples in {requests} request(s), "
                         f"{time.perf_counter() - started:.1f} s")
        counts = count_graphs(remote, spools)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    wrong = [f"<{iri}> holds {counts[iri]} triples on the server, the release {spool.count}"
             for iri, spool in spools.items() if counts[iri] != spool.count]
    if wrong:
        raise RemoteStoreError(f"{remote.query_url}: the loaded graphs do not match the release: " + "; ".join(wrong),
                               url=remote.query_url)
    return {_graph_key(iri): spool.count for iri, spool in spools.items()}


