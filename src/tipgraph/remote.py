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

import dataclasses
import functools
import io
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .remote_http import (
    FORM_HEADERS,
    RESULT_FORMATS,
    RESULTS_JSON,
    RESULTS_TSV,
    RemoteQueryError,
    RemoteStoreError,
    _form,
    _media_type,
    _request,
)
from .remote_load import CHUNK_BYTES, CHUNK_TRIPLES, RELEASE_GRAPHS, UPDATE_CHUNK_TRIPLES, count_graphs, load_release

if TYPE_CHECKING:  # the web package is imported only when a query is run
    from .web.executor import Job
    from .web.results import Answer

__all__ = ["PRESETS", "RELEASE_GRAPHS", "CHUNK_BYTES", "CHUNK_TRIPLES", "UPDATE_CHUNK_TRIPLES", "RemoteQueryError",
           "RemoteStore", "RemoteStoreError", "count_graphs", "load_release", "network_guard", "normalise_term", "run_remote", "url_guard"]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
GRAPH_RESPONSE_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,      # N-Triples' old media type (Virtuoso, Fuseki)
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}


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
        def resolve(values: list[str]) -> str | None:
            return urllib.parse.urljoin(query_url, values[0]) if values else None

        return cls(query_url, resolve(named["update"]), resolve(named["gsp"]),
                   user or url_user, password or url_password, timeout)

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(u for u in (self.query_url, self.update_url, self.gsp_url) if u)

    def describe(self) -> str:
        how = f"GSP {self.gsp_url}" if self.gsp_url else f"Update {self.update_url}" if self.update_url else "read only"
        return f"{self.query_url} ({how})"


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


def network_guard(remote: RemoteStore, also: tuple[str, ...] = ()):
    """An audit hook (``sys.addaudithook(network_guard(remote))``) for a query worker that may talk to
    the remote query endpoint and nothing else: any other URL, host name lookup or connection raises
    PermissionError, as the embedded store's workers refuse all network access. ``also`` names more
    URLs the worker may reach (federated endpoints); see ``url_guard``."""
    return url_guard((remote.query_url, *also))


def url_guard(urls):
    """An audit hook that lets a process reach the given http(s) URLs and nothing else: a
    ``urllib.Request`` must be for one of them (ignoring its query string), and host name lookups and
    connections must be to one of their hosts and ports, at an address one of those names resolves
    to (looked up when the hook is made, and again when a connection goes to an address not yet
    known, as a long-running worker sees a name's addresses change). Everything else raises
    PermissionError."""
    allowed_urls, allowed_hosts, allowed_ips = set(), set(), set()
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        allowed_urls.add(parts._replace(query="", fragment=""))
        allowed_hosts.add((host, port))

    def resolve() -> None:
        for host, port in allowed_hosts:
            try:
                for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):  # passes this hook
                    allowed_ips.add((info[4][0], port))
            except OSError:
                pass

    resolve()

    def hook(event: str, args) -> None:
        if event == "urllib.Request":
            url = args[0]
            if urllib.parse.urlsplit(url)._replace(query="", fragment="") not in allowed_urls:
                raise PermissionError(f"network access to {url!r} is not allowed in a query worker")
        elif event == "socket.getaddrinfo":
            name, service = args[0], args[1]
            name = (name.decode() if isinstance(name, bytes) else str(name)).lower()
            ports = {p for h, p in allowed_hosts if h == name} | {p for ip, p in allowed_ips if ip == name}
            if not any(service in (None, p, str(p)) for p in ports):
                raise PermissionError(f"looking up {name}:{service} is not allowed in a query worker")
        elif event == "socket.connect":
            address = args[1]
            if not (isinstance(address, tuple) and len(address) >= 2):
                raise PermissionError(f"connecting to {address!r} is not allowed in a query worker")
            if (address[0], address[1]) not in allowed_ips:
                resolve()
                if (address[0], address[1]) not in allowed_ips:
                    raise PermissionError(f"connecting to {address!r} is not allowed in a query worker")

    return hook
