"""Release bundles: the current build written as a BagIt bag an archive can keep and check.

``write_bundle(project, out)`` reads the current build release (never the working tree's data;
``NoBuildError`` when there is none) and writes a bag to ``out`` (default
``<build dir>/bundles/tipgraph-<version>``)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/tipgraph.nq            all four named graphs (asserted, inferred, ontology, shapes)
    data/tipgraph.ttl           the default graph, asserted and inferred facts merged
    data/tipgraph.jsonld        the same graph as JSON-LD, its @context inline (= context.jsonld)
    data/context.jsonld         the published JSON-LD context (ontology/context.jsonld)
    data/ontology/tipgraph.ttl  the ontology file the release was built from
    data/ontology/shapes.ttl    the shapes file the release was built from
    data/validation-report.ttl  the SHACL validation report of the release (pySHACL)
    data/metadata.ttl           DCAT + VoID + PROV (``bundle_metadata``)
    data/README.md              for people (``bundle_readme``)

Every file but ``metadata.ttl`` (the bundle's creation time) and the bag's ``bag-info.txt``
(Bagging-Date) and the manifests that list them is the same, byte for byte, on every run over
the same build: the RDF comes from ``export`` (canonical blank nodes, sorted statements), the
release date from the ontology. ``now`` fixes the clock for tests.

The bag is written beside ``out`` and renamed into place, so a failure leaves ``out`` as it was;
an existing bag at ``out`` is replaced, anything else there is refused (``ArchiveError``).
``pack_bundle`` writes a deterministic zip of a bag. Checking a bag is ``verify``'s job.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import bagit
import pyoxigraph as ox

from . import store as stores
from .bundle_metadata import BuildFacts, BundleFile, metadata_turtle
from .bundle_readme import readme_text
from .canonical import byte_hash, file_hash, read_dataset
from .export import canonical_quads, export
from .namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, PREFIXES
from .store import GRAPH_SELECTIONS
from .pipeline import ASSERTED, INFERRED, SHAPES, _to_rdflib
from .project import Project
from .release import ReleaseInfo, release_info_from_store
from .report_graph import REPORT_IRI

METADATA = "metadata.ttl"
README = "README.md"


class ArchiveError(ValueError):
    """The bundle cannot be written (the build's files disagree with it, or ``out`` is in the way)."""


def context_path(project: Project) -> Path:
    """The published JSON-LD context lives beside the ontology."""
    return project.ontology.with_name("context.jsonld")


def default_out(project: Project, info: ReleaseInfo) -> Path:
    return project.build / "bundles" / f"tipgraph-{info.version}"


def write_bundle(project: Project, out: Path | None = None, *, now: datetime | None = None) -> Path:
    """Write the current build as a BagIt bag at ``out``; return its path."""
    release = stores.current_release(project.build)
    manifest = stores.read_manifest(release)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    store = stores.open_store(release / "store")
    info = release_info_from_store(store)
    out = Path(out) if out is not None else default_out(project, info)
    if out.exists() and not (out / "bagit.txt").is_file():
        raise ArchiveError(f"{out}: exists and is not a BagIt bag; give an empty or new folder to --out")
    sources = _built_sources(project, manifest)

    staging = out.with_name(f".{out.name}.incomplete-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _write_payload(store, project, manifest, info, sources, staging, now)
        bagit.make_bag(str(staging), _bag_info(info, now), checksums=["sha256"])
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _built_sources(project: Project, manifest: dict) -> dict[str, Path]:
    """The ontology and shapes files, checked to be the very ones the release was built from."""
    inputs = manifest.get("inputs", {})
    sources = {"ontology/tipgraph.ttl": project.ontology, "ontology/shapes.ttl": project.shapes}
    for name, path in sources.items():
        if inputs.get(str(path)) != byte_hash(path):
            raise ArchiveError(f"{path}: not the file the current build was made from; run `tipgraph build` first")
    return sources


def _write_payload(store: ox.Store, project: Project, manifest: dict, info: ReleaseInfo,
                   sources: dict[str, Path], folder: Path, now: datetime) -> None:
    context = json.loads(context_path(project).read_text(encoding="utf-8"))
    report = _report_facts(store)
    contents: list[tuple[str, str, str, bytes]] = [  # (path, media type, description, bytes)
        ("tipgraph.nq", "application/n-quads",
         "All four named graphs (asserted, inferred, ontology, shapes), one quad a line, sorted.", export(store, "nq")),
        ("tipgraph.ttl", "text/turtle",
         "The default graph: asserted and inferred facts merged, as Turtle.", export(store, "ttl")),
        ("tipgraph.jsonld", "application/ld+json",
         "The default graph as JSON-LD, with the context of context.jsonld inline.", _jsonld(store, context)),
        ("context.jsonld", "application/ld+json",
         "The JSON-LD context of tipgraph: its prefixes.", context_path(project).read_bytes()),
        ("ontology/tipgraph.ttl", "text/turtle", "The tipgraph ontology (OWL 2 RL), as built.",
         sources["ontology/tipgraph.ttl"].read_bytes()),
        ("ontology/shapes.ttl", "text/turtle", "The SHACL shapes the data were validated with, as built.",
         sources["ontology/shapes.ttl"].read_bytes()),
        ("validation-report.ttl", "text/turtle",
         "The SHACL validation report of this release (pySHACL over asserted + inferred facts).",
         validation_report(store)),
    ]
    files = []
    for path, media_type, description, data in contents:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        is_rdf = path.endswith((".nq", ".ttl")) or path == "tipgraph.jsonld"
        files.append(BundleFile(
            path, description, media_type, len(data), byte_hash(target),
            canonical=file_hash(target) if is_rdf else None,
            triples=len(read_dataset(target)) if is_rdf else None))
    dataset_hash = next(f.canonical for f in files if f.path == "tipgraph.nq")
    readme = readme_text(info, files, report, dataset_hash).encode("utf-8")
    (folder / README).write_bytes(readme)
    files.append(BundleFile(README, "This description, for people.", "text/markdown", len(readme), byte_hash(folder / README)))
    facts = _build_facts(store, manifest)
    (folder / METADATA).write_bytes(metadata_turtle(info, facts, files, report, now.strftime("%Y-%m-%dT%H:%M:%SZ")))


def _jsonld(store: ox.Store, context: dict) -> bytes:
    document = json.loads(export(store, "jsonld"))
    if context.get("@context") != document["@context"]:
        # The export compacts with namespaces.PREFIXES; a context that says otherwise would
        # make the inline context disagree with the published one.
        raise ArchiveError("ontology/context.jsonld: its prefixes differ from tipgraph.namespaces.PREFIXES")
    document["@context"] = context["@context"]
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def validation_report(store: ox.Store) -> bytes:
    """pySHACL's report over the release's asserted + inferred facts and its own shapes, as Turtle
    with canonical blank nodes and sorted statements (pySHACL is the reference validator, and its
    report, unlike the fast validator's, lists every result)."""
    from .validate import validate

    data = _to_rdflib(q for g in (ASSERTED, INFERRED) for q in store.quads_for_pattern(None, None, None, g))
    shapes = _to_rdflib(store.quads_for_pattern(None, None, None, SHAPES))
    report = validate(data, shapes).report_graph
    scratch = ox.Store()
    scratch.load(report.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ASSERTED)
    triples = [q.triple for q in canonical_quads(scratch, [ASSERTED.value], keep_graphs=False)]
    prefixes = {"sh": "http://www.w3.org/ns/shacl#", **{k: PREFIXES[k] for k in ("tg", "xsd", "rdf", "rdfs")}}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(sorted(prefixes.items())))


REPORT_QUERY = f"""
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?title ?issued ?creator WHERE {{
  <{REPORT_IRI}> dcterms:title ?title .
  OPTIONAL {{ <{REPORT_IRI}> dcterms:issued ?issued }}
  OPTIONAL {{ <{REPORT_IRI}> dcterms:creator/rdfs:label ?creator }}
}} ORDER BY ?title ?issued ?creator LIMIT 1"""


def _report_facts(store: ox.Store) -> dict:
    """The source report's title, date and creator, as the release states them."""
    rows = list(store.query(REPORT_QUERY, default_graph=[ASSERTED]))
    if not rows:
        raise ArchiveError(f"the current build has no dcterms:title for the report <{REPORT_IRI}>")
    row = rows[0]
    return {"iri": str(REPORT_IRI), "title": row["title"].value,
            "issued": row["issued"].value if row["issued"] else None,
            "creator": row["creator"].value if row["creator"] else None}


def _build_facts(store: ox.Store, manifest: dict) -> BuildFacts:
    inputs = manifest.get("inputs", {})
    root = Path(os.path.commonpath(list(inputs))) if inputs else Path("/")
    # Paths relative to the project root: the same on every machine the project is checked out on.
    relative = {Path(p).relative_to(root).as_posix(): digest for p, digest in inputs.items()}
    graph_triples = {str(name): _count(store, [ox.NamedNode(str(name))]) for name in GRAPH_SELECTIONS["all"]}
    default = _count(store, [ox.NamedNode(str(GRAPH_ASSERTED)), ox.NamedNode(str(GRAPH_INFERRED))])
    return BuildFacts(manifest.get("built", ""), manifest.get("version", "unknown"), manifest.get("reasoner", "unknown"),
                      manifest.get("validator", "unknown"), relative, graph_triples, default)


def _count(store: ox.Store, graphs: list[ox.NamedNode]) -> int:
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }", default_graph=graphs)
    return int(next(iter(rows))["n"].value)


def _bag_info(info: ReleaseInfo, now: datetime) -> dict[str, str]:
    return {
        "Bagging-Date": now.date().isoformat(),
        "External-Identifier": info.dataset_iri,
        "External-Description": f"tipgraph {info.version} ({info.date}): the report 'Promising Practices' (2012) "
                                "as an RDF knowledge graph. See data/README.md.",
        "Version": info.version,
    }


def _replace(staging: Path, out: Path) -> None:
    """Move the finished bag into place; an old bag at ``out`` goes only once the new one is there."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold: no clock in the bytes


def pack_bundle(bundle: Path, out_file: Path) -> Path:
    """A zip of the bag, entries under ``<bag name>/`` sorted by path, with fixed times and modes,
    so the same bag always gives the same bytes. Written beside ``out_file`` and renamed."""
    bundle, out_file = Path(bundle), Path(out_file)
    if not (bundle / "bagit.txt").is_file():
        raise ArchiveError(f"{bundle}: not a BagIt bag (no bagit.txt)")
    paths = sorted((p for p in bundle.rglob("*") if p.is_file()), key=lambda p: p.relative_to(bundle).as_posix())
    partial = out_file.with_name(f".{out_file.name}.partial-{os.getpid()}")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for path in paths:
                entry = zipfile.ZipInfo(f"{bundle.name}/{path.relative_to(bundle).as_posix()}", ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
                entry.create_system = 3  # Unix, whatever system writes it
                archive.writestr(entry, path.read_bytes(), compresslevel=9)
        partial.replace(out_file)
    finally:
        partial.unlink(missing_ok=True)
    return out_file
