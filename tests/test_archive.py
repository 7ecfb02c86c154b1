"""Release bundles: a valid BagIt bag of the current build, the same bytes on every run."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import bagit
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from tipgraph import store as stores
from tipgraph.archive import ArchiveError, pack_bundle, write_bundle
from tipgraph.bundle_metadata import read_recorded
from tipgraph.canonical import byte_hash
from tipgraph.namespaces import PREFIXES
from tipgraph.project import Project

ROOT = Path(__file__).resolve().parents[1]
DATED = {"bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "data/metadata.ttl"}
PAYLOAD = {"README.md", "metadata.ttl", "tipgraph.nq", "tipgraph.ttl", "tipgraph.jsonld", "context.jsonld",
           "ontology/tipgraph.ttl", "ontology/shapes.ttl", "validation-report.ttl"}
DAY_ONE = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
DAY_TWO = datetime(2027, 7, 19, 23, 59, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def bundles(built, project, tmp_path_factory):
    """Two archives of the same build, made on different (injected) days."""
    root = tmp_path_factory.mktemp("bundles")
    return write_bundle(project, root / "one", now=DAY_ONE), write_bundle(project, root / "two", now=DAY_TWO)


def files(bag: Path) -> dict[str, bytes]:
    return {p.relative_to(bag).as_posix(): p.read_bytes() for p in sorted(bag.rglob("*")) if p.is_file()}


def test_bundle_is_a_valid_bag_with_the_promised_files(bundles):
    bag = bagit.Bag(str(bundles[0]))
    bag.validate()
    assert {Path(p).relative_to("data").as_posix() for p in bag.payload_files()} == PAYLOAD
    assert bag.info["Bagging-Date"] == "2026-01-05"


def test_two_days_give_the_same_data_bytes(bundles):
    one, two = files(bundles[0]), files(bundles[1])
    assert one.keys() == two.keys()
    differing = {name for name in one if one[name] != two[name]}
    assert differing == DATED  # metadata.ttl holds the creation time, and the manifests list it
    assert b"2026-01-05T09:30:00Z" in one["data/metadata.ttl"] and b"2027-07-19T23:59:00Z" in two["data/metadata.ttl"]


def test_default_folder_is_named_after_the_version(built, project):
    from tipgraph.release import release_info

    bag = write_bundle(project, now=DAY_ONE)
    assert bag == project.build / "bundles" / f"tipgraph-{release_info(Project()).version}"
    assert (bag / "bagit.txt").is_file()


def test_rewriting_a_bag_replaces_it(built, project, tmp_path):
    bag = write_bundle(project, tmp_path / "bag", now=DAY_ONE)
    (bag / "data" / "stray.txt").write_text("left over")
    write_bundle(project, bag, now=DAY_TWO)
    assert not (bag / "data" / "stray.txt").exists()
    bagit.Bag(str(bag)).validate()


def test_a_folder_that_is_not_a_bag_is_left_alone(built, project, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ArchiveError, match=str(tmp_path)):
        write_bundle(project, tmp_path, now=DAY_ONE)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_no_build_is_a_clear_error(tmp_path):
    with pytest.raises(stores.NoBuildError, match="tipgraph build"):
        write_bundle(Project().with_(build=tmp_path / "empty"), tmp_path / "bag")
    assert not (tmp_path / "bag").exists()


def test_ontology_and_shapes_are_the_project_files(bundles):
    data = bundles[0] / "data"
    assert (data / "ontology" / "tipgraph.ttl").read_bytes() == (ROOT / "ontology" / "tipgraph.ttl").read_bytes()
    assert (data / "ontology" / "shapes.ttl").read_bytes() == (ROOT / "ontology" / "shapes.ttl").read_bytes()


def store_graph(store, *names) -> Graph:
    g = Graph()
    for name in names:
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        g.parse(data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


GRAPHS = {k: f"https://w3id.org/tipgraph/graph/{k}" for k in ("asserted", "inferred", "ontology", "shapes")}


def test_data_files_hold_the_build(bundles, store):
    data = bundles[0] / "data"
    merged = store_graph(store, GRAPHS["asserted"], GRAPHS["inferred"])
    assert isomorphic(Graph().parse(data / "tipgraph.ttl", format="turtle"), merged)
    assert isomorphic(Graph().parse(data / "tipgraph.jsonld", format="json-ld"), merged)
    bundled = ox.Store()
    bundled.load(path=str(data / "tipgraph.nq"), format=ox.RdfFormat.N_QUADS)
    for name in GRAPHS.values():
        assert isomorphic(store_graph(bundled, name), store_graph(store, name)), name


def test_jsonld_uses_the_published_context(bundles):
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    document = json.loads((bundles[0] / "data" / "tipgraph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    assert (bundles[0] / "data" / "context.jsonld").read_bytes() == (ROOT / "ontology" / "context.jsonld").read_bytes()


def test_context_file_has_exactly_the_project_prefixes():
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context == PREFIXES


def test_context_round_trips_a_document(bundles):
    """Compact with the published context, expand again: the same triples (pyld, the JSON-LD reference)."""
    from pyld import jsonld

    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    nq = (bundles[0] / "data" / "tipgraph.nq").read_text(encoding="utf-8")
    sample = "\n".join(line for line in nq.splitlines() if "/graph/asserted>" in line and "\\u" not in line) + "\n"
    expanded = jsonld.from_rdf(sample, {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, context)
    assert any(":" in key and not key.startswith("http") for node in compacted["@graph"] for key in node)
    again = jsonld.to_rdf(compacted, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=again, format="nquads"), Graph().parse(data=sample, format="nquads"))


def test_validation_report_conforms_and_lists_the_warning(bundles):
    from rdflib import Namespace
    SH = Namespace("http://www.w3.org/ns/shacl#")
    report = Graph().parse(bundles[0] / "data" / "validation-report.ttl")
    from rdflib.namespace import RDF
    [node] = list(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms).toPython() is True
    severities = {report.value(r, SH.resultSeverity) for r in report.objects(node, SH.result)}
    assert severities <= {SH.Warning, SH.Info}


def count(store, *names) -> int:
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                       default_graph=[ox.NamedNode(n) for n in names])
    return int(next(iter(rows))["n"].value)


def metadata(bag: Path) -> ox.Store:
    s = ox.Store()
    s.load(path=str(bag / "data" / "metadata.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def test_metadata_triple_counts_equal_the_store(bundles, store):
    meta = metadata(bundles[0])
    rows = meta.query("""PREFIX void: <http://rdfs.org/ns/void#> PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?name ?n WHERE { ?d void:subset ?g . ?g sd:name ?name ; void:triples ?n }""")
    assert {r["name"].value: int(r["n"].value) for r in rows} == {n: count(store, n) for n in GRAPHS.values()}
    total = next(iter(meta.query("""PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        SELECT ?n WHERE { ?d a dcat:Dataset ; void:triples ?n ; dcat:distribution ?x } LIMIT 1""")))["n"]
    assert int(total.value) == count(store, GRAPHS["asserted"], GRAPHS["inferred"])
    recorded = read_recorded((bundles[0] / "data" / "metadata.ttl").read_bytes())
    assert recorded["tipgraph.nq"].triples == sum(count(store, n) for n in GRAPHS.values())


def test_metadata_checksums_match_the_files(bundles):
    recorded = read_recorded((bundles[0] / "data" / "metadata.ttl").read_bytes())
    assert set(recorded) == PAYLOAD - {"metadata.ttl"}
    for path, entry in recorded.items():
        assert entry.sha256 == byte_hash(bundles[0] / "data" / path), path
    # The Turtle and the JSON-LD hold the same graph, so their canonical hashes agree.
    assert recorded["tipgraph.ttl"].canonical == recorded["tipgraph.jsonld"].canonical


def test_metadata_names_version_licence_source_and_inputs(bundles, built, project):
    from tipgraph.release import release_info
    info = release_info(Project())
    text = (bundles[0] / "data" / "metadata.ttl").read_text(encoding="utf-8")
    assert f'"{info.version}"' in text and f'"{info.date}"^^xsd:date' in text
    assert "<http://creativecommons.org/publicdomain/zero/1.0/>" in text
    assert "<https://w3id.org/tipgraph/report/promising-practices-2012>" in text
    manifest = stores.read_manifest(stores.current_release(project.build))
    for path, digest in manifest["inputs"].items():
        relative = Path(path).relative_to(ROOT).as_posix()
        assert f'"{relative}"' in text and f'"{digest}"^^xsd:hexBinary' in text
    assert f'"tipgraph {manifest["version"]}"' in text


def test_readme_says_what_version_licence_and_citation(bundles):
    from tipgraph.release import release_info
    info = release_info(Project())
    text = (bundles[0] / "data" / "README.md").read_text(encoding="utf-8")
    report = (ROOT / "data" / "source" / "promising-practices-2012.txt").read_text(encoding="utf-8")
    title = "Promising Practices: A Review of U.S. Government-Funded Anti-Trafficking in Persons Programs"
    assert " ".join(title.split(":")[0].upper().split()) in " ".join(report.split())  # the report's own title
    for needle in (f"Version {info.version}, released {info.date}", title, "CC0 1.0", "How to cite",
                   "tipgraph verify", "manifest-sha256.txt", info.dataset_iri):
        assert needle in text, needle


def test_pack_is_deterministic_and_holds_the_bag(bundles, tmp_path):
    first, second = pack_bundle(bundles[0], tmp_path / "a.zip"), pack_bundle(bundles[0], tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        names = z.namelist()
        assert names == sorted(names) and all(n.startswith(f"{bundles[0].name}/") for n in names)
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.read(f"{bundles[0].name}/data/tipgraph.nq") == (bundles[0] / "data" / "tipgraph.nq").read_bytes()
    with pytest.raises(ArchiveError, match="not a BagIt bag"):
        pack_bundle(tmp_path, tmp_path / "c.zip")


def test_one_figure_names_the_release_everywhere(bundles, store):
    """The checksum of the N-Quads export (what /downloads/tipgraph.nq serves), the RDFC-1.0 hash
    `tipgraph verify` prints for the bundle and a citation's dataset digest are the same SHA-256."""
    from tipgraph.export import export
    from tipgraph.rerun import dataset_digest
    from tipgraph.verify import verify_bundle

    first = bundles[0]
    report = verify_bundle(first)
    assert report.ok
    exported = hashlib.sha256(export(store, "nq")).hexdigest()
    assert exported == report.dataset_hash
    assert dataset_digest(store) == "sha256:" + exported
    assert hashlib.sha256((first / "data" / "tipgraph.nq").read_bytes()).hexdigest() == exported
