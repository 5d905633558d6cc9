"""The sync loop: connect, take a lossless snapshot, follow events, reconnect.

Theory of operation
-------------------
One thread owns the session. Per connection it follows the recipe that loses nothing:

1. negotiate the API version; take T0 from the daemon's own clock (``/info`` SystemTime), or on
   a reconnect resume just after the newest event already folded;
2. subscribe to ``/events?since=…`` — the reader thread only reads, splits, decodes and puts
   events on a queue, so the daemon never waits for us;
3. list all containers and hand the snapshot on;
4. hand on queued and live events in order. The fold drops duplicates and never lets the
   (lagging) list undo a newer event.

Events that carry too little (create, update, rename, an unknown id) get a targeted inspect on
a small worker pool; its answer joins the same queue. Every ``reconcile_every`` seconds a fresh
list repairs anything the engine dropped; a failing reconcile also detects a stalled stream.
When anything breaks, the connection is reported down with the reason, and the loop retries
with a jittered backoff from about 0.5 s up to 5 s. The table stays as it was meanwhile.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from genet_rx.api.client import EngineClient, describe, since_arg
from genet_rx.engine.connection import Connection, Link
from genet_rx.errors import EngineUnreachable, GenetError, NotFound
from genet_rx.model.containers import container_from_inspect, container_from_list, parse_time_ns
from genet_rx.model.events import Event
from genet_rx.state.containers import (
    GRACE_NS,
    Change,
    ContainerTable,
    Inspected,
    Snapshot,
    Vanished,
    Verdict,
    classify,
    needs_inspect,
)
from genet_rx.wire.http import Response

log = logging.getLogger("genet_rx.engine.sync")


@dataclass(frozen=True, slots=True)
class _StreamEnded:
    error: BaseException | None


class _Closing:
    pass


_QueueItem = Event | Inspected | Vanished | _StreamEnded | _Closing


class Backoff:
    """Jittered exponential delays: about 0.5 s, 1 s, 2 s, 4 s, then 5 s; reset on success."""

    def __init__(self, first: float = 0.5, cap: float = 5.0,
                 rng: random.Random | None = None) -> None:
        self.first, self.cap, self.attempt = first, cap, 0
        self._rng = rng or random.Random()

    def next(self) -> float:
        delay = min(self.cap, self.first * 2.0 ** self.attempt)
        self.attempt += 1
        return delay * self._rng.uniform(0.8, 1.2)

    def reset(self) -> None:
        self.attempt = 0


def trust_ns(resp: Response) -> int:
    """Up to when an answer can be trusted to reflect events: its Date less the grace period.

    Date is the daemon's clock (same as timeNano), to the second; without it, ours.
    """
    date = resp.headers.get("date")
    stamp = None
    if date:
        try:
            stamp = int(email.utils.parsedate_to_datetime(date).timestamp()) * 1_000_000_000
        except (TypeError, ValueError):
            stamp = None
    return (stamp if stamp is not None else time.time_ns()) - GRACE_NS


class SyncLoop:
    def __init__(
        self,
        client: EngineClient,
        emit: Callable[[Change], None],
        publish: Callable[[Connection], None],
        table: Callable[[], ContainerTable],
        *,
        reconcile_every: float = 60.0,
        backoff: Backoff | None = None,
    ) -> None:
        self._client = client
        self._emit = emit
        self._publish = publish
        self._table = table
        self._reconcile_every = reconcile_every
        self._backoff = backoff or Backoff()
        self._closed = threading.Event()
        self._queue: queue.SimpleQueue[_QueueItem] = queue.SimpleQueue()
        self._inspecting: set[tuple[str, int | None]] = set()  # (id, settles_ns) asked
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="genet-inspect")
        self._thread = threading.Thread(target=self._run, name="genet-sync", daemon=True)
        self.last_event_ns = 0
        self.counters: Counter[str] = Counter()  # events by Verdict value

    def start(self) -> None:
        self._thread.start()

    def close(self, timeout: float = 2.0) -> None:
        self._closed.set()
        self._queue.put(_Closing())
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    # -- the loop -------------------------------------------------------------------------

    def _run(self) -> None:
        host = self._client.host
        self._publish(Connection(host, Link.CONNECTING, time_ns=time.time_ns()))
        while not self._closed.is_set():
            try:
                self._session()
            except Exception as exc:  # any failure: report it, keep the table, retry
                if self._closed.is_set():
                    break
                log.info("engine connection lost: %s", describe(exc))
                self._publish(Connection(host, Link.DISCONNECTED, message=_reason(exc),
                                         time_ns=time.time_ns()))
                self._closed.wait(self._backoff.next())
        self._publish(Connection(host, Link.DISCONNECTED, message="closed",
                                 time_ns=time.time_ns()))

    def _session(self) -> None:
        client = self._client
        version = client.negotiate()
        if self.last_event_ns:
            since = self.last_event_ns + 1  # resume just after what is already folded
        else:
            since = parse_time_ns(client.info().get("SystemTime")) or time.time_ns()
        self._drain_stale_items()
        sub = client.events(since=since_arg(since), filters={"type": ["container"]}).subscribe(
            on_next=self._queue.put,
            on_error=lambda exc: self._queue.put(_StreamEnded(exc)),
            on_completed=lambda: self._queue.put(_StreamEnded(None)),
        )
        try:
            snapshot = self._snapshot()
            self._publish(Connection(client.host, Link.CONNECTED, api_version=version,
                                     time_ns=time.time_ns()))
            self._emit(snapshot)
            self._backoff.reset()
            self._follow()
        finally:
            sub.dispose()

    def _follow(self) -> None:
        next_reconcile = time.monotonic() + self._reconcile_every
        while not self._closed.is_set():
            wait = next_reconcile - time.monotonic()
            if wait <= 0:
                self._emit(self._snapshot())
                next_reconcile = time.monotonic() + self._reconcile_every
                continue
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                continue
            if isinstance(item, _Closing):
                return
            if isinstance(item, _StreamEnded):
                raise EngineUnreachable(
                    "the engine ended the events stream" if item.error is None
                    else f"the events stream failed: {describe(item.error)}",
                    "the engine may have stopped or restarted; retrying")
            if isinstance(item, Event):
                self.last_event_ns = max(self.last_event_ns, item.time_nano)
                verdict = classify(self._table(), item)
                self.counters[verdict.value] += 1
                if verdict not in (Verdict.FOLDED, Verdict.NOISE):
                    log.debug("event %s %r for %s: %s", item.type, item.verb,
                              item.actor_id[:12], verdict.value)
                self._emit(item)
                if needs_inspect(self._table(), item):
                    self._inspect_later(item.actor_id,
                                        item.time_nano if item.verb == "die" else None)
            else:
                if isinstance(item, Inspected):
                    self._inspecting.discard(_subject(item))
                self._emit(item)

    def _drain_stale_items(self) -> None:
        """Drop what a previous connection left queued: its events are replayed by since, and
        the coming snapshot covers its inspect answers."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Closing):
                self._queue.put(item)
                return
            if isinstance(item, Inspected):
                self._inspecting.discard(_subject(item))

    def _snapshot(self) -> Snapshot:
        resp = self._client.containers_response(all=True)
        entries = resp.json()
        if not isinstance(entries, list):
            raise GenetError("the engine's container list is not a list")
        host = self._client.host
        rows = tuple(container_from_list(e, host) for e in entries if isinstance(e, dict))
        return Snapshot(rows, trust_ns(resp))

    def _inspect_later(self, container_id: str, settles_ns: int | None) -> None:
        key = (container_id, settles_ns)
        if key in self._inspecting or self._closed.is_set():
            return
        self._inspecting.add(key)
        with contextlib.suppress(RuntimeError):  # the pool is shut down: we are closing
            self._pool.submit(self._inspect, container_id, settles_ns)

    def _inspect(self, container_id: str, settles_ns: int | None) -> None:
        try:
            resp = self._client.inspect_response(container_id)
            doc = resp.json()
            row = container_from_inspect(doc if isinstance(doc, dict) else {}, self._client.host)
            if row.id:
                self._queue.put(Inspected(row, trust_ns(resp), settles_ns))
                return
        except NotFound:
            self._queue.put(Vanished(container_id, time.time_ns() - GRACE_NS))
        except Exception as exc:  # the reconcile repairs it; never kill the worker
            log.info("inspect of %s failed: %s", container_id[:12], describe(exc))
        self._inspecting.discard((container_id, settles_ns))


def _subject(answer: Inspected) -> tuple[str, int | None]:
    return (answer.container.id, answer.settles_ns)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, GenetError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"connection error: {exc.strerror or exc}"
    return describe(exc)
