"""Tasks that run in the background (pulls), as a pure model the task indicator shows.

A task has a key, a label and a fraction (0..1, or ``None`` when unknown), and may carry a
``reopen`` callable (tapping the indicator calls it). Listeners hear about every change; the
model knows nothing of Kivy or threads (call it on the UI thread).
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct
from msgspec.structs import replace

Listener = Callable[["Tasks"], None]


class Task(Struct, frozen=True):
    key: str
    label: str
    fraction: float | None = None
    reopen: Callable[[], None] | None = None


class Tasks:
    """The running tasks, oldest first. (No ``__len__``: an empty Tasks is still truthy.)"""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._listeners: list[Listener] = []

    @property
    def running(self) -> tuple[Task, ...]:
        return tuple(self._tasks.values())

    def get(self, key: str) -> Task | None:
        return self._tasks.get(key)

    def start(self, key: str, label: str, fraction: float | None = None,
              reopen: Callable[[], None] | None = None) -> Task:
        """Add (or replace) the task ``key``."""
        task = Task(key, label, fraction, reopen)
        self._tasks[key] = task
        self._changed()
        return task

    def update(self, key: str, label: str, fraction: float | None) -> None:
        """New label and fraction for a running task; nothing if it is not running."""
        task = self._tasks.get(key)
        if task is None or (task.label, task.fraction) == (label, fraction):
            return
        self._tasks[key] = replace(task, label=label, fraction=fraction)
        self._changed()

    def finish(self, key: str) -> None:
        """The task ended (done, failed or cancelled): it leaves the list."""
        if self._tasks.pop(key, None) is not None:
            self._changed()

    def summary(self) -> str:
        """What the indicator says: the oldest task's label, and how many more run."""
        tasks = self.running
        if not tasks:
            return ""
        more = len(tasks) - 1
        return tasks[0].label + (f" · +{more}" if more else "")

    def fraction(self) -> float | None:
        """The oldest task's fraction (what the indicator's bar shows)."""
        tasks = self.running
        return tasks[0].fraction if tasks else None

    def reopen(self) -> bool:
        """Call the oldest task's ``reopen``; False when there is nothing to reopen."""
        tasks = self.running
        if not tasks or tasks[0].reopen is None:
            return False
        tasks[0].reopen()
        return True

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(self)`` now and on every change; returns a function that stops it."""
        self._listeners.append(listener)
        listener(self)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)
