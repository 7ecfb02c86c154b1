"""The server describing itself over HTTP: the SPARQL service description, the VoID/DCAT dataset
description, the example queries, a read-only Graph Store Protocol and the dump files.

Routes (all read-only; GET and HEAD):

- ``/.well-known/void``: VoID + DCAT (``description.void_description``), negotiated among Turtle
  (default), N-Triples, JSON-LD and RDF/XML.
- ``service_description_response()``: the SPARQL 1.1 Service Description, for the SPARQL
  blueprint to answer ``GET /sparql`` without a query; negotiated the same way.
- ``/queries``: the example queries as JSON ``{"queries": [{id, title, question, description,
  query}, ...]}`` in file order; ``/queries/<id>.rq``: one query's text.
- ``/graph-store?default`` or ``?graph=<IRI>``: the default graph (asserted + inferred, merged) or
  one of the four named graphs (SPARQL 1.1 Graph Store HTTP Protocol, reading only).
- ``/downloads/<name>``: the exports of ``description.DOWNLOADS`` (the bytes of ``tipgraph export``
  in that format), and ``/downloads/tipgraph-<version>.zip``, the release bundle (``bundles``);
  nothing else. Each with ``Content-Length``, a ``Content-Disposition`` file name carrying the
  release version, and ``Cache-Control: public, no-cache`` (a cache may keep the file but must
  revalidate it, which the strong ETag makes a cheap 304: the URL of an export stays the same
  from release to release).
- ``/context.jsonld``: the JSON-LD ``@context`` of the JSON-LD data (``ontology/context.jsonld``).

RDF is written by pyoxigraph, which keeps literals' lexical forms exactly. Every body is bytes with
a strong ETag (SHA-256 of the bytes), so If-None-Match gives 304. Bodies are cached per app: the
store of a release never changes while it is served.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from rdflib import Graph

from ..export import export
from ..project import Project
from ..release import ReleaseError, ReleaseInfo, release_info_from_store
from ..namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from .bundles import BundleFailed, BundleFile, BundlePending
from .description import (DOWNLOADS, SPDX, FileFacts, add_download_facts, description_prefixes, service_description,
                          void_description)
from .negotiation import GRAPH_FORMAT_NAMES, GRAPH_TYPES, choose
from .state import state

bp = Blueprint("describe", __name__)

# What a described graph or a Graph Store response may be written as; the first is the default.
OFFERED = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
OX_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# Graph Store ?graph= IRIs and the export selection each names.
STORE_GRAPHS = {str(GRAPH_ASSERTED): "asserted", str(GRAPH_INFERRED): "inferred",
                str(GRAPH_ONTOLOGY): "ontology", str(GRAPH_SHAPES): "shapes"}
READ_ONLY = {"Allow": "GET, HEAD"}
HOST_KEYED_ENTRIES = 16  # descriptions name the host they were asked on; keep only a few hosts
DOWNLOAD_CACHING = "public, no-cache"  # keep, but revalidate (a strong ETag makes that a 304)
BUNDLE_MEDIA_TYPE = "application/zip"
BUNDLE_WAIT = 30.0  # seconds a request waits for the bundle being made before a 503 with Retry-After
CONTEXT_FILE = "context.jsonld"
_BUNDLE_LOCK = threading.Lock()


class _Cache:
    """Bodies computed once per app. Entries whose key holds a host name are bounded, so a client
    sending many Host headers cannot grow memory."""

    def __init__(self):
        self.fixed: dict = {}
        self.by_host: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, make, host_keyed: bool = False):
        table = self.by_host if host_keyed else self.fixed
        with self.lock:
            if key in table:
                if host_keyed:
                    table.move_to_end(key)
                return table[key]
        value = make()
        with self.lock:
            table[key] = value
            if host_keyed:
                while len(table) > HOST_KEYED_ENTRIES:
                    table.popitem(last=False)
        return value


def _cache() -> _Cache:
    return current_app.extensions.setdefault("tipgraph.describe", _Cache())


def _text(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers or {})


def _body(data: bytes, media_type: str, headers: dict | None = None) -> Response:
    """A 200 (or 304 on a matching If-None-Match) with a strong ETag of the bytes."""
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    response = Response(data, status=200, content_type=media_type + charset, headers=headers or {})
    response.set_etag(hashlib.sha256(data).hexdigest())
    return response.make_conditional(request)


def _negotiate() -> str | Response:
    """The media type to answer in, or a 406 response. Aliases (application/json for JSON-LD,
    application/x-turtle) are accepted and answered with the canonical type. ``?format=`` (ttl, nt,
    jsonld, rdfxml, or a media type) overrides Accept, for links and clients that cannot set headers."""
    canonical = {GRAPH_TYPES[media_type]: media_type for media_type in OFFERED}  # short name -> type
    wanted = request.args.get("format")
    if wanted is not None and wanted.strip():
        name = wanted.split(";")[0].strip().lower()
        chosen = canonical.get(GRAPH_TYPES.get(GRAPH_FORMAT_NAMES.get(name, name), ""))
        asked = f"format={wanted}"
    else:
        aliases = [t for t, name in GRAPH_TYPES.items() if name in canonical and t not in OFFERED]
        chosen = choose(request.headers.get("Accept"), OFFERED + aliases, OFFERED[0])
        chosen = chosen and canonical[GRAPH_TYPES[chosen]]
        asked = f"Accept: {request.headers.get('Accept')}"
    if chosen is None:
        return _text(406, f"406 Not Acceptable: cannot answer {asked}; offered: {', '.join(OFFERED)}",
                     {"Vary": "Accept"})
    return chosen


def serialize(graph: Graph, media_type: str, prefixes: dict[str, str]) -> bytes:
    """An rdflib graph written by pyoxigraph, triples sorted: the same graph gives the same bytes."""
    triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(ordered, format=OX_FORMATS[media_type], prefixes=prefixes)


def _described(kind: str, build, variant=None) -> Response:
    chosen = _negotiate()
    if isinstance(chosen, Response):
        return chosen
    root = request.url_root.rstrip("/")
    base = state().config.base_iri
    prefixes = {**description_prefixes(base), "spdx": str(SPDX)}
    data = _cache().get((kind, root, chosen, variant), lambda: serialize(build(root), chosen, prefixes), host_keyed=True)
    return _body(data, chosen, {"Vary": "Accept"})


def service_description_response() -> Response:
    """The SPARQL 1.1 Service Description of this server's /sparql, content-negotiated."""
    s = state()

    def build(root: str) -> Graph:
        return service_description(root + "/sparql", s.examples, s.config.base_iri,
                                   void_url=root + "/.well-known/void", queries_url=root + "/queries")

    return _described("sd", build)


@bp.get("/.well-known/void")
def dataset_description():
    s = state()
    files = download_facts()

    def build(root: str) -> Graph:
        g = void_description(s.store, s.manifest, s.config.base_iri, root)
        add_download_facts(g, s.config.base_iri, root, files)
        return g

    # The bundle's size and checksum appear once it has been made: a new variant of the description.
    return _described("void", build, variant=files[-1].sha256 if files and files[-1].bundle else None)


@bp.get("/queries")
def queries():
    return jsonify({"queries": [example.as_dict() for example in state().examples]})


@bp.get("/queries/<name>.rq")
def query_file(name: str):
    # Only ids of loaded examples are answered; the URL never becomes a path.
    example = next((e for e in state().examples if e.id == name), None)
    if example is None:
        return _text(404, f"404 Not Found: no example query {name!r}; see {url_for('describe.queries')}")
    return _body(example.query.encode("utf-8"), "application/sparql-query; charset=utf-8")


def _exported(fmt: str, selection: str) -> bytes:
    s = state()
    if fmt != "rdfxml":
        return _cache().get(("export", fmt, selection), lambda: export(s.store, fmt, graph=selection))

    def rdfxml() -> bytes:
        triples = ox.parse(_exported("nt", selection), format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=description_prefixes(s.config.base_iri))

    return _cache().get(("export", fmt, selection), rdfxml)


GSP_FORMATS = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
               "application/rdf+xml": "rdfxml"}


@bp.get("/graph-store")
def graph_store():
    has_default, graph = "default" in request.args, request.args.get("graph")
    if has_default == (graph is not None):
        return _text(400, "400 Bad Request: give either ?default (the default graph: asserted + inferred "
                          "facts) or ?graph=<IRI> (one of: " + ", ".join(STORE_GRAPHS) + ")")
    if graph is not None and graph not in STORE_GRAPHS:
        return _text(404, f"404 Not Found: no graph <{graph}>; the named graphs are " + ", ".join(STORE_GRAPHS))
    chosen = _negotiate()
    if isinstance(chosen, Response):
        return chosen
    selection = "default" if has_default else STORE_GRAPHS[graph]
    return _body(_exported(GSP_FORMATS[chosen], selection), chosen, {"Vary": "Accept"})


@bp.route("/graph-store", methods=["PUT", "POST", "DELETE", "PATCH"])
def graph_store_write():
    return _text(405, "405 Method Not Allowed: the graph store is read-only", READ_ONLY)


def release() -> ReleaseInfo | None:
    """The served release (from the store's ontology graph); None for a store that states none."""
    def read():
        try:
            return release_info_from_store(state().store)
        except ReleaseError:
            return None

    return _cache().get(("release",), read)


def download_bytes(name: str) -> bytes:
    """The bytes of ``/downloads/<name>`` for a name of ``DOWNLOADS``: exactly what ``tipgraph export
    --format <format>`` writes for the served release (all four named graphs for N-Quads and TriG,
    the default graph otherwise), made once per app."""
    item = DOWNLOADS[name]
    return _exported(item.export_format, "all" if item.whole else "default")


def _bundle() -> BundleFile | None:
    info = release()
    if info is None:
        return None
    config = state().config
    project = config.extra.get("project") or Project(queries=config.queries)
    with _BUNDLE_LOCK:  # one BundleFile per app, so concurrent first requests share one run
        return _cache().get(("bundle",), lambda: BundleFile(config.release, info.version, project))


def _file_digest(path) -> tuple[int, str, bytes]:
    """Size, SHA-256 and bytes of a file that never changes once written (the bundle), cached."""
    stat = path.stat()

    def read():
        data = path.read_bytes()
        return len(data), hashlib.sha256(data).hexdigest(), data

    return _cache().get(("file", str(path), stat.st_mtime_ns, stat.st_size), read)


def download_facts() -> list[FileFacts]:
    """Name, media type, size and SHA-256 of every download; the bundle last, its size and checksum
    only once it has been made (describing it never starts making it)."""
    facts = []
    for item in DOWNLOADS.values():
        data = download_bytes(item.name)
        facts.append(FileFacts(item.name, item.media_type, len(data), hashlib.sha256(data).hexdigest()))
    bundle = _bundle()
    if bundle is not None:
        size = digest = None
        if bundle.path.exists():
            size, digest, _data = _file_digest(bundle.path)
        facts.append(FileFacts(bundle.path.name, BUNDLE_MEDIA_TYPE, size, digest, bundle=True))
    return facts


def _versioned(name: str) -> str:
    """The file name a download is saved under: ``tipgraph-<version>.<ext>``."""
    info = release()
    stem, _, ext = name.partition(".")
    return f"{stem}-{info.version}.{ext}" if info else name


def _download_headers(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": DOWNLOAD_CACHING}


@bp.get("/downloads/<name>")
def download(name: str):
    item = DOWNLOADS.get(name)  # the allow-list: any other name, or a path, is not found
    bundle = _bundle()
    if item is None and bundle is not None and name == bundle.path.name:
        return _bundle_download(bundle)
    if item is None:
        names = [*DOWNLOADS, *([bundle.path.name] if bundle else [])]
        return _text(404, f"404 Not Found: no download {name!r}; the downloads are " + ", ".join(names))
    return _body(download_bytes(item.name), item.media_type, _download_headers(_versioned(item.name)))


def _bundle_download(bundle: BundleFile) -> Response:
    try:
        path = bundle.ready(wait=float(state().config.extra.get("bundle_wait", BUNDLE_WAIT)))
    except BundlePending as error:
        return _text(503, f"503 Service Unavailable: {error}", {"Retry-After": "10"})
    except BundleFailed as error:
        return _text(503, f"503 Service Unavailable: the bundle could not be made: {error}", {"Retry-After": "60"})
    _size, _digest, data = _file_digest(path)
    return _body(data, BUNDLE_MEDIA_TYPE, _download_headers(path.name))


@bp.get("/context.jsonld")
def jsonld_context():
    """The JSON-LD @context the JSON-LD data is written with, as the bundle publishes it."""
    config = state().config
    path = (config.extra.get("project") or Project()).ontology.parent / CONTEXT_FILE
    if not path.is_file():
        return _text(404, "404 Not Found: this server has no JSON-LD context file")
    _size, _digest, data = _file_digest(path)
    return _body(data, "application/ld+json", {"Cache-Control": DOWNLOAD_CACHING})
