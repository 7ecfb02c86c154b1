"""Read Turtle files into graphs, remembering which file each subject came from.

A file that is not valid Turtle raises ``DataFileError`` naming the file and the line. Nothing
else is read from disk here, and nothing is merged: ``assemble`` decides what goes together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph


class DataFileError(ValueError):
    """A data file could not be read or parsed."""

    def __init__(self, path: str, message: str, line: int | None = None):
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    label: str  # the path as shown in messages (relative to the data folder's parent)
    graph: Graph


def parse_turtle(path: Path, label: str) -> LoadedFile:
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(label, f"cannot read the file ({error})") from None
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        message = str(error)
        found = re.search(r"at line (\d+)", message) or re.search(r"line (\d+)", message)
        line = int(found.group(1)) if found else None
        first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
        raise DataFileError(label, f"not valid Turtle: {first}", line) from None
    return LoadedFile(path, label, graph)
