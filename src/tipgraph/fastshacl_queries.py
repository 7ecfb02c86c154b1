"""The queries ``fastshacl`` runs for the shapes that have targets: one or two per constraint.

Every query returns only what fails (or, for checks decided in Python, only the doubtful values),
and is shaped for Oxigraph's planner over a union of named graphs:

* a check of value nodes is evaluated once per *distinct* value of the property, in a subquery,
  and only the failing values are joined back to their focus nodes: a funder or a unit shared by
  thousands of focus nodes is checked once;
* counts group the property's triples first and join the few offenders to the focus nodes;
  missing values are found with MINUS, which Oxigraph evaluates as one anti-join.

Oxigraph's default graph over several named graphs is a bag (a triple in two graphs is seen
twice), so counts use DISTINCT. Queries are built here; ``fastshacl`` runs them.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import SH

from . import fastshacl_values as values
from .fastshacl_model import Constraint, Shape, SparqlConstraint, UnsupportedShape
from .fastshacl_sparql import Expr

CHUNK = 2000  # failing values per VALUES block


def _distinct_values(shape: Shape, condition: str | None) -> str:
    """Each value of the property once, kept if it meets the condition. GROUP BY ... HAVING, not
    DISTINCT + FILTER: Oxigraph pushes a FILTER below DISTINCT and would test every triple."""
    having = f" HAVING ({condition})" if condition else ""
    return f"{{ SELECT ?value WHERE {{ ?_s <{shape.path}> ?value . }} GROUP BY ?value{having} }}"


def failing_values(shape: Shape, exact: Expr) -> str:
    """Rows ?value: values of a property shape's path (of any subject) that fail an exact check."""
    condition = f"!({exact('?value')})"
    if "EXISTS" in condition:  # a test of the graph: once per distinct value
        return f"SELECT ?value WHERE {_distinct_values(shape, condition)}"
    return f"SELECT DISTINCT ?value WHERE {{ ?_s <{shape.path}> ?value . FILTER({condition}) }}"  # cheaper per triple


def candidates(shape: Shape, sure: Expr | None) -> str:
    """Rows ?value: values of a property shape's path that a Python check must decide."""
    if sure is None:
        return f"SELECT ?value WHERE {_distinct_values(shape, None)}"
    return f"SELECT DISTINCT ?value WHERE {{ ?_s <{shape.path}> ?value . FILTER(!({sure('?value')})) }}"


def focus_values(focus: Expr, condition: Expr | None) -> str:
    """Rows ?this ?value (the same node): focus nodes of a node shape, those not meeting the condition."""
    where = f"FILTER(!({condition('?this')}))" if condition else ""
    return f"SELECT DISTINCT ?this (?this AS ?value) WHERE {{ {focus('?this')} {where} }}"


def pairs_for(shape: Shape, focus: Expr, failing: list) -> list[str]:
    """Rows ?this ?value for the given values (pyoxigraph terms) of a property shape; with blank
    nodes among them, more rows than asked for (a blank node cannot be written into a query)."""
    named = sorted((v for v in failing if not isinstance(v, ox.BlankNode)), key=str)
    queries = [f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {' '.join(map(str, named[i:i + CHUNK]))} }} "
               f"?this <{shape.path}> ?value . {focus('?this')} }}" for i in range(0, len(named), CHUNK)]
    if len(named) < len(failing):
        queries.append(f"SELECT DISTINCT ?this ?value WHERE {{ ?this <{shape.path}> ?value . FILTER(isBlank(?value)) "
                       f"{focus('?this')} }}")
    return queries


def focus_among(focus: Expr, nodes: list) -> list[str]:
    """Rows ?this: the given nodes that are focus nodes (with blank nodes among them: more rows)."""
    named = sorted((v for v in nodes if not isinstance(v, ox.BlankNode)), key=str)
    queries = [f"SELECT DISTINCT ?this WHERE {{ VALUES ?this {{ {' '.join(map(str, named[i:i + CHUNK]))} }} {focus('?this')} }}"
               for i in range(0, len(named), CHUNK)]
    if len(named) < len(nodes):
        queries.append(f"SELECT DISTINCT ?this WHERE {{ {focus('?this')} FILTER(isBlank(?this)) }}")
    return queries


def too_many(path: URIRef, most: int) -> str:
    """Rows ?this: subjects (of any shape) with more than ``most`` distinct values of the path."""
    if most == 0:
        return f"SELECT DISTINCT ?this WHERE {{ ?this <{path}> ?_x . }}"
    return f"SELECT ?this WHERE {{ ?this <{path}> ?_x . }} GROUP BY ?this HAVING (COUNT(DISTINCT ?_x) > {most})"


def missing(focus: Expr, paths: list) -> str:
    """Rows ?this ?p: focus nodes without any value of one of the paths (sh:minCount 1, all at once)."""
    listed = " ".join(f"<{p}>" for p in paths)
    return f"SELECT ?this ?p WHERE {{ {focus('?this')} VALUES ?p {{ {listed} }} FILTER NOT EXISTS {{ ?this ?p ?_x . }} }}"


def too_few(shape: Shape, focus: Expr, c: Constraint) -> str:
    """Rows ?this for focus nodes that fail sh:minCount above 1 or sh:hasValue."""
    f, p = focus("?this"), shape.path
    if c.parameter == SH.minCount:
        return (f"SELECT ?this WHERE {{ {f} MINUS {{ SELECT ?this WHERE {{ ?this <{p}> ?_x . }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_x) >= {c.value}) }} }}")
    term = values.sparql_term(c.value)
    if not shape.is_property:
        return f"SELECT ?this WHERE {{ {f} FILTER(!sameTerm(?this, {term})) }}"
    return f"SELECT ?this WHERE {{ {f} MINUS {{ ?this <{p}> {term} . }} }}"


def pairs_compared(shape: Shape, focus: Expr, c: Constraint) -> str:
    """Rows ?this ?value ?other for sh:lessThan(OrEquals) that a Python comparison must decide."""
    strict = c.parameter == SH.lessThan
    values_of = f"?this <{shape.path}> ?value ." if shape.is_property else "BIND(?this AS ?value)"
    return (f"SELECT DISTINCT ?this ?value ?other WHERE {{ {{ SELECT ?this ?value ?other WHERE {{ ?this <{c.value}> ?other . "
            f"{values_of} FILTER(!({values.pair_sure(strict, '?value', '?other')})) }} }} {focus('?this')} }}")


# --- SPARQL constraints (sh:sparql with sh:select) ----------------------------------------------------

_LEADING_DECLARATIONS = re.compile(r"^\s*(?:(?:PREFIX\s+[\w\-.]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)+", re.IGNORECASE)
_PROJECTION = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:WHERE\s*)?\{", re.IGNORECASE | re.DOTALL)
_PATH = re.compile(r"([\s{}()])[\$\?]PATH", re.MULTILINE)
_CURRENT_SHAPE = re.compile(r"([\s{}()])[\$\?]currentShape", re.MULTILINE)
_SHAPES_GRAPH = re.compile(r"([\s{}()])[\$\?]shapesGraph", re.MULTILINE)


def sparql_constraint(shape: Shape, sc: SparqlConstraint, focus: Expr) -> str:
    """The constraint's query for all focus nodes at once: its $this joined with the focus nodes.

    pySHACL pre-binds $this and runs the query once per focus node; the join gives the same rows
    for queries that project $this (required here), have no LIMIT or OFFSET, and do not use
    $shapesGraph, which pySHACL does not support either.
    """
    from pyshacl.errors import ValidationFailure
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    from .validate import ShapesError

    text = sc.select
    try:  # pySHACL's own checks of the query text: no MINUS, VALUES, SERVICE, rebinding of $this ...
        SPARQLQueryHelper.check_invalid_sparql(SPARQLQueryHelper, text)
    except ValidationFailure as error:
        raise ShapesError(str(error.args[0] if error.args else error)) from None
    if _SHAPES_GRAPH.search(text):
        raise UnsupportedShape(f"{shape.label}: $shapesGraph in a SPARQL constraint")
    if re.search(r"\b(LIMIT|OFFSET)\b", text, re.IGNORECASE):
        raise UnsupportedShape(f"{shape.label}: LIMIT or OFFSET in a SPARQL constraint (pySHACL applies it per focus node)")
    if shape.is_property:
        text = _PATH.sub(lambda m: m.group(1) + f"<{shape.path}>", text)
    elif _PATH.search(text):
        raise UnsupportedShape(f"{shape.label}: $PATH in a SPARQL constraint of a node shape")
    if isinstance(shape.node, URIRef):
        text = _CURRENT_SHAPE.sub(lambda m: m.group(1) + f"<{shape.node}>", text)
    elif _CURRENT_SHAPE.search(text):
        raise UnsupportedShape(f"{shape.label}: $currentShape of a blank shape in a SPARQL constraint")
    leading = _LEADING_DECLARATIONS.match(text)
    declarations, body = (leading.group(0), text[leading.end():]) if leading else ("", text)
    projection = _PROJECTION.match(body)
    if not projection or not (projection.group(1).strip() == "*" or re.search(r"[?$]this\b", projection.group(1))):
        raise UnsupportedShape(f"{shape.label}: a SPARQL constraint must select $this to be evaluated for all focus nodes at once")
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sc.prefixes.items())
    return f"{prefixes}\n{declarations}\nSELECT * WHERE {{ {{ {body} }} {focus('?this')} }}"
