"""Log search off the UI thread: one worker thread per query, stopped when it is replaced.

Pure: no Kivy. The Logs tab hands a :class:`SearchJob` to :meth:`SearchWorker.submit` for the
lines held when a query starts, then one more job per batch of new lines while that query is
current. Each job is searched on the query's own thread, within a time budget
(:data:`~genet_rx.model.logs.SEARCH_BUDGET`); its :class:`SearchResult` is published on
:attr:`SearchWorker.results` from that thread (the view takes them on the main thread with
``observe_on``). A new query cancels the old one: the old thread stops before its next line
(and within its budget in the middle of one), its later jobs are skipped, and whatever it
still publishes carries its old generation, which the model ignores. The new query starts
on a fresh thread at once, never queued behind a slow one.

A query that runs past its budget publishes one result whose ``error`` is
:data:`~genet_rx.model.logs.TOO_SLOW` and searches no further batches.
"""

from __future__ import annotations

import queue
import threading

from msgspec import Struct
from reactivex.subject import Subject

from genet_rx.model.logs import (
    SEARCH_BUDGET,
    LogLine,
    Pattern,
    SearchCancelled,
    SearchTooSlow,
    Span,
    search_lines,
)

#: Characters of a line a row draws (``log_rows.SHOWN_CHARS``): later spans are not kept.
SPANS_BEFORE = 400


class SearchJob(Struct, frozen=True):
    """Search ``lines`` (the first of which is line number ``first_seq`` of the log)."""

    generation: int
    pattern: Pattern
    lines: tuple[LogLine, ...]
    first_seq: int


class SearchResult(Struct, frozen=True):
    """The hits of one job, by line number of the log; ``error`` when it was stopped."""

    generation: int
    first_seq: int
    count: int
    hits: tuple[tuple[int, tuple[Span, ...]], ...]
    error: str = ""


class _Query(threading.Thread):
    """The jobs of one generation, searched in order on one daemon thread."""

    def __init__(self, generation: int, budget: float, results: Subject[SearchResult]) -> None:
        super().__init__(name=f"genet-log-search-{generation}", daemon=True)
        self.generation = generation
        self.budget = budget
        self.results = results
        self.jobs: queue.SimpleQueue[SearchJob | None] = queue.SimpleQueue()
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()
        self.jobs.put(None)  # wakes the thread if it waits for a job

    def run(self) -> None:
        while not self.cancelled.is_set():
            job = self.jobs.get()
            if job is None or self.cancelled.is_set():
                return
            try:
                found = search_lines(
                    job.lines,
                    job.pattern,
                    budget=self.budget,
                    cancelled=self.cancelled.is_set,
                    spans_before=SPANS_BEFORE,
                )
            except SearchCancelled:
                return
            except SearchTooSlow as exc:
                self.cancelled.set()  # no later batch either: the query is stopped
                self._publish(SearchResult(job.generation, job.first_seq, 0, (), str(exc)))
                return
            hits = tuple((job.first_seq + i, tuple(spans)) for i, spans in found)
            self._publish(SearchResult(job.generation, job.first_seq, len(job.lines), hits))

    def _publish(self, result: SearchResult) -> None:
        if not self.cancelled.is_set() or result.error:
            self.results.on_next(result)


class SearchWorker:
    """Runs the current query's jobs off the caller's thread (see the module doc)."""

    def __init__(self, budget: float = SEARCH_BUDGET) -> None:
        self.budget = budget
        self.results: Subject[SearchResult] = Subject()
        self.started = 0  # queries started so far (tests, diagnostics)
        self._query: _Query | None = None

    def submit(self, job: SearchJob) -> None:
        """Search ``job``: on the current query's thread, or a new one for a new generation."""
        query = self._query
        if query is None or query.generation != job.generation:
            self.cancel()
            query = self._query = _Query(job.generation, self.budget, self.results)
            self.started += 1
            query.start()
        query.jobs.put(job)

    def cancel(self) -> None:
        """Stop the current query (its thread ends before its next line)."""
        if self._query is not None:
            self._query.cancel()
            self._query = None

    def close(self) -> None:
        self.cancel()
