"""Every example query: has its header, runs, and gives the answer read off the report.

Expected results (``NN-name.expected.csv`` beside each ``NN-name.rq``) were written by reading the
report. Rows compare as a multiset (order-insensitive); cells that are both numbers compare as
numbers (14 equals 14.0); an unbound cell is empty.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from tipgraph.query import format_results, run

QUERIES = Path(__file__).resolve().parents[1] / "queries"
FILES = sorted(QUERIES.glob("*.rq"))
HEADER = re.compile(r"^# (title|question|description): \S", re.MULTILINE)


def cell(value: str) -> str:
    try:
        return str(Decimal(value).normalize())
    except InvalidOperation:
        return value


def table(text: str) -> tuple[list[str], Counter]:
    reader = list(csv.reader(io.StringIO(text)))
    header, rows = reader[0], reader[1:]
    return header, Counter(tuple(cell(v) for v in row) for row in rows)


def test_there_are_at_least_twenty_example_queries():
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_query_has_a_header(path):
    text = path.read_text(encoding="utf-8")
    assert sorted(set(HEADER.findall(text))) == ["description", "question", "title"], f"{path.name} lacks a title, question or description line"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_query_gives_the_expected_answer(store, path):
    expected_file = path.with_suffix(".expected.csv")
    assert expected_file.exists(), f"{path.name} has no {expected_file.name}"
    results = run(store, path.read_text(encoding="utf-8"))
    got_header, got = table(format_results(results, "csv").decode("utf-8"))
    want_header, want = table(expected_file.read_text(encoding="utf-8"))
    assert got_header == want_header
    missing, extra = want - got, got - want
    assert not missing and not extra, f"\nexpected but missing: {sorted(missing.elements())}\nreturned but not expected: {sorted(extra.elements())}"


def test_the_comparison_can_fail():
    assert table("a,b\n1,x\n")[1] == table("a,b\n1.0,x\n")[1]
    assert table("a,b\n1,x\n")[1] != table("a,b\n1,y\n")[1]
    assert table("a\n1\n1\n")[1] != table("a\n1\n")[1]


def test_the_queries_readme_lists_every_query():
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        number = path.name.split("-", 1)[0]
        assert re.search(rf"^\|\s*{number}\s*\|", readme, re.MULTILINE), f"queries/README.md does not list {path.name}"
