"""The query worker pool: answers, hard timeouts that kill the work, a bounded queue."""

from __future__ import annotations

import threading
import time

import pytest

from tipgraph.store import GRAPH_SELECTIONS, current_release
from tipgraph.web.executor import Executor, Job, QueryFailed, QueryTimeout, ServerBusy

DEFAULT = tuple(str(g) for g in GRAPH_SELECTIONS["default"])
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"


def job(query, media_type="application/sparql-results+json"):
    return Job(query, media_type, DEFAULT, None, 100)


@pytest.fixture(scope="module")
def executor(built, project):
    pool = Executor(current_release(project.build) / "store", workers=2, timeout=1.5, max_waiting=1)
    yield pool
    pool.close()


def test_answers_a_query(executor):
    assert executor.run(job(QUICK)).body == b'{"head": {}, "boolean": true}'


def test_a_slow_query_is_stopped_and_the_pool_recovers(executor):
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="was stopped"):
        executor.run(job(SLOW))
    assert time.monotonic() - start < 1.5 + 2
    quick_start = time.monotonic()
    assert executor.run(job(QUICK)).kind == "boolean"
    assert time.monotonic() - quick_start < 1.0
    deadline = time.monotonic() + 30
    while executor.live_workers < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert executor.live_workers == 2


def test_syntax_errors_name_the_position(executor):
    with pytest.raises(QueryFailed) as caught:
        executor.run(job("SELECT ?x WHERE { ?x ?y }"))
    assert caught.value.syntax and "1:" in str(caught.value)


def test_a_full_queue_answers_busy_at_once(executor):
    errors = []

    def slow():
        try:
            executor.run(job(SLOW))
        except (QueryTimeout, ServerBusy) as error:
            errors.append(error)

    threads = [threading.Thread(target=slow) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    with pytest.raises(ServerBusy):
        executor.run(job(QUICK))
    assert time.monotonic() - start < 0.5
    for thread in threads:
        thread.join()
    assert len(errors) == 3
