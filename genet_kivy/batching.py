"""Many values from a background thread, delivered as one list per drain on a scheduler.

``batched_on(scheduler, capacity)`` is ``observe_on`` for floods. Values are kept in a
bounded, lock-protected deque on the producer's side; the first value after a drain schedules
one action on ``scheduler`` (the Kivy one: the main thread, once a frame), and that action hands
everything gathered so far to the observer as one list. However fast the source emits, the
observer sees at most one list per scheduled drain, and memory holds at most ``capacity``
values: older ones are dropped first (they would fall off a ring of that size anyway) and
counted in :attr:`Batches.dropped`. Completion and errors follow the last list.

Pure reactivex: no Kivy here (tests drive it with a TestScheduler).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import reactivex
from reactivex import Observable, abc
from reactivex.disposable import CompositeDisposable, Disposable, SerialDisposable

T = TypeVar("T")


class Batches(Generic[T]):
    """The producer side of one subscription: a bounded buffer and at most one pending drain."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.lock = threading.Lock()
        self.items: deque[T] = deque(maxlen=capacity)
        self.dropped = 0
        self.scheduled = False
        self.end: tuple[str, Exception | None] | None = None

    def put(self, value: T) -> bool:
        """Buffer one value; True when a drain must be scheduled."""
        with self.lock:
            if len(self.items) == self.items.maxlen:
                self.dropped += 1
            self.items.append(value)
            return self._claim()

    def finish(self, kind: str, error: Exception | None = None) -> bool:
        with self.lock:
            if self.end is None:
                self.end = (kind, error)
            return self._claim()

    def _claim(self) -> bool:
        if self.scheduled:
            return False
        self.scheduled = True
        return True

    def take(self) -> tuple[list[T], tuple[str, Exception | None] | None]:
        with self.lock:
            items = list(self.items)
            self.items.clear()
            self.scheduled = False
            return items, self.end


def batched_on(
    scheduler: abc.SchedulerBase, capacity: int
) -> Callable[[Observable[T]], Observable[list[T]]]:
    """An operator: the source's values as lists, delivered on ``scheduler`` (see module doc)."""

    def operator(source: Observable[T]) -> Observable[list[T]]:
        def subscribe(
            observer: abc.ObserverBase[list[T]], _scheduler: Any = None
        ) -> abc.DisposableBase:
            batches: Batches[T] = Batches(capacity)
            pending = SerialDisposable()
            disposed = threading.Event()

            def drain(_sched: Any, _state: Any) -> None:
                items, end = batches.take()
                if disposed.is_set():
                    return
                if items:
                    observer.on_next(items)
                if end is not None:
                    disposed.set()
                    kind, error = end
                    if kind == "error" and error is not None:
                        observer.on_error(error)
                    else:
                        observer.on_completed()

            def kick(needed: bool) -> None:
                if needed and not disposed.is_set():
                    pending.disposable = scheduler.schedule(drain)

            upstream = source.subscribe(
                on_next=lambda v: kick(batches.put(v)),
                on_error=lambda e: kick(batches.finish("error", e)),
                on_completed=lambda: kick(batches.finish("completed")),
            )
            return CompositeDisposable(upstream, pending, Disposable(disposed.set))

        return reactivex.create(subscribe)

    return operator
