"""Build the graph into a new release, atomically: stage it in a fresh store, publish if it passes.

``build(project)`` runs the pipeline (``pipeline.stage``) in the staging release's on-disk store,
then writes the sorted N-Quads dump and ``build.json`` and makes the release current. It returns a
``BuildResult`` (counts, timings, warnings) or raises: ``DataFileError`` for an unreadable or
malformed input file, ``InconsistencyError`` when reasoning finds a contradiction,
``ValidationError`` when SHACL finds violations. In every failing case nothing is published and
the previous release stays current.

``check(project, files)`` runs the same pipeline in memory over the project's data plus a
contributor's files and returns what it found, writing nothing.

``reasoner`` is ``"fast"`` (the rule engine in ``materialize``, the default) or ``"owlrl"`` (the
reference); ``validator`` is ``"fast"`` (``fastshacl``) or ``"pyshacl"``. Tests prove each fast
path gives the same results as its reference.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from . import store as stores
from .namespaces import compact_iri
from .pipeline import ASSERTED, INFERRED, ONTOLOGY, SHAPES, Staged, stage
from .project import Project
from .validate import ValidationReport

DEFAULT_REASONER = "fast"
DEFAULT_VALIDATOR = "fast"


def tipgraph_version() -> str:
    try:
        return version("tipgraph")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"


class ValidationError(ValueError):
    """SHACL found violations; ``lines`` says each in plain words with the file it came from."""

    def __init__(self, report: ValidationReport, lines: list[str]):
        count = len(report.violations)
        super().__init__(f"validation failed with {count} violation{'s' * (count != 1)}:\n" + "\n".join(lines))
        self.report, self.lines = report, lines


@dataclass(frozen=True)
class BuildResult:
    release: Path
    triples: dict[str, int]
    instances: dict[str, int]
    warnings: tuple[str, ...]
    timings: dict[str, float]




def check(project: Project, extra_files: list[Path] | None = None, reasoner: str = DEFAULT_REASONER,
          validator: str = DEFAULT_VALIDATOR) -> Staged:
    """Stage the project's data (and ``extra_files``) in memory: reason and validate, write nothing."""
    return stage(project, ox.Store(), extra_files, reasoner, validator)


def project_inputs(project: Project) -> list[Path]:
    """Every file a build reads: ontology, shapes and everything in the data folder."""
    data = [p for p in project.data.rglob("*") if p.is_file() and p.suffix in {".ttl", ".txt", ".csv"}]
    return sorted({project.ontology, project.shapes, *data})


def input_digest(files: list[Path]) -> dict[str, str]:
    return {str(p): _sha256(p) for p in files}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# A file's stat is trusted only when it was last changed this long before the inputs were hashed:
# a change in the same clock tick as the hashing (coarse file-system clocks) could keep size and
# mtime and still differ, so such "racy" files are hashed again (git's index does the same).
RACY_NS = 2_000_000_000


def input_stats(files: list[Path]) -> dict[str, list[int]]:
    """Size and modification time (ns) of each input, recorded beside its SHA-256."""
    return {str(p): [(st := p.stat()).st_size, st.st_mtime_ns] for p in files}


def is_up_to_date(project: Project) -> bool:
    """True when the current release was built by this version from the same input files.

    Inputs whose size and modification time are those recorded at the build (and not racy) count
    as unchanged without being read: at 100,000 practices hashing 2.4 GB of data would take
    seconds of every `serve` start. Any other input is hashed and compared."""
    try:
        manifest = stores.read_manifest(stores.current_release(project.build))
    except (stores.NoBuildError, OSError, ValueError):
        return False
    if manifest.get("version") != tipgraph_version():
        return False
    recorded: dict = manifest.get("inputs") or {}
    files = project_inputs(project)
    if sorted(recorded) != sorted(str(p) for p in files):
        return False
    stats, checked = manifest.get("input_stats") or {}, manifest.get("inputs_checked_ns", 0)
    for path in files:
        try:
            now = input_stats([path])[str(path)]
        except OSError:
            return False
        trusted = stats.get(str(path)) == now and now[1] < checked - RACY_NS
        if not trusted and _sha256(path) != recorded[str(path)]:
            return False
    return True


def build(project: Project, reasoner: str = DEFAULT_REASONER, validator: str = DEFAULT_VALIDATOR) -> BuildResult:
    staging = stores.new_release_dir(project.build)
    try:
        return _build_into(project, staging, reasoner, validator)
    except BaseException as error:
        # The traceback's frames hold the staging store open; RocksDB would go on writing into the
        # folder being deleted. Drop them first, so the store closes and the folder goes whole.
        error.__traceback__ = None
        gc.collect()
        stores.discard(staging)
        raise error from None


def _build_into(project: Project, staging: Path, reasoner: str, validator: str) -> BuildResult:
    store = ox.Store(str(staging / "store"))
    staged = stage(project, store, None, reasoner, validator)
    if not staged.validation.conforms:
        raise ValidationError(staged.validation, [staged.describe(r) for r in staged.validation.violations])
    timings = dict(staged.timings)
    start = time.perf_counter()
    # Compacting RocksDB's files once, before anything reads the release, halves the store on disk
    # and makes the served queries faster (10,000 practices: 1.4 GB -> 0.7 GB, the benchmark's
    # aggregate 0.7 s -> 0.5 s) for a few seconds of build time.
    store.optimize()
    timings["optimize"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    store.flush()
    stores.write_sorted_nquads(store, staging / "dataset.nq")
    triples = {compact_iri(g.value): _count(store, g) for g in (ASSERTED, INFERRED, ONTOLOGY, SHAPES)}
    instances = count_instances(store)
    timings["write"] = round(time.perf_counter() - start, 3)
    manifest = {
        "version": tipgraph_version(),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "reasoner": reasoner,
        "validator": validator,
        "triples": triples,
        "instances": instances,
        "warnings": [staged.describe(r) for r in staged.validation.warnings],
        "timings_s": timings,
        **_inputs_record(project),
    }
    (staging / "build.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    del store, staged  # release RocksDB's lock before the folder is renamed
    release = stores.publish(project.build, staging)
    return BuildResult(release, triples, instances, tuple(manifest["warnings"]), timings)


def _inputs_record(project: Project) -> dict:
    """The manifest's record of the inputs: SHA-256, and the stat and time that let later checks
    skip re-reading unchanged files (``is_up_to_date``)."""
    files = project_inputs(project)
    checked = time.time_ns()
    stats = input_stats(files)
    return {"inputs": input_digest(files), "input_stats": stats, "inputs_checked_ns": checked}


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    return int(next(iter(store.query(query, default_graph=[graph])))["n"].value)


INSTANCE_QUERY = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  FILTER (STRSTARTS(STR(?class), "https://w3id.org/tipgraph/ontology#")
          || ?class IN (<http://xmlns.com/foaf/0.1/Person>, <http://www.w3.org/2004/02/skos/core#Concept>,
                        <http://www.w3.org/2004/02/skos/core#ConceptScheme>, <https://schema.org/MonetaryAmount>))
} GROUP BY ?class ORDER BY ?class
"""


def count_instances(store: ox.Store) -> dict[str, int]:
    return {compact_iri(row["class"].value): int(row["n"].value) for row in store.query(INSTANCE_QUERY, default_graph=[ASSERTED, INFERRED])}
