"""Server settings in one place, with the defaults a public deployment should have."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class ServerConfig:
    release: Path                      # a built release folder (holds store/, dataset.nq, build.json)
    queries: Path                      # the example queries folder
    base_iri: str = "https://w3id.org/tipgraph/"
    query_timeout: float = 10.0        # seconds a query may run before its worker is killed
    max_query_length: int = 20_000     # characters of query text
    max_nesting: int = 128             # brackets, braces and parentheses, checked before parsing
    max_body: int = 256 * 1024         # bytes of request body
    max_rows: int = 10_000             # rows (or triples) returned; more are cut, with a header saying so
    workers: int = 2                   # query worker processes
    max_waiting: int = 64              # requests that may wait for a worker (each at most the timeout); more get 503
    cors_origin: str = "*"
    remote: object | None = None       # a remote.RemoteStore: answer SPARQL through that server instead of the local store
    federation: object | None = None   # a federation.Federation: SERVICE allowed to its endpoints only; None = refused
    extra: dict = field(default_factory=dict)

    @property
    def store(self) -> Path:
        return self.release / "store"

    def with_(self, **changes) -> "ServerConfig":
        return replace(self, **changes)
