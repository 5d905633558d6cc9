"""The log search worker: off the caller's thread, replaced queries stop, slow ones report."""

from __future__ import annotations

import queue
import threading
import time

from genet_kivy.log_search import SearchJob, SearchWorker
from genet_rx.model.logs import TOO_SLOW, LogLine, compile_search

SLOW = tuple(LogLine("stdout", "a" * 65536 + "b") for _ in range(20))


def listen(worker):
    got: queue.SimpleQueue = queue.SimpleQueue()
    worker.results.subscribe(got.put)
    return got


def test_a_search_runs_on_another_thread():
    worker = SearchWorker()
    threads = []
    worker.results.subscribe(lambda _r: threads.append(threading.current_thread()))
    worker.submit(SearchJob(1, compile_search("x"), (LogLine("stdout", "x"),), 0))
    deadline = time.monotonic() + 5
    while not threads and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threads[0] is not threading.current_thread()


def test_a_pathological_pattern_is_reported_as_too_slow():
    worker = SearchWorker(budget=0.3)
    got = listen(worker)
    worker.submit(SearchJob(1, compile_search("(a+)+$", regex=True), SLOW, 0))
    assert got.get(timeout=5).error == TOO_SLOW


def test_a_new_query_does_not_wait_for_a_slow_one():
    worker = SearchWorker(budget=30)
    got = listen(worker)
    worker.submit(SearchJob(1, compile_search("(a+)+$", regex=True), SLOW, 0))
    time.sleep(0.05)  # let the slow one start
    worker.submit(SearchJob(2, compile_search("b"), SLOW, 0))
    result = got.get(timeout=10)  # the slow one's budget is 30 s: this one did not wait for it
    assert result.generation == 2
    assert len(result.hits) == 20
    worker.close()


def test_jobs_of_one_query_are_searched_on_one_thread_in_order():
    worker = SearchWorker()
    got = listen(worker)
    pattern = compile_search("x")
    for first in (0, 1, 2):
        worker.submit(SearchJob(7, pattern, (LogLine("stdout", "x"),), first))
    seqs = [got.get(timeout=5).first_seq for _ in range(3)]
    assert seqs == [0, 1, 2]
    assert worker.started == 1
