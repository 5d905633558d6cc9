"""Navigation between kinds: a rail on the left of wide screens, a bar at the bottom of narrow.

One widget, moved by the shell when the layout switches (never rebuilt); ``vertical`` says
which of the two it is. Each button shows its kind's title and count; the current one is
marked with a bar (not colour alone). Taps go to ``app.show_kind``.
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout


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
    """The four kinds' buttons; ``current`` the kind on screen."""

    current = StringProperty("containers")
    vertical = BooleanProperty(True)

    def set_counts(self, counts: dict[str, str]) -> None:
        for kind, count in counts.items():
            self.ids[f"nav_{kind}"].count = count

    def button(self, kind: str) -> NavButton:
        button: NavButton = self.ids[f"nav_{kind}"]
        return button
