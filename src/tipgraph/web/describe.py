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
- ``/downloads/<name>``: the dumps of ``description.DOWNLOADS``, nothing else.

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
from ..namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from .description import DOWNLOADS, description_prefixes, service_description, void_description
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


def _described(kind: str, build) -> Response:
    chosen = _negotiate()
    if isinstance(chosen, Response):
        return chosen
    root = request.url_root.rstrip("/")
    base = state().config.base_iri
    data = _cache().get((kind, root, chosen),
                        lambda: serialize(build(root), chosen, description_prefixes(base)), host_keyed=True)
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
    return _described("void", lambda root: void_description(s.store, s.manifest, s.config.base_iri, root))


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


def _download_bytes(name: str) -> bytes:
    if name == "tipgraph.nq":  # the release's own dump, byte for byte
        return (state().config.release / "dataset.nq").read_bytes()
    return export(state().store, DOWNLOADS[name].export_format)


@bp.get("/downloads/<name>")
def download(name: str):
    item = DOWNLOADS.get(name)  # the allow-list: any other name, or a path, is not found
    if item is None:
        return _text(404, f"404 Not Found: no download {name!r}; the downloads are " + ", ".join(DOWNLOADS))
    data = _cache().get(("download", item.name), lambda: _download_bytes(item.name))
    return _body(data, item.media_type, {"Content-Disposition": f'attachment; filename="{item.name}"'})
