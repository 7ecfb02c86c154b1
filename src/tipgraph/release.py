"""The dataset's release identity: its semantic version, its release date and its IRI.

One source of truth: the ontology file's header (``ontology/tipgraph.ttl``) states the version
(``owl:versionInfo``) and the release date (``dcterms:issued``, an ``xsd:date``); the ontology and
the data are released together under both. The date is fixed in the file, never the build time,
so that two archives of the same release made on different days hold the same bytes.

``release_info(project)`` reads the working tree's ontology file; ``release_info_from_store(store)``
reads the ontology graph of a built store, i.e. the release that was actually built (use it when
describing or archiving a build: the file may have changed since). Both raise ``ReleaseError``
when the version or date is missing or malformed. This module reads; it writes nothing.

>>> info = ReleaseInfo("1.2.3", "2026-01-31", dataset_iri_for("1.2.3"))
>>> info.dataset_iri
'https://w3id.org/tipgraph/dataset/tipgraph/1.2.3'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date
from typing import Iterable

import pyoxigraph as ox

from .namespaces import DATASET, GRAPH_ONTOLOGY, ONTOLOGY_IRI
from .project import Project

# The unversioned dataset; each release is ``<DATASET_IRI>/<version>``, as the ontology's
# version IRI is ``<ontology>/<version>``.
DATASET_IRI = str(DATASET["tipgraph"])

OWL_VERSION_INFO = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
OWL_VERSION_IRI = ox.NamedNode("http://www.w3.org/2002/07/owl#versionIRI")
DCTERMS_ISSUED = ox.NamedNode("http://purl.org/dc/terms/issued")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")

# Semantic Versioning 2.0.0, the grammar's core: MAJOR.MINOR.PATCH, optional pre-release and build.
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")


class ReleaseError(ValueError):
    """The ontology does not state a valid release version or date."""


@dataclass(frozen=True)
class ReleaseInfo:
    version: str      # semantic version, e.g. "0.1.0"
    date: str         # ISO yyyy-mm-dd
    dataset_iri: str  # this release of the dataset: <https://w3id.org/tipgraph/dataset/tipgraph/0.1.0>


def dataset_iri_for(version: str) -> str:
    return f"{DATASET_IRI}/{version}"


def release_info(project: Project) -> ReleaseInfo:
    """The release stated in the project's ontology file."""
    try:
        quads = ox.parse(path=str(project.ontology), format=ox.RdfFormat.TURTLE)
        triples = [(q.subject, q.predicate, q.object) for q in quads]
    except (OSError, SyntaxError) as error:
        raise ReleaseError(f"{project.ontology}: cannot read the release version: {error}") from None
    return _from_triples(triples, str(project.ontology))


def release_info_from_store(store: ox.Store) -> ReleaseInfo:
    """The release stated in the ontology graph of a built store."""
    graph = ox.NamedNode(str(GRAPH_ONTOLOGY))
    triples = [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)]
    return _from_triples(triples, f"the store's graph <{GRAPH_ONTOLOGY}>")


def _from_triples(triples: Iterable[tuple], where: str) -> ReleaseInfo:
    ontology = ox.NamedNode(str(ONTOLOGY_IRI))
    values: dict[ox.NamedNode, list] = {OWL_VERSION_INFO: [], DCTERMS_ISSUED: [], OWL_VERSION_IRI: []}
    for s, p, o in triples:
        if s == ontology and p in values:
            values[p].append(o)
    version = _single(values[OWL_VERSION_INFO], "owl:versionInfo", where)
    issued = _single(values[DCTERMS_ISSUED], "dcterms:issued", where)
    if not isinstance(version, ox.Literal) or not SEMVER.fullmatch(version.value):
        raise ReleaseError(f"{where}: owl:versionInfo {version} is not a semantic version (MAJOR.MINOR.PATCH)")
    if not isinstance(issued, ox.Literal) or issued.datatype != XSD_DATE or not _is_date(issued.value):
        raise ReleaseError(f"{where}: dcterms:issued {issued} is not an xsd:date (yyyy-mm-dd)")
    for iri in values[OWL_VERSION_IRI]:
        # The version IRI repeats the version; a release whose two disagree is a mistake.
        if not str(iri.value).endswith("/" + version.value):
            raise ReleaseError(f"{where}: owl:versionIRI {iri} does not end in the version {version.value}")
    return ReleaseInfo(version.value, issued.value, dataset_iri_for(version.value))


def _single(values: list, name: str, where: str):
    if len(values) != 1:
        found = "no" if not values else f"{len(values)} values of"
        raise ReleaseError(f"{where}: the ontology <{ONTOLOGY_IRI}> has {found} {name}; it needs exactly one")
    return values[0]


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        _date.fromisoformat(text)
    except ValueError:
        return False
    return True
