"""The top bar's task indicator: the running tasks in a few words, tap to see the task."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from .base import tasks_of, walk
from .tasks import Tasks


class TaskIndicator(ButtonBehavior, BoxLayout):
    """Shows ``app.tasks``: "Pulling busybox 43%" over a thin bar; hidden when nothing runs.

    Placed in the top bar by the app's kv, or added there on first use (``place_indicator``).
    """

    text = StringProperty("")
    fraction = NumericProperty(0.0)
    known = BooleanProperty(False)  # the fraction is known
    shown = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tasks: Tasks | None = None
        self._stop_listening: Any = None
        Clock.schedule_once(lambda _dt: self._attach_to_app(), 0)

    def _attach_to_app(self) -> None:
        app = App.get_running_app()
        if app is not None and self.tasks is None:
            self.attach(tasks_of(app))

    def attach(self, tasks: Tasks) -> None:
        if self.tasks is tasks:
            return
        if self._stop_listening is not None:
            self._stop_listening()
        self.tasks = tasks
        self._stop_listening = tasks.listen(self._show)

    def _show(self, tasks: Tasks) -> None:
        self.text = tasks.summary()
        fraction = tasks.fraction()
        self.known = fraction is not None
        self.fraction = fraction or 0.0
        self.shown = bool(tasks.running)
        self.disabled = not self.shown

    def on_release(self) -> None:
        if self.tasks is not None:
            self.tasks.reopen()


def place_indicator(app: Any) -> TaskIndicator | None:
    """The top bar's TaskIndicator, added beside the summary if the app's kv has none."""
    root = getattr(app, "root", None)
    topbar = getattr(getattr(root, "ids", None), "topbar", None) if root is not None else None
    if topbar is None:
        return None
    found = next((w for w in walk(topbar) if isinstance(w, TaskIndicator)), None)
    if found is None:
        found = TaskIndicator()
        # Children run right to left: after the title and the summary, before the link dot.
        topbar.add_widget(found, index=max(0, len(topbar.children) - 2))
    found.attach(tasks_of(app))
    return found
