"""Both looks are readable: text on panels by WCAG contrast ratios, and the colours that come
with data (states, badges, log streams) once inked for the look in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from genet_kivy import theme
from genet_kivy.describe import FAILED_EXIT_COLOR, HEALTH_COLOR, STATE_COLOR
from genet_kivy.kinds.base import BADGE_DIM, BADGE_INFO, BADGE_OK, BADGE_WARN
from genet_kivy.log_rows import MARKER_COLOR, TEXT_COLOR


def luminance(c) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


DATA_COLOURS = [*STATE_COLOR.values(), *HEALTH_COLOR.values(), FAILED_EXIT_COLOR, BADGE_DIM,
                BADGE_INFO, BADGE_OK, BADGE_WARN, *MARKER_COLOR.values(),
                TEXT_COLOR["stderr"], TEXT_COLOR["error"]]


@pytest.fixture
def look():
    yield theme.look
    theme.look.use("dark")


@pytest.mark.parametrize("name", theme.THEMES)
def test_text_reads_on_every_surface(look, name):
    p = theme.PALETTES[name]
    for surface in ("BG", "PANEL", "RAISED", "SELECTED"):
        assert contrast(p["TEXT"], p[surface]) >= 7, surface
        assert contrast(p["TEXT_DIM"], p[surface]) >= 4.5, surface


@pytest.mark.parametrize("name", theme.THEMES)
def test_colours_that_come_with_data_read_on_the_panels(look, name):
    look.use(name)
    panel = theme.PALETTES[name]["PANEL"]
    weak = [c for c in DATA_COLOURS if contrast(look.ink(c), panel) < 3.5]
    assert weak == []


@pytest.mark.parametrize("name", theme.THEMES)
def test_button_words_read_on_their_buttons(look, name):
    look.use(name)
    for tone in ("normal", "primary", "danger"):
        assert contrast(look.button_fg(tone), look.button_bg(tone, False, False)) >= 4.5, tone


def test_switching_the_look_changes_every_colour_at_once(look):
    look.use("light")
    assert tuple(look.PANEL) == theme.PALETTES["light"]["PANEL"]
    assert tuple(look.TEXT) == theme.PALETTES["light"]["TEXT"]
    assert look.name == "light"
    look.use("dark")
    assert tuple(look.PANEL) == theme.PALETTES["dark"]["PANEL"]


def test_a_look_that_does_not_exist_changes_nothing(look):
    look.use("neon")
    assert look.name == "dark"


def test_every_kv_file_that_uses_colours_follows_the_look():
    """A kv file importing the theme module (not its ``look``) would keep the colours of the
    moment it was loaded: a theme switch would pass it by."""
    kv = Path(__file__).resolve().parents[2] / "kv"
    stale = [f.name for f in sorted(kv.glob("*.kv"))
             if "theme." in f.read_text() and "#:import theme genet_kivy.theme.look\n"
             not in f.read_text()]
    assert stale == []


def test_code_written_before_the_looks_reads_the_colour_in_use(look):
    look.use("light")
    assert theme.PALETTES["light"]["TEXT"] == theme.TEXT
