"""The pull dialog and the task indicator on the engine double: progress, errors, cancel."""

from __future__ import annotations

import pytest
from engine_double import EngineDouble
from test_layouts import check_touch_sizes, live_engine
from ui_harness import save_shot, tap

from genet_rx.errors import NotFound
from genet_rx.model.pull import Layer, LayerPhase, PullError, PullProgress

pytestmark = pytest.mark.ui

MB = 1_000_000
REF = "registry:5000/team/app:1.2"


def midway(reference: str = REF) -> PullProgress:
    return PullProgress(reference, layers=(
        Layer("a3ed95caeb02", LayerPhase.EXISTS),
        Layer("5f1c8e2b9a10", LayerPhase.DONE, 3 * MB, 3 * MB, 3 * MB),
        Layer("0b9d4c7e6f21", LayerPhase.EXTRACTING, 2_500_000, 2_500_000, 1_200_000),
        Layer("77e1a0f3c5d4", LayerPhase.DOWNLOADING, 1_400_000, 4 * MB),
        Layer("c2b8f61d0e93", LayerPhase.VERIFYING, 900_000, 900_000),
        Layer("e9a4d2b7c180", LayerPhase.WAITING),
    ))


def key(window, code: int, text: str = "") -> None:
    """A key press as the window's event loop delivers it."""
    if not window.dispatch("on_key_down", code, 0, text, []):
        window.dispatch("on_keyboard", code, 0, text, [])
    window.dispatch("on_key_up", code, 0)


def open_pull_dialog(make_app, frames, size=(1280, 800), reference=""):
    from genet_kivy.dialogs import open_pull

    engine = live_engine()
    app = make_app(engine, size)
    dialog = open_pull(app, reference)
    frames.step(3)
    return engine, app, dialog


def start_pull(frames, dialog, engine: EngineDouble, reference: str = REF):
    dialog.ids.reference.text = reference
    tap(dialog.ids.pull, frames)
    frames.until(lambda: engine.pulls.live == 1, what="the pull subscribed")
    return engine.pulls.subject(reference)


def indicator_of(app):
    from genet_kivy.dialogs import TaskIndicator
    from genet_kivy.dialogs.base import walk

    return next(w for w in walk(app.root.ids.topbar) if isinstance(w, TaskIndicator))


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_pull_shows_the_bar_and_one_line_a_layer(make_app, frames, kivy_window, size):
    engine, app, dialog = open_pull_dialog(make_app, frames, size)
    stream = start_pull(frames, dialog, engine)
    assert dialog.running and dialog.ids.reference.disabled
    stream.on_next(midway())
    frames.until(lambda: len(dialog.lines) == 6, what="six layer lines")
    lines = dialog.lines
    assert lines[0].endswith("already exists") and lines[1].endswith("done")
    assert "extracting 1.2 MB of 2.5 MB" in lines[2]
    assert "downloading 1.4 MB of 4.0 MB" in lines[3]
    assert lines[4].endswith("verifying") and lines[5].endswith("waiting")
    assert "of 10.4 MB" in dialog.amount and "may still grow" in dialog.amount
    assert 0.7 < dialog.fraction < 0.8 and dialog.known
    assert dialog.status == f"Pulling {REF} 75%"
    indicator = indicator_of(app)
    assert indicator.shown and indicator.text == f"Pulling {REF} 75%"
    assert check_touch_sizes(kivy_window) == []
    w, h = size
    save_shot(kivy_window, frames, f"pull-progress-{w}x{h}")
    stream.on_completed()
    frames.until(lambda: not dialog.running, what="the pull's end")
    assert dialog.status == f"Pulled {REF}" and dialog.fraction == 1.0
    notice = frames.until(lambda: app.root.notice, what="a notice")
    assert notice.text == f"Pulled {REF}" and notice.kind == "info"
    frames.until(lambda: not indicator.shown, what="the indicator hides")
    assert engine.pulls.live == 0


def test_closing_keeps_the_pull_and_the_indicator_reopens_it(make_app, frames, kivy_window):
    engine, app, dialog = open_pull_dialog(make_app, frames)
    stream = start_pull(frames, dialog, engine, "busybox")
    stream.on_next(PullProgress("busybox", layers=(
        Layer("5f1c8e2b9a10", LayerPhase.DOWNLOADING, 430_000, MB),)))
    tap(dialog.ids.close, frames)
    assert not dialog.is_open and engine.pulls.live == 1  # still pulling
    indicator = indicator_of(app)
    frames.until(lambda: indicator.text == "Pulling busybox 43%", what="indicator text")
    assert indicator.width >= 48 and indicator.height >= 48
    save_shot(kivy_window, frames, "task-indicator")
    tap(indicator, frames)
    assert dialog.is_open
    from genet_kivy.dialogs import open_pull

    assert open_pull(app, "busybox") is dialog  # the same pull's dialog, not a second pull
    assert engine.pulls.live == 1 and len(engine.pulls.opened) == 1


def test_cancel_disposes_the_subscription(make_app, frames):
    engine, app, dialog = open_pull_dialog(make_app, frames)
    stream = start_pull(frames, dialog, engine, "busybox")
    stream.on_next(PullProgress("busybox", layers=(Layer("5f1c8e2b9a10"),)))
    frames.step(2)
    tap(dialog.ids.cancel, frames)
    assert engine.pulls.live == 0
    assert not dialog.running and dialog.status.startswith("Cancelled")
    assert not indicator_of(app).shown
    assert app.tasks.running == ()


def test_an_unknown_image_shows_the_engines_words(make_app, frames, kivy_window):
    engine, app, dialog = open_pull_dialog(make_app, frames, (800, 480))
    stream = start_pull(frames, dialog, engine, "nosuch/image")
    stream.on_error(NotFound(404, "manifest for nosuch/image:latest not found"))
    frames.until(lambda: dialog.error, what="the error in the dialog")
    assert dialog.error == "manifest for nosuch/image:latest not found"
    assert dialog.is_open and not dialog.running and dialog.ids.pull.opacity == 1
    assert app.root.notice is None  # shown in the dialog, not as a notice as well


def test_a_failure_midway_shows_in_the_dialog(make_app, frames):
    engine, app, dialog = open_pull_dialog(make_app, frames)
    stream = start_pull(frames, dialog, engine, "busybox")
    stream.on_next(midway("busybox"))
    stream.on_error(PullError("unexpected EOF"))
    frames.until(lambda: dialog.error == "unexpected EOF", what="the error")
    assert dialog.lines and not dialog.running
    assert app.tasks.running == ()


def test_a_bad_reference_is_refused_before_sending(make_app, frames):
    engine, _app, dialog = open_pull_dialog(make_app, frames)
    dialog.ids.reference.text = "two words"
    tap(dialog.ids.pull, frames)
    assert "is not an image reference" in dialog.error
    assert engine.pulls.opened == []


def test_keys_enter_pulls_and_escape_closes_only_the_dialog(make_app, frames, kivy_window):
    engine, app, dialog = open_pull_dialog(make_app, frames, (800, 480))
    frames.until(lambda: dialog.ids.reference.focus, what="the field has the keyboard")
    dialog.ids.reference.text = "busybox"
    key(kivy_window, 13)
    frames.until(lambda: engine.pulls.live == 1, what="Enter pulls")
    key(kivy_window, 27)
    frames.step(2)
    assert not dialog.is_open and engine.pulls.live == 1
    assert app.root.parent is kivy_window  # the app is still there


def test_a_stopping_app_cancels_its_pulls(make_app, frames):
    engine, app, dialog = open_pull_dialog(make_app, frames)
    start_pull(frames, dialog, engine, "busybox")
    tap(dialog.ids.close, frames)
    app.dispatch("on_stop")
    assert engine.pulls.live == 0 and app.tasks.running == ()


def test_an_indicator_the_top_bar_already_holds_is_used(make_app, frames):
    from genet_kivy.dialogs import TaskIndicator, open_pull
    from genet_kivy.dialogs.base import walk

    app = make_app(live_engine())
    held = [w for w in walk(app.root.ids.topbar) if isinstance(w, TaskIndicator)]
    if not held:  # an app that does not place one: place it as its top bar's kv would
        app.root.ids.topbar.add_widget(TaskIndicator())
        held = [w for w in walk(app.root.ids.topbar) if isinstance(w, TaskIndicator)]
    (placed,) = held
    frames.step(2)
    assert placed.tasks is app.tasks  # it found the app's Tasks on its own
    dialog = open_pull(app)
    frames.step(2)
    indicators = [w for w in walk(app.root.ids.topbar) if isinstance(w, TaskIndicator)]
    assert indicators == [placed]
    start_pull(frames, dialog, app.engine, "busybox")
    frames.until(lambda: placed.shown and placed.text == "Pulling busybox", what="shown")
