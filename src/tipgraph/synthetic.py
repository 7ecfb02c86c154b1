"""Synthetic practices shaped like the 2012 report's, for scale tests and benchmarks.

``generate(n, seed)`` yields the triples of ``n`` synthetic practices in the real ontology as
N-Triples terms ``(subject, predicate, object)``; ``" ".join(triple) + " .\\n"`` is an N-Triples
line. ``write_dataset(data_dir, out_dir, n, seed)`` copies a data folder and adds those practices
as one file that ``tipgraph build --data out_dir`` reads with the rest.

Each practice has what a curated one has: label, ordinal (after the report's 15), heading,
approach, ticked categories, one to four places (countries, and the report's own subdivisions,
cities and regions), one or two funding nodes from ~20 funders (the report's US agencies and their
units, and synthetic agencies with units of units), one to three implementers from a pool of
synthetic NGOs (n/5 of them), partners, dates, an amount now and then, two to eight figures with
at least one baseline/endline pair, a contact, and report sections with ~100 words of generated
prose that quote the figures. It conforms to ``ontology/shapes.ttl`` once reasoned.

Nothing here is a fact: every node the generator mints has ``synthetic`` in its IRI
(``practice/synthetic-<k>``, ``org/synthetic-...``, ``report/synthetic/...``), so it never clashes
with curated data. Real nodes (concepts, funders, some partners, places) are only referred to;
``write_dataset`` checks that the data folder declares them. Countries are declared again with the
same class, label and ISO code as ``data/curated/places.ttl`` (a no-op for those it already has) so
that the build's enrichment gives them their M49 chain.

Determinism: one ``random.Random(seed)`` drawn in a fixed order, no set or hash order; the same
``(n, seed)`` gives the same bytes. Memory: one practice at a time; nothing grows with ``n``.
No blank nodes; every term is written by pyoxigraph, which escapes literals.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .namespaces import BASE

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORGV = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
QB = "http://purl.org/linked-data/cube#"
TGNS = BASE + "ontology#"


def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


def _text(value: str, lang: str | None = None) -> str:
    return str(ox.Literal(value, language=lang))


# The same few hundred constant terms recur in every practice: written once each.
_const = cache(_iri)
_const_text = cache(_text)


def _typed(lexical: str, datatype: str) -> str:
    return str(ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype)))


@cache
def _year(year: int) -> str:
    return _typed(str(year), "gYear")


def _decimal(value: float) -> str:
    return _typed(f"{value:.1f}", "decimal")  # always with a decimal point, as the shapes ask


class _T:
    """Predicates and classes, as N-Triples terms."""

    def __getattr__(self, name: str) -> str:
        prefix, local = name.split("_", 1)
        term = _iri({"tg": TGNS, "rdf": RDF, "rdfs": RDFS, "dct": DCT, "foaf": FOAF, "org": ORGV,
                     "schema": SCHEMA, "qb": QB}[prefix] + local)
        setattr(self, name, term)
        return term


T = _T()
A = _iri(RDF + "type")
CONCEPT = BASE + "concept/"
SYNTHETIC_NOTE = "Synthetic: made up by tipgraph.synthetic for scale tests; not a fact."

# --- Vocabularies the generator draws from ------------------------------------------------------

# ISO alpha-2 code and label; those in data/curated/places.ttl carry the same label there.
COUNTRIES = (
    ("IN", "India"), ("TH", "Thailand"), ("PH", "Philippines"), ("ID", "Indonesia"), ("MM", "Myanmar"),
    ("KH", "Cambodia"), ("LA", "Laos"), ("VN", "Vietnam"), ("CN", "China"), ("EC", "Ecuador"), ("CO", "Colombia"),
    ("MX", "Mexico"), ("CR", "Costa Rica"), ("DO", "Dominican Republic"), ("US", "United States"),
    ("ZA", "South Africa"), ("NG", "Nigeria"), ("AU", "Australia"), ("KE", "Kenya"), ("GH", "Ghana"),
    ("ET", "Ethiopia"), ("UG", "Uganda"), ("TZ", "Tanzania"), ("SN", "Senegal"), ("CM", "Cameroon"),
    ("MA", "Morocco"), ("EG", "Egypt"), ("MZ", "Mozambique"), ("BF", "Burkina Faso"), ("ML", "Mali"),
    ("NE", "Niger"), ("BJ", "Benin"), ("NP", "Nepal"), ("BD", "Bangladesh"), ("PK", "Pakistan"), ("LK", "Sri Lanka"),
    ("MY", "Malaysia"), ("KG", "Kyrgyzstan"), ("UZ", "Uzbekistan"), ("KZ", "Kazakhstan"), ("JO", "Jordan"),
    ("LB", "Lebanon"), ("AE", "United Arab Emirates"), ("AL", "Albania"), ("RO", "Romania"), ("MD", "Moldova"),
    ("UA", "Ukraine"), ("BG", "Bulgaria"), ("RS", "Serbia"), ("BA", "Bosnia and Herzegovina"), ("GR", "Greece"),
    ("IT", "Italy"), ("ES", "Spain"), ("PL", "Poland"), ("GT", "Guatemala"), ("HN", "Honduras"),
    ("SV", "El Salvador"), ("HT", "Haiti"), ("BR", "Brazil"), ("PE", "Peru"), ("BO", "Bolivia"), ("PY", "Paraguay"),
    ("AR", "Argentina"), ("PG", "Papua New Guinea"), ("FJ", "Fiji"),
)
# The report's places below country level and its own regions, declared in data/curated/places.ttl.
REPORT_PLACES = (
    ("bihar", "Bihar"), ("uttar-pradesh", "Uttar Pradesh"), ("cotopaxi", "Cotopaxi"), ("tungurahua", "Tungurahua"),
    ("california", "California"), ("sacramento", "Sacramento"), ("north-carolina", "North Carolina"),
    ("mexico-city", "Mexico City"), ("manila", "Manila"), ("chiang-mai", "Chiang Mai"), ("bangkok", "Bangkok"),
    ("greater-mekong-subregion", "Greater Mekong Sub-region"), ("southeastern-europe", "Southeastern Europe"),
    ("central-america-and-the-dominican-republic", "Central America and the Dominican Republic"),
)
# Funders: key under org/, the name prose uses, weight, and for synthetic agencies label and parent.
REAL_FUNDERS = (("tip-office", "the TIP Office", 6), ("usaid", "USAID", 6), ("us-department-of-labor", "the U.S. Department of Labor", 3),
                ("ovc", "OVC", 2), ("bja", "BJA", 2), ("us-department-of-state", "the U.S. Department of State", 2),
                ("us-department-of-health-and-human-services", "HHS", 2), ("us-department-of-justice", "the U.S. Department of Justice", 1))
_AGENCIES = (("development-agency", "Synthetic Development Agency", None),
             ("development-agency-migration", "Migration Programme Office", "development-agency"),
             ("development-agency-child-protection", "Child Protection Office", "development-agency"),
             ("ministry-of-justice", "Synthetic Ministry of Justice", None),
             ("ministry-of-justice-victim-services", "Victim Services Office", "ministry-of-justice"),
             ("ministry-of-justice-shelter-grants", "Shelter Grants Desk", "ministry-of-justice-victim-services"),
             ("ministry-of-justice-prosecution-support", "Prosecution Support Unit", "ministry-of-justice"),
             ("ministry-of-labour", "Synthetic Ministry of Labour", None),
             ("ministry-of-labour-inspection", "Labour Inspection Bureau", "ministry-of-labour"),
             ("ministry-of-labour-supply-chains", "Supply Chain Office", "ministry-of-labour"),
             ("foreign-ministry", "Synthetic Ministry of Foreign Affairs", None),
             ("foreign-ministry-trafficking-response", "Trafficking Response Office", "foreign-ministry"),
             ("foreign-ministry-regional-grants", "Regional Grants Office", "foreign-ministry"))
_LABELS = {key: label for key, label, _ in _AGENCIES}
_PARENT = {key: parent for key, _, parent in _AGENCIES}


def _agency_label(key: str) -> str:
    parent = _PARENT[key]
    return _LABELS[key] + (", " + _agency_label(parent) if parent else "")


SYNTHETIC_FUNDERS = tuple(("synthetic-" + key, _agency_label(key), 1) for key, _, _ in _AGENCIES)
FUNDERS = REAL_FUNDERS + tuple((key, "the " + label, w) for key, label, w in SYNTHETIC_FUNDERS)
FUNDER_WEIGHTS = tuple(itertools.accumulate(w for _, _, w in FUNDERS))
REAL_PARTNERS = ("iom", "ilo", "unicef", "undp", "icmpd")
REVIEWER = "synthetic-review-committee"

APPROACHES = (("public-awareness", "PUBLIC AWARENESS"), ("capacity-building", "CAPACITY BUILDING"),
              ("law-enforcement-training", "LAW ENFORCEMENT TRAINING"),
              ("government-adoption-of-tip-prevention-model", "GOVERNMENT ADOPTION OF TIP PREVENTION MODEL"),
              ("anti-human-trafficking-task-forces", "ANTI-HUMAN TRAFFICKING TASK FORCES"),
              ("rehabilitation-and-reintegration", "REHABILITATION AND REINTEGRATION"),
              ("transnational-referral-mechanism", "TRANSNATIONAL REFERRAL MECHANISM"),
              ("regional-approach", "REGIONAL APPROACH"), ("community-vigilance-committees", "COMMUNITY VIGILANCE COMMITTEES"),
              ("collaborative-casework", "COLLABORATIVE CASEWORK"), ("rule-of-law", "RULE OF LAW"))
FORMS = {"labor": "labour trafficking", "sex": "sex trafficking"}
GROUPS = {("adults",): "adults", ("children",): "children", ("adults", "children"): "adults and children"}

# Figures. Pairs: key, indicator label, unit, population, quote with {v}. Singles add a figure kind
# after the unit and the largest value after the quote.
PAIRS = (
    ("heard-of-helpline", "Respondents who had heard of the national trafficking helpline", "percent",
     "survey respondents in the target communities", "{v} percent of respondents had heard of the national trafficking helpline"),
    ("knew-recruitment-risks", "Respondents who could name two signs of deceptive recruitment", "percent",
     "survey respondents in the target communities", "{v} percent could name two signs of deceptive recruitment"),
    ("survivors-reintegrated", "Assisted survivors living independently a year after leaving a shelter", "percent",
     "survivors assisted by the project", "{v} percent of assisted survivors were living independently a year later"),
    ("officers-passing-test", "Trained officers who passed the case-handling test", "percent",
     "officers trained by the project", "{v} percent of officers passed the case-handling test"),
    ("children-in-school", "Children at risk enrolled in school", "percent",
     "children in the project's target households", "{v} percent of children at risk were enrolled in school"),
    ("referred-within-48-hours", "Identified victims referred to services within 48 hours", "percent",
     "victims identified in the project area", "{v} percent of identified victims were referred within 48 hours"),
    ("trafficking-prosecutions", "Trafficking prosecutions in a year", "count",
     "trafficking prosecutions in the project area", "{v} trafficking prosecutions"),
    ("trafficking-convictions", "Trafficking convictions in a year", "count",
     "trafficking convictions in the project area", "{v} trafficking convictions"),
    ("victims-identified", "Victims identified in a year", "count",
     "victims of trafficking identified by officials and partners", "{v} victims identified"),
    ("helpline-calls", "Calls to the trafficking helpline in a year", "count",
     "calls to the helpline", "{v} calls to the helpline"),
    ("shelter-places", "Shelter places available for survivors", "count",
     "shelter beds for survivors of trafficking", "{v} shelter places for survivors"),
)
SINGLES = (
    ("officers-trained", "Law enforcement officers trained", "count", "output",
     "police, prosecutors and labour inspectors trained by the project", "trained {v} law enforcement officers", 5000),
    ("community-sessions", "Community awareness sessions held", "count", "output",
     "awareness sessions held in villages and schools", "held {v} community awareness sessions", 2000),
    ("survivors-assisted", "Survivors given shelter, legal or medical help", "count", "output",
     "survivors of trafficking assisted by the project", "assisted {v} survivors of trafficking", 3000),
    ("radio-episodes", "Radio episodes broadcast", "count", "output", "radio episodes", "broadcast {v} radio episodes", 200),
    ("teachers-trained", "Teachers trained to recognise trafficking", "count", "output",
     "teachers in the target schools", "trained {v} teachers to recognise the signs of trafficking", 2500),
    ("cases-referred", "Cases referred to services", "count", "output",
     "cases referred to shelters and legal aid", "referred {v} cases to shelters and legal aid", 1500),
    ("materials-distributed", "Awareness materials distributed", "count", "output",
     "posters and leaflets", "distributed {v} posters and leaflets", 200000),
    ("partner-organisations", "Local organisations in the project's network", "count", "input",
     "local organisations, not named in the report", "worked with {v} local organisations", 60),
    ("training-hours", "Hours of training per officer", "hour", "input",
     "hours of classroom training for each officer", "gave each officer {v} hours of training", 40),
    ("estimated-victims", "Estimated people in forced labour or sexual exploitation", "count", "context",
     "people estimated to be in forced labour or sexual exploitation in the project area",
     "an estimated {v} people were held in forced labour or sexual exploitation", 500000),
    ("children-in-hazardous-work", "Children working in hazardous conditions", "count", "context",
     "children in hazardous work in the project area", "{v} children were working in hazardous conditions", 100000),
    ("migrants-deceived", "Returning migrants who reported deception by recruiters", "percent", "context",
     "migrants returning to the project area", "{v} percent of returning migrants said recruiters had deceived them", 95),
)
QUALIFIERS = (("approximately", "approximately "), ("more-than", "more than "), ("nearly", "nearly "))

PROSE = {
    "problem": (
        "In {place}, {group} are recruited with false promises of work and end up in {form} far from home.",
        "Local authorities in {place} have few trained staff, and victims of {form} are rarely identified or referred to help.",
        "Poverty, debt and a lack of legal ways to migrate leave {group} exposed to traffickers who operate across {place}.",
        "Many people do not see {form} as a crime, and many victims do not know where to turn for help.",
        "Earlier efforts in {place} reached only a small part of the population and stopped once outside funding ended.",
        "Survivors of {form} who return home face stigma, unemployment and a high risk of being trafficked again.",
        "Data on {form} in {place} are scarce, so services struggle to reach the districts where {group} are most at risk.",
        "Brokers move {group} between districts and across borders with little oversight from labour or police authorities.",
    ),
    "intervention": (
        "{implementer} designed a {approach} programme for {group} in {place}, working from existing community structures.",
        "{implementer} worked with local officials, teachers and faith leaders to build a referral network for victims of {form}.",
        "The project trained frontline staff to identify victims, record cases the same way and refer survivors to shelters, legal aid and health care.",
        "Volunteers held meetings in villages and markets to explain how traffickers recruit and how to report a suspected case.",
        "The team produced radio spots, posters and short films in local languages and shared them through schools and community groups.",
        "A helpline staffed by trained counsellors took calls from people who suspected trafficking or wanted advice before migrating for work.",
        "Prosecutors and police attended joint workshops on the anti-trafficking law, gathering evidence and interviewing victims with care.",
        "Case managers followed each survivor for a year, helping with documents, schooling, vocational training and small grants.",
    ),
    "results": (
        "An external evaluation in {place} credited the project with changing how officials respond to reports of {form}.",
        "Local governments took over several of the project's activities and budgeted for them after the grant ended.",
        "Survivors said the most useful help was practical: documents, a safe place to stay and a way to earn an income.",
        "Partner organisations adopted the project's referral forms, so cases are now recorded the same way across {place}.",
        "The evaluators noted that results were strongest where {implementer} had worked longest and trust was highest.",
        "Officials now invite community volunteers to district meetings on migration and {form}.",
        "The number of cases reported by community members rose steadily as awareness of the helpline spread.",
        "The project's materials were later adapted for use in neighbouring districts by other organisations.",
    ),
}
ADJECTIVES = ("Bright", "Safe", "Open", "New", "Shared", "Common", "Free", "First", "Clear", "Steady", "Hopeful", "United",
              "Green", "Northern", "Southern", "Eastern", "Western", "Rising", "Quiet", "Helping")
NOUNS = ("Horizons", "Paths", "Hands", "Voices", "Futures", "Bridges", "Roots", "Harbour", "Lantern", "Compass", "Haven",
         "Circle", "Dawn", "Rivers", "Ties", "Steps", "Shelter", "Ground", "Light", "Way")
KINDS = ("Foundation", "Alliance", "Initiative", "Network", "Trust", "Collective", "Society", "Centre", "Project", "Association")
FIRST_NAMES = ("Amina", "Arjun", "Beatriz", "Chen", "Daniel", "Esther", "Farid", "Grace", "Hanh", "Ibrahim", "Julia", "Kofi",
               "Leila", "Mateo", "Nadia", "Oluwaseun", "Priya", "Rafael", "Sofia", "Tomasz", "Umar", "Vera", "Wanjiru", "Yusuf")
LAST_NAMES = ("Abebe", "Banda", "Castillo", "Dimitrova", "Estrada", "Fofana", "García", "Haddad", "Ivanova", "Juarez", "Khan",
              "Lopez", "Mensah", "Nguyen", "Okafor", "Petrov", "Qureshi", "Rahman", "Santos", "Tran", "Usman", "Vargas", "Wang", "Zulu")
JOB_TITLES = ("Programme Director", "Country Director", "Project Manager", "Senior Legal Adviser", "Programme Officer",
              "Executive Director", "Monitoring and Evaluation Officer", "Training Coordinator")


def pool_size(n: int) -> int:
    """How many synthetic NGOs a dataset of ``n`` practices draws its implementers and partners from."""
    return max(5, n // 5)


def ngo_label(i: int) -> str:
    a, rest = i % len(ADJECTIVES), i // len(ADJECTIVES)
    b, rest = rest % len(NOUNS), rest // len(NOUNS)
    c, round_ = rest % len(KINDS), rest // len(KINDS)
    return f"{ADJECTIVES[a]} {NOUNS[b]} {KINDS[c]}" + (f" {round_ + 1}" if round_ else "")


def referenced_iris() -> list[str]:
    """Every node outside this module's output that the generated triples point at."""
    iris = [BASE + "org/" + key for key, _, _ in REAL_FUNDERS] + [BASE + "org/" + key for key in REAL_PARTNERS]
    iris += [BASE + "place/" + key for key, _ in REPORT_PLACES]
    iris += [CONCEPT + "approach/" + key for key, _ in APPROACHES]
    iris += [CONCEPT + path for path in (
        "component/prevention", "component/protection", "component/prosecution", "component/partnership", "form/labor",
        "form/sex", "scope/internal", "scope/international", "age/adults", "age/children", "sex/men", "sex/women",
        "measurement-point/baseline", "measurement-point/endline", "measurement-point/reported", "figure-kind/context",
        "figure-kind/input", "figure-kind/output", "figure-kind/outcome", "unit/percent", "unit/count", "unit/hour",
        "qualifier/approximately", "qualifier/more-than", "qualifier/nearly", "section-kind/entry",
        "section-kind/problem", "section-kind/intervention", "section-kind/results")]
    return iris + [BASE + "dataset/figures-structure"]


# --- Generation ---------------------------------------------------------------------------------------


def generate(n: int, seed: int = 0) -> Iterator[tuple[str, str, str]]:
    """The triples of ``n`` synthetic practices (ordinals 16 to 15 + n), as N-Triples terms."""
    for block in _blocks(n, seed):
        yield from block


def _blocks(n: int, seed: int) -> Iterator[list[tuple[str, str, str]]]:
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}")
    rng = random.Random(seed)
    pool = pool_size(n)
    yield _shared(n, seed)
    for first in range(0, pool, 1000):
        yield _ngos(first, min(pool, first + 1000))
    for k in range(1, n + 1):
        yield _Practice(rng, k, pool).triples()


def _org(out: list, iri: str, cls: str, label: str, parent: str | None = None) -> None:
    out += [(iri, A, cls), (iri, T.rdfs_label, _text(label, "en")), (iri, T.tg_nameInReport, _text(label)),
            (iri, T.tg_editorialNote, _text(SYNTHETIC_NOTE))]
    if parent:
        out.append((iri, T.org_unitOf, parent))


def _shared(n: int, seed: int) -> list[tuple[str, str, str]]:
    """The report, the dataset, agencies and countries: stated once for all practices."""
    out: list[tuple[str, str, str]] = []
    report, title = _const(BASE + "report/synthetic"), f"Synthetic practices for scale tests ({n} practices, seed {seed})"
    reviewer = _iri(BASE + "org/" + REVIEWER)
    out += [(report, A, T.tg_Report), (report, T.rdfs_label, _text(title, "en")), (report, T.dct_title, _text(title, "en")),
            (report, T.dct_issued, _typed("2026", "gYear")), (report, T.dct_creator, reviewer),
            (report, T.tg_editorialNote, _text(SYNTHETIC_NOTE))]
    _org(out, reviewer, T.tg_Network, "Synthetic Review Committee")
    dataset = _const(BASE + "dataset/synthetic-figures")
    out += [(dataset, A, T.qb_DataSet), (dataset, T.rdfs_label, _text("Figures of the synthetic practices", "en")),
            (dataset, T.qb_structure, _iri(BASE + "dataset/figures-structure"))]
    for key, label, parent in _AGENCIES:
        _org(out, _iri(BASE + "org/synthetic-" + key), T.tg_GovernmentBody, _agency_label(key),
             _iri(BASE + "org/synthetic-" + parent) if parent else None)
    for code, label in COUNTRIES:
        place = _iri(BASE + "place/" + code)
        out += [(place, A, T.tg_Country), (place, T.rdfs_label, _text(label, "en")), (place, T.tg_iso3166Alpha2, _text(code))]
    return out


def _ngos(first: int, stop: int) -> list[tuple[str, str, str]]:
    """NGOs ``first + 1`` to ``stop`` of the pool, each based in a country."""
    out: list[tuple[str, str, str]] = []
    for i in range(first, stop):
        ngo = _iri(f"{BASE}org/synthetic-ngo-{i + 1}")
        _org(out, ngo, T.tg_NonGovernmentalOrganization, ngo_label(i))
        out.append((ngo, T.tg_basedIn, _const(BASE + "place/" + COUNTRIES[i % len(COUNTRIES)][0])))
    return out


class _Practice:
    """One practice's triples. Draws from ``rng`` in a fixed order: keep it when editing."""

    def __init__(self, rng: random.Random, k: int, pool: int):
        self.rng, self.k, self.pool, self.out = rng, k, pool, []
        self.slug = f"synthetic-{k}"
        self.iri = _iri(f"{BASE}practice/{self.slug}")
        self.section_base = f"{BASE}report/synthetic/{self.slug}"

    def add(self, s: str, p: str, o: str) -> None:
        self.out.append((s, p, o))

    def triples(self) -> list[tuple[str, str, str]]:
        rng, p = self.rng, self.iri
        approach, approach_name = rng.choice(APPROACHES)
        components = rng.sample(("prevention", "protection", "prosecution"), rng.choices((1, 2, 3), (60, 30, 10))[0])
        if rng.random() < 0.05:
            components.append("partnership")
        ticks = {"form": self._tick(("labor", "sex")), "scope": self._tick(("internal", "international")),
                 "age": self._tick(("adults", "children")), "sex": self._tick(("men", "women"))}
        places = self._places()
        dated = rng.random() < 0.9
        start = rng.randint(1995, 2026) if dated else None
        end = min(2030, start + rng.randint(0, 6)) if dated else None
        funders = self._distinct(lambda: rng.choices(FUNDERS, cum_weights=FUNDER_WEIGHTS)[0], rng.choices((1, 2), (65, 35))[0])
        implementers = rng.sample(range(self.pool), min(self.pool, rng.choices((1, 2, 3), (60, 30, 10))[0]))
        partners = self._partners(implementers)

        form = " and ".join(FORMS[f] for f in ticks["form"]) or "trafficking"
        group = GROUPS.get(tuple(ticks["age"]), "people")
        where = places[0][1] if len(places) == 1 else ", ".join(label for _, label in places[:-1]) + " and " + places[-1][1]
        heading_place = where.upper() if len(places) <= 2 else places[0][1].upper() + " (REGIONAL)"
        heading = f"{components[0].upper()} :: {approach_name} :: {heading_place}"
        label = f"{approach_name.capitalize()} against {form} in {where} (synthetic {self.k})"
        implementer_names = [ngo_label(i) for i in implementers]
        words = {"place": where, "group": group, "form": form, "approach": approach_name.lower(), "implementer": implementer_names[0]}

        entry = _iri(self.section_base)
        ordinal = str(ox.Literal(15 + self.k))
        self.out += [
            (p, A, T.tg_Practice), (p, T.rdfs_label, _text(label, "en")), (p, T.tg_ordinal, ordinal),
            (p, T.tg_heading, _text(heading)), (p, T.tg_headingPlace, _text(heading_place)),
            (p, T.tg_headingComponent, _const(CONCEPT + "component/" + components[0])),
            (p, T.tg_approach, _const(CONCEPT + "approach/" + approach)), (p, T.tg_source, entry)]
        for c in components:
            self.add(p, T.tg_component, _const(CONCEPT + "component/" + c))
        for scheme, prop in (("form", T.tg_traffickingForm), ("scope", T.tg_traffickingScope), ("age", T.tg_ageGroup), ("sex", T.tg_sexGroup)):
            for value in ticks[scheme]:
                self.add(p, prop, _const(f"{CONCEPT}{scheme}/{value}"))
        for iri, _ in places:
            self.add(p, T.tg_locatedIn, iri)
        if dated:
            self.add(p, T.tg_startDate, _year(start))
            self.add(p, T.tg_endDate, _year(end))
        if rng.random() < 0.4:
            self.add(p, T.tg_projectName, _text(f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} Project"))
        for partner in partners:
            self.add(p, T.tg_hasPartner, partner)
        ngos = [_iri(f"{BASE}org/synthetic-ngo-{i + 1}") for i in implementers]
        for extra in ngos[len(funders):]:  # implementers that receive no funding node of their own
            self.add(p, T.tg_implementedBy, extra)
        self._contact(implementer_names[0], ngos[0])

        sections = {kind: _iri(f"{self.section_base}/{kind}") for kind in ("problem", "intervention", "results")}
        self._section(entry, "entry", f"Synthetic practice {self.k}: {heading}", None)
        self.add(entry, T.tg_ordinal, ordinal)
        self.add(_const(BASE + "report/synthetic"), T.dct_hasPart, entry)
        quotes = {"problem": [], "intervention": [], "results": []}
        for j, (key, name, _) in enumerate(funders):
            quotes["intervention"] += self._funding(key, name, ngos[j % len(ngos)], implementer_names[j % len(ngos)],
                                                   start, end, sections["intervention"])
        quotes_from_figures = self._figures(start, end, sections, words)
        for kind, said in quotes.items():
            said += quotes_from_figures[kind]
            self._section(sections[kind], kind, f"Synthetic practice {self.k}: {kind}", self._prose(kind, said, words))
            self.add(entry, T.dct_hasPart, sections[kind])
        return self.out

    def _tick(self, values: tuple[str, str]) -> list[str]:
        roll = self.rng.random()
        return [] if roll < 0.1 else [self.rng.choice(values)] if roll < 0.6 else list(values)

    def _distinct(self, draw, count: int) -> list:
        chosen: list = []
        while len(chosen) < count:
            item = draw()
            if item not in chosen:
                chosen.append(item)
        return chosen

    def _places(self) -> list[tuple[str, str]]:
        rng = self.rng

        def draw() -> tuple[str, str]:
            if rng.random() < 0.8:
                code, label = rng.choice(COUNTRIES)
                return _const(BASE + "place/" + code), label
            key, label = rng.choice(REPORT_PLACES)
            return _const(BASE + "place/" + key), label

        return self._distinct(draw, rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0])

    def _partners(self, implementers: list[int]) -> list[str]:
        rng, partners = self.rng, []
        for _ in range(rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0]):
            if rng.random() < 0.3:
                iri = _const(BASE + "org/" + rng.choice(REAL_PARTNERS))
            else:
                i = rng.randrange(self.pool)
                iri = None if i in implementers else _iri(f"{BASE}org/synthetic-ngo-{i + 1}")
            if iri is not None and iri not in partners:
                partners.append(iri)
        return partners

    def _contact(self, affiliation: str, org: str) -> None:
        rng, person = self.rng, _iri(f"{BASE}person/{self.slug}")
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        name = _text(name)
        self.out += [(self.iri, T.tg_contact, person), (person, A, T.foaf_Person), (person, T.foaf_name, name),
                     (person, T.rdfs_label, name), (person, T.schema_jobTitle, _const_text(rng.choice(JOB_TITLES))),
                     (person, T.tg_contactAffiliation, _text(affiliation)), (person, T.org_memberOf, org)]

    def _section(self, iri: str, kind: str, label: str, text: str | None) -> None:
        self.out += [(iri, A, T.tg_ReportSection), (iri, T.rdfs_label, _text(label, "en")),
                     (iri, T.tg_sectionKind, _const(CONCEPT + "section-kind/" + kind))]
        if text is not None:
            self.add(iri, T.tg_text, _text(text))
        self.out += [(iri, T.tg_aboutPractice, self.iri), (iri, T.dct_isPartOf, _const(BASE + "report/synthetic"))]

    def _funding(self, key, name, recipient, recipient_name, start, end, section) -> list[str]:
        rng, funding = self.rng, _iri(f"{BASE}funding/{self.slug}/{key}")
        self.add(funding, A, T.tg_Funding)
        self.add(funding, T.rdfs_label, _text(f"Funding of {recipient_name} by {name}", "en"))
        self.add(funding, T.tg_fundedPractice, self.iri)
        self.add(funding, T.tg_funder, _const(BASE + "org/" + key))
        self.add(funding, T.tg_recipient, recipient)
        self.add(funding, T.tg_source, section)
        if start is not None and rng.random() < 0.5:
            self.add(funding, T.tg_startDate, _year(start))
            self.add(funding, T.tg_endDate, _year(end))
        sentence = f"With funding from {name}, {recipient_name} carried out the work."
        if rng.random() < 0.5:
            value = rng.randint(5, 5000) * 1000
            qualifier = rng.choice(QUALIFIERS) if rng.random() < 0.3 else None
            quote = f"{qualifier[1] if qualifier else ''}${value:,} in funding from {name}"
            amount = _iri(f"{BASE}amount/{self.slug}/{key}")
            self.add(funding, T.tg_amount, amount)
            self.add(amount, A, T.schema_MonetaryAmount)
            self.add(amount, T.schema_value, _decimal(value))
            self.add(amount, T.schema_currency, _const_text("USD"))
            if qualifier:
                self.add(amount, T.tg_qualifier, _const(CONCEPT + "qualifier/" + qualifier[0]))
            self.add(amount, T.tg_quote, _text(quote))
            self.add(amount, T.tg_source, section)
            sentence = f"{recipient_name} received {quote}."
        return [sentence]

    def _figures(self, start, end, sections, words) -> dict[str, list[str]]:
        rng, said = self.rng, {"problem": [], "intervention": [], "results": []}
        count = rng.randint(2, 8)
        pairs = rng.randint(1, count // 2)
        for key, label, unit, population, template in rng.sample(PAIRS, pairs):
            if unit == "percent":
                before = rng.randint(2, 70)
                after = max(0, min(100, before + rng.randint(-5, 45)))
            else:
                before = rng.randint(0, 300)
                after = max(0, before + rng.randint(-20, 400))
            indicator = self._indicator(key, label)
            quote_before = template.format(v=f"{before:,}")
            quote_after = template.format(v=f"{after:,}")
            self._observation(f"{key}-baseline", indicator, "baseline", "outcome", before, unit, population, quote_before,
                              sections["results"], start)
            self._observation(f"{key}-endline", indicator, "endline", "outcome", after, unit, population, quote_after,
                              sections["results"], end)
            said["results"].append(f"At baseline, {quote_before}; at endline, {quote_after}.")
        for key, label, unit, kind, population, template, top in rng.sample(SINGLES, count - 2 * pairs):
            value = rng.randint(1 if unit == "percent" else 2, top)
            qualifier = rng.choice(QUALIFIERS) if unit == "count" and kind != "context" and rng.random() < 0.25 else None
            quote = template.format(v=(qualifier[1] if qualifier else "") + f"{value:,}")
            place = "problem" if kind == "context" else "intervention"
            self._observation(key, self._indicator(key, label), "reported", kind, value, unit, population, quote,
                              sections[place], None, qualifier[0] if qualifier else None)
            said[place].append(f"According to local officials, {quote}." if kind == "context"
                               else f"Over the project period, {words['implementer']} {quote}.")
        return said

    def _indicator(self, key: str, label: str) -> str:
        indicator = _iri(f"{BASE}indicator/{self.slug}/{key}")
        self.add(indicator, A, T.tg_Indicator)
        self.add(indicator, T.rdfs_label, _const_text(label, "en"))
        return indicator

    def _observation(self, key, indicator, point, kind, value, unit, population, quote, section, year, qualifier=None):
        obs = _iri(f"{BASE}observation/{self.slug}/{key}")
        triples = [
            (obs, A, T.tg_Observation), (obs, T.qb_dataSet, _const(BASE + "dataset/synthetic-figures")),
            (obs, T.tg_ofPractice, self.iri), (obs, T.tg_indicator, indicator),
            (obs, T.tg_measurementPoint, _const(CONCEPT + "measurement-point/" + point)),
            (obs, T.tg_figureKind, _const(CONCEPT + "figure-kind/" + kind)), (obs, T.tg_value, _decimal(value)),
            (obs, T.tg_unit, _const(CONCEPT + "unit/" + unit)), (obs, T.tg_population, _const_text(population)),
            (obs, T.tg_quote, _text(quote)), (obs, T.tg_source, section)]
        if qualifier:
            triples.append((obs, T.tg_qualifier, _const(CONCEPT + "qualifier/" + qualifier)))
        if year is not None:
            triples.append((obs, T.tg_refYear, _year(year)))
        self.out += triples

    def _prose(self, kind: str, quoted: list[str], words: dict[str, str]) -> str:
        """About 100 words: the sentences that state the figures, among generated ones."""
        rng, fillers, length = self.rng, [], sum(s.count(" ") + 1 for s in quoted)
        for template in rng.sample(PROSE[kind], len(PROSE[kind])):
            if length >= 95:
                break
            sentence = template.format(**words)
            fillers.append(sentence)
            length += sentence.count(" ") + 1
        at = rng.randint(0, len(fillers))
        return " ".join(fillers[:at] + quoted + fillers[at:])


# --- A data folder ----------------------------------------------------------------------------------------


def _declared(data_dir: Path) -> set[str]:
    files = [data_dir / "concepts.ttl", *sorted((data_dir / "curated").glob("*.ttl"))]
    return {q.subject.value for f in files if f.exists()
            for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE) if isinstance(q.subject, ox.NamedNode)}


def write_dataset(data_dir: Path, out_dir: Path, n: int, seed: int = 0) -> Path:
    """Copy ``data_dir`` to ``out_dir`` and add ``curated/practices/synthetic-<n>-seed<seed>.ttl``.

    The file is N-Triples (valid Turtle, which is what the loader reads, hence ``.ttl``). Returns its
    path. Raises ``FileExistsError`` if ``out_dir`` exists and is not empty, and ``ValueError`` if
    ``data_dir`` does not declare the concepts, organisations and places the practices point at.
    Synthetic files already in ``data_dir`` are not copied.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}")
    missing = sorted(set(referenced_iris()) - _declared(data_dir))
    if missing:
        raise ValueError(f"{data_dir} does not declare what synthetic practices refer to: {', '.join(missing)}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} exists and is not empty")
    shutil.copytree(data_dir, out_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("synthetic-*"))
    target = out_dir / "curated" / "practices" / f"synthetic-{n}-seed{seed}.ttl"
    partial = target.with_name(target.name + ".part")  # not *.ttl: a build never reads half a file
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(f"# {n} synthetic practices, seed {seed}, written by tipgraph.synthetic.write_dataset.\n"
                         "# N-Triples (valid Turtle). Made up for scale tests: none of it is a fact.\n")
            for block in _blocks(n, seed):
                handle.write("".join(f"{s} {p} {o} .\n" for s, p, o in block))
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
