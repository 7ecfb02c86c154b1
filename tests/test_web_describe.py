"""The server's self-description: service description, VoID/DCAT, example queries, graph store,
downloads. Expected numbers come from the release's build.json, the query files, or an independent
count with rdflib over a download; never from the description under test."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, OWL, SKOS

from tipgraph.examples import Example
from tipgraph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, TG
from tipgraph.web.description import query_form, service_description

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
DATASET = URIRef("https://w3id.org/tipgraph/dataset/tipgraph")
NAMED = (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES)
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def manifest(server_config) -> dict:
    return json.loads((server_config.release / "build.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def default_triples(manifest) -> int:
    return manifest["triples"]["graph/asserted"] + manifest["triples"]["graph/inferred"]


def parse(response, fmt: str = "turtle") -> Graph:
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.get_data(), format=fmt)


def integer(graph: Graph, subject, predicate) -> int:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return int(values[0])


@pytest.fixture(scope="module")
def sd(app) -> Graph:
    from tipgraph.web.describe import service_description_response

    with app.test_request_context("/sparql", headers={"Accept": "text/turtle"}):
        response = service_description_response()
        response.direct_passthrough = False
        return parse(response)


@pytest.fixture(scope="module")
def void(app) -> Graph:
    return parse(app.test_client().get("/.well-known/void"))


@pytest.fixture(scope="module")
def turtle_dump(app) -> Graph:
    return parse(app.test_client().get("/downloads/tipgraph.ttl"))


# --- Service description -------------------------------------------------------------------------

def test_service_description_endpoint_language_and_formats(sd):
    service = sd.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert sd.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    formats = set(sd.objects(service, SD.resultFormat))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads"):
        assert FORMATS[name] in formats
    # Federation is refused, and the default graph is not the union of all named graphs.
    assert (service, SD.feature, SD.BasicFederatedQuery) not in sd
    assert (service, SD.feature, SD.UnionDefaultGraph) not in sd


def test_service_description_dataset(sd):
    service = sd.value(predicate=RDF.type, object=SD.Service)
    dataset = sd.value(service, SD.defaultDataset)
    default = sd.value(dataset, SD.defaultGraph)
    assert (default, RDF.type, VOID.Dataset) in sd
    names = {sd.value(named, SD.name) for named in sd.objects(dataset, SD.namedGraph)}
    assert names == set(NAMED)
    for named in sd.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in sd and sd.value(named, SD.graph) is not None
    comment = str(sd.value(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert "asserted" in comment and "inferred" in comment and "GRAPH" in comment


def test_service_description_lists_every_example_query(sd):
    examples = list(sd.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(examples) == len(QUERY_FILES)
    by_id = {str(sd.value(e, URIRef("http://purl.org/dc/terms/identifier"))): e for e in examples}
    assert set(by_id) == {p.stem for p in QUERY_FILES}
    for path in QUERY_FILES:
        node = by_id[path.stem]
        text = path.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("# title: "))[len("# title: "):]
        assert str(sd.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == title.strip()
        assert sd.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")) is not None
        assert str(sd.value(node, SH.select)) == text  # every example of queries/ is a SELECT
        assert sd.value(node, URIRef("https://schema.org/target")) == URIRef("http://localhost/sparql")


def test_service_description_has_no_blank_nodes(sd):
    assert not any(isinstance(term, BNode) for triple in sd for term in triple)


def test_service_description_at_the_endpoint(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = parse(response)
    assert (None, SD.endpoint, URIRef("http://localhost/sparql")) in graph


def test_query_forms():
    assert query_form("# title: SELECT nothing\nPREFIX ask: <http://x/construct#>\nASK { ?s ?p ?o }") == "ask"
    assert query_form("prefix : <http://e/>\nconstruct { ?s ?p ?o } where { ?s ?p ?o }") == "construct"
    with pytest.raises(ValueError):
        query_form("# SELECT\n")


def test_ask_example_is_an_ask_executable():
    example = Example("x", "Any?", "Is there anything?", "Asks.", "ASK { ?s ?p ?o }")
    graph = service_description("http://example.org/sparql", [example], "https://w3id.org/tipgraph/")
    node = graph.value(predicate=RDF.type, object=SH.SPARQLAskExecutable)
    assert node is not None and str(graph.value(node, SH.ask)) == "ASK { ?s ?p ?o }"
    assert graph.value(node, SH.select) is None


# --- VoID and DCAT -------------------------------------------------------------------------------

def test_void_triples_and_subsets_match_the_build(void, manifest, default_triples):
    assert (DATASET, RDF.type, VOID.Dataset) in void and (DATASET, RDF.type, DCAT.Dataset) in void
    assert integer(void, DATASET, VOID.triples) == default_triples
    counted = {}
    for subset in void.objects(DATASET, VOID.subset):
        named = void.value(predicate=SD.graph, object=subset)
        if named is not None:
            counted[str(void.value(named, SD.name))] = integer(void, subset, VOID.triples)
    assert counted == {str(g): manifest["triples"][str(g).removeprefix("https://w3id.org/tipgraph/")] for g in NAMED}


def test_void_metadata(void, manifest):
    terms = Namespace("http://purl.org/dc/terms/")
    assert void.value(DATASET, terms.license) == URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    assert void.value(DATASET, terms.source) == URIRef("https://w3id.org/tipgraph/report/promising-practices-2012")
    assert void.value(DATASET, terms.creator) is not None and void.value(DATASET, terms.title) is not None
    # The release (version and date) is stated once, in the ontology file; the build time is the
    # description's modification date.
    ontology = Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "tipgraph.ttl")
    stated = next(o for o in ontology.subjects(RDF.type, OWL.Ontology))
    assert void.value(DATASET, terms.issued) == ontology.value(stated, terms.issued)
    assert str(void.value(DATASET, OWL.versionInfo)) == str(ontology.value(stated, OWL.versionInfo))
    assert void.value(DATASET, terms.modified).toPython().isoformat().startswith(manifest["built"].rstrip("Z"))
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")


def test_void_class_partitions(void, manifest):
    partitions = {void.value(p, VOID["class"]): integer(void, p, VOID.entities)
                  for p in void.objects(DATASET, VOID.classPartition)}
    assert partitions[TG.Practice] == 15  # the report's 15 practices
    expanded = {"tg": str(TG._NS), "foaf": "http://xmlns.com/foaf/0.1/", "skos": str(SKOS),
                "schema": "https://schema.org/"}
    for name, count in manifest["instances"].items():
        prefix, local = name.split(":")
        assert partitions[URIRef(expanded[prefix] + local)] == count, name


def test_void_property_partitions_match_an_independent_count(void, turtle_dump):
    partitions = {void.value(p, VOID.property): integer(void, p, VOID.triples)
                  for p in void.objects(DATASET, VOID.propertyPartition)}
    assert partitions == dict(Counter(p for _, p, _ in turtle_dump))


def test_void_vocabularies_are_used(void):
    used = [str(void.value(p, VOID.property)) for p in void.objects(DATASET, VOID.propertyPartition)]
    used += [str(void.value(p, VOID["class"])) for p in void.objects(DATASET, VOID.classPartition)]
    vocabularies = [str(v) for v in void.objects(DATASET, VOID.vocabulary)]
    assert len(vocabularies) >= 9
    for vocabulary in vocabularies:
        assert any(term.startswith(vocabulary) for term in used), vocabulary


@pytest.mark.parametrize("key, space", [("wikidata", "http://www.wikidata.org/entity/"),
                                        ("geonames", "https://sws.geonames.org/"), ("ror", "https://ror.org/")])
def test_void_linksets(void, turtle_dump, key, space):
    linkset = URIRef(f"{DATASET}/linkset/{key}")
    assert (DATASET, VOID.subset, linkset) in void and (linkset, RDF.type, VOID.Linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    target = void.value(linkset, VOID.objectsTarget)
    assert void.value(target, URIRef("http://xmlns.com/foaf/0.1/homepage")) is not None
    expected = sum(1 for _, _, o in turtle_dump.triples((None, SKOS.exactMatch, None)) if str(o).startswith(space))
    assert expected > 0
    assert integer(void, linkset, VOID.triples) == expected


def test_void_iso3166_subset(void, turtle_dump):
    subset = URIRef(f"{DATASET}/linkset/iso3166")
    expected = sum(1 for _, _, o in turtle_dump.triples((None, TG.iso3166Alpha2, None)) if isinstance(o, Literal))
    assert expected > 0 and integer(void, subset, VOID.triples) == expected


def test_void_has_no_blank_nodes(void):
    assert not any(isinstance(term, BNode) for triple in void for term in triple)


def test_every_dump_in_void_is_fetchable_and_cacheable(client, void):
    dumps = set(void.objects(None, VOID.dataDump))
    downloads = {void.value(d, DCAT.downloadURL): void.value(d, DCAT.mediaType)
                 for d in void.objects(DATASET, DCAT.distribution) if void.value(d, DCAT.downloadURL)}
    assert len(downloads) == 6 and set(downloads) <= dumps  # five exports and the release bundle
    for url in sorted(dumps):
        if str(url).endswith(".zip"):
            continue  # the bundle is made on first request: see test_web_downloads.py
        response = client.get(str(url))
        assert response.status_code == 200, url
        etag = response.headers["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        if url in downloads:
            assert str(downloads[url]).endswith("/" + response.mimetype)
        again = client.get(str(url), headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_void_negotiation(client, media_type, default_triples):
    response = client.get("/.well-known/void", headers={"Accept": media_type})
    assert response.mimetype == media_type and "Accept" in response.headers["Vary"]
    graph = parse(response, RDF_TYPES[media_type])
    assert integer(graph, DATASET, VOID.triples) == default_triples


def test_void_default_and_refusal(client):
    assert client.get("/.well-known/void").mimetype == "text/turtle"
    refused = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "Accept" in refused.headers["Vary"]
    assert client.get("/.well-known/void?format=nt").mimetype == "application/n-triples"
    assert client.get("/.well-known/void?format=rdfxml").mimetype == "application/rdf+xml"
    assert client.get("/.well-known/void?format=csv").status_code == 406
    # Aliases are answered with the canonical type; a browser's Accept gets Turtle.
    assert client.get("/.well-known/void", headers={"Accept": "application/json"}).mimetype == "application/ld+json"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/.well-known/void", headers={"Accept": browser}).mimetype == "text/turtle"
    assert client.get("/.well-known/void", headers={"Accept": "text/turtle;q=0, */*"}).mimetype != "text/turtle"


def test_void_etag(client):
    first = client.get("/.well-known/void")
    assert client.get("/.well-known/void", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


# --- Example queries -----------------------------------------------------------------------------

def test_queries_json(client):
    response = client.get("/queries")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data())
    assert list(document) == ["queries"]
    assert [q["id"] for q in document["queries"]] == [p.stem for p in QUERY_FILES]
    for entry, path in zip(document["queries"], QUERY_FILES):
        assert list(entry) == ["id", "title", "question", "description", "query"]
        assert entry["query"] == path.read_text(encoding="utf-8")
        assert all(isinstance(v, str) and v for v in entry.values())


def test_query_file(client):
    path = QUERY_FILES[0]
    response = client.get(f"/queries/{path.stem}.rq")
    assert response.status_code == 200 and response.mimetype == "application/sparql-query"
    assert response.get_data(as_text=True) == path.read_text(encoding="utf-8")
    assert client.get("/queries/99-no-such-query.rq").status_code == 404


@pytest.mark.parametrize("path", [
    "/queries/..%2fREADME.rq", "/queries/..%2f..%2fpyproject.rq", "/queries/%2e%2e%2fREADME.md.rq",
    "/queries/README.rq", "/queries/01-who-funds-whom-where.expected.csv.rq",
    "/downloads/..%2fbuild.json", "/downloads/..%2f..%2fcurrent%2fbuild.json", "/downloads/%2e%2e%2fdataset.nq",
    "/downloads/dataset.nq", "/downloads/build.json", "/downloads/store", "/downloads/tipgraph.nq%00",
    "/downloads/TIPGRAPH.NQ", "/downloads/",
])
def test_traversal_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b'"inputs"' not in response.get_data()


# --- Downloads -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, media_type, fmt", [
    ("tipgraph.ttl", "text/turtle", "turtle"), ("tipgraph.nt", "application/n-triples", "nt"),
    ("tipgraph.jsonld", "application/ld+json", "json-ld"),
])
def test_graph_downloads_round_trip(client, name, media_type, fmt, default_triples):
    response = client.get(f"/downloads/{name}")
    assert response.mimetype == media_type
    stem, ext = name.split(".", 1)  # saved under a versioned name, e.g. tipgraph-0.1.0.ttl
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{stem}-')
    assert response.headers["Content-Disposition"].endswith(f'.{ext}"')
    assert len(parse(response, fmt)) == default_triples


@pytest.mark.parametrize("name, media_type, fmt", [
    ("tipgraph.nq", "application/n-quads", "nquads"), ("tipgraph.trig", "application/trig", "trig"),
])
def test_dataset_downloads_round_trip(client, name, media_type, fmt, manifest):
    response = client.get(f"/downloads/{name}")
    assert response.status_code == 200 and response.mimetype == media_type
    dataset = Dataset().parse(data=response.get_data(), format=fmt)
    counts = {str(g): len(dataset.graph(g)) for g in NAMED}
    assert counts == {str(g): manifest["triples"][str(g).removeprefix("https://w3id.org/tipgraph/")] for g in NAMED}


def test_nquads_download_is_the_canonical_export(client, server_config):
    """The N-Quads download is ``tipgraph export --format nq`` (canonical blank nodes, sorted), not
    the release's dataset.nq, whose blank-node labels differ from build to build."""
    from tipgraph.export import export
    from tipgraph.store import open_store

    response = client.get("/downloads/tipgraph.nq")
    assert response.get_data() == export(open_store(server_config.release / "store"), "nq")


def test_downloads_are_stable(client):
    first, second = client.get("/downloads/tipgraph.ttl"), client.get("/downloads/tipgraph.ttl")
    assert first.get_data() == second.get_data() and first.headers["ETag"] == second.headers["ETag"]


# --- Graph Store Protocol ------------------------------------------------------------------------

def test_graph_store_default(client, default_triples):
    response = client.get("/graph-store?default")
    assert response.mimetype == "text/turtle" and "Accept" in response.headers["Vary"]
    assert len(parse(response)) == default_triples


@pytest.mark.parametrize("graph", NAMED)
def test_graph_store_named(client, manifest, graph):
    response = client.get("/graph-store?graph=" + quote(str(graph), safe=""), headers={"Accept": "application/n-triples"})
    assert response.mimetype == "application/n-triples"
    assert len(parse(response, "nt")) == manifest["triples"][str(graph).removeprefix("https://w3id.org/tipgraph/")]


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_graph_store_formats(client, manifest, media_type):
    response = client.get("/graph-store?graph=" + quote(str(GRAPH_ASSERTED), safe=""), headers={"Accept": media_type})
    assert response.mimetype == media_type
    assert len(parse(response, RDF_TYPES[media_type])) == manifest["triples"]["graph/asserted"]
    again = client.get("/graph-store?graph=" + quote(str(GRAPH_ASSERTED), safe=""),
                       headers={"Accept": media_type, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_graph_store_errors(client):
    assert client.get("/graph-store?graph=" + quote("https://w3id.org/tipgraph/graph/nope", safe="")).status_code == 404
    assert client.get("/graph-store?graph=").status_code == 404
    assert client.get("/graph-store").status_code == 400
    assert client.get("/graph-store?default&graph=" + quote(str(GRAPH_ASSERTED), safe="")).status_code == 400
    assert client.get("/graph-store?default", headers={"Accept": "image/png"}).status_code == 406
    assert client.head("/graph-store?default").status_code == 200


@pytest.mark.parametrize("method", ["put", "post", "delete", "patch"])
def test_graph_store_is_read_only(client, method):
    response = getattr(client, method)("/graph-store?default", data=b"<a:b> <a:c> <a:d> .",
                                       content_type="application/n-triples")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"
