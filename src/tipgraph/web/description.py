"""The server's self-description as RDF: a SPARQL 1.1 Service Description and a VoID + DCAT
description of the dataset, built as rdflib graphs.

``service_description(endpoint, examples, base_iri)`` says what the endpoint speaks (SPARQL 1.1
Query, its result and graph formats), what its dataset is (the default graph is asserted +
inferred facts; the four named graphs can be queried apart) and lists the example queries.
``void_description(store, manifest, base_iri, server_root)`` counts the default graph: triples,
class and property partitions, links to Wikidata, GeoNames and ROR, ISO 3166 codes, plus one subset
per named graph, and lists the dumps and the SPARQL endpoint.

Pure: the functions read the store (through SPARQL) and return new graphs; they do no HTTP and
serialise nothing. ``DOWNLOADS`` is the one table of dump files, shared with the web views that
serve them. Every node is an IRI under ``<base>dataset/tipgraph`` (no blank nodes), so the two
descriptions share their nodes: the service, the dataset and the named graphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, SKOS

from ..examples import Example
from ..namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, PREFIXES, TG
from ..release import ReleaseError, release_info_from_store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")

CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
REPORT_PATH = "report/promising-practices-2012"

# Prefixes for serialising the descriptions: the data's own plus the description vocabularies.
DESCRIPTION_PREFIXES = {
    **PREFIXES,
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
    "sh": str(SH),
    "formats": str(FORMATS),
}

# The SPARQL results and RDF formats the endpoint answers in (W3C format IRIs).
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads",
)

# Named graphs by short name, in the order they are described.
NAMED_GRAPHS = {
    "asserted": (GRAPH_ASSERTED, "Asserted facts",
                 "Facts parsed from the report and curated by hand, plus country identifiers from the country-codes table."),
    "inferred": (GRAPH_INFERRED, "Inferred facts",
                 "Only what OWL 2 RL reasoning (owlrl) added about the data nodes, and nothing else."),
    "ontology": (GRAPH_ONTOLOGY, "The tipgraph ontology", "The OWL 2 ontology (ontology/tipgraph.ttl)."),
    "shapes": (GRAPH_SHAPES, "The SHACL shapes", "The SHACL shapes the data are validated with (ontology/shapes.ttl)."),
}
DEFAULT_GRAPH = (GRAPH_ASSERTED, GRAPH_INFERRED)


@dataclass(frozen=True)
class Download:
    name: str           # the file name under /downloads/
    media_type: str
    format_iri: str     # W3C format IRI (http://www.w3.org/ns/formats/...)
    export_format: str  # tipgraph.export format name
    graphs: str         # what the file holds, for people
    whole: bool         # True: all four named graphs kept apart; False: the default graph merged


DOWNLOADS = {d.name: d for d in (
    Download("tipgraph.nq", "application/n-quads", "N-Quads", "nq",
             "All four named graphs (asserted, inferred, ontology, shapes), one quad a line, sorted.", True),
    Download("tipgraph.trig", "application/trig", "TriG", "trig",
             "All four named graphs (asserted, inferred, ontology, shapes), kept apart.", True),
    Download("tipgraph.ttl", "text/turtle", "Turtle", "ttl",
             "The default graph: asserted and inferred facts merged.", False),
    Download("tipgraph.nt", "application/n-triples", "N-Triples", "nt",
             "The default graph: asserted and inferred facts merged.", False),
    Download("tipgraph.jsonld", "application/ld+json", "JSON-LD", "jsonld",
             "The default graph: asserted and inferred facts merged.", False),
)}

# Vocabularies the data reuse (namespace IRIs, as VoID's own examples give them).
VOCABULARIES = (
    str(TG._NS), PREFIXES["org"], PREFIXES["prov"], PREFIXES["skos"], PREFIXES["schema"],
    PREFIXES["qb"], PREFIXES["dcterms"], PREFIXES["foaf"],
    PREFIXES["sdmx-attribute"], PREFIXES["sdmx-dimension"], PREFIXES["sdmx-measure"],
)


@dataclass(frozen=True)
class LinkTarget:
    key: str
    title: str
    uri_space: str
    homepage: str


# External datasets the data link to with skos:exactMatch.
LINK_TARGETS = (
    LinkTarget("wikidata", "Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
    LinkTarget("geonames", "GeoNames", "https://sws.geonames.org/", "https://www.geonames.org/"),
    LinkTarget("ror", "ROR, the Research Organization Registry", "https://ror.org/", "https://ror.org/"),
)
ISO3166_HOME = URIRef("https://www.iso.org/iso-3166-country-codes.html")


def description_prefixes(base_iri: str) -> dict[str, str]:
    """Prefixes for writing a description: the data's, the description vocabularies', and short
    names for the description's own nodes (``class:tg:Practice``, ``query:01-who-funds-whom-where``)."""
    root = base_iri + "dataset/tipgraph/"
    own = {kind: root + kind + "/" for kind in ("class", "property", "graph", "linkset", "distribution", "query")}
    return {**DESCRIPTION_PREFIXES, **own}


def _new_graph(base_iri: str) -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, namespace in description_prefixes(base_iri).items():
        g.bind(prefix, namespace)
    return g


def _add(g: Graph, subject: URIRef, *pairs) -> None:
    for predicate, obj in pairs:
        g.add((subject, predicate, obj))


def _integer(n: int) -> Literal:
    return Literal(str(int(n)), datatype=XSD.integer)


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


class _Nodes:
    """The IRIs of the description's nodes, all under ``<base>dataset/tipgraph``."""

    def __init__(self, base_iri: str):
        self.base = base_iri
        self.root = base_iri + "dataset/tipgraph"
        self.dataset = URIRef(self.root)
        self.service = URIRef(self.root + "/service")
        self.sparql_dataset = URIRef(self.root + "/service/dataset")
        self.agent = URIRef(self.root + "/maintainers")
        self.report = URIRef(base_iri + REPORT_PATH)

    def __call__(self, *parts: str) -> URIRef:
        return URIRef("/".join([self.root, *(quote(p, safe=":-._~") for p in parts)]))

    def graph(self, key: str) -> URIRef:
        return self("graph", key)

    def named_graph(self, key: str) -> URIRef:
        return self("service", "named-graph", key)

    def term(self, kind: str, iri: str) -> URIRef:
        """A partition node named by the term's prefixed name, e.g. .../class/tg:Practice."""
        for prefix, namespace in sorted(DESCRIPTION_PREFIXES.items(), key=lambda item: -len(item[1])):
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and re.fullmatch(r"[A-Za-z0-9_.-]+", local):
                return self(kind, f"{prefix}:{local}")
        return self(kind, iri)  # percent-encoded whole: still one node per term


def _describe_graphs(g: Graph, nodes: _Nodes) -> None:
    """The default graph and one node per named graph, shared by both descriptions."""
    _add(g, nodes.dataset, (RDF.type, VOID.Dataset), (RDF.type, SD.Graph),
         (RDFS.label, _en("tipgraph: asserted and inferred facts (the default graph)")))
    for key, (name, label, comment) in NAMED_GRAPHS.items():
        graph_node, named = nodes.graph(key), nodes.named_graph(key)
        _add(g, graph_node, (RDF.type, VOID.Dataset), (RDF.type, SD.Graph),
             (RDFS.label, _en(label)), (RDFS.comment, _en(comment)))
        _add(g, named, (RDF.type, SD.NamedGraph), (SD.name, name), (SD.graph, graph_node))


def query_form(text: str) -> str:
    """'select', 'ask', 'construct' or 'describe': the form of a SPARQL query."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r"<[^<>\s]*>", " ", body)  # IRIs in PREFIX and BASE lines
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
    if not match:
        raise ValueError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return match.group(1).lower()


def service_description(endpoint: str, examples: list[Example], base_iri: str, *,
                        void_url: str | None = None, queries_url: str | None = None,
                        federated: tuple[str, ...] | None = None) -> Graph:
    """A SPARQL 1.1 Service Description of the endpoint, with its example queries.

    The examples use the vocabulary of the SIB / UniProt ``sparql-examples`` collections: each is
    an ``sh:SPARQLExecutable`` (and ``sh:SPARQLSelectExecutable`` etc.) with the query text in
    ``sh:select`` / ``sh:ask`` / ``sh:construct`` / ``sh:describe``, ``rdfs:comment`` for the
    question and ``schema:target`` for the endpoint it runs on. Chosen over a schema.org-only
    description because schema.org has no property for a query's text or form, while SHACL's
    executables carry both, and because existing tooling (SIB's sparql-examples utilities, query
    editors that read example lists from an endpoint) already reads this shape. Each example also
    has ``dcterms:identifier`` (the file's stem), ``rdfs:label`` (its title) and
    ``dcterms:description``.

    ``void_url`` and ``queries_url`` (the server's /.well-known/void and /queries) add links to
    the dataset description and to each query's .rq file when given.

    ``federated`` lists the endpoint IRIs SERVICE may name (``--federate``); when given, the service
    has ``sd:feature sd:BasicFederatedQuery`` and a ``dcterms:relation`` to each, and its comment
    names them. When None, they are read from the running app's settings, if there is one.
    """
    if federated is None:
        from flask import current_app, has_app_context

        settings = current_app.extensions["tipgraph"].config if has_app_context() and "tipgraph" in current_app.extensions else None
        federation = getattr(settings, "federation", None)
        federated = tuple(e.iri for e in federation.endpoints) if federation is not None else ()
    nodes, g = _Nodes(base_iri), _new_graph(base_iri)
    service, dataset = nodes.service, nodes.sparql_dataset
    _add(g, service, (RDF.type, SD.Service), (SD.endpoint, URIRef(endpoint)),
         (RDFS.label, _en("tipgraph SPARQL endpoint")), (SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    # The default graph is not the union of the named graphs (so no sd:UnionDefaultGraph); SERVICE
    # (sd:BasicFederatedQuery) only to the allow-listed endpoints, if any.
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
        for iri in federated:
            g.add((service, DCTERMS.relation, URIRef(iri)))
        federation_note = ("Federated queries (SERVICE) are allowed only to " + ", ".join(f"<{i}>" for i in federated)
                           + ", each request with a timeout and a row cap; SERVICE to any other endpoint is refused.")
    else:
        federation_note = "Federated queries (SERVICE) are refused."
    g.add((service, RDFS.comment, _en(
        "Read-only SPARQL 1.1 Query over the tipgraph knowledge graph of the 2012 report 'Promising "
        "Practices'. The default graph is the asserted facts merged with the facts OWL 2 RL reasoning "
        "inferred from them (both materialised; queries run under simple entailment). The named graphs "
        f"<{GRAPH_ASSERTED}>, <{GRAPH_INFERRED}>, <{GRAPH_ONTOLOGY}> and <{GRAPH_SHAPES}> can be "
        "queried apart with GRAPH, e.g. to see what a query finds without reasoning. " + federation_note)))
    g.add((service, SD.defaultDataset, dataset))
    if void_url:
        g.add((service, RDFS.seeAlso, URIRef(void_url)))

    _add(g, dataset, (RDF.type, SD.Dataset), (SD.defaultGraph, nodes.dataset))
    for key in NAMED_GRAPHS:
        g.add((dataset, SD.namedGraph, nodes.named_graph(key)))
    _describe_graphs(g, nodes)
    g.add((nodes.dataset, RDFS.comment, _en(
        f"The default graph: the named graphs <{GRAPH_ASSERTED}> and <{GRAPH_INFERRED}> merged.")))
    if void_url:
        g.add((nodes.dataset, RDFS.seeAlso, URIRef(void_url)))

    for example in examples:
        _add_example(g, nodes, example, endpoint, queries_url)
    return g


def _add_example(g: Graph, nodes: _Nodes, example: Example, endpoint: str, queries_url: str | None) -> None:
    form = query_form(example.query)
    node = nodes("query", example.id)
    _add(g, node, (RDF.type, SH.SPARQLExecutable), (RDF.type, SH[f"SPARQL{form.capitalize()}Executable"]),
         (DCTERMS.identifier, Literal(example.id)), (RDFS.label, _en(example.title)),
         (RDFS.comment, _en(example.question)), (DCTERMS.description, _en(example.description)),
         (SH[form], Literal(example.query)), (SCHEMA.target, URIRef(endpoint)))
    if queries_url:
        g.add((node, SCHEMA.url, URIRef(f"{queries_url}/{quote(example.id)}.rq")))


# --- VoID and DCAT -------------------------------------------------------------------------------

def _select(store: ox.Store, text: str, graphs=DEFAULT_GRAPH) -> list:
    return list(store.query(text, default_graph=[ox.NamedNode(str(name)) for name in graphs]))


def _count(store: ox.Store, text: str, graphs=DEFAULT_GRAPH) -> int:
    rows = _select(store, text, graphs)
    return int(rows[0][0].value) if rows else 0


def dataset_statistics(store: ox.Store, graphs=DEFAULT_GRAPH) -> dict[str, int]:
    """Triples, distinct subjects and objects, classes and properties of a graph selection."""
    row = _select(store, """
        SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
               (COUNT(DISTINCT ?p) AS ?properties)
        WHERE { ?s ?p ?o }""", graphs)[0]
    classes = _count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }", graphs)
    return {"triples": int(row["triples"].value), "distinctSubjects": int(row["subjects"].value),
            "distinctObjects": int(row["objects"].value), "properties": int(row["properties"].value),
            "classes": classes}


def class_partitions(store: ox.Store) -> list[tuple[str, int]]:
    """(class IRI, distinct instances) for every class in the default graph, sorted by IRI."""
    rows = _select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")
    return sorted((r["c"].value, int(r["n"].value)) for r in rows)


def property_partitions(store: ox.Store) -> list[tuple[str, int, int, int]]:
    """(property IRI, triples, distinct subjects, distinct objects) for every property, sorted."""
    rows = _select(store, """
        SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
        WHERE { ?s ?p ?o } GROUP BY ?p""")
    return sorted((r["p"].value, int(r["n"].value), int(r["subjects"].value), int(r["objects"].value)) for r in rows)


def link_count(store: ox.Store, uri_space: str) -> int:
    """skos:exactMatch links from the default graph into ``uri_space``, counted by
    ``links.link_counts``: the very figure ``tipgraph links`` reports, so the two cannot differ."""
    from ..links import LINKED_SCHEMES, link_counts

    for scheme in LINKED_SCHEMES:
        if scheme.iri_prefix == uri_space:
            return link_counts(store)[scheme.key]
    raise ValueError(f"no link scheme has the namespace {uri_space}")


def _add_statistics(g: Graph, node: URIRef, stats: dict[str, int]) -> None:
    for key, value in stats.items():
        g.add((node, VOID[key], _integer(value)))


def void_description(store: ox.Store, manifest: dict, base_iri: str, server_root: str) -> Graph:
    """VoID + DCAT for the whole dataset, counted over the store's default graph (asserted +
    inferred); ``server_root`` (no trailing slash) is where the endpoint and the dumps live."""
    server_root = server_root.rstrip("/")
    nodes, g = _Nodes(base_iri), _new_graph(base_iri)
    ds = nodes.dataset
    _describe_graphs(g, nodes)
    _add(g, ds, (RDF.type, DCAT.Dataset), (DCTERMS.title, _en("tipgraph: Promising Practices (2012) as linked data")))
    g.add((ds, DCTERMS.description, _en(
        "A knowledge graph of the 2012 report 'Promising Practices: A Review of U.S. Government-Funded "
        "Anti-Trafficking in Persons Programs': its 15 practices with their funders, implementers, "
        "partners, places, categories and figures, and the report's sections as provenance. The counts "
        "(void:triples, partitions, linksets) are of the default graph: asserted facts merged with what "
        "OWL 2 RL reasoning inferred. The ontology and the SHACL shapes are further named graphs, "
        "described as subsets with their own counts and included in the N-Quads and TriG dumps.")))
    _add(g, ds, (DCTERMS.license, CC0), (DCTERMS.source, nodes.report), (DCTERMS.creator, nodes.agent),
         (DCTERMS.publisher, nodes.agent), (DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/en")),
         (DCAT.landingPage, URIRef(server_root + "/")), (VOID.uriSpace, Literal(base_iri)))
    _add(g, nodes.agent, (RDF.type, FOAF.Agent), (FOAF.name, Literal("The tipgraph project")))
    # The release the store was built from (from its ontology graph), and dcat:hasVersion to the
    # release's own IRI. A store built before releases were versioned gets neither.
    try:
        release = release_info_from_store(store)
    except ReleaseError:
        release = None
    if release:
        # DCAT 3's versioning terms; rdflib's DCAT namespace predates them.
        dcat_version, dcat_has_version = URIRef(str(DCAT) + "version"), URIRef(str(DCAT) + "hasVersion")
        _add(g, ds, (dcat_version, Literal(release.version)), (OWL.versionInfo, Literal(release.version)),
             (DCTERMS.issued, Literal(release.date, datatype=XSD.date)), (dcat_has_version, URIRef(release.dataset_iri)))
        _add(g, URIRef(release.dataset_iri), (RDF.type, DCAT.Dataset), (dcat_version, Literal(release.version)),
             (DCTERMS.issued, Literal(release.date, datatype=XSD.date)), (DCTERMS.isVersionOf, ds))
    if built := manifest.get("built"):
        # The build time is when this copy was made; the release date (dcterms:issued) is fixed.
        g.add((ds, DCTERMS.modified, Literal(built, datatype=XSD.dateTime)))
    for keyword in ("human trafficking", "anti-trafficking programmes", "promising practices", "linked data"):
        g.add((ds, DCAT.keyword, _en(keyword)))
    for vocabulary in VOCABULARIES:
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    for row in _select(store, f"SELECT ?p WHERE {{ ?p a <{TG.Practice}> }} ORDER BY ?p LIMIT 1"):
        g.add((ds, VOID.exampleResource, URIRef(row["p"].value)))

    _add_access(g, nodes, server_root)
    _add_statistics(g, ds, dataset_statistics(store))
    _add_subsets(g, nodes, store, server_root)
    _add_partitions(g, nodes, store)
    _add_linksets(g, nodes, store)
    return g


def _add_access(g: Graph, nodes: _Nodes, server_root: str) -> None:
    ds, service = nodes.dataset, nodes.service
    endpoint = URIRef(server_root + "/sparql")
    sparql = nodes("distribution", "sparql")
    _add(g, ds, (VOID.sparqlEndpoint, endpoint), (DCAT.distribution, sparql))
    _add(g, service, (RDF.type, DCAT.DataService), (RDF.type, SD.Service),
         (DCTERMS.title, _en("tipgraph SPARQL endpoint")), (DCAT.endpointURL, endpoint),
         (DCAT.endpointDescription, endpoint), (DCAT.servesDataset, ds),
         (DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    _add(g, sparql, (RDF.type, DCAT.Distribution), (DCTERMS.title, _en("SPARQL endpoint")),
         (DCAT.accessURL, endpoint), (DCAT.accessService, service), (DCTERMS.license, CC0))
    for download in DOWNLOADS.values():
        url = URIRef(f"{server_root}/downloads/{download.name}")
        node = nodes("distribution", download.name)
        _add(g, ds, (VOID.dataDump, url), (DCAT.distribution, node))
        _add(g, node, (RDF.type, DCAT.Distribution), (DCTERMS.title, Literal(download.name)),
             (DCTERMS.description, _en(download.graphs)), (DCAT.downloadURL, url), (DCAT.accessURL, url),
             (DCAT.mediaType, IANA[download.media_type]), (DCTERMS.format, FORMATS[download.format_iri]),
             (DCTERMS.license, CC0))


# --- Download sizes and checksums (added by the web layer, which has the bytes) -------------------

SPDX = Namespace("http://spdx.org/rdf/terms#")
BAGIT = URIRef("https://www.rfc-editor.org/info/rfc8493")  # RFC 8493, The BagIt File Packaging Format


@dataclass(frozen=True)
class FileFacts:
    """One downloadable file as served: its name under /downloads/ and, once known, its bytes' size
    and SHA-256 (hex). ``bundle`` marks the release bundle (a BagIt bag in a zip)."""

    name: str
    media_type: str
    byte_size: int | None = None
    sha256: str | None = None
    bundle: bool = False


def add_download_facts(g: Graph, base_iri: str, server_root: str, files: list[FileFacts]) -> None:
    """Add each file to a ``void_description`` graph as a dcat:Distribution of the dataset, with
    dcat:downloadURL and dcat:mediaType, and, when known, dcat:byteSize and an spdx:checksum
    (spdx:algorithm_sha256, spdx:checksumValue). The exports' distributions are those
    ``_add_access`` made; the bundle's is added here. Adds to ``g`` (a graph this module built)."""
    nodes = _Nodes(base_iri)
    server_root = server_root.rstrip("/")
    for f in files:
        url, node = URIRef(f"{server_root}/downloads/{f.name}"), nodes("distribution", f.name)
        _add(g, nodes.dataset, (DCAT.distribution, node), (VOID.dataDump, url))
        _add(g, node, (RDF.type, DCAT.Distribution), (DCAT.downloadURL, url), (DCAT.accessURL, url),
             (DCAT.mediaType, IANA[f.media_type]), (DCTERMS.license, CC0))
        if f.bundle:
            _add(g, node, (DCTERMS.title, Literal(f.name)), (DCAT.packageFormat, IANA[f.media_type]),
                 (DCTERMS.conformsTo, BAGIT), (DCTERMS.description, _en(
                     "The release bundle: a BagIt bag (zipped) with the data as Turtle, N-Quads and JSON-LD, the "
                     "ontology and shapes, the validation report, a README and the release's metadata, with checksums.")))
        if f.byte_size is not None:
            g.add((node, DCAT.byteSize, Literal(str(f.byte_size), datatype=XSD.nonNegativeInteger)))
        if f.sha256 is not None:
            checksum = nodes("distribution", f.name, "sha256")
            _add(g, node, (SPDX.checksum, checksum))
            _add(g, checksum, (RDF.type, SPDX.Checksum), (SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
                 (SPDX.checksumValue, Literal(f.sha256, datatype=XSD.hexBinary)))


def _add_subsets(g: Graph, nodes: _Nodes, store: ox.Store, server_root: str) -> None:
    for key, (name, _label, _comment) in NAMED_GRAPHS.items():
        node = nodes.graph(key)
        g.add((nodes.dataset, VOID.subset, node))
        _add_statistics(g, node, dataset_statistics(store, (name,)))
        _add(g, node, (VOID.dataDump, URIRef(f"{server_root}/graph-store?graph={quote(str(name), safe='')}")),
             (DCTERMS.license, CC0))


def _add_partitions(g: Graph, nodes: _Nodes, store: ox.Store) -> None:
    for iri, entities in class_partitions(store):
        node = nodes.term("class", iri)
        g.add((nodes.dataset, VOID.classPartition, node))
        _add(g, node, (RDF.type, VOID.Dataset), (VOID["class"], URIRef(iri)), (VOID.entities, _integer(entities)))
    for iri, triples, subjects, objects in property_partitions(store):
        node = nodes.term("property", iri)
        g.add((nodes.dataset, VOID.propertyPartition, node))
        _add(g, node, (RDF.type, VOID.Dataset), (VOID.property, URIRef(iri)), (VOID.triples, _integer(triples)),
             (VOID.distinctSubjects, _integer(subjects)), (VOID.distinctObjects, _integer(objects)))


def _add_linksets(g: Graph, nodes: _Nodes, store: ox.Store) -> None:
    from ..links import link_counts

    ds = nodes.dataset
    counts = link_counts(store)  # the same figures as `tipgraph links`, keyed like LINK_TARGETS
    for target in LINK_TARGETS:
        linkset, other = nodes("linkset", target.key), URIRef(f"{nodes.base}dataset/{target.key}")
        g.add((ds, VOID.subset, linkset))
        _add(g, linkset, (RDF.type, VOID.Linkset), (RDFS.label, _en(f"Links to {target.title}")),
             (VOID.linkPredicate, SKOS.exactMatch), (VOID.subjectsTarget, ds), (VOID.objectsTarget, other),
             (VOID.triples, _integer(counts[target.key])))
        _add(g, other, (RDF.type, VOID.Dataset), (DCTERMS.title, Literal(target.title)),
             (FOAF.homepage, URIRef(target.homepage)), (VOID.uriSpace, Literal(target.uri_space)))

    # ISO 3166-1 codes are literals, not links, so this is a property subset and not a void:Linkset.
    iso = nodes("linkset", "iso3166")
    g.add((ds, VOID.subset, iso))
    codes = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{TG.iso3166Alpha2}> ?o FILTER(isLiteral(?o)) }}")
    _add(g, iso, (RDF.type, VOID.Dataset), (RDFS.label, _en("ISO 3166-1 alpha-2 country codes")),
         (RDFS.comment, _en(
             "Countries identified by their ISO 3166-1 alpha-2 code (a literal, tg:iso3166Alpha2), added at "
             "build time from the public-domain country-codes table; alpha-3 and numeric codes are given too.")),
         (VOID.property, TG.iso3166Alpha2), (VOID.triples, _integer(codes)),
         (DCTERMS.conformsTo, ISO3166_HOME), (DCTERMS.source, URIRef(nodes.base + "dataset/country-codes")))
    _add(g, ISO3166_HOME, (RDFS.label, Literal("ISO 3166 Country Codes")), (FOAF.homepage, ISO3166_HOME))
