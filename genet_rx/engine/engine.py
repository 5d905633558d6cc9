"""The Engine: one engine's live table, its connection state, and commands, as Observables.

``connect()`` returns an Engine that is already syncing on its own thread. ``containers``
replays the latest table to each new subscriber; ``connection`` the latest connection state.
Both emit on background threads: a UI moves them to its own thread with ``observe_on``.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable
from typing import Any

import reactivex
from reactivex import Observable
from reactivex import operators as ops
from reactivex.scheduler import ThreadPoolScheduler
from reactivex.subject import BehaviorSubject, ReplaySubject, Subject

from genet_rx.api.client import EngineClient, describe
from genet_rx.engine.commands import (
    Command,
    CommandResult,
    Kill,
    Outcome,
    Pause,
    Remove,
    Restart,
    Start,
    Stop,
    Unpause,
)
from genet_rx.engine.connection import Connection, Link
from genet_rx.engine.sync import Backoff, SyncLoop
from genet_rx.errors import EngineError, GenetError, NotModified
from genet_rx.model import logs, stats
from genet_rx.model.events import Event
from genet_rx.model.logs import LogLine
from genet_rx.model.stats import Stats
from genet_rx.state.containers import Change, ContainerTable, apply

_RUN: dict[type, Callable[[EngineClient, Any], None]] = {
    Start: lambda c, cmd: c.start(cmd.id),
    Stop: lambda c, cmd: c.stop(cmd.id, cmd.timeout),
    Restart: lambda c, cmd: c.restart(cmd.id, cmd.timeout),
    Pause: lambda c, cmd: c.pause(cmd.id),
    Unpause: lambda c, cmd: c.unpause(cmd.id),
    Kill: lambda c, cmd: c.kill(cmd.id, cmd.signal),
    Remove: lambda c, cmd: c.remove(cmd.id, cmd.force, cmd.volumes),
}

_ALREADY = {Start: "already running", Stop: "already stopped"}


def run_command(client: EngineClient, command: Command) -> CommandResult:
    """Issue one command and describe its outcome; never raises for an engine's refusal."""
    try:
        _RUN[type(command)](client, command)
    except NotModified:
        return CommandResult(command, Outcome.ALREADY,
                             _ALREADY.get(type(command), "already in that state"))
    except EngineError as exc:
        return CommandResult(command, Outcome.FAILED, exc.message)
    except (GenetError, OSError, ValueError) as exc:
        return CommandResult(command, Outcome.FAILED, describe(exc))
    return CommandResult(command, Outcome.DONE)


class Engine:
    def __init__(self, url: str | None = None, *, reconcile_every: float = 60.0,
                 client: EngineClient | None = None, backoff: Backoff | None = None) -> None:
        self.client = client or EngineClient(url)
        self.host = self.client.host
        self._pool = ThreadPoolScheduler(4)
        self._latest = ContainerTable(host=self.host)
        self._tables: ReplaySubject[ContainerTable] = ReplaySubject(1)
        self._changes: Subject[Change] = Subject()
        self._connection = BehaviorSubject(Connection(self.host, Link.CONNECTING))
        self._fold = self._changes.pipe(
            ops.scan(apply, self._latest),
            ops.distinct_until_changed(comparer=operator.is_),
        ).subscribe(on_next=self._on_table)
        self._closed = threading.Event()
        self._sync = SyncLoop(self.client, self._changes.on_next, self._connection.on_next,
                              lambda: self._latest, reconcile_every=reconcile_every,
                              backoff=backoff)
        self._sync.start()

    def _on_table(self, table: ContainerTable) -> None:
        self._latest = table
        self._tables.on_next(table)

    @property
    def containers(self) -> Observable[ContainerTable]:
        """The live table; the latest is replayed to each new subscriber."""
        return self._tables

    @property
    def connection(self) -> Observable[Connection]:
        """Connection states, the latest replayed first; repeats are not re-emitted."""
        return self._connection.pipe(ops.distinct_until_changed(_connection_key))

    @property
    def counters(self) -> dict[str, int]:
        """Events by what the fold made of them, plus malformed lines skipped."""
        return {**self._sync.counters, "malformed": self.client.malformed_events}

    @property
    def table(self) -> ContainerTable:
        """The latest table, right now."""
        return self._latest

    def execute(self, command: Command) -> Observable[CommandResult]:
        """Cold: each subscription issues the command on a worker thread and emits its result.

        The table is not touched: it changes when the engine's own event arrives.
        """
        return reactivex.from_callable(lambda: run_command(self.client, command),
                                       scheduler=self._pool)

    def inspect(self, container_id: str) -> Observable[dict[str, Any]]:
        """The full inspect document of one container (one value, or a GenetError)."""
        return reactivex.from_callable(lambda: self.client.inspect(container_id),
                                       scheduler=self._pool)

    def logs(self, container_id: str, follow: bool = True, tail: int | None = 10_000,
             timestamps: bool = False) -> Observable[LogLine]:
        """A container's log lines (stream, text, time), followed live by default."""
        return logs.logs(self.client, container_id, follow=follow, tail=tail,
                         timestamps=timestamps)

    def stats(self, container_id: str) -> Observable[Stats]:
        """A container's resource use, about one value a second, until it stops."""
        return stats.stats(self.client, container_id)

    def events(self) -> Observable[Event]:
        """The raw container events, for anything that wants more than the table."""
        return self.client.events(filters={"type": ["container"]})

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._sync.close()
        self._fold.dispose()
        self._tables.on_completed()
        self._connection.on_completed()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connection_key(c: Connection) -> tuple[Link, str | None, str | None]:
    return (c.state, c.api_version, c.message)


def connect(url: str | None = None, **kwargs: Any) -> Engine:
    """An Engine for ``url`` (else ``DOCKER_HOST``, else the local socket), already syncing.

    Raises :class:`~genet_rx.errors.HostError` at once for a host Genet cannot use; an engine
    that is down is not an error here — ``connection`` says so and it keeps retrying.
    """
    return Engine(url, **kwargs)
