"""A flat, touch-sized button (layout and colours in kv/flat_button.kv)."""

from __future__ import annotations

from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.button import Button


class FlatButton(Button):
    """A Button drawn flat in one of a few tones; ``working`` shows a command is on its way."""

    tone = OptionProperty("normal", options=["normal", "primary", "danger", "quiet"])
    working = BooleanProperty(False)
    control = StringProperty("")  # for control buttons: which control it sends


class TabButton(FlatButton):
    """One of the detail pane's tabs; ``current`` marks the one shown (a bar, not colour alone)."""

    tab = StringProperty("")
    current = BooleanProperty(False)
