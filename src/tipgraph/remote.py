"""Remote SPARQL stores: load a release into any SPARQL 1.1 server, and answer queries through it.

``RemoteStore`` names a server's endpoints: the SPARQL query endpoint, and for loading either a
Graph Store Protocol endpoint or a SPARQL Update endpoint. ``RemoteStore.parse`` reads the CLI's
``--store`` value: a query endpoint URL (``?update=...&gsp=...`` name the others) or one of the
presets ``oxigraph:``, ``virtuoso:``, ``fuseki:`` and ``graphdb:`` followed by the server's base URL
(see ``PRESETS``).

``load_release(release, remote)`` replaces the release's four named graphs on the server and checks
the result by counting each graph through the query endpoint. The dump (``dataset.nq``) is read
once, as a stream, and split into one spool file per graph on disk; each graph is then sent in
chunks of at most ``CHUNK_TRIPLES`` triples / ``CHUNK_BYTES`` bytes: by GSP, the first chunk is a
PUT (which replaces the graph) and the others POSTs (which add to it); by SPARQL Update, ``DROP
SILENT GRAPH`` and then one ``INSERT DATA`` per chunk (``INSERT {...} WHERE {}`` for chunks with
blank nodes, which Virtuoso refuses in INSERT DATA). A blank node's label means one node only within
one request, so triples that share blank nodes are kept in the same chunk (union-find over blank
node labels); only those labels are held in memory, never the triples. A graph is not replaced
atomically: queries during a load see it half loaded.

``run_remote(remote, job)`` answers one guarded query (``tipgraph.web.executor.Job``) through the
server: it POSTs the query with the job's dataset as ``default-graph-uri`` / ``named-graph-uri``
(when GRAPH may reach every graph, the four tipgraph graphs are named explicitly, so that a server's
other graphs stay out of reach, as they are on the embedded store), asks for SPARQL JSON results
(SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE), reads at most ``max_rows + 1`` rows of the
streamed answer with pyoxigraph and re-serialises them with ``results.serialise``, so formats, row
caps and headers are the same as with the embedded store. Terms a server writes differently from
the embedded store (Virtuoso: ``"1500.0"^^xsd:double``, ``"1"^^xsd:boolean``, ``nodeID://`` blank
node labels) are normalised to the same term (see ``normalise_term``).

Traffic: only ``query_url``, ``gsp_url`` and ``update_url`` are ever contacted; redirects are not
followed (a 3xx is an error), proxies from the environment are not used, and answers are accepted
only in formats parsed without entity expansion (SPARQL JSON or TSV results; N-Triples or Turtle
graphs). Credentials go only to the configured endpoints, in answer to the server's challenge
(HTTP digest or basic); for a request with a body the challenge is fetched first by a bodiless HEAD,
as a server that wants credentials hangs up before reading a large body. ``network_guard(remote)``
is an audit hook for query workers that refuses every connection but the query endpoint's.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import io
import re
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import (
    BASE,
    GRAPH_ASSERTED,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
)

if TYPE_CHECKING:  # the web package is imported only when a query is run
    from .web.executor import Job
    from .web.results import Answer

RELEASE_GRAPHS = tuple(str(g) for g in (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES))
CHUNK_TRIPLES = 50_000           # triples per request when loading
CHUNK_BYTES = 8 * 1024 * 1024    # and at most about this many bytes of N-Triples per request
UPDATE_CHUNK_TRIPLES = 1_000     # INSERT DATA is parsed as a query: Virtuoso 7.2 fails near 5,000 triples (SP030)
EXCERPT = 300                    # characters of an error body quoted in an error message
USER_AGENT = "tipgraph-remote/0.1"

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RESULTS_JSON = "application/sparql-results+json"
RESULTS_TSV = "text/tab-separated-values"
RESULT_FORMATS = {RESULTS_JSON: ox.QueryResultsFormat.JSON, RESULTS_TSV: ox.QueryResultsFormat.TSV}
GRAPH_RESPONSE_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,      # N-Triples' old media type (Virtuoso, Fuseki)
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}


class RemoteStoreError(Exception):
    """A remote store could not be reached or refused a request; the message names the URL, the
    HTTP status and the start of the server's answer."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None, body: str | None = None):
        super().__init__(message)
        self.url, self.status, self.body = url, status, body


class RemoteQueryError(RemoteStoreError):
    """The server refused or failed to evaluate a query (HTTP 4xx/5xx from the query endpoint)."""


# --- where the server is ---------------------------------------------------------------------------

# Preset name -> (query path, update path, GSP path, update path with auth, GSP path with auth),
# each appended to the base URL given after the preset name.
PRESETS = {
    # Oxigraph server (`oxigraph serve`): /query, /update, /store. No authentication of its own.
    "oxigraph": ("/query", "/update", "/store", None, None),
    # Virtuoso: /sparql answers queries. Writes need a user with SPARQL_UPDATE: with credentials
    # (e.g. dba) the digest-authenticated /sparql-graph-crud-auth and /sparql-auth are used; without,
    # the anonymous /sparql-graph-crud and /sparql (only if "SPARQL" was granted SPARQL_UPDATE).
    "virtuoso": ("/sparql", "/sparql", "/sparql-graph-crud", "/sparql-auth", "/sparql-graph-crud-auth"),
    # Apache Jena Fuseki, base = the dataset URL (http://host:3030/ds): /ds/query, /ds/update, /ds/data.
    "fuseki": ("/query", "/update", "/data", None, None),
    # GraphDB, base = the repository URL (http://host:7200/repositories/x): queries at the base with
    # infer=false (the RDF4J protocol's switch: tipgraph's inferences are in graph/inferred already,
    # and GraphDB's own ruleset would add more), updates at /statements, GSP at /rdf-graphs/service.
    "graphdb": ("?infer=false", "/statements", "/rdf-graphs/service", None, None),
}


def _check_http_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} must be an http:// or https:// URL with a host, not {url!r}")
    if parts.username or parts.password:
        raise ValueError(f"{what} must not carry a user name or password: {_redact(url)}")
    if parts.fragment:
        raise ValueError(f"{what} must not have a #fragment: {url!r}")
    return url


def _redact(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """'http://u:p@host/x' -> ('http://host/x', 'u', 'p')."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    user = urllib.parse.unquote(parts.username) if parts.username is not None else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), user, password


@dataclass(frozen=True)
class RemoteStore:
    query_url: str                 # SPARQL query endpoint
    update_url: str | None = None  # SPARQL Update endpoint, if loading by Update
    gsp_url: str | None = None     # Graph Store Protocol endpoint, if loading by GSP
    user: str | None = None        # HTTP basic or digest credentials, sent when the server asks
    password: str | None = dataclasses.field(default=None, repr=False)
    timeout: float = 60.0          # seconds, per connection attempt and per read

    def __post_init__(self):
        _check_http_url(self.query_url, "the query endpoint")
        if self.update_url is not None:
            _check_http_url(self.update_url, "the update endpoint")
        if self.gsp_url is not None:
            _check_http_url(self.gsp_url, "the Graph Store Protocol endpoint")
        if not self.timeout > 0:
            raise ValueError(f"the timeout must be positive, not {self.timeout!r}")

    @classmethod
    def parse(cls, spec: str, *, user: str | None = None, password: str | None = None,
              timeout: float = 60.0) -> RemoteStore:
        """A store from the CLI's ``--store`` value.

        - ``http://host/sparql``: the query endpoint; ``?update=URL`` and ``?gsp=URL`` (absolute, or
          relative to the query endpoint) name the update and Graph Store Protocol endpoints and are
          removed from it; other parameters stay in the query URL.
        - ``oxigraph:http://127.0.0.1:7878``, ``virtuoso:http://127.0.0.1:8890``,
          ``fuseki:http://host:3030/ds``, ``graphdb:http://host:7200/repositories/x``: a preset's
          endpoints under that base URL (``PRESETS``).

        Credentials come from ``user``/``password`` (the CLI reads them from the environment) or
        from the URL (``http://user:password@host/...``), and are removed from every URL.
        """
        spec = spec.strip()
        preset, _, rest = spec.partition(":")
        if preset.lower() in PRESETS and not rest.startswith("//"):
            base, url_user, url_password = _split_credentials(rest.strip())
            _check_http_url(base, f"the {preset} base URL")
            if urllib.parse.urlsplit(base).query:
                raise ValueError(f"the {preset} base URL takes no ?parameters; for other endpoints give the query "
                                 f"endpoint's URL with ?update=...&gsp=... instead")
            base = base.rstrip("/")
            user, password = user or url_user, password or url_password
            query, update, gsp, update_auth, gsp_auth = PRESETS[preset.lower()]
            if user is not None:
                update, gsp = update_auth or update, gsp_auth or gsp
            return cls(base + query, base + update, base + gsp, user, password, timeout)
        url, url_user, url_password = _split_credentials(spec)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            known = ", ".join(f"{name}:" for name in PRESETS)
            raise ValueError(f"--store takes a SPARQL endpoint URL (http:// or https://) or a preset ({known}) "
                             f"followed by the server's URL, not {_redact(spec)!r}")
        fields = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        kept = [(k, v) for k, v in fields if k not in ("update", "gsp")]
        named = {k: [v for key, v in fields if key == k] for k in ("update", "gsp")}
        for key, values in named.items():
            if len(values) > 1:
                raise ValueError(f"--store: give {key}= once, not {len(values)} times")
        query_url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(kept)))
        resolve = lambda values: urllib.parse.urljoin(query_url, values[0]) if values else None
        return cls(query_url, resolve(named["update"]), resolve(named["gsp"]),
                   user or url_user, password or url_password, timeout)

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(u for u in (self.query_url, self.update_url, self.gsp_url) if u)

    def describe(self) -> str:
        how = f"GSP {self.gsp_url}" if self.gsp_url else f"Update {self.update_url}" if self.update_url else "read only"
        return f"{self.query_url} ({how})"


# --- HTTP --------------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Turns every redirect into an error: tipgraph talks to the configured URLs and nothing else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        fp.close()
        raise RemoteStoreError(
            f"{req.get_method()} {_short(req.full_url)}: the server redirected ({code}) to {newurl!r}; "
            f"redirects are not followed: configure the final URL instead",
            url=req.full_url, status=code)


def _opener() -> urllib.request.OpenerDirector:
    """urllib without proxies from the environment and without following redirects. Credentials
    are handled by ``_request`` itself: urllib's auth handlers retry up to five times and leave
    each refused response open."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def _passwords(remote: RemoteStore) -> urllib.request.HTTPPasswordMgrWithDefaultRealm:
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, list(remote.endpoints), remote.user, remote.password or "")
    return passwords


def _challenges(remote: RemoteStore, url: str, authorization: str | None = None) -> list[str] | None:
    """The WWW-Authenticate challenges of a bodiless HEAD to ``url`` (sent with ``authorization``, if
    given) when the server answers 401; None when it answers anything else or cannot be reached."""
    headers = {"User-Agent": USER_AGENT, **({"Authorization": authorization} if authorization else {})}
    try:
        with _opener().open(urllib.request.Request(url, method="HEAD", headers=headers), timeout=remote.timeout):
            return None
    except urllib.error.HTTPError as failure:
        failure.close()
        return (failure.headers.get_all("WWW-Authenticate") or []) if failure.code == 401 else None
    except (urllib.error.URLError, OSError, ValueError, RemoteStoreError):
        return None  # the real request will say what is wrong


def _answer(remote: RemoteStore, challenges: list[str], method: str, url: str) -> str | None:
    """The Authorization header that answers a challenge (digest or basic) for ``method url``."""
    for challenge in challenges:
        scheme, _, rest = challenge.strip().partition(" ")
        if scheme.lower() == "digest":
            handler = urllib.request.HTTPDigestAuthHandler(_passwords(remote))
            fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
            token = handler.get_authorization(urllib.request.Request(url, method=method), fields)
            if token:
                return f"Digest {token}"
        elif scheme.lower() == "basic":
            return "Basic " + base64.b64encode(f"{remote.user}:{remote.password or ''}".encode()).decode("ascii")
    return None


def _authorization(remote: RemoteStore, method: str, url: str) -> str | None:
    """The Authorization header for a request that carries a body, worked out in advance.

    A server that wants credentials answers 401 and closes the connection before reading a large
    body, so the client sees "connection reset" rather than the challenge (Virtuoso does this to an
    8 MB PUT). So, when credentials are configured, a bodiless HEAD fetches the challenge first and
    the real request carries its answer. None when the server asks for nothing."""
    challenges = _challenges(remote, url)
    return _answer(remote, challenges, method, url) if challenges else None


def _why_hung_up(remote: RemoteStore, url: str) -> str | None:
    """Why a server closed the connection while a body was being sent, if it was for credentials
    (asked with bodiless HEADs): none configured, or the configured ones refused."""
    challenges = _challenges(remote, url)
    if not challenges:
        return None
    if remote.user is None:
        return "the server asks for credentials and none are configured"
    answer = _answer(remote, challenges, "HEAD", url)
    if answer is not None and _challenges(remote, url, answer) is not None:
        return f"the server refused the credentials of user {remote.user!r}"
    return None


def _short(url: str, limit: int = 160) -> str:
    return url if len(url) <= limit else url[:limit] + "..."


def _excerpt(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    text = re.sub(r"<[^>]{0,200}>", " ", text) if "<html" in text[:500].lower() else text
    text = " ".join(text.split())
    return text[:EXCERPT] + ("..." if len(text) > EXCERPT else "")


def _request(remote: RemoteStore, method: str, url: str, *, data: bytes | None = None,
             headers: dict[str, str] | None = None, error: type[RemoteStoreError] = RemoteStoreError,
             ok: Iterable[int] = ()):
    """Send one request; return the open response (the caller reads and closes it). Any HTTP
    status of 300 or more that is not in ``ok`` raises ``error`` with the status and the body's start.

    With credentials configured, a write to the update or GSP endpoint carries its Authorization
    from the start (``_authorization``); any request answered 401 is sent once more with the answer
    to the server's challenge."""
    headers = {"User-Agent": USER_AGENT, **(headers or {})}
    if data and remote.user is not None and url != remote.query_url:
        authorization = _authorization(remote, method, url)
        if authorization:
            headers["Authorization"] = authorization
    try:
        try:
            return _opener().open(urllib.request.Request(url, data=data, method=method, headers=headers),
                                  timeout=remote.timeout)
        except urllib.error.HTTPError as failure:
            if failure.code != 401 or remote.user is None or "Authorization" in headers:
                raise
            challenges = failure.headers.get_all("WWW-Authenticate") or []
            failure.close()
            authorization = _answer(remote, challenges, method, url)
            if not authorization:
                raise error(f"{method} {_short(url)} failed with HTTP 401 Unauthorized, asking for credentials "
                            f"in a way tipgraph cannot give (only digest and basic)", url=url, status=401) from None
            headers["Authorization"] = authorization
            return _opener().open(urllib.request.Request(url, data=data, method=method, headers=headers),
                                  timeout=remote.timeout)
    except urllib.error.HTTPError as failure:
        if failure.code in ok:
            return failure
        try:
            body = _excerpt(failure.read(64 * 1024))
        except Exception:  # a body that cannot be read says nothing more
            body = ""
        finally:
            failure.close()
        if failure.code == 401 and body == "":
            body = ("the server refused the credentials of user " + repr(remote.user) if remote.user is not None
                    else "the server asks for credentials and none are configured")
        reason = f": {body}" if body else ""
        raise error(f"{method} {_short(url)} failed with HTTP {failure.code} {failure.reason}{reason}",
                    url=url, status=failure.code, body=body) from None
    except RemoteStoreError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as failure:
        reason = getattr(failure, "reason", failure)
        if isinstance(reason, socket.timeout) or isinstance(failure, TimeoutError):
            reason = f"no answer within {remote.timeout:g} s"
        elif isinstance(reason, (BrokenPipeError, ConnectionResetError)) and data:
            # A server that answers 401 hangs up before reading the body: find out whether it did.
            why = _why_hung_up(remote, url)
            if why:
                raise error(f"{method} {_short(url)} failed with HTTP 401 Unauthorized: {why}",
                            url=url, status=401) from None
        raise error(f"{method} {_short(url)} failed: {reason}", url=url) from None


def _with_params(url: str, params: list[tuple[str, str]]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = "&".join(filter(None, [parts.query, urllib.parse.urlencode(params)]))
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _form(params: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(params).encode("ascii")


FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def _select(remote: RemoteStore, query: str, params: list[tuple[str, str]] = ()) -> list[dict[str, ox.Term]]:
    """A small SELECT on the query endpoint (counts, checks), fully read."""
    with _request(remote, "POST", remote.query_url, data=_form([("query", query), *params]),
                  headers={**FORM_HEADERS, "Accept": RESULTS_JSON}, error=RemoteQueryError) as response:
        body = response.read()
        fmt = _results_format(response, remote.query_url)
    try:
        solutions = ox.parse_query_results(body, format=fmt)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names} for s in solutions]
    except (SyntaxError, ValueError) as failure:
        raise RemoteQueryError(f"POST {remote.query_url}: unreadable answer: {failure}", url=remote.query_url) from None


def _media_type(response) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _results_format(response, url: str) -> ox.QueryResultsFormat:
    media = _media_type(response)
    if media not in RESULT_FORMATS:
        raise RemoteQueryError(f"POST {url}: the server answered in {media or 'no media type'}, not SPARQL JSON results",
                               url=url, status=response.status)
    return RESULT_FORMATS[media]


# --- loading --------------------------------------------------------------------------------------------


class _BlankGroups:
    """Union-find over blank node labels: labels that occur in one triple belong together."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, label: str) -> str:
        parent = self.parent.setdefault(label, label)
        root = label
        while parent != root:
            root, parent = parent, self.parent[parent]
        while self.parent[label] != root:  # path compression
            self.parent[label], label = root, self.parent[label]
        return root

    def union(self, labels: list[str]) -> str:
        roots = [self.find(x) for x in labels]
        first = roots[0]
        for other in roots[1:]:
            if other != first:
                self.parent[other] = first
        return first


@dataclass
class _GraphSpool:
    """One graph's triples of a release, on disk: those without blank nodes, and those with."""

    iri: str
    plain: Path
    blank: Path
    plain_count: int = 0
    blank_count: int = 0
    groups: _BlankGroups = dataclasses.field(default_factory=_BlankGroups)

    @property
    def count(self) -> int:
        return self.plain_count + self.blank_count


def _blank_labels(triple: ox.Triple | ox.Quad) -> list[str]:
    return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]


def _nt(quad: ox.Quad) -> bytes:
    return f"{quad.subject} {quad.predicate} {quad.object} .\n".encode()


IRIREF = re.compile(r'<[^\x00-\x20<>"{}|^`\\]*>')


def _split_quad(line: str) -> tuple[str, str, list[str]] | None:
    """(graph IRI, N-Triples line, blank node labels) of a line as oxigraph writes N-Quads (single
    spaces, a named graph), read with string operations only; None for any other shape of line."""
    head, _, tail = line.rstrip("\r\n").rpartition(" ")
    if tail != ".":
        return None
    body, _, graph = head.rpartition(" ")
    parts = body.split(" ", 2)
    if len(parts) != 3 or not IRIREF.fullmatch(graph) or not IRIREF.fullmatch(parts[1]):
        return None
    subject, _, obj = parts
    if not (IRIREF.fullmatch(subject) or subject.startswith("_:")) or obj.startswith("<<"):
        return None
    labels = [term[2:] for term in (subject, obj) if term.startswith("_:")]
    return graph[1:-1], body + " .\n", labels


def _read_quads(dump: Path) -> Iterator[tuple[str, str, list[str]]]:
    """Every quad of the dump as (graph IRI, N-Triples line, blank node labels), streaming. Lines in
    oxigraph's own form take the fast path; any other line is parsed by pyoxigraph."""
    with open(dump, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            split = _split_quad(line)
            if split is None:
                try:
                    quads = list(ox.parse(line, format=ox.RdfFormat.N_QUADS))
                except SyntaxError as failure:
                    raise RemoteStoreError(f"{dump} line {number}: {failure}") from None
                for quad in quads:
                    if not isinstance(quad.graph_name, ox.NamedNode):
                        raise RemoteStoreError(f"{dump} line {number}: a triple outside the named graphs; "
                                               f"a release holds named graphs only")
                    if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
                        raise RemoteStoreError(f"{dump} line {number}: quoted triples (RDF-star) cannot be "
                                               f"loaded into a remote store")
                    yield quad.graph_name.value, _nt(quad).decode("utf-8"), _blank_labels(quad)
            else:
                yield split


def _spool(dump: Path, folder: Path, graphs: Iterable[str]) -> dict[str, _GraphSpool]:
    """Split the N-Quads dump into per-graph N-Triples files, streaming (one pass, one line at a time)."""
    spools: dict[str, _GraphSpool] = {}
    files: dict[str, tuple] = {}

    def spool_for(iri: str) -> _GraphSpool:
        if iri not in spools:
            n = len(spools)
            spools[iri] = _GraphSpool(iri, folder / f"{n}-plain.nt", folder / f"{n}-blank.nt")
            files[iri] = (open(spools[iri].plain, "w", encoding="utf-8"), open(spools[iri].blank, "w", encoding="utf-8"))
        return spools[iri]

    try:
        for iri in graphs:
            spool_for(iri)
        for iri, triple, labels in _read_quads(dump):
            graph = spools.get(iri) or spool_for(iri)
            plain, blank = files[iri]
            if labels:
                graph.groups.union(labels)
                blank.write(triple)
                graph.blank_count += 1
            else:
                plain.write(triple)
                graph.plain_count += 1
    finally:
        for handles in files.values():
            for handle in handles:
                handle.close()
    return spools


def _line_chunks(path: Path, max_triples: int, max_bytes: int) -> Iterator[bytes]:
    """The file's lines in chunks of at most max_triples lines and (unless one line is longer) max_bytes."""
    chunk: list[bytes] = []
    size = 0
    with open(path, "rb") as handle:
        for line in handle:
            if chunk and (len(chunk) >= max_triples or size + len(line) > max_bytes):
                yield b"".join(chunk)
                chunk, size = [], 0
            chunk.append(line)
            size += len(line)
    if chunk:
        yield b"".join(chunk)


def _blank_chunks(spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> Iterator[bytes]:
    """Triples with blank nodes, in chunks that never split a group of triples sharing blank nodes
    (a group larger than a chunk is sent whole)."""
    if spool.blank_count == 0:
        return
    if spool.blank_count <= max_triples and spool.blank.stat().st_size <= max_bytes:
        yield spool.blank.read_bytes()
        return
    # Sizes per group, then groups packed into bins in order of first appearance; one file per bin.
    sizes: dict[str, list[int]] = {}
    for quad in ox.parse(path=str(spool.blank), format=ox.RdfFormat.N_TRIPLES):
        root = spool.groups.find(_blank_labels(quad)[0])
        entry = sizes.setdefault(root, [0, 0])
        entry[0] += 1
        entry[1] += len(_nt(quad))
    bins: dict[str, int] = {}
    current, used_triples, used_bytes = 0, 0, 0
    for root, (triples, size) in sizes.items():
        if used_triples and (used_triples + triples > max_triples or used_bytes + size > max_bytes):
            current, used_triples, used_bytes = current + 1, 0, 0
        bins[root] = current
        used_triples += triples
        used_bytes += size
    paths = [folder / f"{spool.plain.stem}-bin{i}.nt" for i in range(current + 1)]
    handles = [open(p, "wb") for p in paths]
    try:
        for quad in ox.parse(path=str(spool.blank), format=ox.RdfFormat.N_TRIPLES):
            handles[bins[spool.groups.find(_blank_labels(quad)[0])]].write(_nt(quad))
    finally:
        for handle in handles:
            handle.close()
    for path in paths:
        yield path.read_bytes()
        path.unlink()


def _chunks(spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> Iterator[bytes]:
    yield from _line_chunks(spool.plain, max_triples, max_bytes)
    yield from _blank_chunks(spool, folder, max_triples, max_bytes)


def _graph_url(remote: RemoteStore, iri: str) -> str:
    return _with_params(remote.gsp_url, [("graph", iri)])


def _load_by_gsp(remote: RemoteStore, spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> int:
    url = _graph_url(remote, spool.iri)
    headers = {"Content-Type": "application/n-triples"}
    requests = 0
    for chunk in _chunks(spool, folder, max_triples, max_bytes):
        method = "PUT" if requests == 0 else "POST"  # PUT replaces the graph, POST adds to it
        with _request(remote, method, url, data=chunk, headers=headers) as response:
            response.read()
        requests += 1
    if requests == 0:  # an empty graph: remove whatever the server holds under that name
        with _request(remote, "DELETE", url, ok=(404,)) as response:
            response.read()
    return requests


def _update(remote: RemoteStore, text: str) -> None:
    with _request(remote, "POST", remote.update_url, data=_form([("update", text)]), headers=FORM_HEADERS) as response:
        response.read()


def _load_by_update(remote: RemoteStore, spool: _GraphSpool, folder: Path, max_triples: int, max_bytes: int) -> int:
    _update(remote, f"DROP SILENT GRAPH <{spool.iri}>")
    requests = 1
    for chunk in _line_chunks(spool.plain, max_triples, max_bytes):
        _update(remote, f"INSERT DATA {{ GRAPH <{spool.iri}> {{\n{chunk.decode('utf-8')}}} }}")
        requests += 1
    # Virtuoso refuses blank nodes in INSERT DATA (SP031); an INSERT template with an empty WHERE
    # makes one fresh blank node per label, as INSERT DATA would, on every server.
    for chunk in _blank_chunks(spool, folder, max_triples, max_bytes):
        _update(remote, f"INSERT {{ GRAPH <{spool.iri}> {{\n{chunk.decode('utf-8')}}} }} WHERE {{}}")
        requests += 1
    return requests


def _graph_key(iri: str) -> str:
    """The name build.json uses for a graph: 'graph/asserted' for https://w3id.org/tipgraph/graph/asserted."""
    return iri.removeprefix(BASE)


def count_graphs(remote: RemoteStore, graphs: Iterable[str]) -> dict[str, int]:
    """Triples per named graph on the server, counted through its query endpoint."""
    counts = {}
    for iri in graphs:
        rows = _select(remote, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        value = rows[0]["n"] if rows else None
        try:
            counts[iri] = int(value.value)
        except (AttributeError, ValueError):
            raise RemoteQueryError(f"{remote.query_url}: counting <{iri}> gave {value!r}, not a number", url=remote.query_url) from None
    return counts


def load_release(release: Path, remote: RemoteStore, *, chunk_triples: int | None = None,
                 chunk_bytes: int = CHUNK_BYTES, progress=None) -> dict[str, int]:
    """Replace each named graph of the release on the server with the release's content, then
    verify by counting every graph through the query endpoint.

    Returns the triples per graph, keyed as build.json keys them (``graph/asserted``, ...).
    Raises ``RemoteStoreError`` (naming the URL, the HTTP status and the start of the server's
    answer) when a request fails or a count differs. ``progress(message)``, if given, is told of
    each graph as it is loaded.
    """
    release = Path(release)
    dump = release / "dataset.nq"
    if not dump.is_file():
        raise RemoteStoreError(f"{release}: no dataset.nq to load (is it a tipgraph release?)")
    if remote.gsp_url:
        load, max_triples = _load_by_gsp, chunk_triples or CHUNK_TRIPLES
    elif remote.update_url:
        load, max_triples = _load_by_update, chunk_triples or UPDATE_CHUNK_TRIPLES
    else:
        raise RemoteStoreError(f"{remote.query_url}: no Graph Store Protocol or SPARQL Update endpoint to load through "
                               f"(give gsp= or update=, or a preset such as oxigraph:URL)", url=remote.query_url)
    folder = Path(tempfile.mkdtemp(prefix="tipgraph-load-"))
    try:
        started = time.perf_counter()
        spools = _spool(dump, folder, RELEASE_GRAPHS)
        if progress:
            progress(f"read {dump} in {time.perf_counter() - started:.1f} s")
        for spool in spools.values():
            started = time.perf_counter()
            requests = load(remote, spool, folder, max_triples, chunk_bytes)
            if progress:
                progress(f"{_graph_key(spool.iri)}: {spool.count} triples in {requests} request(s), "
                         f"{time.perf_counter() - started:.1f} s")
        counts = count_graphs(remote, spools)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    wrong = [f"<{iri}> holds {counts[iri]} triples on the server, the release {spool.count}"
             for iri, spool in spools.items() if counts[iri] != spool.count]
    if wrong:
        raise RemoteStoreError(f"{remote.query_url}: the loaded graphs do not match the release: " + "; ".join(wrong),
                               url=remote.query_url)
    return {_graph_key(iri): spool.count for iri, spool in spools.items()}


# --- queries -------------------------------------------------------------------------------------------


NO_GRAPH = "urn:x-tipgraph:no-graph"  # names an empty dataset part, which the protocol cannot express


def _dataset_params(job: Job) -> list[tuple[str, str]]:
    """The job's dataset as protocol parameters. GRAPH reaching "all" graphs (None) names the four
    release graphs, so that other graphs on the server (Virtuoso's system graphs, say) stay out of
    reach, as they are on the embedded store; an empty selection names a graph that does not exist."""
    named = job.named_graphs if job.named_graphs is not None else RELEASE_GRAPHS
    return ([("default-graph-uri", g) for g in job.default_graphs or (NO_GRAPH,)]
            + [("named-graph-uri", g) for g in named or (NO_GRAPH,)])


class _BlankNodeLabels(io.RawIOBase):
    """A response stream with Virtuoso's blank node labels in SPARQL JSON results made valid:
    ``{"type": "bnode", "value": "nodeID://b10066"}`` becomes ``... "value": "b10066"}``.

    The pattern holds quotes that are not escaped, so it cannot match inside a JSON string, and it
    holds no ``}``, so a match never spans the end of a buffer cut just after a ``}``."""

    PATTERN = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
    READ = 64 * 1024

    def __init__(self, raw):
        self._raw, self._pending, self._out, self._eof = raw, b"", b"", False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self._out and not self._eof:
            data = self._raw.read(self.READ)
            if not data:
                self._eof = True
                self._out, self._pending = self.PATTERN.sub(rb"\1", self._pending), b""
                return
            self._pending += data
            cut = self._pending.rfind(b"}") + 1
            if cut == 0 and len(self._pending) > 1024 * 1024:
                cut = len(self._pending) - 4096
            if cut > 0:
                self._out = self.PATTERN.sub(rb"\1", self._pending[:cut])
                self._pending = self._pending[cut:]

    def readinto(self, buffer) -> int:
        self._fill()
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        self._out = self._out[size:]
        return size


class _Solutions:
    """Parsed solutions with their terms normalised, shaped as ``results.serialise`` reads them."""

    def __init__(self, solutions: ox.QuerySolutions):
        self._solutions = solutions
        self.variables = list(solutions.variables)
        self._names = [v.value for v in self.variables]

    def __iter__(self):
        for solution in self._solutions:
            yield {name: normalise_term(solution[name]) for name in self._names}


def run_remote(remote: RemoteStore, job: Job) -> Answer:
    """Answer a (gated) query through the remote store, serialised exactly as the embedded store's
    answers are: same formats, same row cap (``Answer.truncated``), same headers."""
    from .web.results import GRAPH_FORMATS, SOLUTION_FORMATS, serialise

    if job.media_type in SOLUTION_FORMATS:
        accept = f"{RESULTS_JSON}, {RESULTS_TSV};q=0.5"  # Virtuoso's TSV drops language tags: JSON first
    elif job.media_type in GRAPH_FORMATS:
        accept = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
    else:
        raise ValueError(f"cannot answer in {job.media_type}")
    # maxrows is Virtuoso's cap on an answer (it sends X-SPARQL-MaxRows when it cut one): without it,
    # Virtuoso computes and sends every row before the first arrives. Other servers ignore it.
    params = [("query", job.query), *_dataset_params(job), ("maxrows", str(job.max_rows + 1))]
    response = _request(remote, "POST", remote.query_url, data=_form(params),
                        headers={**FORM_HEADERS, "Accept": accept}, error=RemoteQueryError)
    with response:
        media = _media_type(response)
        if response.headers.get("X-SQL-State"):
            # Virtuoso's "anytime" answers: a 200 with whatever was found before a limit struck.
            raise RemoteQueryError(f"POST {remote.query_url}: the server returned an incomplete answer "
                                   f"({response.headers.get('X-SQL-State')}: {response.headers.get('X-SQL-Message', '')})",
                                   url=remote.query_url, status=response.status)
        try:
            if job.media_type in SOLUTION_FORMATS:
                if media not in RESULT_FORMATS:
                    raise RemoteQueryError(f"POST {remote.query_url}: the server answered a query for solutions in "
                                           f"{media or 'no media type'}, not SPARQL JSON or TSV results",
                                           url=remote.query_url, status=response.status)
                stream = _BlankNodeLabels(response) if media == RESULTS_JSON else response
                parsed = ox.parse_query_results(io.BufferedReader(stream), format=RESULT_FORMATS[media])
                results = parsed if isinstance(parsed, ox.QueryBoolean) else _Solutions(parsed)
                answer = serialise(results, job.media_type, job.max_rows)
            else:
                if media not in GRAPH_RESPONSE_FORMATS:
                    raise RemoteQueryError(f"POST {remote.query_url}: the server answered a graph query in "
                                           f"{media or 'no media type'}, not N-Triples or Turtle",
                                           url=remote.query_url, status=response.status)
                answer = serialise(_graph_results(response, GRAPH_RESPONSE_FORMATS[media], job.max_rows),
                                   job.media_type, job.max_rows)
        except (SyntaxError, ValueError) as failure:
            raise RemoteQueryError(f"POST {remote.query_url}: the server's answer could not be read: {failure}",
                                   url=remote.query_url) from None
        except OSError as failure:
            raise RemoteQueryError(f"POST {remote.query_url}: reading the answer failed: {failure}", url=remote.query_url) from None
    if response.headers.get("X-SPARQL-MaxRows") and not answer.truncated and answer.kind != "boolean":
        # Virtuoso cut the answer (at its ResultSetMaxRows, or a CONSTRUCT's solutions at maxrows):
        # say so rather than pass it off as whole.
        answer = dataclasses.replace(answer, truncated=True)
    return answer


def _graph_results(response, rdf_format: ox.RdfFormat, max_rows: int) -> ox.QueryTriples:
    """At most max_rows + 1 distinct triples of a streamed graph answer, as pyoxigraph query results
    (held in a small in-memory store, which also makes them a set, as a graph is)."""
    store = ox.Store()
    for triple in ox.parse(response, format=rdf_format):
        store.add(ox.Quad(normalise_term(triple.subject), triple.predicate, normalise_term(triple.object), ox.DefaultGraph()))
        if len(store) > max_rows:
            break
    return store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


# --- Virtuoso's spellings of the same terms ---------------------------------------------------------------


_CANONICAL_STORE = ox.Store()  # in memory: writes typed literals in the embedded store's forms
_CANONICAL_LOCK = threading.Lock()
_CANONICAL_SUBJECT = ox.NamedNode("urn:x-tipgraph:canonical")


@functools.lru_cache(maxsize=65536)
def _canonical(value: str, datatype: str) -> ox.Literal:
    """The literal as the embedded store gives it back: oxigraph stores numbers, booleans, dates and
    times as values and writes them in one canonical form ("1500"^^xsd:double for "1.5E3")."""
    literal = ox.Literal(value, datatype=ox.NamedNode(datatype))
    with _CANONICAL_LOCK:
        _CANONICAL_STORE.add(ox.Quad(_CANONICAL_SUBJECT, _CANONICAL_SUBJECT, literal))
        try:
            stored = next(iter(_CANONICAL_STORE.quads_for_pattern(_CANONICAL_SUBJECT, None, None))).object
        finally:
            _CANONICAL_STORE.clear()
    return stored


def normalise_term(term):
    """The term as the embedded store writes it, where a server wrote the same RDF term or value
    differently.

    Only rewrites that keep the term or its value: ``"x"^^xsd:string`` is ``"x"`` (RDF 1.1); a typed
    XSD literal gets the embedded store's canonical form of the same value (Virtuoso writes
    ``"1500.0"^^xsd:double`` and ``"1"^^xsd:boolean`` where the embedded store writes ``"1500"`` and
    ``"true"``, and ``.500`` seconds where it writes ``.5``); a lexical form that is not valid for its
    datatype is left as it is. Blank node labels are made valid earlier (``_BlankNodeLabels``).
    """
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return ox.Literal(term.value)
        if datatype.startswith(XSD):
            return _canonical(term.value, datatype)
    return term


# --- a guard for query workers -------------------------------------------------------------------------------


def network_guard(remote: RemoteStore):
    """An audit hook (``sys.addaudithook(network_guard(remote))``) for a query worker that may talk to
    the remote query endpoint and nothing else: any other URL, host name lookup or connection raises
    PermissionError, as the embedded store's workers refuse all network access."""
    parts = urllib.parse.urlsplit(remote.query_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    allowed_hosts = {host.lower()}
    allowed_ips: set[str] = set()
    try:
        for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            allowed_ips.add(info[4][0])
    except OSError:
        pass

    def hook(event: str, args) -> None:
        if event == "urllib.Request":
            url = args[0]
            if urllib.parse.urlsplit(url)._replace(query="", fragment="") != parts._replace(query="", fragment=""):
                raise PermissionError(f"network access to {url!r} is not allowed in a query worker")
        elif event == "socket.getaddrinfo":
            name, service = args[0], args[1]
            name = name.decode() if isinstance(name, bytes) else str(name)
            if (name.lower() not in allowed_hosts and name not in allowed_ips) or service not in (None, port, str(port)):
                raise PermissionError(f"looking up {name}:{service} is not allowed in a query worker")
        elif event == "socket.connect":
            address = args[1]
            if not (isinstance(address, tuple) and len(address) >= 2 and address[0] in allowed_ips and address[1] == port):
                raise PermissionError(f"connecting to {address!r} is not allowed in a query worker")

    return hook
