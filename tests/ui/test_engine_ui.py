"""The app on the private daemon: containers changed from outside show up; taps act on them."""

from __future__ import annotations

import pytest
from ui_harness import find_row, group_of, save_shot, tap

from genet_rx.model.connection import Link

pytestmark = [pytest.mark.ui, pytest.mark.engine]


def connected_app(make_app, frames, engine):
    app = make_app(engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    return app


def open_row(app, frames, name):
    row = frames.until(lambda: find_row(app, name), timeout=20, what=f"row {name}")
    tap(row, frames)
    frames.until(lambda: app.root.ids.detail.title == name, what=f"detail of {name}")


def test_started_outside_appears_running_and_a_stop_tap_moves_it_to_exited(
    make_app, frames, real_engine, docker, unique_name, kivy_window
):
    app = connected_app(make_app, frames, real_engine)
    docker.run_detached(name=unique_name)
    frames.until(lambda: group_of(app, unique_name) == "running", timeout=20, what="running")
    open_row(app, frames, unique_name)
    detail = app.root.ids.detail
    # The list answer has no start time: the app inspects once and shows the uptime.
    frames.until(lambda: detail.field("since").startswith("up "), what="uptime from inspect")
    save_shot(kivy_window, frames, "engine-live")
    stop = app.root.ids.detail.ids.controls.ids.ctl_stop
    frames.until(lambda: not stop.disabled, what="Stop enabled")
    tap(stop, frames)
    frames.until(lambda: stop.working or group_of(app, unique_name) == "exited", what="working")
    frames.until(lambda: group_of(app, unique_name) == "exited", timeout=30, what="exited")
    # The engine's die/stop events may beat the answer to the POST: "working" until it comes.
    frames.until(lambda: not stop.working, timeout=30, what="the command's result")
    assert app.root.notice is None
    start = app.root.ids.detail.ids.controls.ids.ctl_start
    frames.until(lambda: not start.disabled, what="Start enabled once exited")


def test_kill_asks_first_then_the_row_moves(make_app, frames, real_engine, docker, unique_name):
    app = connected_app(make_app, frames, real_engine)
    docker.run_detached(name=unique_name)
    frames.until(lambda: group_of(app, unique_name) == "running", timeout=20)
    open_row(app, frames, unique_name)
    kill = app.root.ids.detail.ids.controls.ids.ctl_kill
    frames.until(lambda: not kill.disabled)
    tap(kill, frames)
    dialog = frames.until(lambda: app.dialog, what="confirmation")
    assert group_of(app, unique_name) == "running"  # nothing sent yet
    tap(dialog.ids.yes, frames)
    frames.until(lambda: group_of(app, unique_name) == "exited", timeout=30, what="exited")
    assert "137" in app.root.ids.detail.state_text


def test_a_refused_action_shows_the_engines_message(
    make_app, frames, real_engine, docker, unique_name
):
    app = connected_app(make_app, frames, real_engine)
    docker.run_detached(name=unique_name)
    frames.until(lambda: group_of(app, unique_name) == "running", timeout=20)
    open_row(app, frames, unique_name)
    before = app.table
    app.press("unpause")  # the command path: the button itself is disabled on a running one
    notice = frames.until(lambda: app.root.notice, timeout=20, what="notice")
    assert notice.kind == "error"
    assert "not paused" in notice.text.lower()
    assert group_of(app, unique_name) == "running"
    assert app.table.get(app.selected) == before.get(app.selected)


def test_a_container_removed_outside_just_before_the_tap(
    make_app, frames, real_engine, docker, unique_name
):
    from genet_rx.engine.commands import Stop

    app = connected_app(make_app, frames, real_engine)
    cid = docker.run_detached(name=unique_name)
    frames.until(lambda: group_of(app, unique_name) == "running", timeout=20)
    docker("rm", "-f", cid)
    app.send(Stop(cid))  # what a tap on a screen one event behind sends
    notice = frames.until(lambda: app.root.notice, timeout=20, what="notice")
    assert notice.kind in ("error", "info")
    assert "no such container" in notice.text.lower() or "already" in notice.text.lower()
    frames.until(lambda: group_of(app, unique_name) is None, timeout=20, what="row gone")
