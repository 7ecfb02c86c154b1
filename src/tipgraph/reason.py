"""OWL 2 RL reasoning with owlrl, kept apart from the asserted facts.

``infer(ontology, asserted)`` runs owlrl's OWL-RL closure over a copy of both graphs and returns
only what it added about the data: a new graph, so the asserted graph and the ontology stay as
they were and the three can be stored and queried apart.

What is dropped from owlrl's output, and why:
- triples whose subject is a literal, and ``owl:sameAs`` of a node with itself: owlrl emits them,
  but they are not valid RDF or say nothing (../shared/reference/performance-baseline.md);
- triples about ontology terms or about the RDF, RDFS, OWL and XSD vocabularies (axiomatic
  noise): the ontology graph already holds what a query needs about terms;
- typings as ``owl:Thing`` or ``rdfs:Resource``, which every node has.

If owlrl finds the data inconsistent (e.g. a node typed both tg:Practice and tg:Organization,
which the ontology declares disjoint), ``InconsistencyError`` lists owlrl's messages.
"""

from __future__ import annotations

from owlrl import DeductiveClosure, OWLRL_Semantics
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

# owlrl writes inconsistencies as resources of this type, each with an err:error message.
OWLRL_ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
VOCABULARY_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD), str(OWLRL_ERRORS))
UNINFORMATIVE_TYPES = {OWL.Thing, RDFS.Resource}


class InconsistencyError(ValueError):
    """owlrl found the data inconsistent with the ontology."""

    def __init__(self, messages: list[str]):
        super().__init__("the data contradict the ontology:\n" + "\n".join(f"  - {m}" for m in messages))
        self.messages = messages


def _is_vocabulary(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(VOCABULARY_PREFIXES)


def closure(ontology: Graph, asserted: Graph) -> Graph:
    """owlrl's full OWL-RL closure of ontology + asserted, as a new graph."""
    graph = Graph()
    graph += ontology
    graph += asserted
    DeductiveClosure(OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    return graph


def inconsistencies(graph: Graph) -> list[str]:
    return sorted(str(m) for e in graph.subjects(RDF.type, OWLRL_ERRORS.ErrorMessage) for m in graph.objects(e, OWLRL_ERRORS.error))


def infer(ontology: Graph, asserted: Graph) -> Graph:
    """The data triples OWL RL entails beyond ``asserted``, filtered as the module says."""
    closed = closure(ontology, asserted)
    errors = inconsistencies(closed)
    if errors:
        raise InconsistencyError(errors)
    terms = set(ontology.subjects())
    inferred = Graph()
    for s, p, o in closed:
        if (s, p, o) in asserted or (s, p, o) in ontology:
            continue
        if isinstance(s, (Literal, BNode)) or isinstance(o, BNode) or s in terms or _is_vocabulary(s):
            continue
        if p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and (o in UNINFORMATIVE_TYPES or _is_vocabulary(o)):
            continue
        inferred.add((s, p, o))
    return inferred
