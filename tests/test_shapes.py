"""The SHACL shapes against their fixtures in tests/shapes/.

Each NodeShape ``tgsh:X`` of ontology/shapes.ttl has a folder ``tests/shapes/X/`` with

* ``pass.ttl``: a self-contained data graph that no shape reports anything for, and
* ``fail-*.ttl``: data graphs that each break one thing. Every fixture lists the results it must
  give as ``tt:Expect`` nodes (``tt:focus``, ``tt:path`` unless the result has no path,
  ``tt:component``, ``tt:severity``); the results must be exactly those, no more and no fewer.

The ``tt:Expect`` nodes are taken out before validation, which runs without reasoning, so the
fixtures type every node themselves. Further tests check that every shape has fixtures, that the
fixtures exercise every property shape and constraint of their shape (warnings with a warning
expectation), that every shape has an sh:message, and that the country-code list of CountryShape is
the one in data/reference/country-codes.csv.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from tipgraph.validate import validate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
FIXTURES = HERE / "shapes"
COUNTRY_CODES = ROOT / "data" / "reference" / "country-codes.csv"

TT = Namespace("https://w3id.org/tipgraph/test#")
TG = Namespace("https://w3id.org/tipgraph/ontology#")
TGSH = Namespace("https://w3id.org/tipgraph/shapes#")

FIXTURE_FILES = sorted(FIXTURES.rglob("*.ttl"))
SEVERITIES = {SH.Violation, SH.Warning, SH.Info}

# Predicates of a shape that are not parameters of a constraint component.
NOT_CONSTRAINTS = {
    SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
    SH.deactivated, SH.flags, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.target, SH.property, SH.declare, SH.prefixes, SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint, SH.ignoredProperties,
}

Row = tuple  # (focus, path or None, component, severity): all strings but path


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@cache
def parse_fixture(path: Path) -> tuple[Graph, frozenset[Row]]:
    """The fixture's data graph (without tt:Expect nodes) and its expected results."""
    graph = Graph().parse(path, format="turtle")
    expect_nodes = set(graph.subjects(RDF.type, TT.Expect))
    expected = set()
    for node in expect_nodes:
        assert isinstance(node, BNode), f"{rel(path)}: a tt:Expect node should be a blank node: {node}"
        focus = one(graph, node, TT.focus, path)
        component = one(graph, node, TT.component, path)
        severity = one(graph, node, TT.severity, path)
        paths = list(graph.objects(node, TT.path))
        assert len(paths) <= 1, f"{rel(path)}: a tt:Expect has more than one tt:path"
        assert str(component).startswith(str(SH)) and str(component).endswith("ConstraintComponent"), \
            f"{rel(path)}: tt:component should be an sh:...ConstraintComponent, not {component}"
        assert severity in SEVERITIES, f"{rel(path)}: tt:severity should be sh:Violation, sh:Warning or sh:Info"
        expected.add((str(focus), str(paths[0]) if paths else None, str(component), local(severity)))
    data = Graph()
    for prefix, namespace in graph.namespaces():
        data.bind(prefix, namespace)
    for triple in graph:
        if triple[0] not in expect_nodes:
            data.add(triple)
    return data, frozenset(expected)


def one(graph: Graph, node, predicate, path: Path):
    values = list(graph.objects(node, predicate))
    assert len(values) == 1, f"{rel(path)}: a tt:Expect needs exactly one {local(predicate)}, has {len(values)}"
    return values[0]


def local(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def rel(path: Path) -> str:
    return path.relative_to(HERE).as_posix()


def short(graph: Graph, value: str | None) -> str:
    if value is None:
        return "(no path)"
    try:
        return graph.namespace_manager.normalizeUri(URIRef(value))
    except Exception:  # pragma: no cover - only for readability of messages
        return f"<{value}>"


def show(graph: Graph, rows, messages: dict | None = None) -> str:
    lines = []
    for focus, path, component, severity in sorted(rows, key=lambda r: (r[0], r[1] or "", r[2], r[3])):
        line = f"    {severity}: {short(graph, focus)} {short(graph, path)} {local(component)}"
        if messages and (focus, path, component, severity) in messages:
            line += f"  -- {messages[(focus, path, component, severity)]}"
        lines.append(line)
    return "\n".join(lines) or "    (none)"


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def node_shapes(shapes: Graph) -> dict[str, URIRef]:
    """Local name -> IRI of every named sh:NodeShape with a target: those validate data directly."""
    return {local(s): s for s in shapes.subjects(RDF.type, SH.NodeShape)
            if isinstance(s, URIRef) and any(shapes.value(s, t) is not None for t in TARGETS)}


def node_only_shapes(shapes: Graph) -> dict[str, URIRef]:
    """Named node shapes without a target: they act only through sh:node of another shape."""
    return {local(s): s for s in shapes.subjects(RDF.type, SH.NodeShape)
            if isinstance(s, URIRef) and local(s) not in node_shapes(shapes)}


def component_of(parameter) -> str:
    name = local(parameter)
    name = "SPARQL" if name == "sparql" else name[0].upper() + name[1:]
    return str(SH[f"{name}ConstraintComponent"])


def message_patterns(shapes: Graph) -> list[re.Pattern]:
    """Every sh:message of the shapes as a regular expression, {?var} and {$var} matching anything."""
    patterns = []
    for message in set(shapes.objects(None, SH.message)):
        parts = re.split(r"\{[?$]\w+\}", str(message))
        patterns.append(re.compile(".*".join(re.escape(part) for part in parts), re.S))
    return patterns


def expectations_by_folder() -> dict[str, set[Row]]:
    found: dict[str, set[Row]] = defaultdict(set)
    for path in FIXTURE_FILES:
        if path.name.startswith("fail-"):
            found[path.parent.name] |= parse_fixture(path)[1]
    return found


# --- each fixture ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[rel(p) for p in FIXTURE_FILES])
def test_fixture(path: Path, shapes: Graph):
    assert path.parent.parent == FIXTURES, f"{rel(path)}: fixtures live directly in tests/shapes/<ShapeName>/"
    assert path.parent.name in node_shapes(shapes), f"{rel(path)}: no sh:NodeShape tgsh:{path.parent.name}"
    assert path.name == "pass.ttl" or path.name.startswith("fail-"), f"{rel(path)}: name it pass.ttl or fail-<what>.ttl"

    data, expected = parse_fixture(path)
    blank = {t for t in data if any(isinstance(term, BNode) for term in t)}
    assert not blank, f"{rel(path)}: blank nodes are only for tt:Expect: {sorted(blank)[:3]}"
    stray = {t for t in data if any(str(term).startswith(str(TT)) for term in t)}
    assert not stray, f"{rel(path)}: tt: terms outside a tt:Expect node (a typo?): {sorted(stray)[:3]}"

    report = validate(data, shapes)
    patterns = message_patterns(shapes)
    default = sorted({r.message for r in report.results if not any(p.fullmatch(r.message) for p in patterns)})
    assert not default, f"{rel(path)}: results with a message that is not an sh:message of shapes.ttl: {default}"
    actual = {(r.focus, r.path, r.component, r.severity) for r in report.results}
    messages = {(r.focus, r.path, r.component, r.severity): r.message for r in report.results}

    if path.name == "pass.ttl":
        assert not expected, f"{rel(path)}: a passing fixture expects no results, so it has no tt:Expect"
        assert not actual, f"{rel(path)} should give no results, but gives:\n{show(data, actual, messages)}"
        return
    assert expected, f"{rel(path)}: a failing fixture must state its expected results (tt:Expect)"
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, (
        f"{rel(path)}: results differ from the tt:Expect nodes\n"
        f"  expected but not reported:\n{show(data, missing)}\n"
        f"  reported but not expected:\n{show(data, unexpected, messages)}"
    )


# --- the fixtures as a whole ---------------------------------------------------------------------------


def test_every_node_shape_has_fixtures(shapes: Graph):
    problems = []
    for name in sorted(node_shapes(shapes)):
        folder = FIXTURES / name
        if not (folder / "pass.ttl").is_file():
            problems.append(f"{name}: no tests/shapes/{name}/pass.ttl")
        if not sorted(folder.glob("fail-*.ttl")):
            problems.append(f"{name}: no tests/shapes/{name}/fail-*.ttl")
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    problems += [f"tests/shapes/{f}/: no sh:NodeShape tgsh:{f}" for f in sorted(folders - set(node_shapes(shapes)))]
    assert not problems, "\n".join(problems)


def test_every_warning_is_exercised(shapes: Graph):
    """Each property shape of severity sh:Warning has a warning expectation on its path, in its shape's folder."""
    expectations = expectations_by_folder()
    checked, missing = 0, []
    for name, shape in sorted(node_shapes(shapes).items()):
        for prop in shapes.objects(shape, SH.property):
            if (prop, SH.severity, SH.Warning) not in shapes:
                continue
            checked += 1
            path = str(shapes.value(prop, SH.path))
            if not any(e[1] == path and e[3] == "Warning" for e in expectations[name]):
                missing.append(f"{name}: no fail-*.ttl expects a Warning on {short(shapes, path)}")
    assert checked, "shapes.ttl has no warnings? the test would check nothing"
    assert not missing, "\n".join(missing)


def test_every_constraint_is_exercised(shapes: Graph):
    """Each property shape, SPARQL constraint and node-level constraint is expected to fire at least once."""
    expectations = expectations_by_folder()
    missing = []
    for name, shape in sorted(node_shapes(shapes).items()):
        expected = expectations[name]
        for prop in shapes.objects(shape, SH.property):
            path = str(shapes.value(prop, SH.path))
            components = {component_of(p) for p in set(shapes.predicates(prop)) if str(p).startswith(str(SH))
                          and p not in NOT_CONSTRAINTS}
            if not any(e[1] == path and e[2] in components for e in expected):
                missing.append(f"{name}: property shape on {short(shapes, path)} ({', '.join(sorted(map(local, components)))})")
        for parameter in set(shapes.predicates(shape)):
            if not str(parameter).startswith(str(SH)) or parameter in NOT_CONSTRAINTS:
                continue
            component = component_of(parameter)
            if not any(e[2] == component for e in expected):
                missing.append(f"{name}: {local(component)}")
    assert not missing, "never expected to fire:\n" + "\n".join(missing)


def test_every_node_only_shape_is_exercised_through_its_user(shapes: Graph):
    """A shape used by sh:node is proven by a fixture expecting sh:NodeConstraintComponent where it is used."""
    expectations = expectations_by_folder()
    missing = []
    for name, used in sorted(node_only_shapes(shapes).items()):
        users = [(owner, prop) for prop in shapes.subjects(SH.node, used) for owner in shapes.subjects(SH.property, prop)]
        assert users, f"{name} has no target and no shape uses it through sh:node: it checks nothing"
        for owner, prop in users:
            path = str(shapes.value(prop, SH.path))
            if not any(e[1] == path and e[2] == str(SH.NodeConstraintComponent) for e in expectations[local(owner)]):
                missing.append(f"{name}: no fixture of {local(owner)} expects sh:NodeConstraintComponent on {short(shapes, path)}")
    assert not missing, "\n".join(missing)


# --- the shapes themselves -------------------------------------------------------------------------------


def test_every_shape_has_a_message(shapes: Graph):
    """Every property shape and SPARQL constraint of a named node shape carries an sh:message, and so does
    every named node shape with constraints of its own (such as ObservationShape's sh:xone).

    A node shape whose constraints are all in its property shapes and SPARQL constraints reports no
    result under its own message, so it is not required to have one (most have none). Shapes
    that are only members of an sh:or / sh:and / sh:xone list are left out too: the logical
    constraint reports one result, with its own shape's message. test_fixture checks the other side:
    every reported result carries a message of shapes.ttl, never a pySHACL default.
    """
    missing = []
    for name, shape in sorted(node_shapes(shapes).items()):
        own = [p for p in set(shapes.predicates(shape))
               if str(p).startswith(str(SH)) and p not in NOT_CONSTRAINTS and p != SH.sparql]
        if own and shapes.value(shape, SH.message) is None:
            missing.append(f"{name} has {', '.join(sorted(map(local, own)))} but no sh:message")
        for prop in shapes.objects(shape, SH.property):
            if shapes.value(prop, SH.message) is None:
                missing.append(f"{name}: the property shape on {short(shapes, shapes.value(prop, SH.path))} has no sh:message")
        for constraint in shapes.objects(shape, SH.sparql):
            if shapes.value(constraint, SH.message) is None:
                missing.append(f"{name}: a SPARQL constraint has no sh:message")
    assert node_shapes(shapes), "no sh:NodeShape found"
    assert not missing, "\n".join(missing)


def test_country_codes_are_those_of_the_reference_file(shapes: Graph):
    country = TGSH.CountryShape
    props = [p for p in shapes.objects(country, SH.property) if shapes.value(p, SH.path) == TG.iso3166Alpha2]
    assert len(props) == 1, "CountryShape should have one property shape on tg:iso3166Alpha2"
    members = list(Collection(shapes, shapes.value(props[0], SH["in"])))
    assert all(isinstance(m, Literal) for m in members)
    in_list = [str(m) for m in members]
    assert len(in_list) == len(set(in_list)), "the sh:in list repeats a code"

    with COUNTRY_CODES.open(newline="", encoding="utf-8") as f:
        reference = {row["ISO3166-1-Alpha-2"].strip() for row in csv.DictReader(f)} - {""}
    assert reference, f"no codes read from {COUNTRY_CODES}"
    only_shape, only_csv = set(in_list) - reference, reference - set(in_list)
    assert not only_shape and not only_csv, (
        f"sh:in of tg:iso3166Alpha2 differs from {COUNTRY_CODES.relative_to(ROOT)}:\n"
        f"  only in shapes.ttl: {sorted(only_shape)}\n  only in the CSV: {sorted(only_csv)}"
    )
