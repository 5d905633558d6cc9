"""One pull the app runs: its progress, its end, and its entry in the app's Tasks.

The pull keeps going when its dialog closes; ``cancel()`` disposes the subscription (the
engine then cancels the pull and leaves no image). A stopping app cancels its pulls. Values
arrive on the main thread (``app.on_main``), so listeners may touch widgets; at most
:data:`PACE` apart (each value is the whole progress so far, so the newest is all the dialog
needs, and each one shown is a repaint of the window: ~50 ms in a software renderer).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from reactivex.disposable import Disposable

from genet_rx.engine.operators import latest_every
from genet_rx.model.pull import PullProgress, finish

from ..controllers.feed import PACE
from .base import tasks_of
from .pull_rows import error_text, task_label


class PullState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def pull_key(reference: str) -> str:
    """The Tasks key of a pull of ``reference`` (one pull per reference at a time)."""
    return f"pull:{reference}"


class PullSession:
    """Pulls ``reference`` through ``app.engine.pull`` and keeps what is known about it."""

    def __init__(self, app: Any, reference: str) -> None:
        self.app = app
        self.reference = reference
        self.key = pull_key(reference)
        self.progress = PullProgress(reference)
        self.state = PullState.RUNNING
        self.error = ""
        self.quiet = False  # True while its dialog shows the outcome (no notice for an error)
        self._subscription: Disposable | None = None
        self._listeners: list[Callable[[PullSession], None]] = []

    def listen(self, listener: Callable[[PullSession], None]) -> None:
        self._listeners.append(listener)

    def start(self, reopen: Callable[[], None] | None = None) -> None:
        tasks_of(self.app).start(self.key, task_label(self.progress), None, reopen)
        self.app.bind(on_stop=self._on_app_stop)
        self._subscription = self.app.on_main(
            self.app.engine.pull(self.reference).pipe(latest_every(PACE))).subscribe(
            on_next=self._on_progress, on_error=self._on_error, on_completed=self._on_completed
        )

    @property
    def running(self) -> bool:
        return self.state is PullState.RUNNING

    def cancel(self) -> None:
        """Stop the pull: the engine cancels it when its connection closes."""
        if not self.running:
            return
        self._end(PullState.CANCELLED)

    def _on_progress(self, progress: PullProgress) -> None:
        if not self.running:
            return
        self.progress = progress
        tasks_of(self.app).update(self.key, task_label(progress), progress.fraction)
        self._changed()

    def _on_error(self, exc: Exception) -> None:
        if not self.running:
            return
        self.error = error_text(exc)
        self._end(PullState.FAILED)
        if not self.quiet:
            self.app.notify(f"Pulling {self.reference} failed: {self.error}", "error")

    def _on_completed(self) -> None:
        if not self.running:
            return
        self.progress = finish(self.progress)
        self._end(PullState.DONE)
        self.app.notify(f"Pulled {self.reference}", "info")

    def _end(self, state: PullState) -> None:
        self.state = state
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            subscription.dispose()
        self.app.unbind(on_stop=self._on_app_stop)
        tasks_of(self.app).finish(self.key)
        self._changed()

    def _on_app_stop(self, *_args: Any) -> None:
        self.cancel()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)
