"""Serve the current build on gunicorn, a production WSGI server.

One gunicorn worker process with threads answers HTTP; user queries run in that process's pool of
query worker processes (``executor``), which is what bounds and times them. One WSGI process keeps
one pool: more would multiply query workers beyond the machine's cores. The app is created inside
the gunicorn worker (no preloading), so its query workers are spawned after the fork.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from .app import create_app
from .config import ServerConfig


class _Server(BaseApplication):
    def __init__(self, config: ServerConfig, options: dict):
        self._tipgraph_config, self._options = config, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        app = create_app(self._tipgraph_config)
        app.extensions["tipgraph"].executor  # start the query workers now, not on the first query
        return app


def gunicorn_options(config: ServerConfig, host: str, port: int, threads: int = 32) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        # gunicorn's own watchdog must outlast the query timeout, which the executor enforces.
        "timeout": int(config.query_timeout) + 30,
        "graceful_timeout": 5,
        "keepalive": 5,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


def serve(config: ServerConfig, host: str = "127.0.0.1", port: int = 5000) -> None:
    _Server(config, gunicorn_options(config, host, port)).run()
