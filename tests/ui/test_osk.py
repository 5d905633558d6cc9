"""The on-screen keyboard at 800x480: shown for a text field, beneath it, and typing works."""

from __future__ import annotations

import pytest
from kivy.metrics import dp
from test_keyboard import WEB
from test_layouts import live_engine
from ui_harness import find_row, save_shot, tap

pytestmark = pytest.mark.ui


def key_center(vk, char):
    """Where the on-screen key showing ``char`` is, in window coordinates."""
    layout = vk.available_layouts[vk.layout]
    for line in range(1, layout["rows"] + 1):
        keys = layout[f"{vk.layout_mode}_{line}"]
        for index, key in enumerate(keys):
            if key[0] == char:
                (x, y), (w, h) = vk.layout_geometry[f"LINE_HINT_{line}"][index]
                local = ((x + w / 2) * vk.width, (y + h / 2) * vk.height)
                assert vk.get_key_at_pos(*local)[0][0] == char  # the keyboard agrees
                return vk.to_parent(*local)  # its own scale applied: window coordinates
    raise AssertionError(f"no key {char!r} on the on-screen keyboard")


def key_height(vk):
    """How tall a key is drawn, in window pixels (a row less Kivy's margin between keys)."""
    layout = vk.available_layouts[vk.layout]
    row = vk.height * (1 - vk.margin_hint[0] - vk.margin_hint[2]) / layout["rows"]
    return (row - vk.key_margin[0] - vk.key_margin[2]) * vk.scale


def settled(frames, window):
    """Wait until the view has moved as far as the keyboard asks (Kivy animates it)."""
    frames.until(lambda: window._kheight == pytest.approx(window.keyboard_height),
                 what="the view's move finished")


def tap_at(pos, frames):
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(*pos)
    touch.touch_down()
    frames.step(1)
    touch.touch_up()
    frames.step(1)


def test_search_at_800x480_shows_the_keyboard_below_the_field_and_its_keys_filter(
    make_app, frames, kivy_window
):
    from genet_kivy.osk import docked

    app = make_app(live_engine(), (800, 480), osk=True)
    frames.until(lambda: find_row(app, "web"), what="rows")
    search = app.root.ids.sidebar.ids.search
    tap(search, frames)
    vk = frames.until(lambda: docked(kivy_window), what="the on-screen keyboard")
    frames.step(3)
    _bottom, top = vk.covers
    field_y = search.to_window(search.x, search.y)[1]
    shift = kivy_window.keyboard_height  # how far the view moved up for the keyboard
    assert field_y + shift >= top  # the field is above the keyboard, not under it
    assert field_y + search.height + shift <= kivy_window.height  # and still on screen
    assert vk.width * vk.scale == pytest.approx(kivy_window.width)  # docked, full width
    assert search.width >= app.root.ids.sidebar.width / 2  # room to see what is typed
    assert key_height(vk) >= dp(48) - 0.5  # keys for a finger
    for char in "web":
        tap_at(key_center(vk, char), frames)
    frames.until(lambda: search.text == "web", what="typed on the on-screen keys")
    frames.until(lambda: [r.get("cid") for r in app.root.ids.sidebar.ids.rv.data
                          if r.get("cid")] == [WEB], what="only web listed")
    save_shot(kivy_window, frames, "osk-800x480")


def test_without_the_flag_a_focused_field_docks_no_keyboard(make_app, frames, kivy_window):
    from genet_kivy.osk import docked

    app = make_app(live_engine(), (800, 480))
    search = app.root.ids.sidebar.ids.search
    tap(search, frames)
    frames.until(lambda: search.focus, what="the search focused")
    frames.step(3)
    assert docked(kivy_window) is None


def test_a_dialogs_field_low_on_the_screen_stays_above_the_keyboard(
    make_app, frames, kivy_window
):
    from genet_kivy.dialogs import open_pull
    from genet_kivy.osk import docked

    app = make_app(live_engine(), (800, 480), osk=True)
    dialog = open_pull(app)
    field = dialog.ids.reference
    frames.until(lambda: field.focus, what="the dialog's field focused")
    vk = frames.until(lambda: docked(kivy_window), what="the on-screen keyboard")
    frames.step(3)
    settled(frames, kivy_window)
    _bottom, top = vk.covers
    shift = kivy_window.keyboard_height
    field_y = field.to_window(field.x, field.y)[1]
    assert field_y >= top  # the keyboard ends where the field begins, or lower
    assert field_y + field.height + shift <= kivy_window.height  # the field stays on screen
    assert vk.covers[0] + shift == pytest.approx(0)  # the keyboard sits on the bottom edge
    save_shot(kivy_window, frames, "osk-dialog-800x480")


def test_a_field_low_in_a_scrolled_form_moves_the_view_up_above_the_keyboard(
    make_app, frames, kivy_window
):
    from genet_kivy.dialogs import open_run
    from genet_kivy.osk import docked

    app = make_app(live_engine(), (800, 480), osk=True)
    dialog = open_run(app)
    frames.step(3)
    field = dialog.ids.env
    field.focus = True
    vk = frames.until(lambda: docked(kivy_window), what="the on-screen keyboard")
    frames.until(lambda: kivy_window.keyboard_height > 0, what="the view to move up")
    settled(frames, kivy_window)
    shift = kivy_window.keyboard_height
    field_y = field.to_window(field.x, field.y)[1]
    assert field_y == pytest.approx(vk.covers[1])  # the field sits on the keyboard
    assert vk.covers[0] + shift == pytest.approx(0)  # which sits on the bottom edge
    assert field_y + field.height + shift <= kivy_window.height  # the field stays on screen
    save_shot(kivy_window, frames, "osk-form-800x480")


def test_the_terminal_keeps_its_own_keys_and_docks_no_keyboard(make_app, frames, kivy_window):
    from genet_kivy.osk import docked

    app = make_app(live_engine(), (800, 480), osk=True)
    app.select(WEB)
    detail = app.root.ids.detail
    detail.select_tab("terminal")
    frames.step(3)
    screen = detail.views["terminal"].ids.screen
    screen.focus = True
    frames.until(lambda: screen.focus, what="the terminal focused")
    frames.step(3)
    assert docked(kivy_window) is None
