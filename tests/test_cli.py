"""The command line, in-process: arguments in, exit code and output out."""

from __future__ import annotations

import json

import pytest

from tipgraph.cli import main


@pytest.fixture
def cli(built, project, capsys):
    def call(*args):
        code = main([*args, "--build-dir", str(project.build)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def test_query_text_as_table(cli):
    code, out, _ = cli("query", "--query", "PREFIX tg: <https://w3id.org/tipgraph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?p a tg:Practice }")
    assert code == 0
    assert out.splitlines()[2].strip() == "15"
    assert out.rstrip().endswith("(1 row)")


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda out: out.splitlines()[0] == "n" and out.splitlines()[1] == "15"),
    ("tsv", lambda out: out.splitlines()[0] == "?n" and out.splitlines()[1].startswith("15")),
    ("json", lambda out: json.loads(out)["results"]["bindings"][0]["n"]["value"] == "15"),
])
def test_query_formats(cli, fmt, check):
    code, out, _ = cli("query", "-f", fmt, "-q", "PREFIX tg: <https://w3id.org/tipgraph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?p a tg:Practice }")
    assert code == 0 and check(out)


def test_query_ask_and_construct(cli):
    code, out, _ = cli("query", "-q", "ASK { <https://w3id.org/tipgraph/org/tip-office> <http://www.w3.org/ns/org#unitOf> ?x }")
    assert (code, out) == (0, "true\n")
    code, out, _ = cli("query", "-q", "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?s a <https://w3id.org/tipgraph/ontology#Practice> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert code == 0 and out.count("rdf-schema#label") + out.count("rdfs:label") == 15


def test_query_graph_selection(cli):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://w3id.org/tipgraph/ontology#fundedBy> ?o }"
    assert cli("query", "-f", "csv", "-g", "asserted", "-q", query)[1].splitlines()[1] == "0"
    assert int(cli("query", "-f", "csv", "-g", "inferred", "-q", query)[1].splitlines()[1]) > 0


def test_query_from_file(cli):
    from pathlib import Path
    code, out, _ = cli("query", str(Path(__file__).resolve().parents[1] / "queries" / "01-who-funds-whom-where.rq"))
    assert code == 0 and "BBC World Service Trust" in out


def test_bad_query_is_a_clear_error(cli):
    code, out, err = cli("query", "-q", "SELECT ?x WHERE { ?x ?y }")
    assert code == 1 and out == ""
    assert err.startswith("tipgraph query: syntax error") and "Traceback" not in err


def test_query_needs_exactly_one_source(cli):
    assert cli("query")[0] == 2


def test_query_without_a_build(tmp_path, capsys):
    assert main(["query", "-q", "ASK {}", "--build-dir", str(tmp_path)]) == 1
    assert "run `tipgraph build` first" in capsys.readouterr().err


def test_export_to_file(cli, tmp_path):
    out_file = tmp_path / "graph.ttl"
    code, _, err = cli("export", "-f", "ttl", "-o", str(out_file))
    assert code == 0 and "wrote" in err
    assert out_file.read_text().startswith("@prefix")


def test_unknown_command_is_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2


@pytest.mark.parametrize("spec, named", [
    ("ftp://127.0.0.1/sparql", "http:// or https://"),
    ("oxigraph:http://127.0.0.1:7878?x=1", "takes no ?parameters"),
    ("http://user:secret@127.0.0.1:7878/query?update=a&update=b", "give update= once"),
    ("nosuchserver:http://127.0.0.1:7878", "or a preset"),
])
def test_malformed_store_is_a_usage_error(built, project, capsys, spec, named):
    """A bad --store value exits 2 naming the problem, before anything is built or served, and
    never echoes a password back."""
    before = sorted(p.name for p in (project.build / "releases").iterdir())
    code = main(["build", "--build-dir", str(project.build), "--store", spec])
    err = capsys.readouterr().err
    assert code == 2
    assert named in err and "secret" not in err
    assert sorted(p.name for p in (project.build / "releases").iterdir()) == before
