"""Two engines holding the same image (the same id, as two engines often do): its row on each
engine acts on that engine only; a dialog opened from a row acts on the row's engine."""

from __future__ import annotations

from typing import Any

import pytest
import reactivex as rx
from engine_double import EngineDouble
from kinds_sample import DANGLING, containers, images
from reactivex import Observable
from reactivex.disposable import Disposable
from test_kinds import answer_yes, go
from test_layouts import shown
from ui_harness import tap

from genet_kivy.app import GenetApp
from genet_kivy.engine_view import row_key
from genet_rx.engine.commands import RemoveImage
from genet_rx.engine.engines import Engines
from genet_rx.model.connection import Link
from genet_rx.model.swarm import SwarmTasks
from genet_rx.state.containers import from_rows

pytestmark = pytest.mark.ui


def double(host: str) -> EngineDouble:
    engine = EngineDouble(host)
    engine.push(from_rows(containers()))
    engine.push_kind("images", images())
    engine.link(Link.CONNECTED)
    return engine


@pytest.fixture
def pair():
    a, b = double("unix:///run/a/docker.sock"), double("tcp://b:2376")
    engines = Engines.of({"a": a, "b": b})
    yield a, b
    engines.detach()


def test_removing_an_image_on_the_second_engine_reaches_only_that_engine(
        make_app, frames, kivy_window, pair):
    a, b = pair
    app = make_app(Engines.of({"a": a, "b": b}), (1280, 800))
    go(app, frames, "images")
    panel = app.panels["images"]
    key = row_key("b", DANGLING)
    rv = panel.list.ids.rv
    view = frames.until(lambda: next((v for v in rv.layout_manager.children
                                      if getattr(v, "key", "") == key), None),
                        what="the dangling image's row on engine b")
    tap(view, frames)
    frames.until(lambda: panel.detail.has_item and panel.detail in shown(app),
                 what="its detail")
    tap(panel.detail.buttons["remove"], frames)
    answer_yes(app, frames, kivy_window, "Remove")
    frames.until(lambda: b.commands == [RemoveImage(DANGLING)], what="sent to b")
    assert a.commands == []


def test_a_dialog_opened_from_a_row_acts_on_the_rows_engine_until_dismissed(
        make_app, frames, pair):
    a, b = pair
    app = make_app(Engines.of({"a": a, "b": b}), (1280, 800))
    seen = []

    class Dialog:
        def bind(self, on_dismiss):
            self.dismissed = on_dismiss

    def opener():
        seen.append(app.engine)
        return dialog

    dialog = Dialog()
    app.fleet.open_from(row_key("b", DANGLING), opener)
    assert seen == [b]
    assert app.engine is b
    dialog.dismissed()
    assert app.engine is a


def test_a_corrupt_saved_engines_file_is_reported_and_kept(make_app, frames, tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = tmp_path / "genet" / "engines.json"
    path.parent.mkdir()
    path.write_text("{not json")
    app = make_app(double("unix:///run/a/docker.sock"), (800, 480))
    app.open_engines()
    notice = frames.until(lambda: app.root.notice, what="the error notice")
    assert notice.kind == "error" and "kept as" in notice.text
    kept = list(path.parent.glob("engines.json.corrupt-*"))
    assert [p.read_text() for p in kept] == ["{not json"]


def test_a_name_left_out_as_the_same_engine_is_said_in_the_app(make_app, frames, pair,
                                                                monkeypatch):
    a, b = pair
    engines = Engines.of({"a": a, "b": b})
    engines.left_out["c"] = "c names the same engine as a (unix:///run/a/docker.sock): shown once"
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(GenetApp, "notify", lambda _app, text, kind="info": said.append(
        (text, kind)))  # the notice itself goes away after 5 s: a slow start could miss it
    make_app(engines, (1280, 800))
    frames.until(lambda: said, what="the notice")
    assert said == [(engines.left_out["c"], "info")]


def asking(engine: EngineDouble, said: str) -> list[int]:
    """Give a double the swarm's slow refresh: it answers ``said`` (as an error) at once;
    the list returned counts the views subscribed to it now."""
    subscribed: list[int] = []

    def swarm_tasks() -> Observable[SwarmTasks]:
        def subscribe(observer: Any, scheduler: Any = None) -> Disposable:
            subscribed.append(1)
            observer.on_next(SwarmTasks(error=said))
            return Disposable(subscribed.pop)
        return rx.create(subscribe)

    engine.swarm_tasks = swarm_tasks  # type: ignore[attr-defined]
    return subscribed


def test_the_swarm_views_ask_every_engine_and_show_the_chosen_engines_answer(
        make_app, frames, pair):
    a, b = pair
    asked_a, asked_b = asking(a, "a is not a swarm manager"), asking(b, "b is not a manager")
    app = make_app(Engines.of({"a": a, "b": b}), (1280, 800))
    panel = app.panels["services"]
    go(app, frames, "services")
    frames.until(lambda: len(panel.polled_by) == 2, what="both engines' answers")
    assert panel.polled.error == "a is not a swarm manager"  # no chip tapped: the first
    app.fleet.only = "b"
    assert panel.polled.error == "b is not a manager"
    go(app, frames, "containers")
    assert asked_a == []
    assert asked_b == []
