"""Content negotiation: which media type to answer with, from an Accept header or a format name.

``parse_accept`` reads an Accept header (RFC 9110, section 12.5.1); ``choose`` picks the offered
media type the client prefers; ``choose_for_form`` does that for a SPARQL query form, letting a
``format`` request parameter override the header; ``prefers_html`` tells a browser from a client
that wants data.

Everything here is a pure function of strings. It never raises on a malformed header: entries it
cannot read are skipped, and a header with no readable entry counts as no header. It does not
serialise anything or know which writers exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# SELECT and ASK answers. Canonical types first; the later keys are aliases that clients send.
SOLUTION_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}

# CONSTRUCT and DESCRIBE answers, and RDF documents. text/plain is deliberately not an alias of
# N-Triples: a client asking for text/plain did not ask for RDF.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/trig": "trig",
    "application/n-quads": "nq",
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
}

# The ``format`` request parameter. "json" and "xml" name the results formats; for CONSTRUCT and
# DESCRIBE they mean JSON-LD and RDF/XML (see GRAPH_FORMAT_NAMES). Full media types are accepted too.
FORMAT_NAMES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
}
GRAPH_FORMAT_NAMES: dict[str, str] = {**FORMAT_NAMES, "xml": "application/rdf+xml", "json": "application/ld+json"}

HTML_TYPES = ("text/html", "application/xhtml+xml")

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header; type and subtype lower-cased, ``*`` for a wildcard."""

    type: str
    subtype: str
    q: float = 1.0
    params: dict = field(default_factory=dict)  # lower-cased names; values unquoted

    def specificity(self, media_type: str) -> int:
        """How closely this range matches ``media_type``: -1 not at all, 0 */*, 1 type/*, 2 exact, 3 exact with parameters."""
        kind, _, sub = media_type.lower().partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        return 3 if self.params else 2


def parse_accept(header: str | None) -> list[MediaRange]:
    """The readable entries of an Accept header, in order; malformed entries are left out.

    >>> parse_accept('text/csv;q=0.5, application/sparql-results+json;q=0.9, */*;q=2')
    [MediaRange(type='text', subtype='csv', q=0.5, params={}), MediaRange(type='application', subtype='sparql-results+json', q=0.9, params={})]
    """
    if not header:
        return []
    ranges = []
    for entry in _split(header, ","):
        media_range = _parse_range(entry)
        if media_range is not None:
            ranges.append(media_range)
    return ranges


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside quoted strings (a parameter value may hold commas)."""
    parts, start, i = [], 0, 0
    while i < len(text):
        if text[i] == '"':
            m = _QUOTED.match(text, i)
            i = m.end() if m else len(text)
            continue
        if text[i] == separator:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _parse_range(entry: str) -> MediaRange | None:
    head, *rest = _split(entry, ";")
    kind, slash, sub = head.strip().partition("/")
    if not slash or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(sub) or (kind == "*" and sub != "*"):
        return None
    q, params = 1.0, {}
    for parameter in rest:
        parameter = parameter.strip()
        if not parameter:
            continue  # RFC 9110 allows empty parameters ("text/csv;;q=1")
        name, equals, value = parameter.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not equals or not _TOKEN.fullmatch(name):
            return None
        if value.startswith('"'):
            if not _QUOTED.fullmatch(value):
                return None
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif not _TOKEN.fullmatch(value):
            return None
        if name == "q":
            if not _QVALUE.fullmatch(value):
                return None  # a weight we cannot read: ignore the entry rather than guess
            q = float(value)
        else:
            params[name] = value
    return MediaRange(kind.lower(), sub.lower(), q, params)


def choose(accept: str | None, offered: list[str], default: str) -> str | None:
    """The offered media type the client prefers, ``default`` without a (readable) Accept header,
    or None when nothing offered is acceptable (the caller answers 406).

    Preference: the highest q, then the most specific matching range, then the order of ``offered``.
    Each offered type takes its q from the most specific range matching it, so ``text/csv;q=0``
    excludes CSV even when ``*/*`` is also listed.

    >>> choose("text/*;q=0.5, text/csv", ["application/sparql-results+json", "text/csv", "text/tab-separated-values"], "application/sparql-results+json")
    'text/csv'
    """
    ranges = parse_accept(accept)
    if not ranges:
        return default
    best, best_key = None, None
    for position, media_type in enumerate(offered):
        matched = _weight(ranges, media_type)
        if matched is None or matched[0] <= 0:
            continue
        key = (matched[0], matched[1], -position)
        if best_key is None or key > best_key:
            best, best_key = media_type, key
    return best


def _weight(ranges: list[MediaRange], media_type: str) -> tuple[float, int] | None:
    """(q, specificity) of the most specific range matching ``media_type``; ties take the higher q."""
    found = None
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity < 0:
            continue
        if found is None or (specificity, media_range.q) > (found[1], found[0]):
            found = (media_range.q, specificity)
    return found


def choose_for_form(form: str, accept: str | None, format_param: str | None) -> str | None:
    """The canonical media type to answer a query of ``form`` with, or None (the caller answers 406).

    SELECT and ASK answer in a SPARQL results format (default JSON), CONSTRUCT and DESCRIBE in an
    RDF format (default Turtle). A ``format`` parameter, a short name or a media type, overrides
    the Accept header; one that does not fit the form gives None.

    >>> choose_for_form("SELECT", "application/json", None)
    'application/sparql-results+json'
    >>> choose_for_form("CONSTRUCT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None)
    'text/turtle'
    >>> choose_for_form("CONSTRUCT", None, "csv") is None
    True
    """
    family, names = _family(form)
    canonical = _canonical(family)
    if format_param is not None and format_param.strip():
        wanted = format_param.split(";")[0].strip().lower()
        media_type = names.get(wanted, wanted)
        return canonical.get(family.get(media_type, ""))
    # Aliases are offered only when the header names them: "*/*" or "text/*" must not let an
    # alias slip in a type the client excluded by its canonical name.
    named = {f"{r.type}/{r.subtype}" for r in parse_accept(accept)}
    aliases = [t for t in family if t not in canonical.values() and t in named]
    chosen = choose(accept, list(canonical.values()) + aliases, next(iter(canonical.values())))
    return None if chosen is None else canonical[family[chosen]]


def _family(form: str) -> tuple[dict[str, str], dict[str, str]]:
    form = form.upper()
    if form in ("SELECT", "ASK"):
        return SOLUTION_TYPES, FORMAT_NAMES
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_TYPES, GRAPH_FORMAT_NAMES
    raise ValueError(f"not a SPARQL query form: {form!r}")


def _canonical(family: dict[str, str]) -> dict[str, str]:
    """Short name -> its canonical media type: the first one listed for it."""
    canonical: dict[str, str] = {}
    for media_type, name in family.items():
        canonical.setdefault(name, media_type)
    return canonical


def prefers_html(accept: str | None) -> bool:
    """True when the client ranks HTML above every RDF or results type it names (wildcards do not count).

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("*/*")
    False
    """
    html_q, data_q = 0.0, 0.0
    for media_range in parse_accept(accept):
        media_type = f"{media_range.type}/{media_range.subtype}"
        if media_type in HTML_TYPES:
            html_q = max(html_q, media_range.q)
        elif media_type in SOLUTION_TYPES or media_type in GRAPH_TYPES:
            data_q = max(data_q, media_range.q)
    return html_q > data_q
