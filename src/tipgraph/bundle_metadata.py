"""The DCAT + VoID + PROV description of a release bundle (``data/metadata.ttl`` in the bag).

``metadata_turtle(...)`` returns Turtle describing one release: the dataset (title, version,
release date, licence, creator, the source report), one ``dcat:Distribution`` per file in the
bundle with its size, SHA-256 and, for RDF files, its canonical (RDFC-1.0) hash and triple count,
the named graphs with their triple counts, and the build that made it (``prov:Activity``: the
tipgraph version, reasoner, validator and every input file with its SHA-256, from ``build.json``).
``read_recorded(path)`` reads back what ``tipgraph verify`` checks: each file's byte and canonical
hashes.

Only the bundle's own creation time (``prov:generatedAtTime`` of the bundle) varies between two
archives of one build; every other statement comes from the build, so it is the same. Every node
is an IRI under the release's IRI (no blank nodes), and statements are sorted, so the bytes are
stable. It computes nothing itself: the caller passes the counts and hashes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from .namespaces import PREFIXES
from .release import DATASET_IRI, ReleaseInfo

NS = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
PREFIXES_OUT = dict(sorted({**{k: PREFIXES[k] for k in ("rdf", "rdfs", "owl", "xsd", "dcterms", "prov", "foaf", "tg")},
                            **NS}.items()))
RDFC = ox.NamedNode("https://www.w3.org/TR/rdf-canon/")
CC0 = ox.NamedNode("http://creativecommons.org/publicdomain/zero/1.0/")
SHA256 = ox.NamedNode(NS["spdx"] + "checksumAlgorithm_sha256")
TITLE = "tipgraph: Promising Practices (2012) as linked data"
DESCRIPTION = (
    "A knowledge graph of the 2012 report 'Promising Practices: A Review of U.S. Government-Funded "
    "Anti-Trafficking in Persons Programs': its practices with their funders, implementers, partners, "
    "places, categories and figures, and the report's sections as provenance. tipgraph.nq holds the four "
    "named graphs (asserted facts, inferred facts, the ontology, the SHACL shapes); tipgraph.ttl and "
    "tipgraph.jsonld hold the default graph, asserted and inferred facts merged.")


def _iri(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES_OUT[prefix] + local)


RDF_TYPE = _iri("rdf", "type")


@dataclass(frozen=True)
class BundleFile:
    """One payload file: ``path`` relative to the bag's data/ folder."""

    path: str
    description: str
    media_type: str
    size: int
    sha256: str
    canonical: str | None = None   # RDFC-1.0 hash of its triples, for RDF files
    triples: int | None = None     # statements it holds, for RDF files


@dataclass(frozen=True)
class BuildFacts:
    """What build.json says about the release: kept here so the metadata need not read files."""

    built: str                  # xsd:dateTime of the build
    software_version: str       # the tipgraph package that built it
    reasoner: str
    validator: str
    inputs: dict[str, str]      # path relative to the project root -> sha256
    graph_triples: dict[str, int]   # named graph IRI -> triples
    default_triples: int        # asserted + inferred merged


def file_node(info: ReleaseInfo, path: str) -> ox.NamedNode:
    return ox.NamedNode(f"{info.dataset_iri}/file/{quote(path, safe='/-._~')}")


def metadata_turtle(info: ReleaseInfo, facts: BuildFacts, files: list[BundleFile], report: dict,
                    generated: str) -> bytes:
    """The metadata as sorted Turtle. ``report`` holds the source report's ``iri``, ``title`` and
    ``issued`` (as the store states them); ``generated`` is the bundle's creation time."""
    triples: list[ox.Triple] = []

    def add(subject, predicate, obj):
        triples.append(ox.Triple(subject, predicate, obj))

    def lit(value, datatype: str | None = None, lang: str | None = None):
        if lang:
            return ox.Literal(str(value), language=lang)
        return ox.Literal(str(value), datatype=_iri("xsd", datatype) if datatype else None)

    release = ox.NamedNode(info.dataset_iri)
    agent = ox.NamedNode(DATASET_IRI + "/maintainers")
    build = ox.NamedNode(info.dataset_iri + "/build")
    software = ox.NamedNode(f"{info.dataset_iri}/software/tipgraph-{quote(facts.software_version, safe='.-+')}")
    bundle = ox.NamedNode(info.dataset_iri + "/bundle")
    source = ox.NamedNode(report["iri"])

    for cls in (_iri("dcat", "Dataset"), _iri("void", "Dataset"), _iri("prov", "Entity")):
        add(release, RDF_TYPE, cls)
    add(release, _iri("dcterms", "title"), lit(TITLE, lang="en"))
    add(release, _iri("dcterms", "description"), lit(DESCRIPTION, lang="en"))
    add(release, _iri("dcat", "version"), lit(info.version))
    add(release, _iri("owl", "versionInfo"), lit(info.version))
    add(release, _iri("dcterms", "issued"), lit(info.date, "date"))
    add(release, _iri("dcterms", "isVersionOf"), ox.NamedNode(DATASET_IRI))
    add(release, _iri("dcterms", "license"), CC0)
    add(release, _iri("dcterms", "creator"), agent)
    add(release, _iri("dcterms", "publisher"), agent)
    add(release, _iri("dcterms", "source"), source)
    add(release, _iri("prov", "hadPrimarySource"), source)
    add(release, _iri("void", "triples"), lit(facts.default_triples, "integer"))
    add(release, _iri("prov", "wasGeneratedBy"), build)
    add(agent, RDF_TYPE, _iri("foaf", "Agent"))
    add(agent, _iri("foaf", "name"), lit("The tipgraph project"))
    add(source, _iri("dcterms", "title"), lit(report["title"], lang="en"))
    if report.get("issued"):
        add(source, _iri("dcterms", "issued"), lit(report["issued"], "gYearMonth"))

    for name, count in sorted(facts.graph_triples.items()):
        node = ox.NamedNode(f"{info.dataset_iri}/graph/{name.rstrip('/').rsplit('/', 1)[-1]}")
        add(release, _iri("void", "subset"), node)
        add(node, RDF_TYPE, _iri("void", "Dataset"))
        add(node, _iri("sd", "name"), ox.NamedNode(name))
        add(node, _iri("void", "triples"), lit(count, "integer"))

    for f in files:
        node = file_node(info, f.path)
        add(release, _iri("dcat", "distribution"), node)
        add(node, RDF_TYPE, _iri("dcat", "Distribution"))
        add(node, _iri("dcterms", "identifier"), lit(f.path))  # the path in the bag's data/ folder
        add(node, _iri("dcterms", "description"), lit(f.description, lang="en"))
        add(node, _iri("dcat", "mediaType"), ox.NamedNode("https://www.iana.org/assignments/media-types/" + f.media_type))
        add(node, _iri("dcat", "byteSize"), lit(f.size, "nonNegativeInteger"))
        add(node, _iri("dcterms", "license"), CC0)
        checksum = ox.NamedNode(node.value + "#sha256")
        add(node, _iri("spdx", "checksum"), checksum)
        add(checksum, RDF_TYPE, _iri("spdx", "Checksum"))
        add(checksum, _iri("spdx", "algorithm"), SHA256)
        add(checksum, _iri("spdx", "checksumValue"), lit(f.sha256, "hexBinary"))
        if f.canonical is not None:
            canonical = ox.NamedNode(node.value + "#rdfc-1.0")
            add(node, _iri("spdx", "checksum"), canonical)
            add(canonical, RDF_TYPE, _iri("spdx", "Checksum"))
            add(canonical, _iri("spdx", "algorithm"), SHA256)
            add(canonical, _iri("spdx", "checksumValue"), lit(f.canonical, "hexBinary"))
            add(canonical, _iri("dcterms", "conformsTo"), RDFC)
            add(canonical, _iri("rdfs", "comment"), lit(
                "SHA-256 of the file's statements as canonical N-Quads, blank nodes labelled by RDFC-1.0 "
                "and lines sorted: it stays the same when the file is re-serialised.", lang="en"))
            add(node, _iri("void", "triples"), lit(f.triples, "integer"))

    add(build, RDF_TYPE, _iri("prov", "Activity"))
    add(build, _iri("rdfs", "label"), lit("tipgraph build", lang="en"))
    add(build, _iri("prov", "endedAtTime"), lit(facts.built, "dateTime"))
    add(build, _iri("prov", "wasAssociatedWith"), software)
    add(build, _iri("rdfs", "comment"), lit(f"reasoner: {facts.reasoner}; validator: {facts.validator}", lang="en"))
    add(software, RDF_TYPE, _iri("prov", "SoftwareAgent"))
    add(software, _iri("rdfs", "label"), lit(f"tipgraph {facts.software_version}"))
    add(software, _iri("owl", "versionInfo"), lit(facts.software_version))
    for path, digest in sorted(facts.inputs.items()):
        node = ox.NamedNode(f"{info.dataset_iri}/input/{quote(path, safe='/-._~')}")
        add(build, _iri("prov", "used"), node)
        add(node, RDF_TYPE, _iri("prov", "Entity"))
        add(node, _iri("dcterms", "identifier"), lit(path))  # relative to the project's root
        checksum = ox.NamedNode(node.value + "#sha256")
        add(node, _iri("spdx", "checksum"), checksum)
        add(checksum, _iri("spdx", "algorithm"), SHA256)
        add(checksum, _iri("spdx", "checksumValue"), lit(digest, "hexBinary"))

    # The one dated part: when this bundle was made.
    add(bundle, RDF_TYPE, _iri("prov", "Entity"))
    add(bundle, _iri("rdfs", "label"), lit(f"BagIt bundle of tipgraph {info.version}", lang="en"))
    add(bundle, _iri("prov", "wasDerivedFrom"), release)
    add(bundle, _iri("prov", "generatedAtTime"), lit(generated, "dateTime"))

    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES_OUT)


@dataclass(frozen=True)
class Recorded:
    sha256: str
    canonical: str | None
    triples: int | None


RECORDED_QUERY = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?path ?sha ?canonical ?triples WHERE {
  ?dataset dcat:distribution ?file .
  ?file dcterms:identifier ?path ; spdx:checksum ?c .
  ?c spdx:checksumValue ?sha FILTER NOT EXISTS { ?c dcterms:conformsTo <https://www.w3.org/TR/rdf-canon/> }
  OPTIONAL { ?file spdx:checksum ?r . ?r dcterms:conformsTo <https://www.w3.org/TR/rdf-canon/> ; spdx:checksumValue ?canonical }
  OPTIONAL { ?file void:triples ?triples }
}"""


def read_recorded(data: bytes) -> dict[str, Recorded]:
    """path -> what the metadata recorded for it. Raises ``SyntaxError`` on malformed Turtle."""
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE)
    recorded = {}
    for row in store.query(RECORDED_QUERY):
        recorded[row["path"].value] = Recorded(
            row["sha"].value, row["canonical"].value if row["canonical"] else None,
            int(row["triples"].value) if row["triples"] else None)
    return recorded
