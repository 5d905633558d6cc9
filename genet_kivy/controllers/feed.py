"""The engine's live tables and connection, moved onto the Kivy main thread, one state a frame.

Each table stream (containers, images, volumes, networks, services, nodes) is ``observe_on``
the Kivy scheduler; the newest table of each kind waits in ``pending`` and one Clock trigger
(timeout -1: after the frame's drain, before its draw) folds them all into :attr:`Feed.state`
at once, so the widgets see at most one state a frame however fast events come. An engine
without a kind's stream (an older double) simply never fills that table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from reactivex import Observable
from reactivex.disposable import CompositeDisposable

from genet_rx.model.connection import Connection, Link
from genet_rx.state.engine_state import EngineState

#: The table streams an engine offers, by EngineState field.
TABLES = ("containers", "images", "volumes", "networks", "services", "nodes")


class Feed:
    """Subscribes to the engine's streams; ``on_state(kinds)`` runs after tables changed,
    ``on_connection(conn)`` when the link does."""

    def __init__(
        self,
        engine: Any,
        on_main: Callable[[Observable[Any]], Observable[Any]],
        on_state: Callable[[frozenset[str]], None],
        on_connection: Callable[[Connection], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        self.engine = engine
        self.state = EngineState(host=engine.host, connection=Connection(engine.host,
                                                                          Link.CONNECTING))
        self.applied = 0  # container tables that reached the widgets (tests, diagnostics)
        self._on_main = on_main
        self._on_state = on_state
        self._on_connection = on_connection
        self._on_error = on_error
        self._pending: dict[str, Any] = {}
        self._subs = CompositeDisposable()
        self._trigger: Any = None

    def start(self) -> None:
        self._trigger = Clock.create_trigger(self._apply, -1)
        for kind in TABLES:
            source = getattr(self.engine, kind, None)
            if source is None:
                continue
            self._subs.add(self._on_main(source).subscribe(
                on_next=lambda table, k=kind: self._offer(k, table), on_error=self._on_error))
        self._subs.add(self._on_main(self.engine.connection).subscribe(
            on_next=self._connection, on_error=self._on_error))

    def stop(self) -> None:
        if self._trigger is not None:
            self._trigger.cancel()
        self._subs.dispose()

    def _offer(self, kind: str, table: Any) -> None:
        self._pending[kind] = table  # keep only the newest; applied once this frame
        self._trigger()

    def _apply(self, _dt: float = 0) -> None:
        pending, self._pending = self._pending, {}
        if not pending:
            return
        self.state = dataclasses.replace(self.state, **pending)
        if "containers" in pending:
            self.applied += 1
        self._on_state(frozenset(pending))

    def _connection(self, conn: Connection) -> None:
        self.state = dataclasses.replace(self.state, connection=conn)
        self._on_connection(conn)
