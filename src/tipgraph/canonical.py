"""Canonical hashes of RDF files: the same hash for the same triples, however they are written.

``canonical_hash(dataset)`` relabels the blank nodes of an ``ox.Dataset`` by RDF Dataset
Canonicalization (RDFC-1.0, the W3C Recommendation that standardised URDNA2015), writes every
quad in canonical N-Quads form, sorts the lines by code point and returns the SHA-256 of the
UTF-8 bytes, in hex. ``read_dataset(path)`` parses a file of any RDF format the
bundle holds (chosen by its extension) into a dataset; ``file_hash(path)`` combines the two.

Canonical N-Quads follow RDF 1.2's canonical form, as pyoxigraph writes it: ``\\b \\t \\n \\f \\r
\\" \\\\`` as two-character escapes, the other C0 controls and U+007F as ``\\uXXXX``, everything else
as itself. pyld 3.3 writes the same canonical labels but leaves those other control characters
unescaped, so for data holding them its hash differs (tests/test_verify.py shows both).

Language tags compare case-insensitively in RDF; pyoxigraph writes them in lower case, so
``"x"@en-GB`` and ``"x"@en-gb`` hash alike. It reads files; it writes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

# Bundle file extensions and the formats they are parsed with.
FORMATS_BY_SUFFIX = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def canonical_nquads(dataset: ox.Dataset) -> bytes:
    """The dataset in canonical N-Quads: blank nodes labelled by RDFC-1.0, lines sorted."""
    copy = ox.Dataset(dataset)  # canonicalize() relabels in place; never touch the caller's dataset
    copy.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(set(ox.serialize(list(copy), format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()))
    return "".join(line + "\n" for line in lines).encode("utf-8")


def canonical_hash(dataset: ox.Dataset) -> str:
    return hashlib.sha256(canonical_nquads(dataset)).hexdigest()


def rdf_format(path: Path) -> ox.RdfFormat | None:
    """The format of a bundle file by its extension, or None when it is not an RDF file."""
    return FORMATS_BY_SUFFIX.get(Path(path).suffix)


def read_dataset(path: Path) -> ox.Dataset:
    """Parse an RDF file into a dataset. Raises ``ValueError`` naming the file when it cannot."""
    fmt = rdf_format(path)
    if fmt is None:
        raise ValueError(f"{path}: not an RDF file this bundle uses ({', '.join(FORMATS_BY_SUFFIX)})")
    try:
        return ox.Dataset(ox.parse(path=str(path), format=fmt))
    except SyntaxError as error:
        raise ValueError(f"{path}: not valid {fmt.name}: {error}") from None
    except OSError as error:
        raise ValueError(f"{path}: cannot read ({error.strerror or error})") from None


def file_hash(path: Path) -> str:
    return canonical_hash(read_dataset(path))


def byte_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex (as BagIt manifests and spdx:checksumValue give it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
