"""The ontology's HTML documentation, read from the build's ontology and shapes graphs.

``ontology_doc(site)`` returns the ontology's header (title, description, version, licence) and
every class and property it declares, each with its label, comment, super-classes or
super-properties, domain, range, inverse, property chain and characteristics; for each class, the
property constraints of the SHACL shapes that target it. Terms are anchored by their local name,
so ``https://w3id.org/tipgraph/ontology#Practice`` is ``/ontology#Practice``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES, ONTOLOGY_IRI, TG, compact_iri
from .entity import RDF, RDFS, Site, Term

OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
SH = "http://www.w3.org/ns/shacl#"
TG_NS = str(TG._NS)
ONTOLOGY_GRAPH = ox.NamedNode(str(GRAPH_ONTOLOGY))
SHAPES_GRAPH = ox.NamedNode(str(GRAPH_SHAPES))

SECTIONS = ((OWL + "Class", "classes", "Classes"), (OWL + "ObjectProperty", "object-properties", "Object properties"),
            (OWL + "DatatypeProperty", "datatype-properties", "Datatype properties"),
            (OWL + "AnnotationProperty", "annotation-properties", "Annotation properties"))
CHARACTERISTICS = {OWL + name: name.removesuffix("Property").lower() for name in
                   ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty",
                    "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty")}


@dataclass
class Constraint:
    path: str
    parts: list[str]
    severity: str
    message: str


@dataclass
class TermDoc:
    anchor: str
    name: str
    iri: str
    label: str
    comment: str
    facts: list[tuple[str, list[Term]]] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    chains: list[list[Term]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)


def anchor(iri: str) -> str:
    return iri[len(TG_NS):] if iri.startswith(TG_NS) else compact_iri(iri).replace(":", "-")


def _objects(site: Site, subject, predicate: str) -> list:
    found = [q.object for q in site.store.quads_for_pattern(subject, ox.NamedNode(predicate), None, ONTOLOGY_GRAPH)]
    return sorted(set(found), key=str)


def _literal(site: Site, subject, predicate: str) -> str:
    found = [o for o in _objects(site, subject, predicate) if isinstance(o, ox.Literal)]
    found.sort(key=lambda lit: lit.language not in (None, "en"))
    return found[0].value if found else ""


def _rdf_list(site: Site, head, graph: ox.NamedNode = ONTOLOGY_GRAPH) -> list:
    items = []
    while isinstance(head, ox.BlankNode) and len(items) < 1000:
        first = [q.object for q in site.store.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None, graph)]
        rest = [q.object for q in site.store.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None, graph)]
        items.extend(first[:1])
        head = rest[0] if rest else None
    return items


def _named_terms(site: Site, nodes) -> list[Term]:
    """Terms by their compact names (``tg:Practice``), linked to their documentation or home."""
    terms = []
    for node in nodes:
        if isinstance(node, ox.NamedNode) and (site.page_path(node.value) or "/ontology").startswith("/ontology"):
            href = site.link(node.value)
            terms.append(Term(compact_iri(node.value), href=href, iri=node.value,
                              external=href is not None and not href.startswith("/")))
        elif isinstance(node, ox.NamedNode):
            terms.append(site.term(node))  # a data node, e.g. an IATI role concept: by its label
    return terms


def ontology_doc(site: Site) -> dict:
    onto = ox.NamedNode(str(ONTOLOGY_IRI))
    header = {
        "iri": str(ONTOLOGY_IRI),
        "title": _literal(site, onto, DCTERMS + "title") or _literal(site, onto, RDFS + "label"),
        "comment": _literal(site, onto, RDFS + "comment"),
        "description": _literal(site, onto, DCTERMS + "description"),
        "version": _literal(site, onto, OWL + "versionInfo"),
        "version_iri": next((o.value for o in _objects(site, onto, OWL + "versionIRI")), ""),
        "licence": _named_terms(site, _objects(site, onto, DCTERMS + "license")),
        "namespace": _literal(site, onto, "http://purl.org/vocab/vann/preferredNamespaceUri"),
        "prefix": _literal(site, onto, "http://purl.org/vocab/vann/preferredNamespacePrefix"),
    }
    rows = site.select_in("ontology-terms", [ONTOLOGY_GRAPH])
    constraints = shape_constraints(site)
    sections = []
    for kind, key, title in SECTIONS:
        terms = sorted({r["term"] for r in rows if r["kind"].value == kind},
                       key=lambda t: (not t.value.startswith(TG_NS), anchor(t.value).casefold()))
        docs = [term_doc(site, t, kind, constraints) for t in terms]
        sections.append({"key": key, "title": title, "terms": docs})
    return {"header": header, "sections": sections}


def term_doc(site: Site, node: ox.NamedNode, kind: str, constraints: dict) -> TermDoc:
    doc = TermDoc(anchor(node.value), compact_iri(node.value), node.value, _literal(site, node, RDFS + "label"),
                  _literal(site, node, RDFS + "comment"))
    if kind == OWL + "Class":
        subclasses = [q.subject for q in site.store.quads_for_pattern(
            None, ox.NamedNode(RDFS + "subClassOf"), node, ONTOLOGY_GRAPH)]
        facts = (("Subclass of", _objects(site, node, RDFS + "subClassOf")),
                 ("Superclass of", sorted(set(subclasses), key=str)),
                 ("Equivalent to", _objects(site, node, OWL + "equivalentClass")),
                 ("Disjoint with", _objects(site, node, OWL + "disjointWith")))
        doc.constraints = constraints.get(node.value, [])
    else:
        facts = (("Subproperty of", _objects(site, node, RDFS + "subPropertyOf")),
                 ("Domain", _objects(site, node, RDFS + "domain")),
                 ("Range", _objects(site, node, RDFS + "range")),
                 ("Inverse of", _objects(site, node, OWL + "inverseOf")),
                 ("Equivalent to", _objects(site, node, OWL + "equivalentProperty")),
                 ("IATI role", _objects(site, node, str(TG.iatiRole))))
        doc.characteristics = [CHARACTERISTICS[t.value] for t in _objects(site, node, RDF + "type")
                               if t.value in CHARACTERISTICS]
        doc.chains = [_named_terms(site, _rdf_list(site, head))
                      for head in _objects(site, node, OWL + "propertyChainAxiom")]
    doc.facts = [(name, _named_terms(site, nodes)) for name, nodes in facts if _named_terms(site, nodes)]
    return doc


def shape_constraints(site: Site) -> dict[str, list[Constraint]]:
    """Each targeted class's property constraints, from the shapes graph."""
    found: dict[str, list[Constraint]] = {}
    for row in site.select_in("shape-properties", [SHAPES_GRAPH]):
        path = row["path"]
        parts = []
        for key, name in (("minCount", "at least {}"), ("maxCount", "at most {}"), ("minInclusive", "≥ {}"),
                          ("maxInclusive", "≤ {}"), ("pattern", "matches {}")):
            if row[key] is not None:
                parts.append(name.format(row[key].value))
        for key, name in (("datatype", "datatype {}"), ("valueClass", "class {}")):
            if row[key] is not None:
                parts.append(name.format(compact_iri(row[key].value)))
        shape = row["property"]
        for head in site.store.quads_for_pattern(shape, ox.NamedNode(SH + "in"), None, SHAPES_GRAPH):
            names = [site.label(m) if isinstance(m, ox.NamedNode) else m.value
                     for m in _rdf_list(site, head.object, SHAPES_GRAPH)]
            shown = ", ".join(names) if len(names) <= 12 else f"{len(names)} values: {', '.join(names[:6])}, …"
            parts.append("one of " + shown)
        if next(iter(site.store.quads_for_pattern(shape, ox.NamedNode(SH + "or"), None, SHAPES_GRAPH)), None):
            parts.append("one of several alternative forms")
        severity = row["severity"]
        found.setdefault(row["class"].value, []).append(Constraint(
            compact_iri(path.value) if isinstance(path, ox.NamedNode) else "(a path expression)",
            parts, "warning" if severity is not None and severity.value == SH + "Warning" else "violation",
            row["message"].value if row["message"] is not None else ""))
    for items in found.values():
        items.sort(key=lambda c: (c.path, c.severity))
    return found
