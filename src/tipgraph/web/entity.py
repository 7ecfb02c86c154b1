"""Reading one resource of the graph for the linked-data pages: terms, labels, links, statements.

``Site(store, base)`` answers the questions every page asks: does an IRI name a resource of the
data (``exists``), what is a node's label, which local page or external address does it link to,
what are its statements (asserted apart from inferred), and which triples describe it as RDF
(``description``). ``Site.select`` runs a SPARQL file of ``page_queries/`` with ``?this`` bound.

What ``description`` returns, for every RDF form of a resource page: every triple with the resource
as subject in the asserted, inferred and ontology graphs; every triple with it as object in the
asserted and inferred graphs; and the ``rdfs:label`` and ``skos:prefLabel`` of every other IRI
those triples mention, so a client can show names without a second request.

Links: IRIs under the base that have pages become site-relative paths (``/practice/...``, ontology
terms ``/ontology#Term``); other IRIs become links only when their scheme is http or https, so a
``javascript:`` IRI is shown as text. Pure reading: nothing here writes the store or knows HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from ..namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, TG, compact_iri
from ..store import GRAPH_SELECTIONS

QUERIES = Path(__file__).parent / "page_queries"

# The first path segment of every resource that has a page of its own.
KINDS = ("practice", "org", "place", "person", "funding", "amount", "observation", "indicator",
         "phase", "programme", "work", "slip", "concept", "dataset", "report")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
LABEL_PROPERTIES = (LABEL, PREF_LABEL, ox.NamedNode("http://xmlns.com/foaf/0.1/name"),
                    ox.NamedNode("http://purl.org/dc/terms/title"))
INDICATOR = ox.NamedNode(str(TG.indicator))
MEASUREMENT_POINT = ox.NamedNode(str(TG.measurementPoint))
NUMERIC = {XSD + name for name in ("decimal", "integer", "double", "float", "nonNegativeInteger",
                                   "positiveInteger", "int", "long")}

DATA_GRAPHS = tuple(ox.NamedNode(str(g)) for g in GRAPH_SELECTIONS["default"])
ASSERTED = ox.NamedNode(str(GRAPH_ASSERTED))
INFERRED = ox.NamedNode(str(GRAPH_INFERRED))
ONTOLOGY = ox.NamedNode(str(GRAPH_ONTOLOGY))


@dataclass(frozen=True)
class Term:
    """One RDF term as a page shows it: its text, and where it links to, if anywhere."""

    text: str
    href: str | None = None
    iri: str | None = None
    external: bool = False          # the link leaves the site
    inferred: bool = False          # the statement that gave this value was added by reasoning
    literal: bool = False
    lang: str | None = None


@dataclass
class Statement:
    """One property of a resource with its values (or, for inbound statements, its subjects)."""

    predicate: Term
    values: list[Term] = field(default_factory=list)


def is_web_address(value: str) -> bool:
    try:
        return urlsplit(value).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def number(text: str) -> str:
    """'650000.0' -> '650,000'; '0.5' -> '0.5'; text that is not a number stays as it is."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = format(value.normalize(), "f").partition(".")
    return f"{int(whole):,}.{fraction}" if whole.lstrip("-").isdigit() else text


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


class Site:
    """The graph as the pages read it; one per request (it caches labels)."""

    def __init__(self, store: ox.Store, base: str):
        self.store = store
        self.base = base
        self._labels: dict[str, str] = {}
        self._exists: dict[str, bool] = {}

    # --- IRIs and links --------------------------------------------------------------------------

    def iri_for(self, path: str) -> str:
        return self.base + path

    def page_path(self, iri: str) -> str | None:
        """The site path of an IRI that has a page here ('/practice/x', '/ontology#Practice')."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base):]
        if rest == "ontology" or rest.startswith("ontology#"):
            return "/" + rest
        if rest.split("/", 1)[0] in KINDS and "/" in rest:
            return "/" + quote(rest, safe="/#-._~!$&'()*+,;=:@")
        return None

    def exists(self, iri: str) -> bool:
        """Whether ``iri`` is the subject of a triple in the data or ontology graphs."""
        if iri not in self._exists:
            node = ox.NamedNode(iri)
            self._exists[iri] = any(next(iter(self.store.quads_for_pattern(node, None, None, graph)), None)
                                    is not None for graph in (*DATA_GRAPHS, ONTOLOGY))
        return self._exists[iri]

    def link(self, iri: str) -> str | None:
        """Where a page links an IRI to: its page here if it has one, else the IRI if http(s)."""
        local = self.page_path(iri)
        if local is not None:
            return local if local.startswith("/ontology") or self.exists(iri) else None
        return iri if is_web_address(iri) and not iri.startswith(self.base) else None

    # --- Terms and labels ------------------------------------------------------------------------

    def label(self, node) -> str:
        if not isinstance(node, ox.NamedNode):
            return node.value if isinstance(node, ox.Literal) else "(anonymous node)"
        if node.value not in self._labels:
            self._labels[node.value] = self._find_label(node) or compact_iri(node.value)
        return self._labels[node.value]

    def _find_label(self, node: ox.NamedNode) -> str | None:
        for prop in LABEL_PROPERTIES:
            found = [quad.object for graph in (*DATA_GRAPHS, ONTOLOGY)
                     for quad in self.store.quads_for_pattern(node, prop, None, graph)
                     if isinstance(quad.object, ox.Literal)]
            if found:
                found.sort(key=lambda lit: (lit.language not in (None, "en"), lit.value))
                return found[0].value
        # Observations have no label of their own: name them by their indicator and measurement point.
        indicator = next(iter(self.store.quads_for_pattern(node, INDICATOR, None, ASSERTED)), None)
        if indicator is not None:
            point = next(iter(self.store.quads_for_pattern(node, MEASUREMENT_POINT, None, ASSERTED)), None)
            name = self.label(indicator.object)
            return f"{name} ({self.label(point.object).lower()})" if point is not None else name
        return None

    def term(self, node, inferred: bool = False) -> Term:
        if isinstance(node, ox.NamedNode):
            href = self.link(node.value)
            return Term(self.label(node), href=href, iri=node.value, inferred=inferred,
                        external=href is not None and not href.startswith("/"))
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype else None
            text = number(node.value) if datatype in NUMERIC else node.value
            web = datatype == XSD + "anyURI" and is_web_address(node.value)
            return Term(text, href=node.value if web else None, external=web, inferred=inferred,
                        literal=True, lang=node.language)
        return Term("(anonymous node)", inferred=inferred)

    def term_or_none(self, node) -> Term | None:
        return None if node is None else self.term(node)

    # --- Reading ---------------------------------------------------------------------------------

    def select(self, name: str, this: str | None = None) -> list[dict]:
        """Rows of ``page_queries/<name>.rq`` over asserted + inferred facts, ``?this`` bound."""
        substitutions = {ox.Variable("this"): ox.NamedNode(this)} if this else None
        graphs = list(DATA_GRAPHS)
        return self._rows(self.store.query(query_text(name), default_graph=graphs, substitutions=substitutions))

    def select_in(self, name: str, graphs: list[ox.NamedNode]) -> list[dict]:
        return self._rows(self.store.query(query_text(name), default_graph=graphs))

    @staticmethod
    def _rows(solutions) -> list[dict]:
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names} for row in solutions]

    def objects(self, subject: str | ox.NamedNode, predicate: str, graphs=DATA_GRAPHS) -> list:
        s = ox.NamedNode(subject) if isinstance(subject, str) else subject
        seen: dict = {}
        for graph in graphs:
            for quad in self.store.quads_for_pattern(s, ox.NamedNode(predicate), None, graph):
                seen.setdefault(quad.object, None)
        return sorted(seen, key=lambda o: (self.label(o).casefold(), str(o)))

    def subjects(self, predicate: str, obj: str, graphs=DATA_GRAPHS) -> list:
        seen: dict = {}
        for graph in graphs:
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj), graph):
                seen.setdefault(quad.subject, None)
        return sorted(seen, key=lambda s: (self.label(s).casefold(), str(s)))

    def first(self, subject: str, predicate: str):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def asserted(self, s, p, o) -> bool:
        return next(iter(self.store.quads_for_pattern(s, p, o, ASSERTED)), None) is not None

    def statements(self, iri: str, inbound: bool = False) -> tuple[list[Statement], list[Statement]]:
        """The resource's statements grouped by property: (asserted, inferred only).

        Outbound: its properties and values; inbound: properties pointing at it, with their subjects.
        """
        node = ox.NamedNode(iri)
        pattern = (None, None, node) if inbound else (node, None, None)
        asserted: dict = {}
        inferred: dict = {}
        for quad in self.store.quads_for_pattern(*pattern, ASSERTED):
            asserted.setdefault(quad.predicate, {})[quad.subject if inbound else quad.object] = None
        for quad in self.store.quads_for_pattern(*pattern, INFERRED):
            other = quad.subject if inbound else quad.object
            if other not in asserted.get(quad.predicate, {}):
                inferred.setdefault(quad.predicate, {})[other] = None
        return self._group(asserted), self._group(inferred)

    def _group(self, grouped: dict) -> list[Statement]:
        statements = [Statement(self.predicate_term(p), sorted((self.term(v) for v in values),
                                                               key=lambda t: (t.text.casefold(), t.iri or "")))
                      for p, values in grouped.items()]
        order = {TYPE.value: 0, LABEL.value: 1, PREF_LABEL.value: 1}
        return sorted(statements, key=lambda st: (order.get(st.predicate.iri, 2), st.predicate.text.casefold()))

    def predicate_term(self, predicate: ox.NamedNode) -> Term:
        """A property as a table heading: its compact name, linked to its documentation if ours."""
        href = self.link(predicate.value)
        return Term(compact_iri(predicate.value), href=href, iri=predicate.value,
                    external=href is not None and not href.startswith("/"))

    def types(self, iri: str) -> set[str]:
        return {o.value for o in self.objects(iri, TYPE.value) if isinstance(o, ox.NamedNode)}

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples an RDF form of the resource's page holds (see the module docstring)."""
        node = ox.NamedNode(iri)
        triples: dict[ox.Triple, None] = {}
        for graph in (*DATA_GRAPHS, ONTOLOGY):
            for quad in self.store.quads_for_pattern(node, None, None, graph):
                triples.setdefault(quad.triple, None)
        for graph in DATA_GRAPHS:
            for quad in self.store.quads_for_pattern(None, None, node, graph):
                triples.setdefault(quad.triple, None)
        mentioned = {t for triple in list(triples) for t in (triple.subject, triple.object)
                     if isinstance(t, ox.NamedNode) and t != node}
        for other in mentioned:
            for prop in (LABEL, PREF_LABEL):
                for graph in (*DATA_GRAPHS, ONTOLOGY):
                    for quad in self.store.quads_for_pattern(other, prop, None, graph):
                        triples.setdefault(quad.triple, None)
        return sorted(triples, key=lambda t: (str(t.subject) != str(node), str(t.subject), str(t.predicate),
                                              str(t.object)))

    def graph_triples(self, graph: ox.NamedNode) -> list[ox.Triple]:
        return sorted((q.triple for q in self.store.quads_for_pattern(None, None, None, graph)), key=str)
