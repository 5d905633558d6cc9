"""One-shot Observables (a command's result, an inspect) taken on the Kivy main thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reactivex import Observable
from reactivex.disposable import CompositeDisposable, SingleAssignmentDisposable


class Calls:
    """Takes one value of a source on the main thread, then lets the subscription go.

    Completing without a value counts as an error, so a control never stays "working".
    ``dispose`` lets every call still in flight go (the app is stopping).
    """

    def __init__(self, on_main: Callable[[Observable[Any]], Observable[Any]]) -> None:
        self._on_main = on_main
        self._subs = CompositeDisposable()

    def once(
        self,
        source: Observable[Any],
        on_value: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        holder = SingleAssignmentDisposable()
        done = False

        def finish() -> bool:
            nonlocal done
            if done:
                return False
            done = True
            self._subs.remove(holder)
            return True

        def value(v: Any) -> None:
            if finish():
                on_value(v)

        def error(exc: Exception) -> None:
            if finish():
                on_error(exc)

        def completed() -> None:
            if finish():
                on_error(RuntimeError("the engine gave no answer"))

        self._subs.add(holder)
        holder.disposable = self._on_main(source).subscribe(
            on_next=value, on_error=error, on_completed=completed
        )

    def dispose(self) -> None:
        self._subs.dispose()
