"""SHACL validation with pySHACL, returned as plain results that name where the data came from.

``validate(data, shapes)`` checks one graph (the build passes asserted + inferred facts) and
returns a ``ValidationReport``: whether it conforms (no violations; warnings allowed) and one
``Result`` per problem with focus node, path, value, message, severity and constraint component.
``describe`` words a result for people, naming the data file of the focus node.

It never reads files: shapes and data arrive as parsed graphs (pySHACL would open a string given
as a path or URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Namespace
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")


class ShapesError(ValueError):
    """The shapes themselves could not be applied (e.g. a malformed SPARQL constraint)."""


@dataclass(frozen=True, order=True)
class Result:
    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    value: str | None
    message: str
    component: str
    shape: str | None

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"


def result_order(result: Result) -> tuple:
    """The order results are reported in: field by field, None before any string (a plain
    sorted() would raise TypeError where two results first differ in a None and a string, say a
    sh:maxCount and a sh:datatype result on the same focus node and path)."""
    return tuple((x is not None, x or "") for x in (result.severity, result.focus, result.path, result.value,
                                                      result.message, result.component, result.shape))


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[Result, ...]
    report_graph: Graph

    @property
    def conforms(self) -> bool:
        return not any(r.is_violation for r in self.results)

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.is_violation)

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if not r.is_violation)


def _local(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text


def validate(data: Graph, shapes: Graph) -> ValidationReport:
    _, report, text = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False,
    )
    if not isinstance(report, Graph):  # pySHACL reports a broken shape this way, not by raising
        raise ShapesError(str(text).strip())
    results = []
    # Only the report's own results: nested sh:detail results (from sh:node) explain those.
    top_level = {node for report_node in report.subjects(RDF.type, SH.ValidationReport) for node in report.objects(report_node, SH.result)}
    for node in top_level:
        value = report.value(node, SH.value)
        path = report.value(node, SH.resultPath)
        shape = report.value(node, SH.sourceShape)
        results.append(Result(
            severity=_local(report.value(node, SH.resultSeverity)),
            focus=str(report.value(node, SH.focusNode)),
            path=str(path) if path is not None else None,
            value=str(value) if value is not None else None,
            message=str(report.value(node, SH.resultMessage) or ""),
            component=str(report.value(node, SH.sourceConstraintComponent)),
            # A blank shape's id is made up afresh on every parse of the shapes: not worth reporting.
            shape=str(shape) if shape is not None and not isinstance(shape, BNode) else None,
        ))
    return ValidationReport(tuple(sorted(set(results), key=result_order)), report)


def describe(result: Result, origin: Callable[[str], str], short: Callable[[str], str] = str) -> str:
    """One result in plain words: '<file>: <focus> <path>: <message> (value ...)'."""
    where = origin(result.focus)
    path = f" {short(result.path)}" if result.path else ""
    value = f" (value: {result.value})" if result.value is not None else ""
    return f"{result.severity}: {where}: {short(result.focus)}{path}: {result.message}{value}"
