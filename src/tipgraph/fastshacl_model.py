"""The shapes graph read into plain objects for ``fastshacl``: shapes, targets and constraints.

``read_shapes(shapes)`` returns every shape that has targets (the ones pySHACL validates the data
against), each with its constraints and property shapes, nested shapes (sh:node, sh:or, ...)
linked as objects. It raises ``UnsupportedShape`` for anything ``fastshacl`` does not evaluate
exactly as pySHACL does: an unknown SHACL parameter, a non-IRI path, a SPARQL target, a shape that
could report without an sh:message, and so on. It reads the shapes graph only; it never queries data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD


class UnsupportedShape(ValueError):
    """The shapes graph uses a SHACL feature that fastshacl does not implement (named in the message)."""


# Components whose parameters are read here; the value is the component's IRI.
COMPONENT = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent, SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# SHACL predicates that are read here but are not constraint parameters, or that change nothing.
OTHER_KNOWN = {
    SH.path, SH.property, SH.message, SH.severity, SH.deactivated, SH.flags, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.select,
    *TARGETS,
}
KNOWN_TYPES = {SH.NodeShape, SH.PropertyShape, SH.Shape, SH.SPARQLConstraint, SH.PrefixDeclaration}
ALLOWED_SEVERITIES = {SH.Warning, SH.Info}  # validate.validate runs pySHACL with allow_warnings


@dataclass(frozen=True)
class Targets:
    classes: tuple = ()
    nodes: tuple = ()
    subjects_of: tuple = ()
    objects_of: tuple = ()

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)


@dataclass(frozen=True)
class SparqlConstraint:
    node: URIRef | BNode
    select: str
    message: Literal | None
    prefixes: dict


@dataclass(eq=False)
class Constraint:
    component: URIRef
    parameter: URIRef
    value: object  # an RDF term, a tuple of terms (sh:in), a Shape, a tuple of Shapes, a SparqlConstraint
    flags: str = ""  # sh:pattern only


@dataclass(eq=False)
class Shape:
    node: URIRef | BNode
    path: URIRef | None = None
    severity: URIRef = SH.Violation
    messages: tuple = ()
    deactivated: bool = False
    targets: Targets = field(default_factory=Targets)
    constraints: list = field(default_factory=list)
    properties: list = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def allowed(self) -> bool:
        """pySHACL with allow_warnings counts a Warning or Info shape as conforming whatever it finds."""
        return self.severity in ALLOWED_SEVERITIES

    @property
    def label(self) -> str:
        if isinstance(self.node, URIRef):
            return f"<{self.node}>"
        return f"a blank shape on <{self.path}>" if self.path else "a blank shape"


def read_shapes(shapes: Graph) -> list[Shape]:
    """The shapes with targets, in a fixed order, with everything they use."""
    _check_vocabulary(shapes)
    reader = _Reader(shapes)
    roots = set()
    for predicate in TARGETS:
        roots.update(shapes.subjects(predicate, None))
    class_like = {RDFS.Class, *shapes.transitive_subjects(RDFS.subClassOf, RDFS.Class)}
    implicit = {shape for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
                if set(shapes.objects(shape, RDF.type)) & class_like}  # a shape that is a class targets its instances
    result = [reader.shape(node) for node in sorted(roots | implicit, key=lambda n: (isinstance(n, BNode), str(n)))]
    for shape in result:
        if shape.node in implicit:
            if not isinstance(shape.node, URIRef):
                raise UnsupportedShape("a blank node shape that is also a class (an implicit class target)")
            t = shape.targets
            shape.targets = Targets(tuple(sorted({*t.classes, shape.node}, key=str)), t.nodes, t.subjects_of, t.objects_of)
    for shape in result:
        reader.check_messages(shape)
    return result


def _check_vocabulary(shapes: Graph) -> None:
    unknown = sorted(f"sh:{p[len(str(SH)):]}" for p in set(shapes.predicates())
                     if str(p).startswith(str(SH)) and p not in COMPONENT and p not in OTHER_KNOWN)
    unknown += sorted(f"a sh:{k[len(str(SH)):]}" for k in set(shapes.objects(None, RDF.type))
                      if str(k).startswith(str(SH)) and k not in KNOWN_TYPES)
    if unknown:
        raise UnsupportedShape(f"the shapes use {', '.join(unknown)}, which fastshacl does not implement")


class _Reader:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.done: dict = {}

    def one(self, node, predicate, what: str):
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShape(f"{what} has {len(values)} values of sh:{predicate[len(str(SH)):]}; pySHACL refuses that")
        return values[0] if values else None

    def shape(self, node) -> Shape:
        if node in self.done:
            return self.done[node]
        g = self.graph
        shape = self.done[node] = Shape(node)
        label = f"<{node}>" if isinstance(node, URIRef) else "a blank shape"
        path = self.one(node, SH.path, label)
        if path is not None and not isinstance(path, URIRef):
            raise UnsupportedShape(f"{label} has a complex sh:path (sequence, inverse, alternative or repetition); only IRI paths are supported")
        shape.path = path
        severities = list(g.objects(node, SH.severity))
        shape.severity = severities[0] if severities else SH.Violation
        if len(set(severities)) > 1:
            raise UnsupportedShape(f"{shape.label} has several sh:severity values")
        shape.messages = tuple(g.objects(node, SH.message))
        deactivated = self.one(node, SH.deactivated, shape.label)
        shape.deactivated = bool(deactivated.value) if isinstance(deactivated, Literal) else False
        shape.targets = Targets(*(tuple(sorted(g.objects(node, t), key=str)) for t in TARGETS))
        t = shape.targets
        if any(isinstance(n, BNode) for n in t.nodes) or not all(isinstance(n, URIRef) for n in (*t.classes, *t.subjects_of, *t.objects_of)):
            raise UnsupportedShape(f"{shape.label} has a target that is a blank node (or a literal where an IRI belongs)")
        for parameter in sorted(set(g.predicates(node)), key=str):
            if parameter in COMPONENT:
                self.add_constraints(shape, parameter)
        shape.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        for prop in shape.properties:
            if not prop.is_property:
                raise UnsupportedShape(f"{prop.label} is used with sh:property but has no sh:path")
        return shape

    def add_constraints(self, shape: Shape, parameter: URIRef) -> None:
        g = self.graph
        component = COMPONENT[parameter]
        values = sorted(g.objects(shape.node, parameter), key=str)
        name = f"sh:{parameter[len(str(SH)):]}"
        if parameter in (SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["in"]) and len(values) > 1:
            raise UnsupportedShape(f"{shape.label} has {len(values)} values of {name}; pySHACL refuses that")
        if parameter in (SH.minCount, SH.maxCount):
            if not shape.is_property:
                raise UnsupportedShape(f"{shape.label} is a node shape with {name}; pySHACL refuses that")
            value = values[0]
            if not (isinstance(value, Literal) and value.datatype == XSD.integer and int(value) >= 0):
                raise UnsupportedShape(f"{shape.label}: {name} must be a non-negative xsd:integer")
            shape.constraints.append(Constraint(component, parameter, int(value)))
            return
        for value in values:
            if parameter == SH["in"]:
                members = tuple(Collection(g, value))
                if any(isinstance(m, BNode) for m in members):
                    raise UnsupportedShape(f"{shape.label}: a blank node in sh:in")
                value = frozenset(members)
            elif parameter in (SH.node, SH["not"]):
                value = self.shape(value)
            elif parameter in (SH["or"], SH["and"]):
                value = tuple(self.shape(m) for m in sorted(set(Collection(g, value)), key=str))
            elif parameter == SH.xone:
                value = tuple(self.shape(m) for m in Collection(g, value))  # pySHACL keeps the list as it is
            elif parameter == SH.sparql:
                value = self.sparql(shape, value)
            elif parameter == SH.pattern:
                if not isinstance(value, Literal):
                    raise UnsupportedShape(f"{shape.label}: sh:pattern must be a literal")
            elif parameter in (SH.lessThan, SH.lessThanOrEquals, SH["class"], SH.datatype, SH.nodeKind):
                if not isinstance(value, URIRef):
                    raise UnsupportedShape(f"{shape.label}: {name} must be an IRI")
            elif parameter in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
                if not isinstance(value, Literal):
                    raise UnsupportedShape(f"{shape.label}: {name} must be a literal")
            elif parameter == SH.hasValue and isinstance(value, BNode):
                raise UnsupportedShape(f"{shape.label}: a blank node as sh:hasValue")
            flags = ""
            if parameter == SH.pattern:
                found = list(g.objects(shape.node, SH.flags))
                flags = str(found[0]) if found else ""  # pySHACL takes the first sh:flags it finds
                if len(found) > 1:
                    raise UnsupportedShape(f"{shape.label} has several sh:flags")
            shape.constraints.append(Constraint(component, parameter, value, flags))

    def sparql(self, shape: Shape, node) -> SparqlConstraint:
        g = self.graph
        if list(g.objects(node, SH.ask)):
            raise UnsupportedShape(f"{shape.label}: SPARQL ASK constraints are not supported")
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise UnsupportedShape(f"{shape.label}: a SPARQL constraint needs exactly one sh:select literal")
        messages = list(g.objects(node, SH.message))
        if len(messages) > 1:
            raise UnsupportedShape(f"{shape.label}: a SPARQL constraint has several sh:message values "
                                   "(pySHACL reports one of them, in no fixed order)")
        deactivated = list(g.objects(node, SH.deactivated))
        if deactivated and bool(getattr(deactivated[0], "value", False)):
            return SparqlConstraint(node, "", None, {})  # skipped when evaluated, as pySHACL does
        return SparqlConstraint(node, str(selects[0]), messages[0] if messages else None, self.prefixes(node))

    def prefixes(self, node) -> dict:
        """sh:prefixes resolved as pySHACL's SPARQLQueryHelper.collect_prefixes does."""
        g = self.graph
        found: dict = {}
        ontologies = set(g.subjects(RDF.type, OWL.Ontology))
        global_declares = {d for o in ontologies for d in g.objects(o, SH.declare)}
        for value in g.objects(node, SH.prefixes):
            own = set(g.objects(value, SH.declare))
            declares = own if (own and value in ontologies) else global_declares | own
            for declaration in declares:
                prefixes = list(g.objects(declaration, SH.prefix))
                namespaces = list(g.objects(declaration, SH.namespace))
                if len(prefixes) != 1 or len(namespaces) != 1:
                    raise UnsupportedShape("an sh:declare needs exactly one sh:prefix and one sh:namespace")
                found[str(prefixes[0])] = URIRef(str(namespaces[0]))
        return found

    def check_messages(self, shape: Shape, seen=None) -> None:
        """Every shape that reports at the top level has one sh:message (pySHACL's defaults are not copied)."""
        seen = set() if seen is None else seen
        if id(shape) in seen or shape.deactivated:
            return
        seen.add(id(shape))
        reporting = [c for c in shape.constraints if c.parameter != SH.sparql]
        if reporting and len(shape.messages) != 1:
            kinds = ", ".join(sorted({f"sh:{c.parameter[len(str(SH)):]}" for c in reporting}))
            problem = "no sh:message (pySHACL's default messages are not replicated)" if not shape.messages else \
                "several sh:message values (pySHACL reports one of them, in no fixed order)"
            raise UnsupportedShape(f"{shape.label} ({kinds}) has {problem}")
        if len(shape.messages) > 1:
            raise UnsupportedShape(f"{shape.label} has several sh:message values (pySHACL reports one of them, in no fixed order)")
        for prop in shape.properties:
            self.check_messages(prop, seen)

