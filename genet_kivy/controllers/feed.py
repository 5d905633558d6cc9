"""Every engine's state, merged, moved onto the Kivy main thread, one state a frame.

One pipeline: each engine's socket → its fold → the :class:`~genet_rx.engine.engines.Engines`
merge (every engine's latest state by name) → ``observe_on`` the Kivy scheduler → here. The
newest merged map waits in ``pending`` and one Clock trigger (timeout -1: after the frame's
drain, before its draw) turns it into :attr:`Feed.state`, the one state the panels present
(see :func:`~genet_kivy.engine_view.merged_state`: with one engine, that engine's own state),
so the widgets see at most one state a frame however fast events come, from however many
engines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import immutables
from kivy.clock import Clock
from reactivex import Observable
from reactivex.disposable import CompositeDisposable

from genet_rx.model.connection import Connection, Link
from genet_rx.state.engine_state import EngineState

from ..engine_view import merged_state

#: The tables the panels present, by EngineState field.
TABLES = ("containers", "images", "volumes", "networks", "services", "nodes")


class Feed:
    """Subscribes to the engines' merged state; ``on_state(kinds)`` runs after tables
    changed, ``on_connection(conn)`` when the app's one connection does, ``on_engines(map)``
    whenever any engine's state does (chips, the Engines screen)."""

    def __init__(
        self,
        engines: Any,
        on_main: Callable[[Observable[Any]], Observable[Any]],
        on_state: Callable[[frozenset[str]], None],
        on_connection: Callable[[Connection], None],
        on_error: Callable[[Exception], None],
        on_engines: Callable[[immutables.Map[str, EngineState]], None] = lambda _m: None,
    ) -> None:
        self.engines = engines
        first = next(iter(engines.engines.values()), None)
        host = getattr(first, "host", "")
        self.state = EngineState(host=host, connection=Connection(host, Link.CONNECTING))
        self.merged: immutables.Map[str, EngineState] = immutables.Map()
        self.applied = 0  # container tables that reached the widgets (tests, diagnostics)
        self._on_main = on_main
        self._on_state = on_state
        self._on_connection = on_connection
        self._on_engines = on_engines
        self._on_error = on_error
        self._pending: immutables.Map[str, EngineState] | None = None
        self._subs = CompositeDisposable()
        self._trigger: Any = None

    def start(self) -> None:
        self._trigger = Clock.create_trigger(self._apply, -1)
        self._subs.add(self._on_main(self.engines.state).subscribe(
            on_next=self._offer, on_error=self._on_error))

    def stop(self) -> None:
        if self._trigger is not None:
            self._trigger.cancel()
        self._subs.dispose()

    def _offer(self, merged: immutables.Map[str, EngineState]) -> None:
        self._pending = merged  # keep only the newest; applied once this frame
        self._trigger()

    def _apply(self, _dt: float = 0) -> None:
        merged, self._pending = self._pending, None
        if merged is None:
            return
        old = self.state
        self.merged = merged
        self.state = merged_state(merged, list(self.engines.engines))
        changed = frozenset(k for k in TABLES if getattr(self.state, k) is not getattr(old, k))
        if "containers" in changed:
            self.applied += 1
        self._on_engines(merged)
        if _link_key(self.state.connection) != _link_key(old.connection):
            self._on_connection(self.state.connection)
        if changed:
            self._on_state(changed)


def _link_key(c: Connection) -> tuple[str, Link, str | None, str | None]:
    return (c.host, c.state, c.api_version, c.message)
