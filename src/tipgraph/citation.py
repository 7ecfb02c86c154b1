"""Citable queries: a digest of a query's result, a permalink that pins it, and a citation string.

A *pin* names what a researcher cites: the query text, the dataset release it ran against (its
semantic version and the digest of the release's dataset) and the digest of its result. The
permalink carries all four in its URL, so it needs no server-side state::

    <server>/cite?query=<text>&release=0.1.0&dataset=sha256:<hex>&result=sha256:<hex>

**The result digest** is ``sha256:`` and the hex SHA-256 of a canonical text of the result:

- SELECT: a first line ``tipgraph-result/1 solutions``, a line with the projected variables in
  order, then one line per solution, each term in N-Triples form (``<iri>``, ``"lexical"@lang``,
  ``"lexical"^^<datatype>``; xsd:string literals without a datatype) separated by tabs, an unbound
  variable as an empty field, the lines *sorted* (duplicates kept). Row order is left out on
  purpose, even for queries with ORDER BY: the order follows from the pinned query text, except for
  ties, which engines may break either way, so a digest of the order would change without the
  answer changing. Blank nodes are written ``_:`` whatever their label, because labels are not
  stable between two stores of the same data.
- ASK: ``tipgraph-result/1 boolean`` and ``true`` or ``false``.
- CONSTRUCT and DESCRIBE: ``tipgraph-result/1 graph`` and the graph's canonical N-Triples:
  blank nodes relabelled by RDF Dataset Canonicalization (RDFC-1.0, pyoxigraph's
  ``Dataset.canonicalize``), duplicates dropped, lines sorted.

Every line ends with ``\\n``; N-Triples escapes tabs and newlines inside literals, so the layout is
unambiguous. **The dataset digest** is the release's RDFC-1.0 hash: the SHA-256 of its canonical
N-Quads, which are exactly the bytes of ``tipgraph export --format nq`` and of
``/downloads/tipgraph.nq``, and the hash ``tipgraph verify`` prints for its bundle: a property of the
data, not of a file's layout or of the day it was built.

Pure: takes pyoxigraph terms, parsed results or strings, returns strings and small dataclasses.
It runs no query (``rerun`` does), reads no file and knows nothing of HTTP.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pyoxigraph as ox

from .release import SEMVER

FORMAT = "tipgraph-result/1"
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
PIN_FIELDS = ("query", "release", "dataset", "result")
CITE_PATH = "/cite"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class PermalinkError(ValueError):
    """A permalink (or the parameters of a /cite request) is malformed; the message says how."""


@dataclass(frozen=True)
class Pin:
    """What a permalink pins: the query, and, when made, the release, dataset and result digests."""

    query: str
    release: str | None = None  # semantic version of the dataset release
    dataset: str | None = None  # sha256:<hex> of the release's canonical N-Quads
    result: str | None = None   # sha256:<hex> of the canonical result

    @property
    def pinned(self) -> bool:
        return self.release is not None


def sha256(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --- result digests ------------------------------------------------------------------------------


def _term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Triple):  # RDF-star: a quoted triple, its blank nodes label-blind too
        return f"<< {_term(term.subject)} {_term(term.predicate)} {_term(term.object)} >>"
    return str(term)


def _finish(kind: str, lines: Iterable[str]) -> str:
    return sha256("".join(f"{line}\n" for line in [f"{FORMAT} {kind}", *lines]).encode("utf-8"))


def solutions_digest(variables: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The digest of SELECT solutions: ``rows`` hold pyoxigraph terms (or None) in variable order.

    >>> one = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    >>> a, b = [one, ox.Literal("x", language="en")], [one, None]
    >>> solutions_digest(["n", "label"], [a, b]) == solutions_digest(["n", "label"], [b, a])
    True
    """
    body = sorted("\t".join(_term(t) for t in row) for row in rows)
    return _finish("solutions", [" ".join(f"?{v}" for v in variables), *body])


def boolean_digest(value: bool) -> str:
    return _finish("boolean", ["true" if value else "false"])


def graph_digest(triples: Iterable[ox.Triple]) -> str:
    """The digest of a graph: canonical (RDFC-1.0) N-Triples, sorted, without duplicates."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted({f"{q.subject} {q.predicate} {q.object} ." for q in dataset})
    return _finish("graph", lines)


def result_digest(results) -> str:
    """The digest of pyoxigraph query results (solutions, boolean or triples), read to the end."""
    if isinstance(results, ox.QueryBoolean):
        return boolean_digest(bool(results))
    if isinstance(results, ox.QueryTriples):
        return graph_digest(results)
    names = [v.value for v in results.variables]
    return solutions_digest(names, ([solution[n] for n in names] for solution in results))


def _json_term(value: dict):
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        return ox.Literal(value["value"], datatype=ox.NamedNode(value.get("datatype", XSD_STRING)))
    if kind == "triple":
        inner = value["value"]
        return ox.Triple(_json_term(inner["subject"]), _json_term(inner["predicate"]), _json_term(inner["object"]))
    raise ValueError(f"unknown term type {kind!r} in SPARQL JSON results")


def digest_results_json(body: bytes) -> tuple[str, int]:
    """The digest and row count of a SPARQL 1.1 JSON results document (SELECT or ASK)."""
    document = json.loads(body)
    if "boolean" in document:
        return boolean_digest(bool(document["boolean"])), 1
    names = document["head"]["vars"]
    bindings = document["results"]["bindings"]
    rows = ([_json_term(b[n]) if n in b else None for n in names] for b in bindings)
    return solutions_digest(names, rows), len(bindings)


def digest_ntriples(body: bytes) -> tuple[str, int]:
    """The digest and triple count of a graph result written as N-Triples."""
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    return graph_digest(triples), len(triples)


# --- permalinks --------------------------------------------------------------------------------


def permalink(root: str, pin: Pin) -> str:
    """The permalink of a pin under ``root`` (the server's URL, no trailing slash)."""
    fields = [(name, getattr(pin, name)) for name in PIN_FIELDS if getattr(pin, name) is not None]
    # ":" and "/" may stand unescaped in a query string (RFC 3986), which keeps digests and IRIs readable.
    return f"{root.rstrip('/')}{CITE_PATH}?{urlencode(fields, quote_via=quote, safe=':/')}"


def pin_from_fields(fields: dict[str, list[str]], *, max_query_length: int | None = None,
                    allowed: Sequence[str] = PIN_FIELDS) -> Pin:
    """A pin from URL parameters (name -> values), or ``PermalinkError`` saying what is wrong.

    Either only ``query`` is given (a permalink still to be made) or all four fields are.
    """
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise PermalinkError(f"unknown parameter {unknown[0]!r}; a permalink has {', '.join(PIN_FIELDS)}")
    repeated = [name for name, values in fields.items() if len(values) > 1]
    if repeated:
        raise PermalinkError(f"the {repeated[0]} parameter is given {len(fields[repeated[0]])} times; give it once")
    value = {name: fields[name][0] for name in PIN_FIELDS if name in fields}
    query = value.get("query", "")
    if not query.strip():
        raise PermalinkError("the permalink has no query: give the query parameter")
    if max_query_length is not None and len(query) > max_query_length:
        raise PermalinkError(f"the permalink's query has {len(query)} characters; at most {max_query_length} are accepted")
    pins = [name for name in PIN_FIELDS[1:] if name in value]
    if pins and len(pins) != 3:
        missing = [name for name in PIN_FIELDS[1:] if name not in value]
        raise PermalinkError(f"the permalink pins {', '.join(pins)} but not {', '.join(missing)}; "
                             "give release, dataset and result together (or only the query)")
    if pins:
        if not SEMVER.fullmatch(value["release"]):
            raise PermalinkError(f"release {value['release'][:40]!r} is not a semantic version such as 0.1.0")
        for name in ("dataset", "result"):
            if not DIGEST.fullmatch(value[name]):
                raise PermalinkError(f"{name} {value[name][:80]!r} is not a digest of the form sha256:<64 hex digits>")
    return Pin(query, value.get("release"), value.get("dataset"), value.get("result"))


def parse_permalink(url: str, *, max_query_length: int | None = None) -> Pin:
    """The pin of a full permalink URL (or its path and query string); it must pin all four fields."""
    parts = urlsplit(url.strip())
    if not parts.path.endswith(CITE_PATH):
        raise PermalinkError(f"not a permalink: its path should end in {CITE_PATH}, not {parts.path[:80]!r}")
    try:
        fields = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query),
                          errors="strict", max_num_fields=len(PIN_FIELDS) * 2)
    except (ValueError, UnicodeDecodeError) as error:
        raise PermalinkError(f"the permalink's parameters cannot be read: {error}") from None
    pin = pin_from_fields(fields, max_query_length=max_query_length)
    if not pin.pinned:
        raise PermalinkError("the permalink pins no release: it needs release, dataset and result "
                             "(make one on the server's /cite page)")
    return pin


# --- citation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """The cited dataset release, as its description states it."""

    creator: str
    title: str
    version: str
    issued: str       # the release date, yyyy-mm-dd
    publisher: str
    identifier: str   # the release's IRI


def citation(work: Work, result: str, link: str, accessed: str) -> str:
    """A citation of a query result in the DataCite form (Creator (Year). Title. Version.
    Publisher. [Dataset]. Identifier), followed by the query, its result digest and the access date.

    >>> w = Work("The tipgraph project", "tipgraph", "0.1.0", "2026-11-28", "The tipgraph project", "https://w3id.org/x")
    >>> citation(w, "sha256:ab", "https://example.org/cite?q", "2026-12-01")[:49]
    'The tipgraph project (2026). tipgraph. Version 0.'
    """
    year = work.issued[:4]
    return (f"{work.creator} ({year}). {work.title}. Version {work.version} (released {work.issued}). "
            f"{work.publisher}. [Dataset]. {work.identifier}. "
            f"SPARQL query result {result}, {link} (accessed {accessed}).")
