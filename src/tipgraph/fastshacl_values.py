"""Terms and value checks for ``fastshacl``: the parts that must agree with pySHACL term by term.

* ``Terms`` turns pyoxigraph terms into the rdflib terms pySHACL would have seen: by default the
  plain conversion, or through a map back to the original rdflib literals and blank nodes when the
  caller has them (``fastshacl.validate_fast`` does: Oxigraph stores "14.0"^^xsd:decimal as "14").
* ``*_ok`` functions decide one value exactly as pySHACL's constraint components do, mostly by
  calling pySHACL's own helpers, on rdflib terms.
* ``*_sparql`` functions give SPARQL expressions for the same checks: ``exact`` ones that agree
  with pySHACL on every term, and ``sure`` ones that only accept values pySHACL certainly accepts,
  used to pull just the doubtful values out of the store for an exact check in Python.

No I/O, no queries.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pyoxigraph as ox
from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import XSDToPython, _check_well_formed_types

XSD_STRING = str(XSD.string)
NUMERIC_EXACT = (XSD.integer, XSD.decimal)  # compared in SPARQL exactly as in Python


@contextmanager
def quiet_rdflib():
    """rdflib logs a traceback for every ill-typed literal it builds; pySHACL's run does the same once."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class Terms:
    """pyoxigraph terms to rdflib terms, optionally through a map back to the caller's originals."""

    def __init__(self, back: dict | None = None):
        self.back = back or {}
        self.cache: dict = {}

    def rdflib(self, term):
        if term is None:
            return None
        hit = self.cache.get(term)
        if hit is None:
            hit = self.cache[term] = self.back.get(term) or plain_rdflib(term)
        return hit


def plain_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)  # what an rdflib parser makes of a plain "..." in Turtle
        with quiet_rdflib():
            return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_term(term) -> str:
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    raise TypeError(f"cannot write {term!r} into a query")


def sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def balanced(parts: list[str], operator: str, empty: str) -> str:
    """``(a op b op c ...)`` nested as a balanced tree: a long flat chain (250 country codes) is a
    deep tree in Oxigraph's evaluator, and deep recursion can overflow a thread's stack."""
    if not parts:
        return empty
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return f"({balanced(parts[:middle], operator, empty)} {operator} {balanced(parts[middle:], operator, empty)})"


def any_of(var: str, members) -> str:
    return balanced([f"sameTerm({var}, {sparql_term(m)})" for m in sorted(members, key=str)], "||", "false")


# --- sh:datatype ----------------------------------------------------------------------------------

def datatype_ok(value, datatype) -> bool:
    """pySHACL's DatatypeConstraintComponent, for one value."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
        return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)
    if datatype == RDF.langString and value.language:
        return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)
    return False


# Lexical forms (as Oxigraph writes them) that rdflib certainly reads as well-typed values.
_CLEAN = {
    XSD.decimal: r"^-?[0-9]+(\\.[0-9]+)?$",
    XSD.integer: r"^-?[0-9]+$",
    XSD.double: r"^-?[0-9]+(\\.[0-9]+)?(E-?[0-9]+)?$",
    XSD.float: r"^-?[0-9]+(\\.[0-9]+)?(E-?[0-9]+)?$",
    XSD.boolean: r"^(true|false)$",
    XSD.date: r"^[12][0-9][0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
}


def datatype_exact(datatype, var: str) -> str | None:
    """Exact when rdflib never finds a literal of this datatype ill-typed (strings, gYear, ...)."""
    if datatype == RDFS.Literal:
        return f"isLiteral({var})"
    if datatype == RDFS.Datatype:
        return None  # rdflib tells "x" from "x"^^xsd:string here; Oxigraph cannot
    checked = XSDToPython.get(datatype) is not None or datatype in _check_well_formed_types
    if datatype in (XSD.string, RDF.langString) or not checked:
        return f"(isLiteral({var}) && datatype({var}) = {sparql_term(datatype)})"
    return None


def datatype_sure(datatype, var: str) -> str | None:
    exact = datatype_exact(datatype, var)
    if exact is not None or datatype not in _CLEAN:
        return exact
    return f"(isLiteral({var}) && datatype({var}) = {sparql_term(datatype)} && REGEX(STR({var}), \"{_CLEAN[datatype]}\"))"


# --- sh:nodeKind --------------------------------------------------------------------------------

_KINDS = {  # node kind -> (IRI, blank node, literal) accepted
    SH.IRI: (True, False, False), SH.BlankNode: (False, True, False), SH.Literal: (False, False, True),
    SH.BlankNodeOrIRI: (True, True, False), SH.BlankNodeOrLiteral: (False, True, True),
    SH.IRIOrLiteral: (True, False, True),
}


def nodekind_ok(value, kind) -> bool:
    iri, blank, literal = _KINDS.get(kind, (False, False, False))
    if isinstance(value, BNode):
        return blank
    if isinstance(value, Literal):
        return literal
    return iri


def nodekind_exact(kind, var: str) -> str:
    iri, blank, literal = _KINDS.get(kind, (False, False, False))
    parts = [f"isIRI({var})"] * iri + [f"isBlank({var})"] * blank + [f"isLiteral({var})"] * literal
    return "(" + " || ".join(parts) + ")" if parts else "false"


# --- sh:pattern -----------------------------------------------------------------------------------

def compile_pattern(pattern: Literal, flags: str) -> re.Pattern:
    """As PatternConstraintComponent compiles it."""
    re_flags = 0
    flags = flags.lower()
    if "i" in flags:
        re_flags |= re.IGNORECASE
    if "m" in flags:
        re_flags |= re.MULTILINE
    text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    return re.compile(text, re_flags)


def pattern_ok(value, regex: re.Pattern) -> bool:
    if isinstance(value, BNode):
        return False
    return regex.search(StringBasedConstraintBase.value_node_to_string(value)) is not None


# Patterns built only of this syntax mean the same in Python's re and in SPARQL's XPath regular
# expressions, on strings without line breaks: literal characters, classes, anchors, groups,
# alternation and counted repetition.
_CHAR = r"[A-Za-z0-9 _\-:/#@%=!~<>',]|\\[.\-()\[\]{}|^$*+?/\\]"
_CLASS_CHAR = r"[A-Za-z0-9 _\-:/#@%=!~<>',.(){}|$*+?]|\\[.\-\[\]^\\]"
_SAFE_PATTERN = re.compile(rf"(?:{_CHAR}|[\^$()|.]|[?*+]\??|\{{\d+(?:,\d*)?\}}\??|\[\^?(?:{_CLASS_CHAR})+\])*")


def pattern_sure(pattern: Literal, flags: str, var: str) -> str | None:
    text = str(pattern)
    if flags or not _SAFE_PATTERN.fullmatch(text) or "(?" in text:
        return None
    strings = f"(isIRI({var}) || (isLiteral({var}) && (datatype({var}) = {sparql_term(XSD.string)} || datatype({var}) = {sparql_term(RDF.langString)})))"
    return (f"({strings} && !CONTAINS(STR({var}), \"\\n\") && !CONTAINS(STR({var}), \"\\r\") "
            f"&& REGEX(STR({var}), {sparql_string(text)}))")


# --- sh:minInclusive and the other value ranges ---------------------------------------------------

_RANGE_TEST = {
    SH.minInclusive: (lambda c: c >= 0, ">="), SH.minExclusive: (lambda c: c > 0, ">"),
    SH.maxInclusive: (lambda c: c <= 0, "<="), SH.maxExclusive: (lambda c: c < 0, "<"),
}


def range_ok(value, parameter, bound: Literal) -> bool:
    """As pySHACL's Min/MaxIn/Exclusive components decide one value."""
    if not isinstance(value, Literal):
        return False
    bound_is_string = isinstance(bound.value, str)
    value_is_string = isinstance(value.value, str)
    if bound_is_string != value_is_string:
        return False
    try:
        return _RANGE_TEST[parameter][0](compare_literal(value, bound))
    except (TypeError, NotImplementedError):
        return False


def _exact_number(var: str) -> str:
    return f"(isNumeric({var}) && ({' || '.join(f'datatype({var}) = {sparql_term(d)}' for d in NUMERIC_EXACT)}))"


def range_sure(parameter, bound: Literal, var: str) -> str | None:
    if bound.datatype not in NUMERIC_EXACT or bound.ill_typed:
        return None
    return f"({_exact_number(var)} && {var} {_RANGE_TEST[parameter][1]} {sparql_term(bound)})"


# --- sh:lessThan, sh:lessThanOrEquals ----------------------------------------------------------

def pair_ok(value, other, strict: bool) -> bool:
    """As pySHACL's LessThan(OrEquals)ConstraintComponent decides one pair (it raises on blank nodes too)."""
    name = "sh:lessThan" if strict else "sh:lessThanOrEquals"
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise TypeError(f"Cannot use {name} to compare a BlankNode.")
    value_is_string = isinstance(value, URIRef) or (isinstance(value, Literal) and isinstance(value.value, str))
    other_is_string = isinstance(other, URIRef) or (isinstance(other, Literal) and isinstance(other.value, str))
    if value_is_string != other_is_string:
        return False
    left = (str(value) if isinstance(value, URIRef) else value.value) if value_is_string else value
    right = (str(other) if isinstance(other, URIRef) else other.value) if other_is_string else other
    return bool(left < right) if strict else bool(left <= right)


def pair_sure(strict: bool, var: str, other: str) -> str:
    return f"({_exact_number(var)} && {_exact_number(other)} && {var} {'<' if strict else '<='} {other})"
