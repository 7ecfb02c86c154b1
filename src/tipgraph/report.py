"""Parse the structure of the 2012 report's text edition into plain data.

What it reads: the cover lines, the introduction, and for each practice entry its heading
(component :: approach :: place), its CATEGORIES table, its Problem, Intervention, Results,
Promising Practices and contact paragraphs, and the numbered footnotes.

What it does not do: it knows nothing of RDF, organisations or IRIs (``report_graph`` turns its
output into triples), and it makes no judgement about who funds whom: that is curated by hand in
``data/curated/``. It raises ``ReportFormatError`` with a line number when the text departs from
the layout it knows, instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

TICK = "✓"

# The labels of a CATEGORIES table, in the order the report lays them out.
CATEGORY_LABELS = (
    "Prevention", "Protection", "Prosecution",
    "Sex TIP", "Labor TIP",
    "Internal TIP", "International TIP",
    "Adults", "Children",
    "Men", "Women",
)

SECTION_LEADS = {
    "Problem:": "problem",
    "Intervention:": "intervention",
    "Results:": "results",
    "Promising Practices:": "promising-practices",
    "For more information contact:": "contact",
}

SUPERSCRIPTS = {"¹": 1, "²": 2, "³": 3, "⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8, "⁹": 9}

HEADING = re.compile(r"^(?P<component>[A-Z]+) :: (?P<approach>[A-Z][A-Z -]+) :: (?P<place>[A-Z][A-Z ()-]+)$")
CONTACT = re.compile(
    r"^(?P<name>.+?) \((?P<email>[^()\s]+@[^()\s]+)\)"
    r"(?: or \((?P<phone>[0-9][0-9-]+)\))?"
    r"(?:, (?P<descriptor>.+))?$"
)


class ReportFormatError(ValueError):
    """The report text does not have the layout the parser expects; ``line`` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Section:
    kind: str
    text: str
    line: int


@dataclass(frozen=True)
class Contact:
    """One contact as the paragraph prints it. ``descriptor`` holds job title and affiliation."""

    name: str
    email: str | None
    phone: str | None
    descriptor: str | None


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    line: int


@dataclass(frozen=True)
class Entry:
    ordinal: int
    slug: str
    heading: str
    component: str
    approach: str
    place: str
    line: int
    ticks: tuple[str, ...]
    categories_text: str
    categories_line: int
    sections: dict[str, Section]
    contacts: tuple[Contact, ...]
    contact_note: str | None
    footnote_marks: dict[int, str] = field(default_factory=dict)  # footnote number -> section kind


@dataclass(frozen=True)
class Report:
    cover: tuple[str, ...]
    byline: str
    introduction: Section
    entries: tuple[Entry, ...]
    footnotes: tuple[Footnote, ...]


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'UNITED STATES (CALIFORNIA)' -> 'united-states-california'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_inline(text: str) -> str:
    """Drop the text edition's markup (``\\$``, ``*emphasis*``, ``[link](#)``, ``<url>``) but keep its words."""
    text = text.replace("\\$", "$")
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    return re.sub(r"\*([^*]+)\*", r"\1", text)


def parse_ticks(rows: list[str], line: int) -> tuple[str, ...]:
    """Read a CATEGORIES table: a tick marks the label that follows it, in its own cell or not.

    The India community vigilance committees table puts some ticks in cells of their own, so
    the table is read as one stream of cells rather than as columns.
    """
    ticked: list[str] = []
    seen: list[str] = []
    pending = False
    for row in rows:
        for cell in (c.strip() for c in row.split("\t")):
            if not cell:
                continue
            if cell.startswith(TICK):
                pending = True
                cell = cell[len(TICK):].strip()
                if not cell:
                    continue
            if cell not in CATEGORY_LABELS:
                raise ReportFormatError(line, f"unknown CATEGORIES label {cell!r}")
            seen.append(cell)
            if pending:
                ticked.append(cell)
            pending = False
    if pending:
        raise ReportFormatError(line, "a tick at the end of the CATEGORIES table marks no label")
    if sorted(seen) != sorted(CATEGORY_LABELS):
        raise ReportFormatError(line, f"CATEGORIES table lists {seen}, expected each of {list(CATEGORY_LABELS)} once")
    return tuple(label for label in CATEGORY_LABELS if label in ticked)


def parse_contacts(text: str) -> tuple[tuple[Contact, ...], str | None]:
    """Split a contact paragraph into contacts, and any trailing pointer such as 'or visit ...'."""
    note = None
    body = text.rstrip(".")
    if ", or visit " in body:
        body, rest = body.split(", or visit ", 1)
        note = "visit " + rest.strip() + "."
    contacts = []
    for chunk in body.split(";"):
        chunk = re.sub(r"^(?:or )", "", chunk.strip())
        match = CONTACT.match(chunk)
        if not match:
            raise ValueError(f"cannot read contact {chunk!r}")
        contacts.append(Contact(
            name=match["name"].strip(),
            email=match["email"],
            phone=match["phone"],
            descriptor=match["descriptor"].strip() if match["descriptor"] else None,
        ))
    return tuple(contacts), note


def _footnote_marks(text: str) -> list[int]:
    return [SUPERSCRIPTS[ch] for ch in text if ch in SUPERSCRIPTS]


def parse_report(text: str) -> Report:
    """Parse the whole text edition. Line numbers in the result are 1-based."""
    lines = text.splitlines()
    numbered = [(i + 1, line.rstrip()) for i, line in enumerate(lines)]

    cover: list[str] = []
    byline = ""
    intro_line = 0
    for number, line in numbered:
        if line == "INTRODUCTION":
            intro_line = number
            break
        if line.startswith("A report by "):
            byline = line
        elif line.strip():
            cover.append(line.strip())
    if not intro_line:
        raise ReportFormatError(1, "no INTRODUCTION heading")

    heading_lines = [n for n, line in numbered if HEADING.match(line)]
    if not heading_lines:
        raise ReportFormatError(intro_line, "no practice headings (COMPONENT :: APPROACH :: PLACE)")
    intro_paragraphs = [line.strip() for n, line in numbered if intro_line < n < heading_lines[0] and line.strip()]
    introduction = Section("introduction", "\n\n".join(intro_paragraphs), intro_line + 1)

    entries = []
    footnotes = []
    bounds = heading_lines + [len(lines) + 1]
    for ordinal, (start, end) in enumerate(zip(bounds, bounds[1:]), start=1):
        block = [(n, line) for n, line in numbered if start <= n < end]
        entry, entry_footnotes = _parse_entry(ordinal, block)
        entries.append(entry)
        footnotes.extend(entry_footnotes)
    return Report(tuple(cover), byline, introduction, tuple(entries), tuple(footnotes))


def _parse_entry(ordinal: int, block: list[tuple[int, str]]) -> tuple[Entry, list[Footnote]]:
    start, heading = block[0]
    match = HEADING.match(heading)
    assert match  # the caller split the text at headings
    sections: dict[str, Section] = {}
    footnotes: list[Footnote] = []
    table_rows: list[str] = []
    table_line = 0
    in_table = False
    for number, line in block[1:]:
        stripped = line.strip()
        if stripped == "CATEGORIES:":
            in_table, table_line = True, number
            continue
        lead = next((lead for lead in SECTION_LEADS if stripped.startswith(lead)), None)
        if lead:
            in_table = False
            kind = SECTION_LEADS[lead]
            if kind in sections:
                raise ReportFormatError(number, f"second {lead!r} paragraph in one practice")
            sections[kind] = Section(kind, clean_inline(stripped[len(lead):].strip()), number)
        elif stripped and stripped[0] in SUPERSCRIPTS:
            footnotes.append(Footnote(SUPERSCRIPTS[stripped[0]], clean_inline(stripped[1:].strip()), number))
        elif in_table and stripped:
            table_rows.append(line)
        elif stripped:
            raise ReportFormatError(number, f"text outside any known section: {stripped[:60]!r}")
    missing = [kind for kind in SECTION_LEADS.values() if kind not in sections]
    if missing:
        raise ReportFormatError(start, f"practice {heading!r} has no {', '.join(missing)} paragraph")
    if not table_rows:
        raise ReportFormatError(start, f"practice {heading!r} has no CATEGORIES table")
    contacts, note = parse_contacts(sections["contact"].text)
    marks = {n: kind for kind, section in sections.items() for n in _footnote_marks(section.text)}
    entry = Entry(
        ordinal=ordinal,
        slug=slugify(f"{match['approach']} {match['place']}"),
        heading=heading,
        component=match["component"],
        approach=match["approach"],
        place=match["place"],
        line=start,
        ticks=parse_ticks(table_rows, table_line),
        categories_text="\n".join(row.rstrip("\t") for row in table_rows),
        categories_line=table_line + 1,
        sections=sections,
        contacts=contacts,
        contact_note=note,
        footnote_marks=marks,
    )
    return entry, footnotes
