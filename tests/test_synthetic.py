"""The synthetic data generator: reproducible bytes, valid N-Triples, and data that the real build accepts."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from tipgraph import store as stores
from tipgraph.build import build
from tipgraph.namespaces import BASE, PLACE, TG
from tipgraph.project import Project
from tipgraph.synthetic import COUNTRIES, generate, referenced_iris, write_dataset

DATA = Project().data
N = 40


def nt(n: int, seed: int) -> str:
    return "".join(" ".join(t) + " .\n" for t in generate(n, seed))


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first = write_dataset(DATA, tmp_path / "a", 25, seed=3).read_bytes()
    second = write_dataset(DATA, tmp_path / "b", 25, seed=3).read_bytes()
    other = write_dataset(DATA, tmp_path / "c", 25, seed=4).read_bytes()
    assert first == second
    assert first != other
    assert nt(25, 3) == nt(25, 3) != nt(25, 4)
    assert first.decode("utf-8").split("\n", 2)[2] == nt(25, 3)  # the file is the generator's output under a comment


def test_counts_and_ranges_hold_over_many_practices():
    """What the build test cannot afford to check at scale, on 2,000 practices without reasoning."""
    store = ox.Store()
    store.load(nt(2000, 5).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)

    def counts(pattern: str) -> list[int]:
        rows = store.query(f"PREFIX tg: <{TG._NS}> SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?p a tg:Practice . "
                           f"OPTIONAL {{ {pattern} }} }} GROUP BY ?p")
        return [int(row["n"].value) for row in rows]

    def within(values: list[int], low: int, high: int) -> bool:
        return len(values) == 2000 and low == min(values) and max(values) == high

    assert within(counts("?x tg:fundedPractice ?p"), 1, 2)
    assert within(counts("?p tg:locatedIn ?x"), 1, 4)
    assert within(counts("?p tg:component ?x"), 1, 4)
    assert within(counts("?x tg:ofPractice ?p"), 2, 8)
    assert within(counts("{ ?f tg:fundedPractice ?p ; tg:recipient ?x } UNION { ?p tg:implementedBy ?x }"), 1, 3)
    assert within(counts("?p tg:hasPartner ?x"), 0, 3)
    assert within(counts("?x tg:ofPractice ?p ; tg:measurementPoint <" + BASE + "concept/measurement-point/baseline>"), 1, 4)
    bad = store.query(f"""PREFIX tg: <{TG._NS}> ASK {{
        {{ ?o tg:unit <{BASE}concept/unit/percent> ; tg:value ?v FILTER (?v < 0 || ?v > 100) }}
        UNION {{ ?o tg:value ?v FILTER (?v < 0 || DATATYPE(?v) != <http://www.w3.org/2001/XMLSchema#decimal>) }}
        UNION {{ ?x tg:startDate ?s ; tg:endDate ?e FILTER (STR(?e) < STR(?s)) }}
        UNION {{ ?x tg:startDate|tg:endDate|tg:refYear ?y FILTER (STR(?y) < "1995" || STR(?y) > "2030") }}
        UNION {{ ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }}
        UNION {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{BASE}") && !CONTAINS(STR(?s), "synthetic"))
                 FILTER NOT EXISTS {{ ?s a tg:Country }} }} }}""")  # about real nodes: only country declarations
    assert not bool(bad)
    words = [len(row["t"].value.split()) for row in store.query(f"PREFIX tg: <{TG._NS}> SELECT ?t WHERE {{ ?s tg:text ?t }}")]
    assert len(words) == 3 * 2000 and 80 <= sum(words) / len(words) <= 130


def test_bytes_do_not_depend_on_the_process():
    """No set or hash order leaks into the output: other hash seeds, same bytes."""
    script = "import hashlib, sys; from tipgraph.synthetic import generate; " \
             "print(hashlib.sha256(''.join(' '.join(t) + ' .\\n' for t in generate(200, 9)).encode()).hexdigest())"
    digests = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, check=True).stdout for seed in ("1", "2")}
    assert digests == {hashlib.sha256(nt(200, 9).encode()).hexdigest() + "\n"}


def test_the_file_parses_with_exactly_n_practices_and_no_blank_nodes(tmp_path):
    path = write_dataset(DATA, tmp_path / "out", 30, seed=1)
    assert path == tmp_path / "out" / "curated" / "practices" / "synthetic-30-seed1.ttl"
    graph = Graph().parse(path, format="nt")
    practices = set(graph.subjects(RDF.type, TG.Practice))
    assert len(practices) == 30
    assert all(str(p).startswith(BASE + "practice/synthetic-") for p in practices)
    assert sorted(int(o) for p in practices for o in graph.objects(p, TG.ordinal)) == list(range(16, 46))
    assert not [t for t in graph if any(not isinstance(term, (URIRef, Literal)) for term in t)]
    # N-Triples is Turtle too, which is what the loader reads.
    assert len(Graph().parse(path, format="turtle")) == len(graph)


def test_the_copy_holds_the_project_data(tmp_path):
    out = tmp_path / "out"
    write_dataset(DATA, out, 2)
    copied = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and not p.name.startswith("synthetic-"))
    assert copied == sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file() and not p.name.startswith("synthetic-"))


def test_literals_are_escaped():
    from tipgraph.synthetic import _text

    assert Graph().parse(data=f'<{BASE}x> <{BASE}y> {_text(chr(34) + "a" + chr(92) + chr(10) + "é")} .\n', format="nt")


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "file").write_text("x")
    with pytest.raises(FileExistsError):
        write_dataset(DATA, tmp_path / "out", 1)


def test_refuses_data_that_lack_what_it_refers_to(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(ValueError, match="does not declare"):
        write_dataset(tmp_path / "data", tmp_path / "out", 1)


def test_every_referenced_node_is_declared_by_the_project_data():
    graph = Graph()
    for path in [DATA / "concepts.ttl", *sorted((DATA / "curated").glob("*.ttl"))]:
        graph.parse(path, format="turtle")
    subjects = {str(s) for s in graph.subjects()}
    assert not [iri for iri in referenced_iris() if iri not in subjects]


def test_countries_exist_and_agree_with_the_curated_places():
    with (DATA / "reference" / "country-codes.csv").open(encoding="utf-8", newline="") as handle:
        codes = {row["ISO3166-1-Alpha-2"] for row in csv.DictReader(handle)}
    assert not [code for code, _ in COUNTRIES if code not in codes]
    places = Graph().parse(DATA / "curated" / "places.ttl", format="turtle")
    for code, label in COUNTRIES:
        curated = list(places.objects(PLACE[code], RDFS.label))
        assert curated in ([], [Literal(label, lang="en")]), code


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory):
    """The project's data plus N synthetic practices, built by the real pipeline."""
    root = tmp_path_factory.mktemp("synthetic")
    write_dataset(DATA, root / "data", N, seed=7)
    project = Project().with_(data=root / "data", build=root / "build")
    result = build(project)
    return result, stores.open_store(stores.current_release(project.build) / "store")


def ask(store, where: str) -> list:
    query = f"PREFIX tg: <{TG._NS}> PREFIX org: <http://www.w3.org/ns/org#> SELECT * WHERE {{ {where} }}"
    return list(store.query(query, default_graph=[_node(g) for g in stores.GRAPH_SELECTIONS["default"]]))


def _node(iri):
    import pyoxigraph as ox

    return ox.NamedNode(str(iri))


def test_the_generated_folder_builds_without_violations(synthetic_build):
    result, _ = synthetic_build
    manifest = json.loads((result.release / "build.json").read_text(encoding="utf-8"))
    assert manifest["instances"]["tg:Practice"] == 15 + N
    assert result.instances["tg:Practice"] == 15 + N


def test_every_synthetic_practice_has_a_funder_after_reasoning(synthetic_build):
    _, store = synthetic_build
    unfunded = ask(store, f"""?p a tg:Practice . FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")
                              FILTER NOT EXISTS {{ ?p tg:fundedBy ?f }}""")
    funded = ask(store, f"""?p a tg:Practice ; tg:fundedBy ?f . FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")""")
    assert not unfunded
    assert len({row["p"] for row in funded}) == N


def test_places_roll_up_to_m49_regions(synthetic_build):
    _, store = synthetic_build
    outside = ask(store, f"""?p a tg:Practice . FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")
                             FILTER NOT EXISTS {{ ?p tg:locatedWithin ?r . FILTER STRSTARTS(STR(?r), "{BASE}place/m49-") }}""")
    assert not outside
    continents = ask(store, f"""?p tg:locatedWithin ?r . ?r tg:m49Code ?code .
                                FILTER (?code IN ("002", "009", "019", "142", "150"))
                                FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")""")
    assert len({row["r"] for row in continents}) >= 3  # places across regions


def test_baseline_and_endline_pairs_share_an_indicator(synthetic_build):
    _, store = synthetic_build
    pairs = ask(store, f"""?b tg:indicator ?i ; tg:measurementPoint <{BASE}concept/measurement-point/baseline> ; tg:value ?before .
                           ?e tg:indicator ?i ; tg:measurementPoint <{BASE}concept/measurement-point/endline> ; tg:value ?after .
                           FILTER STRSTARTS(STR(?i), "{BASE}indicator/synthetic-")""")
    assert len(pairs) >= N  # every practice has at least one pair


def test_funders_include_units_of_agencies(synthetic_build):
    _, store = synthetic_build
    state = ask(store, f"""?p tg:fundedWithin <{BASE}org/us-department-of-state> ; tg:fundedBy ?unit .
                           ?unit org:unitOf <{BASE}org/us-department-of-state> .
                           FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")""")
    assert state
    # A unit of a unit: its funding is found under the top agency too.
    deep = ask(store, f"""?p tg:fundedBy ?unit . ?unit org:unitOf ?middle . ?middle org:unitOf ?top .
                          FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")
                          OPTIONAL {{ ?p tg:fundedWithin ?reached . FILTER (?reached = ?top) }}""")
    assert deep and all(row["reached"] is not None for row in deep)
    funders = ask(store, f"""?p tg:fundedBy ?f . FILTER STRSTARTS(STR(?p), "{BASE}practice/synthetic-")""")
    assert len({row["f"] for row in funders}) >= 10
