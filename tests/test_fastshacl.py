"""fastshacl against the reference, validate.validate (pySHACL): the very same Result tuples.

* every fixture of tests/shapes/ (tt:Expect nodes taken out as test_shapes does);
* the report's data, asserted + inferred (one warning: the South Africa practice's implementer),
  through validate_fast and through validate_store over the two named graphs of a build;
* synthetic practices (tipgraph.synthetic, n=200, reasoned with owlrl) seeded with known
  violations: a percentage of 140, a country "XX", an end before the start, a practice without
  funder, a second label;
* features shapes.ttl does not use (sh:and, sh:not, sh:nodeKind, ranges, sh:lessThan, targets,
  blank nodes, ill-typed literals, ...), and literals rdflib tells apart but Oxigraph does not;
* UnsupportedShape for what fastshacl does not implement.

Timings are printed (run with -s); the slow ones (1,000 and 10,000 synthetic practices, where
pySHACL alone takes minutes) run only with TIPGRAPH_TIMINGS=1.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from test_shapes import FIXTURE_FILES, parse_fixture, rel

from tipgraph.assemble import assemble, data_files
from tipgraph.fastshacl import (
    LookAlikeLiterals,
    UnsupportedShape,
    validate_fast,
    validate_store,
)
from tipgraph.reason import infer
from tipgraph.validate import validate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "tipgraph.ttl"
TG = Namespace("https://w3id.org/tipgraph/ontology#")
PERCENT = URIRef("https://w3id.org/tipgraph/concept/unit/percent")
TIMINGS = os.environ.get("TIPGRAPH_TIMINGS") == "1"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def report_graphs() -> tuple[Graph, Graph]:
    """The report's data as a build has it: (asserted, inferred)."""
    asserted = assemble(DATA).graph
    return asserted, infer(Graph().parse(ONTOLOGY_FILE, format="turtle"), asserted)


def timed(func, *args):
    start = time.perf_counter()
    value = func(*args)
    return value, time.perf_counter() - start


def same_results(data: Graph, shapes: Graph, label: str):
    """Both validators on one graph: the results must be equal, tuple for tuple."""
    reference, slow = timed(validate, data, shapes)
    fast, quick = timed(validate_fast, data, shapes)
    print(f"\n{label}: {len(data):,} triples, {len(reference.results)} results; pySHACL {slow:.2f} s, fastshacl {quick:.2f} s")
    only_reference = sorted(set(reference.results) - set(fast.results))
    only_fast = sorted(set(fast.results) - set(reference.results))
    assert not only_reference and not only_fast, (
        f"{label}: results differ\n  only pySHACL:\n" + "\n".join(f"    {r}" for r in only_reference)
        + "\n  only fastshacl:\n" + "\n".join(f"    {r}" for r in only_fast))
    assert fast.results == reference.results and fast.conforms == reference.conforms
    return fast


# --- 1. every shape fixture ------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[rel(p) for p in FIXTURE_FILES])
def test_fixture_gives_pyshacls_results(path: Path, shapes: Graph):
    data, _ = parse_fixture(path)
    same_results(data, shapes, rel(path))


# --- 2. the report's data ------------------------------------------------------------------------------


def test_report_data_gives_pyshacls_results(report_graphs, shapes: Graph):
    asserted, inferred = report_graphs
    report = same_results(asserted + inferred, shapes, "report, asserted + inferred")
    assert [(r.severity, r.path) for r in report.results] == [("Warning", str(TG.implementedBy))]
    assert "south-africa" in report.results[0].focus


def test_validate_store_over_a_builds_named_graphs(report_graphs, shapes: Graph):
    asserted, inferred = report_graphs
    store = ox.Store()
    names = [ox.NamedNode("urn:test:asserted"), ox.NamedNode("urn:test:inferred")]
    for name, graph in zip(names, (asserted, inferred)):
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    report = validate_store(store, names, shapes)
    assert report.results == validate(asserted + inferred, shapes).results
    assert (report.conforms, len(report.results)) == (True, 1)
    assert validate_store(store, names[:1], shapes).violations, "the asserted graph alone lacks inferred facts"


# --- 3. synthetic practices with known violations ---------------------------------------------------


def _first(graph: Graph, subjects, test=lambda s: True):
    found = sorted((s for s in set(subjects) if test(s)), key=str)
    assert found, "the generated data has nothing to seed this violation into"
    return found[0]


def seed_violations(graph: Graph) -> dict[str, tuple[str, str, str]]:
    """Edit the graph in place; return what each seeded violation must give: (focus, path, component)."""
    sh = "http://www.w3.org/ns/shacl#"
    practices = set(graph.subjects(RDF.type, TG.Practice))
    observation = _first(graph, graph.subjects(TG.value, None), lambda o: (o, TG.minValue, None) not in graph)
    graph.remove((observation, TG.unit, None))
    graph.remove((observation, TG.value, None))
    graph.add((observation, TG.unit, PERCENT))
    graph.add((observation, TG.value, Literal("140.0", datatype=XSD.decimal)))
    country = _first(graph, graph.subjects(RDF.type, TG.Country))
    graph.remove((country, TG.iso3166Alpha2, None))
    graph.add((country, TG.iso3166Alpha2, Literal("XX")))
    dated = _first(graph, graph.subjects(TG.startDate, None), lambda p: p in practices)
    graph.remove((dated, TG.startDate, None))
    graph.remove((dated, TG.endDate, None))
    graph.add((dated, TG.startDate, Literal("2012", datatype=XSD.gYear)))
    graph.add((dated, TG.endDate, Literal("2011-06", datatype=XSD.gYearMonth)))
    unfunded = _first(graph, practices, lambda p: p != dated)
    graph.remove((unfunded, TG.fundedBy, None))
    twice = _first(graph, practices, lambda p: p not in (dated, unfunded))
    graph.add((twice, RDFS.label, Literal("A second name", lang="en")))
    return {
        "percentage of 140": (str(observation), str(TG.value), sh + "SPARQLConstraintComponent"),
        'country "XX"': (str(country), str(TG.iso3166Alpha2), sh + "InConstraintComponent"),
        "end before start": (str(dated), str(TG.endDate), sh + "SPARQLConstraintComponent"),
        "practice without funder": (str(unfunded), str(TG.fundedBy), sh + "MinCountConstraintComponent"),
        "second label": (str(twice), str(RDFS.label), sh + "MaxCountConstraintComponent"),
    }


@pytest.fixture(scope="module")
def synthetic_graph(tmp_path_factory, report_graphs) -> tuple[Graph, str]:
    """200 synthetic practices with the report's data, reasoned (or the report's data alone without synthetic.py)."""
    try:
        from tipgraph.synthetic import write_dataset
    except ImportError:  # pragma: no cover - only before tipgraph.synthetic exists
        asserted, inferred = report_graphs
        return asserted + inferred, "report data (no tipgraph.synthetic)"
    folder = tmp_path_factory.mktemp("synthetic") / "data"
    write_dataset(DATA, folder, 200, seed=7)
    asserted = assemble(folder).graph
    return asserted + infer(Graph().parse(ONTOLOGY_FILE, format="turtle"), asserted), "200 synthetic practices"


def test_seeded_violations_are_found_as_pyshacl_finds_them(synthetic_graph, shapes: Graph):
    graph, label = synthetic_graph
    data = Graph()
    data += graph
    expected = seed_violations(data)
    report = same_results(data, shapes, f"{label}, reasoned, seeded")
    found = {(r.focus, r.path, r.component) for r in report.violations}
    missing = {name: row for name, row in expected.items() if row not in found}
    assert not missing, f"seeded violations not reported: {missing}"
    percentage = [r for r in report.results if r.focus == expected["percentage of 140"][0] and r.path == str(TG.value)]
    assert [(r.value, r.message) for r in percentage] == [("140.0", "A percentage must lie between 0 and 100; 140.0 does not.")]


# --- 4. what shapes.ttl does not use, and literals -------------------------------------------------------

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/ex#> .
"""

MORE_SHAPES = PREFIXES + """
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ; sh:message "p is an IRI" ] ;
    sh:property [ sh:path ex:n ; sh:minExclusive 0 ; sh:maxInclusive 10.5 ; sh:message "n in (0, 10.5]" ] ;
    sh:property [ sh:path ex:lo ; sh:lessThan ex:hi ; sh:message "lo below every hi" ] ;
    sh:property [ sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ; sh:message "starts with ab" ] ;
    sh:property [ sh:path ex:q ; sh:and ( [ sh:datatype xsd:integer ] [ sh:minInclusive 3 ] ) ; sh:message "an integer of 3 or more" ] ;
    sh:property [ sh:path ex:r ; sh:not [ sh:class ex:Bad ] ; sh:message "not a bad one" ] ;
    sh:property [ sh:path ex:link ; sh:node ex:Linked ; sh:severity sh:Info ; sh:message "a linked node" ] ;
    sh:property [ sh:path ex:d ; sh:deactivated true ; sh:minCount 5 ; sh:message "never" ] ;
    sh:property [ sh:path ex:t ; sh:minCount 2 ; sh:maxCount 2 ; sh:message "two t" ] ;
    sh:property [ sh:path ex:when ; sh:datatype xsd:date ; sh:message "a date" ] ;
    sh:property [ sh:path ex:w ; sh:datatype xsd:decimal ; sh:message "a decimal" ] ;
    sh:property [ sh:path ex:w2 ; sh:hasValue 1.5 ; sh:message "1.5 among them" ] ;
    sh:property [ sh:path ex:s ; sh:datatype xsd:string ; sh:in ( "a" "b" ) ; sh:message "a or b" ] .
ex:Linked a sh:NodeShape ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] ;
    sh:property [ sh:path ex:kind ; sh:in ( "a" "b" 1 ) ; sh:severity sh:Warning ] .
ex:OtherShape a sh:NodeShape ; sh:targetNode ex:n1 , ex:nowhere ; sh:targetObjectsOf ex:link ;
    sh:or ( [ sh:class ex:Thing ] [ sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ] ] ) ;
    sh:message "a thing, or one name" .
ex:Gadget a sh:NodeShape , rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "a gadget has p" ] .
ex:Sparql a sh:NodeShape ; sh:targetSubjectsOf ex:lo ;
    sh:sparql [ sh:select "SELECT $this ?path ?value ?extra WHERE { $this ?path ?value . FILTER(?path = <https://example.org/ex#lo>) BIND(STR(?value) AS ?extra) FILTER(?extra = \\"5\\") }" ;
                sh:message "lo is {?value} ({$extra}) on {$this}" ] .
"""

MORE_DATA = PREFIXES + """
ex:Sub rdfs:subClassOf ex:Thing .
ex:a a ex:Thing ; ex:p "lit" , _:b1 ; ex:n 0 , 11 , "x" , 10.5 ; ex:lo 5 ; ex:hi 3 , 7 ;
    ex:code "ABc" , "xab" , ex:abc , _:b2 ; ex:q 2 , 4 , 3.5 , "4" ; ex:r ex:bad1 , ex:good ; ex:link ex:n1 , ex:n2 , _:b3 ;
    ex:t 1 ; ex:when "2010-02-30"^^xsd:date , "2010-02-28"^^xsd:date , "2011-01-01Z"^^xsd:date ;
    ex:w "abc"^^xsd:decimal , 1.5 ; ex:w2 2.5 ; ex:s "a" , "c" , "a"@en .
ex:b a ex:Sub ; ex:p ex:iri ; ex:n 1.0E0 ; ex:lo "a" ; ex:hi "b" ; ex:t 1 , 2 ; ex:w 1.5 ; ex:w2 1.5 .
ex:bad1 a ex:Bad .
ex:n1 ex:name "one" ; ex:kind "a" .
ex:n2 ex:name "two"@en , "deux" ; ex:kind "c" .
_:b3 ex:kind 1 .
ex:g a ex:Gadget .
"""


@pytest.mark.parametrize("extra", ["", "_:sub rdfs:subClassOf ex:Thing . ex:c a _:sub ; ex:p 'c' ; ex:t 3 ."],
                         ids=["named subclasses", "a blank subclass"])
def test_more_features_give_pyshacls_results(extra: str):
    shapes = Graph().parse(data=MORE_SHAPES, format="turtle")
    data = Graph().parse(data=MORE_DATA + extra, format="turtle")
    report = same_results(data, shapes, "more features")
    components = {r.component.rsplit("#", 1)[1] for r in report.results}
    assert components >= {"NodeKindConstraintComponent", "MinExclusiveConstraintComponent", "LessThanConstraintComponent",
                          "PatternConstraintComponent", "AndConstraintComponent", "NotConstraintComponent",
                          "NodeConstraintComponent", "OrConstraintComponent", "DatatypeConstraintComponent",
                          "SPARQLConstraintComponent", "InConstraintComponent"}, "the test data should make each of them fire"


def test_literals_rdflib_tells_apart_fall_back_to_pyshacl():
    shapes = Graph().parse(data=PREFIXES + """
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:property [ sh:path ex:v ; sh:maxCount 1 ; sh:message "one v" ] ;
            sh:property [ sh:path ex:c ; sh:in ( "AF" ) ; sh:message "AF" ] .""", format="turtle")
    look_alikes = Graph().parse(data=PREFIXES + 'ex:a a ex:Thing ; ex:v 14.0 , 14.00 .', format="turtle")
    with pytest.warns(LookAlikeLiterals):
        assert validate_fast(look_alikes, shapes).results == validate(look_alikes, shapes).results
    typed_string = Graph().parse(data=PREFIXES + 'ex:a a ex:Thing ; ex:c "AF"^^xsd:string .', format="turtle")
    with pytest.warns(LookAlikeLiterals):
        report = validate_fast(typed_string, shapes)
    assert [r.value for r in report.results] == ["AF"], "rdflib: \"AF\"^^xsd:string is not the \"AF\" of sh:in"
    decimals = Graph().parse(data=PREFIXES + 'ex:a a ex:Thing ; ex:v 14.0 , 1.50 ; ex:c "AF" .', format="turtle")
    report = same_results(decimals, shapes, "decimals")  # no look-alikes: the stored "14" prints as "14.0"
    assert [r.component.rsplit("#", 1)[1] for r in report.results] == ["MaxCountConstraintComponent"]


# --- 5. what fastshacl refuses --------------------------------------------------------------------------

UNSUPPORTED = {
    "qualifiedValueShape": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ;
        sh:qualifiedValueShape [ sh:class ex:Thing ] ; sh:qualifiedMinCount 1 ; sh:message "m" ] .""",
    "closed": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true ; sh:message "m" .""",
    "sh:inversePath": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
        sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ; sh:message "m" ] .""",
    "complex sh:path": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
        sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message "m" ] .""",
    "no sh:message": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .""",
    "LIMIT": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
        sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o } LIMIT 1" ; sh:message "m" ] .""",
    "combines checks of the graph": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ;
        sh:or ( [ sh:pattern "^a" ] [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ) ; sh:message "m" ] .""",
    "sh:target": """ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ?p ?o }" ] ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .""",
    "recursively": """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
        sh:property [ sh:path ex:p ; sh:node ex:S ; sh:message "m" ] .""",
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_features_are_named(name: str):
    shapes = Graph().parse(data=PREFIXES + UNSUPPORTED[name], format="turtle")
    data = Graph().parse(data=PREFIXES + "ex:a a ex:Thing ; ex:p ex:b .", format="turtle")
    with pytest.raises(UnsupportedShape, match=re.escape(name)):
        validate_fast(data, shapes)
    with pytest.raises(UnsupportedShape):
        validate_store(ox.Store(), [], shapes)


# --- timings ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not TIMINGS, reason="pySHACL takes minutes here: set TIPGRAPH_TIMINGS=1")
def test_timing_1000_synthetic_practices(tmp_path, shapes: Graph):
    """Asserted facts only (owlrl would take minutes): thousands of results, all equal."""
    from tipgraph.synthetic import write_dataset

    write_dataset(DATA, tmp_path / "data", 1000, seed=1)
    same_results(assemble(tmp_path / "data").graph, shapes, "1,000 synthetic practices, asserted only")


@pytest.mark.skipif(not TIMINGS, reason="a minute of loading and validating: set TIPGRAPH_TIMINGS=1")
def test_timing_10000_synthetic_practices_fastshacl_only(shapes: Graph):
    from tipgraph.synthetic import generate

    store, graph = ox.Store(), ox.NamedNode("urn:test:data")
    start = time.perf_counter()
    store.load("".join(" ".join(t) + " .\n" for t in generate(10_000, seed=1)), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    for path in data_files(DATA):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    loaded = time.perf_counter() - start
    report, took = timed(validate_store, store, [graph], shapes)
    print(f"\n10,000 synthetic practices, asserted only: {len(store):,} triples loaded in {loaded:.1f} s, "
          f"validate_store {took:.1f} s, {len(report.results):,} results")
