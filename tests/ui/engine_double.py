"""A stand-in for genet_rx.Engine with the same surface, driven by the test.

``containers``, ``images``, ``volumes``, ``networks``, ``state`` and ``connection`` replay their
latest value and may be pushed from any thread (like the real one, which emits on background
threads); ``latest`` is the state as pushed so far. ``inspect(id, kind)`` answers from
``inspected``, ``image_history`` from ``histories``, ``disk_usage`` with ``usage`` (each call
counted in ``asked``). ``execute`` answers with whatever
``answer(command)`` returns, on a worker thread; ``hold=True`` keeps results back until
``release()`` so a test can see a control working. ``logs`` and ``stats`` are Subjects per
container (``log_streams``, ``stats_streams``) that count live subscriptions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import reactivex
from msgspec.structs import replace
from reactivex import Observable
from reactivex.scheduler import NewThreadScheduler
from reactivex.subject import BehaviorSubject, ReplaySubject, Subject

from genet_rx.engine.commands import Command, CommandResult, Outcome
from genet_rx.model.connection import Connection, Link
from genet_rx.model.disk import DiskUsage
from genet_rx.model.images import ImageLayer
from genet_rx.state.containers import ContainerTable
from genet_rx.state.engine_state import EngineState
from genet_rx.state.resources import Table

KINDS = ("images", "volumes", "networks", "services", "nodes")


class EngineDouble:
    def __init__(self, host: str = "unix:///run/fake/docker.sock") -> None:
        self.host = host
        self.tables: ReplaySubject[ContainerTable] = ReplaySubject(1)
        self.links = BehaviorSubject(Connection(host, Link.CONNECTING))
        self.commands: list[Command] = []
        self.answer: Callable[[Command], CommandResult] = lambda c: CommandResult(c, Outcome.DONE)
        self.hold = False
        self._held: list[tuple[Subject[CommandResult], CommandResult]] = []
        self._lock = threading.Lock()
        self.inspected: dict[str, dict[str, Any]] = {}
        self.closed = False
        self.log_streams = Streams()
        self.stats_streams = Streams()
        self.kind_tables: dict[str, ReplaySubject[Table[Any]]] = {
            kind: ReplaySubject(1) for kind in KINDS
        }
        self.latest = EngineState(host=host, connection=Connection(host, Link.CONNECTING))
        self.states: BehaviorSubject[EngineState] = BehaviorSubject(self.latest)
        self.histories: dict[str, tuple[ImageLayer, ...]] = {}
        self.usage = DiskUsage()
        self.asked: list[tuple[str, str]] = []  # (call, id or kind) of inspects, histories, df

    @property
    def state(self) -> Observable[EngineState]:
        return self.states

    @property
    def images(self) -> Observable[Table[Any]]:
        return self.kind_tables["images"]

    @property
    def volumes(self) -> Observable[Table[Any]]:
        return self.kind_tables["volumes"]

    @property
    def networks(self) -> Observable[Table[Any]]:
        return self.kind_tables["networks"]

    @property
    def services(self) -> Observable[Table[Any]]:
        return self.kind_tables["services"]

    @property
    def nodes(self) -> Observable[Table[Any]]:
        return self.kind_tables["nodes"]

    def push_kind(self, kind: str, table: Table[Any]) -> None:
        """Push an image, volume, network, service or node table (``kind`` is the
        EngineState field)."""
        self._set(**{kind: table})
        self.kind_tables[kind].on_next(table)

    def _set(self, **parts: Any) -> None:
        with self._lock:
            self.latest = replace(self.latest, **parts)
            latest = self.latest
        self.states.on_next(latest)

    @property
    def containers(self) -> Observable[ContainerTable]:
        return self.tables

    @property
    def connection(self) -> Observable[Connection]:
        return self.links

    def push(self, table: ContainerTable) -> None:
        self._set(containers=table)
        self.tables.on_next(table)

    def link(self, state: Link, message: str | None = None) -> None:
        conn = Connection(self.host, state, "1.41", message)
        self._set(connection=conn)
        self.links.on_next(conn)

    def execute(self, command: Command) -> Observable[CommandResult]:
        def run() -> CommandResult:
            self.commands.append(command)
            return self.answer(command)

        if not self.hold:
            return reactivex.from_callable(run, scheduler=NewThreadScheduler())
        subject: Subject[CommandResult] = Subject()

        def subscribe(observer: Any, scheduler: Any = None) -> Any:
            sub = subject.subscribe(observer)
            with self._lock:
                self._held.append((subject, run()))
            return sub

        return reactivex.create(subscribe)

    def release(self) -> None:
        with self._lock:
            held, self._held = self._held, []
        for subject, result in held:
            subject.on_next(result)
            subject.on_completed()

    def inspect(self, id: str, kind: str = "container") -> Observable[dict[str, Any]]:
        self.asked.append(("inspect", id))
        doc = self.inspected.get(id)
        if doc is None:
            return reactivex.throw(LookupError(id))
        return reactivex.of(doc)

    def image_history(self, image_id: str) -> Observable[tuple[ImageLayer, ...]]:
        self.asked.append(("history", image_id))
        return reactivex.of(self.histories.get(image_id, ()))

    def disk_usage(self) -> Observable[DiskUsage]:
        self.asked.append(("df", ""))
        return reactivex.from_callable(lambda: self.usage, scheduler=NewThreadScheduler())

    def logs(
        self,
        container_id: str,
        follow: bool = True,
        tail: int | None = 10_000,
        timestamps: bool = False,
    ) -> Observable[Any]:
        """Lines pushed with ``log_streams.subject(cid).on_next(LogLine(...))``."""
        return self.log_streams.observable(container_id, tail=tail, timestamps=timestamps)

    def stats(self, container_id: str) -> Observable[Any]:
        """Samples pushed with ``stats_streams.subject(cid).on_next(Stats(...))``."""
        return self.stats_streams.observable(container_id)

    def close(self) -> None:
        self.closed = True

    # -- events, alerts, a container's history -----------------------------------

    @property
    def event_stream(self) -> Subject[Any]:
        """Raw events pushed by the test (``engine.events()``)."""
        if not hasattr(self, "_events"):
            self._events: Subject[Any] = Subject()
            self._alerts: Subject[Any] = Subject()
            self.kept: dict[str, list[Any]] = {}  # what ``history`` answers, per container
        return self._events

    @property
    def alert_stream(self) -> Subject[Any]:
        """Alerts pushed by the test (``engine.alerts(rules)``, whatever the rules)."""
        _ = self.event_stream
        return self._alerts

    def events(self) -> Observable[Any]:
        return self.event_stream

    def alerts(self, rules: Any = None) -> Observable[Any]:
        return self.alert_stream

    def history(self, container_id: str) -> Observable[Any]:
        _ = self.event_stream
        return reactivex.from_iterable(list(self.kept.get(container_id, [])))

    # -- dialogs: pulls --------------------------------------------

    @property
    def pulls(self) -> Streams:
        """Pull streams by reference: push PullProgress values with
        ``pulls.subject(ref).on_next(…)``, end with ``on_completed`` / ``on_error``."""
        if not hasattr(self, "_pulls"):
            self._pulls = Streams()
        return self._pulls

    def pull(self, reference: str) -> Observable[Any]:
        return self.pulls.observable(reference)



class Streams:
    """Per-container Subjects standing in for engine.logs / engine.stats streams.

    ``opened`` lists (container id, options) per subscription; ``live`` counts subscriptions
    not yet disposed, so a test sees streams come and go.
    """

    def __init__(self) -> None:
        self.subjects: dict[str, Subject[Any]] = {}
        self.opened: list[tuple[str, dict[str, Any]]] = []
        self.live = 0
        self._lock = threading.Lock()

    def subject(self, cid: str) -> Subject[Any]:
        with self._lock:
            return self.subjects.setdefault(cid, Subject())

    def observable(self, cid: str, **options: Any) -> Observable[Any]:
        def subscribe(observer: Any, scheduler: Any = None) -> Any:
            from reactivex.disposable import Disposable

            with self._lock:
                self.opened.append((cid, options))
                self.live += 1
            sub = self.subject(cid).subscribe(observer)

            def dispose() -> None:
                sub.dispose()
                with self._lock:
                    self.live -= 1

            return Disposable(dispose)

        return reactivex.create(subscribe)
