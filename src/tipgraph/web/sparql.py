"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, guarded, content-negotiated.

Requests: GET with ``query``; POST ``application/x-www-form-urlencoded`` with ``query``; POST
``application/sparql-query`` with the query as the body. ``default-graph-uri`` and
``named-graph-uri`` choose the dataset among the store's four named graphs; without them the
default graph is asserted + inferred facts and GRAPH reaches all four. ``format`` (json, xml,
csv, tsv, ttl, nt, jsonld, rdfxml, trig, nq, or a media type) overrides the Accept header.

Order of checks, so that nothing untrusted reaches the engine unchecked: protocol shape (one
query, no update, a query media type) -> the query gate (length, nesting depth, SERVICE unless to an
allow-listed endpoint, FROM, updates, absurd numbers) -> content negotiation (406) -> the dataset ->
a worker process with a hard timeout (which answers allowed SERVICE calls itself; their failures
are 502, or 504 at the federation timeout). Answers carry ``X-Result-Rows``, ``X-Result-Limit`` and ``X-Result-Truncated`` (true
when rows beyond the limit were cut). Errors are text/plain with a short reason; 503 answers
(timeout, busy) carry ``Retry-After``.

GET /sparql with no parameters gives the service description (an HTML browser is sent to the
query page instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, redirect, request

from ..namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from .executor import FederationFailed, Job, QueryFailed, QueryTimeout, ServerBusy
from .gate import QueryRejected, check_query
from .negotiation import choose_for_form, prefers_html
from .state import state

bp = Blueprint("sparql", __name__)

SERVED_GRAPHS = tuple(str(g) for g in (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES))
DEFAULT_GRAPHS = (str(GRAPH_ASSERTED), str(GRAPH_INFERRED))
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass(frozen=True)
class Request:
    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    formats: tuple[str, ...]  # distinct format= values (SPARQLWrapper sends two spellings of one)
    empty: bool  # no parameter at all: a request for the service description


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the {name} parameter was given {len(values)} times; give it once")
    return values[0] if values else None


def parse_request() -> Request:
    args = request.args
    if "update" in args or (request.method == "POST" and request.mimetype == FORM and "update" in request.form):
        raise ProtocolError(400, "this endpoint is read-only: SPARQL Update is not accepted")
    queries = args.getlist("query")
    fields = dict(args.lists())
    if request.method == "POST":
        if request.mimetype == FORM:
            body = request.form
            if queries and body.getlist("query"):
                raise ProtocolError(400, "the query parameter was given both in the URL and in the body; give it once")
            queries = queries or body.getlist("query")
            for key, values in body.lists():
                fields.setdefault(key, []).extend(values)
        elif request.mimetype == QUERY_BODY:
            if queries:
                raise ProtocolError(400, "a query was given both in the URL and as the request body; give it once")
            raw = request.get_data(cache=False)
            try:
                queries = [raw.decode("utf-8")]
            except UnicodeDecodeError as error:
                raise ProtocolError(400, f"the request body is not UTF-8 (byte {error.start})") from None
        elif request.mimetype == "application/sparql-update":
            raise ProtocolError(415, "this endpoint is read-only: SPARQL Update is not accepted")
        else:
            raise ProtocolError(415, f"POST a query as {FORM} (field query) or as {QUERY_BODY}, not as {request.mimetype or 'no media type'}")
    return Request(
        query=_one(queries, "query"),
        default_graphs=fields.get("default-graph-uri", []),
        named_graphs=fields.get("named-graph-uri", []),
        formats=tuple(dict.fromkeys(fields.get("format", []))),
        empty=not fields and not queries,
    )


def _graphs(iris: list[str], name: str) -> tuple[str, ...]:
    unknown = [iri for iri in iris if iri not in SERVED_GRAPHS]
    if unknown:
        raise ProtocolError(400, f"{name} <{unknown[0]}> is not a graph of this endpoint; it serves " + ", ".join(f"<{g}>" for g in SERVED_GRAPHS))
    return tuple(dict.fromkeys(iris))


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers or {})


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    try:
        return answer()
    except ProtocolError as error:
        return _error(error.status, error.message, error.headers)
    except QueryRejected as error:
        # An over-long query in a URL is a URL that is too long.
        status = 414 if error.status == 413 and request.method == "GET" else error.status
        return _error(status, error.message)


def run_job(job: Job):
    """Run a gated query on the worker pool; its failures become ``ProtocolError`` (400 or 503).
    Shared with the citation page, so both answer from the same guarded path."""
    try:
        return state().executor.run(job)
    except QueryTimeout as error:
        raise ProtocolError(503, f"query timed out: {error}", {"Retry-After": "5"}) from None
    except ServerBusy as error:
        raise ProtocolError(503, f"server busy: {error}", {"Retry-After": "2"}) from None
    except FederationFailed as error:
        raise ProtocolError(error.status, f"federated query failed: {error}") from None
    except QueryFailed as error:
        if error.syntax:
            raise ProtocolError(400, f"syntax error: {error}") from None
        raise ProtocolError(400, f"the query could not be evaluated: {error}") from None


def answer() -> Response:
    config = state().config
    parsed = parse_request()
    if parsed.query is None:
        if request.method == "GET" and parsed.empty:
            if prefers_html(request.headers.get("Accept")):
                return redirect("/query", code=303)
            from .describe import service_description_response

            return service_description_response()
        raise ProtocolError(400, "missing query: give the query parameter (GET or form POST) or POST application/sparql-query")
    checked = check_query(parsed.query, max_length=config.max_query_length, max_nesting=config.max_nesting,
                          federation=config.federation)
    accept = request.headers.get("Accept")
    choices = {choose_for_form(checked.form, accept, f) for f in parsed.formats or (None,)}
    if len(choices) > 1 and None not in choices:
        raise ProtocolError(400, f"the format parameter names different formats: {', '.join(parsed.formats)}")
    media_type = choices.pop() if len(choices) == 1 else None
    if media_type is None:
        wanted = f"format={', '.join(parsed.formats)}" if parsed.formats else f"Accept: {accept}"
        raise ProtocolError(406, f"cannot answer a {checked.form} query in the form asked for ({wanted})")
    job = Job(
        query=parsed.query,
        media_type=media_type,
        default_graphs=_graphs(parsed.default_graphs, "default-graph-uri") or DEFAULT_GRAPHS,
        named_graphs=_graphs(parsed.named_graphs, "named-graph-uri") or None,
        max_rows=config.max_rows,
    )
    result = run_job(job)
    return Response(result.body, content_type=result.content_type, headers={
        "Vary": "Accept",
        "X-Result-Rows": str(result.rows),
        "X-Result-Limit": str(config.max_rows),
        "X-Result-Truncated": "true" if result.truncated else "false",
        "Cache-Control": "no-store",
    })
