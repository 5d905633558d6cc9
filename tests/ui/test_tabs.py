"""The detail tabs on an engine double: switching, streams only for what is on screen."""

from __future__ import annotations

import pytest
from test_layouts import check_touch_sizes, live_engine, shown
from ui_harness import find_row, tap

from genet_rx.logs import LogLine
from genet_rx.stats import Stats

pytestmark = pytest.mark.ui

WEB = "a1" * 32
DB = "b2" * 32
WORKER = "e5" * 32  # exited


def opened(app, frames, size=(1280, 800)):
    frames.until(lambda: find_row(app, "web"), what="rows")
    app.select(WEB)
    frames.step(2)
    return app.root.ids.detail


def sample(cpu=12.5, rx=1000, t=1_800_000_000):
    return Stats(cpu, 50 * 2**20, 512 * 2**20, 9.8, rx, rx // 2, 4096, 8192, 7, t * 10**9, 2)


def test_tabs_switch_pages_and_open_only_the_stream_on_screen(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    ids = detail.ids
    assert detail.tab == "overview" and list(ids.page.children) == [detail._pages["overview"]]
    assert engine.log_streams.live == 0 and engine.stats_streams.live == 0

    tap(ids.tab_logs, frames)
    assert detail.tab == "logs" and ids.tab_logs.current
    frames.until(lambda: engine.log_streams.live == 1, what="logs stream")
    assert engine.log_streams.opened[-1][0] == WEB
    assert check_touch_sizes(kivy_window) == []

    tap(ids.tab_stats, frames)
    frames.until(lambda: engine.stats_streams.live == 1, what="stats stream")
    assert engine.log_streams.live == 0  # the logs left the screen: their stream went

    app.select(DB)  # another container: its stream replaces the old one
    frames.step(2)
    assert engine.stats_streams.live == 1 and engine.stats_streams.opened[-1][0] == DB

    app.select(WORKER)  # exited: no stats stream, and the tab says why
    frames.step(2)
    assert engine.stats_streams.live == 0
    assert "Not running" in detail.views["stats"].status

    tap(ids.tab_inspect, frames)
    assert check_touch_sizes(kivy_window) == []
    tap(ids.tab_overview, frames)
    assert list(ids.page.children) == [detail._pages["overview"]]
    assert engine.log_streams.live == 0 and engine.stats_streams.live == 0


def test_stopping_the_app_and_the_container_leaving_dispose_streams(make_app, frames):
    from test_layouts import sample_rows

    from genet_rx.table import from_rows

    engine = live_engine()
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    detail.select_tab("logs")
    frames.until(lambda: engine.log_streams.live == 1)
    engine.push(from_rows([r for r in sample_rows() if r.id != WEB]))  # removed outside
    frames.until(lambda: engine.log_streams.live == 0, what="stream gone with the container")

    app.select(DB)
    frames.until(lambda: engine.log_streams.live == 1)
    app.dispatch("on_stop")
    assert engine.log_streams.live == 0


def test_narrow_layout_has_the_tabs_too(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (480, 800))
    frames.until(lambda: find_row(app, "web"))
    tap(find_row(app, "web"), frames)
    ids = app.root.ids
    frames.until(lambda: shown(app) == [ids.detail])
    tap(ids.detail.ids.tab_logs, frames)
    frames.until(lambda: engine.log_streams.live == 1)
    assert check_touch_sizes(kivy_window) == []
    tap(ids.detail.ids.back, frames)
    frames.until(lambda: shown(app) == [ids.sidebar])


def test_short_screens_keep_the_controls_on_overview_only(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480))
    detail = opened(app, frames)
    assert detail.compact and detail.ids.controls.parent is not None
    detail.select_tab("logs")
    frames.step(2)
    assert detail._controls.parent is None
    detail.select_tab("overview")
    frames.step(2)
    assert detail._controls.parent is not None


def test_logs_flow_into_rows_with_markers_search_and_pause(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    detail.select_tab("logs")
    frames.until(lambda: engine.log_streams.live == 1)
    view = detail.views["logs"]
    subject = engine.log_streams.subject(WEB)
    for i in range(200):
        subject.on_next(LogLine("stdout", f"GET /item/{i} 200"))
        if i % 20 == 0:
            subject.on_next(LogLine("stderr", f"warning {i}: slow"))
    subject.on_next(LogLine("error", "Error grabbing logs: boom"))
    subject.on_next(LogLine("stdout", "x" * 100_000))
    rv = view.ids.rv
    frames.until(lambda: len(rv.data) == 212, what="rows")
    markers = {r["marker"] for r in rv.data}
    assert markers == {"out", "err", "eng"}
    assert rv.data[-1]["text"].endswith("…") and rv.data[-1]["long"]
    assert rv.scroll_y == 0
    view.ids.search.text = "slow"
    frames.step(2)
    hits = [r for r in rv.data if r["hit"]]
    assert len(hits) == 10 and "[u]slow[/u]" in hits[0]["text"]
    view.regex = True
    view.ids.search.text = "item/(1"
    frames.step(2)
    assert "regular expression" in view.search_error
    assert check_touch_sizes(kivy_window) == []
