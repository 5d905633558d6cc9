"""What every Genet dialog shares: a card over the app, Esc to cancel, Enter to submit, an
error line, and sending one command whose refusal stays inside the dialog.

A dialog listens to the keyboard only while it is open; Esc closes it and nothing else (the
app's own Esc handling does not see the key), Enter submits unless a multi-line field has the
focus (there it starts a new line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.textinput import TextInput

from genet_rx.engine.commands import Outcome

from ..kv_files import OVERLAYS, KvOnFirstUse
from .pull_rows import error_text
from .tasks import Tasks

ESCAPE = 27
ENTERS = (13, 271)  # Return, keypad Enter


def tasks_of(app: Any) -> Tasks:
    """The app's Tasks, made on first use."""
    tasks = getattr(app, "tasks", None) or Tasks()
    app.tasks = tasks
    return tasks


def walk(widget: Any) -> Any:
    yield widget
    for child in widget.children:
        yield from walk(child)


class DialogInput(TextInput):
    """A dialog's text field: Esc closes its dialog at once (a plain TextInput would only
    give up the focus and swallow the key)."""

    def keyboard_on_key_down(self, window: Any, keycode: Any, text: Any, modifiers: Any) -> Any:
        if keycode and keycode[0] == ESCAPE:
            dialog = self.parent
            while dialog is not None and not isinstance(dialog, DialogCard):
                dialog = dialog.parent
            if dialog is not None:
                self.focus = False
                dialog.dismiss()
                return True
        return super().keyboard_on_key_down(window, keycode, text, modifiers)


class DialogCard(KvOnFirstUse, ModalView):
    """A card over the app with a title, an error line and a primary action (``submit``)."""

    title = StringProperty("")
    error = StringProperty("")  # shown in the dialog, in the engine's or the checker's words
    busy = BooleanProperty(False)  # a command is on its way: the primary action waits
    focus_id = ""  # the field that takes the keyboard when the dialog opens empty
    kv = OVERLAYS

    def __init__(self, app: Any, **kwargs: Any) -> None:
        self.app = app
        kwargs.setdefault("auto_dismiss", False)
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget: Any) -> None:
        # Enter in a one-line field submits (multi-line fields keep Enter for new lines).
        for w in walk(self):
            if isinstance(w, TextInput) and not w.multiline:
                w.bind(on_text_validate=lambda *_: self.submit())

    @property
    def is_open(self) -> bool:
        return bool(self._is_open)

    def open(self, *args: Any, **kwargs: Any) -> None:
        if self._is_open:
            return
        kwargs.setdefault("animation", False)
        super().open(*args, **kwargs)
        Window.bind(on_keyboard=self._on_keyboard)  # after ModalView's: heard first
        field = self.ids.get(self.focus_id) if self.focus_id else None
        if field is not None and not field.text and not field.disabled:
            Clock.schedule_once(lambda _dt: setattr(field, "focus", self._is_open), 0)

    def dismiss(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("animation", False)
        Window.unbind(on_keyboard=self._on_keyboard)
        super().dismiss(*args, **kwargs)

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        if key == ESCAPE:
            self.dismiss()
            return True
        if key in ENTERS:
            if any(isinstance(w, TextInput) and w.focus for w in walk(self)):
                return False  # the field handles it: a one-line field submits on its own
            self.submit()
            return True
        return False

    def submit(self) -> None:
        """The primary action (Pull, Run, Create)."""

    def send(self, command: Any, on_done: Callable[[Any], None]) -> None:
        """Send ``command``; a refusal is shown in the dialog, which stays open."""
        if self.busy:
            return
        self.busy = True
        self.error = ""

        def answered(result: Any) -> None:
            self.busy = False
            if result.outcome is Outcome.FAILED:
                self.error = result.message or "The engine refused it (it gave no reason)."
                return
            on_done(result)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.error = error_text(exc)

        self.app.run_once(self.app.engine.execute(command), answered, failed)
