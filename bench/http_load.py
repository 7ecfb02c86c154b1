"""Latency of the example queries over HTTP, and a bounded concurrent load, on 127.0.0.1.

    .venv/bin/python bench/http_load.py [--clients 20] [--seconds 30] [--repeat 20] [--json out.json]

Starts `tipgraph serve` on a free loopback port over the current build (run `tipgraph build`
first), then:
1. sends each example query of queries/ --repeat times, one at a time, and reports median and p99
   latency per query and overall;
2. runs --clients concurrent clients for --seconds seconds (each request with a 30 s client
   timeout, at most 200,000 requests in all), cycling through the example queries, and reports
   requests per second, errors by status and the server's memory (RSS of all its processes)
   before and after.
Nothing leaves 127.0.0.1. Prints a table and optionally writes JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlencode

from tipgraph.examples import load_examples
from tipgraph.project import Project
from tipgraph.web.liveserver import LiveServer

MAX_REQUESTS = 200_000


def request(url: str, query: str) -> tuple[int, float]:
    data = urlencode({"query": query}).encode()
    req = urllib.request.Request(url + "/sparql", data=data, headers={"Accept": "application/sparql-results+json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = 0
    return status, time.perf_counter() - start


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[-1] if len(values) > 1 else values[0]


def latency(url: str, examples, repeat: int) -> dict:
    per_query, every = {}, []
    for example in examples:
        times = []
        for _ in range(repeat):
            status, seconds = request(url, example.query)
            assert status == 200, f"{example.id} answered {status}"
            times.append(seconds)
        per_query[example.id] = {"median_ms": statistics.median(times) * 1000, "p99_ms": p99(times) * 1000}
        every += times
    return {"queries": per_query, "median_ms": statistics.median(every) * 1000, "p99_ms": p99(every) * 1000, "requests": len(every)}


def load(url: str, examples, clients: int, seconds: float) -> dict:
    statuses: Counter = Counter()
    times: list[float] = []
    lock = threading.Lock()
    queries = itertools.cycle([e.query for e in examples])
    deadline = time.monotonic() + seconds
    sent = itertools.count()

    def client():
        while time.monotonic() < deadline and next(sent) < MAX_REQUESTS:
            with lock:
                query = next(queries)
            status, elapsed = request(url, query)
            with lock:
                statuses[status] += 1
                times.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - start
    total = sum(statuses.values())
    return {"clients": clients, "seconds": round(wall, 1), "requests": total, "requests_per_s": total / wall,
            "errors": {str(k): v for k, v in statuses.items() if k != 200}, "median_ms": statistics.median(times) * 1000,
            "p99_ms": p99(times) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()
    project = Project()
    examples = load_examples(project.queries)
    server = LiveServer(project.build)
    try:
        result = {"latency": latency(server.url, examples, args.repeat)}
        result["memory_before_mb"] = server.rss_mb()
        result["load"] = load(server.url, examples, args.clients, args.seconds)
        time.sleep(2)
        result["memory_after_mb"] = server.rss_mb()
    finally:
        server.stop()
    lat, ld = result["latency"], result["load"]
    print(f"Example queries, one at a time ({lat['requests']} requests): median {lat['median_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms")
    for name, q in lat["queries"].items():
        print(f"  {name:<48} median {q['median_ms']:7.1f} ms   p99 {q['p99_ms']:7.1f} ms")
    print(f"Load: {ld['clients']} clients for {ld['seconds']} s: {ld['requests']} requests, {ld['requests_per_s']:.1f} req/s, "
          f"median {ld['median_ms']:.1f} ms, p99 {ld['p99_ms']:.1f} ms, errors {ld['errors'] or 'none'}")
    print(f"Server memory (all processes): {result['memory_before_mb']:.0f} MB before the load, {result['memory_after_mb']:.0f} MB after")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
