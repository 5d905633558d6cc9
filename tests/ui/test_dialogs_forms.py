"""The run, create-volume and create-network dialogs on the engine double."""

from __future__ import annotations

import immutables
import pytest
from test_dialogs_pull import key
from test_layouts import check_touch_sizes, live_engine
from ui_harness import save_shot, tap

from genet_rx.engine.commands import CommandResult, Outcome
from genet_rx.model.networks import Network
from genet_rx.state.resources import Table

pytestmark = pytest.mark.ui

CONFLICT = ('Conflict. The container name "/web" is already in use by container "3f2a". '
            "You have to remove (or rename) that container to be able to reuse that name.")


def networks_table() -> Table[Network]:
    rows = {n.id: n for n in (
        Network("n1", "bridge", "bridge"), Network("n2", "host", "host"),
        Network("n3", "none", "null"), Network("n4", "backend", "bridge"))}
    return Table(rows=immutables.Map(rows), synced=True)


def engine_with_networks():
    engine = live_engine()
    engine.push_kind("networks", networks_table())
    return engine


def open_run_dialog(make_app, frames, size=(1280, 800), image="busybox"):
    from genet_kivy.dialogs import open_run

    engine = engine_with_networks()
    app = make_app(engine, size)
    dialog = open_run(app, image)
    frames.until(lambda: len(dialog.networks) > 1, what="the engine's networks")
    return engine, app, dialog


def fill(dialog) -> None:
    ids = dialog.ids
    ids.name.text = "web"
    ids.command.text = "sh -c 'sleep 600'"
    ids.env.text = "MODE=demo\nLEVEL=3"
    ids.mounts.text = "data:/data"


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_run_dialog_fits_and_sends_the_checked_command(make_app, frames, kivy_window, size):
    engine, app, dialog = open_run_dialog(make_app, frames, size)
    assert dialog.ids.image.text == "busybox"
    assert dialog.networks == ["Engine default", "backend", "bridge", "host", "none"]
    fill(dialog)
    tap(dialog.ids.restart_on_failure, frames)
    assert dialog.restart == "on-failure" and dialog.ids.retries.opacity == 1
    dialog.ids.retries.text = "5"
    dialog.ids.network.text = "backend"
    frames.step(2)
    # The actions stay at the top, inside the window, whatever the form's length.
    top = dialog.ids.run.to_window(*dialog.ids.run.pos)[1] + dialog.ids.run.height
    assert top <= kivy_window.height and dialog.top <= kivy_window.height
    assert dialog.y >= 0
    assert check_touch_sizes(kivy_window) == []
    w, h = size
    save_shot(kivy_window, frames, f"run-dialog-{w}x{h}")
    tap(dialog.ids.run, frames)
    frames.until(lambda: not dialog.is_open, what="the dialog closes")
    (command,) = engine.commands
    assert (command.image, command.name) == ("busybox", "web")
    assert command.cmd == ("sh", "-c", "sleep 600")
    assert command.env == ("MODE=demo", "LEVEL=3") and command.restart == "on-failure:5"
    assert command.mounts == (("data", "/data"),) and command.network == "backend"
    notice = frames.until(lambda: app.root.notice, what="the notice")
    assert notice.kind == "info" and notice.text == "Started web from busybox"


def test_a_refusal_stays_in_the_dialog(make_app, frames, kivy_window):
    engine, app, dialog = open_run_dialog(make_app, frames, (800, 480))
    engine.answer = lambda c: CommandResult(c, Outcome.FAILED, CONFLICT)
    fill(dialog)
    tap(dialog.ids.run, frames)
    frames.until(lambda: dialog.error, what="the engine's words")
    assert dialog.error == CONFLICT and dialog.is_open and not dialog.busy
    assert app.root.notice is None
    assert dialog.ids.error.height > 40  # wrapped on its lines, inside the card
    save_shot(kivy_window, frames, "run-dialog-refused-800x480")
    # Fixed and sent again: it goes through.
    engine.answer = lambda c: CommandResult(c, Outcome.DONE)
    dialog.ids.name.text = "web-2"
    tap(dialog.ids.run, frames)
    frames.until(lambda: not dialog.is_open, what="closed on success")
    assert [c.name for c in engine.commands] == ["web", "web-2"]


def test_bad_input_is_caught_before_sending(make_app, frames):
    engine, _app, dialog = open_run_dialog(make_app, frames)
    dialog.ids.env.text = "MODE=demo\noops"
    dialog.ids.mounts.text = "/srv:/data"
    tap(dialog.ids.run, frames)
    assert "Environment line 2: “oops” is not NAME=value." in dialog.error
    assert "only named volumes" in dialog.error
    frames.step(3)
    assert engine.commands == [] and dialog.is_open


def test_the_default_network_sends_none(make_app, frames):
    engine, _app, dialog = open_run_dialog(make_app, frames)
    tap(dialog.ids.run, frames)
    frames.until(lambda: engine.commands, what="sent")
    assert engine.commands[0].network == "" and engine.commands[0].restart == "no"


def test_escape_cancels_the_dialog_and_nothing_else(make_app, frames, kivy_window):
    engine, app, dialog = open_run_dialog(make_app, frames, (800, 480))
    dialog.ids.name.focus = True
    frames.step(2)
    key(kivy_window, 27)
    frames.step(2)
    assert not dialog.is_open and engine.commands == []
    assert app.root.parent is kivy_window


def test_enter_outside_a_field_submits(make_app, frames, kivy_window):
    engine, _app, dialog = open_run_dialog(make_app, frames)
    frames.step(2)
    dialog.ids.image.focus = False
    frames.step(1)
    key(kivy_window, 13)
    frames.until(lambda: engine.commands, what="Enter runs")


@pytest.mark.parametrize("kind", ["volume", "network"])
def test_create_dialogs_send_and_show_refusals(make_app, frames, kivy_window, kind):
    from genet_kivy.dialogs import open_create_network, open_create_volume

    engine = live_engine()
    app = make_app(engine, (800, 480))
    dialog = (open_create_volume if kind == "volume" else open_create_network)(app)
    frames.step(2)
    assert dialog.ids.driver.text == ("local" if kind == "volume" else "bridge")
    assert check_touch_sizes(kivy_window) == []
    engine.answer = lambda c: CommandResult(c, Outcome.FAILED, "plugin \"nope\" not found")
    dialog.ids.name.text = "data"
    dialog.ids.driver.text = "nope"
    tap(dialog.ids.create, frames)
    frames.until(lambda: dialog.error, what="refusal")
    assert dialog.error == 'plugin "nope" not found' and dialog.is_open
    save_shot(kivy_window, frames, f"create-{kind}-800x480")
    engine.answer = lambda c: CommandResult(c, Outcome.DONE)
    dialog.ids.driver.text = ""
    tap(dialog.ids.create, frames)
    frames.until(lambda: not dialog.is_open, what="created")
    last = engine.commands[-1]
    assert last.name == "data"
    assert last.driver == ("local" if kind == "volume" else "bridge")
    notice = frames.until(lambda: app.root.notice, what="notice")
    assert notice.text == f"Created {kind} data"


def test_a_network_needs_a_name(make_app, frames):
    from genet_kivy.dialogs import open_create_network

    engine = live_engine()
    app = make_app(engine)
    dialog = open_create_network(app)
    frames.step(2)
    tap(dialog.ids.create, frames)
    assert dialog.error == "Name: give it a name." and engine.commands == []
