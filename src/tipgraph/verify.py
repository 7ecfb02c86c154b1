"""Check a release bundle written by ``archive``: bytes by BagIt, statements by canonical hash.

``verify_bundle(bundle)`` runs these checks and returns a ``VerifyReport`` (it never raises for a
bad bundle; every problem names the file):

1. ``bag``: the folder is a BagIt bag (``bagit.txt``, ``bag-info.txt``, a payload manifest).
2. ``checksums``: bagit's own validation: every payload file is in ``manifest-sha256.txt`` with
   its SHA-256, nothing is missing or extra, ``Payload-Oxum`` agrees, and the tag manifest covers
   the bag's own files. This applies to every file, RDF or not.
3. ``metadata``: ``data/metadata.ttl`` parses and records each payload file.
4. ``canonical``: each RDF file (``tipgraph.nq`` = the dataset, ``tipgraph.ttl``, ``tipgraph.jsonld``,
   the ontology, the shapes, the validation report) is parsed and its RDFC-1.0 hash compared with
   the one the metadata recorded. A re-serialised file passes; a changed statement fails.
5. ``files``: non-RDF files (README, context.jsonld) must still have the SHA-256 the metadata
   recorded; an RDF file whose bytes differ but whose canonical hash matches is only noted
   ("re-serialised"), since the canonical hash is its identity.

So an altered file with stale manifests fails at 2; a re-serialised copy whose manifests were
regenerated passes; a changed triple with regenerated manifests fails at 4. ``metadata.ttl``
itself is covered by the bag manifests only (it is dated, and it cannot hash itself).

``bundle_store(bundle)`` loads a bundle's N-Quads into a new in-memory store with the build's
named graphs, so queries can be re-run against a release. It reads; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import bagit
import pyoxigraph as ox

from .archive import METADATA
from .bundle_metadata import read_recorded
from .canonical import byte_hash, file_hash

DATASET_FILE = "tipgraph.nq"


class BundleError(ValueError):
    """The path is not a readable bundle."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class VerifyReport:
    bundle: Path
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    dataset_hash: str = ""       # RDFC-1.0 hash of tipgraph.nq as found ("" if unreadable)
    recorded_hash: str = ""      # the hash the metadata recorded for it
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _record(self, name: str, problems: list[str], passed: str) -> None:
        self.checks.append(Check(name, not problems, passed if not problems else "; ".join(problems)))
        self.problems.extend(problems)
        self.ok = self.ok and not problems


def verify_bundle(bundle: Path) -> VerifyReport:
    bundle = Path(bundle)
    report = VerifyReport(bundle)
    try:
        bag = bagit.Bag(str(bundle))
    except bagit.BagError as error:
        report._record("bag", [f"{bundle}: not a BagIt bag ({error})"], "")
        return report
    report._record("bag", [], f"BagIt {'.'.join(map(str, bag.version_info))}, {len(bag.payload_entries())} payload files")
    report._record("checksums", _bag_problems(bag, bundle), "every payload and tag file matches its manifest")

    data = bundle / "data"
    try:
        recorded = read_recorded((data / METADATA).read_bytes())
    except OSError as error:
        report._record("metadata", [f"{data / METADATA}: cannot read ({error.strerror or error})"], "")
        return report
    except SyntaxError as error:
        report._record("metadata", [f"{data / METADATA}: not valid Turtle ({error})"], "")
        return report
    missing = [] if DATASET_FILE in recorded else [f"{data / METADATA}: records no {DATASET_FILE}"]
    report._record("metadata", missing, f"records {len(recorded)} files")

    canonical, files = [], []
    for path, expected in sorted(recorded.items()):
        target = data / path
        if not target.is_file():
            (canonical if expected.canonical else files).append(f"{target}: missing")
            continue
        if expected.canonical is None:
            if byte_hash(target) != expected.sha256:
                files.append(f"{target}: SHA-256 differs from the one recorded in {METADATA}")
            continue
        try:
            found = file_hash(target)
        except ValueError as error:
            canonical.append(str(error))
            continue
        if path == DATASET_FILE:
            report.dataset_hash, report.recorded_hash = found, expected.canonical
        if found != expected.canonical:
            canonical.append(f"{target}: its statements differ from the release's "
                             f"(canonical hash {found[:16]}…, recorded {expected.canonical[:16]}…)")
        elif byte_hash(target) != expected.sha256:
            report.notes.append(f"{target}: re-serialised (bytes differ from the release, statements identical)")
    rdf_count = sum(1 for r in recorded.values() if r.canonical)
    report._record("canonical", canonical, f"{rdf_count} RDF files match their RDFC-1.0 hashes")
    report._record("files", files, "non-RDF files match their recorded SHA-256")
    return report


def _bag_problems(bag: bagit.Bag, bundle: Path) -> list[str]:
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as error:
        details = getattr(error, "details", None) or []
        if details:
            return [_detail(bundle, d) for d in details]
        # bagit stops at the first whole-bag failure (e.g. Payload-Oxum) without naming a file:
        # compare the manifest file by file so the message says which one.
        return [f"{bundle}: {error.message}", *_manifest_mismatches(bag, bundle)]
    return []


def _manifest_mismatches(bag: bagit.Bag, bundle: Path) -> list[str]:
    problems = []
    listed = bag.payload_entries()
    for rel, digests in sorted(listed.items()):
        path = bundle / rel
        if not path.is_file():
            problems.append(f"{path}: listed in the manifest but missing")
        elif "sha256" in digests and byte_hash(path) != digests["sha256"]:
            problems.append(f"{path}: sha256 checksum differs from the bag's manifest")
    for rel in sorted(set(bag.payload_files()) - set(listed)):
        problems.append(f"{bundle / rel}: present but not in the manifest")
    return problems


def _detail(bundle: Path, detail) -> str:
    path = bundle / getattr(detail, "path", "")
    if isinstance(detail, bagit.ChecksumMismatch):
        return f"{path}: {detail.algorithm} checksum differs from the bag's manifest"
    if isinstance(detail, bagit.FileMissing):
        return f"{path}: listed in the manifest but missing"
    if isinstance(detail, bagit.UnexpectedFile):
        return f"{path}: present but not in the manifest"
    return f"{bundle}: {detail}"


def bundle_store(bundle: Path) -> ox.Store:
    """A new in-memory store holding the bundle's N-Quads, with the build's named graphs.

    Raises ``BundleError`` naming the file when the bundle has none or it does not parse. It does
    not verify the bundle: call ``verify_bundle`` for that."""
    path = Path(bundle) / "data" / DATASET_FILE
    store = ox.Store()
    try:
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except OSError as error:
        raise BundleError(f"{path}: cannot read ({error.strerror or error})") from None
    except SyntaxError as error:
        raise BundleError(f"{path}: not valid N-Quads ({error})") from None
    return store
