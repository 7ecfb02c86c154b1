"""The linked-data pages (src/tipgraph/web/pages.py, entity.py, entity_pages.py, ontology_doc.py).

Every practice, organisation, place and concept of the data dereferences as HTML and as Turtle;
the expected practice lists of the place, organisation and index pages are read off the report.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from markupsafe import escape
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.compare import isomorphic

from tipgraph.namespaces import GRAPH_ONTOLOGY, ONTOLOGY_IRI, TG
from tipgraph.store import GRAPH_SELECTIONS
from tipgraph.web.entity import ASSERTED, Site, is_web_address, number

BASE = "https://w3id.org/tipgraph/"
DATA = [ox.NamedNode(str(g)) for g in GRAPH_SELECTIONS["default"]]
HTML = {"Accept": "text/html"}
TURTLE = {"Accept": "text/turtle"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"}
PRACTICE_1 = "practice/public-awareness-india"
KIND_CLASSES = {
    "practice": TG.Practice,
    "organisation": TG.Organization,
    "place": TG.Place,
    "concept": URIRef("http://www.w3.org/2004/02/skos/core#Concept"),
}
FORMATS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
           "rdf": "application/rdf+xml"}


def instances(store, cls) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s", default_graph=DATA)
    return [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]


def labels(store, iri: str) -> set[str]:
    rows = store.query(
        "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
        default_graph=DATA, substitutions={ox.Variable("s"): ox.NamedNode(iri)})
    return {row["l"].value for row in rows}


def path_of(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/" + iri[len(BASE):]


def parse(body: bytes, fmt: str) -> Graph:
    graph = Graph()
    graph.parse(data=body, format=fmt, publicID=BASE)
    return graph


def section(html: str, section_id: str) -> str:
    """The element <section id=section_id> with everything in it, nested sections included."""
    start = re.search(rf'<section[^>]*\bid="{section_id}"', html)
    assert start, f"no section {section_id}"
    depth, position = 0, start.start()
    for tag in re.finditer(r"<(/?)section\b", html[position:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[position:position + tag.end()]
    raise AssertionError(f"section {section_id} is not closed")


def ordinals(html: str, role: str | None = None) -> set[int]:
    found = set()
    for attributes in re.findall(r"<tr ([^>]*data-ordinal[^>]*)>", html):
        ordinal = int(re.search(r'data-ordinal="(\d+)"', attributes).group(1))
        roles = re.search(r'data-roles="([^"]*)"', attributes)
        if role is None or (roles and role in roles.group(1).split()):
            found.add(ordinal)
    return found


# --- Every resource of the four kinds dereferences ---------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KIND_CLASSES))
def test_every_resource_of_a_kind_has_an_html_page_and_turtle(client, store, kind):
    iris = instances(store, KIND_CLASSES[kind])
    assert iris, f"no {kind} in the data"
    for iri in iris:
        page = client.get(path_of(iri), headers=HTML)
        assert page.status_code == 200, iri
        assert page.mimetype == "text/html", iri
        body = page.get_data(as_text=True)
        names = labels(store, iri)
        assert names and any(str(escape(name)) in body for name in names), iri

        turtle = client.get(path_of(iri), headers=TURTLE)
        assert turtle.status_code == 200, iri
        assert turtle.mimetype == "text/turtle", iri
        graph = parse(turtle.data, "turtle")
        assert (URIRef(iri), None, None) in graph, iri


def test_the_four_kinds_cover_the_report(store):
    assert len(instances(store, TG.Practice)) == 15
    assert len(instances(store, TG.Organization)) > 40
    assert len(instances(store, TG.Place)) > 40
    assert len(instances(store, KIND_CLASSES["concept"])) > 40


# --- Formats, negotiation, errors --------------------------------------------------------------------

def test_file_extensions_give_each_format_and_the_same_graph(client):
    """Each extension bypasses negotiation; all four forms hold the same triples (there are no blank nodes)."""
    graphs = []
    for extension, media in FORMATS.items():
        response = client.get(f"/{PRACTICE_1}.{extension}", headers={"Accept": "text/html"})
        assert response.status_code == 200
        assert response.mimetype == media
        assert "Accept" not in response.headers.get("Vary", "")
        graphs.append(set(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media), base_iri=BASE)))
    assert len(graphs[0]) > 50
    assert all(g == graphs[0] for g in graphs[1:])
    assert isomorphic(parse(client.get(f"/{PRACTICE_1}.ttl").data, "turtle"),
                      parse(client.get(f"/{PRACTICE_1}.rdf").data, "xml"))
    html = client.get(f"/{PRACTICE_1}.html", headers=TURTLE)
    assert html.status_code == 200 and html.mimetype == "text/html"


@pytest.mark.parametrize("accept, media", [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle;q=0.9, text/html;q=0.1", "text/turtle"),
    ("text/html", "text/html"),
    (BROWSER["Accept"], "text/html"),
    ("*/*", "text/html"),
])
def test_content_negotiation(client, accept, media):
    response = client.get(f"/{PRACTICE_1}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    assert f'</{PRACTICE_1}.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]


def test_no_accept_header_gives_html(client):
    response = client.get(f"/{PRACTICE_1}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept", ["image/png", "text/plain", "application/pdf;q=1, text/html;q=0"])
def test_406_when_nothing_acceptable(client, accept):
    response = client.get(f"/{PRACTICE_1}", headers={"Accept": accept})
    assert response.status_code == 406
    assert "Accept" in response.headers["Vary"]
    assert "text/turtle" in response.get_data(as_text=True)


def test_head_request(client):
    response = client.head(f"/{PRACTICE_1}", headers=TURTLE)
    assert response.status_code == 200 and response.mimetype == "text/turtle" and response.data == b""


@pytest.mark.parametrize("path", [
    "/practice/does-not-exist", "/practice/does-not-exist.ttl", "/org/nope", "/place/nowhere", "/concept/x/y",
    "/practice/public-awareness-india.exe", "/practice/public-awareness-india/", "/practice/", "/person/x.html",
    "/graph/nothing", "/ontology.exe", "/shapes.html",
])
def test_unknown_iris_are_404(client, path):
    assert client.get(path, headers=HTML).status_code == 404


@pytest.mark.parametrize("path", [
    "/practice/..%2f..%2fetc%2fpasswd", "/practice/%00", "/org/a\\b", "/org/a%5cb", "/practice//public-awareness-india",
    "/practice/..", "/practice/%2e%2e/%2e%2e/pyproject.toml", "/place/IN%00.ttl", "/practice/public-awareness-india%0a",
    "/concept/%ED%A0%80", "/org/%C0%AF", "/practice/public%20awareness", "/practice/public-awareness-india.ttl/..",
])
def test_path_traversal_and_odd_bytes_are_404(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


# --- Escaping (security catalogue case 31) -----------------------------------------------------------

def test_literals_and_iris_are_escaped_and_only_http_links_made(client, app, monkeypatch):
    """A store holding a hostile label and a javascript: IRI renders them as text."""
    store = ox.Store()
    node = ox.NamedNode(BASE + "practice/hostile")
    quads = [
        (RDF.type, ox.NamedNode(str(TG.Practice))),
        ("http://www.w3.org/2000/01/rdf-schema#label", ox.Literal("<script>alert(1)</script> & co", language="en")),
        ("http://www.w3.org/2000/01/rdf-schema#seeAlso", ox.NamedNode("javascript:alert(2)")),
        ("http://www.w3.org/2000/01/rdf-schema#seeAlso", ox.NamedNode("https://example.org/ok")),
        (str(TG.website), ox.Literal("javascript:alert(3)", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI"))),
        (str(TG.heading), ox.Literal('"><img src=x onerror=alert(4)>')),
    ]
    for predicate, value in quads:
        store.add(ox.Quad(node, ox.NamedNode(str(predicate)), value, ASSERTED))
    monkeypatch.setattr(app.extensions["tipgraph"], "store", store)
    for path in ("/practice/hostile", "/practice/hostile.html"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in body
        assert "<img" not in body and "&lt;img src=x onerror=alert(4)&gt;" in body
        assert 'href="javascript:' not in body.lower()
        assert "javascript:alert(2)" in body and "javascript:alert(3)" in body  # shown, as text
        assert 'href="https://example.org/ok"' in body
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_ampersand_in_the_data_is_escaped(client):
    body = client.get("/org/sacramento-employment-and-training-agency", headers=HTML).get_data(as_text=True)
    assert "Sacramento Employment &amp; Training Agency" in body
    assert "Employment & Training" not in body


def test_helpers():
    assert not is_web_address("javascript:alert(1)") and not is_web_address("data:text/html,x")
    assert is_web_address("https://www.wikidata.org/wiki/Q668") and is_web_address("HTTP://example.org")
    assert number("650000.0") == "650,000" and number("0.5") == "0.5" and number("abc") == "abc"
    assert number("1234.50") == "1,234.5"


def test_page_paths(store):
    site = Site(store, BASE)
    assert site.page_path(BASE + PRACTICE_1) == "/" + PRACTICE_1
    assert site.page_path(str(TG.Practice)) == "/ontology#Practice"
    assert site.page_path(BASE + "graph/asserted") is None
    assert site.link(BASE + "graph/asserted") is None
    assert site.link("javascript:alert(1)") is None
    assert site.link("http://www.wikidata.org/entity/Q668") == "http://www.wikidata.org/entity/Q668"


# --- What the pages show -----------------------------------------------------------------------------

def test_practice_page(client):
    body = client.get(f"/{PRACTICE_1}", headers=HTML).get_data(as_text=True)
    assert "PREVENTION :: PUBLIC AWARENESS :: INDIA" in body
    assert "Who Are You Calling Helpless!" in body
    funding = section(body, "funding")
    assert "/org/tip-office" in funding and "→ <a href=\"/org/bbc-world-service-trust\">" in funding
    categories = section(body, "categories")
    assert "Labour trafficking" in categories and "Form of trafficking" in categories
    places = section(body, "places")
    assert "/place/bihar" in places and "/place/uttar-pradesh" in places
    rollup = places.split("Within (by reasoning)")[1]
    assert re.search(r'href="/place/m49-142">Asia</a> <span class="badge inferred"', rollup)
    figures = section(body, "figures")
    paired = re.findall(r'<tr class="paired">.*?</tr>', figures, re.S)
    assert any("14%" in row and "92%" in row and "Baseline → Endline" in row for row in paired)
    assert any("8%" in row and "73%" in row for row in paired)
    passages = section(body, "passages")
    for kind in ("problem", "intervention", "results", "promising-practices"):
        assert f'id="section-{kind}"' in passages
    assert "only 14 percent of respondents reported having heard the term bonded labor" in passages
    assert "/person/sam-miller" in section(body, "contacts")
    for extension in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="/{PRACTICE_1}.{extension}"' in body


def test_practice_page_slips_notes_amounts_and_co_funders(client):
    body = client.get("/practice/public-awareness-asia", headers=HTML).get_data(as_text=True)
    slips = section(body, "slips")
    assert "/slip/co-founder" in slips and "/slip/thirteen-to-one" in slips
    assert "approximately 8,000,000 USD" in section(body, "funding")
    assert "co-funder" in section(body, "funding")
    roles = section(body, "organisations")
    assert roles.count("/org/ausaid") == 1  # listed as co-funder, not again as funder
    assert "Editorial notes" in body and "ASEAN officially endorsed" in body


def test_place_page_rolls_up_practices_in_contained_places(client):
    body = client.get("/place/m49-142", headers=HTML).get_data(as_text=True)
    practices = section(body, "practices")
    assert ordinals(practices) == {1, 2, 7, 12, 13, 14}
    assert "/place/bihar" in practices  # practice 1 is in Bihar, within Asia
    assert "/place/m49-001" in body  # Asia lies within the World


def test_organisation_page_shows_practices_of_its_units(client):
    body = client.get("/org/us-department-of-state", headers=HTML).get_data(as_text=True)
    practices = section(body, "practices")
    assert ordinals(practices, role="funder") == {1, 9, 12, 13, 14}
    assert "through <a href=\"/org/tip-office\">" in practices
    assert "/org/tip-office" in section(body, "summary")  # its unit
    assert 'href="https://www.wikidata.org/wiki/Q789915"' in body
    unit = client.get("/org/tip-office", headers=HTML).get_data(as_text=True)
    assert "/org/us-department-of-state" in section(unit, "summary")  # its parent
    assert ordinals(section(unit, "practices"), role="funder") == {1, 9, 12, 13, 14}


def test_concept_page_lists_tagged_practices(client):
    body = client.get("/concept/form/sex", headers=HTML).get_data(as_text=True)
    assert "Form of trafficking" in body
    assert ordinals(section(body, "practices"))
    scheme = client.get("/concept/form", headers=HTML).get_data(as_text=True)
    assert "/concept/form/labor" in section(scheme, "concepts")


def test_generic_pages_list_properties(client):
    body = client.get("/observation/public-awareness-india/heard-term-bonded-labour-baseline", headers=HTML)
    text = body.get_data(as_text=True)
    assert body.status_code == 200
    assert "only 14 percent of respondents" in text and "tg:measurementPoint" in text
    assert "/practice/public-awareness-india" in text


def test_rdf_description_holds_subject_and_object_triples_and_labels(client):
    graph = parse(client.get(f"/{PRACTICE_1}.ttl").data, "turtle")
    practice = URIRef(BASE + PRACTICE_1)
    assert (practice, TG.fundedBy, URIRef(BASE + "org/tip-office")) in graph  # inferred
    assert (practice, TG.locatedIn, URIRef(BASE + "place/bihar")) in graph  # asserted
    assert (URIRef(BASE + "observation/public-awareness-india/radio-episodes"), TG.ofPractice, practice) in graph
    assert (URIRef(BASE + "org/tip-office"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in graph


# --- Index -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("", set(range(1, 16))),
    ("category=https://w3id.org/tipgraph/concept/form/labor&region=https://w3id.org/tipgraph/place/m49-142",
     {1, 7, 12, 13, 14}),
    ("category=form/labor&region=m49-142", {1, 7, 12, 13, 14}),
    ("region=https://w3id.org/tipgraph/place/m49-142", {1, 2, 7, 12, 13, 14}),
    ("funder=https://w3id.org/tipgraph/org/us-department-of-state", {1, 9, 12, 13, 14}),
    ("funder=tip-office", {1, 9, 12, 13, 14}),
    ("category=nonsense", set()),
])
def test_index_filters(client, query, expected):
    response = client.get("/practices?" + query, headers=HTML)
    assert response.status_code == 200
    assert ordinals(response.get_data(as_text=True)) == expected


def test_index_page_has_filter_form_populated_from_the_data(client):
    body = client.get("/practices?region=m49-142", headers=HTML).get_data(as_text=True)
    assert '<select name="category">' in body and '<select name="region">' in body and '<select name="funder">' in body
    assert '<option value="form/labor">Labour trafficking</option>' in body
    assert '<option value="m49-142" selected>Asia</option>' in body
    assert '<option value="us-department-of-state">U.S. Department of State</option>' in body
    assert "PREVENTION :: PUBLIC AWARENESS :: INDIA" in body
    unknown = client.get("/practices?category=%3Cscript%3E", headers=HTML).get_data(as_text=True)
    assert "&lt;script&gt;" in unknown and "<script>" not in unknown


# --- Ontology ----------------------------------------------------------------------------------------

def test_ontology_page_documents_terms(client, store):
    response = client.get("/ontology", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    for term in (TG.Practice, TG.fundedBy):
        comment = next(store.quads_for_pattern(ox.NamedNode(str(term)), ox.NamedNode(
            "http://www.w3.org/2000/01/rdf-schema#comment"), None, ox.NamedNode(str(GRAPH_ONTOLOGY)))).object.value
        article = re.search(rf'<article class="term" id="{term.split("#")[1]}">.*?</article>', body, re.S).group(0)
        assert str(escape(comment)) in article
    practice = re.search(r'<article class="term" id="Practice">.*?</article>', body, re.S).group(0)
    assert "prov:Activity" in practice and "tg:locatedIn" in practice  # super-class and a shape constraint
    funded_by = re.search(r'<article class="term" id="fundedBy">.*?</article>', body, re.S).group(0)
    assert 'href="/ontology#Practice"' in funded_by and 'href="/ontology#hasFunding"' in funded_by  # domain, chain


@pytest.mark.parametrize("path, headers", [("/ontology", TURTLE), ("/ontology.ttl", HTML)])
def test_ontology_turtle(client, store, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = parse(response.data, "turtle")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert len(graph) == sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH_ONTOLOGY))))
    assert (TG.Practice, RDF.type, OWL.Class) in graph


# --- IRIs of the ontology's version, the shapes and the named graphs dereference too -------------

def test_the_version_iri_gives_the_ontology(client):
    response = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and b"owl:Ontology" in response.data
    assert client.get("/ontology/9.9.9").status_code == 404


def test_the_shapes_iri_gives_the_shapes(client):
    response = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and b"NodeShape" in response.data
    assert client.get("/shapes", headers={"Accept": "text/html"}).status_code == 303


@pytest.mark.parametrize("name", ["asserted", "inferred", "ontology", "shapes"])
def test_named_graph_iris_lead_to_their_triples(client, name):
    response = client.get(f"/graph/{name}", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    followed = client.get(response.headers["Location"], headers={"Accept": "text/turtle"})
    assert followed.status_code == 200 and len(followed.data) > 100
    assert client.get("/graph/other").status_code == 404
