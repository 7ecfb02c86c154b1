"""The build folder: atomic publishing, pruning, and cleanup after a crashed build."""

import os

import pytest
from rdflib import Graph, Literal, URIRef

from tipgraph import store as stores
from tipgraph.namespaces import GRAPH_ASSERTED


def release(build_dir, label):
    staging = stores.new_release_dir(build_dir)
    g = Graph()
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal(label)))
    stores.write_store(staging / "store", {GRAPH_ASSERTED: g})
    return staging


def test_publish_switches_current_and_keeps_one_release_before(tmp_path):
    published = [stores.publish(tmp_path, release(tmp_path, str(i))) for i in range(3)]
    assert stores.current_release(tmp_path) == published[-1]
    assert sorted(p for p in (tmp_path / "releases").iterdir()) == published[1:]
    store = stores.open_store(published[-1] / "store")
    assert [q.object.value for q in store.quads_for_pattern(None, None, None, None)] == ["2"]


def test_discarded_staging_never_becomes_current(tmp_path):
    first = stores.publish(tmp_path, release(tmp_path, "good"))
    stores.discard(release(tmp_path, "bad"))
    assert stores.current_release(tmp_path) == first
    assert not list((tmp_path / "releases").glob(".incomplete-*"))


def test_a_crashed_builds_staging_is_removed_but_a_live_ones_is_kept(tmp_path):
    releases = tmp_path / "releases"
    releases.mkdir()
    dead = releases / ".incomplete-20260101T000000-999999999-1"
    live = releases / f".incomplete-20260101T000000-{os.getpid()}-2"
    dead.mkdir(), live.mkdir()
    stores.discard(stores.new_release_dir(tmp_path))
    assert not dead.exists() and live.exists()


def test_no_build_is_a_clear_error(tmp_path):
    with pytest.raises(stores.NoBuildError, match="tipgraph build"):
        stores.current_release(tmp_path)
    with pytest.raises(stores.NoBuildError, match="tipgraph build"):
        stores.open_store(tmp_path / "store")


def test_the_streamed_dump_has_the_same_bytes_as_the_sorted_one(tmp_path):
    import pyoxigraph as ox

    store = ox.Store()
    for i, text in enumerate(["b", "a", "Ελληνικά", "z\\n", "中文", "A"]):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/{i % 3}"), ox.NamedNode("https://example.org/p"), ox.Literal(text),
                          ox.NamedNode("https://example.org/g")))
    stores.write_sorted_nquads(store, tmp_path / "dump.nq")
    assert (tmp_path / "dump.nq").read_bytes() == stores.sorted_nquads(store)
    assert not list(tmp_path.glob("*.unsorted"))
