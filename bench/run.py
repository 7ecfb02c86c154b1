"""tipgraph against its peers, in one run: build time and memory against N, start-up time, and
requests per second with p50 / p99 latency of the same queries on the same data for tipgraph's
endpoint, `oxigraph serve`, rdflib-endpoint and plain rdflib in-process.

    .venv/bin/python bench/run.py [--quick] [--full] [--sizes 15,1000,10000] [--json bench/results.json]

Needs the peers in the virtual environment: `.venv/bin/pip install -e ".[bench]"`
(a missing peer is skipped with a note). Synthetic data beyond the report's 15 practices comes from
`tipgraph.synthetic.write_dataset`.

Modes: --quick builds N = 15 and 1,000 and measures throughput at 1,000 with 5 s loads (meant to
finish within 5 minutes on a 2-core machine); the default builds 15, 1,000 and 10,000 and measures
throughput at 10,000 with 10 s loads; --full adds the 100,000-practice build. --sizes and
--throughput-n override.

What it does:
1. Builds: `tipgraph build --data D --build-dir B` in a subprocess under GNU time (`/usr/bin/time
   -v`; without it, a wrapper reads getrusage of its only child): wall seconds and peak RSS.
2. Start-up: seconds from starting `tipgraph serve` on each built store until /health answers.
3. Throughput at one N, all servers up at once on 127.0.0.1: each first answers every query once
   (warm-up; its rows are counted and compared between servers: a difference is a finding; after
   --max-timeouts timeouts a server skips its remaining example queries). Then, per shape query
   and for the example queries as one mix, the servers take turns (so the noise of a shared
   machine falls on all alike): --clients concurrent clients send requests (keep-alive, each with
   a --timeout client timeout) for --seconds seconds or at most --max-requests; recorded are
   successful requests per second, p50 and p99 latency (of every request, an error's too) and
   errors by kind. rdflib in-process runs the same queries, prepared once, on one thread in a child
   forked from the benchmark (killed if a query outlasts --timeout). rdflib-endpoint answers one
   query at a time and has no timeout, so after a client timeout it is restarted (a new fork of the
   loaded app) rather than left working through abandoned queries. With --quick the example
   queries run on tipgraph and oxigraph only (--examples-on): some take 10-50 s each on rdflib at
   N = 1,000.
   The same dataset for all: the release's dataset.nq. tipgraph's default graph is asserted +
   inferred; oxigraph gets the same through default-graph-uri (and named-graph-uri for all four
   graphs, so GRAPH reaches them as on tipgraph); rdflib and rdflib-endpoint (which ignores those
   parameters) load only the asserted and inferred graphs into a Dataset whose default graph is
   their union. tipgraph runs with --max-rows raised and --timeout equal to the client timeout so
   it returns the same rows as the others. The load clients are Python threads on the same 2
   cores: on the cheapest queries (lookup) they, not the server, may set the ceiling (about
   1,500 req/s here).
4. Prints the tables, ratios and the targets (PASS / MISS), and writes all of it as JSON.

Every server is started on a free 127.0.0.1 port and stopped by its process id; nothing leaves the
loopback interface.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.metadata
import itertools
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tipgraph.web.liveserver import descendants, rss_mb

ROOT = Path(__file__).resolve().parents[1]
BENCH_QUERIES = Path(__file__).resolve().parent / "queries"
SHAPES = ("join", "rollup", "aggregate", "text", "lookup")
MIX = "examples"                      # the load row that cycles through every example query
REPORT_N = 15                         # the report itself: the project's data/ unchanged
GRAPH = "https://w3id.org/tipgraph/graph/"
DEFAULT_GRAPHS = (GRAPH + "asserted", GRAPH + "inferred")
NAMED_GRAPHS = tuple(GRAPH + g for g in ("asserted", "inferred", "ontology", "shapes"))
SERVERS = ("tipgraph", "oxigraph", "rdflib-endpoint", "rdflib")
ACCEPT = "application/sparql-results+json"
GNU_TIME = "/usr/bin/time"
BIG_ROWS = 100_000_000                # tipgraph --max-rows, so no answer is cut

# Targets (issue): ratios of tipgraph's req/s at 10,000 practices, and build / start-up limits.
TARGET_N = 10_000
RATIO_TARGETS = (("join", "rdflib-endpoint", 10.0), ("aggregate", "rdflib-endpoint", 10.0),
                 ("join", "oxigraph", 0.5), ("aggregate", "oxigraph", 0.5))
BUILD_TARGETS = ((100_000, 600.0, 4096.0), (REPORT_N, 10.0, None))
STARTUP_TARGET_S = 2.0


# ---------------------------------------------------------------------------------------------
# Arguments


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes numbers separated by commas, not {text!r}") from None
    if not sizes or sizes[0] < REPORT_N:
        raise argparse.ArgumentTypeError(f"every size must be at least {REPORT_N} (the report's practices)")
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 15 and 1,000; throughput at 1,000; 5 s loads")
    parser.add_argument("--full", action="store_true", help="also build N = 100,000")
    parser.add_argument("--sizes", type=parse_sizes, help="practice counts to build, e.g. 15,1000,10000")
    parser.add_argument("--throughput-n", type=int, help="N at which the servers are compared (default: 1,000 with --quick, else 10,000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients per load (default: 4)")
    parser.add_argument("--seconds", type=float, help="seconds per load (default: 5 with --quick, else 10)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="requests per load at most (default: 50,000)")
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout per request, s (default: 60)")
    parser.add_argument("--servers", default=",".join(SERVERS), help=f"which to compare (default: {','.join(SERVERS)})")
    parser.add_argument("--max-timeouts", type=int, default=3,
                        help="after this many timed-out queries a server skips its remaining example queries (default: 3)")
    parser.add_argument("--each-example", action="store_true", help="also load every example query on its own")
    parser.add_argument("--examples-on", help="servers that run the example queries (default: all; with --quick: "
                        "tipgraph,oxigraph, since some examples take 10-50 s each on rdflib at N=1,000)")
    parser.add_argument("--no-throughput", action="store_true", help="builds and start-up only")
    parser.add_argument("--workdir", type=Path, help="where data and builds go (default: a temporary folder, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--reuse", action="store_true",
                        help="with --workdir: reuse the data and builds a kept earlier run left there (their build is not timed again)")
    parser.add_argument("--reasoner", help="pass --reasoner to `tipgraph build` (default: the build's own default)")
    parser.add_argument("--validator", help="pass --validator to `tipgraph build` (default: the build's own default)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default: 0)")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    if args.quick and args.full:
        parser.error("--quick and --full exclude each other")
    if args.reuse and args.workdir is None:
        parser.error("--reuse needs --workdir")
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if unknown := [s for s in servers if s not in SERVERS]:
        parser.error(f"unknown server(s) {', '.join(unknown)}; choose from {', '.join(SERVERS)}")
    args.servers = servers
    if args.examples_on is None:
        args.examples_on = ["tipgraph", "oxigraph"] if args.quick else list(SERVERS)
    else:
        args.examples_on = [s.strip() for s in args.examples_on.split(",") if s.strip()]
        if unknown := [s for s in args.examples_on if s not in SERVERS]:
            parser.error(f"unknown server(s) {', '.join(unknown)} in --examples-on")
    if args.clients < 1 or args.max_requests < 1 or args.timeout <= 0:
        parser.error("--clients, --max-requests and --timeout must be positive")
    if args.sizes is None:
        args.sizes = [REPORT_N, 1_000] if args.quick else [REPORT_N, 1_000, 10_000]
        if args.full:
            args.sizes.append(100_000)
    if args.throughput_n is None:
        args.throughput_n = 1_000 if args.quick else 10_000
    if args.no_throughput:
        args.throughput_n = None
    elif args.throughput_n not in args.sizes:
        args.sizes = sorted({*args.sizes, args.throughput_n})
    if args.seconds is None:
        args.seconds = 5.0 if args.quick else 10.0
    return args


# ---------------------------------------------------------------------------------------------
# Queries


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    shape: bool


def load_queries() -> list[Query]:
    """The five shape queries of bench/queries/, then the example queries of queries/."""
    from tipgraph.examples import load_examples

    shapes = [Query(s, (BENCH_QUERIES / f"{s}.rq").read_text(encoding="utf-8"), True) for s in SHAPES]
    examples = [Query(e.id, e.query, False) for e in load_examples(ROOT / "queries")]
    return shapes + examples


# ---------------------------------------------------------------------------------------------
# Data and builds


def dataset_dir(n: int, work: Path, seed: int) -> tuple[Path, float]:
    """The data folder for N practices, and the seconds it took to write."""
    if n == REPORT_N:
        return ROOT / "data", 0.0
    from tipgraph.synthetic import write_dataset  # written alongside this benchmark

    start = time.perf_counter()
    out = work / f"data-{n}"
    if out.exists():
        shutil.rmtree(out)
    write_dataset(ROOT / "data", out, n - REPORT_N, seed=seed)  # N practices in all: the report's and n - 15 more
    return out, time.perf_counter() - start


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


RUSAGE_WRAPPER = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
                  "print('Maximum resident set size (kbytes):', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
                  "file=sys.stderr); sys.exit(code)")


def parse_build_output(stdout: str, stderr: str, manifest: dict) -> dict:
    """Peak RSS (GNU time's line), and from build.json (else the build's output) its stage
    timings, reasoner, validator and triples per graph."""
    out: dict = {}
    if m := re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr):
        out["peak_mb"] = int(m.group(1)) / 1024
    if m := re.search(r"^Built \S+ in ([\d.]+) s", stdout, re.M):
        out["reported_seconds"] = float(m.group(1))
    if isinstance(manifest.get("timings_s"), dict):
        out["stages"] = manifest["timings_s"]
    for key in ("reasoner", "validator"):
        value = manifest.get(key)
        if value is None and (m := re.search(rf"{key}[:=\s]+\(?([\w.-]+)", stdout + stderr, re.I)):
            value = m.group(1)
        out[key] = str(value) if value else "default (not reported)"
    if isinstance(manifest.get("triples"), dict):
        out["triples"] = manifest["triples"]
    return out


def timed_build(data: Path, build_dir: Path, log: Path, limit: float, extra: tuple[str, ...] = ()) -> dict:
    command = [sys.executable, "-m", "tipgraph.cli", "build", "--data", str(data), "--build-dir", str(build_dir), *extra]
    if os.access(GNU_TIME, os.X_OK):
        command, meter = [GNU_TIME, "-v", *command], "GNU time -v"
    else:
        command, meter = [sys.executable, "-c", RUSAGE_WRAPPER, *command], "getrusage(RUSAGE_CHILDREN)"
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, cwd=ROOT)
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        return {"seconds": time.perf_counter() - start, "error": f"stopped after {limit:.0f} s", "meter": meter}
    seconds = time.perf_counter() - start
    log.write_text(stdout + "\n--- stderr ---\n" + stderr, encoding="utf-8")
    result = {"seconds": seconds, "meter": meter}
    if process.returncode != 0:
        tail = [line for line in stderr.splitlines() if line.strip() and not line.startswith("\t")]
        result["error"] = f"exit {process.returncode}: " + " | ".join(tail[-3:])[:400]
    try:
        manifest = json.loads((build_dir / "current" / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    result.update(parse_build_output(stdout, stderr, manifest))
    return result


def startup_seconds(build_dir: Path, data: Path, limit: float = 300.0) -> float:
    """Seconds from starting `tipgraph serve` on a built store until /health answers."""
    from tipgraph.web.liveserver import LiveServer

    start = time.perf_counter()
    server = LiveServer(build_dir, "--data", str(data), startup=limit)
    seconds = time.perf_counter() - start
    server.stop()
    return seconds


# ---------------------------------------------------------------------------------------------
# HTTP: endpoints, a keep-alive client, the bounded load


@dataclass
class Endpoint:
    name: str
    url: str                     # http://127.0.0.1:PORT
    path: str                    # /sparql or /query
    graph_params: bool           # send default-graph-uri / named-graph-uri
    direct_post: bool = False    # POST application/sparql-query instead of a form

    def encode(self, query: str) -> tuple[str, bytes, dict]:
        headers = {"Accept": ACCEPT}
        if self.direct_post:
            headers["Content-Type"] = "application/sparql-query; charset=utf-8"
            return self.path, query.encode("utf-8"), headers
        fields = [("query", query)]
        if self.graph_params:
            fields += [("default-graph-uri", g) for g in DEFAULT_GRAPHS] + [("named-graph-uri", g) for g in NAMED_GRAPHS]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.path, urllib.parse.urlencode(fields).encode("ascii"), headers


class Client:
    """One keep-alive connection; reconnects once when the server closed an idle connection."""

    def __init__(self, endpoint: Endpoint, timeout: float):
        parts = urllib.parse.urlsplit(endpoint.url)
        self.endpoint, self.host, self.port, self.timeout = endpoint, parts.hostname, parts.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, query: str) -> tuple[str, float, bytes]:
        """(status or error kind, seconds, body)."""
        path, body, headers = self.endpoint.encode(query)
        start = time.perf_counter()
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", path, body, headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.close()
                return str(response.status), time.perf_counter() - start, data
            except TimeoutError:
                self.close()
                return "timeout", time.perf_counter() - start, b""
            except (http.client.HTTPException, OSError) as error:
                self.close()
                if attempt == 0 and reused:
                    continue
                return type(error).__name__, time.perf_counter() - start, b""
        raise AssertionError("unreachable")


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summarise(statuses: list[str], times: list[float], wall: float) -> dict:
    ok = statuses.count("200")
    errors: dict[str, int] = {}
    for status in statuses:
        if status != "200":
            errors[status] = errors.get(status, 0) + 1
    return {"requests": len(statuses), "ok": ok, "seconds": round(wall, 3), "req_s": ok / wall if wall > 0 else 0.0,
            "p50_ms": _ms(percentile(times, 50)), "p99_ms": _ms(percentile(times, 99)), "errors": errors}


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def run_load(endpoint: Endpoint, queries: list[str], clients: int, seconds: float, max_requests: int,
             timeout: float) -> dict:
    """clients threads send the queries (cycling, each from its own offset) until seconds pass or
    max_requests are sent; every request is bounded by timeout."""
    statuses: list[str] = []
    times: list[float] = []
    lock = threading.Lock()
    sent = itertools.count()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = Client(endpoint, timeout)
        order = itertools.cycle(queries[offset % len(queries):] + queries[:offset % len(queries)])
        try:
            while time.monotonic() < deadline and next(sent) < max_requests:
                status, elapsed, _ = connection.send(next(order))
                with lock:
                    statuses.append(status)
                    times.append(elapsed)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i * max(1, len(queries) // clients),), daemon=True)
               for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 2 * timeout + 10)
    wall = time.monotonic() - start
    with lock:
        result = summarise(list(statuses), list(times), wall)
    if any(t.is_alive() for t in threads):
        result["errors"]["client still waiting"] = sum(t.is_alive() for t in threads)
    return result


def count_rows(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if "boolean" in data:
        return 1
    return len(data.get("results", {}).get("bindings", []))


def wait_ready(endpoint: Endpoint, process_alive, limit: float) -> float:
    """Seconds until the endpoint answers ASK {}; raises if it dies or does not answer in time."""
    start = time.perf_counter()
    client = Client(endpoint, timeout=5)
    try:
        while time.perf_counter() - start < limit:
            if not process_alive():
                raise RuntimeError(f"{endpoint.name} exited while starting")
            status, _, body = client.send("ASK {}")
            if status == "200":
                return time.perf_counter() - start
            if status.isdigit() and status != "503":
                raise RuntimeError(f"{endpoint.name} answered ASK {{}} at {endpoint.path} with {status}: {body[:200]!r}")
            time.sleep(0.1)
    finally:
        client.close()
    raise RuntimeError(f"{endpoint.name} did not answer within {limit:.0f} s")


# ---------------------------------------------------------------------------------------------
# The servers: each starts on a free loopback port and has stop() (by process id), recover()
# (after a client timeout) and rss_mb()


def free_port() -> int:
    from tipgraph.web.liveserver import free_port as port

    return port()


class TipgraphServer:
    name = "tipgraph"

    def __init__(self, build_dir: Path, data: Path, timeout: float):
        from tipgraph.web.liveserver import LiveServer

        start = time.perf_counter()
        self.live = LiveServer(build_dir, "--data", str(data), "--timeout", str(timeout), "--max-rows", str(BIG_ROWS),
                               startup=300)
        self.info = {"start_s": time.perf_counter() - start, "options": f"--timeout {timeout:g} --max-rows {BIG_ROWS}"}
        self.endpoint = Endpoint(self.name, self.live.url, "/sparql", graph_params=True)

    def rss_mb(self) -> float:
        return self.live.rss_mb()

    def recover(self) -> None:
        """Nothing to do: a query past the timeout has its worker killed by the server itself."""

    def stop(self) -> None:
        self.live.stop()


class OxigraphServer:
    name = "oxigraph"

    def __init__(self, nquads: Path, work: Path, timeout: float):
        binary = Path(sys.executable).parent / "oxigraph"
        if not binary.exists():
            binary = shutil.which("oxigraph")
        if not binary:
            raise RuntimeError("the oxigraph CLI is not installed (.venv/bin/pip install oxigraph)")
        location = work / "oxigraph-store"
        if location.exists():
            shutil.rmtree(location)
        start = time.perf_counter()
        for step in (["load", "--location", str(location), "--file", str(nquads)], ["optimize", "--location", str(location)]):
            subprocess.run([str(binary), *step], check=True, capture_output=True, timeout=3600)
        self.info = {"load_s": time.perf_counter() - start, "options": "serve-read-only, on-disk store (loaded and optimized)"}
        port = free_port()
        self.log = open(work / "oxigraph.log", "wb")
        start = time.perf_counter()
        self.process = subprocess.Popen(
            [str(binary), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
             "--timeout-s", str(int(timeout))], stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.endpoint = Endpoint(self.name, f"http://127.0.0.1:{port}", "/query", graph_params=True)
        try:
            wait_ready(self.endpoint, lambda: self.process.poll() is None, 120)
        except Exception:
            self.stop()
            raise
        self.info["start_s"] = time.perf_counter() - start

    def rss_mb(self) -> float:
        return rss_mb(descendants(self.process.pid))

    def recover(self) -> None:
        """Nothing to do: --timeout-s stops a query past the timeout."""

    def stop(self) -> None:
        _kill_group(self.process)
        self.log.close()


def load_rdflib(nquads: Path, work: Path):
    """An rdflib Dataset whose default graph is the union of the asserted and inferred graphs (the
    only graphs loaded), and the seconds it took."""
    from rdflib import Dataset

    start = time.perf_counter()
    wanted = tuple(f"<{g}> .".encode() for g in DEFAULT_GRAPHS)
    filtered = work / "asserted-inferred.nq"
    with open(nquads, "rb") as source, open(filtered, "wb") as target:
        for line in source:
            if line.rstrip().endswith(wanted):
                target.write(line)
    dataset = Dataset(default_union=True)
    dataset.parse(str(filtered), format="nquads")
    filtered.unlink()
    return dataset, time.perf_counter() - start


def _serve_rdflib_endpoint(app, port: int) -> None:  # runs in a forked child
    import logging

    import uvicorn

    logging.disable(logging.CRITICAL)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical", access_log=False)


class RdflibEndpointServer:
    """rdflib-endpoint's SparqlEndpoint under uvicorn, in a child forked from this process after
    the Dataset is loaded and the app made (so the data are parsed once for rdflib and
    rdflib-endpoint alike, and a restart after a timeout costs a fork, not a new start-up)."""

    name = "rdflib-endpoint"

    def __init__(self, dataset, info: dict):
        import logging

        import uvicorn  # noqa: F401  (fail here, in the parent, when it is missing)
        from rdflib_endpoint import SparqlEndpoint

        self.process, self.restarts = None, 0
        start = time.perf_counter()
        level = logging.getLogger().level
        logging.getLogger().setLevel(logging.CRITICAL)
        try:  # its service description counts every graph's triples: a long query at large N
            self.app = SparqlEndpoint(graph=dataset, path="/sparql", public_url="http://127.0.0.1/sparql")
        finally:
            logging.getLogger().setLevel(level)
        self.start()
        self.info = {**info, "start_s": time.perf_counter() - start,
                     "options": "SparqlEndpoint under uvicorn; Dataset(default_union=True) of asserted + inferred"}

    def start(self) -> None:
        port = free_port()
        self.process = multiprocessing.get_context("fork").Process(target=_serve_rdflib_endpoint,
                                                                   args=(self.app, port), daemon=True)
        self.process.start()
        self.endpoint = Endpoint(self.name, f"http://127.0.0.1:{port}", "/sparql", graph_params=False, direct_post=True)
        try:
            wait_ready(self.endpoint, self.process.is_alive, 120)
        except Exception:
            self.stop()
            raise

    def recover(self) -> None:
        """rdflib-endpoint answers one query at a time and has no timeout: a query its client gave up
        on still runs and would delay every later request. Restart it (a new fork, no new parse)."""
        self.stop()
        self.start()
        self.restarts += 1
        self.info["restarts_after_timeouts"] = self.restarts

    def rss_mb(self) -> float:
        return rss_mb([self.process.pid])

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(3)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


# ---------------------------------------------------------------------------------------------
# rdflib in-process (a forked child, one thread; killed when a query outlasts the timeout)


def _failed(errors: dict, seconds: float = 0.0, message: str = "") -> dict:
    out = {"requests": 1, "ok": 0, "seconds": seconds, "req_s": 0.0, "p50_ms": None, "p99_ms": None, "errors": errors,
           "rows": None}
    return {**out, "message": message} if message else out


def _rdflib_worker(dataset, jobs: list[tuple[str, list[str], float]], max_runs: int, conn) -> None:
    from rdflib.plugins.sparql import prepareQuery

    for job_id, texts, seconds in jobs:
        try:
            prepared = [prepareQuery(t) for t in texts]
            times, rows = [], None
            start = time.perf_counter()
            for index in itertools.count():
                t0 = time.perf_counter()
                result = dataset.query(prepared[index % len(prepared)])
                n = 1 if result.type == "ASK" else len(result)
                times.append(time.perf_counter() - t0)
                if index == 0:
                    rows = n
                if time.perf_counter() - start >= seconds or len(times) >= max_runs:
                    break
            wall = time.perf_counter() - start
            conn.send((job_id, {**summarise(["200"] * len(times), times, wall), "rows": rows if len(texts) == 1 else None}))
        except Exception as error:  # a query rdflib cannot run is a finding, not a crash
            conn.send((job_id, _failed({type(error).__name__: 1}, message=str(error)[:300])))
    conn.close()


def rdflib_in_process(dataset, jobs: list[tuple[str, list[str], float]], max_runs: int, timeout: float,
                      max_timeouts: int = 3, keep_shapes: set[str] = frozenset()) -> dict[str, dict]:
    """Runs each job (id, query texts, seconds) in a child forked from this process: its queries,
    prepared once, cycled on one thread for `seconds` (at least once). A job whose query in progress
    passes `timeout` is recorded as a timeout; its child is killed and a new one takes the rest."""
    context = multiprocessing.get_context("fork")
    results: dict[str, dict] = {}
    remaining = list(jobs)
    while remaining:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_rdflib_worker, args=(dataset, remaining, max_runs, sender), daemon=True)
        child.start()
        sender.close()
        done = 0
        for job_id, _, seconds in remaining:
            budget = seconds + timeout + 5
            try:
                if not receiver.poll(budget):
                    results[job_id] = _failed({"timeout": 1}, budget)
                    done += 1
                    break
                got_id, result = receiver.recv()
            except EOFError:
                results[job_id] = _failed({"worker died": 1})
                done += 1
                break
            results[got_id] = result
            done += 1
        if child.is_alive() and done < len(remaining):
            child.kill()
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()
        remaining = remaining[done:]
        if sum("timeout" in r["errors"] for r in results.values()) >= max_timeouts:
            for job_id, texts, _ in remaining:
                if job_id not in keep_shapes:
                    results[job_id] = {**_failed({}), "requests": 0, "skipped": True}
            remaining = [job for job in remaining if job[0] in keep_shapes]
    return results


# ---------------------------------------------------------------------------------------------
# The measurements: all servers up at once, each query loaded on one server after the other, so
# that the noise of a shared machine falls on all of them alike


def load_jobs(queries: list[Query], each_example: bool) -> list[tuple[str, list[str]]]:
    jobs = [(q.id, [q.text]) for q in queries if q.shape]
    examples = [q for q in queries if not q.shape]
    if examples:
        jobs.append((MIX, [q.text for q in examples]))
    if each_example:
        jobs += [(q.id, [q.text]) for q in examples]
    return jobs


def queries_for(server: str, queries: list[Query], args) -> list[Query]:
    """The shapes, and the example queries too where --examples-on names the server."""
    return queries if server in args.examples_on else [q for q in queries if q.shape]


def warm_up(server, queries: list[Query], args, log) -> dict:
    """Every query once on an HTTP server: warm-up, rows, one-at-a-time latency. After
    --max-timeouts timeouts its remaining example queries are skipped."""
    out: dict = {"info": server.info, "queries": {}, "rows": {}, "single_ms": {}, "skipped": [], "answered": []}
    client = Client(server.endpoint, args.timeout)
    timeouts = 0
    try:
        for query in queries:
            if timeouts >= args.max_timeouts and not query.shape:
                out["skipped"].append(query.id)
                continue
            status, elapsed, body = client.send(query.text)
            out["single_ms"][query.id] = elapsed * 1000
            out["rows"][query.id] = count_rows(body) if status == "200" else f"error {status}"
            if status == "200":
                out["answered"].append(query.id)
            else:
                log(f"    {server.name}: {query.id}: {status} after {elapsed:.1f} s" + (f": {body[:200]!r}" if body else ""))
            if status == "timeout":
                timeouts += 1
                client.close()
                server.recover()
                client = Client(server.endpoint, args.timeout)
    finally:
        client.close()
    return out


def warm_up_rdflib(dataset, queries: list[Query], args, log) -> dict:
    """Every query once in-process (rows, latency); skips as warm_up does."""
    out: dict = {"info": {}, "queries": {}, "rows": {}, "single_ms": {}, "skipped": [], "answered": []}
    timed = rdflib_in_process(dataset, [(q.id, [q.text], 0.0) for q in queries], 1, args.timeout, args.max_timeouts,
                              keep_shapes=set(SHAPES))
    for query in queries:
        r = timed[query.id]
        if r.get("skipped"):
            out["skipped"].append(query.id)
            continue
        out["rows"][query.id] = r["rows"] if r["ok"] else f"error {fmt_errors(r['errors'])}"
        out["single_ms"][query.id] = r["p50_ms"]
        if r["ok"]:
            out["answered"].append(query.id)
        else:
            log(f"    rdflib: {query.id}: {fmt_errors(r['errors'])} {r.get('message', '')}")
    return out


def start_servers(args, release: Path, build_dir: Path, data: Path, work: Path, log, notes: list[str],
                  stack: list) -> tuple[dict, object]:
    """The HTTP servers asked for (each pushed on `stack` to be stopped), and the rdflib Dataset
    (None when neither rdflib nor rdflib-endpoint is asked for)."""
    nquads = release / "dataset.nq"
    started: dict = {}
    for name in [s for s in args.servers if s in ("tipgraph", "oxigraph")]:
        log(f"  {name}: starting")
        try:
            server = TipgraphServer(build_dir, data, args.timeout) if name == "tipgraph" else OxigraphServer(nquads, work, args.timeout)
        except Exception as error:
            notes.append(f"{name}: not measured: {error}")
            log(f"  {name}: not measured: {error}")
            continue
        stack.append(server)
        started[name] = server
    dataset = None
    if {"rdflib", "rdflib-endpoint"} & set(args.servers):
        log("  rdflib: loading the dataset")
        before = rss_mb([os.getpid()])
        dataset, load_s = load_rdflib(nquads, work)
        info = {"load_s": load_s, "rss_mb_of_dataset": round(rss_mb([os.getpid()]) - before, 1)}
        log(f"  rdflib: loaded {len(dataset)} triples in {load_s:.1f} s")
        dataset_info = {**info, "options": "Dataset.query of prepared queries, one thread, no HTTP"}
        if "rdflib-endpoint" in args.servers:
            log("  rdflib-endpoint: starting")
            try:
                server = RdflibEndpointServer(dataset, dict(info))
            except Exception as error:
                notes.append(f"rdflib-endpoint: not measured: {error}")
                log(f"  rdflib-endpoint: not measured: {error}")
            else:
                stack.append(server)
                started["rdflib-endpoint"] = server
        dataset = (dataset, dataset_info)
    return started, dataset


def measure_servers(args, release: Path, build_dir: Path, data: Path, work: Path, queries: list[Query], log) -> dict:
    servers: dict[str, dict] = {}
    notes: list[str] = []
    if skipped := [s for s in args.servers if s not in args.examples_on]:
        notes.append(f"the example queries were not run on {', '.join(skipped)} (--examples-on)")
    stack: list = []
    try:
        started, loaded = start_servers(args, release, build_dir, data, work, log, notes, stack)
        log("  warm-up: every query once on each server (rows compared)")
        for name, server in started.items():
            servers[name] = warm_up(server, queries_for(name, queries, args), args, log)
        if loaded is not None and "rdflib" in args.servers:
            servers["rdflib"] = warm_up_rdflib(loaded[0], queries_for("rdflib", queries, args), args, log)
            servers["rdflib"]["info"] = loaded[1]
        order = [s for s in SERVERS if s in servers]
        for name in order:
            d = servers[name]
            d["info"]["rss_mb_before_load"] = round(started[name].rss_mb(), 1) if name in started else None
            examples = [q.id for q in queries_for(name, queries, args) if not q.shape]
            if left := [q for q in examples if q not in d["answered"]]:
                d["info"]["left_out_of_mix"] = left
            if d["skipped"]:
                log(f"    {name}: skipped after {args.max_timeouts} timeouts: {', '.join(d['skipped'])}")
        log(f"  loads: {args.clients} clients x {args.seconds:g} s per query and server")
        for job_id, _ in load_jobs(queries, args.each_example):
            for name in order:
                d = servers[name]
                mine = [q for q in queries_for(name, queries, args) if q.id in d["answered"]]
                texts = [q.text for q in mine if q.id == job_id] if job_id != MIX else [q.text for q in mine if not q.shape]
                if not texts:
                    continue
                if name == "rdflib":
                    result = rdflib_in_process(loaded[0], [(job_id, texts, args.seconds)], args.max_requests, args.timeout)[job_id]
                    unit = "q/s  "
                else:
                    server = started[name]
                    result = run_load(server.endpoint, texts, args.clients, args.seconds, args.max_requests, args.timeout)
                    if "timeout" in result["errors"]:
                        server.recover()
                    unit = "req/s"
                d["queries"][job_id] = result
                log(f"    {job_id:<30} {name:<16} {fmt_rate(result['req_s']):>9} {unit}  p50 {fmt_ms(result['p50_ms']):>9}  "
                    f"p99 {fmt_ms(result['p99_ms']):>9}  errors {fmt_errors(result['errors'])}")
        for name, server in started.items():
            servers[name]["info"]["rss_mb_after_load"] = round(server.rss_mb(), 1)
    finally:
        for server in reversed(stack):
            server.stop()
    for d in servers.values():
        d.pop("answered", None)
    return {"n": None, "servers": servers, "notes": notes}


# ---------------------------------------------------------------------------------------------
# Comparison, targets, tables


def ratio(results: dict, query: str, over: str, of: str = "tipgraph") -> tuple[float | None, bool]:
    """(req/s of `of` / req/s of `over`, is_lower_bound). When `over` finished no request, its rate
    is below 1 / its wall time, so the ratio is at least `of`'s rate times that wall time. None
    for the examples mix when the two ran different example queries."""
    a = results.get(of, {}).get("queries", {}).get(query)
    b = results.get(over, {}).get("queries", {}).get(query)
    if not a or not b or not a["ok"]:
        return None, False
    if query == MIX and (set(results[of].get("info", {}).get("left_out_of_mix", []))
                         != set(results[over].get("info", {}).get("left_out_of_mix", []))):
        return None, False  # their mixes hold different example queries
    if b["ok"] == 0:
        return (a["req_s"] * b["seconds"], True) if b["seconds"] else (None, False)
    return a["req_s"] / b["req_s"], False


def row_mismatches(servers: dict, queries: list[Query]) -> list[dict]:
    found = []
    for query in queries:
        counts = {name: s["rows"].get(query.id) for name, s in servers.items() if query.id in s.get("rows", {})}
        if len(set(map(str, counts.values()))) > 1:
            found.append({"query": query.id, "rows": counts})
    return found


def evaluate_targets(builds: list[dict], startups: list[dict], throughput: dict | None) -> list[dict]:
    targets = []
    if throughput and throughput.get("servers"):
        n = throughput["n"]
        for query, peer, wanted in RATIO_TARGETS:
            value, lower = ratio(throughput["servers"], query, peer)
            note = "" if n == TARGET_N else f"measured at N={n:,}; the target is at N={TARGET_N:,}"
            targets.append({"target": f"{query} req/s tipgraph/{peer} >= {wanted:g}x at N={TARGET_N:,}",
                            "measured": None if value is None else round(value, 3), "lower_bound": lower,
                            "status": "n/a" if value is None else ("PASS" if value >= wanted else "MISS"), "note": note})
    for n, limit_s, limit_mb in BUILD_TARGETS:
        build = next((b for b in builds if b["n"] == n), None)
        name = f"build at N={n:,} under {limit_s:g} s" + (f" and {limit_mb:g} MB peak" if limit_mb else "")
        if build is None or build.get("seconds") is None:
            note = ("reused from an earlier run, not timed" if build is not None else
                    "not built in this run" + (" (--full builds it)" if n == 100_000 else ""))
            targets.append({"target": name, "measured": None, "status": "n/a", "note": note})
            continue
        peak = build.get("peak_mb")
        ok = (build.get("error") is None and build["seconds"] < limit_s
              and (limit_mb is None or (peak is not None and peak < limit_mb)))
        measured = f"{build['seconds']:.1f} s" + ((f", {peak:.0f} MB" if peak is not None else ", ? MB") if limit_mb else "")
        targets.append({"target": name, "measured": measured, "status": "PASS" if ok else "MISS",
                        "note": build.get("error") or f"reasoner {build.get('reasoner')}, validator {build.get('validator')}"})
    measured = [s for s in startups if s.get("seconds") is not None]
    if measured:
        worst = max(measured, key=lambda s: s["n"])
        targets.append({"target": f"serve a built store: /health answers in under {STARTUP_TARGET_S:g} s",
                        "measured": f"{worst['seconds']:.2f} s", "status": "PASS" if worst["seconds"] < STARTUP_TARGET_S else "MISS",
                        "note": f"at N={worst['n']:,} (largest built); all: " + ", ".join(f"{s['n']:,}: {s['seconds']:.2f} s" for s in measured)})
    return targets


def fmt_rate(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def fmt_errors(errors: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "0"


def fmt_ratio(value: float | None, lower: bool = False) -> str:
    if value is None:
        return "-"
    return (">" if lower else "") + (f"{value:,.0f}x" if value >= 100 else f"{value:.1f}x" if value >= 1 else f"{value:.2f}x")


def table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(header)))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def format_throughput(throughput: dict) -> str:
    """The server x query table (req/s, p50, p99, errors) and, per query, the ratios of tipgraph's
    req/s to rdflib-endpoint's and to oxigraph's."""
    servers = throughput["servers"]
    names = [s for s in SERVERS if s in servers]
    jobs = []
    for s in names:
        for job in servers[s]["queries"]:
            if job not in jobs:
                jobs.append(job)
    detail = []
    for job in jobs:
        first = True
        for s in names:
            r = servers[s]["queries"].get(job)
            if r is None:
                continue
            detail.append([job if first else "", s + (" (in-process)" if s == "rdflib" else ""), fmt_rate(r["req_s"]),
                           fmt_ms(r["p50_ms"]), fmt_ms(r["p99_ms"]), fmt_errors(r["errors"]), str(r["requests"])])
            first = False
    summary = []
    for job in jobs:
        re_ratio, re_lower = ratio(servers, job, "rdflib-endpoint")
        ox_ratio, ox_lower = ratio(servers, job, "oxigraph")
        rows = {s: servers[s].get("rows", {}).get(job) for s in names if job in servers[s].get("rows", {})}
        agree = "-" if not rows else (str(next(iter(rows.values()))) if len(set(map(str, rows.values()))) == 1 else "DIFFER")
        summary.append([job, *[fmt_rate(servers[s]["queries"].get(job, {}).get("req_s")) for s in names],
                        fmt_ratio(re_ratio, re_lower), fmt_ratio(ox_ratio, ox_lower), agree])
    return (table(["query", "server", "req/s", "p50", "p99", "errors", "requests"], detail, right={2, 3, 4, 6})
            + "\n\n" + table(["query", *[f"{s} req/s" for s in names], "tipgraph/rdflib-endpoint", "tipgraph/oxigraph", "rows"],
                              summary))


def format_builds(builds: list[dict], startups: list[dict]) -> str:
    up = {s["n"]: s for s in startups}
    rows = []
    for b in builds:
        start = up.get(b["n"], {}).get("seconds")
        rows.append([f"{b['n']:,}", f"{b['data_s']:.1f}" if b.get("data_s") else "-",
                     f"{b['seconds']:.1f}" if b.get("seconds") is not None else ("reused" if b.get("reused") else "-"),
                     f"{b['peak_mb']:.0f}" if b.get("peak_mb") is not None else "-", b.get("reasoner", "-"), b.get("validator", "-"),
                     f"{start:.2f}" if start is not None else "-", b.get("error", "")])
    return table(["N", "data s", "build s", "peak MB", "reasoner", "validator", "start-up s", "error"], rows, right={0, 1, 2, 3, 6})


def format_targets(targets: list[dict]) -> str:
    rows = [[t["status"], t["target"], (">" if t.get("lower_bound") else "") + ("-" if t["measured"] is None else
             (fmt_ratio(t["measured"]) if isinstance(t["measured"], float) else str(t["measured"]))), t.get("note", "")]
            for t in targets]
    return table(["", "target", "measured", "note"], rows, right={2})


def format_report(result: dict) -> str:
    meter = next((b["meter"] for b in result["builds"] if b.get("meter")), "not measured")
    parts = [f"Builds (build time and peak RSS of `tipgraph build`, {meter}); "
             "start-up: `tipgraph serve` until /health answers", format_builds(result["builds"], result["startup"])]
    tp = result.get("throughput")
    if tp and tp.get("servers"):
        s = result["settings"]
        parts += ["", f"Throughput at N={tp['n']:,}: {s['clients']} clients x {s['seconds']:g} s per query (at most "
                      f"{s['max_requests']:,} requests, {s['timeout']:g} s client timeout); '{MIX}' cycles through every "
                      "example query; rdflib runs in-process on one thread (queries/s)", format_throughput(tp)]
        info = [[name, *(f"{v:.1f}" if isinstance(v, float) else str(v) for v in
                         (d["info"].get("load_s", "-"), d["info"].get("start_s", "-"), d["info"].get("rss_mb_after_load",
                          d["info"].get("rss_mb_of_dataset", "-")))), d["info"].get("options", "")]
                for name, d in tp["servers"].items()]
        parts += ["", table(["server", "load s", "start s", "RSS MB", "how"], info, right={1, 2, 3})]
        for name, d in tp["servers"].items():
            if d.get("skipped"):
                parts.append(f"NOTE {name}: {len(d['skipped'])} example queries skipped after {s['max_timeouts']} "
                             f"timeouts ({d['skipped'][0]} on)")
            if left := d["info"].get("left_out_of_mix"):
                parts.append(f"NOTE {name}: {len(left)} example queries left out of the '{MIX}' mix (failed or skipped)"
                             + (f": {', '.join(left)}" if len(left) <= 5 else ""))
        for m in tp.get("row_mismatches", []):
            parts.append(f"WARNING rows differ for {m['query']}: " + ", ".join(f"{k} {v}" for k, v in m["rows"].items()))
        for note in tp.get("notes", []):
            parts.append(f"NOTE {note}")
    parts += ["", "Targets", format_targets(result["targets"])]
    for note in result.get("notes", []):
        parts.append(f"NOTE {note}")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Main


def versions() -> dict:
    found = {}
    for package in ("tipgraph", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "uvicorn", "fastapi", "gunicorn", "flask", "owlrl", "pyshacl"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    return found


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)  # so that every server is stopped and the work folder removed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    signal.signal(signal.SIGTERM, _terminate)

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", flush=True)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="tipgraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                                "versions": versions()},
                    "builds": [], "startup": [], "throughput": None, "notes": []}
    queries = load_queries()
    built: dict[int, tuple[Path, Path]] = {}
    try:
        for n in args.sizes:
            build_dir = work / f"build-{n}"
            if args.reuse and (build_dir / "current" / "build.json").exists():
                data = ROOT / "data" if n == REPORT_N else work / f"data-{n}"
                manifest = json.loads((build_dir / "current" / "build.json").read_text(encoding="utf-8"))
                build = {"n": n, "reused": True, "seconds": None, **parse_build_output("", "", manifest)}
                result["builds"].append(build)
                log(f"N={n:,}: reusing {build_dir} (reasoner {build['reasoner']}), not timed")
            else:
                log(f"N={n:,}: writing data")
                try:
                    data, data_s = dataset_dir(n, work, args.seed)
                except ImportError as error:
                    note = f"N={n:,} skipped: no synthetic data ({error})"
                    result["notes"].append(note)
                    log(note)
                    continue
                if build_dir.exists():
                    shutil.rmtree(build_dir)
                log(f"N={n:,}: building")
                extra = tuple(a for k in ("reasoner", "validator") if getattr(args, k) for a in (f"--{k}", getattr(args, k)))
                limit = 3600 if n > 10_000 else 1800
                build = {"n": n, "data_s": data_s, **timed_build(data, build_dir, work / f"build-{n}.log", limit, extra)}
                result["builds"].append(build)
                log(f"N={n:,}: built in {build['seconds']:.1f} s, peak {build.get('peak_mb', math.nan):.0f} MB, "
                    f"reasoner {build.get('reasoner')}, validator {build.get('validator')}" + (f"; ERROR {build['error']}" if "error" in build else ""))
                if "error" in build:
                    continue
            built[n] = (data, build_dir)
            try:
                seconds = startup_seconds(build_dir, data)
                result["startup"].append({"n": n, "seconds": seconds})
                log(f"N={n:,}: `tipgraph serve` answered /health after {seconds:.2f} s")
            except Exception as error:
                result["startup"].append({"n": n, "seconds": None, "error": str(error)[:400]})
                log(f"N={n:,}: start-up failed: {error}")
            if n != args.throughput_n and n != REPORT_N and not (args.keep or args.workdir):
                shutil.rmtree(build_dir, ignore_errors=True)  # keep the disk small at large N
        n = args.throughput_n
        if n is not None and n in built:
            data, build_dir = built[n]
            from tipgraph import store as stores

            release = stores.current_release(build_dir)
            log(f"Throughput at N={n:,}: {', '.join(args.servers)}")
            throughput = measure_servers(args, release, build_dir, data, work, queries, log)
            throughput["n"] = n
            throughput["row_mismatches"] = row_mismatches(throughput["servers"], queries)
            result["throughput"] = throughput
        elif n is not None:
            result["notes"].append(f"no throughput: N={n:,} was not built")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    result["targets"] = evaluate_targets(result["builds"], result["startup"], result["throughput"])
    result["wall_s"] = time.perf_counter() - began
    print()
    print(format_report(result))
    print(f"\nWall time: {result['wall_s']:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
