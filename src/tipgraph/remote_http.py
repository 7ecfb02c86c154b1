"""HTTP for remote stores (``tipgraph.remote``): one request at a time with urllib, to the configured
URLs only: no proxies from the environment, no redirects followed, credentials (digest or basic)
given only in answer to the server's challenge, and errors that name the URL, the HTTP status and
the start of the server's answer."""

from __future__ import annotations

import base64
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from .remote import RemoteStore

EXCERPT = 300                    # characters of an error body quoted in an error message
USER_AGENT = "tipgraph-remote/0.1"
RESULTS_JSON = "application/sparql-results+json"
RESULTS_TSV = "text/tab-separated-values"
RESULT_FORMATS = {RESULTS_JSON: ox.QueryResultsFormat.JSON, RESULTS_TSV: ox.QueryResultsFormat.TSV}


class RemoteStoreError(Exception):
    """A remote store could not be reached or refused a request; the message names the URL, the
    HTTP status and the start of the server's answer."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None, body: str | None = None):
        super().__init__(message)
        self.url, self.status, self.body = url, status, body


class RemoteQueryError(RemoteStoreError):
    """The server refused or failed to evaluate a query (HTTP 4xx/5xx from the query endpoint)."""


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


