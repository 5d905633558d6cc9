"""The operators Genet's pipelines need that ReactiveX does not ship."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

import reactivex
from reactivex import Observable, abc
from reactivex.disposable import CompositeDisposable, SerialDisposable, SingleAssignmentDisposable
from reactivex.scheduler import TimeoutScheduler

from genet_rx.errors import GenetError

T = TypeVar("T")


def concat_eager(first: Observable[T], then: Observable[T]) -> Observable[T]:
    """``first``'s values, then ``then``'s — but ``then`` is subscribed at once, not after.

    Like ``concat(first, then)``, except that what ``then`` emits while ``first`` runs is held
    and handed on, in order, right after ``first`` completes. The sync pipeline subscribes to
    the engine's events before it lists (so nothing between T0 and the list is lost) and folds
    them only after the list. An error from either ends the whole at once.
    """

    def subscribe(observer: abc.ObserverBase[T], scheduler: Any = None) -> abc.DisposableBase:
        lock = threading.RLock()
        held: list[T] | None = []  # None once first has completed: pass straight on
        then_done = False

        def on_then(value: T) -> None:
            with lock:
                if held is not None:
                    held.append(value)
                    return
                observer.on_next(value)

        def on_then_completed() -> None:
            nonlocal then_done
            with lock:
                if held is None:
                    observer.on_completed()
                else:
                    then_done = True

        def on_first_completed() -> None:
            nonlocal held
            with lock:
                pending, held = held or [], None
                for value in pending:
                    observer.on_next(value)
                if then_done:
                    observer.on_completed()

        def on_error(exc: Exception) -> None:
            with lock:
                observer.on_error(exc)

        def on_first(value: T) -> None:
            with lock:
                observer.on_next(value)

        subscriptions = CompositeDisposable()
        subscriptions.add(then.subscribe(on_then, on_error, on_then_completed,
                                         scheduler=scheduler))
        subscriptions.add(first.subscribe(on_first, on_error, on_first_completed,
                                          scheduler=scheduler))
        return subscriptions

    return reactivex.create(subscribe)


class Overflow(GenetError):
    """More values waited to be handed off than the bound allows."""


def hand_off(scheduler: abc.SchedulerBase, limit: int) -> Callable[[Observable[T]], Observable[T]]:
    """Like ``observe_on(scheduler)``, with at most ``limit`` values waiting.

    The producer (the events reader) never waits: it only appends and, when the consumer has
    fallen ``limit`` values behind, drops what waits and errors with :class:`Overflow` — the
    sync pipeline then resyncs from fresh lists instead of letting the queue grow without end.
    """

    def operator(source: Observable[T]) -> Observable[T]:
        def subscribe(observer: abc.ObserverBase[T], sched: Any = None) -> abc.DisposableBase:
            lock = threading.Lock()
            waiting: deque[Callable[[], None]] = deque()
            draining = False
            done = False

            def drain(_scheduler: Any = None, _state: Any = None) -> None:
                nonlocal draining
                while True:
                    with lock:
                        if not waiting:
                            draining = False
                            return
                        step = waiting.popleft()
                    step()

            def put(step: Callable[[], None], *, last: bool = False) -> None:
                nonlocal draining, done
                with lock:
                    if done:
                        return
                    if not last and len(waiting) >= limit:
                        waiting.clear()
                        overflow = Overflow(f"Genet fell {limit:,} events behind the engine")
                        step, last = (lambda: observer.on_error(overflow)), True
                    done = last
                    waiting.append(step)
                    if draining:
                        return
                    draining = True
                scheduler.schedule(drain)

            def on_next(value: T) -> None:
                put(lambda: observer.on_next(value))

            def on_error(exc: Exception) -> None:
                put(lambda: observer.on_error(exc), last=True)

            def on_completed() -> None:
                put(observer.on_completed, last=True)

            return source.subscribe(on_next, on_error, on_completed, scheduler=sched)

        return reactivex.create(subscribe)

    return operator


def latest_every(seconds: float, scheduler: abc.SchedulerBase | None = None
                 ) -> Callable[[Observable[T]], Observable[T]]:
    """At most one value every ``seconds``, always the newest, none lost at the end.

    The first value, and any after a quiet ``seconds``, passes at once; during a run the newest
    waits until ``seconds`` after the last one passed (those in between are skipped). A
    completion or an error hands on the waiting value first. For streams whose every value is
    the whole state so far (a pull's progress): the screen needs the latest, not each step,
    and a software-rendered window pays a full repaint for each one it is shown.
    ``throttle_first`` would lose the last value and ``sample`` would delay the first.
    """

    def operator(source: Observable[T]) -> Observable[T]:
        def subscribe(observer: abc.ObserverBase[T], sched: Any = None) -> abc.DisposableBase:
            timer_on = scheduler or sched or TimeoutScheduler.singleton()
            lock = threading.RLock()
            waiting: list[T] = []  # the newest held value, if any
            last = [float("-inf")]  # when a value last passed (scheduler seconds)
            timer = SerialDisposable()

            def now() -> float:
                return timer_on.now.timestamp()

            def pass_on(value: T) -> None:
                last[0] = now()
                observer.on_next(value)

            def due(_scheduler: Any = None, _state: Any = None) -> None:
                with lock:
                    if waiting:
                        pass_on(waiting.pop())

            def on_next(value: T) -> None:
                with lock:
                    wait = last[0] + seconds - now()
                    if wait <= 0 and not waiting:
                        pass_on(value)
                        return
                    held = bool(waiting)
                    waiting[:] = [value]
                    if not held:
                        timer.disposable = timer_on.schedule_relative(max(wait, 0.0), due)

            def flush_then(end: Callable[[], None]) -> None:
                with lock:
                    timer.dispose()
                    if waiting:
                        observer.on_next(waiting.pop())
                    end()

            def on_error(exc: Exception) -> None:
                flush_then(lambda: observer.on_error(exc))

            def on_completed() -> None:
                flush_then(observer.on_completed)

            upstream = source.subscribe(on_next, on_error, on_completed, scheduler=sched)
            return CompositeDisposable(upstream, timer)

        return reactivex.create(subscribe)

    return operator


def then_merge(follow_up: Callable[[T], Observable[T] | None]
               ) -> Callable[[Observable[T]], Observable[T]]:
    """Each value on at once, then the values of what ``follow_up(value)`` returns, merged in.

    ``follow_up`` is called after the value has gone downstream (so a fold below already holds
    it) and returns None when the value asks for nothing more. The same as
    ``flat_map(lambda v: concat(just(v), defer(lambda _: follow_up(v) or empty())))``, without
    building three observables and a trampoline for every value: the sync pipeline's events
    mostly ask for nothing, and that per-event machinery cost more than the fold itself.
    Completes when the source and every follow-up have; the first error ends the whole.
    """

    def operator(source: Observable[T]) -> Observable[T]:
        def subscribe(observer: abc.ObserverBase[T], scheduler: Any = None) -> abc.DisposableBase:
            lock = threading.RLock()
            group = CompositeDisposable()
            running = 1  # the source, and each follow-up not yet completed

            def one_done() -> None:
                nonlocal running
                with lock:
                    running -= 1
                    if running == 0:
                        observer.on_completed()

            def on_error(exc: Exception) -> None:
                with lock:
                    observer.on_error(exc)

            def forward(value: T) -> None:
                with lock:
                    observer.on_next(value)

            def on_next(value: T) -> None:
                nonlocal running
                forward(value)
                try:
                    more = follow_up(value)
                except Exception as exc:  # handed on, as flat_map does
                    on_error(exc)
                    return
                if more is None:
                    return
                with lock:
                    running += 1
                inner = SingleAssignmentDisposable()
                group.add(inner)

                def inner_done() -> None:
                    group.remove(inner)
                    one_done()

                inner.disposable = more.subscribe(forward, on_error, inner_done,
                                                  scheduler=scheduler)

            group.add(source.subscribe(on_next, on_error, one_done, scheduler=scheduler))
            return group

        return reactivex.create(subscribe)

    return operator
