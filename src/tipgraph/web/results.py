"""Serialise SPARQL answers with a row cap: SPARQL 1.1 results JSON, XML, CSV and TSV for SELECT
and ASK; Turtle, N-Triples, JSON-LD, RDF/XML, TriG and N-Quads for CONSTRUCT and DESCRIBE.

pyoxigraph can serialise a whole answer but not the first N rows of one, and a public endpoint
must cap what it sends, so the four results formats are written here from the W3C specs
(sparql11-results-json, rdf-sparql-XMLres, sparql11-results-csv-tsv). Graph answers are capped
here and written by pyoxigraph. ``Answer.truncated`` says whether rows were cut.

Pure: takes pyoxigraph query results, returns bytes. XML 1.0 cannot carry most control
characters even escaped, so those are replaced by U+FFFD in XML output only.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

SOLUTION_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
CHARSET = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/n-triples", "application/trig", "application/n-quads"}


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    kind: str        # "solutions", "boolean" or "graph"
    rows: int        # rows or triples sent
    truncated: bool  # True when the answer had more than the cap

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type in CHARSET else self.media_type


def serialise(results, media_type: str, max_rows: int) -> Answer:
    if isinstance(results, ox.QueryBoolean):
        return _boolean(bool(results), media_type)
    if isinstance(results, ox.QueryTriples):
        return _graph(results, media_type, max_rows)
    names = [v.value for v in results.variables]
    rows = list(itertools.islice(results, max_rows + 1))
    truncated = len(rows) > max_rows
    rows = [[solution[name] for name in names] for solution in rows[:max_rows]]
    writer = {"json": solutions_json, "xml": solutions_xml, "csv": solutions_csv, "tsv": solutions_tsv}[SOLUTION_FORMATS[media_type]]
    return Answer(writer(names, rows), media_type, "solutions", len(rows), truncated)


# --- terms -------------------------------------------------------------------------------------


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


XSD = "http://www.w3.org/2001/XMLSchema#"
# Turtle's short forms, which SPARQL TSV allows for numbers and booleans, when the lexical form fits.
SHORT_FORMS = {
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "decimal": re.compile(r"^[+-]?\d*\.\d+$"),
    XSD + "double": re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$"),
    XSD + "boolean": re.compile(r"^(true|false)$"),
}


def _nt_term(term) -> str:
    """A term as TSV writes it: Turtle's short form for numbers and booleans, else N-Triples
    (pyoxigraph's str() of a term)."""
    if isinstance(term, ox.Literal) and not term.language:
        pattern = SHORT_FORMS.get(term.datatype.value)
        if pattern and pattern.match(term.value):
            return term.value
    return str(term)


def _xml_text(text: str) -> str:
    return escape(XML_INVALID.sub("\ufffd", text))


# --- solutions -----------------------------------------------------------------------------------


def solutions_json(names: list[str], rows: list[list]) -> bytes:
    bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")


def solutions_xml(names: list[str], rows: list[list]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(n)}/>" for n in names]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        for name, term in zip(names, row):
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                value = f"<uri>{_xml_text(term.value)}</uri>"
            elif isinstance(term, ox.BlankNode):
                value = f"<bnode>{_xml_text(term.value)}</bnode>"
            elif isinstance(term, ox.Literal):
                if term.language:
                    attr = f" xml:lang={quoteattr(term.language)}"
                elif term.datatype.value != XSD_STRING:
                    attr = f" datatype={quoteattr(term.datatype.value)}"
                else:
                    attr = ""
                value = f"<literal{attr}>{_xml_text(term.value)}</literal>"
            else:
                value = f"<literal>{_xml_text(str(term))}</literal>"
            out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode("utf-8")


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def solutions_csv(names: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def solutions_tsv(names: list[str], rows: list[list]) -> bytes:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if t is None else _nt_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- booleans and graphs -----------------------------------------------------------------------------


def _boolean(value: bool, media_type: str) -> Answer:
    word = "true" if value else "false"
    kind = SOLUTION_FORMATS[media_type]
    if kind == "json":
        body = json.dumps({"head": {}, "boolean": value}).encode()
    elif kind == "xml":
        body = (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n").encode()
    elif kind == "csv":
        body = f"_askResult\r\n{word}\r\n".encode()
    else:
        body = f"?_askResult\n{word}\n".encode()
    return Answer(body, media_type, "boolean", 1, False)


def _graph(results, media_type: str, max_rows: int) -> Answer:
    triples = list(itertools.islice(results, max_rows + 1))
    truncated = len(triples) > max_rows
    triples = triples[:max_rows]
    rdf_format = GRAPH_FORMATS[media_type]
    items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples] if rdf_format.supports_datasets else triples
    prefixes = dict(sorted(PREFIXES.items())) if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    body = ox.serialize(items, format=rdf_format, prefixes=prefixes) if prefixes else ox.serialize(items, format=rdf_format)
    return Answer(body, media_type, "graph", len(triples), truncated)
