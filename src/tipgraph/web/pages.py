"""Linked-data pages: every IRI under the base dereferences on this server.

The local path ``/X`` stands for the IRI ``<base>X`` (base ``https://w3id.org/tipgraph/``). Routes:

- ``/<kind>/<rest>`` for ``kind`` in ``entity.KINDS`` (practice, org, place, person, funding, ...):
  the resource, if its IRI is the subject of a triple in the asserted, inferred or ontology graph;
  else 404. HTML for browsers; Turtle, JSON-LD, N-Triples and RDF/XML by content negotiation
  (``Vary: Accept``; 406 when the Accept header allows none of them) or by the file extensions
  ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf`` and ``.html``, which bypass negotiation. The RDF forms
  hold ``Site.description``: the resource's triples as subject and as object, and the labels of the
  nodes they mention.
- ``/ontology`` (and ``/ontology.ttl`` etc.): the ontology's documentation, or the whole ontology
  graph as RDF.
- ``/practices``: the index of practices, filtered by ``category``, ``region`` (matched through
  ``tg:locatedWithin``, so a region finds practices in its parts) and ``funder`` (matched through
  ``tg:fundedWithin``, so a department finds its units' funding); each a whole IRI or a key
  (``form/labor``, ``m49-142``, ``us-department-of-state``).

Paths with anything but plain IRI characters, ``..`` segments, backslashes or empty segments are
404 before the store is asked; nothing here reads a file named by a request.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request

from ..namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, PREFIXES, TG
from . import entity_pages
from .entity import ASSERTED, KINDS, ONTOLOGY, Site
from .negotiation import GRAPH_TYPES, choose, prefers_html
from .ontology_doc import ontology_doc
from .practice_index import FILTERS, practice_index
from .state import state

bp = Blueprint("pages", __name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# short name (as negotiation.GRAPH_TYPES gives it) -> (pyoxigraph format, media type, file extension, name)
WRITERS = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", "ttl", "Turtle"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", "JSON-LD"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", "N-Triples"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", "RDF/XML"),
}
EXTENSIONS = {writer[2]: name for name, writer in WRITERS.items()} | {"html": "html"}
SAFE_PATH = re.compile(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*")
KIND_RULE = "any(" + ", ".join(KINDS) + ")"

TEMPLATES = {"practice": "practice.html", "org": "organisation.html", "place": "place.html", "concept": "concept.html"}
BUILDERS = {"practice": entity_pages.practice, "org": entity_pages.organisation, "place": entity_pages.place,
            "concept": entity_pages.concept}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PAGE_TYPES = {"practice": str(TG.Practice), "org": str(TG.Organization), "place": str(TG.Place),
              "concept": "http://www.w3.org/2004/02/skos/core#Concept"}


def site() -> Site:
    s = state()
    return Site(s.store, s.config.base_iri)


def safe(path: str) -> bool:
    return SAFE_PATH.fullmatch(path) is not None and ".." not in path.split("/")


def split_extension(here: Site, path: str) -> tuple[str, str | None]:
    """('practice/x.ttl') -> ('practice/x', 'ttl') unless an IRI itself ends in the extension."""
    stem, dot, extension = path.rpartition(".")
    if dot and extension in EXTENSIONS and not here.exists(here.iri_for(path)):
        return stem, EXTENSIONS[extension]
    return path, None


# --- Routes ------------------------------------------------------------------------------------------

@bp.get(f"/<{KIND_RULE}:kind>/<path:rest>", merge_slashes=False)
def resource(kind: str, rest: str):
    path = f"{kind}/{rest}"
    if not safe(path):
        abort(404)
    here = site()
    path, fmt = split_extension(here, path)
    iri = here.iri_for(path)
    if not here.exists(iri):
        abort(404)
    return respond(path, fmt, html=lambda: render_resource(here, kind, iri, path),
                   triples=lambda: here.description(iri))


@bp.get("/ontology", merge_slashes=False)
@bp.get("/ontology.<extension>", merge_slashes=False)
def ontology(extension: str | None = None):
    fmt = None
    if extension is not None:
        fmt = EXTENSIONS.get(extension)
        if fmt is None:
            abort(404)
    here = site()
    return respond("ontology", fmt, html=lambda: render_template(
        "ontology.html", doc=ontology_doc(here), path="ontology", alternates=alternates("ontology")),
        triples=lambda: here.graph_triples(ONTOLOGY))


@bp.get("/ontology/<version>", merge_slashes=False)
def ontology_version(version: str):
    """The version IRI (owl:versionIRI) dereferences to the ontology it names."""
    here = site()
    iri = ox.NamedNode(here.iri_for(f"ontology/{version}"))
    if not list(here.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2002/07/owl#versionIRI"), iri, ONTOLOGY)):
        abort(404)
    return ontology()


@bp.get("/shapes", merge_slashes=False)
@bp.get("/shapes.<extension>", merge_slashes=False)
def shapes(extension: str | None = None):
    """The shapes' namespace IRI: the SHACL shapes as RDF; people get the ontology page, which shows
    each class's constraints."""
    fmt = None
    if extension is not None:
        fmt = EXTENSIONS.get(extension)
        if fmt is None or fmt == "html":
            abort(404)
    accept = request.headers.get("Accept")
    if fmt is None:
        if prefers_html(accept):
            return redirect("/ontology", code=303)
        offered = [media for media, name in GRAPH_TYPES.items() if name in WRITERS]
        chosen = choose(accept, offered, "text/turtle")
        if chosen is None:
            return not_acceptable(offered)
        fmt = GRAPH_TYPES[chosen]
    rdf_format, media, _, _ = WRITERS[fmt]
    triples = site().graph_triples(ox.NamedNode(str(GRAPH_SHAPES)))
    return Response(ox.serialize(triples, format=rdf_format, prefixes=PREFIXES), mimetype=media, headers={"Vary": "Accept"})


@bp.get("/graph/<name>", merge_slashes=False)
def named_graph(name: str):
    """A named graph's IRI: its triples for RDF clients (as the graph store gives them); people get
    the dataset description, which says what each graph holds."""
    graphs = {str(g).rsplit("/", 1)[-1]: g for g in (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES)}
    if name not in graphs:
        abort(404)
    if prefers_html(request.headers.get("Accept")):
        return redirect("/.well-known/void", code=303)
    return redirect(f"/graph-store?graph={quote(str(graphs[name]), safe='')}", code=303)


@bp.get("/practices")
def practices():
    if choose(request.headers.get("Accept"), list(HTML_TYPES), "text/html") is None:
        return not_acceptable(list(HTML_TYPES))
    here = site()
    given = {name: request.args.get(name, "") for name, _, _ in FILTERS}
    index = practice_index(here, given)
    response = Response(render_template("practices.html", index=index), mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


# --- Responses ---------------------------------------------------------------------------------------

def respond(path: str, fmt: str | None, html, triples) -> Response:
    """The resource at ``path`` as ``fmt`` (from its extension), or as the Accept header asks."""
    negotiated = fmt is None
    if negotiated:
        offered = list(HTML_TYPES) + [media for media, name in GRAPH_TYPES.items() if name in WRITERS]
        chosen = choose(request.headers.get("Accept"), offered, HTML_TYPES[0])
        if chosen is None:
            return not_acceptable(offered)
        fmt = "html" if chosen in HTML_TYPES else GRAPH_TYPES[chosen]
    if fmt == "html":
        response = Response(html(), mimetype="text/html")
    else:
        rdf_format, media, _, _ = WRITERS[fmt]
        response = Response(ox.serialize(triples(), format=rdf_format, prefixes=PREFIXES), mimetype=media)
    links = [f'</{path}.{extension}>; rel="alternate"; type="{media}"' for extension, media, _ in alternates(path)]
    response.headers["Link"] = ", ".join(links)
    if negotiated:
        response.headers["Vary"] = "Accept"
        response.headers["Content-Location"] = f"/{path}.{WRITERS[fmt][2] if fmt in WRITERS else 'html'}"
    return response


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(extension, media type, name) of every form of a resource, HTML first."""
    return [("html", "text/html", "HTML")] + [(ext, media, name) for _, media, ext, name in WRITERS.values()]


def not_acceptable(offered: list[str]) -> Response:
    body = "406 Not Acceptable: this resource is available as " + ", ".join(offered) + "\n"
    return Response(body, status=406, mimetype="text/plain", headers={"Vary": "Accept"})


def render_resource(here: Site, kind: str, iri: str, path: str) -> str:
    types = here.types(iri)
    builder = BUILDERS.get(kind) if PAGE_TYPES.get(kind) in types or (
        kind == "concept" and "http://www.w3.org/2004/02/skos/core#ConceptScheme" in types) else None
    asserted, inferred = here.statements(iri)
    inbound, inbound_inferred = here.statements(iri, inbound=True)
    return render_template(
        TEMPLATES[kind] if builder else "resource.html",
        iri=iri, path=path, label=here.label(ox.NamedNode(iri)),
        types=[here.term(t) for t in here.objects(iri, RDF_TYPE, graphs=(ASSERTED,))],
        data=builder(here, iri) if builder else None,
        statements=asserted, inferred=inferred, inbound=inbound, inbound_inferred=inbound_inferred,
        alternates=alternates(path),
    )
