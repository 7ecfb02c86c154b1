"""Downloads over HTTP: each export and the release bundle, with strong ETags, 304, HEAD, sizes,
versioned file names, and the DCAT description's sizes and checksums; the JSON-LD context; and a
cited query re-run against the downloaded bundle (``tipgraph rerun``)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import bagit
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, XSD

from tipgraph.cli import main
from tipgraph.export import export
from tipgraph.release import release_info
from tipgraph.web.description import DOWNLOADS

ROOT = Path(__file__).resolve().parents[1]
SPDX = Namespace("http://spdx.org/rdf/terms#")
DATASET = URIRef("https://w3id.org/tipgraph/dataset/tipgraph")
QUERY_01 = (ROOT / "queries" / "01-who-funds-whom-where.rq").read_text(encoding="utf-8")


def strong_etag(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()}"'


@pytest.fixture(scope="module")
def version(project) -> str:
    return release_info(project).version


@pytest.fixture(scope="module")
def bundle_app(server_config):
    """An app that waits for the bundle as long as it takes to make (pySHACL runs in it)."""
    from tipgraph.web import create_app

    application = create_app(server_config.with_(extra={**server_config.extra, "bundle_wait": 600}))
    yield application
    application.extensions["tipgraph"].close()


@pytest.fixture(scope="module")
def bundle_zip(bundle_app, version) -> bytes:
    response = bundle_app.test_client().get(f"/downloads/tipgraph-{version}.zip")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


@pytest.fixture(scope="module")
def bundle_dir(bundle_zip, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("unzipped")
    zipfile.ZipFile(io.BytesIO(bundle_zip)).extractall(out)
    [bag] = [p.parent for p in out.glob("*/bagit.txt")]
    return bag


# --- exports ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_download_is_the_export(client, project, tmp_path, name, version):
    fmt = DOWNLOADS[name].export_format
    out = tmp_path / name
    assert main(["export", "--format", fmt, "--out", str(out), "--build-dir", str(project.build)]) == 0
    response = client.get(f"/downloads/{name}")
    data = response.get_data()
    assert response.status_code == 200 and data == out.read_bytes()
    assert response.headers["ETag"] == strong_etag(data)
    assert response.headers["Content-Length"] == str(len(data))
    stem, ext = name.split(".", 1)
    assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}-{version}.{ext}"'
    assert "no-cache" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_conditional_get_and_head(client, name):
    first = client.get(f"/downloads/{name}")
    again = client.get(f"/downloads/{name}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == first.headers["ETag"]
    other = client.get(f"/downloads/{name}", headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200
    head = client.head(f"/downloads/{name}")
    assert head.status_code == 200 and head.get_data() == b""
    for header in ("ETag", "Content-Length", "Content-Disposition", "Content-Type"):
        assert head.headers[header] == first.headers[header]


def test_etags_are_the_same_in_another_app(client, server_config):
    from tipgraph.web import create_app

    other = create_app(server_config)
    try:
        for name in DOWNLOADS:
            assert other.test_client().get(f"/downloads/{name}").headers["ETag"] == client.get(f"/downloads/{name}").headers["ETag"]
    finally:
        other.extensions["tipgraph"].close()


def test_etags_change_when_the_data_change(client, server_config, store, tmp_path):
    """A release whose asserted graph lacks one statement: every download's ETag differs."""
    from tipgraph.web import create_app

    release = tmp_path / "releases" / "changed"
    release.mkdir(parents=True)
    shutil.copy(server_config.release / "build.json", release / "build.json")
    changed = ox.Store(str(release / "store"))
    changed.load(export(store, "nq"), format=ox.RdfFormat.N_QUADS)
    changed.remove(next(iter(changed.quads_for_pattern(None, None, ox.Literal("Bihar", language="en"), None))))
    changed.flush()
    del changed
    other = create_app(server_config.with_(release=release))
    try:
        for name in DOWNLOADS:
            assert other.test_client().get(f"/downloads/{name}").headers["ETag"] != client.get(f"/downloads/{name}").headers["ETag"]
    finally:
        other.extensions["tipgraph"].close()


def test_unknown_names_are_not_found(client, version):
    for name in ("tipgraph-0.0.0.zip", f"tipgraph-{version}.tar", "tipgraph.zip", "bundle"):
        response = client.get(f"/downloads/{name}")
        assert response.status_code == 404 and f"tipgraph-{version}.zip" in response.get_data(as_text=True)


# --- the dataset description --------------------------------------------------------------------

def description(client) -> Graph:
    return Graph().parse(data=client.get("/.well-known/void").get_data(), format="turtle")


def test_description_sizes_and_checksums_are_the_downloads(bundle_zip, bundle_app, version):
    client = bundle_app.test_client()
    void = description(client)
    checked = set()
    for node in void.objects(DATASET, DCAT.distribution):
        url = void.value(node, DCAT.downloadURL)
        if url is None:
            continue
        response = client.get(urlsplit(str(url)).path)
        data = response.get_data()
        assert void.value(node, DCAT.byteSize) == Literal(str(len(data)), datatype=XSD.nonNegativeInteger)
        checksum = void.value(node, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert void.value(checksum, SPDX.checksumValue) == Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)
        assert str(void.value(node, DCAT.mediaType)).endswith("/" + response.mimetype)
        checked.add(urlsplit(str(url)).path.rsplit("/", 1)[1])
    assert checked == set(DOWNLOADS) | {f"tipgraph-{version}.zip"}


# --- the bundle ---------------------------------------------------------------------------------

def test_bundle_download(bundle_app, bundle_zip, version):
    client = bundle_app.test_client()
    url = f"/downloads/tipgraph-{version}.zip"
    response = client.get(url)
    assert response.mimetype == "application/zip" and response.get_data() == bundle_zip
    assert response.headers["ETag"] == strong_etag(bundle_zip)
    assert response.headers["Content-Length"] == str(len(bundle_zip))
    assert response.headers["Content-Disposition"] == f'attachment; filename="tipgraph-{version}.zip"'
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.headers["ETag"] == response.headers["ETag"]


def test_bundle_is_kept_on_disk_and_served_alike_by_another_app(bundle_app, bundle_zip, server_config, version):
    from tipgraph.web import create_app

    assert (server_config.release / "bundle" / f"tipgraph-{version}.zip").read_bytes() == bundle_zip
    assert not list((server_config.release / "bundle").glob(".making-*"))  # no half-made leftovers
    other = create_app(server_config)
    try:
        response = other.test_client().get(f"/downloads/tipgraph-{version}.zip")
        assert response.headers["ETag"] == strong_etag(bundle_zip)
    finally:
        other.extensions["tipgraph"].close()


def test_bundle_is_a_valid_bag(bundle_dir):
    bag = bagit.Bag(str(bundle_dir))
    assert bag.is_valid()
    bag.validate()  # raises on any problem
    assert main(["verify", str(bundle_dir)]) == 0


# --- citing, then re-running against the bundle --------------------------------------------------

def test_cited_query_reruns_against_the_bundle(client, bundle_dir, capsys):
    made = json.loads(client.get("/cite", query_string={"query": QUERY_01, "format": "json"}).get_data())
    assert main(["rerun", made["permalink"], "--bundle", str(bundle_dir)]) == 0
    assert "reproduced" in capsys.readouterr().out


def test_rerun_fails_on_a_bundle_with_one_triple_changed(client, bundle_dir, tmp_path, capsys):
    made = json.loads(client.get("/cite", query_string={"query": QUERY_01, "format": "json"}).get_data())
    changed = tmp_path / bundle_dir.name
    shutil.copytree(bundle_dir, changed)
    nquads = changed / "data" / "tipgraph.nq"
    text = nquads.read_text(encoding="utf-8")
    assert text.count('"Bihar"@en') >= 1
    nquads.write_text(text.replace('"Bihar"@en', '"Bihar State"@en'), encoding="utf-8")
    assert main(["rerun", made["permalink"], "--bundle", str(changed)]) == 1
    bagit.Bag(str(changed)).save(manifests=True)  # the bag's checksums made to agree: the canonical hash still fails
    assert main(["rerun", made["permalink"], "--bundle", str(changed)]) == 1
    assert "not a valid bundle" in capsys.readouterr().err


def test_rerun_refuses_a_malformed_permalink(bundle_dir, capsys):
    assert main(["rerun", "https://example.org/cite?query=ASK%20%7B%7D&release=0.1.0", "--bundle", str(bundle_dir)]) == 2
    assert "malformed permalink" in capsys.readouterr().err


# --- the JSON-LD context ----------------------------------------------------------------------

def test_jsonld_context(client):
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.get_data() == (ROOT / "ontology" / "context.jsonld").read_bytes()
    assert "@context" in json.loads(response.get_data())
    assert response.headers["ETag"] == strong_etag(response.get_data())
    assert client.get("/context.jsonld", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_bundle_of_a_release_no_longer_current_is_refused(tmp_path, project):
    """Making runs in the background: a request that cannot wait is told to come back (503 in the
    view); a release that is not the build folder's current one is never bundled."""
    from tipgraph.web.bundles import BundleFailed, BundleFile, BundlePending

    release = tmp_path / "releases" / "not-current"
    release.mkdir(parents=True)
    bundle = BundleFile(release, "0.1.0", project)
    with pytest.raises(BundlePending):
        bundle.ready(wait=0)
    with pytest.raises(BundleFailed):
        bundle.ready(wait=120)
    assert not bundle.path.exists() and not list(bundle.path.parent.glob(".*"))
