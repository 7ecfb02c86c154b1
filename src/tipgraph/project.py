"""Where the project's assets live: ontology, shapes, data, example queries, build folder.

Paths default to this repository's layout (found from this file, never from the working
directory); every one can be overridden, so tests and contributors can point at copies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Project:
    ontology: Path = ROOT / "ontology" / "tipgraph.ttl"
    shapes: Path = ROOT / "ontology" / "shapes.ttl"
    data: Path = ROOT / "data"
    queries: Path = ROOT / "queries"
    build: Path = ROOT / "build"

    def with_(self, **paths: Path | None) -> "Project":
        return replace(self, **{k: Path(v) for k, v in paths.items() if v is not None})
