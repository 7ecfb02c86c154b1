"""Build and validate: what a good build writes, and how bad data fail without losing anything.

Each bad case is a contributor's file added to a copy of the data: ``build`` must fail, name the
problem and the file, and leave the previous release current and answering queries; ``validate``
must fail the same way without writing anything.
"""

from __future__ import annotations

import json
import os
import time
import shutil
from pathlib import Path

import pytest

from tipgraph import store as stores
from tipgraph.build import build, is_up_to_date
from tipgraph.cli import main
from tipgraph.project import Project
from tipgraph.query import run

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """@prefix tg: <https://w3id.org/tipgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix place: <https://w3id.org/tipgraph/place/> .
@prefix practice: <https://w3id.org/tipgraph/practice/> .
@prefix ex: <https://w3id.org/tipgraph/contrib/> .
"""
SECTION = "<https://w3id.org/tipgraph/report/promising-practices-2012/public-awareness-india/results>"

BAD_CASES = {
    "no-funder": (PREFIXES + f"""
ex:practice a tg:Practice ; rdfs:label "A practice with no funder"@en ;
    tg:locatedIn place:IN ; tg:source {SECTION} .
""", "A practice needs at least one funder"),
    "percentage-140": (PREFIXES + f"""
ex:obs a tg:Observation ; qb:dataSet <https://w3id.org/tipgraph/dataset/figures> ;
    tg:ofPractice practice:public-awareness-india ;
    tg:indicator <https://w3id.org/tipgraph/indicator/public-awareness-india/heard-term-bonded-labour> ;
    tg:measurementPoint <https://w3id.org/tipgraph/concept/measurement-point/endline> ;
    tg:figureKind <https://w3id.org/tipgraph/concept/figure-kind/outcome> ;
    tg:value 140.0 ; tg:unit <https://w3id.org/tipgraph/concept/unit/percent> ;
    tg:population "respondents" ; tg:quote "140 percent" ; tg:source {SECTION} .
""", "A percentage must lie between 0 and 100; 140 does not."),
    "iso-code-xx": (PREFIXES + """
place:XX a tg:Country ; rdfs:label "Nowhere"@en ; tg:iso3166Alpha2 "XX" .
""", "assigned ISO 3166-1 alpha-2 code"),
    "end-before-start": (PREFIXES + """
ex:phase a tg:Phase ; rdfs:label "A phase that ends before it starts"@en ;
    tg:startDate "2009"^^xsd:gYear ; tg:endDate "2006"^^xsd:gYear .
""", "The end date 2006 is before the start date 2009."),
    "malformed-turtle": (PREFIXES + """
ex:thing a tg:Practice ;
    rdfs:label "unterminated
""", "not valid Turtle"),
}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """A data copy, and a build folder holding one good release of it."""
    base = tmp_path_factory.mktemp("good")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    build_dir = base / "build"
    assert main(["build", "--data", str(data), "--build-dir", str(build_dir)]) == 0
    return data, build_dir


def funders_answered(build_dir: Path) -> int:
    store = stores.open_store(stores.current_release(build_dir) / "store")
    query = (ROOT / "queries" / "01-who-funds-whom-where.rq").read_text()
    return len(list(run(store, query)))


def test_build_writes_store_dump_and_manifest(built, project):
    release = stores.current_release(project.build)
    manifest = json.loads((release / "build.json").read_text())
    assert manifest["instances"]["tg:Practice"] == 15
    assert manifest["triples"]["graph/asserted"] > 0 and manifest["triples"]["graph/inferred"] > 0
    assert (release / "dataset.nq").read_text().count("\n") == sum(manifest["triples"].values())
    assert built.release == release


def test_build_if_needed_skips_an_up_to_date_build(built, project, capsys):
    assert is_up_to_date(project)
    release = stores.current_release(project.build)
    assert main(["build", "--if-needed", "--build-dir", str(project.build)]) == 0
    assert "up to date" in capsys.readouterr().err
    assert stores.current_release(project.build) == release


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_data_fail_the_build_and_lose_nothing(good_build, case, capsys):
    data, build_dir = good_build
    text, problem = BAD_CASES[case]
    added = data / "curated" / "practices" / f"99-{case}.ttl"
    before = stores.current_release(build_dir)
    rows = funders_answered(build_dir)
    added.write_text(text, encoding="utf-8")
    try:
        assert main(["build", "--data", str(data), "--build-dir", str(build_dir)]) == 1
    finally:
        added.unlink()
    err = capsys.readouterr().err
    assert problem in err
    assert f"data/curated/practices/99-{case}.ttl" in err
    assert "Traceback" not in err
    assert stores.current_release(build_dir) == before
    assert funders_answered(build_dir) == rows == 24
    assert not [p for p in (build_dir / "releases").iterdir() if p.name.startswith(".incomplete")]


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_contributions_fail_validate(tmp_path, case, capsys):
    text, problem = BAD_CASES[case]
    contribution = tmp_path / f"{case}.ttl"
    contribution.write_text(text, encoding="utf-8")
    assert main(["validate", str(contribution)]) == 1
    out = capsys.readouterr()
    assert problem in out.err
    assert str(contribution) in out.err


def test_a_good_contribution_validates(tmp_path, capsys):
    contribution = tmp_path / "good.ttl"
    contribution.write_text(PREFIXES + """
place:FR a tg:Country ; rdfs:label "France"@en ; tg:iso3166Alpha2 "FR" .
""", encoding="utf-8")
    assert main(["validate", str(contribution)]) == 0
    assert "conforms" in capsys.readouterr().out


def test_contradicting_data_fail_the_build(good_build, capsys):
    data, build_dir = good_build
    added = data / "curated" / "practices" / "99-contradiction.ttl"
    added.write_text("""<https://w3id.org/tipgraph/org/usaid> a <https://w3id.org/tipgraph/ontology#Practice> .\n""", encoding="utf-8")
    before = stores.current_release(build_dir)
    try:
        assert main(["build", "--data", str(data), "--build-dir", str(build_dir)]) == 1
    finally:
        added.unlink()
    err = capsys.readouterr().err
    assert "contradict the ontology" in err and "usaid" in err
    assert stores.current_release(build_dir) == before


def test_a_second_good_build_replaces_the_first_and_keeps_one_before(good_build):
    data, build_dir = good_build
    first = stores.current_release(build_dir)
    result = build(Project().with_(data=data, build=build_dir))
    assert result.release != first and stores.current_release(build_dir) == result.release
    assert first.exists()


def test_m49_regions_the_data_name_are_described(tmp_path):
    """A known M49 region named only in the data (as subject or object) gets its chain; an unknown
    code is left alone."""
    from tipgraph.build import check

    contribution = tmp_path / "regions.ttl"
    contribution.write_text(PREFIXES + """
ex:a rdfs:seeAlso place:m49-057 , place:m49-999 .
place:m49-061 rdfs:comment "named as a subject only" .
""", encoding="utf-8")
    store = check(Project(), [contribution]).store
    typed = {row["r"].value.rsplit("-", 1)[1] for row in store.query(
        "SELECT ?r WHERE { GRAPH ?g { ?r a <https://w3id.org/tipgraph/ontology#M49Region> } }")}
    assert {"057", "061", "009"} <= typed
    assert "999" not in typed


# --- is_up_to_date: unchanged inputs are known by their stat, changed ones by their hash ---------------

def _copy_and_build(tmp_path, age_s: float) -> Project:
    """A build of a copy of the data whose files were last changed ``age_s`` seconds ago."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    when = time.time_ns() - int(age_s * 1e9)
    for path in data.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(when, when))
    project = Project().with_(data=data, build=tmp_path / "build")
    build(project)
    return project


def test_unchanged_inputs_are_not_read_again(tmp_path, monkeypatch):
    project = _copy_and_build(tmp_path, age_s=3600)
    import tipgraph.build as building

    monkeypatch.setattr(building, "_sha256", lambda path: pytest.fail(f"{path} was read again"))
    assert is_up_to_date(project)


def test_touched_edited_added_and_removed_inputs(tmp_path):
    project = _copy_and_build(tmp_path, age_s=3600)
    slips = project.data / "curated" / "slips.ttl"
    os.utime(slips)  # a new mtime, the same bytes: hashed, and still the same
    assert is_up_to_date(project)
    extra = project.data / "curated" / "extra.ttl"
    extra.write_text("# nothing yet\n", encoding="utf-8")
    assert not is_up_to_date(project)
    extra.unlink()
    assert is_up_to_date(project)
    slips.write_text(slips.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert not is_up_to_date(project)


def test_an_edit_that_keeps_size_and_mtime_is_seen_when_racy(tmp_path):
    """Files changed just before the build (within RACY_NS of hashing) are always hashed again, so an
    edit in the same clock tick that keeps the size and the mtime is still caught."""
    project = _copy_and_build(tmp_path, age_s=0)
    slips = project.data / "curated" / "slips.ttl"
    before = slips.stat()
    text = slips.read_bytes()
    index = text.index(b"Slip")
    slips.write_bytes(text[:index] + b"slip" + text[index + 4:])
    os.utime(slips, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert slips.stat().st_size == before.st_size
    assert not is_up_to_date(project)
