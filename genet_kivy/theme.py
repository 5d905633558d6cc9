"""Colours and sizes of Genet's two looks (dark and light), as plain values (no Kivy).

kv files import the look in use (``#:import theme genet_kivy.theme.look``, a Kivy
EventDispatcher in :mod:`genet_kivy.look` whose colours are properties), so every rule that
reads ``theme.TEXT`` is redrawn the moment the look switches — no restart, no rebuilt widget.

Sizes are in dp (kv multiplies with ``dp()``); every tappable target is at least ``TAP`` dp
in both directions.
"""

from __future__ import annotations

from typing import Any

Rgba = tuple[float, float, float, float]

TAP = 48  # dp: the smallest tappable target, both ways
ROW = 60  # dp: a container row
WHEEL = 96  # dp a list scrolls per mouse-wheel notch (four log lines, over a container row)
HEADER = 48  # dp: a group header
NARROW_BELOW = 700  # dp: below this width, list and detail take turns

THEMES = ("dark", "light")

#: Each look's colours by name (the names are the properties of :class:`Look`).
PALETTES: dict[str, dict[str, Rgba]] = {
    "dark": {
        "BG": (0.086, 0.094, 0.110, 1),
        "PANEL": (0.118, 0.129, 0.149, 1),
        "RAISED": (0.157, 0.169, 0.196, 1),
        "SELECTED": (0.161, 0.235, 0.361, 1),
        "DIVIDER": (0.22, 0.235, 0.267, 1),
        "TEXT": (0.925, 0.933, 0.945, 1),
        "TEXT_DIM": (0.64, 0.66, 0.70, 1),
        "TEXT_FAINT": (0.42, 0.44, 0.48, 1),
        "ACCENT": (0.27, 0.55, 0.96, 1),
        "WARN_BG": (0.36, 0.27, 0.08, 1),
        "ERROR_BG": (0.42, 0.13, 0.14, 1),
        "INFO_BG": (0.15, 0.25, 0.40, 1),
        "ERROR_TEXT": (1, 0.80, 0.80, 1),
        "OK": (0.31, 0.78, 0.47, 1),
        "BAD": (0.94, 0.36, 0.36, 1),
        "PRESSED": (1, 1, 1, 0.06),
        "HIT": (1.0, 0.84, 0.31, 1),
        "GRID": (1, 1, 1, 0.08),
    },
    "light": {
        "BG": (0.945, 0.950, 0.960, 1),
        "PANEL": (1.0, 1.0, 1.0, 1),
        "RAISED": (0.905, 0.915, 0.930, 1),
        "SELECTED": (0.820, 0.880, 0.980, 1),
        "DIVIDER": (0.800, 0.815, 0.840, 1),
        "TEXT": (0.090, 0.100, 0.120, 1),
        "TEXT_DIM": (0.300, 0.320, 0.360, 1),
        "TEXT_FAINT": (0.420, 0.440, 0.480, 1),
        "ACCENT": (0.100, 0.400, 0.850, 1),
        "WARN_BG": (1.0, 0.920, 0.720, 1),
        "ERROR_BG": (0.990, 0.850, 0.850, 1),
        "INFO_BG": (0.850, 0.910, 1.0, 1),
        "ERROR_TEXT": (0.55, 0.08, 0.10, 1),
        "OK": (0.13, 0.50, 0.27, 1),
        "BAD": (0.72, 0.16, 0.16, 1),
        "PRESSED": (0, 0, 0, 0.07),
        "HIT": (0.60, 0.38, 0.0, 1),
        "GRID": (0, 0, 0, 0.10),
    },
}

#: Buttons by look and tone: (normal, pressed) backgrounds and the text's colour.
_BUTTONS: dict[str, dict[str, tuple[Rgba, Rgba, Rgba]]] = {
    "dark": {
        "normal": ((0.20, 0.215, 0.25, 1), (0.27, 0.29, 0.34, 1), (0.925, 0.933, 0.945, 1)),
        "primary": ((0.20, 0.42, 0.78, 1), (0.27, 0.52, 0.90, 1), (1, 1, 1, 1)),
        "danger": ((0.55, 0.18, 0.19, 1), (0.68, 0.24, 0.25, 1), (1, 1, 1, 1)),
        "quiet": ((0, 0, 0, 0), (1, 1, 1, 0.10), (0.925, 0.933, 0.945, 1)),
    },
    "light": {
        "normal": ((0.86, 0.875, 0.90, 1), (0.78, 0.80, 0.84, 1), (0.09, 0.10, 0.12, 1)),
        "primary": ((0.12, 0.40, 0.82, 1), (0.09, 0.32, 0.68, 1), (1, 1, 1, 1)),
        "danger": ((0.74, 0.17, 0.18, 1), (0.60, 0.12, 0.13, 1), (1, 1, 1, 1)),
        "quiet": ((0, 0, 0, 0), (0, 0, 0, 0.08), (0.09, 0.10, 0.12, 1)),
    },
}
_DISABLED: dict[str, Rgba] = {"dark": (0.16, 0.17, 0.19, 1), "light": (0.92, 0.925, 0.935, 1)}


def deepened(rgba: Rgba, factor: float = 0.6) -> Rgba:
    """A bright colour made dark enough to read on a light background (alpha kept)."""
    return (rgba[0] * factor, rgba[1] * factor, rgba[2] * factor, rgba[3])


def button_colours(look: str, tone: str) -> tuple[Rgba, Rgba, Rgba]:
    """A button's (normal, pressed) backgrounds and its text's colour on the ``look``."""
    tones = _BUTTONS[look]
    return tones.get(tone, tones["normal"])


def disabled_button(look: str) -> Rgba:
    return _DISABLED[look]


def __getattr__(name: str) -> Any:
    """``theme.look``: the look in use (:mod:`genet_kivy.look`, imported only when asked for,
    so the pure modules that import this one never import Kivy). ``theme.TEXT`` and the like,
    for code written before the looks: the colour of the look in use now (a kv file must
    import ``look`` instead, or it will not follow a switch; tests/ui/test_theme.py checks
    that every kv file does)."""
    if name == "look" or name in PALETTES["dark"]:
        from .look import look

        return look if name == "look" else tuple(getattr(look, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dimmed(rgba: Rgba, stale: bool) -> Rgba:
    """A colour as shown on a stale (not live) table."""
    return (rgba[0], rgba[1], rgba[2], rgba[3] * 0.45) if stale else rgba
