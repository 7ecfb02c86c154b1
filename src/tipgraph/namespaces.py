"""The IRIs tipgraph mints and the vocabularies it uses, in one place.

``TG`` is a closed namespace: a mistyped term raises ``AttributeError`` instead of minting a new
IRI. ``tests/test_namespaces.py`` proves that its terms are exactly the ones ``ontology/tipgraph.ttl``
declares, so the two cannot drift apart. This module holds names only: no I/O, no logic.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/tipgraph/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")

# Named graphs of a build: facts as curated and parsed, facts the reasoner added, the ontology.
GRAPH_ASSERTED = URIRef(BASE + "graph/asserted")
GRAPH_INFERRED = URIRef(BASE + "graph/inferred")
GRAPH_ONTOLOGY = URIRef(BASE + "graph/ontology")
GRAPH_SHAPES = URIRef(BASE + "graph/shapes")


class TG(DefinedNamespace):
    """Terms of the tipgraph ontology (``ontology/tipgraph.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    AcademicInstitution: URIRef
    CitedWork: URIRef
    City: URIRef
    Country: URIRef
    Footnote: URIRef
    Funding: URIRef
    FundingProgramme: URIRef
    GovernmentBody: URIRef
    Indicator: URIRef
    IntergovernmentalOrganization: URIRef
    M49Region: URIRef
    Network: URIRef
    NonGovernmentalOrganization: URIRef
    Observation: URIRef
    Organization: URIRef
    Phase: URIRef
    Place: URIRef
    Practice: URIRef
    Region: URIRef
    Report: URIRef
    ReportRegion: URIRef
    ReportSection: URIRef
    Slip: URIRef
    Subdivision: URIRef

    aboutPractice: URIRef
    ageGroup: URIRef
    amount: URIRef
    approach: URIRef
    basedIn: URIRef
    category: URIRef
    cites: URIRef
    concerns: URIRef
    coFundedBy: URIRef
    coFunder: URIRef
    coFunds: URIRef
    component: URIRef
    contact: URIRef
    contactAffiliation: URIRef
    crossrefFunderId: URIRef
    dacChannelCode: URIRef
    editorialNote: URIRef
    endDate: URIRef
    endorsedBy: URIRef
    figureKind: URIRef
    footnoteNumber: URIRef
    fundedBy: URIRef
    fundedPractice: URIRef
    fundedWithin: URIRef
    funder: URIRef
    funds: URIRef
    geonamesId: URIRef
    governmentOf: URIRef
    hasFootnote: URIRef
    hasFunding: URIRef
    hasMember: URIRef
    hasPart: URIRef
    hasPartner: URIRef
    hasPhase: URIRef
    heading: URIRef
    headingComponent: URIRef
    headingPlace: URIRef
    hostedBy: URIRef
    iatiOrganisationId: URIRef
    iatiOrganisationType: URIRef
    iatiRole: URIRef
    implementedBy: URIRef
    implements: URIRef
    indicator: URIRef
    involvedIn: URIRef
    involves: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    iso3166Numeric: URIRef
    iso3166_2: URIRef
    locatedIn: URIRef
    locatedWithin: URIRef
    m49Code: URIRef
    maxValue: URIRef
    measurementPoint: URIRef
    memberCount: URIRef
    memberOf: URIRef
    mentions: URIRef
    mentionsPlace: URIRef
    minValue: URIRef
    nameInReport: URIRef
    ofPractice: URIRef
    operatedBy: URIRef
    ordinal: URIRef
    partOf: URIRef
    partnerIn: URIRef
    periodNote: URIRef
    population: URIRef
    projectName: URIRef
    qualifier: URIRef
    quote: URIRef
    recipient: URIRef
    refArea: URIRef
    refPeriodEnd: URIRef
    refPeriodStart: URIRef
    refYear: URIRef
    rorId: URIRef
    runBy: URIRef
    sectionKind: URIRef
    sexGroup: URIRef
    source: URIRef
    startDate: URIRef
    startLine: URIRef
    text: URIRef
    throughProgramme: URIRef
    traffickingForm: URIRef
    traffickingScope: URIRef
    unit: URIRef
    value: URIRef
    website: URIRef
    wikidataId: URIRef


PRACTICE = Namespace(BASE + "practice/")
ORG = Namespace(BASE + "org/")
PLACE = Namespace(BASE + "place/")
PERSON = Namespace(BASE + "person/")
WORK = Namespace(BASE + "work/")
REPORT = Namespace(BASE + "report/")
CONCEPT = Namespace(BASE + "concept/")
DATASET = Namespace(BASE + "dataset/")

COMPONENT = Namespace(BASE + "concept/component/")
FORM = Namespace(BASE + "concept/form/")
SCOPE = Namespace(BASE + "concept/scope/")
AGE = Namespace(BASE + "concept/age/")
SEX = Namespace(BASE + "concept/sex/")
APPROACH = Namespace(BASE + "concept/approach/")
SECTION_KIND = Namespace(BASE + "concept/section-kind/")
UNIT = Namespace(BASE + "concept/unit/")

ORGV = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
QB = Namespace("http://purl.org/linked-data/cube#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
GEONAMES = Namespace("https://sws.geonames.org/")
VANN = Namespace("http://purl.org/vocab/vann/")

# Prefixes bound in every serialisation, so exports read the same everywhere.
PREFIXES = {
    "tg": str(TG._NS),
    "practice": str(PRACTICE),
    "o": str(ORG),
    "place": str(PLACE),
    "person": str(PERSON),
    "work": str(WORK),
    "dataset": str(DATASET),
    "org": str(ORGV),
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "qb": str(QB),
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": str(WIKIDATA),
    "gn": str(GEONAMES),
}


def compact_iri(iri: str) -> str:
    """'https://w3id.org/tipgraph/ontology#Practice' -> 'tg:Practice'; IRIs under no known prefix stay whole."""
    for prefix, base in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(base) and "/" not in iri[len(base):] and "#" not in iri[len(base):]:
            return f"{prefix}:{iri[len(base):]}"
    if iri.startswith(BASE):
        return iri[len(BASE):]
    return iri
