"""What the practice, organisation, place and concept pages and the practice index show.

Each function takes a ``Site`` and an IRI (or the index's filters) and returns plain data for one
template: ``Term`` objects (label + link) grouped the way the page lays them out. The facts come
from asserted + inferred triples through the SPARQL files of ``page_queries/``; which of them the
reasoner added is told by looking the triple up in the inferred graph (``Site.asserted``).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import TG
from .entity import ASSERTED, SKOS, Site, Term

ORGV = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

ROLES = (("fundedBy", "Funded by"), ("coFundedBy", "Co-funded by"), ("implementedBy", "Implemented by"),
         ("hasPartner", "Partners"), ("endorsedBy", "Endorsed by"), ("mentions", "Also mentioned"))
ROLE_NAMES = {str(TG[key]): name for key, name in
              (("fundedBy", "funder"), ("coFundedBy", "co-funder"), ("implementedBy", "implementer"),
               ("hasPartner", "partner"), ("endorsedBy", "endorser"), ("mentions", "mentioned"))}
SCHEME_ORDER = ("component", "form", "scope", "age", "sex", "approach")
SECTION_ORDER = ("problem", "intervention", "results", "promising-practices", "contact")
CATEGORY_AS = {str(TG.category): "category", str(TG.headingComponent): "heading component",
               str(TG.approach): "heading approach"}


def tail(node) -> str:
    return node.value.rstrip("/").rsplit("/", 1)[-1] if node is not None else ""


def text(node) -> str:
    return node.value if node is not None else ""


def period(start, end) -> str:
    if start is None and end is None:
        return ""
    return f"{text(start) or '?'} – {text(end) or '…'}" if end is not None else f"from {text(start)}"


def grouped(rows: list[dict], key: str) -> "OrderedDict[ox.Term, list[dict]]":
    groups: OrderedDict = OrderedDict()
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def unique_terms(site: Site, nodes) -> list[Term]:
    seen: dict = {}
    for node in nodes:
        if node is not None:
            seen.setdefault(node, None)
    return [site.term(n) for n in seen]


def amount_text(site: Site, value, currency, qualifier) -> str:
    if value is None:
        return ""
    words = [site.label(qualifier)] if qualifier is not None else []
    words.append(site.term(value).text)
    if currency is not None:
        words.append(currency.value)
    return " ".join(words)


# --- Practice ----------------------------------------------------------------------------------------

def practice(site: Site, iri: str) -> dict:
    values = lambda prop: [site.term(o) for o in site.objects(iri, str(TG[prop]))]  # noqa: E731
    located_in = site.objects(iri, str(TG.locatedIn))
    rollup = [p for p in site.objects(iri, str(TG.locatedWithin)) if p not in located_in]
    return {
        "ordinal": text(site.first(iri, str(TG.ordinal))),
        "heading": text(site.first(iri, str(TG.heading))),
        "project_names": values("projectName"),
        "period": period(site.first(iri, str(TG.startDate)), site.first(iri, str(TG.endDate))),
        "period_notes": values("periodNote"),
        "websites": values("website"),
        "heading_parts": values("headingComponent") + values("approach") + values("headingPlace"),
        "categories": practice_categories(site, iri),
        "funding": practice_funding(site, iri),
        "roles": practice_roles(site, iri),
        "places": [site.term(p) for p in located_in],
        "rollup": [site.term(p, inferred=not site.asserted(ox.NamedNode(iri), ox.NamedNode(str(TG.locatedWithin)), p))
                   for p in nearest_first(site, rollup)],
        "mentioned_places": values("mentionsPlace"),
        "phases": [phase(site, p) for p in site.objects(iri, str(TG.hasPhase))],
        "figures": practice_figures(site, iri),
        "sections": practice_sections(site, iri),
        "contacts": [contact(site, p) for p in site.objects(iri, str(TG.contact))],
        "notes": values("editorialNote"),
        "slips": practice_slips(site, iri),
    }


def practice_roles(site: Site, iri: str) -> list[tuple[str, list[Term]]]:
    """Organisations by role; a co-funder is not listed again as a funder (tg:coFunder ⊑ tg:funder)."""
    co_funders = set(site.objects(iri, str(TG.coFundedBy)))
    roles = []
    for key, name in ROLES:
        found = [o for o in site.objects(iri, str(TG[key])) if key != "fundedBy" or o not in co_funders]
        if found:
            roles.append((name, [site.term(o) for o in found]))
    return roles


def nearest_first(site: Site, places: list) -> list:
    """Places ordered from the smallest to the largest (the one with most places above it first)."""
    return sorted(places, key=lambda p: (-len(site.objects(p, str(TG.partOf))), site.label(p)))


def practice_categories(site: Site, iri: str) -> list[tuple[Term, list[Term]]]:
    rows = [r for r in site.select("practice-categories", iri) if r["prop"].value == str(TG.category)]
    schemes = grouped(rows, "scheme")
    order = lambda scheme: (SCHEME_ORDER.index(tail(scheme)) if tail(scheme) in SCHEME_ORDER else 99,  # noqa: E731
                            site.label(scheme) if scheme is not None else "")
    return [(site.term(scheme) if scheme is not None else Term("Other"),
             sorted(unique_terms(site, (r["concept"] for r in members)), key=lambda t: t.text))
            for scheme, members in sorted(schemes.items(), key=lambda item: order(item[0]))]


def practice_funding(site: Site, iri: str) -> list[dict]:
    funding = []
    for node, rows in grouped(site.select("practice-funding", iri), "funding").items():
        first = rows[0]
        co_funders = unique_terms(site, (r["coFunder"] for r in rows))
        # tg:coFunder is a subproperty of tg:funder, so reasoning also lists co-funders as funders
        funders = [t for t in unique_terms(site, (r["funder"] for r in rows)) if t not in co_funders]
        funding.append({
            "node": site.term(node),
            "funders": funders, "co_funders": co_funders,
            "recipients": unique_terms(site, (r["recipient"] for r in rows)),
            "amount": amount_text(site, first["value"], first["currency"], first["qualifier"]),
            "amount_quote": text(first["amountQuote"]),
            "period": period(first["start"], first["end"]),
            "programme": site.term_or_none(first["programme"]),
            "source": site.term_or_none(first["source"]),
            "notes": sorted({text(r["note"]) for r in rows if r["note"] is not None}),
        })
    return funding


@dataclass
class Figure:
    node: Term
    indicator: Term | None
    point: str                      # baseline, endline, reported
    point_label: str
    kind: Term | None
    value: str
    when: str
    area: Term | None
    population: str
    quote: str
    source: Term | None
    primary_source: Term | None
    anchor: str | None = None       # the passage on the practice page the figure is quoted from
    source_title: str = ""


@dataclass
class FigureRow:
    indicator: Term | None
    figures: list[Figure] = field(default_factory=list)

    @property
    def paired(self) -> bool:
        return [f.point for f in self.figures] == ["baseline", "endline"]

    @property
    def sources(self) -> list[Figure]:
        """One figure per distinct source passage, to link each passage once."""
        seen: dict = {}
        for f in self.figures:
            seen.setdefault((f.source.iri if f.source else None, f.primary_source), f)
        return list(seen.values())


def figure_value(site: Site, row: dict) -> str:
    if row["value"] is not None:
        amount = site.term(row["value"]).text
    elif row["min"] is not None or row["max"] is not None:
        amount = f"{site.term(row['min']).text if row['min'] is not None else '?'}–" \
                 f"{site.term(row['max']).text if row['max'] is not None else '?'}"
    else:
        amount = "?"
    unit = tail(row["unit"])
    if unit == "percent":
        amount += "%"
    elif unit == "ratio":
        amount += " to one"
    elif row["unit"] is not None and unit != "count":
        amount += " " + site.label(row["unit"])
    if row["qualifier"] is not None:
        amount = f"{site.label(row['qualifier'])} {amount}"
    return amount


def practice_figures(site: Site, iri: str) -> list[FigureRow]:
    """Figures in the order the report prints them; a baseline and endline of one indicator share a row."""
    found = []
    for node, rows in grouped(site.select("practice-figures", iri), "obs").items():
        row = rows[0]
        when = text(row["year"]) or period(row["periodStart"], row["periodEnd"])
        figure = Figure(site.term(node), site.term_or_none(row["indicator"]), tail(row["point"]),
                        site.label(row["point"]) if row["point"] is not None else "", site.term_or_none(row["kind"]),
                        figure_value(site, row), when, site.term_or_none(row["area"]), text(row["population"]),
                        text(row["quote"]), site.term_or_none(row["source"]), site.term_or_none(row["primarySource"]))
        section = tail(row["source"])
        figure.anchor = f"#section-{section}" if section in SECTION_ORDER else None
        figure.source_title = section.replace("-", " ")
        passage = text(site.first(row["source"].value, str(TG.text))) if row["source"] is not None else ""
        at = passage.find(figure.quote) if figure.quote else -1
        order = (int(row["line"].value) if row["line"] is not None else 10**9, at if at >= 0 else 10**9, node.value)
        found.append((order, row["indicator"] if row["indicator"] is not None else node, figure))
    by_indicator: OrderedDict = OrderedDict()
    for _, key, figure in sorted(found, key=lambda item: item[0]):
        by_indicator.setdefault(key, FigureRow(figure.indicator)).figures.append(figure)
    result = []
    for group in by_indicator.values():
        points = order_points(group.figures)
        if [f.point for f in points] == ["baseline", "endline"]:
            result.append(FigureRow(group.indicator, points))
        else:
            result.extend(FigureRow(group.indicator, [f]) for f in group.figures)
    return result


def order_points(figures: list[Figure]) -> list[Figure]:
    rank = {"baseline": 0, "endline": 1}
    return sorted(figures, key=lambda f: rank.get(f.point, 2))


def practice_sections(site: Site, iri: str) -> list[dict]:
    sections = []
    for row in site.select("practice-sections", iri):
        kind = tail(row["kind"])
        if kind in SECTION_ORDER and row["text"] is not None:
            footnotes = [{"term": site.term(f), "text": text(site.first(f, str(TG.text)))}
                         for f in site.objects(row["section"], str(TG.hasFootnote))]
            sections.append({"kind": kind, "title": site.label(row["kind"]), "text": row["text"].value,
                             "term": site.term(row["section"]), "line": text(row["line"]),
                             "footnotes": footnotes})
    return sorted(sections, key=lambda s: SECTION_ORDER.index(s["kind"]))


def practice_slips(site: Site, iri: str) -> list[dict]:
    return [{"term": site.term(row["slip"]), "comment": text(row["comment"]), "quote": text(row["quote"]),
             "source": site.term_or_none(row["source"])}
            for row in site.select("practice-slips", iri)]


def contact(site: Site, person) -> dict:
    return {"term": site.term(person),
            "job_titles": [site.term(o) for o in site.objects(person, SCHEMA + "jobTitle")],
            "affiliations": [site.term(o) for o in site.objects(person, str(TG.contactAffiliation))],
            "member_of": [site.term(o) for o in site.objects(person, ORGV + "memberOf")]}


def phase(site: Site, node) -> dict:
    return {"term": site.term(node),
            "period": period(site.first(node.value, str(TG.startDate)), site.first(node.value, str(TG.endDate)))}


# --- Organisation ------------------------------------------------------------------------------------

def organisation(site: Site, iri: str) -> dict:
    values = lambda prop: [site.term(o) for o in site.objects(iri, prop)]  # noqa: E731
    parents = site.objects(iri, ORGV + "subOrganizationOf")
    ancestors = [a for a in site.objects(iri, ORGV + "transitiveSubOrganizationOf") if a not in parents]
    practices: OrderedDict = OrderedDict()
    for row in site.select("org-practices", iri):
        entry = practices.setdefault(row["practice"], {"term": site.term(row["practice"]),
                                                       "ordinal": text(row["ordinal"]), "roles": {}, "places": {}})
        via = None if row["via"] == ox.NamedNode(iri) else site.term(row["via"])
        entry["roles"].setdefault((ROLE_NAMES[row["role"].value], via), None)
        if row["place"] is not None:
            entry["places"].setdefault(site.term(row["place"]), None)
    for entry in practices.values():  # a co-funder is a funder too (tg:coFunder ⊑ tg:funder): say it once
        entry["roles"] = {(role, via): None for role, via in entry["roles"]
                          if role != "funder" or ("co-funder", via) not in entry["roles"]}
    return {
        "alt_labels": values(SKOS + "altLabel"),
        "practices": [{**p, "roles": list(p["roles"]), "places": sorted(p["places"], key=lambda t: t.text)}
                      for p in practices.values()],
        "funding": [{"term": site.term(r["funding"]), "side": text(r["side"]), "practice": site.term(r["practice"]),
                     "other": site.term_or_none(r["other"]),
                     "amount": amount_text(site, r["value"], r["currency"], None),
                     "period": period(r["start"], r["end"])}
                    for r in site.select("org-funding", iri)],
        "parents": [site.term(p) for p in parents],
        "ancestors": [site.term(p) for p in ancestors],
        "units": values(ORGV + "hasSubOrganization"),
        "linked": [(label, values(str(TG[key]))) for key, label in
                   (("hostedBy", "Hosted by"), ("operatedBy", "Operated by"), ("governmentOf", "Government of"),
                    ("basedIn", "Based in")) if site.objects(iri, str(TG[key]))],
        "people": [site.term(p) for p in site.subjects(ORGV + "memberOf", iri)],
        "identifiers": identifiers(site, iri),
        "notes": values(str(TG.editorialNote)),
    }


IDENTIFIERS = (
    ("iatiOrganisationId", "IATI organisation identifier", None),
    ("rorId", "ROR", "https://ror.org/{}"),
    ("crossrefFunderId", "Crossref Funder ID", "https://doi.org/10.13039/{}"),
    ("dacChannelCode", "OECD DAC channel code", None),
    ("wikidataId", "Wikidata", "https://www.wikidata.org/wiki/{}"),
    ("geonamesId", "GeoNames", "https://www.geonames.org/{}"),
    ("iso3166Alpha2", "ISO 3166-1 alpha-2", None),
    ("iso3166Alpha3", "ISO 3166-1 alpha-3", None),
    ("iso3166Numeric", "ISO 3166-1 numeric", None),
    ("iso3166_2", "ISO 3166-2", None),
    ("m49Code", "UN M49", None),
)


def identifiers(site: Site, iri: str) -> list[tuple[str, Term]]:
    found = []
    for key, name, pattern in IDENTIFIERS:
        for value in site.objects(iri, str(TG[key])):
            code = value.value
            href = pattern.format(code) if pattern and code.replace("-", "").isalnum() else None
            found.append((name, Term(code, href=href, external=href is not None, literal=True)))
    for match in site.objects(iri, SKOS + "exactMatch"):
        found.append(("Same as", site.term(match)))
    return found


# --- Place -------------------------------------------------------------------------------------------

def place(site: Site, iri: str) -> dict:
    values = lambda prop: [site.term(o) for o in site.objects(iri, prop)]  # noqa: E731
    practices: OrderedDict = OrderedDict()
    for row in site.select("place-practices", iri):
        entry = practices.setdefault(row["practice"], {"term": site.term(row["practice"]),
                                                       "ordinal": text(row["ordinal"]), "at": {}, "here": False})
        if row["at"] == ox.NamedNode(iri):
            entry["here"] = True
        elif row["at"] is not None:
            entry["at"].setdefault(site.term(row["at"]), None)
    node = ox.NamedNode(iri)
    parts = [q.subject for q in site.store.quads_for_pattern(None, ox.NamedNode(str(TG.partOf)), node, ASSERTED)]
    return {
        "alt_labels": values(SKOS + "altLabel"),
        "practices": [{**p, "at": sorted(p["at"], key=lambda t: t.text)} for p in practices.values()],
        "within": [site.term(p) for p in nearest_first(site, site.objects(iri, str(TG.partOf)))],
        "parts": [site.term(p) for p in sorted(set(parts), key=site.label)],
        "members": values(str(TG.hasMember)),
        "member_of": values(str(TG.memberOf)),
        "member_count": text(site.first(iri, str(TG.memberCount))),
        "organisations": [site.term(o) for o in site.subjects(str(TG.basedIn), iri)],
        "governments": [site.term(o) for o in site.subjects(str(TG.governmentOf), iri)],
        "identifiers": identifiers(site, iri),
        "notes": values(str(TG.editorialNote)),
    }


# --- Concept -----------------------------------------------------------------------------------------

def concept(site: Site, iri: str) -> dict:
    values = lambda prop: [site.term(o) for o in site.objects(iri, prop)]  # noqa: E731
    practices: OrderedDict = OrderedDict()
    for row in site.select("concept-practices", iri):
        entry = practices.setdefault(row["practice"], {"term": site.term(row["practice"]),
                                                       "ordinal": text(row["ordinal"]), "as": []})
        entry["as"].append(CATEGORY_AS[row["prop"].value])
    return {
        "schemes": values(SKOS + "inScheme") or values(SKOS + "topConceptOf"),
        "alt_labels": values(SKOS + "altLabel"),
        "notations": values(SKOS + "notation"),
        "definitions": values(SKOS + "definition") + values(SKOS + "scopeNote"),
        "is_scheme": SKOS + "ConceptScheme" in site.types(iri),
        "members": [site.term(c) for c in site.subjects(SKOS + "inScheme", iri)],
        "practices": sorted(practices.values(), key=lambda p: int(p["ordinal"] or 0)),
    }
