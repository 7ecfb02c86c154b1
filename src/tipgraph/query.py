"""Run SPARQL against a built store and format the answers.

``run(store, text, graph=...)`` evaluates a query with the chosen default graph (``default``:
asserted + inferred facts; ``asserted``, ``inferred``, ``ontology``, ``shapes``, ``all``); every
named graph stays reachable with GRAPH. ``format_results`` renders SELECT/ASK answers as an
aligned table, CSV, TSV or SPARQL JSON, and CONSTRUCT/DESCRIBE answers as Turtle or N-Triples.

It does not guard against hostile queries (length, nesting, SERVICE, timeouts): that belongs to
the server that takes queries from strangers. It never writes to the store.
"""

from __future__ import annotations

import io

import pyoxigraph as ox

from .namespaces import compact_iri
from .store import GRAPH_SELECTIONS

TABLE_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("ttl", "nt")


class QueryError(ValueError):
    """The query could not be parsed or evaluated."""


def run(store: ox.Store, text: str, graph: str = "default"):
    if graph not in GRAPH_SELECTIONS:
        raise QueryError(f"unknown graph {graph!r}; choose one of {', '.join(GRAPH_SELECTIONS)}")
    default = [ox.NamedNode(str(g)) for g in GRAPH_SELECTIONS[graph]]
    try:
        return store.query(text, default_graph=default)
    except SyntaxError as error:
        raise QueryError(f"syntax error: {error}") from None
    except OSError as error:
        raise QueryError(str(error)) from None


def compact(term) -> str:
    """A term for people: prefixed name for an IRI, the lexical form for a literal."""
    if isinstance(term, ox.NamedNode):
        short = compact_iri(term.value)
        return short if short != term.value else f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term is None:
        return ""
    return term.value


def rows(results) -> tuple[list[str], list[list]]:
    """Variable names and rows of terms (None where unbound)."""
    names = [v.value for v in results.variables]
    return names, [[solution[name] for name in names] for solution in results]


def format_table(names: list[str], table: list[list]) -> str:
    cells = [[compact(term) for term in row] for row in table]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' * (len(cells) != 1)})")
    return "\n".join(out) + "\n"


def format_results(results, fmt: str) -> bytes:
    if isinstance(results, ox.QueryBoolean):
        if fmt == "json":
            return (b'{"head":{},"boolean":' + (b"true" if bool(results) else b"false") + b"}\n")
        return (b"true\n" if bool(results) else b"false\n")
    if isinstance(results, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"a CONSTRUCT or DESCRIBE query gives a graph: use --format {' or '.join(GRAPH_FORMATS)}")
        rdf_format = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
        buffer = io.BytesIO()
        results.serialize(buffer, rdf_format)
        return buffer.getvalue()
    if fmt == "table":
        return format_table(*rows(results)).encode("utf-8")
    formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
    if fmt not in formats:
        raise QueryError(f"a SELECT query gives a table: use --format {', '.join(TABLE_FORMATS)}")
    buffer = io.BytesIO()
    results.serialize(buffer, formats[fmt])
    return buffer.getvalue()
