"""Curated data and the report agree: names, roles, figures and practice files.

Every organisation and place name the curated files claim the report prints must stand in the
report; every organisation given a role in a practice must be named in that practice's entry;
every figure's quote must stand in its source section and contain the figure's value.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from tipgraph.assemble import assemble, data_files
from tipgraph.namespaces import PRACTICE, SCHEMA, TG
from tipgraph.report import clean_inline, parse_report

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REPORT_TEXT = (DATA / "source" / "promising-practices-2012.txt").read_text(encoding="utf-8")
REPORT = parse_report(REPORT_TEXT)

WORDS = {"half": Decimal("0.5"), "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
SCALES = {"million": 10**6, "m": 10**6, "thousand": 10**3}


def numbers_in(text: str) -> set[Decimal]:
    """Every number a quote states: digits (with thousands commas, decimals, a million/M scale) or a number word."""
    found: set[Decimal] = set()
    for match in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(million|thousand|M\b)?", text, flags=re.IGNORECASE):
        value = Decimal(match.group(1).replace(",", ""))
        found.add(value)
        if match.group(2):
            found.add(value * SCALES[match.group(2).lower()])
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in WORDS:
            found.add(Decimal(WORDS[word]))
    return found


@pytest.fixture(scope="module")
def assembled():
    return assemble(DATA)


@pytest.fixture(scope="module")
def graph(assembled) -> Graph:
    return assembled.graph


def section_text(graph: Graph, section) -> str:
    text = graph.value(section, TG.text)
    assert text is not None, f"{section} has no text"
    return str(text)


def entry_text(entry) -> str:
    return "\n".join([entry.heading] + [s.text for s in entry.sections.values()])


def test_every_name_in_report_is_printed_in_the_report(graph):
    cleaned = clean_inline(REPORT_TEXT)
    missing = sorted({str(n) for n in graph.objects(None, TG.nameInReport) if str(n) not in cleaned})
    assert not missing, f"tg:nameInReport values not found in the report: {missing}"


def test_one_curated_file_per_practice_of_the_report():
    files = sorted((DATA / "curated" / "practices").glob("*.ttl"))
    expected = [f"{e.ordinal:02d}-{e.slug}.ttl" for e in REPORT.entries]
    assert [f.name for f in files] == expected
    for path, entry in zip(files, REPORT.entries):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# Practice {entry.ordinal} of the 2012 report: {entry.heading}", f"{path.name} is headed {first!r}"


@pytest.mark.parametrize("entry", REPORT.entries, ids=lambda e: e.slug)
def test_organisations_with_a_role_are_named_in_the_practice_entry(graph, entry):
    practice = PRACTICE[entry.slug]
    orgs = set()
    for prop in (TG.implementedBy, TG.hasPartner, TG.endorsedBy, TG.mentions):
        orgs |= set(graph.objects(practice, prop))
    for funding in graph.subjects(TG.fundedPractice, practice):
        orgs |= set(graph.objects(funding, TG.funder)) | set(graph.objects(funding, TG.coFunder)) | set(graph.objects(funding, TG.recipient))
    assert orgs, f"{entry.slug} names no organisation"
    text = clean_inline(entry_text(entry))
    for org in orgs:
        names = [str(n) for n in graph.objects(org, TG.nameInReport)]
        assert any(name in text for name in names), f"{org} (names {names}) is not named in the entry of {entry.slug}"


def _observations(graph):
    return sorted(graph.subjects(RDF.type, TG.Observation))


def test_there_are_figures_for_the_practices_that_state_them(graph):
    per_practice = {}
    for obs in _observations(graph):
        per_practice.setdefault(graph.value(obs, TG.ofPractice), []).append(obs)
    # Practices 4 (California) and 8 (task forces) state no figure; every other entry does.
    without = sorted(str(e.slug) for e in REPORT.entries if PRACTICE[e.slug] not in per_practice)
    assert without == ["anti-human-trafficking-task-forces-united-states-regional", "public-awareness-united-states-california"]


def test_every_quote_stands_in_its_source_section_and_states_its_value(graph):
    problems = []
    quoted = _observations(graph) + sorted(graph.subjects(RDF.type, SCHEMA.MonetaryAmount)) + sorted(graph.subjects(RDF.type, TG.Slip))
    assert len(quoted) > 90
    for node in quoted:
        quote = graph.value(node, TG.quote)
        source = graph.value(node, TG.source)
        if quote is None or source is None:
            problems.append(f"{node}: no tg:quote or tg:source")
            continue
        if str(quote) not in section_text(graph, source):
            problems.append(f"{node}: quote {str(quote)!r} is not in {source}")
        values = [graph.value(node, p) for p in (TG.value, TG.minValue, TG.maxValue, SCHEMA.value)]
        stated = numbers_in(str(quote))
        for value in filter(None, values):
            if Decimal(str(value)) not in stated:
                problems.append(f"{node}: value {value} is not stated in quote {str(quote)!r}")
    assert not problems, "\n".join(problems)


def test_figure_checks_can_fail():
    assert Decimal(650000) in numbers_in("more than 650,000 young people")
    assert Decimal("1800000") in numbers_in("allocated $1.8M to this initiative")
    assert Decimal(4) in numbers_in("partnered with four NGOs")
    assert Decimal(140) not in numbers_in("only 14 percent of respondents")


def test_known_slips_are_recorded(graph):
    notes = " ".join(str(n) for n in graph.objects(None, TG.editorialNote)).lower()
    for slip in ("co-founder", "12 percent", "american institute of research", "international labor organization", "burma"):
        assert slip in notes, f"no editorial note mentions {slip!r}"


def test_only_verified_identifiers_are_published(graph):
    # identifiers.md marks these M (from memory): they must not appear.
    unverified = {"IN-BR", "IN-UP", "US-NC", "MX-CMX", "1275715", "US-GOV-17"}
    published = {str(o) for p in (TG.iso3166_2, TG.geonamesId, TG.iatiOrganisationId) for o in graph.objects(None, p)}
    assert not unverified & published


def test_the_data_has_no_blank_nodes():
    for path in data_files(DATA):
        graph = Graph().parse(path)
        blanks = {n for triple in graph for n in triple if n.__class__.__name__ == "BNode"}
        assert not blanks, f"{path.name} has blank nodes"


def test_values_are_decimals(graph):
    for prop in (TG.value, TG.minValue, TG.maxValue):
        for value in graph.objects(None, prop):
            assert isinstance(value, Literal) and value.datatype is not None and value.datatype.endswith("#decimal")
