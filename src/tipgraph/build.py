"""Build the graph: assemble, reason, validate, then write a release atomically.

``build(project)`` returns a ``BuildResult`` (counts, timings, warnings) or raises:
``DataFileError`` for an unreadable or malformed input file, ``InconsistencyError`` when owlrl
finds a contradiction, ``ValidationError`` when SHACL finds violations. In every failing case
nothing is published: the previous release stays current.

``check(project, files)`` runs the same steps over the project's data plus a contributor's files
and returns the validation report, writing nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import store as stores
from .assemble import Assembled, assemble
from .loader import parse_turtle
from .namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, compact_iri
from .project import Project
from .reason import infer
from .validate import Result, ValidationReport, describe, validate


def tipgraph_version() -> str:
    try:
        return version("tipgraph")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"


class ValidationError(ValueError):
    """SHACL found violations; ``lines`` says each in plain words with the file it came from."""

    def __init__(self, report: ValidationReport, lines: list[str]):
        count = len(report.violations)
        super().__init__(f"validation failed with {count} violation{'s' * (count != 1)}:\n" + "\n".join(lines))
        self.report, self.lines = report, lines


@dataclass
class Checked:
    assembled: Assembled
    ontology: Graph
    shapes: Graph
    inferred: Graph
    report: ValidationReport
    timings: dict[str, float] = field(default_factory=dict)

    def describe(self, result: Result) -> str:
        return describe(result, lambda focus: self.assembled.origin(URIRef(focus)), shorten)


@dataclass(frozen=True)
class BuildResult:
    release: Path
    triples: dict[str, int]
    instances: dict[str, int]
    warnings: tuple[str, ...]
    timings: dict[str, float]


shorten = compact_iri


def _timed(timings: dict[str, float], name: str, func, *args):
    start = time.perf_counter()
    value = func(*args)
    timings[name] = round(time.perf_counter() - start, 3)
    return value


def check(project: Project, extra_files: list[Path] | None = None) -> Checked:
    """Assemble, reason and validate; raise on unreadable input or inconsistency."""
    timings: dict[str, float] = {}
    assembled = _timed(timings, "assemble", assemble, project.data, extra_files)
    ontology = parse_turtle(project.ontology, project.ontology.name).graph
    shapes = parse_turtle(project.shapes, project.shapes.name).graph
    inferred = _timed(timings, "reason", infer, ontology, assembled.graph)
    report = _timed(timings, "validate", validate, assembled.graph + inferred, shapes)
    return Checked(assembled, ontology, shapes, inferred, report, timings)


def input_digest(files: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def is_up_to_date(project: Project) -> bool:
    """True when the current release was built by this version from the same input files."""
    try:
        manifest = stores.read_manifest(stores.current_release(project.build))
    except (stores.NoBuildError, OSError, ValueError):
        return False
    return manifest.get("version") == tipgraph_version() and manifest.get("inputs") == input_digest(project_inputs(project))


def project_inputs(project: Project) -> list[Path]:
    """Every file a build reads: ontology, shapes and everything in the data folder."""
    data = [p for p in project.data.rglob("*") if p.is_file() and p.suffix in {".ttl", ".txt", ".csv"}]
    return sorted({project.ontology, project.shapes, *data})


def build(project: Project) -> BuildResult:
    checked = check(project)
    if not checked.report.conforms:
        lines = [checked.describe(r) for r in checked.report.violations]
        raise ValidationError(checked.report, lines)
    timings = dict(checked.timings)
    staging = stores.new_release_dir(project.build)
    try:
        graphs = {
            GRAPH_ASSERTED: checked.assembled.graph,
            GRAPH_INFERRED: checked.inferred,
            GRAPH_ONTOLOGY: checked.ontology,
            GRAPH_SHAPES: checked.shapes,
        }
        _timed(timings, "store", stores.write_store, staging / "store", graphs)
        store = stores.open_store(staging / "store")
        (staging / "dataset.nq").write_bytes(stores.sorted_nquads(store))
        instances = count_instances(store)
        del store
        triples = {shorten(str(name)): len(graph) for name, graph in graphs.items()}
        manifest = {
            "version": tipgraph_version(),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": triples,
            "instances": instances,
            "warnings": [checked.describe(r) for r in checked.report.warnings],
            "timings_s": timings,
            "inputs": input_digest(project_inputs(project)),
        }
        (staging / "build.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        release = stores.publish(project.build, staging)
    except BaseException:
        stores.discard(staging)
        raise
    return BuildResult(release, triples, instances, tuple(manifest["warnings"]), timings)


INSTANCE_QUERY = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  FILTER (STRSTARTS(STR(?class), "https://w3id.org/tipgraph/ontology#")
          || ?class IN (<http://xmlns.com/foaf/0.1/Person>, <http://www.w3.org/2004/02/skos/core#Concept>,
                        <http://www.w3.org/2004/02/skos/core#ConceptScheme>, <https://schema.org/MonetaryAmount>))
} GROUP BY ?class ORDER BY ?class
"""


def count_instances(store: ox.Store) -> dict[str, int]:
    default = [ox.NamedNode(str(g)) for g in stores.GRAPH_SELECTIONS["default"]]
    return {shorten(row["class"].value): int(row["n"].value) for row in store.query(INSTANCE_QUERY, default_graph=default)}
