"""The README of a release bundle: what it is, which files it holds, how to check it, licence and
citation, for a reader who has neither tipgraph nor the internet at hand.

``readme_text(...)`` returns Markdown. It holds no date but the fixed release date, so two
archives of one release have the same README. It states only what the caller passes in (facts
from the build's store and the release), and reads or writes nothing.
"""

from __future__ import annotations

from .bundle_metadata import TITLE, BundleFile
from .release import ReleaseInfo


def readme_text(info: ReleaseInfo, files: list[BundleFile], report: dict, dataset_hash: str) -> str:
    """``report`` holds the source report's ``iri``, ``title``, ``issued`` and ``creator`` (a name)."""
    year = info.date[:4]
    rows = "\n".join(f"| `data/{f.path}` | {f.description} |" for f in files)
    creator = f"{report['creator']}. " if report.get("creator") else ""
    by = f" by {report['creator']}" if report.get("creator") else ""
    issued = f" ({report['issued']})" if report.get("issued") else ""
    return f"""# {TITLE}

Version {info.version}, released {info.date}.
Identifier: <{info.dataset_iri}>

## What this is

A knowledge graph (RDF) of the report "{report['title']}"{issued}{by},
<{report['iri']}>: the
practices it describes, who funded, implemented and partnered in them, where they worked, how the
report classifies them, the figures it gives, and the passage of the report each fact comes from.
Facts are stated as the report states them; the inferred graph adds what OWL 2 RL reasoning over
the tipgraph ontology derives from them.

This folder is a BagIt bag (RFC 8493). The files under `data/` are:

| File | What it holds |
|---|---|
{rows}
| `data/metadata.ttl` | DCAT, VoID and PROV description: version, licence, source, the build and its input files with their SHA-256, each file's size, SHA-256, canonical hash and triple count. |
| `data/README.md` | This file. |

The named graphs in `tipgraph.nq` are <https://w3id.org/tipgraph/graph/asserted> (facts from the
report and curated files), <https://w3id.org/tipgraph/graph/inferred> (what reasoning added),
<https://w3id.org/tipgraph/graph/ontology> and <https://w3id.org/tipgraph/graph/shapes>.

## How to check it

1. Byte for byte: every file under `data/` is listed with its SHA-256 in `manifest-sha256.txt`,
   and the bag's own files in `tagmanifest-sha256.txt`. Check them with any BagIt tool
   (`bagit.py --validate <folder>`) or with `sha256sum -c manifest-sha256.txt` inside the folder.
2. Triple for triple: `data/metadata.ttl` records, for each RDF file, the SHA-256 of its statements
   in canonical N-Quads (blank nodes labelled by RDF Dataset Canonicalization, RDFC-1.0, the
   standardised URDNA2015; lines sorted). A copy written in another syntax, or by another
   serializer, keeps this hash; a changed statement does not. The hash of the whole dataset
   (`tipgraph.nq`) is

       {dataset_hash}

With tipgraph installed, `tipgraph verify <folder>` runs both checks and says which file fails.

## Licence

The data, the ontology and the shapes: CC0 1.0 Universal
(<http://creativecommons.org/publicdomain/zero/1.0/>). The source report is a work of the
U.S. Government, in the public domain in the United States.

## How to cite

The tipgraph project ({year}). {TITLE}, version {info.version} [data set].
<{info.dataset_iri}>. Derived from: {creator}{report['title']}{issued}.
"""
