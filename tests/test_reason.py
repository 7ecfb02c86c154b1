"""Reasoning earns its keep, stays apart from asserted facts, and adds no noise."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from tipgraph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, TG
from tipgraph.query import run
from tipgraph.reason import InconsistencyError, infer

EX = Namespace("https://example.org/ex#")

ROLL_UP_ASIA = """
PREFIX tg: <https://w3id.org/tipgraph/ontology#>
SELECT DISTINCT ?ordinal WHERE { ?p tg:locatedWithin <https://w3id.org/tipgraph/place/m49-142> ; tg:ordinal ?ordinal }
"""
FUNDED_WITHIN_STATE = """
PREFIX tg: <https://w3id.org/tipgraph/ontology#>
SELECT DISTINCT ?ordinal WHERE { ?p tg:fundedWithin <https://w3id.org/tipgraph/org/us-department-of-state> ; tg:ordinal ?ordinal }
"""
IN_INDIA = """
PREFIX tg: <https://w3id.org/tipgraph/ontology#>
SELECT DISTINCT ?ordinal WHERE { ?p tg:locatedWithin <https://w3id.org/tipgraph/place/IN> ; tg:ordinal ?ordinal }
"""


def ordinals(store, query, graph):
    return {int(row["ordinal"].value) for row in run(store, query, graph=graph)}


def test_regional_roll_up_needs_reasoning(store):
    # From the report: India (Bihar and Uttar Pradesh; the CVCs), Asia (MTV EXIT), Indonesia,
    # the Philippines and the Greater Mekong Sub-region are in Asia.
    assert ordinals(store, ROLL_UP_ASIA, "default") == {1, 2, 7, 12, 13, 14}
    assert ordinals(store, ROLL_UP_ASIA, "asserted") == set()


def test_a_practice_in_bihar_is_found_for_india(store):
    assert ordinals(store, IN_INDIA, "default") == {1, 12}
    assert ordinals(store, IN_INDIA, "asserted") == set()


def test_funding_by_the_tip_office_is_funding_by_the_department_of_state(store):
    # The TIP Office funds practices 1, 9, 12, 13 and 14; the report makes it a unit of State.
    assert ordinals(store, FUNDED_WITHIN_STATE, "default") == {1, 9, 12, 13, 14}
    assert ordinals(store, FUNDED_WITHIN_STATE, "asserted") == set()


def test_funders_and_implementers_are_inferred_from_funding_nodes(store):
    query = """PREFIX tg: <https://w3id.org/tipgraph/ontology#>
    SELECT ?o WHERE { <https://w3id.org/tipgraph/practice/rule-of-law-nigeria> tg:fundedBy ?o }"""
    assert [r["o"].value for r in run(store, query)] == ["https://w3id.org/tipgraph/org/usaid"]
    assert list(run(store, query, graph="asserted")) == []


def test_inferred_facts_live_in_their_own_graph(store):
    query = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <https://w3id.org/tipgraph/ontology#locatedWithin> ?o } } GROUP BY ?g"""
    counts = {r["g"].value: int(r["n"].value) for r in run(store, query)}
    assert set(counts) == {str(GRAPH_INFERRED)}


def test_no_axiomatic_noise_is_served(store):
    query = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o
      FILTER (isLiteral(?s) || STRSTARTS(STR(?s), "http://www.w3.org/2002/07/owl#")
              || STRSTARTS(STR(?s), "http://www.w3.org/2000/01/rdf-schema#")
              || STRSTARTS(STR(?s), "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
              || STRSTARTS(STR(?s), "https://w3id.org/tipgraph/ontology#")
              || ?o IN (<http://www.w3.org/2002/07/owl#Thing>, <http://www.w3.org/2000/01/rdf-schema#Resource>)
              || (?p = <http://www.w3.org/2002/07/owl#sameAs> && ?s = ?o)) } }""" % GRAPH_INFERRED
    assert int(next(iter(run(store, query)))["n"].value) == 0
    asserted = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % GRAPH_ASSERTED
    assert int(next(iter(run(store, asserted)))["n"].value) > 0


def small_ontology() -> Graph:
    g = Graph()
    g.add((TG.partOf, RDF.type, OWL.TransitiveProperty))
    g.add((TG.Practice, OWL.disjointWith, TG.Organization))
    return g


def test_infer_returns_a_new_graph_and_leaves_inputs_alone():
    ontology, data = small_ontology(), Graph()
    data.add((EX.a, TG.partOf, EX.b))
    data.add((EX.b, TG.partOf, EX.c))
    before = (len(ontology), len(data))
    inferred = infer(ontology, data)
    assert (EX.a, TG.partOf, EX.c) in inferred
    assert (EX.a, TG.partOf, EX.b) not in inferred
    assert (len(ontology), len(data)) == before


def test_inconsistent_data_raise_with_owlrl_message():
    data = Graph()
    data.add((EX.x, RDF.type, TG.Practice))
    data.add((EX.x, RDF.type, TG.Organization))
    with pytest.raises(InconsistencyError) as caught:
        infer(small_ontology(), data)
    assert any("disjoint" in m.lower() for m in caught.value.messages)
    assert str(EX.x) in str(caught.value)


def test_no_literal_subjects_even_when_owlrl_makes_them():
    ontology = small_ontology()
    ontology.add((TG.value, RDF.type, OWL.FunctionalProperty))
    data = Graph()
    data.add((EX.o, TG.value, Literal("1.0", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    inferred = infer(ontology, data)
    assert not [s for s in inferred.subjects() if isinstance(s, Literal)]
    assert (None, RDFS.subClassOf, None) not in inferred
