"""A navigation button draws its title, count and marks itself (genet_kivy/nav.py)."""

from __future__ import annotations

import pytest
from kivy.metrics import dp

from genet_kivy import theme
from genet_kivy.nav import NavButton


@pytest.fixture
def button(kivy_window, frames):
    made = NavButton(size_hint=(None, None), size=(dp(84), dp(68)), pos=(0, 100),
                     kind="images", title="Images", count="12")
    kivy_window.add_widget(made)
    frames.step(2)
    yield made
    kivy_window.remove_widget(made)
    theme.look.use("dark")
    frames.step(1)


def test_the_current_kind_is_marked_by_a_bar_on_the_rails_left_edge(button, frames):
    button.current = True
    frames.step(1)
    assert tuple(button._bar_color.rgba) == tuple(theme.look.ACCENT)
    assert tuple(button._bar.pos) == (button.x, button.y + dp(10))


def test_another_kind_draws_no_bar(button):
    assert button._bar_color.rgba[3] == 0


def test_in_the_bottom_bar_the_mark_runs_along_the_top_edge(button, frames):
    button.vertical = False
    button.current = True
    frames.step(1)
    assert tuple(button._bar.pos) == (button.x + dp(10), button.top - dp(3))


def test_the_title_sits_over_the_count(button):
    assert button._title.rect.pos[1] > button._count.rect.pos[1]


def test_the_current_kinds_title_is_bold(button, frames):
    button.current = True
    frames.step(1)
    assert dict(button._title.key[3])["bold"] is True


def test_a_new_count_is_drawn_before_the_next_frame(button, frames):
    button.count = "13"
    frames.step(1)
    assert button._count.key[0] == "13"


def test_a_switch_of_look_redraws_the_title_in_the_new_colours(button, frames):
    theme.look.use("light")
    frames.step(1)
    assert button._title.key[1] == theme.PALETTES["light"]["TEXT_DIM"]
