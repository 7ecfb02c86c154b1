"""Put together the asserted graph: parsed report + curated Turtle + country identifiers.

Input is a data folder laid out as the project's ``data/``:
``source/promising-practices-2012.txt``, ``concepts.ttl``, ``curated/*.ttl``,
``curated/practices/*.ttl`` and ``reference/country-codes.csv``; plus, for ``tipgraph
validate``, extra Turtle files a contributor wants checked. The result keeps, for every subject,
the files (or report lines) it came from, so that validation messages can name them.

It does not reason or validate, and it never changes the files it reads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from . import countries
from .loader import DataFileError, LoadedFile, parse_turtle
from .namespaces import TG
from .report import ReportFormatError, parse_report
from .report_graph import Lookups, UnknownNameError, report_graph

REPORT_FILE = Path("source/promising-practices-2012.txt")
COUNTRY_CODES = Path("reference/country-codes.csv")


@dataclass
class Assembled:
    graph: Graph
    origins: dict[URIRef, list[str]] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)

    def origin(self, node) -> str:
        """Where a node was stated: its files, or the report line for parsed nodes."""
        return ", ".join(self.origins.get(node, [])) or "(inferred or unknown)"


def data_files(data_dir: Path) -> list[Path]:
    """The Turtle files of a data folder, in a fixed order."""
    files = [data_dir / "concepts.ttl"]
    files += sorted((data_dir / "curated").glob("*.ttl"))
    files += sorted((data_dir / "curated" / "practices").glob("*.ttl"))
    return [f for f in files if f.exists()]


def _label(path: Path, data_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(data_dir.resolve().parent))
    except ValueError:
        return str(path)


def assemble(data_dir: Path, extra_files: list[Path] | None = None) -> Assembled:
    data_dir = Path(data_dir)
    loaded: list[LoadedFile] = [parse_turtle(p, _label(p, data_dir)) for p in data_files(data_dir)]
    loaded += [parse_turtle(Path(p), str(p)) for p in (extra_files or [])]

    curated = Graph()
    origins: dict[URIRef, list[str]] = defaultdict(list)
    for item in loaded:
        curated += item.graph
        for subject in set(item.graph.subjects()):
            if item.label not in origins[subject]:
                origins[subject].append(item.label)

    report_path = data_dir / REPORT_FILE
    report_label = _label(report_path, data_dir)
    try:
        report = parse_report(report_path.read_text(encoding="utf-8"))
        parsed = report_graph(report, Lookups.from_graph(curated), report_label)
    except OSError as error:
        raise DataFileError(report_label, f"cannot read the report ({error})") from None
    except ReportFormatError as error:
        raise DataFileError(report_label, str(error).split(": ", 1)[1], error.line) from None
    except UnknownNameError as error:
        raise DataFileError(report_label, str(error)) from None
    for subject in set(parsed.subjects()):
        line = parsed.value(subject, TG.startLine)
        if line is None:
            source = parsed.value(subject, TG.source)
            line = parsed.value(source, TG.startLine) if source is not None else None
        where = f"{report_label} line {line}" if line is not None else report_label
        if where not in origins[subject]:
            origins[subject].append(where)

    graph = curated + parsed
    codes_path = data_dir / COUNTRY_CODES
    try:
        table = countries.read_country_codes(codes_path)
    except (OSError, KeyError) as error:
        raise DataFileError(_label(codes_path, data_dir), f"cannot read the country table ({error})") from None
    enrichment = countries.enrich(graph, table)
    for subject in set(enrichment.subjects()):
        origins[subject].append(_label(codes_path, data_dir))
    graph += enrichment
    graph.add((countries.SOURCE, DCTERMS.source, URIRef("https://github.com/datasets/country-codes")))

    inputs = [item.path for item in loaded] + [report_path, codes_path]
    return Assembled(graph, dict(origins), inputs)
