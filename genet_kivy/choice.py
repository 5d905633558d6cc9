"""A row of touch-sized buttons of which one is chosen (a segmented control).

``choices`` are ``(value, word)`` pairs, one ``ChoiceButton`` each (the dialogs' kv class: the
chosen one in the primary tone, and in bold here: not colour alone). A tap sets ``value`` and
dispatches ``on_choose(value)``; setting ``value`` from code does not.
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import ListProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from . import theme
from .kv_files import OVERLAYS, ensure_kv


class ChoiceRow(BoxLayout):
    choices = ListProperty([])
    value = ObjectProperty(None)

    __events__ = ("on_choose",)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", dp(theme.TAP))
        kwargs.setdefault("spacing", dp(4))
        super().__init__(**kwargs)

    def on_choices(self, *_: Any) -> None:
        ensure_kv(OVERLAYS)  # ChoiceButton's rule
        self.clear_widgets()
        for value, word in self.choices:
            button = Factory.ChoiceButton(text=word, padding=(dp(2), dp(6)))
            button.value = value
            button.bind(on_release=self._tapped)
            self.add_widget(button)
        self.on_value()

    def on_value(self, *_: Any) -> None:
        for button in self.children:
            button.chosen = button.bold = button.value == self.value

    def button(self, value: Any) -> Any:
        """The button of ``value`` (tests tap it)."""
        return next(b for b in self.children if b.value == value)

    def _tapped(self, button: Any) -> None:
        self.value = button.value
        self.dispatch("on_choose", button.value)

    def on_choose(self, value: Any) -> None:
        pass
