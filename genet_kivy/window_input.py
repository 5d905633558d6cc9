"""What the app takes from the window besides drawing: keys, the on-screen keyboard, the
kiosk's guard against leaving, and the narrow layout's swipe back.

Keys: Esc (or Android's back) on a narrow screen showing a detail goes back to the list; any
other key goes through the keyboard map (:func:`~genet_kivy.keyboard.handle_key`); an Esc left
over at the top level of a kiosk asks before leaving (:class:`~genet_kivy.kiosk.KioskGuard`).
The on-screen keyboard (``--osk``, or a kiosk without a physical keyboard) docks under text
fields (:func:`~genet_kivy.osk.use_osk`). :meth:`WindowInput.stop` undoes all of it, so the
next app in the same process (the tests) starts from a plain window.
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window

from .gestures import SwipeBack
from .keyboard import handle_key
from .kiosk import KioskGuard
from .osk import use_osk

ESCAPE = 27


class WindowInput:
    """The window's keys, on-screen keyboard, kiosk guard and swipe back for ``app``."""

    def __init__(self, app: Any, osk: bool = False, kiosk: bool = False) -> None:
        self.app = app
        self.osk = osk  # the docked on-screen keyboard for text fields
        self.kiosk = KioskGuard(app) if kiosk else None  # asks before leaving
        self.swipe_back = SwipeBack(app)  # narrow layout: swipe right for Back

    def start(self) -> None:
        Window.bind(on_keyboard=self.on_keyboard)
        use_osk(Window, self.osk)
        self.swipe_back.start()
        if self.kiosk is not None:
            self.kiosk.start()

    def stop(self) -> None:
        Window.unbind(on_keyboard=self.on_keyboard)
        use_osk(Window, False)
        self.swipe_back.stop()
        if self.kiosk is not None:
            self.kiosk.stop()

    def on_keyboard(self, _window: Any, key: int, _scancode: Any = None,
                    codepoint: str | None = None, modifiers: Any = ()) -> bool:
        shell = self.app.root
        if key == ESCAPE and shell is not None and not shell.wide and shell.show_detail:
            self.app.back()  # Escape / Android back leaves the detail instead of the app
            return True
        if handle_key(self.app, key, codepoint, list(modifiers or ())):  # the keyboard map
            return True
        if key == ESCAPE and self.kiosk is not None and shell is not None:
            self.kiosk.ask()  # Esc at the top level of a kiosk: leave only if confirmed
            return True
        return False
