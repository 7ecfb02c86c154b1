"""Verifying bundles: BagIt checksums catch altered bytes, canonical hashes catch changed triples
but not re-serialisation; pyld's URDNA2015 and pyoxigraph's RDFC-1.0 agree."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime, timezone
from pathlib import Path

import bagit
import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph

from tipgraph.archive import write_bundle
from tipgraph.canonical import canonical_hash, canonical_nquads
from tipgraph.cli import main
from tipgraph.verify import BundleError, bundle_store, verify_bundle

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
GRAPHS = [f"https://w3id.org/tipgraph/graph/{k}" for k in ("asserted", "inferred", "ontology", "shapes")]


@pytest.fixture(scope="module")
def pristine(built, project, tmp_path_factory):
    return write_bundle(project, tmp_path_factory.mktemp("verify") / "bag", now=NOW)


@pytest.fixture
def bag(pristine, tmp_path) -> Path:
    """A fresh copy to tamper with."""
    return Path(shutil.copytree(pristine, tmp_path / "bag"))


def remanifest(bag: Path) -> None:
    """Regenerate the bag's manifests, as someone would after editing a file on purpose."""
    bagit.Bag(str(bag)).save(manifests=True)
    bagit.Bag(str(bag)).validate()


def test_fresh_bundle_verifies(bag):
    report = verify_bundle(bag)
    assert report.ok and not report.problems and not report.notes
    assert [c.name for c in report.checks] == ["bag", "checksums", "metadata", "canonical", "files"]
    assert report.dataset_hash == report.recorded_hash
    expected = hashlib.sha256(canonical_nquads(ox.Dataset(ox.parse(path=str(bag / "data" / "tipgraph.nq"), format=ox.RdfFormat.N_QUADS)))).hexdigest()
    assert report.dataset_hash == expected


def test_reserialised_turtle_still_verifies(bag):
    """Another writer (other prefixes, another statement order): other bytes, the same triples."""
    ttl = bag / "data" / "tipgraph.ttl"
    before = ttl.read_bytes()
    triples = sorted(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE), key=lambda t: str(t.object), reverse=True)
    ttl.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"s": "https://schema.org/"}))
    assert ttl.read_bytes() != before
    remanifest(bag)
    report = verify_bundle(bag)
    assert report.ok, report.problems
    assert any("tipgraph.ttl: re-serialised" in note for note in report.notes)


def test_nquads_rewritten_by_rdflib_still_verify(bag):
    """rdflib relabels the blank nodes and reorders the quads; the canonical hash does not care."""
    from rdflib import Dataset

    nq = bag / "data" / "tipgraph.nq"
    before = nq.read_bytes()
    Dataset().parse(nq, format="nquads").serialize(nq, format="nquads", encoding="utf-8")
    assert nq.read_bytes() != before
    remanifest(bag)
    report = verify_bundle(bag)
    assert report.ok, report.problems


def test_rdflib_turtle_writer_changes_decimal_literals(bag):
    """rdflib's Turtle writer turns "3"^^xsd:decimal into "3.0"^^xsd:decimal: the same value but
    another RDF term, so RDFC-1.0 (which compares terms) rightly reports changed statements, and
    only for that file."""
    ttl = bag / "data" / "tipgraph.ttl"
    original = {str(t) for t in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)}
    Graph().parse(ttl, format="turtle").serialize(ttl, format="turtle")
    rewritten = {str(t) for t in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)}
    assert original - rewritten and all("XMLSchema#decimal" in t for t in original - rewritten)
    remanifest(bag)
    report = verify_bundle(bag)
    assert [c.name for c in report.checks if not c.ok] == ["canonical"]
    assert len(report.problems) == 1 and str(ttl) in report.problems[0]


def test_reserialised_nquads_in_another_order_still_verify(bag):
    nq = bag / "data" / "tipgraph.nq"
    lines = nq.read_text(encoding="utf-8").splitlines()
    nq.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    remanifest(bag)
    assert verify_bundle(bag).ok


def test_one_changed_triple_fails_even_with_fresh_manifests(bag):
    nq = bag / "data" / "tipgraph.nq"
    text = nq.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if '"' in l and "/graph/asserted>" in l)
    changed = line.replace('"', '"X', 1)
    nq.write_text(text.replace(line, changed, 1), encoding="utf-8")
    remanifest(bag)
    report = verify_bundle(bag)
    assert not report.ok
    assert [c.name for c in report.checks if not c.ok] == ["canonical"]
    assert any(str(nq) in p and "statements differ" in p for p in report.problems)
    assert report.dataset_hash != report.recorded_hash


def test_one_altered_file_fails_on_its_checksum(bag):
    ttl = bag / "data" / "tipgraph.ttl"
    ttl.write_bytes(ttl.read_bytes() + b"# a comment changes no triple but changes the bytes\n")
    report = verify_bundle(bag)
    assert not report.ok
    failed = {c.name: c.detail for c in report.checks if not c.ok}
    assert set(failed) == {"checksums"} and str(ttl) in failed["checksums"]


def test_an_edited_readme_fails_even_with_fresh_manifests(bag):
    readme = bag / "data" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("CC0 1.0", "all rights reserved"), encoding="utf-8")
    remanifest(bag)
    report = verify_bundle(bag)
    assert [c.name for c in report.checks if not c.ok] == ["files"]
    assert str(readme) in report.problems[0]


def test_a_missing_file_is_named(bag):
    (bag / "data" / "tipgraph.jsonld").unlink()
    report = verify_bundle(bag)
    assert not report.ok
    assert any("tipgraph.jsonld" in p and "missing" in p for p in report.problems)


def test_a_folder_that_is_not_a_bag(tmp_path):
    report = verify_bundle(tmp_path)
    assert not report.ok and str(tmp_path) in report.problems[0] and "not a BagIt bag" in report.problems[0]
    assert list(tmp_path.iterdir()) == []


def test_bundle_store_has_the_builds_named_graphs(pristine, store):
    bundled = bundle_store(pristine)
    assert {g.value for g in bundled.named_graphs()} == set(GRAPHS)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/tipgraph/ontology#Practice> }"
    for graphs in ([GRAPHS[0]], GRAPHS[:2]):
        default = [ox.NamedNode(g) for g in graphs]
        assert [r["n"] for r in bundled.query(query, default_graph=default)] == \
               [r["n"] for r in store.query(query, default_graph=default)]
    assert next(iter(bundled.query(query, default_graph=[ox.NamedNode(GRAPHS[0])])))["n"].value == "15"


def test_bundle_store_names_a_missing_file(tmp_path):
    with pytest.raises(BundleError, match="tipgraph.nq"):
        bundle_store(tmp_path)


# --- the canonical hash itself ---------------------------------------------------------------------

def pyld_hash(nquads: str) -> str:
    out = jsonld.normalize(nquads, {"algorithm": "URDNA2015", "inputFormat": "application/n-quads",
                                    "format": "application/n-quads"})
    return hashlib.sha256(out.encode("utf-8")).hexdigest()


def test_pyld_and_pyoxigraph_agree_on_the_release(pristine):
    nq = (pristine / "data" / "tipgraph.nq").read_text(encoding="utf-8")
    assert "_:" in nq  # the ontology's and shapes' blank nodes make canonicalisation matter
    assert pyld_hash(nq) == verify_bundle(pristine).dataset_hash


AWKWARD = ["a \"quoted\" word", "two\nlines\r\nand a tab\t", "ends ]]> here", "عربي", "हिन्दी", "漢字", "😀", "back\\slash"]


def awkward_dataset(labels: list[str]) -> ox.Dataset:
    d = ox.Dataset()
    for i, text in enumerate(labels):
        node = ox.BlankNode(f"b{i}")
        d.add(ox.Quad(node, ox.NamedNode("http://example.org/label"), ox.Literal(text), ox.NamedNode("http://example.org/g")))
        d.add(ox.Quad(node, ox.NamedNode("http://example.org/next"), ox.BlankNode(f"b{(i + 1) % len(labels)}"), ox.DefaultGraph()))
    d.add(ox.Quad(ox.BlankNode("b0"), ox.NamedNode("http://example.org/l"), ox.Literal("hi", language="en"), ox.DefaultGraph()))
    return d


def test_pyld_and_pyoxigraph_agree_on_awkward_literals_and_blank_node_cycles():
    d = awkward_dataset(AWKWARD)
    assert pyld_hash(ox.serialize(list(d), format=ox.RdfFormat.N_QUADS).decode("utf-8")) == canonical_hash(d)


def test_control_characters_are_escaped_as_rdf_1_2_says():
    """pyld 3.3 writes U+0001 raw in its canonical N-Quads; RDF 1.2's canonical form (and so this
    hash) writes it as \\u0001. Both give the same canonical labels; only the escaping differs."""
    d = awkward_dataset(["control \x01 character"])
    assert b'"control \\u0001 character"' in canonical_nquads(d)


def test_blank_node_labels_do_not_change_the_hash():
    first = awkward_dataset(AWKWARD)
    relabelled = ox.Dataset(ox.Quad(*(ox.BlankNode("z" + t.value) if isinstance(t, ox.BlankNode) else t for t in (q.subject, q.predicate, q.object)), q.graph_name) for q in first)
    assert canonical_hash(relabelled) == canonical_hash(first)
    changed = awkward_dataset(AWKWARD[:-1] + ["back/slash"])
    assert canonical_hash(changed) != canonical_hash(first)


# --- the commands ----------------------------------------------------------------------------------

def test_cli_archive_and_verify(built, project, tmp_path, capsys):
    out = tmp_path / "bundle"
    assert main(["archive", "--out", str(out), "--build-dir", str(project.build)]) == 0
    printed = capsys.readouterr().out
    assert "data/tipgraph.nq" in printed and str((out / "data" / "tipgraph.nq").stat().st_size) in printed
    assert main(["verify", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("ok  ") == 5 and "verified" in printed
    (out / "data" / "tipgraph.ttl").write_text("changed", encoding="utf-8")
    assert main(["verify", str(out)]) == 1
    captured = capsys.readouterr()
    assert "FAIL checksums" in captured.out and str(out / "data" / "tipgraph.ttl") in captured.err


def test_cli_bad_input(built, project, tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nowhere")]) == 1
    assert str(tmp_path / "nowhere") in capsys.readouterr().err
    (tmp_path / "mine.txt").write_text("keep")
    assert main(["archive", "--out", str(tmp_path), "--build-dir", str(project.build)]) == 1
    assert "is not a BagIt bag" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    assert main(["archive", "--build-dir", str(tmp_path / "no-build")]) == 1
    assert "tipgraph build" in capsys.readouterr().err
