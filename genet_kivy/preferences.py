"""What the Settings screen offers and how each choice is kept in the settings file.

Pure: no Kivy. :class:`Prefs` is the app's own part of the settings (the look, the logs'
bound, the last window size), read from and written to sections of
:class:`genet_rx.settings.Settings`: ``look`` (``theme``, ``scale``), ``logs`` (``lines``) and
``window`` (``width``, ``height``). Values out of range read as the default, so a hand-edited
file never breaks the app. The alerts keep their own section (:mod:`genet_rx.state.alerts`).
"""

from __future__ import annotations

from msgspec import Struct

from genet_rx.settings import Settings

THEMES = ("dark", "light")
SCALES = (0.75, 1.0, 1.25, 1.5, 2.0)
LOG_LINES = (1_000, 10_000, 50_000, 100_000)
COOLDOWNS_S = (60, 300, 900, 3600)
SCALE_RANGE = (0.5, 3.0)
LOG_LINES_RANGE = (100, 1_000_000)
SMALLEST_WINDOW = 320  # px either way: a remembered size below this is ignored


class Prefs(Struct, frozen=True):
    theme: str = "dark"
    scale: float = 1.0
    log_lines: int = 10_000
    window: tuple[int, int] | None = None  # the last window size (pixels), if remembered


def _within(value: float, bounds: tuple[float, float], default: float) -> float:
    return value if bounds[0] <= value <= bounds[1] else default


def prefs_from(settings: Settings) -> Prefs:
    """The saved preferences, defaults where a value is missing, mistyped or out of range."""
    d = Prefs()
    theme = settings.get_str("look", "theme", d.theme)
    width = settings.get_int("window", "width", 0)
    height = settings.get_int("window", "height", 0)
    return Prefs(
        theme=theme if theme in THEMES else d.theme,
        scale=_within(settings.get_float("look", "scale", d.scale), SCALE_RANGE, d.scale),
        log_lines=int(_within(settings.get_int("logs", "lines", d.log_lines), LOG_LINES_RANGE,
                              d.log_lines)),
        window=(width, height) if min(width, height) >= SMALLEST_WINDOW else None,
    )


def look_section(prefs: Prefs) -> dict[str, object]:
    return {"theme": prefs.theme, "scale": prefs.scale}


def logs_section(prefs: Prefs) -> dict[str, object]:
    return {"lines": prefs.log_lines}


def window_section(size: tuple[int, int]) -> dict[str, object]:
    return {"width": int(size[0]), "height": int(size[1])}


def start_size(prefs: Prefs, asked: tuple[int, int] | None,
               fullscreen: bool) -> tuple[int, int] | None:
    """The window size to open with: ``--size`` when given, none in full screen (a kiosk
    takes the display's), else the size the window had when Genet last closed."""
    if fullscreen:
        return None
    return asked if asked is not None else prefs.window


def scale_word(scale: float) -> str:
    return f"{scale:g}x"


def lines_word(lines: int) -> str:
    return f"{lines:,}"


def cooldown_word(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
