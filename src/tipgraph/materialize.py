"""OWL 2 RL materialization inside a pyoxigraph store, equal to owlrl's for what the ontology uses.

``reason.infer`` runs owlrl, the reference, which takes minutes beyond a few hundred practices.
This module gives the same answer in seconds. ``rules_from_ontology`` reads the ontology and lists
the OWL 2 RL rules its axioms instantiate (``Rule("prp-inv", (tg:involves, tg:involvedIn))``, ...),
so a change to the ontology changes the rules with no change here; ``materialize_store`` compiles
them to SPARQL UPDATE and runs them inside a store to a fixpoint; ``infer_fast`` does the same for
two rdflib graphs and returns exactly what ``reason.infer`` returns (tests/test_materialize.py).

How:
- schema rules (scm-*) run once, in Python: the closures of rdfs:subClassOf and rdfs:subPropertyOf,
  and for every property the properties, and directions, that one of its triples implies through
  sub-properties, inverses and symmetry. Each implied property is then one INSERT reading all its
  sources, and each class one INSERT reading its domain and range properties and its direct
  subclasses (subclasses first): owlrl's rounds of prp-spo1, prp-inv, prp-symp, prp-dom, prp-rng
  and cax-sco collapse into one pass;
- owl:TransitiveProperty and property chains that recurse (p o q => p) use property paths
  (``q+``); the rules are ordered by which predicates they read and write, and only groups that
  feed each other are repeated until nothing changes;
- every INSERT skips what is known (MINUS) and sends what ``reason.infer`` drops (blank nodes,
  vocabulary terms) to a scratch graph that the rules read but the target does not get;
- owl:sameAs, given or from functional and inverse-functional properties, is closed in Python
  (eq-sym, eq-trans) and replaced in subjects, predicates and objects (eq-rep-s/p/o);
- inconsistencies are the ones owlrl finds for these constructs, in its words: disjoint classes
  (cax-dw, cax-adc, also for literals typed through ranges, and between datatypes), owl:Nothing,
  prp-irp, prp-asyp, prp-pdw, and dt-not-type (a literal whose lexical form its datatype refuses).

What it does not do: OWL constructs it does not implement (class expressions such as
owl:someValuesFrom or owl:hasValue, owl:hasKey, owl:AllDifferent, cardinalities, property
expressions, ...) raise ``UnsupportedAxiom`` naming them, and so do schema axioms in the data
graphs, owl:sameAs between a literal and a resource or about ontology terms, and a literal as the
object of a property whose inverse is transitive, in a chain or functional (owlrl would reason over
a literal subject there). Those need ``reason.infer``. Literals are compared as the store keeps them:
pyoxigraph writes "1.50"^^xsd:decimal as "1.5" and "x"^^xsd:string as "x", which rdflib keeps apart;
``infer_fast`` loads such literals with a private datatype, ``urn:x-tipgraph:verbatim:<datatype>``,
that ``materialize_store`` reads as that datatype.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import (
    OWL_Datatype_Subsumptions,
    OWL_RL_Datatypes,
    RDFS_Datatypes,
)
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .reason import VOCABULARY_PREFIXES, InconsistencyError

__all__ = ["Rule", "UnsupportedAxiom", "infer_fast", "materialize_store", "rules_from_ontology"]

log = logging.getLogger(__name__)

VERBATIM = "urn:x-tipgraph:verbatim:"
_MEMBER = "<urn:x-tipgraph:member>"
FLUSH_AFTER_S = 2.0  # seconds of updates between flushes of the store (see _Run.update)

# rdf:type values that declare a term and have no consequence on data.
DECLARATIONS = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                RDF.Property, OWL.Ontology, OWL.NamedIndividual, RDFS.Datatype, RDF.List}
ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI,
               OWL.imports, OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith, OWL.deprecated}
PROPERTY_TYPES = {OWL.TransitiveProperty: "prp-trp", OWL.FunctionalProperty: "prp-fp",
                  OWL.InverseFunctionalProperty: "prp-ifp", OWL.SymmetricProperty: "prp-symp",
                  OWL.AsymmetricProperty: "prp-asyp", OWL.IrreflexiveProperty: "prp-irp"}
CLASS_AXIOMS = {RDFS.subClassOf: "cax-sco", OWL.equivalentClass: "cax-eqc", OWL.disjointWith: "cax-dw",
                RDFS.domain: "prp-dom", RDFS.range: "prp-rng"}
PROPERTY_AXIOMS = {RDFS.subPropertyOf: "prp-spo1", OWL.equivalentProperty: "prp-eqp",
                   OWL.inverseOf: "prp-inv", OWL.propertyDisjointWith: "prp-pdw"}
# Classes an axiom may name although they belong to the RDF, RDFS, OWL or XSD vocabularies.
VOCABULARY_CLASSES = {OWL.Thing, OWL.Nothing, RDFS.Resource, *RDFS_Datatypes, *OWL_RL_Datatypes}
# Terms owlrl has rules for: in a data graph they would change the schema, so the data may not use them.
SCHEMA_PREDICATES = [*CLASS_AXIOMS, *PROPERTY_AXIOMS, OWL.propertyChainAxiom, OWL.members, OWL.distinctMembers,
                     OWL.hasKey, OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue,
                     OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.onClass, OWL.intersectionOf,
                     OWL.unionOf, OWL.complementOf, OWL.oneOf, OWL.sourceIndividual, OWL.assertionProperty,
                     OWL.targetIndividual, OWL.targetValue, OWL.differentFrom]
SCHEMA_TYPES = [*PROPERTY_TYPES, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property,
                OWL.AllDisjointProperties, OWL.AllDifferent, OWL.AllDisjointClasses]
# Datatypes whose lexical forms owlrl checks (dt-not-type); xsd:string and rdf:HTML accept anything.
CHECKED_DATATYPES = [d for d in OWL_RL_Datatypes if d in AltXSDToPYTHON and d not in (XSD.string, RDF.HTML)]
# owlrl states these disjoint (between datatypes that the graph uses).
DATATYPE_PAIRS = [(a, b) for a, _, b in OWLRL_Datatypes_Disjointness]
DATATYPES_DISJOINT = tuple(sorted({d for pair in DATATYPE_PAIRS for d in pair}))


class UnsupportedAxiom(ValueError):
    """The ontology (or the data) uses an OWL construct that the fast path does not implement."""


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule instantiated by one axiom; ``name`` as in the OWL 2 RL profile's tables.

    ``args`` are rdflib terms: ``("cax-sco", (C, D))``, ``("prp-spo2", (P, (P1, P2)))``, ...
    """

    name: str
    args: tuple


def _is_vocabulary(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(VOCABULARY_PREFIXES)


def _n3(term) -> str:
    return term.n3() if isinstance(term, URIRef) else str(term)


# ---------------------------------------------------------------------------------------------
# Rules from the ontology
# ---------------------------------------------------------------------------------------------

def rules_from_ontology(ontology: Graph) -> list[Rule]:
    """The rule instances of the ontology's axioms; ``UnsupportedAxiom`` for anything else."""
    defined = set(ontology.subjects())

    def name(node) -> str:
        return ontology.qname(node) if isinstance(node, URIRef) else str(node)

    def expression(node) -> str:
        keys = sorted({name(p) for p in ontology.predicates(node) if _is_vocabulary(p) and p != RDF.type})
        return f"a class or property expression ({', '.join(keys) or 'a blank node'}), which is not implemented"

    def term(node, axiom, subject, is_class: bool = False):
        if isinstance(node, BNode):
            raise UnsupportedAxiom(f"{name(axiom)} on {subject} uses {expression(node)}")
        if not isinstance(node, URIRef) or (_is_vocabulary(node) and not (is_class and node in VOCABULARY_CLASSES)):
            raise UnsupportedAxiom(f"{name(axiom)} on {subject} names {name(node)}: not implemented for this term")
        return node

    def items(head, axiom, subject, is_class=False) -> tuple:
        return tuple(term(i, axiom, subject, is_class) for i in ontology.items(head))

    rules: list[Rule] = []
    for s, p, o in sorted(ontology):
        if p == RDF.type and o in PROPERTY_TYPES:
            rules.append(Rule(PROPERTY_TYPES[o], (term(s, o, s),)))
        elif p == RDF.type and o == OWL.AllDisjointClasses:
            for head in ontology.objects(s, OWL.members):
                rules.append(Rule("cax-adc", items(head, o, s, True)))
                if {OWL.Thing, RDFS.Resource} & set(rules[-1].args):
                    raise UnsupportedAxiom(f"owl:AllDisjointClasses {s} names owl:Thing: not implemented for this term")
        elif p == RDF.type and isinstance(s, BNode) and _is_vocabulary(o) and o not in DECLARATIONS:
            raise UnsupportedAxiom(f"{name(o)}: {expression(s)}")
        elif p == RDF.type and o == OWL.Class:
            rules.append(Rule("scm-cls", (s,)))  # owl:Nothing is a subclass of every class
        elif p == RDF.type:
            if _is_vocabulary(o) and o not in DECLARATIONS:
                raise UnsupportedAxiom(f"{name(o)} (on {s}) is not implemented")
        elif p in CLASS_AXIOMS or p in PROPERTY_AXIOMS or p == OWL.propertyChainAxiom:
            subject = term(s, p, s)
            if p in CLASS_AXIOMS:
                rules.append(Rule(CLASS_AXIOMS[p], (subject, term(o, p, s, is_class=True))))
                if p == OWL.disjointWith and {s, o} & {OWL.Thing, RDFS.Resource}:
                    raise UnsupportedAxiom(f"owl:disjointWith on {s} names {name(o)}: not implemented for this term")
            elif p in PROPERTY_AXIOMS:
                rules.append(Rule(PROPERTY_AXIOMS[p], (subject, term(o, p, s))))
            else:
                rules.append(Rule("prp-spo2", (subject, items(o, p, s))))
            # owlrl states the converse of an equivalence about its object: fine while the
            # ontology defines that term (reason.infer then drops it), not otherwise.
            if p in (OWL.equivalentClass, OWL.equivalentProperty) and o not in defined:
                raise UnsupportedAxiom(f"{name(p)} on {s} names {o}, which the ontology does not define")
        elif p == OWL.members:
            if (s, RDF.type, OWL.AllDisjointClasses) not in ontology:
                raise UnsupportedAxiom(f"owl:members on {s}, which is not an owl:AllDisjointClasses")
        elif _is_vocabulary(p) and p not in ANNOTATIONS and p not in (RDF.first, RDF.rest):
            raise UnsupportedAxiom(f"{name(p)} (on {s}) is not implemented")
    return rules


# ---------------------------------------------------------------------------------------------
# Compiling the rules
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Step:
    """Data rules that read the triples of ``body`` and write triples of ``head``.

    ``updates`` are SPARQL UPDATE templates with placeholders in backquotes, which no IRI may
    hold: ``using`` reads every graph, ``asserted`` the asserted ones, ``input{ pattern }``
    matches a pattern in the asserted graphs only; ``W`` is the target graph and ``S`` the scratch
    graph, for what reason.infer drops but the rules still read."""

    label: str
    body: frozenset
    head: frozenset
    updates: tuple
    closed: bool = False  # reads its own head, but reaches its fixpoint in one run (a path p+)
    implication: bool = False  # reads whatever implies its head directly: needs no other implication first

    def feeds(self, other: _Step) -> bool:
        return bool(self.head & other.body) and not (self.implication and other.implication)


def _vocabulary(var: str) -> str:
    """SPARQL test for an IRI of the vocabularies reason.infer drops; the hosts first, as most
    IRIs fail there and one test is cheaper than five."""
    hosts = defaultdict(list)
    for prefix in VOCABULARY_PREFIXES:
        hosts[prefix[:prefix.index("/", len("http://"))]].append(prefix)
    tests = [f'(STRSTARTS(STR({var}), "{host}/") && ('
             + " || ".join(f'STRSTARTS(STR({var}), "{prefix}")' for prefix in prefixes) + "))"
             for host, prefixes in sorted(hosts.items())]
    return f"(isIRI({var}) && ({' || '.join(tests)}))"


def _route(s: str, o: str | None = None, p: str | None = None) -> str:
    """Send a triple that reason.infer drops to the scratch graph (the rules may still need it)."""
    tests = [f"isBlank({s})", _vocabulary(s)] + ([f"isBlank({o})"] if o else [])
    if p:  # any predicate: also vocabulary typings and reflexive owl:sameAs
        tests += [f"({p} = {_n3(RDF.type)} && {_vocabulary(o)})", f"({p} = {_n3(OWL.sameAs)} && sameTerm({s}, {o}))"]
    return f"BIND(IF({' || '.join(tests)}, `S`, `W`) AS ?g)"


def _insert(head: str, where: str, s: str, o: str | None) -> str:
    """INSERT the head triple for each match, unless it is known (MINUS: cheaper than NOT EXISTS)."""
    return f"INSERT {{ GRAPH ?g {{ {head} }} }} `using` WHERE {{ {where} MINUS {{ {head} }} {_route(s, o)} }}"


class _Plan:
    """The schema closure (scm-* rules, in Python) and the data rules it compiles to."""

    def __init__(self, rules: Iterable[Rule]):
        by = defaultdict(list)
        for rule in rules:
            by[rule.name].append(rule.args)
        self.sco, self.spo, self.inverse = defaultdict(set), defaultdict(set), defaultdict(set)
        self.domain, self.range = defaultdict(set), defaultdict(set)
        for c, d in by["cax-sco"] + by["cax-eqc"] + [(d, c) for c, d in by["cax-eqc"]]:
            self.sco[c].add(d)
        for (c,) in by["scm-cls"]:
            self.sco[OWL.Nothing].add(c)
        for p, q in by["prp-spo1"] + by["prp-eqp"] + [(q, p) for p, q in by["prp-eqp"]]:
            self.spo[p].add(q)
        for p, q in by["prp-inv"]:
            self.inverse[p].add(q)
            self.inverse[q].add(p)
        for p, c in by["prp-dom"]:
            self.domain[p].add(c)
        for p, c in by["prp-rng"]:
            self.range[p].add(c)
        one = lambda kind: sorted({args[0] for args in by[kind]})
        self.symmetric, self.transitive = set(one("prp-symp")), one("prp-trp")
        self.functional, self.inverse_functional = one("prp-fp"), one("prp-ifp")
        self.irreflexive, self.asymmetric = one("prp-irp"), one("prp-asyp")
        self.disjoint_properties = sorted(set(by["prp-pdw"]))
        self.chains = sorted(set(by["prp-spo2"]))
        # Groups of pairwise disjoint classes (cax-dw: two; cax-adc: the list), in the axiom's order.
        self.disjoint = sorted(set(by["cax-dw"] + by["cax-adc"]))
        self.properties = sorted({*self.spo, *self.inverse, *self.symmetric, *self.domain, *self.range,
                                  *self.transitive, *(q for qs in self.spo.values() for q in qs),
                                  *(p for p, _ in self.chains), *(q for _, links in self.chains for q in links)})

    def superclasses(self, c) -> set:
        """c and every class it is a subclass of (cax-sco over the closure of scm-sco)."""
        seen, todo = {c}, [c]
        while todo:
            for d in self.sco[todo.pop()] - seen:
                seen.add(d)
                todo.append(d)
        return seen

    def implied(self, p) -> set[tuple[URIRef, bool]]:
        """What ``x p y`` implies alone: ``(q, True)`` for ``x q y``, ``(q, False)`` for ``y q x``.

        prp-spo1, prp-inv1/2 and prp-symp to their fixpoint, with the schema closure (scm-spo)."""
        seen, todo = {(p, True)}, [(p, True)]
        while todo:
            q, forward = todo.pop()
            nxt = [(r, forward) for r in self.spo[q]] + [(r, not forward) for r in self.inverse[q]]
            nxt += [(q, not forward)] if q in self.symmetric else []
            for item in nxt:
                if item not in seen:
                    seen.add(item)
                    todo.append(item)
        return seen

    def literal_types(self, p) -> set:
        """The classes owlrl gives a literal that is the object of ``p`` (prp-rng, and prp-dom on
        the literal-subject triples that inverses make), with their superclasses."""
        classes = set()
        for q, forward in self.implied(p):
            for c in (self.range if forward else self.domain)[q]:
                classes |= self.superclasses(c)
        return classes

    def joined(self) -> set:
        """Properties whose triples meet other triples in a rule (where a literal subject would matter)."""
        links = {q for _, chain in self.chains for q in chain}
        pairs = {q for pair in self.disjoint_properties for q in pair}
        return {*self.transitive, *links, *self.functional, *self.inverse_functional, *self.irreflexive,
                *self.asymmetric, *pairs}

    def property_steps(self, everywhere: bool = False) -> list[_Step]:
        """One INSERT per implied property q, reading every property whose triples imply q's
        through the closure of sub-properties, inverses and symmetry (so one pass suffices).

        A source is read in the asserted graphs only, unless a chain or transitivity
        also writes it: what the other implications wrote of it, q's query reads at its source.
        ``everywhere`` reads all graphs (after owl:sameAs replaced terms anywhere)."""
        sources = defaultdict(set)
        for p in self.properties:
            for q, forward in self.implied(p) - {(p, True)}:
                sources[q].add((p, forward))
        derived = set(self.transitive) | {p for p, _ in self.chains}
        steps = []
        for q in sorted(sources):
            branches = []
            for p, forward in sorted(sources[q]):
                triple = f"?x {_n3(p)} ?y" if forward else f"?y {_n3(p)} ?x"
                branches.append(f"{{ {triple} }}" if everywhere or p in derived else f"`input`{{ {triple} }}")
            where = branches[0] if len(branches) == 1 else f"{{ SELECT DISTINCT ?x ?y WHERE {{ {' UNION '.join(branches)} }} }}"
            steps.append(_Step(f"prp-spo1/inv/symp {q}", frozenset(p for p, _ in sources[q]), frozenset({q}),
                               (_insert(f"?x {_n3(q)} ?y", where, "?x", "?y"),), implication=True))
        for q in self.transitive:
            where = f"{{ SELECT DISTINCT ?x ?y WHERE {{ ?x {_n3(q)}+ ?y }} }}"
            steps.append(_Step(f"prp-trp {q}", frozenset({q}), frozenset({q}),
                               (_insert(f"?x {_n3(q)} ?y", where, "?x", "?y"),), closed=True))
        for p, chain in self.chains:
            pattern, closed = _chain_pattern(p, chain, self.transitive)
            where = f"{{ SELECT DISTINCT ?u ?v WHERE {{ {pattern} }} }}"
            steps.append(_Step(f"prp-spo2 {p}", frozenset(chain), frozenset({p}),
                               (_insert(f"?u {_n3(p)} ?v", where, "?u", "?v"),), closed=closed))
        return steps

    def type_steps(self) -> list[str]:
        """cax-sco, prp-dom and prp-rng as one INSERT per class, subclasses first, each reading the
        domain and range triples that name it directly and the instances of its direct subclasses."""
        classes = {*self.sco, *(d for ds in self.sco.values() for d in ds),
                   *(c for cs in self.domain.values() for c in cs), *(c for cs in self.range.values() for c in cs)}
        updates = []
        for c in sorted(classes, key=lambda c: (-len(self.superclasses(c)), str(c))):
            same = {d for d in self.superclasses(c) if c in self.superclasses(d)}  # c's equivalents
            sources = [f"{{ ?x {_n3(p)} ?any }}" for p in sorted(self.domain) if self.domain[p] & same]
            sources += [f"{{ ?any {_n3(p)} ?x FILTER(!isLiteral(?x)) }}" for p in sorted(self.range) if self.range[p] & same]
            sources += [f"{{ ?x a {_n3(d)} }}" for d in sorted(self.sco) if d != c and self.sco[d] & same]
            # x p "literal" makes "literal" q x when q is an inverse of p: not stored, but q's range types x.
            sources += [f"{{ ?x {_n3(p)} ?literal FILTER(isLiteral(?literal)) }}" for p in self.properties
                        if any(not forward and self.range[q] & same for q, forward in self.implied(p))]
            if sources:
                where = f"{{ SELECT DISTINCT ?x WHERE {{ {' UNION '.join(sources)} }} }}"
                update = _insert(f"?x a {_n3(c)}", where, "?x", None)
                updates.append(update.replace("`W`", "`S`") if _is_vocabulary(c) else update)
        # dt-type2 for nodes typed with a datatype in the data: owlrl adds the datatypes it is a
        # subtype of, once, before any rule runs, so only for asserted typings.
        for dt, supers in sorted(OWL_Datatype_Subsumptions.items()):
            template = " . ".join(f"?x a {_n3(d)}" for d in supers)
            updates.append(f"INSERT {{ GRAPH `S` {{ {template} }} }} `asserted` WHERE {{ ?x a {_n3(dt)} }}")
        return updates


def _pairs(group: tuple) -> list[tuple]:
    """The pairs of classes an owl:AllDisjointClasses (or owl:disjointWith) states disjoint."""
    return [(a, b) for i, a in enumerate(group) for b in group[i + 1:]]


def _chain_pattern(p, chain: tuple, transitive) -> tuple[str, bool]:
    """The body of prp-spo2, and whether it is closed: p o q => p is run as p o q+ (as sound,
    and with nothing else writing p it needs no second round); q+ is q when q is transitive."""
    links = [_n3(q) for q in chain]
    if len(chain) == 2 and p in chain:
        recursive = chain.index(p)
        other = links[1 - recursive] + ("" if chain[1 - recursive] in transitive else "+")
        pattern = [links[0], other] if recursive == 0 else [other, links[1]]
        return f"?u {pattern[0]} ?a . ?a {pattern[1]} ?v", True
    nodes = ["?u"] + [f"?a{i}" for i in range(len(chain) - 1)] + ["?v"]
    return " . ".join(f"{nodes[i]} {q} {nodes[i + 1]}" for i, q in enumerate(links)), False


def _strata(steps: list[_Step]) -> list[tuple[list[_Step], bool]]:
    """Steps grouped in strongly connected components (a step feeds another when its head meets
    the other's body), in an order where each group runs after the groups it reads from."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(i):
        index[i] = low[i] = len(index)
        stack.append(i)
        on_stack.add(i)
        for j, other in enumerate(steps):
            if steps[i].feeds(other):
                if j not in index:
                    visit(j)
                    low[i] = min(low[i], low[j])
                elif j in on_stack:
                    low[i] = min(low[i], index[j])
        if low[i] == index[i]:
            group = []
            while True:
                j = stack.pop()
                on_stack.discard(j)
                group.append(steps[j])
                if j == i:
                    break
            cyclic = len(group) > 1 or (group[0].feeds(group[0]) and not group[0].closed)
            out.append((sorted(group, key=lambda s: s.label), cyclic))

    for i in range(len(steps)):
        if i not in index:
            visit(i)
    return out[::-1]


# ---------------------------------------------------------------------------------------------
# Running the rules in a store
# ---------------------------------------------------------------------------------------------

def _datatype(iri: str) -> str | None:
    """The datatype owlrl would see for a literal the store types ``iri`` (None: plain or tagged)."""
    if iri.startswith(VERBATIM):
        iri = iri[len(VERBATIM):]
        return None if iri.startswith("@") else iri
    return None if iri in (str(XSD.string), str(RDF.langString)) else iri


def _implicit_types(iri: str | None) -> set:
    """dt-type2: a literal's own datatype and the ones it is a subtype of (for OWL RL datatypes)."""
    dt = URIRef(iri) if iri else None
    return {dt, *OWL_Datatype_Subsumptions.get(dt, [])} if dt in OWL_RL_Datatypes else set()


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(term.value, lang=term.language, datatype=None if term.language else term.datatype.value)


class _Run:
    def __init__(self, store: ox.Store, plan: _Plan, ontology: ox.NamedNode, data: list[ox.NamedNode],
                 target: ox.NamedNode, ontology_graph: Graph):
        self.store, self.plan, self.target, self.ontology, self.onto = store, plan, target, ontology, ontology_graph
        tag = f"urn:x-tipgraph:materialize:{uuid.uuid4().hex}:"
        self.scratch, self.eq = ox.NamedNode(tag + "scratch"), ox.NamedNode(tag + "eq")
        self.input = [*data, ontology]
        self.all = [*self.input, target, self.scratch]
        self.parent: dict = {}  # union-find of owl:sameAs
        self.classes: list[list] = []
        self.used: dict = {}
        self.writing = 0.0  # seconds of updates since the store was last flushed

    # -- plumbing
    def update(self, template: str) -> None:
        # Placeholders are in backquotes, which no IRI may hold.
        while "`input`{" in template:  # a pattern read in the asserted graphs only
            start = template.index("`input`{")
            end = template.index("}", start)
            pattern = template[start + len("`input`{"):end]
            union = " UNION ".join(f"{{ GRAPH {g} {{ {pattern} }} }}" for g in self.input)
            template = template[:start] + "{ " + union + " " + template[end:]
        if "GRAPH <" in template and "`using`" in template:
            template = template.replace("`using`", "`using` " + " ".join(f"USING NAMED {g}" for g in self.input))
        started = time.perf_counter()
        self.store.update(template.replace("`using`", " ".join(f"USING {g}" for g in self.all))
                          .replace("`asserted`", " ".join(f"USING {g}" for g in self.input))
                          .replace("`W`", str(self.target)).replace("`S`", str(self.scratch)))
        # An on-disk store keeps what it writes in RocksDB's memtables, one set per index, until it
        # flushes them; left to itself it let them grow with the inferred graph (1 GB at 10,000
        # practices, 2.3 GB at 30,000). Flushing every few seconds of writing keeps memory flat at
        # no cost in time (after every update it would cost: many small files to compact). A no-op
        # for an in-memory store.
        self.writing += time.perf_counter() - started
        if self.writing > FLUSH_AFTER_S:
            self.store.flush()
            self.writing = 0.0

    def select(self, text: str, graphs=None):
        return self.store.query(text, default_graph=graphs if graphs is not None else self.all)

    def counts(self, predicates=None) -> dict:
        """Number of derived triples per predicate (all predicates if None)."""
        values = f"VALUES ?p {{ {' '.join(map(_n3, predicates))} }}" if predicates is not None else ""
        rows = self.select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {values} ?s ?p ?o }} GROUP BY ?p",
                           [self.target, self.scratch])
        return {URIRef(row["p"].value): int(row["n"].value) for row in rows}

    # -- phases
    def saturate(self, strata, changed: set | None) -> None:
        """Run the property rules to their fixpoint; ``changed``: predicates with new triples (None: all)."""
        for stratum, cyclic in strata:
            todo = [s for s in stratum if changed is None or s.body & changed]
            track = cyclic or changed is not None
            heads = set().union(*(s.head for s in stratum))
            before = self.counts(heads) if todo and track else {}
            while todo:
                for step in todo:
                    for update in step.updates:
                        self.update(update)
                if not track:
                    break
                after = self.counts(heads)
                new = {p for p in heads if after.get(p) != before.get(p)}
                if changed is not None:
                    changed |= new
                before = after
                todo = [s for s in stratum if s.body & new] if cyclic else []

    def types(self) -> None:
        for update in self.plan.type_steps():
            self.update(update)
        if self.classes:
            self.replace_equals()

    def equality(self) -> set:
        """owl:sameAs from the data and from prp-fp / prp-ifp, closed (eq-sym, eq-trans) and
        replaced in subjects, predicates and objects (eq-rep-s/p/o). Returns the predicates changed."""
        queries = [f"SELECT ?a ?b WHERE {{ ?a {_n3(OWL.sameAs)} ?b }}"]
        for p in self.plan.functional:
            queries.append(f"SELECT ?a ?b WHERE {{ {{ SELECT ?x WHERE {{ ?x {_n3(p)} ?y }} GROUP BY ?x "
                           f"HAVING (COUNT(*) > 1) }} ?x {_n3(p)} ?a . ?x {_n3(p)} ?b FILTER(!sameTerm(?a, ?b)) }}")
        for p in self.plan.inverse_functional:
            queries.append(f"SELECT ?a ?b WHERE {{ {{ SELECT ?y WHERE {{ ?x {_n3(p)} ?y }} GROUP BY ?y "
                           f"HAVING (COUNT(*) > 1) }} ?a {_n3(p)} ?y . ?b {_n3(p)} ?y FILTER(!sameTerm(?a, ?b)) }}")
        merged = False
        for query in queries:
            for row in self.select(query):
                merged |= self._union(row["a"], row["b"])
        if merged:
            self._write_classes()
        if not self.classes:
            return set()
        before = self.counts()
        self.replace_equals()
        after = self.counts()
        return {p for p in after if after[p] != before.get(p)}

    def replace_equals(self) -> None:
        pair = f"GRAPH {self.eq} {{ ?c {_MEMBER} ?a . ?c {_MEMBER} ?b }} FILTER(!sameTerm(?a, ?b))"
        for head in ("?b ?p ?o", "?s ?p ?b", "?s ?b ?o", f"?b {_n3(OWL.sameAs)} ?a"):
            s, p, o = head.split()
            where = "" if p == _n3(OWL.sameAs) else head.replace("?b", "?a")
            self.update(f"INSERT {{ GRAPH ?g {{ {head} }} }} `using` USING NAMED {self.eq} WHERE {{ {pair} {where} "
                        f"FILTER NOT EXISTS {{ {head} }} {_route(s, o, p)} }}")

    def _find(self, x):
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def _union(self, a, b) -> bool:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return False
        self.parent[ra] = rb
        self.parent.setdefault(rb, rb)
        return True

    def _write_classes(self) -> None:
        groups = defaultdict(list)
        for x in self.parent:
            groups[self._find(x)].append(x)
        self.classes = [sorted(g, key=str) for g in groups.values() if len(g) > 1]
        schema_terms = {t for triple in self.onto for t in triple}
        for group in self.classes:
            literals = [x for x in group if isinstance(x, ox.Literal)]
            if literals and len(literals) < len(group):
                raise UnsupportedAxiom(f"owl:sameAs between a literal and a resource: {', '.join(map(str, group))}")
            named = [x for x in group if not isinstance(x, ox.Literal)
                     and (_to_rdflib(x) in schema_terms or _is_vocabulary(_to_rdflib(x)))]
            if named:
                raise UnsupportedAxiom(f"owl:sameAs of ontology terms: {', '.join(map(str, named))}")
        self.update(f"DROP SILENT GRAPH {self.eq}")
        member = ox.NamedNode(_MEMBER[1:-1])  # quads, not INSERT DATA: that would mint new blank nodes
        self.store.extend(ox.Quad(ox.NamedNode(f"urn:x-tipgraph:class:{i}"), member, x, self.eq)
                          for i, group in enumerate(self.classes) for x in group)

    def check_literal_subjects(self) -> None:
        """owlrl reasons over triples with a literal subject when a literal is the object of a
        property with an inverse; refuse where such a triple would meet another in a rule."""
        joined = self.plan.joined()
        for p in self.plan.properties:
            backward = sorted(q for q, fwd in self.plan.implied(p) if not fwd and q in joined)
            if backward and bool(self.select(f"ASK {{ ?s {_n3(p)} ?o FILTER(isLiteral(?o)) }}")):
                raise UnsupportedAxiom(f"a literal is the object of {p}, and the inverse {backward[0]} takes part "
                                       "in a rule: owlrl would reason over a literal subject here")


    # -- consistency
    def inconsistencies(self) -> list[str]:
        """What owlrl would report, in its words (cax-dw, cax-adc, cls-nothing2, prp-irp, prp-asyp,
        prp-pdw, dt-not-type), for resources, for literals and for datatypes."""
        messages = set()
        for group in self.plan.disjoint:
            messages |= self._disjoint(group)
        messages |= self._disjoint(DATATYPES_DISJOINT, datatypes=True)
        for row in self.select(f"SELECT DISTINCT ?x WHERE {{ ?x a {_n3(OWL.Nothing)} }}"):
            messages.add(f"{row['x'].value} is defined of type 'Nothing'")
        for p in self.plan.irreflexive:
            for row in self.select(f"SELECT DISTINCT ?x WHERE {{ ?x {_n3(p)} ?x }}"):
                messages.add(f"Irreflexive property used on {row['x'].value} with {p}")
        for p in self.plan.asymmetric:
            for row in self.select(f"SELECT DISTINCT ?x ?y WHERE {{ ?x {_n3(p)} ?y . ?y {_n3(p)} ?x }}"):
                messages.add(f"Erroneous usage of asymmetric property {p} on {row['x'].value} and {row['y'].value}")
        for p, q in self.plan.disjoint_properties:
            for row in self.select(f"SELECT DISTINCT ?x ?y WHERE {{ ?x {_n3(p)} ?y . ?x {_n3(q)} ?y }}"):
                messages.add(f"Erroneous usage of disjoint properties {p} and {q} on {row['x'].value} and {row['y'].value}")
        # predicate -> datatypes of its literal objects; derived triples only add literal objects
        # under properties that the closure of literal_types covers, except chains and eq-rep-p.
        query = "SELECT DISTINCT ?p ?dt WHERE { %s ?s ?p ?o FILTER(isLiteral(?o)) BIND(DATATYPE(?o) AS ?dt) }"
        heads = " ".join(_n3(p) for p, _ in self.plan.chains)
        rows = [*self.select(query % "", self.input if not self.classes else self.all)]
        rows += [*self.select(query % f"VALUES ?p {{ {heads} }}", [self.target, self.scratch])] if heads else []
        survey = defaultdict(set)
        for row in rows:
            survey[URIRef(row["p"].value)].add(row["dt"].value)
        messages |= self._literal_inconsistencies(survey)
        messages |= self._lexical_inconsistencies(survey)
        return sorted(messages)

    def _disjoint(self, group: tuple, datatypes: bool = False) -> set:
        """cax-dw / cax-adc for resources: nodes typed with two classes of ``group``."""
        values = " ".join(map(_n3, set(group)))
        having = "HAVING (COUNT(DISTINCT ?c) > 1)" if len(set(group)) == len(group) else ""  # C disjoint with C
        rows = self.select(f"SELECT ?x ?c WHERE {{ {{ SELECT ?x WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }} "
                           f"GROUP BY ?x {having} }} VALUES ?c {{ {values} }} ?x a ?c }}")
        types = defaultdict(set)
        for row in rows:
            types[row["x"].value].add(URIRef(row["c"].value))
        return {msg for node, found in types.items() for msg in self._disjoint_messages(group, found, node, datatypes)}

    def _disjoint_messages(self, group, types, node, datatypes: bool) -> list[str]:
        pairs = DATATYPE_PAIRS if datatypes else _pairs(group)
        return [f"Disjoint classes {a} and {b} have a common individual {node}" for a, b in pairs
                if a in types and b in types and (not datatypes or (self._used(a) and self._used(b)))]

    def _used(self, dt) -> bool:
        """Whether owlrl counts ``dt`` as used (it states datatype disjointness only between those)."""
        if dt not in self.used:
            below = [d for d in OWL_RL_Datatypes if d == dt or dt in OWL_Datatype_Subsumptions.get(d, [])]
            values = " ".join(f"<{d}>" for d in below if d != XSD.string) + " " + " ".join(f"<{VERBATIM}{d}>" for d in below)
            self.used[dt] = bool(self.select(
                f"ASK {{ {{ VALUES ?dt {{ {values} }} ?s ?p ?o FILTER(isLiteral(?o)) FILTER(sameTerm(DATATYPE(?o), ?dt)) }} "
                f"UNION {{ VALUES ?d {{ {' '.join(map(_n3, below))} }} ?x a ?d }} }}", self.input))
        return self.used[dt]

    def _literal_inconsistencies(self, survey: dict) -> set:
        """Literals get types too in owlrl (prp-rng, dt-type2): check them without storing them."""
        types = {p: self.plan.literal_types(p) for p in self.plan.properties}
        types = {p: t for p, t in types.items() if t and p in survey}
        pairs = [pair for group in self.plan.disjoint for pair in _pairs(group)] + DATATYPE_PAIRS

        def violated(found: set) -> bool:
            return OWL.Nothing in found or any(a in found and b in found for a, b in pairs)

        own = lambda dt: _implicit_types(_datatype(dt))
        found = {lit for group in self.classes for lit in group if isinstance(lit, ox.Literal)}
        literal = "FILTER(isLiteral(?o) && sameTerm(DATATYPE(?o), <%s>))"
        for p in types:
            for dt in survey[p]:
                if violated(types[p] | own(dt)):
                    found |= {r["o"] for r in self.select(f"SELECT DISTINCT ?o WHERE {{ ?s {_n3(p)} ?o {literal % dt} }}")}
        props = sorted(types)
        for i, p in enumerate(props):
            for q in props[i + 1:]:
                for dt in survey[p] & survey[q]:
                    if violated(types[p] | types[q] | own(dt)) and not violated(types[p] | own(dt)) \
                            and not violated(types[q] | own(dt)):
                        query = f"SELECT DISTINCT ?o WHERE {{ ?s {_n3(p)} ?o {literal % dt} ?t {_n3(q)} ?o }}"
                        found |= {r["o"] for r in self.select(query)}
        messages = set()
        for lit in found:
            all_types = set()
            for member in next((g for g in self.classes if lit in g), [lit]):
                all_types |= own(member.datatype.value)
                for row in self.select(f"SELECT DISTINCT ?p WHERE {{ ?s ?p {member} }}"):
                    all_types |= self.plan.literal_types(URIRef(row["p"].value))
            if OWL.Nothing in all_types:
                messages.add(f"{lit.value} is defined of type 'Nothing'")
            for group in self.plan.disjoint:
                messages.update(self._disjoint_messages(group, all_types, lit.value, False))
            messages.update(self._disjoint_messages(DATATYPES_DISJOINT, all_types, lit.value, True))
        return messages

    def _lexical_inconsistencies(self, survey: dict) -> set:
        """dt-not-type: owlrl's own lexical checks, on every literal of a checked datatype (valid
        xsd:integer and xsd:decimal literals, which the store keeps as numbers, pass them all)."""
        checked = {str(d) for d in CHECKED_DATATYPES}
        pairs = [(p, dt) for p, dts in survey.items() for dt in dts if _datatype(dt) in checked]
        if not pairs:
            return set()
        values = " ".join(f"({_n3(p)} <{dt}>)" for p, dt in pairs)
        numbers = f"sameTerm(?dt, {_n3(XSD.integer)}) || sameTerm(?dt, {_n3(XSD.decimal)})"
        rows = self.select(f"SELECT DISTINCT ?o WHERE {{ VALUES (?p ?dt) {{ {values} }} ?s ?p ?o "
                           f"FILTER(isLiteral(?o) && sameTerm(DATATYPE(?o), ?dt) && !(isNumeric(?o) && ({numbers}))) }}",
                           self.input)
        messages = set()
        for row in rows:
            lit = row["o"]
            dt = URIRef(_datatype(lit.datatype.value))
            try:
                AltXSDToPYTHON[dt](lit.value)
            except ValueError:
                messages.add(f"Lexical value of the literal '{lit.value}' does not match its datatype ({dt})")
        return messages

    def finish(self) -> int:
        """Drop what reason.infer drops and the rules did not already route away; count the rest."""
        self.update(f"DELETE {{ GRAPH `W` {{ ?s ?p ?o }} }} WHERE {{ "
                    f"{{ SELECT DISTINCT ?s WHERE {{ GRAPH {self.ontology} {{ ?s ?x ?y }} }} }} GRAPH `W` {{ ?s ?p ?o }} }}")
        self.update(f"DELETE WHERE {{ GRAPH `W` {{ ?s {_n3(OWL.sameAs)} ?s }} }}")
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {self.target} {{ ?s ?p ?o }} }}", [])
        return int(next(iter(rows))["n"].value)

    def cleanup(self) -> None:
        for graph in (self.scratch, self.eq):
            self.update(f"DROP SILENT GRAPH {graph}")


def _read_graph(store: ox.Store, graph: ox.NamedNode) -> Graph:
    result = Graph()
    for quad in store.quads_for_pattern(None, None, None, graph):
        result.add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)))
    return result


def _check_data_vocabulary(store: ox.Store, data: list[ox.NamedNode]) -> None:
    """Schema axioms in the data would change the rules (owlrl reads them wherever they are)."""
    for p in SCHEMA_PREDICATES:
        if store.query(f"ASK {{ ?s {_n3(p)} ?o }}", default_graph=data):
            raise UnsupportedAxiom(f"the data state {p} axioms: schema axioms belong in the ontology graph")
    for c in SCHEMA_TYPES:
        if store.query(f"ASK {{ ?s a {_n3(c)} }}", default_graph=data):
            raise UnsupportedAxiom(f"the data type a node as {c}: schema axioms belong in the ontology graph")


def materialize_store(store: ox.Store, ontology_graph: ox.NamedNode, data_graphs: list[ox.NamedNode],
                      target_graph: ox.NamedNode, *,
                      rule_filter: Callable[[Rule], Rule | None] | None = None) -> int:
    """Write into ``target_graph`` what OWL 2 RL entails from the ontology and the data graphs of
    ``store`` beyond them, filtered as ``reason.infer`` filters owlrl's output; return its size.

    ``target_graph`` is emptied first, and left empty if the data are inconsistent
    (``InconsistencyError``) or use what is not implemented (``UnsupportedAxiom``).
    ``rule_filter`` is for tests: it sees each rule instance and returns it, another one, or None
    to leave it out, to show that the equivalence tests catch a broken rule.
    """
    if not all(isinstance(g, ox.NamedNode) for g in (ontology_graph, target_graph, *data_graphs)):
        raise TypeError("the ontology, data and target graphs must be named graphs (pyoxigraph.NamedNode)")
    if target_graph in data_graphs or target_graph == ontology_graph:
        raise ValueError("the target graph must differ from the ontology and data graphs")
    started = time.perf_counter()
    ontology = _read_graph(store, ontology_graph)
    rules = rules_from_ontology(ontology)
    if rule_filter is not None:
        rules = [r for r in map(rule_filter, rules) if r is not None]
    _check_data_vocabulary(store, data_graphs)
    plan = _Plan(rules)
    run = _Run(store, plan, ontology_graph, list(data_graphs), target_graph, ontology)
    store.update(f"DROP SILENT GRAPH {target_graph}")
    try:
        run.saturate(_strata(plan.property_steps()), None)
        changed = run.equality()
        while changed:  # owl:sameAs put triples anywhere: from now on rules read every graph
            run.saturate(_strata(plan.property_steps(everywhere=True)), changed)
            changed = run.equality()
        log.debug("properties: %.2f s", time.perf_counter() - started)
        run.check_literal_subjects()
        run.types()
        log.debug("types: %.2f s", time.perf_counter() - started)
        errors = run.inconsistencies()
        log.debug("checks: %.2f s", time.perf_counter() - started)
        if errors:
            raise InconsistencyError(errors)
        count = run.finish()
    except Exception:
        store.update(f"DROP SILENT GRAPH {target_graph}")
        raise
    finally:
        run.cleanup()
    log.debug("materialized %d triples in %.2f s", count, time.perf_counter() - started)
    return count


# ---------------------------------------------------------------------------------------------
# rdflib graphs in, rdflib graph out
# ---------------------------------------------------------------------------------------------

class _Terms:
    """rdflib terms to store terms and back, keeping literals apart that rdflib keeps apart."""

    def __init__(self, graphs: Iterable[Graph]):
        literals = {o for g in graphs for _, _, o in g if isinstance(o, Literal)}
        plain = {lit: self._plain(lit) for lit in literals}
        # The store rewrites some lexical forms ("1.50"^^xsd:decimal is kept as "1.5"): find them.
        probe = ox.Store()
        probe.extend(ox.Quad(ox.NamedNode(f"urn:x-probe:{i}"), ox.NamedNode("urn:x-probe:v"), o, ox.DefaultGraph())
                     for i, o in enumerate(plain.values()))
        kept = {q.object for q in probe}
        self.to_store, self.to_rdflib = {}, {}
        for lit, term in plain.items():
            if term not in kept or lit.datatype == XSD.string or (lit.language and lit.language != lit.language.lower()):
                kind = lit.datatype if lit.datatype else f"@{lit.language or ''}"
                term = ox.Literal(str(lit), datatype=ox.NamedNode(f"{VERBATIM}{kind}"))
            self.to_store[lit] = term
            self.to_rdflib[term] = lit
        self.blank: dict = defaultdict(ox.BlankNode)

    @staticmethod
    def _plain(lit: Literal):
        if lit.language:
            return ox.Literal(str(lit), language=lit.language)
        return ox.Literal(str(lit), datatype=ox.NamedNode(lit.datatype) if lit.datatype else None)

    def store_term(self, term):
        if isinstance(term, URIRef):
            return ox.NamedNode(term)
        if isinstance(term, BNode):
            return self.blank[term]
        return self.to_store[term]

    def rdflib_term(self, term):
        return self.to_rdflib[term] if isinstance(term, ox.Literal) else _to_rdflib(term)


def infer_fast(ontology: Graph, asserted: Graph, *,
               rule_filter: Callable[[Rule], Rule | None] | None = None) -> Graph:
    """The same triples as ``reason.infer(ontology, asserted)``, by ``materialize_store`` in memory.

    The inputs are left as they are. ``rule_filter``, for tests, is passed to ``materialize_store``."""
    terms = _Terms([ontology, asserted])
    store = ox.Store()
    names = [ox.NamedNode(f"urn:x-tipgraph:{n}") for n in ("ontology", "asserted", "inferred")]
    for graph, name in zip((ontology, asserted), names):
        store.extend(ox.Quad(terms.store_term(s), terms.store_term(p), terms.store_term(o), name)
                     for s, p, o in graph if not isinstance(s, Literal))
    materialize_store(store, names[0], [names[1]], names[2], rule_filter=rule_filter)
    inferred = Graph()
    for quad in store.quads_for_pattern(None, None, None, names[2]):
        inferred.add((terms.rdflib_term(quad.subject), terms.rdflib_term(quad.predicate), terms.rdflib_term(quad.object)))
    return inferred
