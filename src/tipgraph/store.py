"""The embedded pyoxigraph store of a build, and the build folder that holds it.

A build folder holds releases and a ``current`` link to the one in use::

    build/current -> releases/<id>/
    build/releases/<id>/store/          the pyoxigraph (RocksDB) store, one named graph each for
                                        asserted facts, inferred facts, the ontology and the shapes
    build/releases/<id>/dataset.nq      every quad, sorted: the full dump (blank-node labels
                                        as the store made them; see export.py for canonical)
    build/releases/<id>/build.json      what was built, from which inputs, with counts

A new release is written beside the old one and ``current`` is switched to it with one atomic
rename, so a failed or interrupted build leaves the previous release serving as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES

# What a query's default graph is, by the name a user gives it.
GRAPH_SELECTIONS = {
    "default": (GRAPH_ASSERTED, GRAPH_INFERRED),
    "asserted": (GRAPH_ASSERTED,),
    "inferred": (GRAPH_INFERRED,),
    "ontology": (GRAPH_ONTOLOGY,),
    "shapes": (GRAPH_SHAPES,),
    "all": (GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES),
}
KEEP_RELEASES = 2  # the current one and the one before it
SORT_BUFFER = "512M"  # memory for ``sort`` when writing the dump


class NoBuildError(FileNotFoundError):
    """There is no build to read: run ``tipgraph build`` first."""


def to_oxigraph(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def write_store(path: Path, graphs: dict[URIRef, Graph]) -> None:
    store = ox.Store(str(path))
    for name, graph in graphs.items():
        store.load(to_oxigraph(graph), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    store.flush()
    del store  # release RocksDB's lock before the folder is moved


def open_store(path: Path) -> ox.Store:
    if not (path / "CURRENT").exists():
        raise NoBuildError(f"no store at {path}: run `tipgraph build` first")
    return ox.Store.read_only(str(path))


def sorted_nquads(store: ox.Store) -> bytes:
    """Every quad of the store as N-Quads, one per line, sorted. The same data give the same bytes
    except for blank-node labels (the ontology's and the shapes' lists and restrictions), which the
    store makes up afresh on every load; ``export`` relabels them canonically (RDFC-1.0)."""
    lines = store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    return ("\n".join(sorted(set(lines))) + "\n").encode("utf-8")


def write_sorted_nquads(store: ox.Store, path: Path) -> None:
    """``sorted_nquads`` written to ``path`` without holding the dump in memory: pyoxigraph streams
    it to a file and ``sort`` orders it on disk. In the C locale ``sort`` compares bytes, and UTF-8
    byte order is code point order, so the bytes equal those of ``sorted_nquads``."""
    unsorted = path.with_name(path.name + ".unsorted")
    try:
        store.dump(str(unsorted), format=ox.RdfFormat.N_QUADS)
        # A fixed buffer: with more input than that, sort merges runs from temporary files (in the
        # release folder), so its memory stays flat however big the dump (a share of RAM did not).
        subprocess.run(["sort", "-u", "-S", SORT_BUFFER, "-T", str(path.parent), "-o", str(path), str(unsorted)],
                       check=True, env={**os.environ, "LC_ALL": "C"})
    finally:
        unsorted.unlink(missing_ok=True)


def current_release(build_dir: Path) -> Path:
    link = build_dir / "current"
    if not link.exists():
        raise NoBuildError(f"no build in {build_dir}: run `tipgraph build` first")
    return link.resolve()


def read_manifest(release: Path) -> dict:
    return json.loads((release / "build.json").read_text(encoding="utf-8"))


def new_release_dir(build_dir: Path) -> Path:
    """A fresh, hidden folder for a release being written; ``publish`` makes it current."""
    releases = build_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(releases)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = releases / f".incomplete-{stamp}-{os.getpid()}-{time.monotonic_ns()}"
    path.mkdir()
    return path


def publish(build_dir: Path, staging: Path) -> Path:
    """Make a finished release current with an atomic rename of the ``current`` link."""
    final = staging.with_name(staging.name.removeprefix(".incomplete-"))
    staging.rename(final)
    link = build_dir / "current"
    temporary = build_dir / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(Path("releases") / final.name)
    os.replace(temporary, link)
    _prune(build_dir / "releases", keep=final)
    return final


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def _remove_abandoned(releases: Path) -> None:
    """Delete half-written releases whose build process no longer runs (it crashed or was killed)."""
    for staging in releases.glob(".incomplete-*"):
        pid = int(staging.name.split("-")[2])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(staging, ignore_errors=True)
        except PermissionError:
            pass  # a live process of another user


def _prune(releases: Path, keep: Path) -> None:
    finished = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in finished[:-KEEP_RELEASES]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
