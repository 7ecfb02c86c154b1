"""Run untrusted SPARQL in worker processes that can be killed: a timeout that really stops work.

Neither pyoxigraph nor rdflib can cancel a running query from Python, and a thread cannot be
stopped, so each query runs in one of a few worker processes, each holding the store read-only.
A query that outlives its timeout has its worker killed (the work stops at once) and replaced in
the background; the caller gets ``QueryTimeout``. While every worker is busy, up to
``max_waiting`` callers queue for one (for at most the timeout); further callers get
``ServerBusy`` at once. A worker that dies (a crash in the engine) is replaced as well.

Workers are started with the ``spawn`` method, so they share nothing with a threaded WSGI
process, and they refuse outgoing network connections through an audit hook: the embedded store's
workers may reach nothing, a remote store's workers only its query endpoint (``remote.network_guard``),
and with federation on, also the allow-listed endpoints' URLs (``remote.url_guard``). SERVICE to
anything else is rejected before a query gets here; the hook is the second line. With federation
on, a worker evaluates each SERVICE call itself (``federation.rewrite`` with
``federation_http.fetch``) before the engine sees the query; a failed call gives
``FederationFailed`` with its HTTP status (502, or 504 for the federation timeout).

This module knows nothing of HTTP; ``sparql`` maps its outcomes to status codes.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .results import Answer

READY_TIMEOUT = 60.0  # seconds a new worker may take to open the store


class QueryTimeout(Exception):
    """The query ran out of time; its worker was killed."""


class ServerBusy(Exception):
    """Every worker is busy and the waiting line is full."""


class FederationFailed(Exception):
    """A federated (SERVICE) request failed; ``status`` is 502 or 504 (its timeout)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class QueryFailed(ValueError):
    """The query could not be parsed or evaluated; ``syntax`` tells which."""

    def __init__(self, message: str, syntax: bool):
        super().__init__(message)
        self.syntax = syntax


@dataclass(frozen=True)
class Job:
    query: str
    media_type: str                      # the exact media type to answer in
    default_graphs: tuple[str, ...]      # IRIs of the graphs merged as the default graph
    named_graphs: tuple[str, ...] | None  # IRIs GRAPH may reach; None = all
    max_rows: int


def _refuse_network(event: str, _args) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError(f"network access ({event}) is not allowed in a query worker")


def _federated(job: Job, federation) -> Job:
    """``job`` with its SERVICE calls answered (see ``federation``); unchanged without federation."""
    if federation is None:
        return job
    from dataclasses import replace

    from .federation import rewrite
    from .federation_http import fetch

    return replace(job, query=rewrite(job.query, federation, lambda endpoint, query: fetch(endpoint, query, federation)))


def _outcome(error: Exception):
    """The message a worker sends for a federation failure or refusal, or None for other errors."""
    from .federation import FederationError
    from .gate import QueryRejected

    if isinstance(error, FederationError):
        return ("federation", (error.status, error.message))
    if isinstance(error, QueryRejected):
        return ("syntax", error.message)
    return None


def _serve(conn, store_path: str, remote=None, federation=None) -> None:  # runs in the worker process
    import pyoxigraph as ox

    from .results import serialise

    if remote is not None:
        _serve_remote(conn, remote, federation)
        return
    if federation is None:
        sys.addaudithook(_refuse_network)
    else:
        from ..remote import url_guard

        sys.addaudithook(url_guard(federation.urls))
    store = ox.Store.read_only(store_path)
    conn.send(("ready", None))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            job = _federated(job, federation)
            results = store.query(
                job.query,
                default_graph=[ox.NamedNode(g) for g in job.default_graphs],
                named_graphs=None if job.named_graphs is None else [ox.NamedNode(g) for g in job.named_graphs],
            )
            conn.send(("ok", serialise(results, job.media_type, job.max_rows)))
        except SyntaxError as error:
            conn.send(("syntax", str(error)))
        except Exception as error:  # an evaluation error is the query's fault, reported to its sender
            conn.send(_outcome(error) or ("error", str(error)))


def _serve_remote(conn, remote, federation=None) -> None:  # runs in the worker process
    """Answer through a remote SPARQL server: only ``remote.query_url`` (and the federated
    endpoints) may be contacted, which the audit hook enforces; killing this process still stops
    the request. SERVICE calls are answered here, never passed on: the remote server would
    evaluate them itself, without our allow-list and bounds."""
    from ..remote import RemoteQueryError, RemoteStoreError, network_guard, run_remote

    sys.addaudithook(network_guard(remote, federation.urls if federation is not None else ()))
    conn.send(("ready", None))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", run_remote(remote, _federated(job, federation))))
        except RemoteQueryError as error:
            conn.send(("syntax" if getattr(error, "status", None) == 400 else "error", str(error)))
        except RemoteStoreError as error:
            conn.send(("error", str(error)))
        except Exception as error:  # a malformed answer from the remote server
            conn.send(_outcome(error) or ("error", f"the remote store's answer could not be read: {error}"))


class _Worker:
    def __init__(self, context, store_path: Path, remote=None, federation=None):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, str(store_path), remote, federation), daemon=True,
                                       name="tipgraph-query")
        self.process.start()
        child.close()
        if not self.conn.poll(READY_TIMEOUT) or self.conn.recv()[0] != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not open the store at {store_path}")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class Executor:
    def __init__(self, store_path: Path, *, workers: int = 2, timeout: float = 10.0, max_waiting: int = 64, remote=None,
                 federation=None):
        self.store_path, self.timeout, self.remote, self.federation = Path(store_path), timeout, remote, federation
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._slots = threading.BoundedSemaphore(workers + max_waiting)
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        starters = [threading.Thread(target=self._add_worker) for _ in range(workers)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join()
        if self._idle.qsize() != workers:
            self.close()
            raise RuntimeError("query workers failed to start")

    def _add_worker(self) -> None:
        worker = _Worker(self._context, self.store_path, self.remote, self.federation)
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background, so callers need not wait."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        threading.Thread(target=self._add_worker, daemon=True).start()

    def run(self, job: Job) -> Answer:
        if not self._slots.acquire(blocking=False):
            raise ServerBusy("every query worker is busy and the queue is full; try again shortly")
        try:
            try:
                worker = self._idle.get(timeout=self.timeout)
            except queue.Empty:
                raise ServerBusy(f"no query worker became free within {self.timeout:g} s; try again shortly") from None
            started = time.monotonic()
            try:
                worker.conn.send(job)
                ready = worker.conn.poll(self.timeout)
                message = worker.conn.recv() if ready else None
            except (EOFError, OSError, BrokenPipeError):
                self._retire(worker)
                raise QueryFailed("the query stopped its worker process; it was not answered", syntax=False) from None
            if message is None:
                self._retire(worker)
                raise QueryTimeout(f"the query ran for {time.monotonic() - started:.1f} s, past the {self.timeout:g} s limit, and was stopped")
            self._idle.put(worker)
            status, payload = message
            if status == "ok":
                return payload
            if status == "federation":
                raise FederationFailed(payload[1], payload[0])
            raise QueryFailed(payload, syntax=status == "syntax")
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()

    @property
    def live_workers(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.is_alive())
