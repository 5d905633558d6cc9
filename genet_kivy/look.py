"""The look in use: Genet's palette as a Kivy EventDispatcher that every kv file imports as
``theme`` (``#:import theme genet_kivy.theme.look``).

Its colours are properties, so a rule that reads ``theme.TEXT`` is redrawn the moment
:meth:`Look.use` switches the palette. Colours that come with data (a state's colour, a
badge's) go through :meth:`Look.ink`, which deepens them on the light background; rules that
call a method pass ``theme.name`` so they follow a switch too. The values themselves are in
:mod:`genet_kivy.theme` (pure).
"""

from __future__ import annotations

from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import ColorProperty, OptionProperty

from .theme import (
    HEADER,
    NARROW_BELOW,
    PALETTES,
    ROW,
    TAP,
    THEMES,
    WHEEL,
    Rgba,
    button_colours,
    deepened,
    disabled_button,
)


class Look(EventDispatcher):
    """The palette in use; kv binds to its colours, :meth:`use` switches them all at once."""

    name = OptionProperty("dark", options=list(THEMES))
    BG = ColorProperty(PALETTES["dark"]["BG"])
    PANEL = ColorProperty(PALETTES["dark"]["PANEL"])
    RAISED = ColorProperty(PALETTES["dark"]["RAISED"])
    SELECTED = ColorProperty(PALETTES["dark"]["SELECTED"])
    DIVIDER = ColorProperty(PALETTES["dark"]["DIVIDER"])
    TEXT = ColorProperty(PALETTES["dark"]["TEXT"])
    TEXT_DIM = ColorProperty(PALETTES["dark"]["TEXT_DIM"])
    TEXT_FAINT = ColorProperty(PALETTES["dark"]["TEXT_FAINT"])
    ACCENT = ColorProperty(PALETTES["dark"]["ACCENT"])
    WARN_BG = ColorProperty(PALETTES["dark"]["WARN_BG"])
    ERROR_BG = ColorProperty(PALETTES["dark"]["ERROR_BG"])
    INFO_BG = ColorProperty(PALETTES["dark"]["INFO_BG"])
    ERROR_TEXT = ColorProperty(PALETTES["dark"]["ERROR_TEXT"])
    OK = ColorProperty(PALETTES["dark"]["OK"])
    BAD = ColorProperty(PALETTES["dark"]["BAD"])
    PRESSED = ColorProperty(PALETTES["dark"]["PRESSED"])  # a row under the finger
    HIT = ColorProperty(PALETTES["dark"]["HIT"])  # a search match in the logs
    GRID = ColorProperty(PALETTES["dark"]["GRID"])  # a graph's grid lines

    # Sizes do not change with the look; kv reads them here beside the colours.
    TAP = TAP
    ROW = ROW
    WHEEL = WHEEL
    HEADER = HEADER
    NARROW_BELOW = NARROW_BELOW

    def use(self, name: str) -> None:
        """Switch every colour to the ``name`` look ("dark" or "light"; others are ignored)."""
        if name not in PALETTES:
            return
        for key, value in PALETTES[name].items():
            setattr(self, key, value)
        self.name = name

    def hex(self, name: str) -> str:
        """A colour of this look as ``rrggbb`` (for Kivy markup)."""
        return "".join(f"{round(c * 255):02x}" for c in PALETTES[self.name][name][:3])

    def button_bg(self, tone: str, pressed: bool, disabled: bool, _name: Any = None) -> Rgba:
        """A button's background (kv passes ``theme.name`` so the rule follows a switch)."""
        if disabled:
            return (0, 0, 0, 0) if tone == "quiet" else disabled_button(self.name)
        normal, down, _fg = button_colours(self.name, tone)
        return down if pressed else normal

    def button_fg(self, tone: str, _name: Any = None) -> Rgba:
        return button_colours(self.name, tone)[2]

    def ink(self, rgba: Any, _name: Any = None) -> Rgba:
        """A colour that comes with data (a state, a badge), readable on this look's panels:
        as it is on the dark look, deepened on the light one."""
        c = tuple(rgba)
        color: Rgba = (c[0], c[1], c[2], c[3] if len(c) > 3 else 1.0)
        return deepened(color) if self.name == "light" else color


#: The one look of the app; kv files import it as ``theme``.
look = Look()
