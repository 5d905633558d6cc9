"""The keyboard map: the container list and its actions without a mouse."""

from __future__ import annotations

import pytest
from test_layouts import live_engine, shown
from ui_harness import find_row, press_key, save_shot

from genet_rx.engine.commands import Kill, Restart, Stop

pytestmark = pytest.mark.ui

WEB, DB = "a1" * 32, "b2" * 32


def key(window, code, char=None, modifiers=()):
    """A key pressed, as the window hands it to its listeners."""
    window.dispatch("on_keyboard", code, 0, char, list(modifiers))


def started(make_app, frames, size=(1280, 800)):
    engine = live_engine()
    app = make_app(engine, size)
    frames.until(lambda: find_row(app, "web"), what="rows")
    return engine, app


def test_down_and_up_move_the_selection_through_the_list(make_app, frames, kivy_window):
    _engine, app = started(make_app, frames)
    key(kivy_window, 274)
    assert app.selected == DB  # the first row: Running's db
    key(kivy_window, 274)
    assert app.selected == WEB
    key(kivy_window, 273)
    assert app.selected == DB


def test_enter_opens_and_esc_goes_back_on_a_narrow_screen(make_app, frames, kivy_window):
    _engine, app = started(make_app, frames, (480, 800))
    ids = app.root.ids
    key(kivy_window, 274)
    frames.step(2)
    assert app.selected == DB
    assert shown(app) == [ids.sidebar]  # moving the selection stays on the list
    key(kivy_window, 13)
    frames.until(lambda: shown(app) == [ids.detail], what="the detail opened")
    key(kivy_window, 27)
    frames.until(lambda: shown(app) == [ids.sidebar], what="back to the list")


def test_slash_and_ctrl_f_put_the_cursor_in_the_search(make_app, frames, kivy_window):
    _engine, app = started(make_app, frames)
    search = app.root.ids.sidebar.ids.search
    key(kivy_window, 47, "/")
    frames.step(2)
    assert search.focus
    search.focus = False
    frames.step(2)
    key(kivy_window, 102, "f", ["ctrl"])
    frames.step(2)
    assert search.focus


def test_letters_typed_in_the_search_are_not_shortcuts(make_app, frames, kivy_window):
    engine, app = started(make_app, frames)
    app.select(WEB)
    search = app.root.ids.sidebar.ids.search
    search.focus = True
    frames.step(2)
    key(kivy_window, 107, "k")
    frames.step(3)
    assert app.dialog is None and engine.commands == []


def test_action_keys_send_the_action_and_kill_asks_first(make_app, frames, kivy_window):
    engine, app = started(make_app, frames)
    app.select(WEB)
    frames.step(2)
    key(kivy_window, 114, "r")
    frames.until(lambda: engine.commands, what="the restart")
    assert isinstance(engine.commands[-1], Restart)
    frames.until(lambda: not app.working, what="the restart's answer")
    key(kivy_window, 115, "s")
    frames.until(lambda: len(engine.commands) == 2, what="the stop")
    assert isinstance(engine.commands[-1], Stop)
    frames.until(lambda: not app.working, what="the stop's answer")
    key(kivy_window, 107, "k")
    frames.until(lambda: app.dialog is not None, what="the kill's confirmation")
    assert len(engine.commands) == 2
    key(kivy_window, 13)
    frames.until(lambda: len(engine.commands) == 3, what="the kill")
    assert isinstance(engine.commands[-1], Kill)


def test_question_mark_shows_every_key(make_app, frames, kivy_window):
    _engine, app = started(make_app, frames)
    key(kivy_window, 47, "?", ["shift"])
    dialog = frames.until(lambda: app.dialog, what="the keys")
    assert "Ctrl+F" in dialog.text and "kill" in dialog.text
    assert "Shift+Tab" in dialog.text
    save_shot(kivy_window, frames, "keyboard-shortcuts")
    key(kivy_window, 27)
    frames.until(lambda: app.dialog is None, what="closed")


def test_tab_moves_between_regions_with_a_visible_frame_and_arrows_switch_tabs(
    make_app, frames, kivy_window
):
    _engine, app = started(make_app, frames)
    app.select(WEB)
    frames.step(2)
    detail = app.root.ids.detail
    search = app.root.ids.sidebar.ids.search
    press_key(kivy_window, 9)
    frame = app.focus_frame
    assert frame.region == "search" and search.focus
    press_key(kivy_window, 9)  # heard by the focused search field itself
    assert frame.region == "list" and frame.parent is not None
    assert not search.focus
    assert tuple(frame.size) == tuple(app.root.ids.sidebar.size)
    press_key(kivy_window, 9)
    assert frame.region == "tabs"
    press_key(kivy_window, 275)
    assert detail.tab == "logs"
    press_key(kivy_window, 276)
    press_key(kivy_window, 276)
    assert detail.tab == "terminal"  # round to the last (web runs: Terminal is offered)
    save_shot(kivy_window, frames, "keyboard-focus")
    press_key(kivy_window, 9)
    assert frame.region == "actions"
    press_key(kivy_window, 9)
    assert frame.region == "search" and search.focus  # round to the first


def test_shift_tab_goes_back_through_the_regions(make_app, frames, kivy_window):
    _engine, app = started(make_app, frames)
    app.select(WEB)
    frames.step(2)
    search = app.root.ids.sidebar.ids.search
    press_key(kivy_window, 9, None, ("shift",))
    frame = app.focus_frame
    assert frame.region == "actions"
    press_key(kivy_window, 9, None, ("shift",))
    assert frame.region == "tabs"
    press_key(kivy_window, 9, None, ("shift",))
    assert frame.region == "list"
    press_key(kivy_window, 9, None, ("shift",))
    assert frame.region == "search" and search.focus
    press_key(kivy_window, 9, None, ("shift",))  # from the field, back round to the end
    assert frame.region == "actions" and not search.focus


def test_enter_on_a_framed_action_presses_it_with_its_confirmation(
    make_app, frames, kivy_window
):
    engine, app = started(make_app, frames)
    app.select(WEB)
    frames.step(2)
    press_key(kivy_window, 9, None, ("shift",))  # the actions: Stop framed first
    frame = app.focus_frame
    kill = app.root.ids.detail.ids.controls.ids.ctl_kill
    for _ in range(6):
        if tuple(frame.pos) == tuple(kill.to_window(*kill.pos)):
            break
        press_key(kivy_window, 275)
    assert tuple(frame.pos) == tuple(kill.to_window(*kill.pos))  # Right reached Kill
    save_shot(kivy_window, frames, "keyboard-actions")
    press_key(kivy_window, 13)
    frames.until(lambda: app.dialog is not None, what="the kill's confirmation")
    assert engine.commands == []
    press_key(kivy_window, 13)
    frames.until(lambda: engine.commands, what="the kill")
    assert isinstance(engine.commands[-1], Kill)


def test_esc_in_the_search_field_takes_the_frame_away(make_app, frames, kivy_window):
    _engine, app = started(make_app, frames)
    search = app.root.ids.sidebar.ids.search
    press_key(kivy_window, 9)
    assert app.focus_frame.region == "search"
    press_key(kivy_window, 27)  # heard by the field: it lets go of the keyboard
    frames.step(2)
    assert not search.focus
    assert app.focus_frame.parent is None
