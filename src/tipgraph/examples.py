"""The example queries of ``queries/``: their header fields and text, as plain data.

Each ``NN-name.rq`` starts with ``# title:``, ``# question:`` and ``# description:`` lines (a
field may continue on lines starting ``#   ``). Used by the server (listing, service description,
UI) and the tests. Reads files only in ``load_examples``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

FIELD = re.compile(r"^# (title|question|description): (.*)$")
CONTINUATION = re.compile(r"^#   (.*)$")


@dataclass(frozen=True)
class Example:
    id: str          # the file's stem, e.g. "01-who-funds-whom-where"
    title: str
    question: str
    description: str
    query: str

    def as_dict(self) -> dict:
        return asdict(self)


def parse_example(name: str, text: str) -> Example:
    fields: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if match := FIELD.match(line):
            current = match.group(1)
            fields[current] = match.group(2).strip()
        elif current and (match := CONTINUATION.match(line)):
            fields[current] += " " + match.group(1).strip()
        elif not line.startswith("#"):
            break
        else:
            current = None
    missing = [f for f in ("title", "question", "description") if f not in fields]
    if missing:
        raise ValueError(f"{name}: no {', '.join(missing)} in its header")
    return Example(name, fields["title"], fields["question"], fields["description"], text)


def load_examples(folder: Path) -> list[Example]:
    return [parse_example(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq"))]
