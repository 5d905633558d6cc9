"""Kiosk mode's guard: no accidental exit.

In a kiosk (``genet --kiosk``: the whole screen, the on-screen keyboard on) nothing leaves the
app by accident: Esc at the top level (nothing to go back from, no dialog open) and a request
to close the window (a window manager's close, Alt+F4) ask "Leave Genet?" first; only Leave
quits. Everywhere else Esc keeps its meaning (back, cancel a dialog).
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window

from .actions import Question

LEAVE = Question("Leave Genet?", "The kiosk closes, and the screen shows what is behind it.",
                 "Leave")


class KioskGuard:
    """Asks before the app goes (see the module doc); ``app.stop()`` only after Leave."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.leaving = False

    def start(self) -> None:
        Window.bind(on_request_close=self._on_request_close)

    def stop(self) -> None:
        Window.unbind(on_request_close=self._on_request_close)

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        """True keeps the window open (and asks); False lets it close once Leave was said."""
        if self.leaving:
            return False
        self.ask()
        return True

    def ask(self) -> None:
        """The question, unless a dialog (this one, or another) is already open."""
        if self.app.dialog is None:
            self.app.notices.ask(LEAVE, self.leave)

    def leave(self) -> None:
        self.leaving = True
        self.app.stop()
