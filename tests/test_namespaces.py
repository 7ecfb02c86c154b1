"""The closed TG namespace matches the ontology file exactly."""

from pathlib import Path

import pytest
from rdflib import Graph

from tipgraph.namespaces import TG

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "tipgraph.ttl"


def test_tg_terms_are_the_ontology_terms():
    graph = Graph().parse(ONTOLOGY)
    declared = {str(s) for s in graph.subjects() if str(s).startswith(str(TG._NS))}
    coded = {str(TG._NS) + name for name in TG.__annotations__}
    assert coded == declared


def test_a_mistyped_term_is_an_error():
    with pytest.raises(AttributeError):
        TG.fundedby  # noqa: B018
