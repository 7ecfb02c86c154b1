"""The release identity: one version and one date, read from the ontology file, and served."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, XSD

from tipgraph.project import Project
from tipgraph.release import ReleaseError, ReleaseInfo, release_info, release_info_from_store

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "tipgraph.ttl"
ONTOLOGY = URIRef("https://w3id.org/tipgraph/ontology")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # open: DCAT 3 terms rdflib lacks


def expected():
    """The version and date as the ontology file states them, read with rdflib (not the code under test)."""
    g = Graph().parse(ONTOLOGY_FILE)
    return str(g.value(ONTOLOGY, OWL.versionInfo)), g.value(ONTOLOGY, DCTERMS.issued)


def test_release_is_read_from_the_ontology_file():
    version, issued = expected()
    info = release_info(Project())
    assert issued.datatype == XSD.date
    assert info == ReleaseInfo(version, str(issued), f"https://w3id.org/tipgraph/dataset/tipgraph/{version}")
    assert re.fullmatch(r"\d+\.\d+\.\d+", info.version) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.date)


def test_version_iri_agrees_with_the_version():
    g = Graph().parse(ONTOLOGY_FILE)
    assert str(g.value(ONTOLOGY, OWL.versionIRI)).endswith("/" + release_info(Project()).version)


def test_the_version_is_stated_in_one_file_only():
    """No other asset repeats the version or date (they would drift)."""
    version, issued = expected()
    for path in [*(ROOT / "data").rglob("*.ttl"), ROOT / "ontology" / "shapes.ttl", ROOT / "ontology" / "context.jsonld"]:
        text = path.read_text(encoding="utf-8")
        assert f'"{version}"' not in text and f'"{issued}"' not in text, path


def test_release_of_a_build_comes_from_its_ontology_graph(store):
    assert release_info_from_store(store) == release_info(Project())


HEADER = """@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/tipgraph/ontology> a owl:Ontology ; {body} ."""


@pytest.mark.parametrize("body, message", [
    ('owl:versionInfo "0.1.0"', "no dcterms:issued"),
    ('dcterms:issued "2026-01-02"^^xsd:date', "no owl:versionInfo"),
    ('owl:versionInfo "1.0" ; dcterms:issued "2026-01-02"^^xsd:date', "not a semantic version"),
    ('owl:versionInfo "1.0.0" ; dcterms:issued "2026-02-30"^^xsd:date', "not an xsd:date"),
    ('owl:versionInfo "1.0.0" ; dcterms:issued "2026-01-02"', "not an xsd:date"),
    ('owl:versionInfo "1.0.0", "1.0.1" ; dcterms:issued "2026-01-02"^^xsd:date', "2 values of owl:versionInfo"),
    ('owl:versionInfo "1.0.0" ; dcterms:issued "2026-01-02"^^xsd:date ; owl:versionIRI <https://w3id.org/tipgraph/ontology/0.9.0>',
     "does not end in the version"),
])
def test_a_bad_release_statement_is_refused(tmp_path, body, message):
    path = tmp_path / "tipgraph.ttl"
    path.write_text(HEADER.format(body=body), encoding="utf-8")
    with pytest.raises(ReleaseError, match=message) as error:
        release_info(Project().with_(ontology=path))
    assert str(path) in str(error.value)


def test_a_good_release_statement_is_read(tmp_path):
    path = tmp_path / "tipgraph.ttl"
    path.write_text(HEADER.format(body='owl:versionInfo "2.3.4-rc.1" ; dcterms:issued "2027-03-04"^^xsd:date'), encoding="utf-8")
    assert release_info(Project().with_(ontology=path)) == ReleaseInfo(
        "2.3.4-rc.1", "2027-03-04", "https://w3id.org/tipgraph/dataset/tipgraph/2.3.4-rc.1")


def test_served_description_carries_version_and_release_date(store, project, built):
    from tipgraph import store as stores
    from tipgraph.web.description import void_description

    manifest = stores.read_manifest(stores.current_release(project.build))
    g = void_description(store, manifest, "http://localhost/", "http://localhost")
    ds = URIRef("http://localhost/dataset/tipgraph")
    version, issued = expected()
    assert set(g.objects(ds, DCAT.version)) == {Literal(version)}
    assert set(g.objects(ds, OWL.versionInfo)) == {Literal(version)}
    assert set(g.objects(ds, DCTERMS.issued)) == {Literal(str(issued), datatype=XSD.date)}
    # The build time is the modification date, not the release date.
    assert set(g.objects(ds, DCTERMS.modified)) == {Literal(manifest["built"], datatype=XSD.dateTime)}
    release = URIRef(f"https://w3id.org/tipgraph/dataset/tipgraph/{version}")
    assert (ds, DCAT.hasVersion, release) in g and (release, DCTERMS.isVersionOf, ds) in g


def test_a_store_without_a_release_is_described_without_one():
    from tipgraph.web.description import void_description

    g = void_description(ox.Store(), {}, "http://localhost/", "http://localhost")
    assert not list(g.objects(URIRef("http://localhost/dataset/tipgraph"), DCAT.version))
