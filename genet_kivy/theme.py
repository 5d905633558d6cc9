"""Colours and sizes of Genet's dark look, as plain values kv files import.

Sizes are in dp (kv multiplies with ``dp()``); every tappable target is at least ``TAP`` dp
in both directions.
"""

from __future__ import annotations

Rgba = tuple[float, float, float, float]

TAP = 48  # dp: the smallest tappable target, both ways
ROW = 60  # dp: a container row
WHEEL = 96  # dp a list scrolls per mouse-wheel notch (four log lines, over a container row)
HEADER = 48  # dp: a group header
NARROW_BELOW = 700  # dp: below this width, list and detail take turns

BG: Rgba = (0.086, 0.094, 0.110, 1)
PANEL: Rgba = (0.118, 0.129, 0.149, 1)
RAISED: Rgba = (0.157, 0.169, 0.196, 1)
SELECTED: Rgba = (0.161, 0.235, 0.361, 1)
DIVIDER: Rgba = (0.22, 0.235, 0.267, 1)
TEXT: Rgba = (0.925, 0.933, 0.945, 1)
TEXT_DIM: Rgba = (0.60, 0.62, 0.66, 1)
TEXT_FAINT: Rgba = (0.42, 0.44, 0.48, 1)
ACCENT: Rgba = (0.27, 0.55, 0.96, 1)
WARN_BG: Rgba = (0.36, 0.27, 0.08, 1)
ERROR_BG: Rgba = (0.42, 0.13, 0.14, 1)
INFO_BG: Rgba = (0.15, 0.25, 0.40, 1)

_BUTTON: dict[str, tuple[Rgba, Rgba]] = {
    # tone: (normal, pressed)
    "normal": ((0.20, 0.215, 0.25, 1), (0.27, 0.29, 0.34, 1)),
    "primary": ((0.20, 0.42, 0.78, 1), (0.27, 0.52, 0.90, 1)),
    "danger": ((0.55, 0.18, 0.19, 1), (0.68, 0.24, 0.25, 1)),
    "quiet": ((0, 0, 0, 0), (1, 1, 1, 0.10)),
}
_DISABLED: Rgba = (0.16, 0.17, 0.19, 1)


def button_bg(tone: str, pressed: bool, disabled: bool) -> Rgba:
    if disabled:
        return (0, 0, 0, 0) if tone == "quiet" else _DISABLED
    normal, down = _BUTTON.get(tone, _BUTTON["normal"])
    return down if pressed else normal


def dimmed(rgba: Rgba, stale: bool) -> Rgba:
    """A colour as shown on a stale (not live) table."""
    return (rgba[0], rgba[1], rgba[2], rgba[3] * 0.45) if stale else rgba
