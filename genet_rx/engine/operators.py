"""The one operator the sync pipeline needs that ReactiveX does not ship."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

import reactivex
from reactivex import Observable, abc
from reactivex.disposable import CompositeDisposable

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
