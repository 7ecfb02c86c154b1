"""The ontology file: metadata, labels and comments, and that the data use only its terms."""

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from tipgraph.assemble import data_files
from tipgraph.namespaces import ONTOLOGY_IRI, TG

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = Graph().parse(ROOT / "ontology" / "tipgraph.ttl")


def test_ontology_metadata():
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/tipgraph/ontology/0.1.0")
    assert ONTOLOGY.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    assert ONTOLOGY.value(ONTOLOGY_IRI, RDFS.label) is not None
    assert ONTOLOGY.value(ONTOLOGY_IRI, RDFS.comment) is not None


def test_every_term_has_a_label_and_a_comment():
    terms = {s for s in ONTOLOGY.subjects() if str(s).startswith(str(TG._NS))}
    missing = sorted(str(t) for t in terms if ONTOLOGY.value(t, RDFS.label) is None or ONTOLOGY.value(t, RDFS.comment) is None)
    assert not missing


def test_data_use_only_terms_the_ontology_declares():
    declared = {s for s in ONTOLOGY.subjects() if str(s).startswith(str(TG._NS))}
    used = set()
    for path in data_files(ROOT / "data"):
        graph = Graph().parse(path)
        used |= {n for triple in graph for n in triple if isinstance(n, URIRef) and str(n).startswith(str(TG._NS))}
    assert not used - declared, sorted(used - declared)


def test_the_reasoning_axioms_the_queries_rely_on_are_there():
    assert (TG.partOf, RDF.type, OWL.TransitiveProperty) in ONTOLOGY
    assert ONTOLOGY.value(TG.locatedWithin, OWL.propertyChainAxiom) is not None
    assert ONTOLOGY.value(TG.fundedWithin, OWL.propertyChainAxiom) is not None
    assert ONTOLOGY.value(TG.fundedBy, OWL.inverseOf) == TG.funds
