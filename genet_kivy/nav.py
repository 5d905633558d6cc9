"""Navigation between kinds: a rail on the left of wide screens, a bar at the bottom of narrow.

One widget, moved by the shell when the layout switches (never rebuilt); ``vertical`` says
which of the two it is. Each button shows its kind's title and count; the current one is
marked with a bar (not colour alone). Taps go to ``app.show_kind``.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from . import theme

RAIL_BUTTON = 68  # dp: a rail button's height when the rail has room


class NavButton(ButtonBehavior, BoxLayout):
    """A kind's title over its count."""

    kind = StringProperty("")
    title = StringProperty("")
    count = StringProperty("")
    current = BooleanProperty(False)
    vertical = BooleanProperty(True)

    def on_release(self) -> None:
        App.get_running_app().show_kind(self.kind)


class NavBar(BoxLayout):
    """Every kind's button; ``current`` the kind on screen. A rail shorter than its buttons
    makes them shorter (never under ``theme.TAP``) and then scrolls."""

    current = StringProperty("containers")
    vertical = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fit_trigger = Clock.create_trigger(lambda _dt: self.fit(), 0)
        self.bind(size=lambda *_: self._fit_trigger(), vertical=lambda *_: self._fit_trigger())

    def fit(self) -> None:
        if not self.vertical:
            return
        buttons = [b for b in self.ids.buttons.children if isinstance(b, NavButton)]
        room = (self.height - dp(6)) / max(1, len(buttons)) - dp(2)
        height = max(dp(theme.TAP), min(dp(RAIL_BUTTON), room))
        for b in buttons:
            b.height = height

    def set_counts(self, counts: dict[str, str]) -> None:
        for kind, count in counts.items():
            self.ids[f"nav_{kind}"].count = count

    def button(self, kind: str) -> NavButton:
        button: NavButton = self.ids[f"nav_{kind}"]
        return button
