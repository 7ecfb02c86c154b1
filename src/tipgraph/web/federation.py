"""Safe federation: SERVICE to an allow-list of endpoints only, evaluated by tipgraph itself.

pyoxigraph 0.5.13 evaluates SERVICE on its own, over its own HTTP client (measured: it POSTs the
inner pattern to any IRI, with no timeout, row cap or host list that Python can set, and its
sockets raise no Python audit events). So pyoxigraph must never see a SERVICE. Instead:

1. ``Federation`` holds the allow-list: endpoint IRIs as written in queries, each with the URL that
   requests go to (the IRI itself, or a mirror: ``--federate IRI=URL``), a timeout, a row cap and a
   byte cap. An IRI matches only after ``normalise`` (scheme and host in lower case, the default
   port dropped); an IRI with userinfo, a fragment, an escape, another port, path or query, or a
   trailing dot on its host matches nothing.
2. ``find_calls`` (used by the gate, and again by the worker) finds every ``SERVICE [SILENT] <iri>
   { ... }`` in the gate's tokens and refuses, with a 400, ``SERVICE ?var``, a prefixed-name
   endpoint, an IRI not on the list, a SERVICE inside another, and text the gate reads two ways.
3. ``rewrite`` sends each call's group, as ``SELECT * WHERE { group } LIMIT max_rows + 1`` with the
   query's PREFIX and BASE lines, to the endpoint through a ``fetch`` function it is given, and puts
   the answer in the call's place as a ``VALUES`` block. SPARQL 1.1 Federated Query evaluates the
   SERVICE pattern on its own and joins it with the rest of its group, and an inline ``VALUES`` is
   joined in the same place, so the answer is the same. SERVICE SILENT turns a failed request into
   one empty solution (``VALUES () { () }``), as the specification says. An answer over the row
   cap (or byte cap) is an error, SILENT or not: a cut answer would join to a wrong result.
   Finally the rewritten text is scanned again: no SERVICE may be left in it.

Pure: no I/O here (the HTTP client is ``federation_http``). It does not cache answers, pass
bindings into the remote query (no bind join), or support blank nodes or triple terms in an answer
(``VALUES`` cannot hold them): those answers are failures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .gate import IRI, PNAME, PUNCT, VAR, WORD, QueryRejected, Token, _Lexer, where

DEFAULT_TIMEOUT = 5.0           # seconds per request to a federated endpoint
DEFAULT_MAX_ROWS = 10_000       # rows a federated endpoint may answer with
DEFAULT_MAX_BYTES = 16 * 2**20  # bytes of one federated answer

_ENDPOINT = re.compile(
    r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?(?P<path>/[^\s\\#?<>\"{}|^`]*)?(?P<query>\?[^\s\\#<>\"{}|^`]*)?", re.ASCII | re.IGNORECASE)
_MIRROR = re.compile(r"=(?=https?://)", re.IGNORECASE)


def normalise(iri: str) -> str | None:
    """The canonical form of an endpoint IRI, or None if it may not name a federated endpoint.

    >>> normalise("HTTPS://Query.Wikidata.org:443/sparql")
    'https://query.wikidata.org/sparql'
    >>> [normalise(x) for x in ("https://u@query.wikidata.org/sparql", "https://query.wikidata.org/sparql#x")]
    [None, None]
    """
    m = _ENDPOINT.fullmatch(iri)
    if m is None:
        return None
    scheme, host, port = m["scheme"].lower(), m["host"].lower(), m["port"]
    if port is not None and int(port) > 65535:
        return None
    default = "443" if scheme == "https" else "80"
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{scheme}://{netloc}{m['path'] or '/'}{m['query'] or ''}"


@dataclass(frozen=True)
class Endpoint:
    iri: str  # normalised: what a query's SERVICE names
    url: str  # normalised: where its requests go (the IRI, or a mirror of it)

    @classmethod
    def parse(cls, spec: str) -> "Endpoint":
        """``IRI`` or ``IRI=URL`` (the URL a mirror of the endpoint that IRI names answers at).

        >>> Endpoint.parse("https://query.wikidata.org/sparql=http://127.0.0.1:7878/query")
        Endpoint(iri='https://query.wikidata.org/sparql', url='http://127.0.0.1:7878/query')
        """
        parts = _MIRROR.split(spec.strip())
        if len(parts) > 2:
            raise ValueError(f"federated endpoint {spec!r}: more than one '=http' in it; give IRI or IRI=URL")
        if any(part.count("://") > 1 for part in parts):
            raise ValueError(f"federated endpoint {spec!r}: give IRI or IRI=URL, with an http(s) URL")
        iri = normalise(parts[0])
        url = normalise(parts[-1])
        for given, value in ((parts[0], iri), (parts[-1], url)):
            if value is None:
                raise ValueError(f"federated endpoint {given!r} is not a plain http(s) URL (no user name, "
                                 "fragment, escapes or spaces; a port from 1 to 65535)")
        return cls(iri, url)


@dataclass(frozen=True)
class Federation:
    """The allow-list and the bounds of every request to it."""

    endpoints: tuple[Endpoint, ...]
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self):
        if not self.timeout > 0 or self.max_rows < 0 or self.max_bytes <= 0:
            raise ValueError("federation: the timeout and byte cap must be positive and the row cap not negative")
        if len({e.iri for e in self.endpoints}) != len(self.endpoints):
            raise ValueError("federation: an endpoint IRI is listed twice")

    @classmethod
    def parse(cls, specs: Iterable[str], **bounds) -> "Federation":
        return cls(tuple(Endpoint.parse(spec) for spec in specs), **bounds)

    def endpoint(self, iri: str) -> Endpoint | None:
        key = normalise(iri)
        return next((e for e in self.endpoints if e.iri == key), None) if key else None

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.url for e in self.endpoints))


@dataclass(frozen=True)
class Call:
    start: int          # where SERVICE starts
    end: int            # just after the call's closing brace
    endpoint: Endpoint
    silent: bool
    group: str          # the text between the braces


class FederationError(Exception):
    """A federated request failed. ``status`` is the HTTP status for the client (502, or 504 for a
    timeout); ``silenceable`` is False for an answer over a cap, which SILENT does not hide."""

    def __init__(self, message: str, *, status: int = 502, silenceable: bool = True):
        super().__init__(message)
        self.message, self.status, self.silenceable = message, status, silenceable


@dataclass(frozen=True)
class Table:
    """A federated answer: variable names and rows of terms in SPARQL syntax (None = unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]


EMPTY_SOLUTION = Table((), ((),))


def _text(text: str, token: Token) -> str:
    return text[token.start:token.end]


def find_calls(text: str, tokens: Sequence[Token], federation: Federation, *, lexer: _Lexer | None = None) -> list[Call]:
    """Every ``SERVICE`` keyword token in ``tokens`` as a ``Call`` to an allowed endpoint; raises
    ``QueryRejected`` (400) for any that is not one. Words that merely contain SERVICE are left to
    the gate, which refuses them."""
    calls: list[Call] = []
    for k, token in enumerate(tokens):
        if token.kind != WORD or not _keyword(text, token, "SERVICE"):
            continue
        at = where(text, token.start)
        j = k + 1
        silent = j < len(tokens) and tokens[j].kind == WORD and _keyword(text, tokens[j], "SILENT")
        j += silent
        target = tokens[j] if j < len(tokens) else None
        if target is None or target.kind not in (IRI, VAR, PNAME):
            raise QueryRejected(400, f"SERVICE must be followed by an endpoint IRI ({at})")
        if target.kind == VAR:
            raise QueryRejected(400, f"SERVICE with a variable endpoint ({_text(text, target)}) is not allowed: "
                                     f"name one of the federated endpoints as an IRI ({at})")
        if target.kind == PNAME:
            raise QueryRejected(400, f"SERVICE {_text(text, target)}: write a federated endpoint as a full IRI "
                                     f"in angle brackets, not a prefixed name ({at})")
        iri = _text(text, target)[1:-1]
        endpoint = federation.endpoint(iri)
        if endpoint is None:
            allowed = ", ".join(f"<{e.iri}>" for e in federation.endpoints)
            raise QueryRejected(400, f"SERVICE <{iri}> is not allowed: this endpoint federates only with {allowed} "
                                     f"(exact IRIs) ({at})")
        if target.dual:
            raise QueryRejected(400, f"SERVICE <{iri}> where '<' could also read as less-than ({at})")
        opening = j + 1
        if opening >= len(tokens) or _text(text, tokens[opening]) != "{":
            raise QueryRejected(400, f"SERVICE <{iri}> must be followed by a group {{ ... }} ({at})")
        closing = _closing_brace(text, tokens, opening)
        if closing is None:
            raise QueryRejected(400, f"the group of SERVICE <{iri}> is not closed ({at})")
        if calls and token.start < calls[-1].end:
            raise QueryRejected(400, f"SERVICE inside SERVICE is not allowed ({at})")
        calls.append(Call(token.start, tokens[closing].end, endpoint, silent,
                          text[tokens[opening].end:tokens[closing].start]))
    if calls and lexer is not None and (lexer.diverged or any(t.comment_end >= 0 for t in tokens)):
        raise QueryRejected(400, "a query with SERVICE may not hold an IRI reference after a value that "
                                 "holds '#' or unbalanced brackets (read as less-than, it changes the query)")
    return calls


def _keyword(text: str, token: Token, keyword: str) -> bool:
    word = _text(text, token)
    return word.isascii() and word.upper() == keyword  # "ſervice".upper() is "SERVICE" in Python


def _closing_brace(text: str, tokens: Sequence[Token], opening: int) -> int | None:
    depth = 0
    for i in range(opening, len(tokens)):
        if tokens[i].kind == PUNCT:
            symbol = _text(text, tokens[i])
            depth += symbol == "{"
            depth -= symbol == "}"
            if depth == 0:
                return i
    return None


def prologue(text: str, tokens: Sequence[Token]) -> str:
    """The query's BASE and PREFIX declarations, one a line, for the remote query."""
    lines = []
    for k, token in enumerate(tokens[:-1]):
        if token.kind != WORD:
            continue
        word = _text(text, token).upper() if _text(text, token).isascii() else ""
        if word == "BASE" and tokens[k + 1].kind == IRI:
            lines.append(f"BASE {_text(text, tokens[k + 1])}")
        elif (word == "PREFIX" and k + 2 < len(tokens) and tokens[k + 1].kind == PNAME
              and _text(text, tokens[k + 1]).endswith(":") and tokens[k + 2].kind == IRI):
            lines.append(f"PREFIX {_text(text, tokens[k + 1])} {_text(text, tokens[k + 2])}")
    return "".join(line + "\n" for line in lines)


def remote_query(text: str, tokens: Sequence[Token], call: Call, max_rows: int) -> str:
    """The query sent for ``call``: its group alone, as SPARQL 1.1 Federated Query evaluates it."""
    return f"{prologue(text, tokens)}SELECT * WHERE {{{call.group}\n}}\nLIMIT {max_rows + 1}\n"


def values_block(table: Table) -> str:
    """``table`` as an inline ``VALUES`` block, one row a line."""
    head = " ".join(f"?{name}" for name in table.variables)
    rows = "".join("  (" + " ".join("UNDEF" if term is None else term for term in row) + ")\n" for row in table.rows)
    return f"VALUES ({head}) {{\n{rows}}}"


Fetch = Callable[[Endpoint, str], Table]


def rewrite(text: str, federation: Federation, fetch: Fetch) -> str:
    """``text`` with every SERVICE call replaced by the answer ``fetch`` gives for it. Raises
    ``QueryRejected`` for calls that are not allowed and ``FederationError`` for failures that
    are not silenced."""
    lexer = _Lexer(text)
    tokens = lexer.run()
    calls = find_calls(text, tokens, federation, lexer=lexer)
    if not calls:
        return text
    pieces, done = [], 0
    for call in calls:
        try:
            table = fetch(call.endpoint, remote_query(text, tokens, call, federation.max_rows))
        except FederationError as error:
            if not (call.silent and error.silenceable):
                raise
            table = EMPTY_SOLUTION
        pieces += [text[done:call.start], values_block(table)]
        done = call.end
    rewritten = "".join(pieces) + text[done:]
    _no_service_left(rewritten)
    return rewritten


def _no_service_left(text: str) -> None:
    """The last line of defence: the text pyoxigraph will see holds no SERVICE keyword."""
    tokens = _Lexer(text).run()
    for k, token in enumerate(tokens):
        after_at = k > 0 and tokens[k - 1].end == token.start and _text(text, tokens[k - 1]) == "@"
        if token.kind in (WORD, PNAME) and not after_at and "SERVICE" in _text(text, token).split(":")[0].upper():
            raise QueryRejected(400, "the federated query could not be rewritten safely (a SERVICE keyword "
                                     f"would remain at {where(text, token.start)})")
