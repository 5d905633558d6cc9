"""The Engine: one engine's live state, its connection, and commands, as Observables.

``connect()`` returns an Engine already syncing (the pipeline of :mod:`genet_rx.engine.sync`
runs from the start). ``state`` replays the latest state to each new subscriber; ``containers``
and ``connection`` are views of it. All emit on the engine's fold thread: a UI moves them to
its own thread with ``observe_on``.
"""

from __future__ import annotations

import operator
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import reactivex
from reactivex import Observable, abc
from reactivex import operators as ops
from reactivex.disposable import Disposable
from reactivex.scheduler import EventLoopScheduler, NewThreadScheduler, ThreadPoolScheduler
from reactivex.subject import Subject

from genet_rx.api import images, swarm, system
from genet_rx.api.client import EngineClient, since_arg
from genet_rx.api.events import events
from genet_rx.engine.answers import READERS
from genet_rx.engine.bulk import execute_many
from genet_rx.engine.commands import Command, CommandResult, run_command
from genet_rx.engine.sync import Backoff, live_state
from genet_rx.errors import GenetError, NotFound
from genet_rx.model.connection import Connection, Link
from genet_rx.model.events import Event
from genet_rx.model.images import Image, ImageLayer, history_from_answer
from genet_rx.model.networks import Network
from genet_rx.model.swarm import Node, Service, SwarmTasks, Task, tasks_from_answer
from genet_rx.model.volumes import Volume
from genet_rx.state.alerts import Alert, AlertKind, AlertRules, AlertState, step
from genet_rx.state.containers import ContainerTable
from genet_rx.state.engine_state import EngineState, apply, initial
from genet_rx.state.resources import Table

if TYPE_CHECKING:  # the streams a detail tab or a dialog opens: imported when first opened
    from genet_rx.api.exec import Env, ExecSession
    from genet_rx.model.disk import DiskUsage
    from genet_rx.model.logs import LogLine
    from genet_rx.model.pull import PullProgress
    from genet_rx.model.service_logs import ServiceLogLine
    from genet_rx.model.stats import Stats

T = TypeVar("T")


class _FoldThread(EventLoopScheduler):
    """The fold's one thread. Once closed, late work from streams being torn down is dropped
    (an observe_on still draining its queue), never raised on some other thread."""

    def schedule_absolute(self, duetime: Any, action: Any, state: Any = None) -> Any:
        if self._is_disposed:
            return Disposable()
        return super().schedule_absolute(duetime, action, state)


class Engine:
    def __init__(self, url: str | None = None, *, reconcile_every: float = 60.0,
                 client: EngineClient | None = None, backoff: Backoff | None = None,
                 max_pending_events: int = 100_000) -> None:
        self.client = client or EngineClient(url)
        self.host = self.client.host
        self._pool = ThreadPoolScheduler(4)  # commands, lists, inspects
        self._fold = _FoldThread()  # the one thread every change is folded on
        self._latest = initial(self.host)
        self._counts: Counter[str] = Counter()
        self._closing: Subject[bool] = Subject()
        self._asks: Subject[str] = Subject()  # kinds a view wants listed again (swarm_tasks)
        self._closed = threading.Event()
        closed = Connection(self.host, Link.DISCONNECTED, message="closed")
        changes = live_state(self.client, self._latest, lambda: self._latest,
                             pool=self._pool, fold=self._fold,
                             reconcile_every=reconcile_every, backoff=backoff,
                             max_pending=max_pending_events, asks=self._asks)
        self._state = reactivex.concat(
            changes.pipe(ops.take_until(self._closing)),
            reactivex.defer(lambda _: reactivex.just(apply(self._latest, closed))),
        ).pipe(ops.do_action(self._on_state), ops.replay(buffer_size=1))
        self._running = self._state.connect() or Disposable()

    def _on_state(self, state: EngineState) -> None:
        self._latest = state
        if state.verdict is not None:
            self._counts[state.verdict.value] += 1

    @property
    def state(self) -> Observable[EngineState]:
        """Everything known about the engine; the latest is replayed to each new subscriber."""
        return self._state

    @property
    def containers(self) -> Observable[ContainerTable]:
        """The live container table; the latest is replayed; an unchanged table is not repeated."""
        return self._state.pipe(ops.map(_containers_of),
                                ops.distinct_until_changed(comparer=operator.is_))

    @property
    def images(self) -> Observable[Table[Image]]:
        """The live image table (keyed by id); the latest is replayed."""
        return self._table_of(lambda s: s.images)

    @property
    def volumes(self) -> Observable[Table[Volume]]:
        """The live volume table (keyed by name); the latest is replayed."""
        return self._table_of(lambda s: s.volumes)

    @property
    def networks(self) -> Observable[Table[Network]]:
        """The live network table (keyed by id); the latest is replayed."""
        return self._table_of(lambda s: s.networks)

    @property
    def services(self) -> Observable[Table[Service]]:
        """The live swarm services (keyed by id; ``unavailable`` says why not, such as not a
        swarm manager); the latest is replayed."""
        return self._table_of(lambda s: s.services)

    @property
    def nodes(self) -> Observable[Table[Node]]:
        """The live swarm nodes (keyed by id), as ``services``; the latest is replayed."""
        return self._table_of(lambda s: s.nodes)

    def _table_of(self, part: Callable[[EngineState], T]) -> Observable[T]:
        return self._state.pipe(ops.map(part), ops.distinct_until_changed(comparer=operator.is_))

    @property
    def connection(self) -> Observable[Connection]:
        """Connection states, the latest replayed first; repeats are not re-emitted."""
        return self._state.pipe(ops.map(_connection_of),
                                ops.distinct_until_changed(_connection_key))

    @property
    def counters(self) -> dict[str, int]:
        """Events by what the fold made of them, plus malformed lines skipped."""
        return {**self._counts, "malformed": self.client.malformed_events}

    @property
    def latest(self) -> EngineState:
        """The latest state, right now."""
        return self._latest

    @property
    def table(self) -> ContainerTable:
        """The latest container table, right now."""
        return self._latest.containers

    def execute(self, command: Command) -> Observable[CommandResult]:
        """Cold: each subscription issues the command on a worker thread and emits its result.

        The state is not touched: it changes when the engine's own event arrives.
        """
        return reactivex.from_callable(lambda: run_command(self.client, command),
                                       scheduler=self._pool)

    def inspect(self, id: str, kind: str = "container") -> Observable[dict[str, Any]]:
        """The full inspect document of one object (one value, or a GenetError).

        ``kind`` is ``container``, ``image``, ``volume``, ``network``, ``service`` or ``node``.
        """
        reader = READERS[kind]
        return self._call(lambda: _document(reader.inspect(self.client, id).json(), kind, id))

    def image_history(self, image_id: str) -> Observable[tuple[ImageLayer, ...]]:
        """An image's layers, newest first (one value)."""
        return self._call(lambda: history_from_answer(images.history(self.client, image_id)))

    def version(self) -> Observable[dict[str, Any]]:
        """The engine's ``/version`` document (its ``Version``, ``ApiVersion``, …; one value)."""
        return self._call(lambda: system.version(self.client))

    def disk_usage(self) -> Observable[DiskUsage]:
        """What images, containers, volumes and build cache take (one value). Expensive on
        the engine: ask only when a person asks."""
        from genet_rx.model.disk import disk_usage_from_answer

        return self._call(lambda: disk_usage_from_answer(system.disk_usage(self.client)))

    def pull(self, reference: str) -> Observable[PullProgress]:
        """Pull an image, with progress; credentials from the user's docker config.

        Disposing the subscription closes the stream, which cancels the pull in the engine.
        """
        from genet_rx.api.auth import registry_auth_for
        from genet_rx.api.pull import pull

        def start() -> Observable[PullProgress]:
            return pull(self.client, reference, registry_auth_for(reference))

        return reactivex.defer(lambda _: start())

    def _call(self, call: Callable[[], T]) -> Observable[T]:
        return reactivex.from_callable(call, scheduler=self._pool)

    def logs(self, container_id: str, follow: bool = True, tail: int | None = 10_000,
             timestamps: bool = False) -> Observable[LogLine]:
        """A container's log lines (stream, text, time), followed live by default."""
        from genet_rx.api import logs

        return logs.logs(self.client, container_id, follow=follow, tail=tail,
                         timestamps=timestamps)

    def service_logs(self, service_id: str, follow: bool = True, tail: int | None = 10_000,
                     timestamps: bool = False) -> Observable[ServiceLogLine]:
        """Every task's log lines of a swarm service, each marked with its task and node,
        followed live by default (``tail`` lines per task to start with)."""
        from genet_rx.api.service_logs import service_logs

        return service_logs(self.client, service_id, follow=follow, tail=tail,
                            timestamps=timestamps)

    def tasks(self, service_id: str | None = None) -> Observable[tuple[Task, ...]]:
        """A service's tasks (every task of the swarm: ``None``), one value."""
        return self._call(lambda: tasks_from_answer(swarm.tasks(self.client, service_id)))

    def swarm_tasks(self, service_id: str | None = None, every: float = 5.0,
                    scheduler: abc.SchedulerBase | None = None) -> Observable[SwarmTasks]:
        """The slow refresh a swarm view needs while it is on screen (the engine sends no task
        events): at once and every ``every`` seconds, the services are listed again into the
        state (their running/desired counts) and the tasks (of ``service_id``, else all) are
        emitted; a failed ask emits its reason and the next one tries again. It runs only
        while subscribed: disposing stops it."""
        def ask(_tick: int) -> SwarmTasks:
            self._asks.on_next("service")
            try:
                answer = swarm.tasks(self.client, service_id)
            except (GenetError, OSError) as exc:
                return SwarmTasks((), time.time_ns(), str(exc))
            return SwarmTasks(tasks_from_answer(answer), time.time_ns())

        ticks = reactivex.timer(0.0, every, scheduler=scheduler or NewThreadScheduler())
        return ticks.pipe(ops.map(ask))

    def stats(self, container_id: str) -> Observable[Stats]:
        """A container's resource use, about one value a second, until it stops."""
        from genet_rx.api import stats

        return stats.stats(self.client, container_id)

    def execute_many(self, commands: Iterable[Command], limit: int = 4
                     ) -> Observable[CommandResult]:
        """Every command's result, at most ``limit`` under way at once."""
        return execute_many(self.execute, commands, limit)

    def history(self, container_id: str) -> Observable[Event]:
        """What the engine still keeps of one container's events (its last 256 of every
        kind, lost on restart), oldest first; completes."""
        return reactivex.defer(lambda _: events(
            self.client, since="0", until=since_arg(time.time_ns()),
            filters={"type": ["container"], "container": [container_id]}))

    def alerts(self, rules: AlertRules | None = None) -> Observable[Alert]:
        """Alerts from now on (died, unhealthy, oom, restart loop), as ``rules`` choose.

        Each subscription follows the engine's events on a stream of its own.
        """
        chosen = rules or AlertRules()

        def fold(acc: tuple[AlertState, Alert | None], ev: Event
                 ) -> tuple[AlertState, Alert | None]:
            return step(acc[0], ev, chosen)

        seed: tuple[AlertState, Alert | None] = (AlertState(), None)
        # From now, by the engine's own replay: nothing is missed while the stream registers.
        since = reactivex.defer(lambda _: events(self.client, since=since_arg(time.time_ns())))
        raised = cast(Observable[Alert], since.pipe(
            ops.scan(fold, seed), ops.map(_raised), ops.filter(lambda alert: alert is not None)))
        return raised.pipe(ops.concat_map(self._unless_oom_killed))  # in order

    def _unless_oom_killed(self, alert: Alert) -> Observable[Alert]:
        """``alert``, unless it is the death (137, SIGKILL, unasked) of a container the
        engine killed for memory: its ``oom`` and ``die`` events race, and when the die comes
        first the fold cannot know yet. Inspect can (``State.OOMKilled``): the death is
        dropped, and the ``oom`` that follows raises the alert. With no answer (the container
        already removed, the engine gone) the death stands."""
        if alert.kind is not AlertKind.DIED or alert.exit_code != 137:
            return reactivex.just(alert)

        def oom_killed() -> bool:
            state = READERS["container"].inspect(self.client, alert.id).json().get("State") or {}
            return bool(state.get("OOMKilled"))

        return self._call(oom_killed).pipe(
            ops.catch(lambda _error, _source: reactivex.just(False)),
            ops.filter(lambda killed: not killed),
            ops.map(lambda _: alert))

    def exec(self, container_id: str, cmd: str | Sequence[str] | None = None, tty: bool = True,
             user: str | None = None, workdir: str | None = None,
             env: Env | None = None) -> ExecSession:
        """A process (``cmd``, else ``/bin/bash``, else ``/bin/sh``) in a running container.

        The session opens when its ``output`` is first subscribed; ``send``, ``resize``,
        ``exit_code`` and ``close`` as :class:`~genet_rx.api.exec.ExecSession` says.
        """
        from genet_rx.api.exec import open_exec

        return open_exec(self.client, container_id, cmd, tty, user, workdir, env)

    def events(self) -> Observable[Event]:
        """The raw events of every kind, for anything that wants more than the state."""
        return events(self.client)

    def close(self, timeout: float = 2.0) -> None:
        """Stop syncing: every connection closes, the state completes after a last "closed"."""
        if self._closed.is_set():
            return
        self._closed.set()
        done = threading.Event()
        self._state.subscribe(on_completed=done.set, on_error=lambda _: done.set())
        # On the fold thread, so the last state never races a change being folded.
        self._fold.schedule(lambda *_: self._closing.on_next(True))
        done.wait(timeout)
        self._running.dispose()
        self._fold.dispose()
        # Let the workers go: a call in flight (a list, an inspect) gets the rest of the time.
        stopper = threading.Thread(target=self._pool.executor.shutdown,
                                   kwargs={"cancel_futures": True}, daemon=True)
        stopper.start()
        stopper.join(timeout)
        self.client.close()  # the kept-alive connections of short calls (an ssh process each)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _document(answer: Any, kind: str, key: str) -> dict[str, Any]:
    """An inspect answer as a document; a service's is a list of one (its counts come only
    with the list)."""
    if isinstance(answer, list):
        if not answer:
            raise NotFound(404, f"service {key} not found")
        answer = answer[0]
    return dict(answer)


def _raised(acc: tuple[AlertState, Alert | None]) -> Alert | None:
    return acc[1]


def _containers_of(state: EngineState) -> ContainerTable:
    return state.containers


def _connection_of(state: EngineState) -> Connection:
    return state.connection


def _connection_key(c: Connection) -> tuple[Link, str | None, str | None]:
    return (c.state, c.api_version, c.message)


def connect(url: str | None = None, **kwargs: Any) -> Engine:
    """An Engine for ``url`` (else ``DOCKER_HOST``, else the local socket), already syncing.

    Raises :class:`~genet_rx.errors.HostError` at once for a host Genet cannot use; an engine
    that is down is not an error here — ``connection`` says so and it keeps retrying.
    """
    return Engine(url, **kwargs)
