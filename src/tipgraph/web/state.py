"""What every request handler shares: settings, the read-only store, examples, query executor."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from ..examples import Example
from .config import ServerConfig


@dataclass
class State:
    config: ServerConfig
    store: ox.Store                 # read-only; for pages and descriptions, never for user queries
    examples: list[Example]
    manifest: dict
    _executor: object | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def executor(self):
        """The query worker pool, started on first use (after a WSGI server has forked)."""
        if self._executor is None:
            with self._lock:
                if self._executor is None:
                    from .executor import Executor

                    c = self.config
                    self._executor = Executor(c.store, workers=c.workers, timeout=c.query_timeout, max_waiting=c.max_waiting,
                                              remote=c.remote, federation=c.federation)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
            self._executor = None


def state() -> State:
    return current_app.extensions["tipgraph"]
