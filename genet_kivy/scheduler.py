"""A reactivex scheduler that runs actions on Kivy's main thread, on ``Clock``.

Theory of operation
-------------------
``observe_on`` hands its scheduler one action per queued value, and each action schedules the
next one. Kivy defers anything scheduled *during* a frame to the next frame, so a scheduler that
maps ``schedule()`` to ``Clock.schedule_once(cb, 0)`` delivers one value a frame: a burst of
1,000 values takes 1,000 frames (~17 s at 60 fps).

This scheduler keeps its own thread-safe FIFO of ready actions and one Clock *trigger*. Any
thread may ``schedule()``: the item is queued and the trigger fired (firing a pending trigger
is a no-op; triggers are thread-safe). On the main thread, the trigger's callback drains the
queue — including actions queued by the actions it runs — until it is empty or the frame's
time budget is spent; what is left waits for the next frame (the trigger is fired again), so
the UI never freezes on a flood.

Timed actions (``schedule_relative`` with a positive delay, ``schedule_absolute`` in the
future) ride a one-shot ``Clock`` event that moves the item onto the ready queue when due.
Every returned disposable cancels the action if it has not run yet, and disposes whatever the
action returned if it has.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any, TypeVar

from reactivex import abc, typing
from reactivex.disposable import CompositeDisposable, Disposable
from reactivex.scheduler.periodicscheduler import PeriodicScheduler
from reactivex.scheduler.scheduleditem import ScheduledItem

_TState = TypeVar("_TState")

log = logging.getLogger("genet.scheduler")

#: Seconds of work a single frame may spend draining the queue. Generous on purpose: an
#: ``observe_on`` hop costs a few microseconds (1,000 take ~4 ms), and delivering a burst whole
#: beats spreading it; the bound only keeps a runaway flood from freezing the window.
FRAME_BUDGET = 0.05


class KivyScheduler(PeriodicScheduler):
    """Runs scheduled actions on the Kivy main thread, draining all ready work each frame.

    ``clock`` defaults to ``kivy.clock.Clock`` (imported on first use, so this module stays
    importable without initialising Kivy). ``budget`` bounds the seconds spent per frame.
    """

    def __init__(self, clock: Any = None, budget: float = FRAME_BUDGET) -> None:
        super().__init__()
        if clock is None:
            from kivy.clock import Clock

            clock = Clock
        self._clock = clock
        self._budget = budget
        self._lock = threading.Lock()
        self._ready: deque[ScheduledItem] = deque()
        self._trigger = clock.create_trigger(self._drain, 0)
        self.drains = 0  # frames in which the queue was drained (for tests and diagnostics)

    @property
    def pending(self) -> int:
        """How many actions are ready and waiting for the next drain."""
        with self._lock:
            return len(self._ready)

    def schedule(
        self, action: typing.ScheduledAction[_TState], state: _TState | None = None
    ) -> abc.DisposableBase:
        """Run ``action`` on the main thread as soon as possible (this frame or the next)."""
        item = ScheduledItem(self, state, action, self.now)
        self._enqueue(item)
        return item.disposable

    def schedule_relative(
        self,
        duetime: typing.RelativeTime,
        action: typing.ScheduledAction[_TState],
        state: _TState | None = None,
    ) -> abc.DisposableBase:
        """Run ``action`` on the main thread once ``duetime`` has passed."""
        seconds = max(0.0, self.to_seconds(duetime))
        if seconds <= 0.0:
            return self.schedule(action, state)
        item = ScheduledItem(self, state, action, self.now + self.to_timedelta(seconds))
        event = self._clock.schedule_once(lambda _dt: self._enqueue(item), seconds)
        return CompositeDisposable(item.disposable, Disposable(event.cancel))

    def schedule_absolute(
        self,
        duetime: typing.AbsoluteTime,
        action: typing.ScheduledAction[_TState],
        state: _TState | None = None,
    ) -> abc.DisposableBase:
        """Run ``action`` on the main thread at ``duetime``."""
        due = self.to_datetime(duetime)
        return self.schedule_relative(due - self.now, action, state)

    def _enqueue(self, item: ScheduledItem) -> None:
        with self._lock:
            self._ready.append(item)
        self._trigger()

    def _drain(self, _dt: float = 0.0) -> None:
        """Run ready actions until the queue is empty or the frame's budget is spent."""
        self.drains += 1
        deadline = time.perf_counter() + self._budget
        while True:
            with self._lock:
                if not self._ready:
                    return
                item = self._ready.popleft()
            if not item.is_cancelled():
                try:
                    item.invoke()
                except Exception:
                    # A bug in one subscriber must not stall every other one.
                    log.exception("genet: a scheduled action failed")
            if time.perf_counter() >= deadline:
                with self._lock:
                    more = bool(self._ready)
                if more:
                    self._trigger()  # fired during a frame: runs next frame
                return
