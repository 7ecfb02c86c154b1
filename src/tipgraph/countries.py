"""Country and UN M49 region identifiers from the country-codes table.

Given a graph whose countries carry ``tg:iso3166Alpha2``, adds each country's ISO 3166-1
alpha-3 and numeric codes, its M49 code, GeoNames and Wikidata identifiers (as literals and as
``skos:exactMatch`` links) and its ``tg:partOf`` chain through the M49 intermediate region,
sub-region and region up to the World. Any ``place:m49-NNN`` IRI used in the graph becomes a
described ``tg:M49Region`` with its own chain. Codes the table does not know are left alone, so
that validation reports them (e.g. ``"XX"``).

The table is ``data/reference/country-codes.csv``, a copy of the public-domain (ODC-PDDL-1.0)
country-codes data package in ``../shared/reference/``. This module only maps rows to triples;
``read_country_codes`` is its one function that touches disk.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import DATASET, GEONAMES, PLACE, TG, WIKIDATA

SOURCE = DATASET["country-codes"]
WORLD = "001"


@dataclass(frozen=True)
class CountryRow:
    alpha2: str
    alpha3: str
    numeric: str
    m49: str
    geonames: str
    wikidata: str
    chain: tuple[tuple[str, str], ...]  # (M49 code, name) from the narrowest region up


def _code(raw: str) -> str:
    """The table drops leading zeros ('36' for Australia); M49 and ISO numeric codes have three digits."""
    return raw.strip().zfill(3) if raw.strip() else ""


def parse_rows(rows: list[dict[str, str]]) -> dict[str, CountryRow]:
    countries = {}
    for row in rows:
        alpha2 = row["ISO3166-1-Alpha-2"].strip()
        if not alpha2:
            continue
        chain = [
            (_code(row[code]), row[name].strip())
            for code, name in (
                ("Intermediate Region Code", "Intermediate Region Name"),
                ("Sub-region Code", "Sub-region Name"),
                ("Region Code", "Region Name"),
                ("Global Code", "Global Name"),
            )
            if row[code].strip()
        ]
        countries[alpha2] = CountryRow(
            alpha2=alpha2,
            alpha3=row["ISO3166-1-Alpha-3"].strip(),
            numeric=_code(row["ISO3166-1-numeric"]),
            m49=_code(row["M49"]),
            geonames=row["Geoname ID"].strip(),
            wikidata=row["wikidata_id"].strip().rsplit("/", 1)[-1],
            chain=tuple(chain),
        )
    return countries


def read_country_codes(path: Path) -> dict[str, CountryRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return parse_rows(list(csv.DictReader(handle)))


def region_index(countries: dict[str, CountryRow]) -> dict[str, tuple[str, str | None]]:
    """M49 region code -> (name, parent region code); the World has no parent."""
    index: dict[str, tuple[str, str | None]] = {}
    for row in countries.values():
        for (code, name), parent in zip(row.chain, list(row.chain[1:]) + [None]):
            index.setdefault(code, (name, parent[0] if parent else None))
    return index


def region_iri(code: str) -> URIRef:
    return PLACE[f"m49-{code}"]


def enrich(graph: Graph, countries: dict[str, CountryRow]) -> Graph:
    """The triples to add to ``graph`` (a new graph; ``graph`` itself is not changed)."""
    out = Graph()
    regions = region_index(countries)
    wanted_regions: set[str] = set()
    for country, alpha2 in graph.subject_objects(TG.iso3166Alpha2):
        row = countries.get(str(alpha2))
        if row is None:
            continue
        out.add((country, TG.iso3166Alpha3, Literal(row.alpha3)))
        out.add((country, TG.iso3166Numeric, Literal(row.numeric)))
        out.add((country, TG.m49Code, Literal(row.m49)))
        if row.geonames:
            out.add((country, TG.geonamesId, Literal(row.geonames)))
            out.add((country, SKOS.exactMatch, GEONAMES[f"{row.geonames}/"]))
        if row.wikidata:
            out.add((country, TG.wikidataId, Literal(row.wikidata)))
            out.add((country, SKOS.exactMatch, WIKIDATA[row.wikidata]))
        out.add((country, DCTERMS.source, SOURCE))
        if row.chain:
            out.add((country, TG.partOf, region_iri(row.chain[0][0])))
            wanted_regions.add(row.chain[0][0])
    prefix = str(PLACE["m49-"])
    for node in set(graph.subjects()) | set(graph.objects()):
        if isinstance(node, URIRef) and str(node).startswith(prefix):
            wanted_regions.add(str(node)[len(prefix):])
    while wanted_regions:
        code = wanted_regions.pop()
        if code not in regions:
            continue
        name, parent = regions[code]
        iri = region_iri(code)
        if (iri, RDF.type, TG.M49Region) in out:
            continue
        out.add((iri, RDF.type, TG.M49Region))
        out.add((iri, RDFS.label, Literal(name, lang="en")))
        out.add((iri, TG.m49Code, Literal(code)))
        out.add((iri, DCTERMS.source, SOURCE))
        if parent:
            out.add((iri, TG.partOf, region_iri(parent)))
            wanted_regions.add(parent)
    return out
