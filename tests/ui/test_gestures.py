"""Touch gestures: swipe back, long-press a row for its actions, a finger's scrolling."""

from __future__ import annotations

import time

import pytest
from kinds_sample import DANGLING
from test_kinds import answer_yes, go, kind_engine, row, titles
from test_layouts import live_engine, open_detail, shown
from ui_harness import find_row, save_shot, tap

from genet_rx.engine.commands import Kill, RemoveImage

pytestmark = pytest.mark.ui


def finger(pos):
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(*pos)
    touch.touch_down()
    return touch


def drag(frames, start, end, steps=8):
    """A finger down at ``start``, moved in steps to ``end``, lifted."""
    touch = finger(start)
    frames.step(1)
    for i in range(1, steps + 1):
        touch.touch_move(start[0] + (end[0] - start[0]) * i / steps,
                         start[1] + (end[1] - start[1]) * i / steps)
        frames.step(1)
    touch.touch_up()
    frames.step(2)


def left_of_detail(app):
    """A point in the left part of the detail, on its page (below the tabs)."""
    detail = app.root.ids.detail
    page = detail.ids.page
    x, y = page.to_window(page.x, page.y)
    return x + detail.width * 0.15, y + page.height * 0.5


def rest(frames, seconds):
    """Let ``seconds`` go by, frames running (to show something did not happen)."""
    end = time.monotonic() + seconds
    frames.until(lambda: time.monotonic() > end, what=f"{seconds} s")


def sheet_of(app):
    from genet_kivy.action_sheet import ActionSheet

    return app.dialog if isinstance(app.dialog, ActionSheet) else None


def test_a_swipe_right_from_the_left_of_the_detail_goes_back(make_app, frames):
    app = make_app(live_engine(), (480, 800))
    ids = open_detail(app, frames, "web")
    x, y = left_of_detail(app)
    drag(frames, (x, y), (x + 240, y + 20))
    frames.until(lambda: shown(app) == [ids.sidebar], what="back to the list")


def test_a_vertical_drag_on_the_detail_does_not_go_back(make_app, frames):
    app = make_app(live_engine(), (480, 800))
    ids = open_detail(app, frames, "web")
    x, y = left_of_detail(app)
    drag(frames, (x, y), (x + 30, y + 240))
    assert shown(app) == [ids.detail]


def test_a_tap_on_the_detail_does_not_go_back(make_app, frames):
    app = make_app(live_engine(), (480, 800))
    ids = open_detail(app, frames, "web")
    drag(frames, left_of_detail(app), left_of_detail(app), steps=1)
    assert shown(app) == [ids.detail]


def test_holding_a_row_opens_its_actions_and_is_not_a_tap(make_app, frames, kivy_window):
    app = make_app(live_engine(), (480, 800))
    view = frames.until(lambda: find_row(app, "web"), what="row web")
    touch = finger(view.to_window(*view.center))
    sheet = frames.until(lambda: sheet_of(app), what="the action sheet")
    touch.touch_up()
    frames.step(3)
    assert sheet_of(app) is sheet  # lifting the finger leaves it open
    assert list(sheet.buttons) == ["stop", "restart", "pause", "kill", "remove"]
    assert shown(app) == [app.root.ids.sidebar]  # the hold was not a tap on the row
    save_shot(kivy_window, frames, "action-sheet-480x800")


def test_a_tap_on_a_row_opens_no_sheet(make_app, frames):
    app = make_app(live_engine(), (480, 800))
    view = frames.until(lambda: find_row(app, "web"), what="row web")
    tap(view, frames)
    frames.until(lambda: shown(app) == [app.root.ids.detail], what="the detail (a tap)")
    rest(frames, 0.8)
    assert app.dialog is None


def test_kill_from_the_sheet_asks_then_reaches_the_engine(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (480, 800))
    view = frames.until(lambda: find_row(app, "web"), what="row web")
    touch = finger(view.to_window(*view.center))
    sheet = frames.until(lambda: sheet_of(app), what="the action sheet")
    touch.touch_up()
    frames.step(3)
    tap(sheet.buttons["kill"], frames)
    answer_yes(app, frames, kivy_window, "Kill")
    frames.until(lambda: engine.commands, what="the kill")
    assert isinstance(engine.commands[-1], Kill)


def test_remove_from_an_images_sheet_asks_then_reaches_the_engine(
    make_app, frames, kivy_window
):
    engine = kind_engine()
    app = make_app(engine, (480, 800))
    panel = go(app, frames, "images")
    panel.list.ids.search.text = "<none>"
    frames.until(lambda: titles(app, "images") == ["<none>"], what="only the dangling image")
    frames.step(3)  # the list lays its one row out
    view = frames.until(lambda: row(app, "images", "<none>"), what="its row")
    touch = finger(view.to_window(*view.center))
    sheet = frames.until(lambda: sheet_of(app), what="the image's action sheet")
    touch.touch_up()
    frames.step(3)
    assert set(sheet.buttons) == {"run", "remove"}
    tap(sheet.buttons["remove"], frames)
    answer_yes(app, frames, kivy_window, "Remove")
    frames.until(lambda: engine.commands == [RemoveImage(DANGLING)], what="the removal")


def test_lists_scroll_as_tuned_for_a_finger(make_app, frames):
    from kivy.metrics import dp

    from genet_kivy import gestures

    app = make_app(live_engine(), (480, 800))
    rv = app.root.ids.sidebar.ids.rv
    assert rv.scroll_distance == dp(gestures.SCROLL_DISTANCE)
    assert rv.scroll_timeout == gestures.SCROLL_TIMEOUT
    assert rv.effect_y.friction == gestures.FRICTION


@pytest.mark.parametrize("name", ["FingerScrollEffect", "SteadyScrollEffect"])
def test_a_frame_of_0_8_s_slows_a_fling_and_never_turns_it_back(name):
    from genet_kivy import gestures

    fling = getattr(gestures, name)(min=-10_000, max=0, value=-5_000)
    fling.velocity = 2_000  # upwards, far from either end
    fling.update_velocity(0.8)  # Kivy's own effects come out of this frame going downwards
    assert 0 < fling.velocity < 2_000
    assert fling.value > -5_000
