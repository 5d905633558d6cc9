"""A dialog that offers a list of choices as touch-sized buttons (pick a container)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from ..buttons import FlatButton


class PickDialog(ModalView):
    """``choices``: (key, text) pairs; tapping one closes the dialog and calls ``on_pick``."""

    title = StringProperty("")
    empty = StringProperty("")

    def __init__(self, choices: Sequence[tuple[str, str]], on_pick: Callable[[str], None],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_pick = on_pick
        self.buttons: dict[str, FlatButton] = {}
        box = self.ids.choices
        for key, text in choices:
            button = FlatButton(text=text, shorten=True, halign="left")
            button.bind(size=lambda b, s: setattr(b, "text_size", (s[0] - 28, None)))
            button.bind(on_release=lambda _b, k=key: self.pick(k))
            self.buttons[key] = button
            box.add_widget(button)
        if not choices:
            self.empty = self.empty or "Nothing to choose from."
        else:
            self.empty = ""

    def pick(self, key: str) -> None:
        self.dismiss()
        self._on_pick(key)
