"""The build pipeline, run inside a pyoxigraph store so that it scales to millions of triples.

``stage(project, store, ...)`` fills an empty store and checks it:

1. every data file (``concepts.ttl``, ``curated/*.ttl``, ``curated/practices/*.ttl`` and any extra
   files) is parsed by pyoxigraph straight into the asserted graph; a syntax error names the file
   and line;
2. the report's structure is parsed (``report``, ``report_graph``: a few thousand triples, in
   rdflib) with names looked up in the loaded data, and added;
3. country identifiers and M49 chains are added (``countries``) for the countries and regions the
   data use;
4. the ontology and shapes are loaded into their graphs; reasoning writes the inferred graph, with
   the fast rule engine (``materialize``) or owlrl (``reason``, the reference);
5. SHACL validation runs over asserted + inferred, with the fast SPARQL validator (``fastshacl``)
   or pySHACL (``validate``, the reference).

It raises ``DataFileError`` or ``InconsistencyError``; a failed validation is returned, not raised
(``build`` decides). Which file a node came from is worked out only when a message needs it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from . import countries
from .assemble import COUNTRY_CODES, REPORT_FILE, data_files
from .loader import DataFileError, parse_turtle
from .namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, TG, compact_iri
from .project import Project
from .report import ReportFormatError, parse_report
from .report_graph import Lookups, UnknownNameError, report_graph
from .validate import Result, ValidationReport, describe

REASONERS = ("fast", "owlrl")
VALIDATORS = ("fast", "pyshacl")
ASSERTED, INFERRED = ox.NamedNode(str(GRAPH_ASSERTED)), ox.NamedNode(str(GRAPH_INFERRED))
ONTOLOGY, SHAPES = ox.NamedNode(str(GRAPH_ONTOLOGY)), ox.NamedNode(str(GRAPH_SHAPES))

LOOKUP_QUERY = """
PREFIX tg: <https://w3id.org/tipgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
CONSTRUCT { ?s tg:nameInReport ?name . ?s skos:inScheme ?scheme . ?w a tg:CitedWork ; dcterms:title ?title }
WHERE {
  { ?s tg:nameInReport ?name OPTIONAL { ?s skos:inScheme ?scheme } }
  UNION { ?w a tg:CitedWork ; dcterms:title ?title }
}"""
COUNTRY_QUERY = "SELECT ?c ?code WHERE { ?c <https://w3id.org/tipgraph/ontology#iso3166Alpha2> ?code }"
# The M49 region IRIs (of the codes the table knows: ``countries.enrich`` leaves others alone) that
# the data use as a subject or object: index lookups per known region, not a scan of every term.
REGION_QUERY = "SELECT ?x WHERE { VALUES ?x { %s } FILTER(EXISTS { ?x ?p ?o } || EXISTS { ?s ?p ?x }) }"


@dataclass
class Staged:
    store: ox.Store
    project: Project
    files: list[tuple[Path, str]]          # (path, label for messages)
    report: Graph                           # the triples parsed from the report
    report_label: str
    validation: ValidationReport
    timings: dict[str, float] = field(default_factory=dict)

    def origin(self, node: str) -> str:
        """The files (or report line) that state something about ``node``: for messages only."""
        where = []
        iri = URIRef(node)
        if (iri, None, None) in self.report:
            line = self.report.value(iri, TG.startLine)
            if line is None and (source := self.report.value(iri, TG.source)) is not None:
                line = self.report.value(source, TG.startLine)
            where.append(f"{self.report_label} line {line}" if line is not None else self.report_label)
        target = ox.NamedNode(node) if node.startswith(("http:", "https:", "urn:")) else None
        for path, label in self.files:
            if target is not None and any(q.subject == target for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)):
                where.insert(0, label)
        return ", ".join(where) or "(inferred or unknown)"

    def describe(self, result: Result) -> str:
        return describe(result, self.origin, compact_iri)


def _label(path: Path, data_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(data_dir.resolve().parent))
    except ValueError:
        return str(path)


def _timed(timings: dict, name: str, func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    timings[name] = round(time.perf_counter() - start, 3)
    return value


def _load_files(store: ox.Store, files: list[tuple[Path, str]]) -> None:
    for path, label in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ASSERTED)
        except SyntaxError as error:
            message = str(error).split(" (", 1)[0]
            raise DataFileError(label, f"not valid Turtle: {message}", error.lineno) from None
        except OSError as error:
            raise DataFileError(label, f"cannot read the file ({error})") from None


def _to_rdflib(quads_or_triples) -> Graph:
    graph = Graph()
    data = ox.serialize([getattr(t, "triple", t) for t in quads_or_triples], format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data, format="nt")
    return graph


def _add(store: ox.Store, graph: Graph, target: ox.NamedNode) -> None:
    if len(graph):
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=target)


def _report_triples(store: ox.Store, data_dir: Path) -> tuple[Graph, str]:
    path = data_dir / REPORT_FILE
    label = _label(path, data_dir)
    lookups = Lookups.from_graph(_to_rdflib(store.query(LOOKUP_QUERY, default_graph=[ASSERTED])))
    try:
        return report_graph(parse_report(path.read_text(encoding="utf-8")), lookups, label), label
    except OSError as error:
        raise DataFileError(label, f"cannot read the report ({error})") from None
    except ReportFormatError as error:
        raise DataFileError(label, str(error).split(": ", 1)[1], error.line) from None
    except UnknownNameError as error:
        raise DataFileError(label, str(error)) from None


def _country_triples(store: ox.Store, data_dir: Path) -> Graph:
    path = data_dir / COUNTRY_CODES
    try:
        table = countries.read_country_codes(path)
    except (OSError, KeyError) as error:
        raise DataFileError(_label(path, data_dir), f"cannot read the country table ({error})") from None
    used = Graph()
    for row in store.query(COUNTRY_QUERY, default_graph=[ASSERTED]):
        used.add((URIRef(row["c"].value), TG.iso3166Alpha2, Literal(row["code"].value)))
    regions = " ".join(countries.region_iri(code).n3() for code in sorted(countries.region_index(table)))
    for row in store.query(REGION_QUERY % regions, default_graph=[ASSERTED]) if regions else ():
        used.add((URIRef(row["x"].value), RDF.type, TG.Place))
    enrichment = countries.enrich(used, table)
    enrichment.add((countries.SOURCE, DCTERMS.source, URIRef("https://github.com/datasets/country-codes")))
    return enrichment


def _reason(store: ox.Store, ontology: Graph, reasoner: str) -> None:
    if reasoner == "fast":
        from .materialize import materialize_store

        materialize_store(store, ONTOLOGY, [ASSERTED], INFERRED)
        return
    from .reason import infer

    asserted = _to_rdflib(store.quads_for_pattern(None, None, None, ASSERTED))
    _add(store, infer(ontology, asserted), INFERRED)


def _validate(store: ox.Store, shapes: Graph, validator: str) -> ValidationReport:
    if validator == "fast":
        from .fastshacl import validate_store

        return validate_store(store, [ASSERTED, INFERRED], shapes)
    from .validate import validate

    data = _to_rdflib(q for g in (ASSERTED, INFERRED) for q in store.quads_for_pattern(None, None, None, g))
    return validate(data, shapes)


def stage(project: Project, store: ox.Store, extra_files: list[Path] | None = None,
          reasoner: str = "fast", validator: str = "fast") -> Staged:
    if reasoner not in REASONERS or validator not in VALIDATORS:
        raise ValueError(f"reasoner must be one of {REASONERS} and validator one of {VALIDATORS}")
    timings: dict[str, float] = {}
    files = [(p, _label(p, project.data)) for p in data_files(project.data)]
    files += [(Path(p), str(p)) for p in (extra_files or [])]
    _timed(timings, "load", _load_files, store, files)

    start = time.perf_counter()
    report, report_label = _report_triples(store, project.data)
    _add(store, report, ASSERTED)
    _add(store, _country_triples(store, project.data), ASSERTED)
    timings["report+countries"] = round(time.perf_counter() - start, 3)

    ontology = parse_turtle(project.ontology, project.ontology.name).graph
    shapes = parse_turtle(project.shapes, project.shapes.name).graph
    _add(store, ontology, ONTOLOGY)
    _add(store, shapes, SHAPES)
    _timed(timings, f"reason ({reasoner})", _reason, store, ontology, reasoner)
    validation = _timed(timings, f"validate ({validator})", _validate, store, shapes, validator)
    return Staged(store, project, files, report, report_label, validation, timings)


__all__ = ["REASONERS", "VALIDATORS", "Staged", "stage"]
