"""The keyboard map on every other kind: one generic path through the resource panel."""

from __future__ import annotations

import pytest
from kinds_sample import DANGLING
from test_kinds import go, kind_engine, titles
from test_layouts import shown
from ui_harness import press_key, save_shot

from genet_rx.engine.commands import RemoveImage

pytestmark = pytest.mark.ui

DOWN, UP, ENTER, ESC, DELETE, TAB = 274, 273, 13, 27, 127, 9


def test_arrows_move_the_selection_in_the_images_list(make_app, frames, kivy_window):
    app = make_app(kind_engine())
    panel = go(app, frames, "images")
    first, second = (r["key"] for r in panel.list.ids.rv.data[:2])
    press_key(kivy_window, DOWN)
    assert panel.selected == first
    press_key(kivy_window, DOWN)
    assert panel.selected == second
    press_key(kivy_window, UP)
    assert panel.selected == first


def test_enter_opens_an_image_and_esc_goes_back_on_a_narrow_screen(
    make_app, frames, kivy_window
):
    app = make_app(kind_engine(), (480, 800))
    panel = go(app, frames, "images")
    press_key(kivy_window, DOWN)
    frames.step(2)
    assert shown(app) == [panel.list]  # moving the selection stays on the list
    press_key(kivy_window, ENTER)
    frames.until(lambda: shown(app) == [panel.detail], what="the image's detail")
    press_key(kivy_window, ESC)
    frames.until(lambda: shown(app) == [panel.list], what="back to the list")


def test_delete_removes_an_image_after_its_confirmation(make_app, frames, kivy_window):
    engine = kind_engine()
    app = make_app(engine)
    panel = go(app, frames, "images")
    panel.list.ids.search.text = "<none>"
    frames.until(lambda: titles(app, "images") == ["<none>"], what="only the dangling image")
    press_key(kivy_window, DOWN)
    assert panel.selected == DANGLING
    press_key(kivy_window, DELETE)
    frames.until(lambda: app.dialog is not None, what="the removal's confirmation")
    assert engine.commands == []
    press_key(kivy_window, ENTER)
    frames.until(lambda: engine.commands == [RemoveImage(DANGLING)], what="the removal")


def test_slash_and_tab_reach_a_kinds_search_list_tabs_and_actions(
    make_app, frames, kivy_window
):
    app = make_app(kind_engine())
    panel = go(app, frames, "volumes")
    search = panel.list.ids.search
    press_key(kivy_window, 47, "/")
    assert search.focus
    press_key(kivy_window, TAB)
    frame = app.focus_frame
    assert frame.region == "list" and not search.focus
    press_key(kivy_window, DOWN)
    frames.step(2)  # the detail lays out its new buttons
    press_key(kivy_window, TAB)
    assert frame.region == "tabs"
    press_key(kivy_window, 275)
    assert panel.detail.tab == "inspect"
    press_key(kivy_window, TAB)
    assert frame.region == "actions"
    assert tuple(frame.size) == tuple(panel.detail.buttons["remove"].size)
    save_shot(kivy_window, frames, "keyboard-volumes-actions")


def test_question_mark_lists_the_keys_of_the_view_on_screen(make_app, frames, kivy_window):
    app = make_app(kind_engine())
    go(app, frames, "images")
    press_key(kivy_window, DOWN)
    press_key(kivy_window, 47, "?", ("shift",))
    dialog = frames.until(lambda: app.dialog, what="the keys")
    assert "Delete:  remove (asks first)" in dialog.text
    assert "R:  run" in dialog.text
    assert "kill" not in dialog.text  # containers' keys are not the images' keys
    save_shot(kivy_window, frames, "keyboard-shortcuts-images")
