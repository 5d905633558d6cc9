"""An engine's chip in the top bar (layout in kv/engine_chip.kv): its name, its state word
and colour (live / connecting / offline: the reason / unverified TLS). Tapping it filters the
lists to that engine; tapping it again shows every engine."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from . import theme
from .engine_view import Chip
from .kv_files import KvOnFirstUse


class EngineChip(KvOnFirstUse, ButtonBehavior, BoxLayout):
    kv = ("engine_chip.kv",)
    name = StringProperty("")  # the engine's name in Engines ("" : the docker CLI's choice)
    label = StringProperty("")
    word = StringProperty("")
    color = ColorProperty(theme.TEXT_DIM)
    chosen = BooleanProperty(False)

    @classmethod
    def of(cls, chip: Chip, chosen: bool) -> EngineChip:
        word = f"{chip.word}: {chip.reason}" if chip.reason else chip.word
        return cls(name=chip.name, label=chip.label, word=word, color=chip.color,
                   chosen=chosen)


class LinkButton(ButtonBehavior, BoxLayout):
    """The one engine's connection word in the top bar; tapping it opens the Engines screen."""
