"""Turn the parsed report (``report.Report``) into RDF: the report, its sections, the practices'
headings, CATEGORIES ticks and contacts.

It needs two lookups that come from curated data: report names of concepts (``data/concepts.ttl``)
and of organisations (``data/curated/organisations.ttl``), both as ``tg:nameInReport``. It does
not read files and adds no relation that takes judgement (funding, roles, places, figures).

Contacts: names, job titles and affiliations are published. E-mail addresses are published only
as ``foaf:mbox_sha1sum`` (so a known address can be matched, but the graph is not a list of
addresses to harvest), and telephone numbers are not published; in the contact paragraph's text
both are replaced by a placeholder. The verbatim report stays in ``data/source/``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from .namespaces import ORG, ORGV, PERSON, PRACTICE, REPORT, SCHEMA, SECTION_KIND, TG
from .report import Contact, Entry, Report, slugify

REPORT_IRI = REPORT["promising-practices-2012"]
# The title as the report's cover prints it in capitals, in the case the report's own
# introduction and the project's brief use for it.
REPORT_TITLE = "Promising Practices: A Review of U.S. Government-Funded Anti-Trafficking in Persons Programs"
EMAIL_PLACEHOLDER = "[e-mail address withheld]"
PHONE_PLACEHOLDER = "[telephone number withheld]"

CATEGORY_PROPERTY = {
    "component": TG.component,
    "form": TG.traffickingForm,
    "scope": TG.traffickingScope,
    "age": TG.ageGroup,
    "sex": TG.sexGroup,
}


class UnknownNameError(ValueError):
    """A name printed in the report matches no curated concept or organisation."""


@dataclass(frozen=True)
class Lookups:
    """Report names resolved by curated data: concepts by (scheme key, name), organisations by name."""

    concepts: dict[tuple[str, str], URIRef]
    organisations: dict[str, URIRef]
    works: dict[str, URIRef]  # title -> cited work

    @classmethod
    def from_graph(cls, graph: Graph) -> "Lookups":
        concepts: dict[tuple[str, str], URIRef] = {}
        for concept, name in graph.subject_objects(TG.nameInReport):
            scheme = graph.value(concept, SKOS.inScheme)
            if scheme is not None:
                concepts[(str(scheme).rstrip("/").rsplit("/", 1)[-1], str(name).lower())] = concept
        organisations = {
            str(name): org for org, name in graph.subject_objects(TG.nameInReport) if str(org).startswith(str(ORG))
        }
        works = {str(title): work for work in graph.subjects(RDF.type, TG.CitedWork) for title in graph.objects(work, DCTERMS.title)}
        return cls(concepts, organisations, works)

    def concept(self, scheme: str, name: str, where: str) -> URIRef:
        try:
            return self.concepts[(scheme, name.lower())]
        except KeyError:
            raise UnknownNameError(f"{where}: no concept in scheme {scheme!r} has tg:nameInReport {name!r}") from None

    def category(self, label: str, where: str) -> tuple[str, URIRef]:
        for scheme in CATEGORY_PROPERTY:
            concept = self.concepts.get((scheme, label.lower()))
            if concept is not None:
                return scheme, concept
        raise UnknownNameError(f"{where}: no category concept has tg:nameInReport {label!r}")


def section_iri(entry: Entry, kind: str | None = None) -> URIRef:
    return URIRef(f"{REPORT_IRI}/{entry.slug}" + (f"/{kind}" if kind else ""))


def footnote_iri(number: int) -> URIRef:
    return URIRef(f"{REPORT_IRI}/footnote-{number}")


def mbox_sha1sum(email: str) -> str:
    """FOAF's mbox_sha1sum: the SHA-1 of the mailto: IRI, in hex."""
    return hashlib.sha1(f"mailto:{email}".encode()).hexdigest()


def redact_contacts(text: str) -> str:
    text = re.sub(r"[^\s()]+@[^\s()]+?(?=\))", EMAIL_PLACEHOLDER, text)
    return re.sub(r"\(\d{3}-\d{3}-\d{4}\)", f"({PHONE_PLACEHOLDER})", text)


def report_graph(report: Report, lookups: Lookups, source_name: str) -> Graph:
    """All triples the report's structure yields. ``source_name`` names the text file in messages."""
    g = Graph()
    g.add((REPORT_IRI, RDF.type, TG.Report))
    g.add((REPORT_IRI, RDFS.label, Literal(REPORT_TITLE, lang="en")))
    g.add((REPORT_IRI, DCTERMS.title, Literal(REPORT_TITLE, lang="en")))
    g.add((REPORT_IRI, DCTERMS.alternative, Literal(" ".join(report.cover[:3]))))  # the cover, in capitals
    g.add((REPORT_IRI, DCTERMS.issued, Literal("2012-12", datatype=XSD.gYearMonth)))
    g.add((REPORT_IRI, DCTERMS.creator, lookups.organisations["Senior Policy Operating Group Grantmaking Committee"]))
    g.add((REPORT_IRI, DCTERMS.rights, Literal("A work of the United States Government, in the public domain in the United States.", lang="en")))
    g.add((REPORT_IRI, RDFS.comment, Literal(report.byline, lang="en")))

    intro = URIRef(f"{REPORT_IRI}/introduction")
    _section(g, intro, "introduction", report.introduction.text, report.introduction.line, "Introduction")
    g.add((REPORT_IRI, DCTERMS.hasPart, intro))

    for entry in report.entries:
        _entry(g, entry, lookups, source_name)

    for note in report.footnotes:
        iri = footnote_iri(note.number)
        _section(g, iri, "footnote", note.text, note.line, f"Footnote {note.number}")
        g.add((iri, RDF.type, TG.Footnote))
        g.add((iri, TG.footnoteNumber, Literal(note.number)))
        for title, work in lookups.works.items():
            if title in note.text:
                g.add((iri, TG.cites, work))
        g.add((REPORT_IRI, DCTERMS.hasPart, iri))
    return g


def _section(g: Graph, iri: URIRef, kind: str, text: str, line: int, label: str) -> None:
    g.add((iri, RDF.type, TG.ReportSection))
    g.add((iri, RDFS.label, Literal(label, lang="en")))
    g.add((iri, TG.sectionKind, SECTION_KIND[kind]))
    g.add((iri, TG.text, Literal(text)))
    g.add((iri, TG.startLine, Literal(line)))
    g.add((iri, DCTERMS.isPartOf, REPORT_IRI))


def _entry(g: Graph, entry: Entry, lookups: Lookups, source_name: str) -> None:
    where = f"{source_name} line {entry.line}"
    practice = PRACTICE[entry.slug]
    entry_iri = section_iri(entry)
    g.add((practice, RDF.type, TG.Practice))
    g.add((practice, TG.ordinal, Literal(entry.ordinal)))
    g.add((practice, TG.heading, Literal(entry.heading)))
    g.add((practice, TG.headingPlace, Literal(entry.place)))
    g.add((practice, TG.headingComponent, lookups.concept("component", entry.component, where)))
    g.add((practice, TG.approach, lookups.concept("approach", entry.approach, where)))
    g.add((practice, TG.source, entry_iri))

    g.add((entry_iri, RDF.type, TG.ReportSection))
    g.add((entry_iri, RDFS.label, Literal(f"Practice {entry.ordinal}: {entry.heading}", lang="en")))
    g.add((entry_iri, TG.sectionKind, SECTION_KIND.entry))
    g.add((entry_iri, TG.aboutPractice, practice))
    g.add((entry_iri, TG.ordinal, Literal(entry.ordinal)))
    g.add((entry_iri, TG.startLine, Literal(entry.line)))
    g.add((entry_iri, DCTERMS.isPartOf, REPORT_IRI))
    g.add((REPORT_IRI, DCTERMS.hasPart, entry_iri))

    parts = [("heading", entry.heading, entry.line), ("categories", entry.categories_text, entry.categories_line)]
    parts += [(kind, s.text, s.line) for kind, s in entry.sections.items()]
    for kind, text, line in parts:
        iri = section_iri(entry, kind)
        if kind == "contact":
            text = redact_contacts(text)
        _section(g, iri, kind, text, line, f"Practice {entry.ordinal}: {kind.replace('-', ' ')}")
        g.add((iri, TG.aboutPractice, practice))
        g.add((entry_iri, DCTERMS.hasPart, iri))

    for label in entry.ticks:
        scheme, concept = lookups.category(label, f"{source_name} line {entry.categories_line}")
        g.add((practice, CATEGORY_PROPERTY[scheme], concept))

    for number, kind in entry.footnote_marks.items():
        g.add((section_iri(entry, kind), TG.hasFootnote, footnote_iri(number)))

    for contact in entry.contacts:
        g.add((practice, TG.contact, _contact(g, contact, lookups)))


def _split_descriptor(descriptor: str, organisations: dict[str, URIRef]) -> tuple[str | None, str | None, URIRef | None]:
    """'Team Lead, OVC, U.S. DOJ' -> title 'Team Lead', affiliation 'OVC, U.S. DOJ', the OVC IRI.

    The first comma-separated part that names a known organisation starts the affiliation; what
    comes before it is the job title. With no known organisation, the last part is taken as the
    affiliation as printed (e.g. 'EXCEED', a project name) and no organisation is linked.
    """
    parts = [p.strip() for p in descriptor.split(",")]
    for i, part in enumerate(parts):
        if part in organisations and i > 0:
            return ", ".join(parts[:i]), ", ".join(parts[i:]), organisations[part]
    if len(parts) == 1:
        return None, parts[0], None
    return ", ".join(parts[:-1]), parts[-1], None


def _contact(g: Graph, contact: Contact, lookups: Lookups) -> URIRef:
    if contact.descriptor is None:
        # The contact is an organisation ("the ABA's Rule of Law Initiative (rol@...)").
        name = re.sub(r"^the ", "", contact.name)
        org = lookups.organisations.get(name)
        if org is None:
            raise UnknownNameError(f"contact {contact.name!r} is neither a person with a title nor a known organisation")
        if contact.email:
            g.add((org, FOAF.mbox_sha1sum, Literal(mbox_sha1sum(contact.email))))
        return org
    prefix = None
    name = contact.name
    if name.startswith("Dr. "):
        prefix, name = "Dr.", name[4:]
    person = PERSON[slugify(name)]
    g.add((person, RDF.type, FOAF.Person))
    g.add((person, FOAF.name, Literal(name)))
    g.add((person, RDFS.label, Literal(name)))
    if prefix:
        g.add((person, SCHEMA.honorificPrefix, Literal(prefix)))
    if contact.email:
        g.add((person, FOAF.mbox_sha1sum, Literal(mbox_sha1sum(contact.email))))
    title, affiliation, org = _split_descriptor(contact.descriptor, lookups.organisations)
    if title:
        g.add((person, SCHEMA.jobTitle, Literal(title)))
    if affiliation:
        g.add((person, TG.contactAffiliation, Literal(affiliation)))
    if org is not None:
        g.add((person, ORGV.memberOf, org))
    return person


