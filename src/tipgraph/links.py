"""What the graph links to outside itself, and whether each identifier is well formed.

``links_report(store, countries)`` reads a built store's default graph (asserted + inferred) and
groups its places and organisations by kind (countries, UN M49 regions, report regions,
subdivisions, cities, government bodies, ...). For each kind it says which entities carry an
identifier in which external scheme (Wikidata, GeoNames, ROR, ISO 3166-1 alpha-2 / alpha-3 /
numeric, ISO 3166-2, UN M49, IATI, Crossref Funder Registry, OECD DAC channel) and which carry
none. It checks every identifier: its form (``Q[1-9][0-9]*``, two capitals, three digits, ...);
that each ``skos:exactMatch`` target is an IRI of a known scheme in its exact namespace and
agrees with the literal code beside it; that a country's codes are those of its row in the
country-codes table; and that every place below the M49 hierarchy rolls up to an M49 region.
``link_counts(store)`` counts the ``skos:exactMatch`` links per scheme, the figure the VoID
linksets publish, so the two cannot disagree.

It does not check that a non-country identifier is the right one for its entity (that needs a
curated reference; ``tests/test_links.py`` compares the data with ``identifiers.md``), does not
dereference anything, and reads no files: the caller passes the country table.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from .countries import CountryRow, region_index
from .namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, TG, compact_iri

SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DEFAULT_GRAPH = (GRAPH_ASSERTED, GRAPH_INFERRED)


@dataclass(frozen=True)
class Scheme:
    key: str
    title: str
    property: str               # the literal code property
    pattern: str                # the whole code must match
    iri_prefix: str | None = None   # linked with skos:exactMatch to iri_prefix + code + iri_suffix
    iri_suffix: str = ""
    country_field: str | None = None  # the CountryRow field a country's code must equal

    def iri(self, code: str) -> str:
        return f"{self.iri_prefix}{code}{self.iri_suffix}"

    def code_of(self, iri: str) -> str | None:
        """The code an IRI of this scheme names, or None when the IRI is not of this scheme's form."""
        if not self.iri_prefix or not (iri.startswith(self.iri_prefix) and iri.endswith(self.iri_suffix)):
            return None
        code = iri[len(self.iri_prefix):len(iri) - len(self.iri_suffix)]
        return code if re.fullmatch(self.pattern, code) else None


SCHEMES = (
    Scheme("wikidata", "Wikidata", str(TG.wikidataId), r"Q[1-9][0-9]*", "http://www.wikidata.org/entity/",
           country_field="wikidata"),
    # GeoNames feature IRIs end in a slash; without it the IRI names nothing GeoNames publishes.
    Scheme("geonames", "GeoNames", str(TG.geonamesId), r"[1-9][0-9]{0,9}", "https://sws.geonames.org/", "/",
           country_field="geonames"),
    Scheme("ror", "ROR", str(TG.rorId), r"0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}", "https://ror.org/"),
    Scheme("iso3166-1-alpha2", "ISO 3166-1 alpha-2", str(TG.iso3166Alpha2), r"[A-Z]{2}", country_field="alpha2"),
    Scheme("iso3166-1-alpha3", "ISO 3166-1 alpha-3", str(TG.iso3166Alpha3), r"[A-Z]{3}", country_field="alpha3"),
    Scheme("iso3166-1-numeric", "ISO 3166-1 numeric", str(TG.iso3166Numeric), r"[0-9]{3}", country_field="numeric"),
    Scheme("iso3166-2", "ISO 3166-2", str(TG.iso3166_2), r"[A-Z]{2}-[A-Z0-9]{1,3}"),
    Scheme("m49", "UN M49", str(TG.m49Code), r"[0-9]{3}", country_field="m49"),
    Scheme("iati", "IATI organisation", str(TG.iatiOrganisationId), r"[A-Z]{2}(-[A-Z0-9]+)+"),
    Scheme("crossref-funder", "Crossref Funder", str(TG.crossrefFunderId), r"[0-9]{9,12}"),
    Scheme("dac-channel", "OECD DAC channel", str(TG.dacChannelCode), r"[0-9]{5}"),
)
SCHEME = {s.key: s for s in SCHEMES}
LINKED_SCHEMES = tuple(s for s in SCHEMES if s.iri_prefix)


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    cls: str
    is_place: bool


# Most specific first: an entity belongs to the first kind whose class it has (the ontology makes
# the kinds of place and of organisation disjoint, so the order only matters for the catch-alls).
KINDS = (
    Kind("country", "Countries", str(TG.Country), True),
    Kind("m49-region", "UN M49 regions", str(TG.M49Region), True),
    Kind("report-region", "Report regions", str(TG.ReportRegion), True),
    Kind("subdivision", "Subdivisions", str(TG.Subdivision), True),
    Kind("city", "Cities", str(TG.City), True),
    Kind("place", "Other places", str(TG.Place), True),
    Kind("government-body", "Government bodies", str(TG.GovernmentBody), False),
    Kind("intergovernmental", "Intergovernmental organisations", str(TG.IntergovernmentalOrganization), False),
    Kind("ngo", "Non-governmental organisations", str(TG.NonGovernmentalOrganization), False),
    Kind("academic", "Academic institutions", str(TG.AcademicInstitution), False),
    Kind("network", "Networks", str(TG.Network), False),
    Kind("organisation", "Other organisations", str(TG.Organization), False),
)
OTHER = Kind("other", "Other entities with identifiers", "", False)


@dataclass(frozen=True)
class Entity:
    iri: str
    name: str
    codes: dict[str, tuple[str, ...]]   # scheme key -> the codes it has (literal or linked)

    @property
    def linked(self) -> bool:
        return bool(self.codes)


@dataclass(frozen=True)
class KindReport:
    key: str
    title: str
    entities: tuple[Entity, ...]

    @property
    def linked(self) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.linked)

    @property
    def unlinked(self) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if not e.linked)

    def per_scheme(self) -> dict[str, int]:
        """Scheme key -> entities of this kind with a code in it (schemes nobody uses left out)."""
        counts = {s.key: sum(1 for e in self.entities if s.key in e.codes) for s in SCHEMES}
        return {k: n for k, n in counts.items() if n}


@dataclass(frozen=True)
class Problem:
    check: str      # form, link, pair, duplicate, reference or roll-up
    entity: str
    name: str
    scheme: str
    value: str
    message: str


@dataclass(frozen=True)
class LinksReport:
    kinds: tuple[KindReport, ...]
    links: dict[str, int]         # scheme key -> skos:exactMatch links (as the VoID linksets count)
    identifiers: dict[str, int]   # scheme key -> literal codes
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "kinds": [{"kind": k.key, "title": k.title, "entities": len(k.entities), "linked": len(k.linked),
                       "unlinked": [{"iri": e.iri, "name": e.name} for e in k.unlinked],
                       "schemes": k.per_scheme()} for k in self.kinds],
            "schemes": {s.key: {"title": s.title, "identifiers": self.identifiers.get(s.key, 0),
                                **({"links": self.links.get(s.key, 0)} if s.iri_prefix else {})}
                        for s in SCHEMES},
            "problems": [asdict(p) for p in self.problems],
            "ok": self.ok,
        }


def _rows(store: ox.Store, text: str) -> list:
    return list(store.query(text, default_graph=[ox.NamedNode(str(g)) for g in DEFAULT_GRAPH]))


def _values(*iris: str) -> str:
    return " ".join(f"<{i}>" for i in iris)


def link_counts(store: ox.Store) -> dict[str, int]:
    """Scheme key -> distinct ``skos:exactMatch`` triples into the scheme's namespace, in the
    default graph. Counted by namespace, not by form, so a malformed link still counts (and
    ``links_report`` reports it)."""
    counts = {}
    for scheme in LINKED_SCHEMES:
        prefix = scheme.iri_prefix.replace("\\", "\\\\").replace('"', '\\"')
        rows = _rows(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{
            SELECT DISTINCT ?s ?o WHERE {{ ?s <{SKOS_EXACT_MATCH}> ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{prefix}")) }} }}""")
        counts[scheme.key] = int(rows[0][0].value) if rows else 0
    return counts


def _names(store: ox.Store, subjects: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in _rows(store, f"SELECT ?s ?l WHERE {{ ?s <{RDFS_LABEL}> ?l }} ORDER BY ?s ?l"):
        s, label = row["s"].value, row["l"]
        # An English label wins; otherwise the first in order, so the choice is stable.
        if s in subjects and (s not in names or getattr(label, "language", None) == "en"):
            names[s] = label.value
    return {s: names.get(s, compact_iri(s)) for s in subjects}


def links_report(store: ox.Store, countries: dict[str, CountryRow] | None = None) -> LinksReport:
    """The links of the store's default graph, per kind of entity, with every problem found.
    ``countries`` (alpha-2 -> row, from ``countries.read_country_codes``) enables the checks
    against the country-codes table; without it those are skipped."""
    kind_of: dict[str, Kind] = {}
    for kind in KINDS:
        for row in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{kind.cls}> FILTER(isIRI(?s)) }}"):
            kind_of.setdefault(row["s"].value, kind)

    literal: dict[tuple[str, str], set[str]] = {}   # (entity, scheme) -> codes as written
    linked: dict[tuple[str, str], set[str]] = {}    # (entity, scheme) -> codes named by exactMatch IRIs
    problems: list[Problem] = []
    raw: list[tuple[str, str, str, str]] = []       # (entity, scheme, value, check) to report once names are known
    by_property = {s.property: s for s in SCHEMES}
    for row in _rows(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(*by_property)} }} ?s ?p ?o }}"):
        s, scheme, o = row["s"].value, by_property[row["p"].value], row["o"]
        literal.setdefault((s, scheme.key), set()).add(o.value)
        if not isinstance(o, ox.Literal) or not re.fullmatch(scheme.pattern, o.value):
            raw.append((s, scheme.key, o.value, "form"))
    for row in _rows(store, f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{SKOS_EXACT_MATCH}> ?o }}"):
        s, o = row["s"].value, row["o"]
        matches = [(scheme, scheme.code_of(o.value)) for scheme in LINKED_SCHEMES] if isinstance(o, ox.NamedNode) else []
        found = [(scheme, code) for scheme, code in matches if code is not None]
        if found:
            scheme, code = found[0]
            linked.setdefault((s, scheme.key), set()).add(code)
        else:
            raw.append((s, "", o.value, "link"))

    subjects = set(kind_of) | {s for s, _ in literal} | {s for s, _ in linked}
    names = _names(store, subjects)
    for s, scheme, value, check in raw:
        problems.append(_problem(check, s, names[s], scheme, value))
    for scheme in SCHEMES:
        for s in sorted(subjects):
            codes, iris = literal.get((s, scheme.key), set()), linked.get((s, scheme.key), set())
            if len(codes) > 1:
                problems.append(_problem("duplicate", s, names[s], scheme.key, ", ".join(sorted(codes))))
            if scheme.iri_prefix and codes != iris:
                problems.append(_problem("pair", s, names[s], scheme.key,
                                         ", ".join(sorted(codes ^ iris)), codes=codes, iris=iris))
    if countries is not None:
        problems += _check_countries(kind_of, literal, names, countries)
    problems += _check_roll_up(store, kind_of, names)

    entities: dict[str, list[Entity]] = {}
    for s in sorted(subjects, key=lambda s: (names[s].casefold(), s)):
        codes = {scheme.key: tuple(sorted(literal.get((s, scheme.key), set()) | linked.get((s, scheme.key), set())))
                 for scheme in SCHEMES}
        entity = Entity(s, names[s], {k: v for k, v in codes.items() if v})
        entities.setdefault(kind_of.get(s, OTHER).key, []).append(entity)
    kinds = tuple(KindReport(k.key, k.title, tuple(entities[k.key])) for k in (*KINDS, OTHER) if k.key in entities)
    identifiers = {scheme.key: sum(len(v) for (_, key), v in literal.items() if key == scheme.key) for scheme in SCHEMES}
    order = {c: i for i, c in enumerate(("form", "link", "pair", "duplicate", "reference", "roll-up"))}
    problems.sort(key=lambda p: (order[p.check], p.entity, p.scheme, p.value))
    return LinksReport(kinds, link_counts(store), identifiers, tuple(problems))


def _problem(check: str, entity: str, name: str, scheme: str, value: str, **detail) -> Problem:
    s = SCHEME.get(scheme)
    if check == "form":
        message = f"{s.title} code {value!r} is malformed (expected {s.pattern})"
    elif check == "link":
        message = (f"skos:exactMatch target {value!r} is not an IRI of a known scheme "
                   f"({', '.join(x.iri('CODE') for x in LINKED_SCHEMES)})")
    elif check == "pair":
        message = (f"{s.title} codes {sorted(detail['codes'])} and skos:exactMatch IRIs naming "
                   f"{sorted(detail['iris'])} differ: each code needs its IRI <{s.iri('CODE')}> and each IRI its code")
    elif check == "duplicate":
        message = f"more than one {s.title} code: {value}"
    else:
        message = detail["message"]
    return Problem(check, entity, name, scheme, value, message)


def _check_countries(kind_of, literal, names, countries) -> list[Problem]:
    """Each country's codes equal its row of the country-codes table; each M49 region is one the
    table knows, under its name there."""
    problems = []
    for s, kind in kind_of.items():
        if kind.key != "country":
            continue
        alpha2 = literal.get((s, "iso3166-1-alpha2"), set())
        row = countries.get(next(iter(alpha2))) if len(alpha2) == 1 else None
        if row is None:
            problems.append(_problem("reference", s, names[s], "iso3166-1-alpha2", ", ".join(sorted(alpha2)),
                                     message=f"no row of the country-codes table has alpha-2 {sorted(alpha2)}"))
            continue
        for scheme in SCHEMES:
            if scheme.country_field is None:
                continue
            expected = getattr(row, scheme.country_field)
            have = literal.get((s, scheme.key), set())
            if expected and have != {expected}:
                problems.append(_problem("reference", s, names[s], scheme.key, ", ".join(sorted(have)) or "(none)",
                                         message=f"{scheme.title} is {sorted(have)}; the country-codes table says {expected!r}"))
    regions = region_index(countries)
    for s, kind in kind_of.items():
        if kind.key != "m49-region":
            continue
        for code in literal.get((s, "m49"), set()):
            if code not in regions:
                problems.append(_problem("reference", s, names[s], "m49", code,
                                         message=f"M49 region code {code!r} is not in the country-codes table"))
            elif regions[code][0] != names[s]:
                problems.append(_problem("reference", s, names[s], "m49", code,
                                         message=f"M49 {code} is {regions[code][0]!r} in the country-codes table"))
    return problems


def _check_roll_up(store, kind_of, names) -> list[Problem]:
    """Every place outside the M49 hierarchy reaches an M49 region by tg:partOf (transitively, so
    the check holds on an unreasoned store too)."""
    rolled = {row["s"].value for row in _rows(store, f"""SELECT DISTINCT ?s WHERE {{
        ?s <{TG.partOf}>+ ?r . ?r a <{TG.M49Region}> }}""")}
    return [_problem("roll-up", s, names[s], "m49", "", message="rolls up to no UN M49 region by tg:partOf")
            for s, kind in sorted(kind_of.items()) if kind.is_place and kind.key != "m49-region" and s not in rolled]


def render_text(report: LinksReport) -> str:
    """The report as plain-text tables, for the terminal."""
    lines = []
    for kind in report.kinds:
        lines.append(f"{kind.title}: {len(kind.entities)} entities, {len(kind.linked)} linked, "
                     f"{len(kind.unlinked)} unlinked")
        for key, count in kind.per_scheme().items():
            lines.append(f"  {SCHEME[key].title:<22} {count:>4}")
        if kind.unlinked:
            lines.append("  unlinked: " + "; ".join(e.name for e in kind.unlinked))
        lines.append("")
    lines.append("Identifiers per scheme (literal codes; skos:exactMatch links as the VoID linksets count them):")
    for scheme in SCHEMES:
        links = f"  {report.links.get(scheme.key, 0):>4} links" if scheme.iri_prefix else ""
        lines.append(f"  {scheme.title:<22} {report.identifiers.get(scheme.key, 0):>4} codes{links}")
    lines.append("")
    if report.ok:
        lines.append("No problems: every identifier is well formed and agrees with the country-codes table.")
    else:
        lines.append(f"{len(report.problems)} problem(s):")
        lines += [f"  [{p.check}] {p.name} <{p.entity}>: {p.message}" for p in report.problems]
    return "\n".join(lines) + "\n"
