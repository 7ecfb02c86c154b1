"""Country identifiers and M49 chains from the country-codes table."""

from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from tipgraph.countries import enrich, read_country_codes, region_iri
from tipgraph.namespaces import PLACE, TG, WIKIDATA

TABLE = read_country_codes(Path(__file__).resolve().parents[1] / "data" / "reference" / "country-codes.csv")


def graph_with(code: str) -> Graph:
    g = Graph()
    g.add((PLACE[code], RDF.type, TG.Country))
    g.add((PLACE[code], TG.iso3166Alpha2, Literal(code)))
    return g


def test_india_gets_the_identifiers_identifiers_md_lists():
    added = enrich(graph_with("IN"), TABLE)
    india = PLACE.IN
    assert str(added.value(india, TG.iso3166Alpha3)) == "IND"
    assert str(added.value(india, TG.m49Code)) == "356"
    assert str(added.value(india, TG.geonamesId)) == "1269750"
    assert str(added.value(india, TG.wikidataId)) == "Q668"
    assert (india, SKOS.exactMatch, WIKIDATA.Q668) in added


def test_codes_keep_their_leading_zeros():
    added = enrich(graph_with("AU"), TABLE)
    assert str(added.value(PLACE.AU, TG.m49Code)) == "036"
    assert added.value(PLACE.AU, TG.partOf) == region_iri("053")


def test_part_of_chain_goes_up_to_the_world():
    added = enrich(graph_with("EC"), TABLE)
    chain, node = [], PLACE.EC
    while (node := added.value(node, TG.partOf)) is not None:
        chain.append(str(added.value(node, TG.m49Code)))
    assert chain == ["005", "419", "019", "001"]


def test_unknown_codes_are_left_for_validation_to_report():
    assert len(enrich(graph_with("XX"), TABLE)) == 0


def test_regions_named_in_data_are_described():
    g = Graph()
    g.add((PLACE["somewhere"], TG.partOf, region_iri("155")))
    added = enrich(g, TABLE)
    assert str(added.value(region_iri("155"), TG.m49Code)) == "155"
    assert added.value(region_iri("155"), TG.partOf) == region_iri("150")
