"""The HTTP client of federation: one bounded SPARQL request to an allow-listed endpoint.

``fetch(endpoint, query, federation)`` POSTs ``query`` (form-encoded) to ``endpoint.url`` with
``Accept: application/sparql-results+json`` and returns a ``federation.Table``. Bounds: one
deadline of ``federation.timeout`` seconds for the whole exchange (connecting, sending, every read:
a server that drips bytes is cut off too), at most ``federation.max_bytes`` bytes of answer and at
most ``federation.max_rows`` rows. It uses ``http.client`` directly: no proxies from the
environment, no redirects (a 3xx is an error naming where it pointed), no cookies, no credentials.

It does not decide what may be contacted (``federation`` and the worker's audit hook do), cache,
retry, or accept any answer format but SPARQL JSON results. Every failure is a
``FederationError``: 504 for the timeout, 502 otherwise; an answer over a cap is not silenceable.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.parse
from importlib import metadata

import pyoxigraph as ox

from .federation import Endpoint, Federation, FederationError, Table
from .gate import _VAR

RESULTS_JSON = "application/sparql-results+json"
CHUNK = 64 * 1024
EXCERPT = 200


def _user_agent() -> str:
    try:
        version = metadata.version("tipgraph")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"tipgraph/{version} (SPARQL federation; https://w3id.org/tipgraph/)"


def fetch(endpoint: Endpoint, query: str, federation: Federation) -> Table:
    deadline = time.monotonic() + federation.timeout
    url = urllib.parse.urlsplit(endpoint.url)
    name = f"<{endpoint.iri}>" + ("" if endpoint.url == endpoint.iri else f" (at {endpoint.url})")

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        return left

    if url.scheme == "https":
        connection = http.client.HTTPSConnection(url.hostname, url.port, timeout=federation.timeout,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=federation.timeout)
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    try:
        connection.request("POST", url.path + (f"?{url.query}" if url.query else ""), body=body, headers={
            "Accept": RESULTS_JSON,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "User-Agent": _user_agent(),
        })
        connection.sock.settimeout(remaining())
        response = connection.getresponse()
        data = _read(connection, response, federation.max_bytes, remaining, name)
    except (socket.timeout, TimeoutError):
        raise FederationError(f"the federated endpoint {name} gave no full answer within {federation.timeout:g} s",
                              status=504) from None
    except (OSError, http.client.HTTPException) as error:
        raise FederationError(f"the federated endpoint {name} could not be reached: {error or type(error).__name__}") from None
    finally:
        connection.close()
    return _table(data, federation.max_rows, name)


def _read(connection, response, max_bytes: int, remaining, name: str) -> bytes:
    if 300 <= response.status < 400:
        raise FederationError(f"the federated endpoint {name} redirected (HTTP {response.status}) to "
                              f"{response.getheader('Location')!r}; redirects are not followed")
    if response.status != 200:
        excerpt = response.read(EXCERPT).decode("utf-8", "replace")
        raise FederationError(f"the federated endpoint {name} answered HTTP {response.status} {response.reason}: "
                              f"{' '.join(excerpt.split())}")
    media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if media != RESULTS_JSON:
        raise FederationError(f"the federated endpoint {name} answered in {media or 'no media type'}, not {RESULTS_JSON}")
    chunks, size = [], 0
    while True:
        connection.sock and connection.sock.settimeout(remaining())
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FederationError(f"the federated endpoint {name} answered with more than {max_bytes:,} bytes, the "
                                  "federation byte cap; narrow the SERVICE pattern", silenceable=False)
        chunks.append(chunk)


def _table(data: bytes, max_rows: int, name: str) -> Table:
    try:
        solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            raise FederationError(f"the federated endpoint {name} answered a yes/no result to a SELECT query")
        variables = tuple(v.value for v in solutions.variables)
        for variable in variables:
            if not _VAR.fullmatch("?" + variable):
                raise FederationError(f"the federated endpoint {name} answered with a bad variable name {variable!r}")
        rows = []
        for solution in solutions:
            if len(rows) == max_rows:
                raise FederationError(f"the federated endpoint {name} answered with more than {max_rows:,} rows, the "
                                      "federation row cap; nothing was joined: narrow the SERVICE pattern (e.g. with "
                                      "VALUES inside it)", silenceable=False)
            rows.append(tuple(_term(solution[v], name) for v in variables))
    except (SyntaxError, ValueError) as error:
        raise FederationError(f"the federated endpoint {name} gave an unreadable answer: {error}") from None
    return Table(variables, tuple(rows))


def _term(term, name: str) -> str | None:
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)  # N-Triples syntax, which SPARQL reads as the same term
    raise FederationError(f"the federated endpoint {name} answered with a {type(term).__name__}, which cannot be "
                          "joined (only IRIs and literals can)")
