"""The Settings screen's choices as kept in the file (pure: no window)."""

from __future__ import annotations

from genet_kivy.preferences import Prefs, cooldown_word, prefs_from, start_size
from genet_rx.settings import Settings


def settings(**sections: dict) -> Settings:
    s = Settings()
    for name, values in sections.items():
        s = s.with_section(name, values)
    return s


def test_nothing_saved_is_the_defaults():
    assert prefs_from(Settings()) == Prefs()


def test_saved_values_are_read():
    got = prefs_from(settings(look={"theme": "light", "scale": 1.5}, logs={"lines": 1000},
                              window={"width": 1000, "height": 640}))
    assert got == Prefs("light", 1.5, 1000, (1000, 640))


def test_out_of_range_or_mistyped_values_read_as_the_defaults():
    got = prefs_from(settings(look={"theme": "purple", "scale": 40}, logs={"lines": -5},
                              window={"width": 10, "height": "tall"}))
    assert got == Prefs()


def test_an_integer_scale_in_the_file_is_a_scale():
    assert prefs_from(settings(look={"scale": 2})).scale == 2.0


def test_the_window_opens_at_the_asked_size_else_the_remembered_one():
    remembered = Prefs(window=(1000, 640))
    assert start_size(remembered, (800, 480), fullscreen=False) == (800, 480)
    assert start_size(remembered, None, fullscreen=False) == (1000, 640)


def test_full_screen_never_opens_at_a_remembered_size():
    assert start_size(Prefs(window=(1000, 640)), None, fullscreen=True) is None


def test_cooldowns_read_in_minutes_and_hours():
    assert [cooldown_word(s) for s in (60, 300, 3600, 45)] == ["1 min", "5 min", "1 h", "45 s"]
