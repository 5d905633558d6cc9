"""Every engine's state, merged, moved onto the Kivy main thread, one state a frame.

One pipeline: each engine's socket → its fold → the :class:`~genet_rx.engine.engines.Engines`
merge (every engine's latest state by name) → the Kivy scheduler, only the newest merged map
waiting there (``app.on_main_latest``: a busy main thread never queues states) → here. The
newest merged map waits in ``pending`` and one Clock trigger (timeout -1: after the frame's
drain, before its draw) turns it into :attr:`Feed.state`, the one state the panels present
(see :func:`~genet_kivy.engine_view.merged_state`: with one engine, that engine's own state;
merged by a :class:`~genet_kivy.engine_view.Merger`, at the cost of what changed),
so the widgets see at most one state a frame however fast events come, from however many
engines.

Paced while states stream: a state that comes after a quiet moment (nothing applied for
one gap), or before the first synced container table, is applied in the frame it arrives in;
during a flood the newest waits until a gap has passed since the last one applied. The gap is
at least :data:`PACE` seconds and long enough that applying states and drawing them takes at
most :data:`BUDGET` of a core: each state's cost (CPU time from its apply to the end of the
buffer swap that shows it: present, layout, the repaint, Mesa's software GL included) is
measured (from the second synced state on: the first builds every row's widgets), and the gap
is that cost (smoothed) divided by the budget, at most :data:`MAX_GAP`. On a GPU a state costs a
few ms and the gap stays :data:`PACE`; under Mesa's software GL (a whole-window repaint ~10 ms
of its threads at 1280x800) a state at 1,000 containers costs ~25-50 ms, so the gap stays near
:data:`PACE`, and grows where states cost more (10 engines' 10,000 rows: ~0.5 s): fewer states
a second (never a lost one: the newest is always shown) for a bounded CPU. The fold upstream
still sees every event; only in-between states are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import immutables
from kivy.clock import Clock
from reactivex import Observable
from reactivex.disposable import CompositeDisposable

from genet_rx.model.connection import Connection, Link
from genet_rx.state.engine_state import EngineState

from ..engine_view import Merger

#: The tables the panels present, by EngineState field.
TABLES = ("containers", "images", "volumes", "networks", "services", "nodes")

#: The shortest gap, in seconds, between two states applied while they stream (see above).
PACE = 0.25

#: The share of a core that applying and drawing states may take while they stream.
BUDGET = 0.2

#: The longest gap, in seconds: a costly state (a first list of 10,000 rows) never holds the
#: next one back for longer.
MAX_GAP = 1.0

#: Weight of the newest state's cost in the smoothed cost (the rest: the ones before).
SMOOTHING = 0.5


def gap(cost: float, pace: float = PACE, budget: float = BUDGET) -> float:
    """Seconds between two states applied while they stream, for states costing ``cost``
    seconds of CPU each: at least ``pace``, and long enough to keep them within ``budget``
    of a core, up to :data:`MAX_GAP`."""
    return min(MAX_GAP, max(pace, cost / budget))


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
        pace: float = PACE,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] = time.process_time,
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
        self._pace = pace
        self._clock = clock
        self._cpu = cpu
        self._last = -pace  # when the last state was applied (clock seconds)
        self.cost = 0.0  # a state's CPU seconds, smoothed (see above)
        self._began: float | None = None  # CPU time when the state being drawn was applied
        self._due: Any = None  # the paced apply, while one is scheduled
        self._merger = Merger()

    def start(self) -> None:
        self._trigger = Clock.create_trigger(self._apply, -1)
        self._subs.add(self._on_main(self.engines.state).subscribe(
            on_next=self._offer, on_error=self._on_error))

    def stop(self) -> None:
        if self._trigger is not None:
            self._trigger.cancel()
        if self._due is not None:
            self._due.cancel()
        self._subs.dispose()

    @property
    def quiet(self) -> bool:
        """True when the next state would be applied in the frame it arrives in (always until
        the first synced container table is shown: start-up is never paced)."""
        if not self.state.containers.synced:
            return True
        return self._clock() - self._last >= self.gap

    @property
    def gap(self) -> float:
        """Seconds between two states applied while they stream (see above)."""
        return gap(self.cost, self._pace)

    def drawn(self, _dt: float = 0) -> None:
        """The frame after an applied state's (its draw and buffer swap done): its cost is
        known (see above)."""
        if self._began is not None:
            spent = self._cpu() - self._began
            self._began = None
            self.cost = spent if not self.cost else (
                SMOOTHING * spent + (1 - SMOOTHING) * self.cost)

    def _offer(self, merged: immutables.Map[str, EngineState]) -> None:
        self._pending = merged  # keep only the newest
        if self.quiet:
            self._trigger()  # applied this frame
        elif self._due is None:
            wait = self._last + self.gap - self._clock()
            self._due = Clock.schedule_once(self._paced, max(0.0, wait))

    def _paced(self, _dt: float) -> None:
        self._due = None
        self._trigger()

    def _apply(self, _dt: float = 0) -> None:
        merged, self._pending = self._pending, None
        if merged is None:
            return
        if self._due is not None:  # a paced apply, timed from the state before this one
            self._due.cancel()
            self._due = None
        self._last = self._clock()
        if self.state.containers.synced:  # start-up's states build widgets: not a pace's cost
            self._began = self._cpu()
            Clock.schedule_once(self.drawn, 0)  # the next frame: after its draw and swap
        old = self.state
        self.merged = merged
        self.state = self._merger.merge(merged, list(self.engines.engines))
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
