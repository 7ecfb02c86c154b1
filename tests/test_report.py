"""The report parser, against what a reader sees in data/source/promising-practices-2012.txt."""

from pathlib import Path

import pytest

from tipgraph.report import ReportFormatError, clean_inline, parse_contacts, parse_report, parse_ticks, slugify

REPORT = Path(__file__).resolve().parents[1] / "data" / "source" / "promising-practices-2012.txt"

# Read off the report by hand: heading, and the labels each CATEGORIES table ticks.
EXPECTED = [
    ("PREVENTION :: PUBLIC AWARENESS :: INDIA", {"Prevention", "Labor TIP", "Internal TIP", "Adults", "Children", "Men", "Women"}),
    ("PREVENTION :: PUBLIC AWARENESS :: ASIA", {"Prevention", "Sex TIP", "Internal TIP", "International TIP", "Adults", "Children", "Men", "Women"}),
    ("PREVENTION :: PUBLIC AWARENESS :: ECUADOR", {"Prevention", "Labor TIP", "Internal TIP", "International TIP", "Children"}),
    ("PREVENTION :: PUBLIC AWARENESS :: UNITED STATES (CALIFORNIA)", {"Prevention", "Sex TIP", "Labor TIP", "Internal TIP", "Adults", "Children", "Men", "Women"}),
    ("PREVENTION :: CAPACITY BUILDING :: SOUTH AFRICA", {"Prevention", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Children", "Men", "Women"}),
    ("PREVENTION :: LAW ENFORCEMENT TRAINING :: UNITED STATES (NORTH CAROLINA)", {"Prevention", "Sex TIP", "Labor TIP", "Internal TIP", "Adults", "Children", "Men", "Women"}),
    ("PREVENTION :: GOVERNMENT ADOPTION OF TIP PREVENTION MODEL :: INDONESIA", {"Prevention", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Children"}),
    ("PROTECTION :: ANTI-HUMAN TRAFFICKING TASK FORCES :: UNITED STATES (REGIONAL)", {"Protection", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Adults", "Children", "Men", "Women"}),
    ("PROTECTION :: REHABILITATION AND REINTEGRATION :: MEXICO", {"Protection", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Children", "Men", "Women"}),
    ("PROTECTION :: TRANSNATIONAL REFERRAL MECHANISM :: SOUTHEASTERN EUROPE (SEE)", {"Protection", "Sex TIP", "Labor TIP", "International TIP", "Adults", "Children", "Men", "Women"}),
    ("PROTECTION :: REGIONAL APPROACH :: CENTRAL AMERICA", {"Protection", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Children"}),
    # The oddly laid-out table: some ticks stand in cells of their own before their label.
    ("PROTECTION :: COMMUNITY VIGILANCE COMMITTEES :: INDIA", {"Protection", "Labor TIP", "Internal TIP", "Adults", "Children", "Men", "Women"}),
    ("PROSECUTION :: COLLABORATIVE CASEWORK :: PHILIPPINES", {"Prosecution", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Children", "Women"}),
    ("PROSECUTION :: CAPACITY BUILDING :: GREATER MEKONG SUB-REGION (GMS)", {"Prevention", "Prosecution", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Adults", "Children", "Men", "Women"}),
    ("PROSECUTION :: RULE OF LAW :: NIGERIA", {"Prosecution", "Sex TIP", "Labor TIP", "Internal TIP", "International TIP", "Children", "Women"}),
]

CONTACTS = [
    ["Sam Miller"], ["Simon Goff"], ["Gillian McClelland", "María Gloria Barreiro"], ["Mary Jennings"],
    ["Dr. Jane Benbow"], ["Jennifer Fisher"], ["Adi Dananto"], ["Jeffrey Gersh", "David Adams"], ["Arlene Lozano"],
    ["Elisa Trossero"], ["Mary Read", "Pok Sornkaew"], ["Ginny Baumann"], ["Kayrn Aguirre"], ["Clifton Cortez"],
    ["the ABA's Rule of Law Initiative"],
]


@pytest.fixture(scope="module")
def report():
    return parse_report(REPORT.read_text(encoding="utf-8"))


def test_fifteen_practices_with_their_headings(report):
    assert [e.heading for e in report.entries] == [heading for heading, _ in EXPECTED]
    assert [e.ordinal for e in report.entries] == list(range(1, 16))


@pytest.mark.parametrize("index", range(15))
def test_categories_ticks(report, index):
    assert set(report.entries[index].ticks) == EXPECTED[index][1]


def test_slugs_are_unique_and_readable(report):
    slugs = [e.slug for e in report.entries]
    assert len(set(slugs)) == 15
    assert slugs[3] == "public-awareness-united-states-california"
    assert slugs[11] == "community-vigilance-committees-india"


def test_every_practice_has_its_four_sections_and_contact(report):
    for entry in report.entries:
        assert set(entry.sections) == {"problem", "intervention", "results", "promising-practices", "contact"}
        assert all(s.text for s in entry.sections.values())
    assert report.entries[0].sections["problem"].text.startswith("Although there is no agreed upon estimate")
    assert report.entries[14].sections["results"].text.startswith("The ABA and its partners trained approximately 3,000")


def test_contacts(report):
    assert [[c.name for c in e.contacts] for e in report.entries] == CONTACTS
    benbow = report.entries[4].contacts[0]
    assert (benbow.email, benbow.phone) == ("jbenbow@air.org", "202-403-5158")
    assert report.entries[7].contact_note.startswith("visit the OVC/BJA Anti-Human Trafficking Task Force")


def test_footnotes_and_their_marks(report):
    assert [(f.number, f.line) for f in report.footnotes] == [(1, 43), (2, 243)]
    assert all("Slavery in the 21st century: Part 1" in f.text for f in report.footnotes)
    assert report.entries[0].footnote_marks == {1: "problem"}
    assert report.entries[11].footnote_marks == {2: "problem"}


def test_cover_and_introduction(report):
    assert report.cover[0] == "PROMISING PRACTICES"
    assert "December 2012" in report.cover
    assert report.introduction.text.startswith("Established in 2003, the Senior Policy Operating Group")


def test_markup_of_the_text_edition_is_dropped():
    assert clean_inline(r"over \$100 million") == "over $100 million"
    assert clean_inline("a radio program called *Who Are You Calling Helpless!*,") == "a radio program called Who Are You Calling Helpless!,"
    assert clean_inline("visit the [OVC/BJA e-Guide](#) online") == "visit the OVC/BJA e-Guide online"


def test_a_tick_marks_the_label_after_it_even_in_its_own_cell():
    assert parse_ticks(["Prevention\tSex TIP\t✓\tInternal TIP", "✓ Protection\tLabor TIP\tInternational TIP",
                        "Prosecution\tAdults\tChildren\tMen\tWomen"], 7) == ("Protection", "Internal TIP")


@pytest.mark.parametrize("rows, problem", [
    (["Prevention\tSex TIP\tMaybe TIP"], "unknown CATEGORIES label 'Maybe TIP'"),
    (["Prevention\tProtection\tProsecution\tSex TIP\tLabor TIP\tInternal TIP\tInternational TIP\tAdults\tChildren\tMen\tWomen\t✓"], "marks no label"),
    (["Prevention\tProtection"], "expected each of"),
])
def test_bad_tables_are_refused_with_their_line(rows, problem):
    with pytest.raises(ReportFormatError, match=problem) as caught:
        parse_ticks(rows, 42)
    assert caught.value.line == 42


def test_a_missing_section_is_refused_with_its_line():
    text = REPORT.read_text(encoding="utf-8").replace("Results: At endline, survey results", "At endline, survey results", 1)
    with pytest.raises(ReportFormatError, match="text outside any known section") as caught:
        parse_report(text)
    assert caught.value.line == 37


def test_contact_paragraph_splits_people_and_pointer():
    contacts, note = parse_contacts("A B (a@b.org), Chief, X; or C D (c@d.org), Officer, Y, or visit the site.")
    assert [(c.name, c.email, c.descriptor) for c in contacts] == [("A B", "a@b.org", "Chief, X"), ("C D", "c@d.org", "Officer, Y")]
    assert note == "visit the site."


def test_slugify():
    assert slugify("GREATER MEKONG SUB-REGION (GMS)") == "greater-mekong-sub-region-gms"
    assert slugify("Desarrollo y Autogestión") == "desarrollo-y-autogestion"
