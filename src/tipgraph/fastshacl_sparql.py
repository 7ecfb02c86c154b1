"""SPARQL for ``fastshacl``: focus nodes of targets, value checks, and whole shapes as expressions.

Each check of a value node is a ``Check``: an ``exact`` SPARQL expression that holds exactly when
pySHACL accepts the value, or a ``py`` function that decides it in Python (then ``sure``, when
given, is an expression that only holds for values ``py`` accepts, so that only the others leave
the store). Graph-dependent checks (sh:class, shapes used by sh:node, sh:or, ...) are exact
expressions with EXISTS; value-only checks (sh:datatype, sh:pattern, ...) have ``py``.

A nested shape is turned into one expression per use: ``conforms`` (pySHACL's conformance with
allow_warnings, used by sh:or, sh:xone, sh:and, sh:not) and ``reports`` (whether it reports
anything at all, which is what makes sh:node fail). Only expressions are built here; the
queries that use them are in ``fastshacl_queries``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS, SH

from . import fastshacl_values as values
from .fastshacl_model import Constraint, Shape, Targets, UnsupportedShape

Expr = Callable[[str], str]  # a variable name ("?x") -> a SPARQL boolean expression about it

VALUE_PARAMETERS = {
    SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH["in"], SH.node, SH["or"], SH.xone, SH["and"], SH["not"],
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
}


@dataclass
class Check:
    exact: Expr | None = None
    sure: Expr | None = None
    py: Callable | None = None


def _and(parts: list[str]) -> str:
    return values.balanced(parts, "&&", "true")


def _or(parts: list[str]) -> str:
    return values.balanced(parts, "||", "false")


class Compiler:
    """Builds expressions and focus patterns; ``subclasses(c)`` gives c and its rdfs:subClassOf*
    subclasses in the data, so that type tests are patterns with a constant class (Oxigraph plans
    those well, and an rdf:type/rdfs:subClassOf* path badly over a union of graphs)."""

    def __init__(self, subclasses: Callable[[URIRef], list]):
        self.count = 0
        self.stack: list = []
        self.subclasses = subclasses

    def fresh(self) -> str:
        self.count += 1
        return f"?_v{self.count}"

    # --- focus nodes and value nodes -------------------------------------------------------------

    def instance_of(self, cls: URIRef) -> list[str]:
        """Ends of triple patterns (after the subject) that together find the SHACL instances of cls."""
        classes = self.subclasses(cls)
        if any(isinstance(c, BNode) for c in classes):  # cannot be named in a query: follow the path
            return [f"<{RDF.type}>/<{RDFS.subClassOf}>* {values.sparql_term(cls)} ."]
        return [f"<{RDF.type}> {values.sparql_term(c)} ." for c in classes]

    def focus(self, targets: Targets) -> Expr:
        """A group binding the variable to each focus node of the targets once."""
        def pattern(var: str) -> str:
            parts = []
            for cls in targets.classes:
                parts += [f"{{ {var} {t} }}" for t in self.instance_of(cls)]
            parts += [f"{{ {var} <{p}> {self.fresh()} . }}" for p in targets.subjects_of]
            parts += [f"{{ {self.fresh()} <{p}> {var} . }}" for p in targets.objects_of]
            parts += [f"{{ VALUES {var} {{ {values.sparql_term(n)} }} }}" for n in targets.nodes]
            if len(parts) == 1 and targets.classes:
                return parts[0]  # one rdf:type pattern: already one row per node, and planned better
            return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(parts)} }} }}"
        return pattern

    def value_focus(self, shape: Shape, focus: Expr) -> Expr:
        """The focus nodes of a shape's property shapes: its value nodes."""
        if not shape.is_property:
            return focus
        def pattern(var: str) -> str:
            f = self.fresh()
            return f"{{ SELECT DISTINCT {var} WHERE {{ {focus(f)} {f} <{shape.path}> {var} . }} }}"
        return pattern

    # --- checks of one value node ------------------------------------------------------------------

    def check(self, c: Constraint) -> Check:
        check = self._check(c)
        if check.exact is None and check.py is None:
            raise UnsupportedShape(
                f"sh:{c.parameter[len(str(SH)):]} combines checks of the graph with sh:datatype, sh:pattern or a value "
                "range in nested shapes; fastshacl cannot evaluate that exactly")
        return check

    def _check(self, c: Constraint) -> Check:
        p, v = c.parameter, c.value
        if p == SH.datatype:
            exact = values.datatype_exact(v, "?x") is not None
            sure = values.datatype_sure(v, "?x") is not None
            return Check((lambda x: values.datatype_exact(v, x)) if exact else None,
                         (lambda x: values.datatype_sure(v, x)) if sure else None, lambda t: values.datatype_ok(t, v))
        if p == SH["class"]:
            def is_instance(x: str) -> str:
                return f"(!isLiteral({x}) && {_or([f'EXISTS {{ {x} {t} }}' for t in self.instance_of(v)])})"
            return Check(is_instance)
        if p == SH.nodeKind:
            return Check(lambda x: values.nodekind_exact(v, x), py=lambda t: values.nodekind_ok(t, v))
        if p == SH.pattern:
            regex = values.compile_pattern(v, c.flags)
            sure = values.pattern_sure(v, c.flags, "?x")
            return Check(None, (lambda x: values.pattern_sure(v, c.flags, x)) if sure else None,
                         lambda t: values.pattern_ok(t, regex))
        if p == SH["in"]:
            return Check(lambda x: values.any_of(x, v), py=lambda t: t in v)
        if p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            sure = values.range_sure(p, v, "?x")
            return Check(None, (lambda x: values.range_sure(p, v, x)) if sure else None, lambda t: values.range_ok(t, p, v))
        if p == SH.node:
            reports = self.reports(v)
            return Check(None if reports.exact is None else (lambda x: f"!({reports.exact(x)})"),
                         py=None if reports.py is None else (lambda t: not reports.py(t)))
        if p in (SH["or"], SH["and"], SH.xone, SH["not"]):
            return self.logical(p, v if p != SH["not"] else (v,))
        raise UnsupportedShape(f"sh:{p[len(str(SH)):]} cannot check a single value")  # pragma: no cover

    def logical(self, parameter, shapes: tuple) -> Check:
        parts = [self.conforms(s) for s in shapes]
        exact = None if any(q.exact is None for q in parts) else [q.exact for q in parts]
        py = None if any(q.py is None for q in parts) else [q.py for q in parts]
        sure = None if any((q.sure or q.exact) is None for q in parts) else [q.sure or q.exact for q in parts]
        if parameter == SH["or"]:
            combine, pick = _or, any
        elif parameter == SH["and"]:
            combine, pick = _and, all
        elif parameter == SH.xone:
            return Check(None if exact is None else
                         (lambda x: "((" + " + ".join(f"IF({e(x)}, 1, 0)" for e in exact) + ") = 1)"),
                         None, None if py is None else (lambda t: sum(1 for f in py if f(t)) == 1))
        else:  # sh:not
            return Check(None if exact is None else (lambda x: f"!({exact[0](x)})"), None,
                         None if py is None else (lambda t: not py[0](t)))
        return Check(None if exact is None else (lambda x: combine([e(x) for e in exact])),
                     None if sure is None else (lambda x: combine([e(x) for e in sure])),
                     None if py is None else (lambda t: pick(f(t) for f in py)))

    # --- whole shapes on one node ---------------------------------------------------------------------

    def conforms(self, shape: Shape) -> Check:
        """pySHACL's conformance of a node to a nested shape, under allow_warnings."""
        if shape.deactivated or shape.allowed:
            return Check(lambda x: "true", lambda x: "true", lambda t: True)
        return self._shape(shape, failing=False)

    def reports(self, shape: Shape) -> Check:
        """Whether validating a node against a nested shape reports anything (any severity)."""
        if shape.deactivated:
            return Check(lambda x: "false", None, lambda t: False)
        return self._shape(shape, failing=True)

    def _shape(self, shape: Shape, failing: bool) -> Check:
        if any(s is shape for s in self.stack):
            raise UnsupportedShape(f"{shape.label} is used recursively (sh:node, sh:or, ... back to itself)")
        self.stack.append(shape)
        try:
            exact = self._shape_exact(shape, failing)
            py = self._shape_py(shape, failing)
            sure = None if failing else self._shape_sure(shape)
        finally:
            self.stack.pop()
        if exact is None and py is None:
            raise UnsupportedShape(
                f"{shape.label} is used by sh:node, sh:or, sh:xone, sh:and or sh:not and combines checks of the graph "
                "with sh:datatype, sh:pattern or a value range; fastshacl cannot evaluate that exactly")
        if exact is not None:
            sure = exact
        return Check(exact, sure, py)

    def _parts(self, shape: Shape, failing: bool, pick: str) -> list | None:
        """One expression builder per constraint and property shape, each true when it passes
        (or, with failing, when it reports); None if one of them cannot be built."""
        parts = []
        for c in shape.constraints:
            if c.parameter in VALUE_PARAMETERS:
                check = self.check(c)
                expr = check.exact if pick == "exact" else (check.sure or check.exact)
                if expr is None:
                    return None
                parts.append(self._all_values(shape, expr, failing))
            elif c.parameter in (SH.minCount, SH.maxCount, SH.hasValue):
                parts.append(self._count(shape, c, failing))
            else:
                raise UnsupportedShape(f"{shape.label}: sh:{c.parameter[len(str(SH)):]} inside a shape used by "
                                       "sh:node, sh:or, sh:xone, sh:and or sh:not is not supported")
        for prop in shape.properties:
            inner = self.reports(prop) if failing else self.conforms(prop)
            expr = inner.exact if pick == "exact" else (inner.sure or inner.exact)
            if expr is None:
                return None
            parts.append(self._all_values(shape, expr, failing, negate=failing))
        return parts

    def _shape_exact(self, shape: Shape, failing: bool) -> Expr | None:
        parts = self._parts(shape, failing, "exact")
        if parts is None:
            return None
        return (lambda x: _or([p(x) for p in parts])) if failing else (lambda x: _and([p(x) for p in parts]))

    def _shape_sure(self, shape: Shape) -> Expr | None:
        parts = self._parts(shape, False, "sure")
        return None if parts is None else (lambda x: _and([p(x) for p in parts]))

    def _shape_py(self, shape: Shape, failing: bool):
        """In Python when the shape only looks at the node itself (no properties, no counts)."""
        if shape.is_property or shape.properties:
            return None
        checks = []
        for c in shape.constraints:
            if c.parameter not in VALUE_PARAMETERS:
                return None
            py = self.check(c).py
            if py is None:
                return None
            checks.append(py)
        if failing:
            return lambda t: any(not f(t) for f in checks)
        return lambda t: all(f(t) for f in checks)

    def _all_values(self, shape: Shape, passes: Expr, failing: bool, negate: bool = False) -> Expr:
        """Every value node passes (or, with failing, some value node fails / with negate, reports)."""
        if not shape.is_property:
            if negate:
                return passes
            return (lambda x: f"!({passes(x)})") if failing else passes
        def expr(x: str) -> str:
            v = self.fresh()
            if failing:
                inner = passes(v) if negate else f"!({passes(v)})"
                return f"EXISTS {{ {x} <{shape.path}> {v} . FILTER({inner}) }}"
            return f"NOT EXISTS {{ {x} <{shape.path}> {v} . FILTER(!({passes(v)})) }}"
        return expr

    def _count(self, shape: Shape, c: Constraint, failing: bool) -> Expr:
        p = shape.path

        def distinct(x: str, n: int) -> str:
            names = [self.fresh() for _ in range(n)]
            triples = " ".join(f"{x} <{p}> {v} ." for v in names)
            different = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
            return f"EXISTS {{ {triples} {'FILTER(' + ' && '.join(different) + ')' if different else ''} }}"

        if c.parameter == SH.minCount and c.value > 6 or c.parameter == SH.maxCount and c.value > 5:
            raise UnsupportedShape(f"{shape.label}: counts above 6 inside nested shapes are not supported")
        if c.parameter == SH.minCount:
            ok = (lambda x: "true") if c.value == 0 else (lambda x: distinct(x, c.value))
        elif c.parameter == SH.maxCount:
            ok = lambda x: f"!({distinct(x, c.value + 1)})"
        elif shape.is_property:
            ok = lambda x: f"EXISTS {{ {x} <{p}> {values.sparql_term(c.value)} . }}"
        else:
            ok = lambda x: f"sameTerm({x}, {values.sparql_term(c.value)})"
        return (lambda x: f"!({ok(x)})") if failing else ok
