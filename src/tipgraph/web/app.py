"""The Flask app factory: one app over one built release.

``create_app(config)`` takes a ``ServerConfig`` (or builds one for the current release of a build
folder) and registers the blueprints. Cross-cutting guards live here: a request body cap, CORS on
every response (the data are public and read-only; no credentials are ever accepted), a strict
Content-Security-Policy, and error handlers that never show a traceback.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Flask, Response, request, send_from_directory
from werkzeug.exceptions import HTTPException

from .. import store as stores
from ..examples import load_examples
from ..project import Project
from . import cite, describe, pages, sparql, ui
from .config import ServerConfig
from .state import State

log = logging.getLogger("tipgraph.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def config_for(project: Project, **settings) -> ServerConfig:
    """Settings for serving the current release of ``project``'s build folder."""
    # The project travels in ``extra``: the bundle download and the JSON-LD context need its paths.
    extra = {"project": project, **settings.pop("extra", {})}
    return ServerConfig(release=stores.current_release(project.build), queries=project.queries, extra=extra, **settings)


def create_app(config: ServerConfig | None = None) -> Flask:
    config = config or config_for(Project())
    # Static files are served under /static/ by an endpoint named so it cannot clash with data IRIs.
    app = Flask(__name__, static_folder=None)
    app.add_url_rule("/static/<path:filename>", endpoint="static_files",
                     view_func=lambda filename: send_from_directory(Path(__file__).parent / "static", filename))
    app.config["MAX_CONTENT_LENGTH"] = config.max_body
    app.json.sort_keys = False
    store = stores.open_store(config.store)
    manifest = json.loads((config.release / "build.json").read_text(encoding="utf-8"))
    app.extensions["tipgraph"] = State(config, store, load_examples(config.queries), manifest)

    for blueprint in (sparql.bp, describe.bp, cite.bp, ui.bp, pages.bp):
        app.register_blueprint(blueprint)

    @app.get("/health")
    def health():
        return {"status": "ok", "release": config.release.name, "triples": manifest.get("triples", {})}

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = config.cors_origin
        response.headers["Access-Control-Expose-Headers"] = "X-Result-Rows, X-Result-Truncated, X-Result-Limit, ETag, Link"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.before_request
    def preflight():
        # CORS preflight for any read endpoint, e.g. a POST of application/sparql-query from a notebook.
        if request.method != "OPTIONS":
            return None
        return Response(status=204, headers={
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        })

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return Response(f"{error.code} {error.name}: {error.description}\n", status=error.code, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return Response("500 Internal Server Error: the server failed to answer; the error was logged.\n", status=500, mimetype="text/plain")

    @app.teardown_appcontext
    def _noop(_exc):  # the store and executor live as long as the app
        return None

    return app


__all__ = ["create_app", "config_for", "ServerConfig"]
