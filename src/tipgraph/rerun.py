"""Re-run a cited query against a store (a release bundle's, usually) and compare with its pin.

``rerun(pin, store)`` reads the store's release (``release.release_info_from_store``), its dataset
digest (the RDFC-1.0 hash of its four named graphs, as ``tipgraph verify`` prints it) and the query's result
digest, and returns a ``Rerun`` saying which of the three match the permalink. The query runs over
the same dataset as on the server: the default graph is asserted + inferred facts, and GRAPH
reaches the four named graphs.

This is for a researcher's own copy of the data: it applies no gate, timeout or row cap (the
server's ``/cite`` runs queries through its guarded executor instead). It reads no files; the CLI
opens the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .canonical import canonical_hash
from .citation import Pin, result_digest
from .query import run
from .release import release_info_from_store


@dataclass(frozen=True)
class Rerun:
    pin: Pin
    release: str   # the store's release version
    dataset: str   # the store's dataset digest
    result: str    # the query's result digest on the store

    @property
    def release_matches(self) -> bool:
        return self.release == self.pin.release

    @property
    def dataset_matches(self) -> bool:
        return self.dataset == self.pin.dataset

    @property
    def result_matches(self) -> bool:
        return self.result == self.pin.result

    @property
    def matches(self) -> bool:
        """True when the store holds the cited release's data and the query gives the cited result."""
        return self.release_matches and self.dataset_matches and self.result_matches

    def lines(self) -> list[str]:
        """A report for people, one line per comparison."""
        def verdict(ok: bool) -> str:
            return "matches" if ok else "DIFFERS"

        return [
            f"release  {verdict(self.release_matches)}: cited {self.pin.release}, bundle {self.release}",
            f"dataset  {verdict(self.dataset_matches)}: cited {self.pin.dataset}, bundle {self.dataset}",
            f"result   {verdict(self.result_matches)}: cited {self.pin.result}, bundle {self.result}",
        ]


def dataset_digest(store: ox.Store) -> str:
    """The digest of a store's four named graphs: ``sha256:`` and the RDFC-1.0 hash that
    ``tipgraph verify`` prints for the release's bundle (``canonical.canonical_hash``), so that a
    citation and an archive name a release by one and the same figure."""
    return "sha256:" + canonical_hash(ox.Dataset(store.quads_for_pattern(None, None, None, None)))


def query_digest(store: ox.Store, query: str) -> str:
    """The result digest of ``query`` over the store's default dataset (asserted + inferred)."""
    return result_digest(run(store, query, graph="default"))


def rerun(pin: Pin, store: ox.Store) -> Rerun:
    """Run the pinned query on ``store`` and compare release, dataset and result with the pin.

    Raises ``release.ReleaseError`` when the store states no release, and ``query.QueryError``
    when the query cannot be parsed or evaluated.
    """
    return Rerun(pin, release_info_from_store(store).version, dataset_digest(store), query_digest(store, pin.query))
