"""validate.py: the pySHACL wrapper's results, one regression test per bug found in it."""

from __future__ import annotations

from rdflib import Graph

from tipgraph.validate import validate

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:size ; sh:maxCount 1 ; sh:datatype xsd:integer ] .
ex:NamedShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:class ex:Other .
"""

DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:size "big", 3 .
"""


def _report():
    return validate(Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle"))


def test_results_that_differ_first_in_a_missing_value_can_be_ordered():
    """sh:maxCount reports no value, sh:datatype reports "big": same severity, focus and path, so
    ordering them compares None with a string (a TypeError before result_order)."""
    results = _report().results
    on_size = [r for r in results if r.path == "http://example.org/size"]
    assert sorted(r.component.rsplit("#", 1)[-1] for r in on_size) == ["DatatypeConstraintComponent", "MaxCountConstraintComponent"]
    assert [r.value for r in on_size] == [None, "big"]  # None first


def test_a_blank_shape_is_not_reported_by_its_made_up_id():
    shapes = {r.component.rsplit("#", 1)[-1]: r.shape for r in _report().results}
    assert shapes["DatatypeConstraintComponent"] is None
    assert shapes["ClassConstraintComponent"] == "http://example.org/NamedShape"
