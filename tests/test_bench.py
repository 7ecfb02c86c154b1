"""Light checks of bench/run.py: its shape queries, its tables and its arguments. No timing is
asserted and no server, build or load is started here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tipgraph.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_every_shape_has_a_query_file(bench):
    files = {p.stem for p in (ROOT / "bench" / "queries").glob("*.rq")}
    assert set(bench.SHAPES) <= files


@pytest.mark.parametrize("shape", ["join", "rollup", "aggregate", "text", "lookup"])
def test_shape_query_parses_and_returns_rows(bench, store, shape):
    query = next(q for q in bench.load_queries() if q.id == shape)
    assert query.shape
    default = [ox.NamedNode(str(g)) for g in (GRAPH_ASSERTED, GRAPH_INFERRED)]
    rows = list(store.query(query.text, default_graph=default))
    assert rows, f"{shape} returned no rows on the report's build"


def test_queries_are_the_shapes_then_the_examples(bench):
    queries = bench.load_queries()
    assert [q.id for q in queries[:5]] == list(bench.SHAPES)
    examples = [q for q in queries if not q.shape]
    assert examples and all(q.id[:2].isdigit() for q in examples)
    jobs = [job for job, _ in bench.load_jobs(queries, each_example=False)]
    assert jobs == [*bench.SHAPES, bench.MIX]


def fake_load(req_s: float, ok: int = 100, seconds: float = 10.0) -> dict:
    return {"requests": ok, "ok": ok, "seconds": seconds, "req_s": req_s, "p50_ms": 1000 / req_s if req_s else None,
            "p99_ms": 2000 / req_s if req_s else None, "errors": {} if ok else {"timeout": 4}}


def fake_throughput(bench) -> dict:
    rates = {"tipgraph": 200.0, "oxigraph": 250.0, "rdflib-endpoint": 4.0, "rdflib": 2.0}
    servers = {name: {"queries": {"join": fake_load(rate), "lookup": fake_load(rate * 10)},
                      "rows": {"join": 12, "lookup": 59 if name != "rdflib" else 58}, "info": {}}
               for name, rate in rates.items()}
    servers["rdflib-endpoint"]["queries"]["aggregate"] = fake_load(0.0, ok=0, seconds=70.0)
    servers["tipgraph"]["queries"]["aggregate"] = fake_load(50.0)
    return {"n": 1000, "servers": servers}


def test_throughput_table_has_ratio_columns(bench):
    text = bench.format_throughput(fake_throughput(bench))
    summary = text.split("\n\n")[1].splitlines()
    header = summary[0]
    assert "tipgraph/rdflib-endpoint" in header and "tipgraph/oxigraph" in header
    join = next(line for line in summary if line.startswith("join"))
    assert "50.0x" in join      # 200 / 4
    assert "0.80x" in join      # 200 / 250
    lookup = next(line for line in summary if line.startswith("lookup"))
    assert "DIFFER" in lookup   # rdflib counted 58 rows, the others 59
    aggregate = next(line for line in summary if line.startswith("aggregate"))
    assert ">3,500x" in aggregate  # no request finished in 70 s: at least 50 * 70


def test_ratio_and_targets(bench):
    throughput = fake_throughput(bench)
    assert bench.ratio(throughput["servers"], "join", "oxigraph") == (0.8, False)
    assert bench.ratio(throughput["servers"], "aggregate", "rdflib-endpoint") == (3500.0, True)
    assert bench.ratio(throughput["servers"], "missing", "oxigraph") == (None, False)
    servers = throughput["servers"]
    for name in ("tipgraph", "oxigraph"):
        servers[name]["queries"][bench.MIX] = fake_load(10.0)
    assert bench.ratio(servers, bench.MIX, "oxigraph") == (1.0, False)
    servers["oxigraph"]["info"]["left_out_of_mix"] = ["04-heading-versus-ticked-components"]
    assert bench.ratio(servers, bench.MIX, "oxigraph") == (None, False)  # different mixes: no ratio
    builds = [{"n": 15, "seconds": 4.0, "peak_mb": 120.0, "reasoner": "fast"}]
    targets = bench.evaluate_targets(builds, [{"n": 15, "seconds": 1.2}], throughput)
    by_name = {t["target"]: t for t in targets}
    assert by_name["join req/s tipgraph/rdflib-endpoint >= 10x at N=10,000"]["status"] == "PASS"
    assert by_name["join req/s tipgraph/oxigraph >= 0.5x at N=10,000"]["status"] == "PASS"
    assert "N=1,000" in by_name["join req/s tipgraph/oxigraph >= 0.5x at N=10,000"]["note"]
    assert by_name["build at N=15 under 10 s"]["status"] == "PASS"
    assert by_name["build at N=100,000 under 600 s and 4096 MB peak"]["status"] == "n/a"
    assert by_name["serve a built store: /health answers in under 2 s"]["status"] == "PASS"
    report = bench.format_targets(targets)
    assert "PASS" in report and "n/a" in report


def test_build_output_parsing(bench):
    stderr = "\tCommand being timed: ...\n\tMaximum resident set size (kbytes): 204800\n"
    stdout = "Built build/releases/x in 3.2 s (load 1.0 s, reason (fast) 0.5 s)\n"
    parsed = bench.parse_build_output(stdout, stderr, {"reasoner": "fast", "timings_s": {"load": 1.0}, "triples": {"graph/asserted": 5}})
    assert parsed["peak_mb"] == 200.0
    assert parsed["reported_seconds"] == 3.2
    assert parsed["reasoner"] == "fast" and parsed["stages"] == {"load": 1.0}


def test_percentile(bench):
    assert bench.percentile([], 50) is None
    assert bench.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert bench.percentile(list(map(float, range(101))), 99) == 99.0


def test_quick_sizes(bench):
    args = bench.parse_args(["--quick"])
    assert args.sizes == [15, 1000] and args.throughput_n == 1000 and args.seconds == 5.0
    assert args.clients == 4 and args.max_requests == 50_000 and args.timeout == 60.0
    assert args.examples_on == ["tipgraph", "oxigraph"]


def test_default_and_full_sizes(bench):
    args = bench.parse_args([])
    assert args.sizes == [15, 1000, 10000] and args.throughput_n == 10000 and args.seconds == 10.0
    assert args.examples_on == list(bench.SERVERS) == args.servers
    assert bench.parse_args(["--full"]).sizes == [15, 1000, 10000, 100000]


def test_explicit_sizes_include_the_throughput_size(bench):
    args = bench.parse_args(["--sizes", "15,2_000", "--throughput-n", "500", "--seconds", "1"])
    assert args.sizes == [15, 500, 2000] and args.throughput_n == 500 and args.seconds == 1.0
    assert bench.parse_args(["--sizes", "15", "--no-throughput"]).throughput_n is None


@pytest.mark.parametrize("argv", [["--quick", "--full"], ["--sizes", "10"], ["--sizes", "a,b"], ["--servers", "virtuoso"],
                                  ["--clients", "0"]])
def test_bad_arguments_are_refused(bench, argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(argv)
    assert exit_info.value.code == 2


def test_endpoint_requests_carry_the_same_dataset(bench):
    from urllib.parse import parse_qs

    tipgraph = bench.Endpoint("tipgraph", "http://127.0.0.1:1", "/sparql", graph_params=True)
    path, body, headers = tipgraph.encode("ASK {}")
    fields = parse_qs(body.decode())
    assert path == "/sparql" and fields["query"] == ["ASK {}"]
    assert fields["default-graph-uri"] == [str(GRAPH_ASSERTED), str(GRAPH_INFERRED)]
    assert len(fields["named-graph-uri"]) == 4
    direct = bench.Endpoint("rdflib-endpoint", "http://127.0.0.1:1", "/sparql", graph_params=False, direct_post=True)
    _, body, headers = direct.encode("ASK {}")
    assert body == b"ASK {}" and headers["Content-Type"].startswith("application/sparql-query")
