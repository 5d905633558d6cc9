"""Widgets that draw their texts and shapes on their own canvas instead of holding Labels
(a container row, a navigation button): a Label is a widget with a kv rule, bindings and a
texture of its own, ~0.1 ms to make and more to lay out, and a screenful of rows and
buttons is made on the first frame.

A :class:`SelfDrawn` widget draws once before the next frame after what it shows changed,
or the look switched. A :class:`DrawnText` is a rectangle showing a rendered texture.
Rendered texts are shared: rows repeat their state words ("running") and placeholders,
buttons their counts, so each text (in its font, colour and room) is rendered once and
kept, the least recently used going past :data:`KEPT`; a rendered label is never changed
once made.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from weakref import WeakSet

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Rectangle
from kivy.metrics import sp

from . import theme
from .theme import Rgba

KEPT = 128

_RENDERED: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def rendered(options: dict[str, Any], text: str, color: Rgba,
             room: tuple[float, float] | None) -> Any:
    """The core label (its ``texture``) of ``text`` drawn with ``options`` in ``color``."""
    key = (tuple(options.items()), text, color, room)
    label = _RENDERED.get(key)
    if label is None:
        label = CoreLabel(text=text, color=color, text_size=room or (None, None), **options)
        label.refresh()
        _RENDERED[key] = label
        if len(_RENDERED) > KEPT:
            _RENDERED.popitem(last=False)
    else:
        _RENDERED.move_to_end(key)
    return label


class DrawnText:
    """One text of a widget: the rectangle that shows its rendered texture (add ``rect`` to
    the canvas), rendered again (or found rendered) only when what it shows changed."""

    def __init__(self, font_sp: float, **options: Any) -> None:
        self.options = {"font_size": sp(font_sp), **options}
        self.key: tuple[Any, ...] = ()
        self.rect = Rectangle(size=(0, 0))

    def render(self, text: str, color: Any, room: tuple[float, float] | None = None,
               **style: Any) -> tuple[float, float]:
        """The texture's size once ``text`` is rendered in ``color`` (in a ``room`` of that
        size, aligned and shortened in it as the options say, or at its natural size);
        ``style``: options for this time (``bold``, ``font_size``)."""
        key = (text, tuple(color), room, tuple(style.items()))
        if key != self.key:
            self.key = key
            if not text:
                self.rect.texture = None
                self.rect.size = (0, 0)
                return (0, 0)
            options = {**self.options, **style} if style else self.options
            texture = rendered(options, text, key[1], room).texture
            self.rect.texture = texture
            self.rect.size = texture.size
        return (self.rect.size[0], self.rect.size[1])

    def place(self, x: float, y: float) -> None:
        self.rect.pos = (int(x), int(y))  # whole pixels, as a Label draws: crisp text


class SelfDrawn:
    """Mixed into a widget that draws itself: its :meth:`draw` runs once before the next frame
    (as a Label renders its texture) after any property in ``drawn_on`` changed, or the look
    switched. The widget makes its canvas instructions in ``__init__``."""

    drawn_on: tuple[str, ...] = ("pos", "size")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.redraw = Clock.create_trigger(self._redraw, -1)
        for prop in self.drawn_on:
            self.fbind(prop, self.redraw)  # type: ignore[attr-defined]
        _SELF_DRAWN.add(self)
        self.redraw()

    def _redraw(self, *_: Any) -> None:
        self.draw()

    def draw(self) -> None:
        raise NotImplementedError


#: Every self-drawn widget alive, for a switch of look: one binding for all, so a widget
#: dropped (a row the list no longer needs) is freed.
_SELF_DRAWN: WeakSet[SelfDrawn] = WeakSet()


def _look_switched(*_: Any) -> None:
    for widget in list(_SELF_DRAWN):
        widget.redraw()


theme.look.fbind("name", _look_switched)  # a switch sets every colour, then the name
