"""The sync pipeline: from the engine's socket to a live state, as one ReactiveX pipeline.

Theory of operation
-------------------
:func:`live_state` assembles it; read it top to bottom::

    session = open (negotiate; T0 from the daemon's clock, or resume after the last event;
                    the containers' list asked at the same time, kept when the ping allows)
        → events since then ─────────────────────┐ held until the lists are folded
          lists (the containers', then the rest) ┘ (nothing after T0 is lost), then live
        → each event, then the targeted inspect it asks for (then_merge)
        + a full list again every ``reconcile_every`` seconds (the safety net)
    sessions = session, and on any failure: "disconnected" (with the reason), a jittered
               backoff, and a new session (catch → timer → repeat)
    state = sessions → scan(apply) over every change

Threads meet at two places only. The events reader is a thread of its own (a blocking
``recv`` has nothing else to run on) that only reads, splits and hands off (``hand_off``, a
bounded ``observe_on``: when the fold falls too far behind, the session resyncs from fresh
lists rather than queue without end): the daemon drops events for readers that make it wait.
Every other branch is moved onto the same fold thread with ``observe_on``, so ``apply``
sees one change at a time, in order, and an inspect's decision is taken on the state that
already holds its event. Blocking calls (lists, inspects) run on a small pool.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import reactivex
from msgspec import Struct
from reactivex import Observable, abc
from reactivex import operators as ops
from reactivex.subject import AsyncSubject

from genet_rx.api import system
from genet_rx.api.client import EngineClient, describe, since_arg
from genet_rx.api.events import events
from genet_rx.engine.answers import READERS, early_containers, inspected, snapshot
from genet_rx.engine.operators import concat_eager, hand_off, then_merge
from genet_rx.errors import EngineUnreachable, GenetError
from genet_rx.model.common import parse_time_ns
from genet_rx.model.connection import Connection, Link
from genet_rx.model.events import Event
from genet_rx.state.changes import Change
from genet_rx.state.engine_state import (
    EngineState,
    also_inspect,
    apply,
    needs_inspect,
    needs_list,
)

log = logging.getLogger(__name__)

#: How long after a swarm task's container event its service's counts are asked for again.
TASK_SETTLE_S = 2.0


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


class _Opened(Struct, frozen=True):
    api_version: str
    since_ns: int
    early_ok: bool = False  # the containers' list asked beside the ping may be the first list


def live_state(
    client: EngineClient,
    initial: EngineState,
    latest: Callable[[], EngineState],
    *,
    pool: abc.SchedulerBase,
    fold: abc.SchedulerBase,
    reconcile_every: float = 60.0,
    backoff: Backoff | None = None,
    max_pending: int = 100_000,
    asks: Observable[str] | None = None,
) -> Observable[EngineState]:
    """One engine's state, kept live: socket → events → session → ``scan(apply)``.

    ``latest`` reads the newest state folded (the engine keeps it): a resume starts after its
    newest event, and an event's inspect is decided on it. ``pool`` runs blocking calls,
    ``fold`` is the one thread every change is folded on; at most ``max_pending`` events wait
    for it (past that, the session resyncs). Each kind ``asks`` names (``"service"``) is
    listed again while a session is live (a view asking for fresher counts). Cold: each
    subscription runs its own sessions; disposing it closes every connection.
    """
    backoff = backoff or Backoff()
    host = client.host

    def on_fold(source: Observable[Change]) -> Observable[Change]:
        return source.pipe(ops.observe_on(fold))

    def blocking(call: Callable[[], Change]) -> Observable[Change]:
        return on_fold(reactivex.from_callable(call, scheduler=pool))

    started: list[int] = []  # where the first session began

    def open_session(asked: float) -> _Opened:
        # The containers' list asked beside the ping (no sooner than ``asked``, a monotonic
        # time) may stand as the session's first list when it speaks the version agreed and was
        # taken after the point the events start from.
        version = client.negotiate()
        newest = client.agreed_newest
        resume = latest().last_event_ns
        if resume:
            return _Opened(version, resume + 1, newest)  # just after what is already folded
        if started:  # nothing folded yet: start where the first session did, losing nothing
            return _Opened(version, started[0], newest)
        # T0 from the daemon's clock: the ping's Date (to the second: replaying a second or two
        # more is harmless, the fold drops duplicates), else /info's SystemTime. The early list
        # was taken after ``asked`` and the ping answered within a second of it, so a second
        # before the ping's Date is before that list.
        clock = client.clock_ns
        if clock is not None and time.monotonic() - asked < 1.0:
            started.append(clock - 1_000_000_000)
            return _Opened(version, started[0], newest)
        clock = clock or parse_time_ns(system.info(client).get("SystemTime"))
        started.append(clock or time.time_ns())
        return _Opened(version, started[0])

    def one_session() -> Observable[Change]:
        # The ping and the containers' list at once: the first screen waits one round trip
        # less. The list's answer waits in ``early`` until the session, opened, takes it.
        asked = time.monotonic()
        early: AsyncSubject[Change] = AsyncSubject()
        listing = reactivex.from_callable(partial(early_containers, client), scheduler=pool)
        opened = reactivex.from_callable(partial(open_session, asked), scheduler=pool)
        return reactivex.merge(
            # Its failure too waits in ``early``: the ping's, if any, is the one to show.
            _quiet(listing.pipe(ops.do(early), ops.catch(reactivex.empty()))),
            opened.pipe(ops.flat_map(partial(follow, early=early))),
        )

    def lists(*kinds: str) -> Observable[Change]:
        return reactivex.merge(*(blocking(partial(snapshot, client, kind))
                                 for kind in kinds or READERS))

    def relist(kind: str) -> Observable[Change]:
        return lists(kind)

    def connected_then_lists(opened: _Opened, early: Observable[Change]) -> Observable[Change]:
        # The containers' list first, just after "connected" (so a watcher reads them in that
        # order, and a failed container list never shows as connected), then the other kinds'
        # lists together: asked for at the same time, five small lists took the pool's
        # threads and the GIL from the one the first screen waits for (bench item 3).
        def up(containers: Change) -> Observable[Change]:
            backoff.reset()
            now = Connection(host, Link.CONNECTED, api_version=opened.api_version,
                             time_ns=time.time_ns())
            return reactivex.from_iterable([now, containers])

        first = on_fold(early) if opened.early_ok else lists("container")
        others = [kind for kind in READERS if kind != "container"]
        return reactivex.concat(first.pipe(ops.flat_map(up)), lists(*others))

    def engine_events(opened: _Opened) -> Observable[Change]:
        def ended() -> Observable[Change]:
            return reactivex.throw(EngineUnreachable(
                "the engine ended the events stream",
                "the engine may have stopped or restarted; retrying"))

        def failed(exc: Exception, _: Observable[Change]) -> Observable[Change]:
            if isinstance(exc, GenetError):
                return reactivex.throw(exc)
            return reactivex.throw(EngineUnreachable(
                f"the events stream failed: {describe(exc)}",
                "the engine may have stopped or restarted; retrying"))

        stream = cast(Observable[Change], events(client, since=since_arg(opened.since_ns)))
        return stream.pipe(
            hand_off(fold, max_pending),
            ops.concat(reactivex.defer(lambda _: ended())),
            ops.catch(failed),
        )

    def inspect_if_needed(change: Change) -> Observable[Change] | None:
        # Called once the event is folded (then_merge): decided on the state that holds it.
        if not isinstance(change, Event):
            return None
        ev = change
        if needs_list(ev):
            return blocking(partial(snapshot, client, ev.type, ev))
        state = latest()
        own = [inspect(ev)] if needs_inspect(state, ev) else []
        service = also_inspect(state, ev)
        if service is not None:
            # The swarm reports a task running a moment after its container starts: ask
            # now, and once more when the agent has surely told the manager.
            own += [inspect(service), reactivex.timer(TASK_SETTLE_S).pipe(
                ops.flat_map(lambda _: inspect(service)))]
        return reactivex.merge(*own) if own else None

    def inspect(about: Event) -> Observable[Change]:
        answer: Observable[Change | None] = reactivex.from_callable(
            lambda: inspected(client, about), scheduler=pool)
        # None: the inspect failed for a reason the reconcile repairs; nothing to fold.
        found = answer.pipe(ops.filter(lambda a: a is not None))
        return on_fold(cast(Observable[Change], found))

    def follow(opened: _Opened, early: Observable[Change]) -> Observable[Change]:
        reconcile: Observable[Change] = reactivex.interval(reconcile_every).pipe(
            ops.flat_map(lambda _: lists()))
        wanted: Observable[str] = asks if asks is not None else reactivex.never()
        asked: Observable[Change] = wanted.pipe(ops.flat_map(relist))
        return reactivex.merge(
            concat_eager(connected_then_lists(opened, early), engine_events(opened)).pipe(
                then_merge(inspect_if_needed)),
            reconcile,
            asked,
        )

    def disconnected(exc: Exception, _: Observable[Change]) -> Observable[Change]:
        log.info("engine connection lost: %s", describe(exc))
        down = Connection(host, Link.DISCONNECTED, message=_reason(exc), time_ns=time.time_ns())
        return reactivex.concat(on_fold(reactivex.just(down)),
                                _quiet(reactivex.timer(backoff.next())))

    session = reactivex.defer(lambda _: one_session()).pipe(ops.catch(disconnected))
    # The initial state first: "connecting" shows at once, however long the engine takes.
    return session.pipe(ops.repeat(), ops.scan(apply, initial), ops.start_with(initial))


def _quiet(source: Observable[Any]) -> Observable[Change]:
    """Only the end of ``source``: a pause in the pipeline."""
    return source.pipe(ops.ignore_elements(), ops.map(lambda _: cast(Change, None)))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, GenetError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"connection error: {exc.strerror or exc}"
    return describe(exc)
