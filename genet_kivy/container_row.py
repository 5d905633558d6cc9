"""A container's row in the sidebar: one widget that draws everything it shows.

As kv it was eight widgets: four Labels, each with its own rule and texture, in nested
BoxLayouts, with 66 bound expressions a row. A screenful of rows is made on the first frame
and every row is placed again as the list scrolls, so the row now draws its shapes and texts
on its own canvas (:mod:`genet_kivy.drawn_text`): ~0.15 ms to make and place instead of
~1.8 with its texts rendered (bench item 6, issue #17). It places everything where the kv
layout did, in dp (``L`` is 16, or 0 in select mode, where a 64-dp checkbox column comes
first)::

    | L | checkbox | 12 | name (16 sp)     | 12 | ● state word (13 sp) | 14 |
    |   |          |    | subtitle (13 sp) |    |       usage (12 sp)  |    |

The state's stripe is drawn 16 dp left of the name, its dot 16 dp left of the word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kivy.app import App
from kivy.graphics import Color, Ellipse, InstructionGroup, Line, Rectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.widget import Widget

from . import theme
from .drawn_text import DrawnText, SelfDrawn
from .gestures import LongPressBehavior

#: What a row draws from (a switch of look too: see SelfDrawn).
_DRAWN = ("pos", "size", "name", "subtitle", "state_word", "state_color", "usage", "selected",
          "selecting", "checked", "state")


class ContainerRow(SelfDrawn, LongPressBehavior, RecycleDataViewBehavior, ButtonBehavior, Widget):
    """One container: name, image (and compose project), state word beside its colour; in
    select mode, a checkbox (the whole row toggles it). Held: its action sheet."""

    cid = StringProperty("")
    name = StringProperty("")
    subtitle = StringProperty("")
    state_word = StringProperty("")
    state_color = ColorProperty((1, 1, 1, 1))
    selected = BooleanProperty(False)
    usage = StringProperty("")  # CPU and memory while the row is on screen and running
    selecting = BooleanProperty(False)
    checked = BooleanProperty(False)
    drawn_on = _DRAWN
    _modifiers: frozenset[str] = frozenset()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", dp(theme.ROW))
        super().__init__(**kwargs)
        self.ink: theme.Rgba = (1, 1, 1, 1)  # the state's colour as drawn (stripe, dot and word)
        self._name = DrawnText(16, halign="left", valign="bottom", shorten=True,
                           shorten_from="right")
        self._subtitle = DrawnText(13, halign="left", valign="top", shorten=True,
                               shorten_from="right")
        self._word = DrawnText(13)
        self._usage = DrawnText(12)
        self._check: InstructionGroup | None = None  # select mode's checkbox, once needed
        with self.canvas:
            self._back_color = Color(0, 0, 0, 0)
            self._back = Rectangle(size=(0, 0))
            self._divider_color = Color(0, 0, 0, 0)
            self._divider = Rectangle()
            self._ink = Color(1, 1, 1, 1)
            self._stripe = Rectangle()
            self._dot = Ellipse()
            Color(1, 1, 1, 1)  # the texts carry their own colours
        for text in (self._name, self._subtitle, self._word, self._usage):
            self.canvas.add(text.rect)

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):
            from kivy.core.window import Window

            self._modifiers = frozenset(getattr(Window, "modifiers", ()) or ())
        return bool(super().on_touch_down(touch))

    def on_release(self) -> None:
        modifiers, self._modifiers = self._modifiers, frozenset()
        App.get_running_app().containers.tap_row(self.cid, modifiers)

    def on_long_press(self) -> None:
        from .action_sheet import open_for_container

        open_for_container(App.get_running_app(), self.cid)

    def draw(self) -> None:
        look = theme.look
        x, y, w, h = self.x, self.y, self.width, self.height
        marked = self.selected or self.checked
        self._back_color.rgba = look.SELECTED if marked else look.PRESSED
        self._back.pos = (x, y)
        self._back.size = (w, h) if marked or self.state == "down" else (0, 0)
        self._divider_color.rgba = look.DIVIDER
        self._divider.pos = (x + dp(16), y)
        self._divider.size = (w - dp(16), 1)
        self.ink = look.ink(self.state_color, look.name)
        self._ink.rgba = self.ink
        self._draw_check(x, y, h)

        # The state column, right-aligned: the word over the usage figures, if any.
        right = x + w - dp(14)
        word_w, word_h = self._word.render(self.state_word, self.ink)
        usage_w, usage_h = self._usage.render(self.usage, look.TEXT_DIM)
        column = max(word_w + dp(18), max(dp(116), usage_w) if self.usage else 0)
        pad = dp(9) if self.usage else 0
        word_mid = y + pad + usage_h + (h - 2 * pad - usage_h) / 2
        self._word.place(right - word_w, word_mid - word_h / 2)
        self._usage.place(right - usage_w, y + pad)
        self._dot.pos = (right - word_w - dp(16), word_mid - dp(5))
        self._dot.size = (dp(10), dp(10))

        # Name over subtitle, each in half of the height inside 8 dp of padding.
        left = x + (dp(theme.TAP) + dp(16) if self.selecting else dp(16)) + dp(12)
        room = (max(0.0, right - column - dp(12) - left), max(0.0, (h - dp(16)) / 2))
        self._name.render(self.name, look.TEXT, room)
        self._name.place(left, y + dp(8) + room[1])
        self._subtitle.render(self.subtitle, look.TEXT_DIM, room)
        self._subtitle.place(left, y + dp(8))
        self._stripe.pos = (left - dp(16), y + dp(8))
        self._stripe.size = (dp(4), h - dp(16))

    def _draw_check(self, x: float, y: float, h: float) -> None:
        """Select mode's checkbox, centred 24 dp in: made the first time select mode opens,
        kept out of the canvas otherwise."""
        if not self.selecting:
            if self._check is not None:
                self.canvas.remove(self._check)
                self._check = None
            return
        look = theme.look
        left, bottom, top, mid = x + dp(13), y + h / 2 - dp(11), y + h / 2 + dp(11), y + h / 2
        box: Sequence[float] = (left, bottom, x + dp(35), bottom, x + dp(35), top, left, top)
        tick: Sequence[float] = (x + dp(18), mid, x + dp(23), mid - dp(5), x + dp(31),
                                 mid + dp(6))
        group = InstructionGroup()
        group.add(Color(rgba=look.ACCENT if self.checked else look.TEXT_DIM))
        group.add(Line(points=box, close=True, width=dp(1.5)))
        if self.checked:
            group.add(Color(rgba=look.ACCENT))
            group.add(Rectangle(pos=(left, bottom), size=(dp(22), dp(22))))
            group.add(Color(rgba=look.TEXT))
            group.add(Line(points=tick, width=dp(2)))
        if self._check is not None:
            self.canvas.remove(self._check)
        self._check = group
        self.canvas.add(group)
