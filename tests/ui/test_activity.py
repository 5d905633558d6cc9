"""The Activity view, alerts in the app (a strip that moves the body down, a list of recent
alerts, rules saved in the settings) and the History tab, on the engine double; screenshots."""

from __future__ import annotations

import gc
import json
import time

import pytest
import test_desktop_notify
from engine_double import EngineDouble
from test_layouts import check_touch_sizes, sample_rows
from ui_harness import find_row, save_shot, tap

from genet_rx.engine.engines import Engines
from genet_rx.model.connection import Link
from genet_rx.model.events import Event
from genet_rx.settings import SettingsStore
from genet_rx.state.alerts import Alert, AlertKind
from genet_rx.state.containers import from_rows

pytestmark = pytest.mark.ui

Recorder = test_desktop_notify.Recorder
session_bus = test_desktop_notify.session_bus  # the fixture: a private session bus

T0 = time.time_ns() - 600 * 10**9
WEB = "a1" * 32


def ev(action: str, t: int, cid: str = WEB, name: str = "web", kind: str = "container",
       **attrs: str) -> Event:
    return Event(kind, action, cid, T0 + t * 10**9, {"name": name, **attrs})


def live_engine() -> EngineDouble:
    engine = EngineDouble()
    engine.push(from_rows(sample_rows()))
    engine.link(Link.CONNECTED)
    return engine


def started(make_app, frames, size, tmp_path):
    engine = live_engine()
    store = SettingsStore(tmp_path / "settings.json")
    app = make_app(engine, size, settings=store)
    frames.until(lambda: find_row(app, "web"), what="rows")
    return engine, app, store


def push_story(engine: EngineDouble) -> None:
    s = engine.event_stream
    s.on_next(ev("create", 0))
    s.on_next(ev("start", 1))
    s.on_next(ev("kill", 60, signal="15"))
    s.on_next(ev("die", 61, exitCode="0"))
    s.on_next(ev("stop", 61))
    s.on_next(ev("start", 90, cid="e5" * 32, name="worker"))
    s.on_next(ev("die", 95, cid="e5" * 32, name="worker", exitCode="3"))
    s.on_next(ev("pull", 100, cid="busybox:latest", name="busybox", kind="image"))
    s.on_next(ev("create", 110, cid="v1", name="data", kind="volume"))


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_activity_lists_every_kind_newest_first_in_plain_words(make_app, frames, kivy_window,
                                                               size, tmp_path):
    engine, app, _ = started(make_app, frames, size, tmp_path)
    push_story(engine)
    tap(app.root.nav.button("activity"), frames)
    view = app.root.ids.activity_list
    frames.until(lambda: view.shown == 9, what="nine entries")
    texts = [r["text"] for r in view.ids.rv.data]
    assert texts[0].startswith("volume data created · ")
    assert any(t.startswith("web stopped (exit 0) · ") and t.endswith(" · by kill signal 15")
               for t in texts)
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, f"activity-{size[0]}x{size[1]}")


def test_events_while_another_view_is_shown_wait_for_the_activity_view(make_app, frames,
                                                                        tmp_path):
    engine, app, _ = started(make_app, frames, (1280, 800), tmp_path)
    push_story(engine)
    frames.until(lambda: len(app.activity.log.rows()) == 9, what="nine entries logged")
    frames.until(lambda: not app.activity._trigger.is_triggered, what="the log's refresh ran")
    view = app.root.panes("activity")[0]  # built now if it was not yet: never shown so far
    assert view.shown == 0
    app.show_kind("activity")
    frames.until(lambda: view.shown == 9, what="nine entries shown")


def test_events_waiting_for_a_busy_main_thread_are_held_no_more_than_the_log_keeps(
        make_app, frames, tmp_path):
    engine, app, _ = started(make_app, frames, (1280, 800), tmp_path)
    keeps = app.activity.log.capacity
    for i in range(3 * keeps):  # no frame runs meanwhile: the main thread is busy
        engine.event_stream.on_next(ev("pause" if i % 2 else "unpause", i))
    waiting = sum(1 for o in gc.get_objects() if type(o) is Event)
    assert waiting < 2 * keeps  # at most the log's worth (observe_on held all 3x, one each)
    frames.until(lambda: app.activity.log.added >= keeps, what="the events in the log")
    assert app.activity.log.rows()[0].event.time_nano == T0 + (3 * keeps - 1) * 10**9


def test_activity_filters_by_kind_and_container(make_app, frames, tmp_path):
    engine, app, _ = started(make_app, frames, (1280, 800), tmp_path)
    push_story(engine)
    app.show_kind("activity")
    view = app.root.ids.activity_list
    frames.until(lambda: view.shown == 9, what="nine entries")
    view.set_kind("image")
    frames.until(lambda: view.shown == 1, what="the image's entry")
    view.set_kind("container")
    view.ids.container_filter.text = "work"
    frames.until(lambda: view.shown == 2, what="worker's two entries")
    assert all("worker" in r["text"] for r in view.ids.rv.data)


def test_an_alert_shows_under_the_top_bar_and_in_the_recent_alerts(make_app, frames,
                                                                   kivy_window, tmp_path):
    engine, app, _ = started(make_app, frames, (800, 480), tmp_path)
    top_of_list = app.root.ids.sidebar.top
    engine.alert_stream.on_next(Alert("e5" * 32, "worker", AlertKind.DIED, T0, exit_code=3))
    banner = frames.until(lambda: app.activity.banner, what="the alert strip")
    assert banner.text == "Alert: worker died unexpectedly (exit 3)"
    frames.until(lambda: app.root.ids.sidebar.top < top_of_list, what="the body moved down")
    assert banner.y >= app.root.ids.sidebar.top  # above the list: covers no control
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "alert-800x480")
    tap(banner.ids.view, frames)
    pane = app.root.ids.activity_detail
    assert app.root.kind == "activity" and app.activity.banner is None
    frames.until(lambda: pane.ids.rv.data, what="recent alerts")
    assert pane.ids.rv.data[0]["text"].startswith("worker died unexpectedly (exit 3)")


def test_alert_choices_are_saved_in_the_settings(make_app, frames, tmp_path):
    _engine, app, store = started(make_app, frames, (1280, 800), tmp_path)
    app.activity.open_alerts()
    form = app.root.ids.activity_detail.ids.rules
    frames.step(3)
    tap(form.ids.toggle_unhealthy, frames)
    form.ids.name_pattern.text = "web-*"
    form.ids.name_pattern.dispatch("on_text_validate")
    saved = json.loads(store.path.read_text())["alerts"]
    assert saved["kinds"] == ["died", "oom", "restart_loop"]
    assert saved["name_pattern"] == "web-*"
    assert app.activity.rules.name_pattern == "web-*"


def test_the_history_tab_joins_what_genet_saw_and_what_the_engine_keeps(make_app, frames,
                                                                        kivy_window, tmp_path):
    engine, app, _ = started(make_app, frames, (800, 480), tmp_path)
    engine.event_stream  # noqa: B018 - makes the kept record
    engine.kept[WEB] = [ev("start", 1), ev("kill", 60, signal="15"), ev("die", 61, exitCode="0")]
    engine.event_stream.on_next(ev("die", 61, exitCode="0"))  # seen live too: shown once
    engine.event_stream.on_next(ev("start", 300))
    tap(find_row(app, "web"), frames)
    detail = app.root.ids.detail
    frames.until(lambda: detail.title == "web", what="the detail")
    tap(detail.ids.tab_history, frames)
    view = detail.views["history"]
    frames.until(lambda: view.ids.rv.data, what="history rows")
    texts = [r["text"] for r in view.ids.rv.data]
    assert len(texts) == 5
    assert texts[0].startswith("web started · ")
    assert texts[1].endswith(" · by kill signal 15")
    assert view.ids.rv.data[-1]["gap"]  # no create known: earlier events may be missing
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "history-tab-800x480")


def test_an_alert_goes_to_the_desktop_notification_service_when_one_runs(
        make_app, frames, tmp_path, session_bus, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    service = Recorder(session_bus)
    try:
        engine, app, _ = started(make_app, frames, (1280, 800), tmp_path)
        engine.alert_stream.on_next(Alert("e5" * 32, "worker", AlertKind.OOM, T0))
        frames.until(lambda: app.activity.desktop_shown == 1, what="the desktop took it")
    finally:
        service.close()
    assert service.calls[0][3] == "worker was killed for lack of memory"
    assert app.activity.banner is not None  # in the app too


def test_with_no_notification_service_the_alert_is_in_the_app_only(
        make_app, frames, tmp_path, session_bus, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)  # a bus, nobody serving
    engine, app, _ = started(make_app, frames, (1280, 800), tmp_path)
    engine.alert_stream.on_next(Alert("e5" * 32, "worker", AlertKind.UNHEALTHY, T0))
    banner = frames.until(lambda: app.activity.banner, what="the alert strip")
    frames.step(10)
    assert banner.text == "Alert: worker turned unhealthy"
    assert app.activity.desktop_shown == 0
    assert app.root.notice is None  # no error to tell


def test_a_broken_events_stream_is_marked_and_followed_again(make_app, frames, tmp_path):
    engine, app, _ = started(make_app, frames, (1280, 800), tmp_path)
    engine.event_stream.on_error(ConnectionError("engine went away"))
    app.show_kind("activity")
    view = app.root.ids.activity_list
    frames.until(lambda: view.shown == 1, what="the gap entry")
    assert view.ids.rv.data[0]["text"].startswith("The engine's events stopped arriving")


def test_activity_follows_every_engine_and_an_engine_chip_filters_it(make_app, frames,
                                                                     kivy_window, tmp_path):
    a, b = live_engine(), EngineDouble("tcp://b:2376")
    b.push(from_rows(sample_rows()))
    b.link(Link.CONNECTED)
    app = make_app(Engines.of({"a": a, "b": b}), (1280, 800),
                   settings=SettingsStore(tmp_path / "settings.json"))
    a.event_stream.on_next(ev("start", 1))
    b.event_stream.on_next(ev("die", 2, cid="e5" * 32, name="worker", exitCode="3"))
    tap(app.root.nav.button("activity"), frames)
    view = app.root.ids.activity_list
    frames.until(lambda: view.shown == 2, what="one entry from each engine")
    chip = frames.until(lambda: next((c for c in app.root.ids.topbar.ids.chips.children
                                      if c.name == "b"), None), what="engine b's chip")
    tap(chip, frames)
    frames.until(lambda: view.shown == 1, what="engine b's entry only")
    assert view.ids.rv.data[0]["text"].startswith("worker stopped (exit 3)")
    assert view.ids.rv.data[0]["meta"] == "container · b"
    save_shot(kivy_window, frames, "activity-two-engines-1280x800")
    tap(chip, frames)  # again: every engine
    frames.until(lambda: view.shown == 2, what="both entries again")
