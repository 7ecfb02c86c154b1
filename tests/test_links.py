"""External links: the data against identifiers.md and the country-codes table, each check of
``links.py`` failing on a bad example, ``tipgraph links`` in-process, and the VoID linksets.

Expected values are read from ``data/reference/identifiers.md`` (a copy of
``../shared/reference/identifiers.md``, kept in the repository so a clean clone can run this) and
``data/reference/country-codes.csv``, not restated here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef

from tipgraph import links
from tipgraph.cli import main
from tipgraph.countries import read_country_codes
from tipgraph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, TG

ROOT = Path(__file__).resolve().parents[1]
IDENTIFIERS_MD = ROOT / "data" / "reference" / "identifiers.md"
SHARED_IDENTIFIERS_MD = ROOT.parent / "shared" / "reference" / "identifiers.md"
REPORT = (ROOT / "data" / "source" / "promising-practices-2012.txt").read_text(encoding="utf-8")
TABLE = read_country_codes(ROOT / "data" / "reference" / "country-codes.csv")
VOID = Namespace("http://rdfs.org/ns/void#")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# "Q217072 (V)", "`US-GOV-17` (inferred from activity identifiers, M)", "province TH-50 (V)".
MARKED = re.compile(r"`?([A-Za-z0-9-]+)`?\s*\((?:[^()]*,\s*)?([VM])\)")


# --- identifiers.md, parsed -----------------------------------------------------------------------

def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    return {part.split("\n", 1)[0].strip(): part.split("\n", 1)[1] for part in parts[1:]}


def _table(section: str) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines() if line.startswith("|")]
    return [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]


def _scheme_of(code: str) -> str:
    """The scheme an organisation's identifier in identifiers.md belongs to, by its form."""
    for key in ("wikidata", "ror", "iati", "crossref-funder", "dac-channel"):
        if re.fullmatch(links.SCHEME[key].pattern, code):
            return key
    raise AssertionError(f"identifiers.md lists {code!r}, of no known form")


def _plain(name: str) -> str:
    """'Myanmar ("Burma" in the report)' -> 'Myanmar'; 'Cotopaxi province' -> 'Cotopaxi'."""
    return re.sub(r"\s*\(.*?\)", "", name).removesuffix(" province").strip()


SECTIONS = _sections(IDENTIFIERS_MD.read_text(encoding="utf-8"))

# Countries: label -> {scheme: code}; the text says every value of this table is V.
COUNTRIES_MD = {
    _plain(label): {"iso3166-1-alpha2": codes.split("/")[0], "iso3166-1-alpha3": codes.split("/")[1],
                    "m49": m49.split()[0], "wikidata": wikidata, "geonames": geonames,
                    "regions": tuple(re.findall(r"\b\d{3}\b", m49.split(None, 1)[1]))}
    for label, codes, m49, wikidata, geonames in _table(SECTIONS["Countries named in the report"])
}
assert "All values above are V" in SECTIONS["Countries named in the report"]

M49_MD = {name.strip(): code for name, code in
          re.findall(r"([A-Z][A-Za-z -]+?) (\d{3})\b",
                                " ".join(SECTIONS["Regions"].split("Report-specific")[0].split("):", 1)[1].split()))}


def _marked_cells(rows, columns):
    """name -> {scheme: {(code, mark)}} from table rows whose cells carry (V)/(M) marks."""
    out = {}
    for row in rows:
        cells = out.setdefault(_plain(row[0]), {})
        for scheme, cell in zip(columns, row[1:]):
            cells[scheme] = set(MARKED.findall(cell))
    return out


PLACES_MD = _marked_cells(_table(SECTIONS["Places below country level"]), ("iso3166-2", "wikidata", "geonames"))


def _organisations_md() -> dict[str, dict[str, set[tuple[str, str]]]]:
    """name -> {scheme: {(code, mark)}} from the bullets of the Organisations section, whose
    sentences read 'Name: Q123 (V); ROR 0abc (V). Other name: ...'."""
    section = SECTIONS["Organisations"].split("No verified identifiers were found")[0]
    items = re.split(r"\n- ", re.sub(r"\n  +", " ", section))[1:]
    out: dict[str, dict[str, set]] = {}
    for item in items:
        for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", item):
            name, _, rest = sentence.partition(":")
            marked = MARKED.findall(rest)
            if marked:
                for code, mark in marked:
                    out.setdefault(_plain(name), {}).setdefault(_scheme_of(code), set()).add((code, mark))
    return out


ORGANISATIONS_MD = _organisations_md()
UNVERIFIED = {code for entry in (*PLACES_MD.values(), *ORGANISATIONS_MD.values())
              for marked in entry.values() for code, mark in marked if mark == "M"}
# identifiers.md warns that an automated ROR match for "Department of Justice" is wrong.
WRONG = set(re.findall(r"to (\w{9}), which is Northern Ireland", SECTIONS["Organisations"]))


def test_the_parsing_of_identifiers_md_finds_what_it_lists():
    # Guards against a parser that silently finds nothing (style.md: prove each check can fail).
    assert len(COUNTRIES_MD) == 18 and COUNTRIES_MD["India"]["wikidata"] == "Q668"
    assert COUNTRIES_MD["Australia"]["m49"] == "036" and COUNTRIES_MD["Ecuador"]["regions"] == ("419", "005")
    assert M49_MD["South-eastern Asia"] == "035" and M49_MD["Western Europe"] == "155" and len(M49_MD) == 18
    assert PLACES_MD["Bihar"] == {"iso3166-2": {("IN-BR", "M")}, "wikidata": {("Q1165", "V")}, "geonames": {("1275715", "M")}}
    assert ORGANISATIONS_MD["USAID"] == {"wikidata": {("Q217072", "V")}, "ror": {("01n6e6j62", "V")},
                                         "crossref-funder": {("100000200", "V")}, "iati": {("US-GOV-1", "V")}}
    assert ORGANISATIONS_MD["Department of Labor"]["iati"] == {("US-GOV-17", "M")}
    assert {"IOM", "Europol", "Central American Parliament", "Save the Children"} <= set(ORGANISATIONS_MD)
    assert UNVERIFIED == {"IN-BR", "1275715", "IN-UP", "US-NC", "MX-CMX", "US-GOV-17"}
    assert WRONG == {"031c2cm83"}


def test_the_copy_of_identifiers_md_is_current():
    if not SHARED_IDENTIFIERS_MD.exists():
        pytest.skip("no ../shared/reference/identifiers.md beside this clone")
    assert IDENTIFIERS_MD.read_bytes() == SHARED_IDENTIFIERS_MD.read_bytes()


# --- the data against them --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report(store) -> links.LinksReport:
    return links.links_report(store, TABLE)


def query(store, text):
    """A query over the default graph (asserted + inferred), as the report reads it."""
    return store.query(text, default_graph=[ox.NamedNode(str(g)) for g in (GRAPH_ASSERTED, GRAPH_INFERRED)])


def entities(report, *kinds) -> dict[str, links.Entity]:
    return {e.name: e for k in report.kinds if k.key in kinds for e in k.entities}


def test_the_data_has_no_link_problems(report):
    assert report.ok, "\n".join(p.message for p in report.problems)


def test_every_country_is_linked_to_all_five_schemes_with_the_listed_codes(report):
    countries = entities(report, "country")
    assert set(countries) == set(COUNTRIES_MD)
    for name, expected in COUNTRIES_MD.items():
        codes = countries[name].codes
        for scheme in ("iso3166-1-alpha2", "iso3166-1-alpha3", "m49", "wikidata", "geonames"):
            assert codes[scheme] == (expected[scheme],), (name, scheme)
        row = TABLE[expected["iso3166-1-alpha2"]]
        assert codes["iso3166-1-numeric"] == (row.numeric,)
        assert (row.alpha3, row.m49, row.wikidata, row.geonames) == tuple(
            expected[k] for k in ("iso3166-1-alpha3", "m49", "wikidata", "geonames")), name


def test_countries_roll_up_to_the_m49_regions_listed(store):
    rows = query(store, f"""SELECT ?a2 ?code WHERE {{ ?c <{TG.iso3166Alpha2}> ?a2 ; <{TG.partOf}>+ ?r .
                           ?r a <{TG.M49Region}> ; <{TG.m49Code}> ?code }}""")
    reached: dict[str, set[str]] = {}
    for row in rows:
        reached.setdefault(row["a2"].value, set()).add(row["code"].value)
    for name, expected in COUNTRIES_MD.items():
        assert set(expected["regions"]) | {"001"} <= reached[expected["iso3166-1-alpha2"]], name


def test_m49_regions_have_the_codes_listed(report):
    regions = entities(report, "m49-region")
    assert len(regions) >= 10
    for name, entity in regions.items():
        if name in M49_MD:
            assert entity.codes == {"m49": (M49_MD[name],)}, name
    assert {"Asia", "Southern Asia", "Sub-Saharan Africa", "Northern America"} <= set(regions)


def test_places_roll_up_to_m49_regions(store, report):
    places = [e for k in report.kinds if k.key in ("report-region", "subdivision", "city", "place") for e in k.entities]
    assert len(places) == 14
    for place in places:
        assert query(store, f"ASK {{ <{place.iri}> <{TG.partOf}>+ ?r . ?r a <{TG.M49Region}> }}"), place.name


# Chiang Mai: the report names only a concert venue, and identifiers.md puts the province's
# ISO 3166-2 code beside the city's identifiers, so the data leave the province code off (and
# say so in a note).
NOT_ATTACHED = {("Chiang Mai", "iso3166-2", "TH-50")}


def test_places_below_country_level_carry_exactly_their_verified_identifiers(report, store):
    places = entities(report, "subdivision", "city", "place")
    assert set(PLACES_MD) <= set(places)
    for name, place in places.items():
        verified = {(scheme, code) for scheme, marked in PLACES_MD.get(name, {}).items() for code, mark in marked if mark == "V"}
        verified -= {(s, c) for n, s, c in NOT_ATTACHED if n == name}
        assert {(s, c) for s, codes in place.codes.items() for c in codes} == verified, name
    note = " ".join(r["n"].value for r in query(
        store, f"SELECT ?n WHERE {{ ?p <{TG.nameInReport}> 'Chiang Mai' ; <{TG.editorialNote}> ?n }}"))
    assert "TH-50" in note


def _organisation_names(store) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for row in query(store, f"""SELECT ?o ?n WHERE {{ ?o a <{TG.Organization}> .
            {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?n }} UNION
            {{ ?o <http://www.w3.org/2004/02/skos/core#altLabel> ?n }} UNION {{ ?o <{TG.nameInReport}> ?n }} }}"""):
        names.setdefault(row["n"].value, set()).add(row["o"].value)
    return names


def test_organisations_carry_exactly_their_verified_identifiers(report, store):
    names = _organisation_names(store)
    organisations = {e.iri: e for k in report.kinds if k.key in (
        "government-body", "intergovernmental", "ngo", "academic", "network", "organisation") for e in k.entities}
    expected: dict[str, set[tuple[str, str]]] = {}
    for name, schemes in ORGANISATIONS_MD.items():
        matches = names.get(name, set()) | names.get(f"U.S. {name}", set())
        if not matches:
            # An organisation the data lack must be one the report does not name.
            assert name not in REPORT, f"{name} is in the report and identifiers.md but not in the data"
            continue
        assert len(matches) == 1, (name, matches)
        verified = {(scheme, code) for scheme, marked in schemes.items() for code, mark in marked if mark == "V"}
        expected[matches.pop()] = verified
    assert len(expected) == 18  # every organisation identifiers.md gives a V identifier, but ACF
    for iri, entity in organisations.items():
        have = {(s, c) for s, codes in entity.codes.items() for c in codes}
        assert have == expected.get(iri, set()), entity.name


def test_nothing_unverified_or_known_wrong_appears(store):
    values = {r["o"].value for r in store.query("SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")}
    published = values | {v.rstrip("/").rsplit("/", 1)[-1] for v in values if v.startswith("http")}
    assert not (UNVERIFIED | WRONG) & published


def test_link_counts_are_those_of_the_entities(report):
    for scheme in links.LINKED_SCHEMES:
        assert report.links[scheme.key] == sum(len(e.codes.get(scheme.key, ())) for k in report.kinds for e in k.entities)
    assert report.links == {"wikidata": 41, "geonames": 25, "ror": 4}


# --- every check can fail ------------------------------------------------------------------------

PREFIXES = """@prefix tg: <https://w3id.org/tipgraph/ontology#> . @prefix place: <https://w3id.org/tipgraph/place/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix wd: <http://www.wikidata.org/entity/> .
place:m49-034 a tg:M49Region ; rdfs:label "Southern Asia"@en ; tg:m49Code "034" .
"""
INDIA = """place:IN a tg:Country ; rdfs:label "India"@en ; tg:partOf place:m49-034 ;
    tg:iso3166Alpha2 "{a2}" ; tg:iso3166Alpha3 "IND" ; tg:iso3166Numeric "356" ; tg:m49Code "{m49}" ;
    tg:wikidataId "{wd}" ; skos:exactMatch <http://www.wikidata.org/entity/{wd}> ;
    tg:geonamesId "1269750" ; skos:exactMatch <https://sws.geonames.org/1269750/> .
"""


def problems_in(turtle: str, **india) -> list[links.Problem]:
    store = ox.Store()
    values = {"a2": "IN", "m49": "356", "wd": "Q668", **india}
    store.load((PREFIXES + INDIA.format(**values) + turtle).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(str(GRAPH_ASSERTED)))
    return list(links.links_report(store, TABLE).problems)


def checks(problems) -> set[tuple[str, str, str]]:
    return {(p.check, p.scheme, p.value) for p in problems}


def test_a_good_example_has_no_problems():
    assert problems_in("") == []


@pytest.mark.parametrize("india, turtle, expected", [
    ({"wd": "Q0x"}, "", ("form", "wikidata", "Q0x")),
    ({"a2": "IND"}, "", ("form", "iso3166-1-alpha2", "IND")),
    ({"a2": "IND"}, "", ("reference", "iso3166-1-alpha2", "IND")),
    ({"m49": "35"}, "", ("form", "m49", "35")),
    ({"m49": "360"}, "", ("reference", "m49", "360")),
    ({"wd": "Q669"}, "", ("reference", "wikidata", "Q669")),
    ({}, "place:x a tg:City ; rdfs:label 'X' ; skos:exactMatch <https://www.wikidata.org/wiki/Q1> .",
     ("link", "", "https://www.wikidata.org/wiki/Q1")),
    ({}, "place:x a tg:City ; rdfs:label 'X' ; skos:exactMatch <https://www.wikidata.org/entity/Q1> .",
     ("link", "", "https://www.wikidata.org/entity/Q1")),
    ({}, "place:x a tg:City ; rdfs:label 'X' ; tg:geonamesId '5389489' ; skos:exactMatch <https://sws.geonames.org/5389489> .",
     ("link", "", "https://sws.geonames.org/5389489")),
    ({}, "place:x a tg:City ; rdfs:label 'X' ; tg:wikidataId 'Q1' ; skos:exactMatch wd:Q2 .", ("pair", "wikidata", "Q1, Q2")),
    ({}, "place:x a tg:City ; rdfs:label 'X' ; tg:iso3166_2 'US-California' .", ("form", "iso3166-2", "US-California")),
    ({}, "place:x a tg:Subdivision ; rdfs:label 'X' ; tg:iso3166_2 'US-CA' , 'US-NC' .", ("duplicate", "iso3166-2", "US-CA, US-NC")),
    ({}, "place:x a tg:City ; rdfs:label 'X' .", ("roll-up", "m49", "")),
    ({}, "place:m49-999 a tg:M49Region ; rdfs:label 'Nowhere' ; tg:m49Code '999' .", ("reference", "m49", "999")),
    ({}, "<https://w3id.org/tipgraph/org/x> a tg:GovernmentBody ; tg:rorId '031C2CM83' .", ("form", "ror", "031C2CM83")),
    ({}, "<https://w3id.org/tipgraph/org/x> a tg:GovernmentBody ; tg:iatiOrganisationId 'us-gov-1' .", ("form", "iati", "us-gov-1")),
])
def test_each_check_fires_on_a_bad_example(india, turtle, expected):
    found = checks(problems_in(turtle, **india))
    assert expected in found, found


def test_a_code_that_is_not_a_literal_is_malformed():
    found = checks(problems_in("place:x a tg:City ; rdfs:label 'X' ; tg:partOf place:IN ; tg:geonamesId place:IN ."))
    assert ("form", "geonames", "https://w3id.org/tipgraph/place/IN") in found


# --- the command ------------------------------------------------------------------------------------

@pytest.fixture
def cli(built, project, capsys):
    def call(*args, build_dir=None):
        code = main(["links", *args, "--build-dir", str(build_dir or project.build)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def test_links_json_shows_every_country_and_every_verified_organisation_linked(cli, report):
    code, out, _ = cli("--format", "json")
    assert code == 0
    data = json.loads(out)
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert kinds["country"]["entities"] == kinds["country"]["linked"] == 18 and kinds["country"]["unlinked"] == []
    assert all(kinds["country"]["schemes"][s] == 18 for s in ("wikidata", "geonames", "iso3166-1-alpha2", "iso3166-1-alpha3", "m49"))
    unlinked = {u["name"] for k in data["kinds"] for u in k["unlinked"]}
    verified = {e.name for e in entities(report, "government-body", "intergovernmental", "ngo", "academic").values() if e.codes}
    assert len(verified) == 18 and not verified & unlinked
    assert "Free the Slaves" in unlinked and "Bangkok" in unlinked
    assert data["ok"] is True and data["problems"] == []
    assert {k: v.get("links") for k, v in data["schemes"].items() if "links" in v} == report.links


def test_links_text_has_a_table_per_kind(cli, report):
    code, out, _ = cli()
    assert code == 0
    for kind in report.kinds:
        assert f"{kind.title}: {len(kind.entities)} entities, {len(kind.linked)} linked" in out
    assert "Countries: 18 entities, 18 linked, 0 unlinked" in out
    assert "unlinked: Bangkok" in out
    assert "No problems" in out


def test_links_exits_1_on_a_malformed_identifier(cli, tmp_path):
    store_dir = tmp_path / "releases" / "bad" / "store"
    store_dir.mkdir(parents=True)
    store = ox.Store(str(store_dir))
    store.load((PREFIXES + INDIA.format(a2="IND", m49="35", wd="Q0x")).encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(str(GRAPH_ASSERTED)))
    store.flush()
    del store
    (tmp_path / "current").symlink_to(store_dir.parent)
    code, out, _ = cli(build_dir=tmp_path)
    assert code == 1
    assert "'Q0x' is malformed" in out and "'IND' is malformed" in out and "'35' is malformed" in out


# --- the dataset description -------------------------------------------------------------------------

def test_void_linksets_count_what_tipgraph_links_reports(cli, client):
    code, out, _ = cli("--format", "json")
    reported = {key: value["links"] for key, value in json.loads(out)["schemes"].items() if "links" in value}
    void = Graph().parse(data=client.get("/.well-known/void").get_data(), format="turtle")
    linksets = {str(ls).rsplit("/", 1)[-1]: int(void.value(ls, VOID.triples))
                for ls in void.subjects(RDF_TYPE, VOID.Linkset)}
    assert linksets == reported and sum(linksets.values()) == 70
