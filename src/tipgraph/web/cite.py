"""Citable queries over HTTP: ``GET /cite`` makes and checks permalinks (see ``tipgraph.citation``).

- ``/cite?query=<text>``: runs the query and answers with its permalink, pinned to the release
  this server runs (version, dataset digest, result digest), and a citation string.
- ``/cite?query=...&release=...&dataset=...&result=...`` (a permalink): runs the query again and
  says whether this server runs the cited release and whether the result digest still matches.

HTML by default; JSON when ``Accept`` prefers ``application/json`` or with ``format=json``.
The query goes through the same path as ``/sparql``: the gate (length, nesting, SERVICE, FROM,
updates), then a worker process with the timeout and row cap (``sparql.run_job``). An answer
longer than the row cap cannot be cited whole and gets 422. A malformed permalink gets 400 with
the reason; a pinned result that differs is not an error (200, with ``matches`` saying so).
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF

from ..citation import (PIN_FIELDS, Pin, PermalinkError, Work, citation, digest_ntriples, digest_results_json,
                        permalink, pin_from_fields, sha256)
from ..release import ReleaseInfo
from . import describe
from .executor import Job
from .gate import QueryRejected, check_query
from .negotiation import choose
from .sparql import DEFAULT_GRAPHS, ProtocolError, run_job
from .state import state

bp = Blueprint("cite", __name__)

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
OFFERED = ["text/html", "application/json"]


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers or {})


def served_release() -> tuple[ReleaseInfo, str] | None:
    """The served release and its dataset digest (the N-Quads download's SHA-256, cached with it);
    None when the store states no release."""
    info = describe.release()
    return None if info is None else (info, sha256(describe.download_bytes("tipgraph.nq")))


def cited_work(release: ReleaseInfo) -> Work:
    """Creator, title and publisher as the dataset description (VoID + DCAT) states them."""
    cache = current_app.extensions.setdefault("tipgraph.cite", {})
    if "work" not in cache:
        from .description import void_description

        s = state()
        g = void_description(s.store, s.manifest, s.config.base_iri, request.url_root)
        dataset = URIRef(s.config.base_iri + "dataset/tipgraph")

        def name(prop) -> str:
            agent = g.value(dataset, prop)
            return str(g.value(agent, FOAF.name) or agent)

        cache["work"] = Work(name(DCTERMS.creator), str(g.value(dataset, DCTERMS.title)), release.version,
                             release.date, name(DCTERMS.publisher), release.dataset_iri)
    return cache["work"]


def _wants_json() -> bool | None:
    wanted = request.args.get("format")
    if wanted is not None:
        return {"json": True, "html": False}.get(wanted.strip().lower())
    chosen = choose(request.headers.get("Accept"), OFFERED, OFFERED[0])
    return None if chosen is None else chosen == "application/json"


@bp.get("/cite")
def cite():
    config = state().config
    if served_release() is None:
        return _error(503, "503 Service Unavailable: the served store states no release version, so its answers "
                           "cannot be cited; rebuild it with `tipgraph build`")
    fields = {k: v for k, v in request.args.lists() if k != "format"}
    try:
        pin = pin_from_fields(fields, max_query_length=config.max_query_length)
    except PermalinkError as error:
        return _error(400, f"400 Bad Request: {error}")
    as_json = _wants_json()
    if as_json is None:
        return _error(406, "406 Not Acceptable: /cite answers in text/html or application/json (format=html or json)",
                      {"Vary": "Accept"})
    try:
        checked = check_query(pin.query, max_length=config.max_query_length, max_nesting=config.max_nesting)
        media_type = "application/n-triples" if checked.form in GRAPH_FORMS else "application/sparql-results+json"
        answer = run_job(Job(query=pin.query, media_type=media_type, default_graphs=DEFAULT_GRAPHS,
                             named_graphs=None, max_rows=config.max_rows))
    except QueryRejected as error:
        return _error(error.status, error.message)
    except ProtocolError as error:
        return _error(error.status, error.message, error.headers)
    if answer.truncated:
        return _error(422, f"422 Unprocessable Content: the answer has more than {config.max_rows} rows, more than "
                           "this server sends, so it cannot be cited whole; narrow the query or add a LIMIT")
    digest, rows = (digest_ntriples if checked.form in GRAPH_FORMS else digest_results_json)(answer.body)
    report = _report(pin, checked.form, digest, rows)
    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    if as_json:
        response = jsonify(report)
        response.headers.update(headers)
        return response
    return Response(render_template("cite.html", **report), mimetype="text/html", headers=headers)


def _report(pin: Pin, form: str, digest: str, rows: int) -> dict:
    """What the page and the JSON say: this server's pin, the comparison with a given one, a citation."""
    release, dataset = served_release()
    root = request.url_root.rstrip("/")
    made = Pin(pin.query, release.version, dataset, digest)
    link = permalink(root, made)
    accessed = datetime.now(timezone.utc).date().isoformat()
    matches, message = None, f"Permalink made against release {release.version} of the dataset on this server."
    if pin.pinned:
        matches = {"release": pin.release == release.version, "dataset": pin.dataset == dataset,
                   "result": pin.result == digest}
        message = _verdict(pin, release, matches)
    bundle = f"{root}/downloads/tipgraph-{release.version}.zip"
    return {
        "query": pin.query,
        "form": form,
        "release": {"version": release.version, "date": release.date, "iri": release.dataset_iri, "dataset": dataset},
        "result": {"digest": digest, "rows": rows},
        "pinned": {name: getattr(pin, name) for name in PIN_FIELDS[1:]} if pin.pinned else None,
        "matches": matches,
        "message": message,
        "permalink": link,
        "citation": citation(cited_work(release), digest, link, accessed),
        "bundle": bundle,
        "rerun": f"tipgraph rerun '{link}' --bundle DIR",
        "query_page": f"{root}/query?{urlencode({'query': pin.query, 'run': 1})}",
    }


def _verdict(pin: Pin, release: ReleaseInfo, matches: dict) -> str:
    if not matches["release"]:
        return (f"This permalink cites release {pin.release}, but this server runs release {release.version}: the result "
                f"below is this release's, not the cited one's. To check the citation, re-run it against the bundle "
                f"of release {pin.release} with `tipgraph rerun`.")
    if not matches["dataset"]:
        return (f"This server runs release {release.version}, but its data differ from the cited copy (dataset digest "
                f"{pin.dataset}): the result cannot be checked here; re-run it against the cited bundle.")
    if matches["result"]:
        return f"The result still matches: release {release.version}, same dataset, same result digest."
    return (f"The result DIFFERS from the cited one on the same release and data (cited {pin.result}); "
            "please report this, it should not happen.")
