"""A container row draws its own texts and shapes (genet_kivy/container_row.py): each one in
its place, again at once when the look switches, and rendered again only when it changed."""

from __future__ import annotations

import pytest
from kivy.graphics import Line
from kivy.metrics import dp

from genet_kivy import drawn_text, theme
from genet_kivy.container_row import ContainerRow

GREEN = (0.31, 0.78, 0.47, 1)


@pytest.fixture
def row(kivy_window, frames):
    made = ContainerRow(size_hint=(None, None), size=(440, dp(theme.ROW)), pos=(0, 100),
                        name="web", subtitle="shop · nginx:1.27", state_word="running",
                        state_color=GREEN)
    kivy_window.add_widget(made)
    frames.step(2)
    yield made
    kivy_window.remove_widget(made)
    theme.look.use("dark")
    frames.step(1)


def lines(row):
    return [i for i in row.canvas.children if isinstance(i, Line)]


def lines_in_select_mode(row):
    drawn = row._check.children if row._check is not None else ()
    return [i for i in drawn if isinstance(i, Line)]


def test_the_state_word_ends_14_dp_from_the_right_edge(row):
    word = row._word.rect
    assert word.pos[0] + word.size[0] == int(row.right - dp(14))


def test_the_name_starts_28_dp_in_and_its_stripe_16_dp_before_it(row):
    assert row._name.rect.pos[0] == int(row.x + dp(28))
    assert row._stripe.pos[0] == row.x + dp(12)


def test_the_name_sits_over_the_subtitle(row):
    assert row._name.rect.pos[1] > row._subtitle.rect.pos[1]


def test_a_long_name_is_shortened_to_end_before_the_state_column(row, frames):
    row.name = "a-very-long-container-name-" * 8
    frames.step(2)
    name = row._name.rect
    assert name.pos[0] + name.size[0] <= row._dot.pos[0]


def test_the_stripe_the_dot_and_the_word_share_the_state_colour(row):
    assert tuple(row._ink.rgba) == GREEN
    assert row.ink == GREEN


def test_a_switch_of_look_redraws_the_row_before_the_next_frame(row, frames):
    theme.look.use("light")
    frames.step(1)
    assert row.ink == theme.deepened(GREEN)
    assert row._name.key[1] == theme.PALETTES["light"]["TEXT"]


def test_select_mode_draws_an_empty_box_for_an_unticked_row(row, frames):
    row.selecting = True
    frames.step(1)
    assert len(lines_in_select_mode(row)) == 1


def test_a_ticked_row_draws_its_tick_too(row, frames):
    row.selecting = True
    row.checked = True
    frames.step(1)
    assert len(lines_in_select_mode(row)) == 2


def test_leaving_select_mode_takes_the_checkbox_off_the_canvas(row, frames):
    row.selecting = True
    frames.step(1)
    row.selecting = False
    frames.step(1)
    assert row._check is None
    assert lines(row) == []


def test_select_mode_moves_the_name_right_of_the_checkbox(row, frames):
    row.selecting = True
    frames.step(1)
    assert row._name.rect.pos[0] == int(row.x + dp(theme.TAP) + dp(28))


def test_a_row_moved_by_scrolling_renders_no_text_again(row, frames, monkeypatch):
    renders = []
    monkeypatch.setattr(drawn_text, "rendered", lambda *args: renders.append(args))
    row.y += 37
    frames.step(1)
    assert row._name.rect.pos[1] == int(row.y + dp(8) + (row.height - dp(16)) / 2)
    assert renders == []


def test_a_renamed_row_shows_its_new_name(row, frames):
    row.name = "api"
    frames.step(1)
    assert row._name.key[0] == "api"


def test_two_rows_in_the_same_state_share_the_texture_of_its_word(row, kivy_window, frames):
    other = ContainerRow(size_hint=(None, None), size=(440, dp(theme.ROW)), pos=(0, 200),
                         name="api", subtitle="shop · python:3.12", state_word="running",
                         state_color=GREEN)
    kivy_window.add_widget(other)
    frames.step(2)
    kivy_window.remove_widget(other)
    assert other._word.rect.texture is row._word.rect.texture
    assert other._name.rect.texture is not row._name.rect.texture


def test_usage_figures_take_the_bottom_of_the_state_column(row, frames):
    row.usage = "3 % · 20 MiB"
    frames.step(1)
    assert row._usage.rect.size[0] > 0
    assert row._usage.rect.pos[1] == int(row.y + dp(9))
    assert row._word.rect.pos[1] > row._usage.rect.pos[1]


def test_a_row_without_usage_shows_none(row):
    assert tuple(row._usage.rect.size) == (0, 0)


def test_a_selected_row_fills_its_background(row, frames):
    row.selected = True
    frames.step(1)
    assert tuple(row._back.size) == tuple(row.size)
    assert tuple(row._back_color.rgba) == tuple(theme.look.SELECTED)


def test_an_unselected_row_draws_no_background(row):
    assert tuple(row._back.size) == (0, 0)
