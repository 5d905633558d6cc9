"""The detail tabs on an engine double: switching, streams only for what is on screen."""

from __future__ import annotations

import gc
import time
from collections import Counter

import pytest
from kivy.uix.widget import Widget
from test_layouts import check_touch_sizes, live_engine, open_detail, shown
from ui_harness import find_row, inspect_data, inspect_view_of, looks, resize, save_shot, tap

from genet_rx.model.logs import LogLine
from genet_rx.model.stats import Stats

pytestmark = pytest.mark.ui

WEB = "a1" * 32
DB = "b2" * 32
WORKER = "e5" * 32  # exited


def opened(app, frames, size=(1280, 800)):
    """The detail of web; the list's row streams are switched off so that every stats stream
    a test sees is the detail's (the row streams have a test of their own)."""
    frames.until(lambda: find_row(app, "web"), what="rows")
    app.row_stats.limit = 0
    app._sync_row_stats()
    app.select(WEB)
    frames.step(2)
    return app.root.ids.detail


def show_tab(detail, frames, name):
    """Select a tab and let its page lay out (a tap needs widgets where they will be)."""
    detail.select_tab(name)
    frames.step(3)


def logs_open(make_app, frames):
    """An app on the engine double, web's detail showing its Logs tab with its stream open."""
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    show_tab(detail, frames, "logs")
    frames.until(lambda: engine.log_streams.live == 1)
    return engine, app, detail


def running(n):
    """``n`` running containers, svc-000 on, their ids ``i`` in 64 hex digits."""
    from genet_rx.model.containers import Container, State

    return [Container(id=f"{i:064x}", name=f"svc-{i:03}", image="busybox", state=State.RUNNING)
            for i in range(n)]


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

    from genet_rx.state.containers import from_rows

    engine, app, _detail = logs_open(make_app, frames)
    engine.push(from_rows([r for r in sample_rows() if r.id != WEB]))  # removed outside
    frames.until(lambda: engine.log_streams.live == 0, what="stream gone with the container")

    app.select(DB)
    frames.until(lambda: engine.log_streams.live == 1)
    app.dispatch("on_stop")
    assert engine.log_streams.live == 0


def test_narrow_layout_has_the_tabs_too(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (480, 800))
    ids = open_detail(app, frames, "web")
    tap(ids.detail.ids.tab_logs, frames)
    frames.until(lambda: engine.log_streams.live == 1)
    subject = engine.log_streams.subject(WEB)
    for i in range(30):
        subject.on_next(LogLine("stdout", f'10.0.0.{i} "GET /index.html HTTP/1.1" 200 612'))
        if i % 7 == 3:
            subject.on_next(LogLine("stderr", f"[warn] upstream timed out ({i} ms)"))
    frames.until(lambda: len(ids.detail.views["logs"].ids.rv.data) == 34)
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "narrow-logs")
    tap(ids.detail.ids.back, frames)
    frames.until(lambda: shown(app) == [ids.sidebar])


def test_short_screens_keep_the_actions_on_every_tab_in_one_row(make_app, frames, kivy_window):
    from kivy.metrics import dp

    from genet_rx.engine.commands import Stop

    engine = live_engine()
    app = make_app(engine, (800, 480))
    detail = opened(app, frames)
    assert detail.compact
    for tab in ("logs", "stats", "inspect", "terminal", "overview"):
        show_tab(detail, frames, tab)
        assert detail.ids.controls.parent == detail, tab
        assert detail.ids.controls.height <= dp(60), tab
    show_tab(detail, frames, "logs")
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "actions-on-logs-800x480")
    tap(detail.ids.controls.ids.ctl_stop, frames)
    frames.until(lambda: engine.commands, what="the stop sent from the Logs tab")
    assert isinstance(engine.commands[0], Stop)


def test_logs_flow_into_rows_with_markers_search_and_pause(make_app, frames, kivy_window):
    engine, _app, detail = logs_open(make_app, frames)
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
    markers = {r["marker"] for r in looks(rv)}
    assert markers == {"out", "err", "eng"}
    assert looks(rv)[-1]["text"].endswith("…") and looks(rv)[-1]["long"]
    assert rv.scroll_y == 0
    view.ids.search.text = "slow"
    frames.until(lambda: view.model.hits == 10 and not view.model.searching, what="hits")
    hits = [r for r in looks(rv) if r["hit"]]
    assert len(hits) == 10 and "[u]slow[/u]" in hits[0]["text"]
    view.regex = True
    view.ids.search.text = "item/(1"
    frames.until(lambda: view.search_error, what="the bad pattern reported")
    assert "regular expression" in view.search_error
    assert check_touch_sizes(kivy_window) == []


def fill_logs(engine, frames, view, n=300):
    subject = engine.log_streams.subject(WEB)
    for i in range(n):
        subject.on_next(LogLine("stdout", f"line {i}"))
    frames.until(lambda: len(view.ids.rv.data) == len(view.model) and len(view.model) >= n)
    frames.step(3)


def drag(widget, frames, dy, steps=10):
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(widget.center_x, widget.y + widget.height * 0.3)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    # The first move comes before any frame: a frame slower than the ScrollView's
    # scroll_timeout (200 ms, on a loaded machine) would otherwise hand the touch to the rows.
    for step in range(1, steps + 1):
        touch.touch_move(x, y + dy * step / steps)
        frames.step(1)
    touch.touch_up()
    frames.step(3)


def test_scrolling_up_pauses_auto_scroll_and_jump_resumes(make_app, frames, kivy_window):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view)
    rv = view.ids.rv
    assert rv.scroll_y == 0 and not view.paused
    drag(rv, frames, -400)  # finger moves down: the list scrolls up, towards older lines
    frames.until(lambda: view.paused, what="paused by scrolling up")
    # The fling the drag left comes to rest before a line arrives (it moves scroll_y while
    # it lasts): the list at rest, still above the bottom, is what holds still.
    frames.until(lambda: not rv.effect_y.velocity, what="the list at rest")
    assert view.paused
    assert view.ids.jump.parent is not None
    shown_before = list(rv.data)
    engine.log_streams.subject(WEB).on_next(LogLine("stdout", "while paused"))
    frames.step(3)
    assert rv.data == shown_before  # the rows on screen hold still
    assert view.waiting == 1 and "paused" in view.status
    assert check_touch_sizes(kivy_window) == []
    tap(view.ids.jump, frames)
    assert not view.paused and view.ids.jump.parent is None
    assert rv.data[-1]["line"].text == "while paused" and rv.scroll_y == 0
    # Scrolling back down to the bottom resumes by itself too.
    drag(rv, frames, -400)
    frames.until(lambda: view.paused)
    rv.scroll_y = 0
    frames.step(2)
    assert not view.paused


def test_a_slow_frame_mid_fling_leaves_the_logs_paused(make_app, frames, kivy_window):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view)
    rv = view.ids.rv
    drag(rv, frames, -400)
    frames.until(lambda: view.paused, what="paused by scrolling up")
    time.sleep(0.8)  # the next frame comes late, as on a loaded Pi, the fling still going
    frames.step(1)
    frames.until(lambda: not rv.effect_y.velocity, what="the list at rest")
    assert view.paused


def test_a_long_line_is_cut_in_its_row_and_shown_whole_on_tap(make_app, frames, kivy_window):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    engine.log_streams.subject(WEB).on_next(LogLine("stdout", "short"))
    engine.log_streams.subject(WEB).on_next(LogLine("stderr", "L" * 65536))
    frames.until(lambda: len(view.ids.rv.data) == 2)
    frames.step(3)
    row = next(v for v in view.ids.rv.layout_manager.children if v.line is not None and v.long)
    assert row.text.endswith("…") and len(row.text) < 500
    tap(row, frames)
    viewer = frames.until(lambda: view.viewer, what="line viewer")
    assert viewer.text == "L" * 8000 and "65,536 characters" in viewer.note
    assert check_touch_sizes(kivy_window) == []
    tap(viewer.ids.copy_button, frames)
    from kivy.core.clipboard import Clipboard

    assert Clipboard.paste() == "L" * 65536
    tap(viewer.ids.close_button, frames)
    frames.until(lambda: view.viewer is None)


def test_timestamps_reopen_the_stream_and_show_times(make_app, frames):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    assert engine.log_streams.opened[-1][1]["timestamps"] is False
    tap(view.ids.time_toggle, frames)
    frames.until(lambda: len(engine.log_streams.opened) == 2)
    assert engine.log_streams.opened[-1][1]["timestamps"] is True
    assert engine.log_streams.live == 1
    engine.log_streams.subject(WEB).on_next(LogLine("stdout", "hi", 1_800_000_000_250_000_000))
    frames.until(lambda: len(view.ids.rv.data) == 1)
    assert looks(view.ids.rv)[0]["stamp"] == "2027-01-15 08:00:00.250"


def test_a_long_log_reopened_by_time_shows_its_lines_and_keeps_following(make_app, frames):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view)
    tap(view.ids.time_toggle, frames)
    frames.until(lambda: len(engine.log_streams.opened) == 2, what="stream reopened")
    fill_logs(engine, frames, view)
    assert not view.paused
    assert len(view.ids.rv.data) == 300
    assert "paused" not in view.status


def test_a_paused_log_says_paused_and_not_following(make_app, frames):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view)
    assert "following" in view.status
    drag(view.ids.rv, frames, -400)
    frames.until(lambda: view.paused, what="paused by scrolling up")
    assert "paused" in view.status
    assert "following" not in view.status


def test_a_saved_log_keeps_each_lines_stream_marker(make_app, frames, tmp_path):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    subject = engine.log_streams.subject(WEB)
    subject.on_next(LogLine("stdout", "GET / 200"))
    subject.on_next(LogLine("stderr", "warning: slow"))
    frames.until(lambda: len(view.model) == 2)
    target = tmp_path / "web.log"
    save_to(view, frames, target)
    frames.until(target.exists, what="saved")
    assert target.read_text() == "out GET / 200\nerr warning: slow\n"


def shown_texts(view):
    """The texts of the log lines whose rows are on screen now."""
    rv = view.ids.rv
    bottom, top = rv.to_window(rv.x, rv.y)[1], rv.to_window(rv.x, rv.top)[1]
    return {
        v.line.text for v in rv.layout_manager.children
        if v.line is not None and bottom <= v.to_window(v.x, v.y)[1] < top
    }


def test_search_goes_from_match_to_match_and_can_show_matching_lines_only(
    make_app, frames, kivy_window
):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    subject = engine.log_streams.subject(WEB)
    for i in range(300):
        subject.on_next(LogLine("stderr", f"warning {i}") if i % 50 == 0
                        else LogLine("stdout", f"line {i}"))
    frames.until(lambda: len(view.ids.rv.data) == 300, what="rows")
    view.ids.search.text = "warning"
    frames.until(lambda: view.model.hits == 6, what="six matches")
    frames.step(3)
    assert check_touch_sizes(kivy_window) == []
    tap(view.ids.next_match, frames)
    assert view.match_text == "1 of 6"
    frames.until(lambda: "warning 0" in shown_texts(view), what="the first match on screen")
    tap(view.ids.next_match, frames)
    frames.until(lambda: "warning 50" in shown_texts(view), what="the second match on screen")
    tap(view.ids.prev_match, frames)
    tap(view.ids.prev_match, frames)
    assert view.match_text == "6 of 6"  # round to the last
    save_shot(kivy_window, frames, "logs-search-matches")
    tap(view.ids.only_hits, frames)
    frames.until(lambda: len(view.ids.rv.data) == 6, what="matching lines only")
    assert [r["line"].text for r in view.ids.rv.data][:2] == ["warning 0", "warning 50"]
    tap(view.ids.only_hits, frames)
    frames.until(lambda: len(view.ids.rv.data) == 300, what="every line again")


def test_a_bad_path_says_the_save_failed(make_app, frames, tmp_path):
    _engine, app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    tap(view.ids.save_button, frames)
    view.ids.path.text = str(tmp_path / "no" / "such" / "dir" / "x.log")
    tap(view.ids.save_ok, frames)
    notice = frames.until(lambda: app.root.notice, what="notice")
    assert notice.kind == "error" and "Could not save" in notice.text


def test_stats_tiles_and_graphs_from_samples(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (800, 480))
    detail = opened(app, frames)
    show_tab(detail, frames, "stats")
    frames.until(lambda: engine.stats_streams.live == 1)
    view = detail.views["stats"]
    subject = engine.stats_streams.subject(WEB)
    base = 1_800_000_000
    for i in range(120):
        subject.on_next(sample(cpu=20 + (i % 30), rx=1000 * i * i, t=base + i * 2))
    frames.until(lambda: view.samples == 120)
    frames.step(2)
    assert view.ids.cpu.value == percent_text(20 + 119 % 30)
    assert view.ids.mem.value == "50.0 MiB · 9.8 %" and view.ids.mem.title == "Memory of 512 MiB"
    assert view.ids.pids.value == "7"
    assert view.ids.cpu_graph.plot.point_count == 119  # the first sample has no CPU reading
    assert view.ids.cpu_graph.max_text == "50 %"
    assert view.ids.net_graph.plot.point_count == 2 * 119
    assert view.ids.cpu_graph.span_text == "\u22124 min"
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "stats-800x480")
    subject.on_completed()  # the container stopped
    frames.until(lambda: "Not running" in view.status)


def percent_text(p):
    from genet_kivy.history import percent

    return percent(p)


def test_inspect_copies_sections_and_all_with_secrets_masked(make_app, frames, kivy_window):
    from kivy.core.clipboard import Clipboard

    engine = live_engine()
    engine.inspected[WEB] = {
        "Id": WEB,
        "Name": "/web",
        "State": {"Status": "running", "Running": True},
        "Config": {"Image": "nginx:1.27", "Env": ["API_TOKEN=s3cr3t", "MODE=prod"]},
    }
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    show_tab(detail, frames, "inspect")
    view = detail.views["inspect"]
    frames.until(lambda: view.loaded)
    header = frames.until(lambda: inspect_view_of(view, "env"), what="the Env header")
    copy = next(w for w in header.children if getattr(w, "text", "") == "Copy")
    tap(copy, frames)
    assert Clipboard.paste() == "Env\nAPI_TOKEN=••••••••\nMODE=prod\n"
    assert app.root.notice.text == "Copied Env"
    tap(view.ids.copy_all, frames)
    assert '"API_TOKEN=••••••••"' in Clipboard.paste() and "s3cr3t" not in Clipboard.paste()
    assert "s3cr3t" not in app.root.notice.text
    tap(header, frames)  # fold the Env section
    assert "env" in view.collapsed and inspect_data(view, "env:API_TOKEN") is None
    tap(view.ids.collapse_all, frames)
    assert len(view.ids.rv.data) == 8
    tap(view.ids.expand_all, frames)
    assert check_touch_sizes(kivy_window) == []
    resize(kivy_window, frames, (800, 480))  # a small panel: still every target touch-sized
    assert check_touch_sizes(kivy_window) == []


def test_visible_running_rows_show_cpu_and_memory_with_bounded_streams(
    make_app, frames, kivy_window
):
    from genet_rx.model.containers import Container, State

    stopped = Container(id="e" * 64, name="aaa-stopped", image="busybox", state=State.EXITED)
    rows = [*running(40), stopped]
    engine = live_engine(rows)
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "svc-000"))
    streams = engine.stats_streams
    frames.until(lambda: streams.live == 8, what="eight row streams")
    frames.step(20)
    assert streams.live == 8  # bounded, though more running rows are on screen
    first = {cid for cid, _ in streams.opened}
    assert f"{0:064x}" in first and "e" * 64 not in first
    streams.subject(f"{0:064x}").on_next(sample(cpu=42.0))
    frames.until(lambda: find_row(app, "svc-000").usage == "42.0 % · 50.0 MiB",
                 what="the row's figures")
    save_shot(kivy_window, frames, "row-stats")

    rv = app.root.ids.sidebar.ids.rv
    rv.scroll_y = 0  # the last rows scroll in, the first ones out
    frames.until(lambda: f"{35:064x}" in app.row_stats.open_ids, what="streams follow the scroll")
    frames.step(2)
    assert app.row_stats.open_ids == set(app.visible_measured_rows()[:8])
    assert streams.live == 8 and f"{0:064x}" not in app.row_stats.open_ids
    assert app.row_stats.usage == {}
    app.dispatch("on_stop")
    assert streams.live == 0


def test_row_figures_have_a_placeholder_and_come_back_at_once_after_a_search(make_app, frames):
    from genet_kivy.row_stats import PLACEHOLDER

    rows = running(12)
    engine = live_engine(rows)
    app = make_app(engine, (1280, 800))
    streams = engine.stats_streams
    frames.until(lambda: streams.live == 8, what="eight row streams")
    assert find_row(app, "svc-000").usage == PLACEHOLDER  # waiting for its first sample
    assert find_row(app, "svc-009").usage == PLACEHOLDER  # past the bound
    streams.subject(f"{1:064x}").on_next(sample(cpu=42.0))
    frames.until(lambda: find_row(app, "svc-001").usage == "42.0 % · 50.0 MiB")
    search = app.root.ids.sidebar.ids.search
    search.text = "svc-000"
    frames.until(lambda: find_row(app, "svc-001") is None, what="searched away")
    search.text = ""
    frames.until(lambda: find_row(app, "svc-001"), what="back")
    frames.step(3)
    assert find_row(app, "svc-001").usage == "42.0 % · 50.0 MiB"


def test_a_paused_row_keeps_its_figures_and_its_stream(make_app, frames):
    from msgspec.structs import replace

    from genet_rx.model.containers import State
    from genet_rx.state.containers import from_rows

    rows = running(3)
    engine = live_engine(rows)
    app = make_app(engine, (1280, 800))
    streams = engine.stats_streams
    frames.until(lambda: streams.live == 3, what="a stream per row")
    opened = len(streams.opened)
    streams.subject(f"{1:064x}").on_next(sample(cpu=42.0))
    frames.until(lambda: find_row(app, "svc-001").usage == "42.0 % · 50.0 MiB")
    engine.push(from_rows([rows[0], replace(rows[1], state=State.PAUSED), rows[2]]))
    frames.until(lambda: find_row(app, "svc-001").state_word == "paused", what="paused")
    frames.step(30)  # past the list's 0.3-s settling of which rows have streams
    assert find_row(app, "svc-001").usage == "42.0 % · 50.0 MiB"
    assert streams.live == 3
    assert len(streams.opened) == opened  # no stream closed and opened again


def test_a_new_state_shows_the_row_figures_in_place_of_their_own_refresh(make_app, frames):
    from genet_rx.model.containers import Container, State
    from genet_rx.state.containers import from_rows

    rows = running(12)
    engine = live_engine(rows)
    app = make_app(engine, (1280, 800))
    streams = engine.stats_streams
    frames.until(lambda: streams.live == 8, what="eight row streams")
    own_refresh = app.containers._usage_trigger
    streams.subject(f"{1:064x}").on_next(sample(cpu=42.0))
    frames.until(lambda: own_refresh.is_triggered, what="the figures wait for their refresh")
    late = Container(id="f" * 64, name="zzz-late", image="busybox", state=State.EXITED)
    engine.push(from_rows([*rows, late]))  # a state comes before that refresh is due
    frames.until(lambda: app.table.get(late.id) is not None, what="the new state")
    frames.step(1)
    assert find_row(app, "svc-001").usage == "42.0 % · 50.0 MiB"
    assert not own_refresh.is_triggered


def test_losing_the_engine_lets_the_stream_go_and_reopens_it_when_back(make_app, frames):
    from genet_rx.model.connection import Link

    engine, _app, detail = logs_open(make_app, frames)
    engine.log_streams.subject(WEB).on_next(LogLine("stdout", "before"))
    view = detail.views["logs"]
    frames.until(lambda: len(view.model) == 1)
    engine.link(Link.DISCONNECTED, "gone")
    frames.until(lambda: engine.log_streams.live == 0, what="stream let go")
    assert len(view.model) == 1  # what was shown stays on screen
    engine.link(Link.CONNECTED)
    frames.until(lambda: engine.log_streams.live == 1, what="stream opened again")
    assert len(engine.log_streams.opened) == 2


def test_another_container_closes_the_save_bar_and_keeps_the_search(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    show_tab(detail, frames, "logs")
    view = detail.views["logs"]
    view.ids.search.text = "boom"
    tap(view.ids.save_button, frames)
    assert view.saving and view.ids.savebar.parent is not None
    app.select(DB)
    frames.step(2)
    assert not view.saving and view.ids.toolbar.parent is not None
    frames.until(lambda: engine.log_streams.live == 1 and engine.log_streams.opened[-1][0] == DB)
    engine.log_streams.subject(DB).on_next(LogLine("stdout", "a boom here"))
    frames.until(lambda: view.model.hits == 1, what="the hit")
    assert view.ids.rv.data[0]["hit"]
    view.capacity = 50  # a new ring: the search still applies
    assert view.model.capacity == 50 and view.model.pattern == "boom"


def type_slowly(view, frames, text):
    """Type ``text`` into the search field a key a frame, as a person would (fast)."""
    for i in range(1, len(text) + 1):
        view.ids.search.text = text[:i]
        frames.step(1)


def test_a_burst_of_keystrokes_starts_one_search(make_app, frames):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view, 50)
    type_slowly(view, frames, "line 4")
    frames.until(lambda: view.model.hits == 11 and not view.model.searching, what="hits")
    assert view.searcher.started == 1


def test_a_new_query_replaces_the_one_still_waiting(make_app, frames):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view, 50)
    type_slowly(view, frames, "line 4")
    view.ids.search.text = "line 49"
    frames.until(lambda: view.model.pattern == "line 49" and not view.model.searching)
    assert view.model.hits == 1


def test_a_pathological_regex_is_stopped_and_the_app_keeps_drawing(make_app, frames, kivy_window):
    import time

    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    view.searcher.budget = 1.0
    subject = engine.log_streams.subject(WEB)
    for _ in range(20):
        subject.on_next(LogLine("stdout", "a" * 65536 + "b"))
    frames.until(lambda: len(view.model) == 20)
    tap(view.ids.regex, frames)
    view.ids.search.text = "(a+)+$"
    drawn_while_searching = 0
    deadline = time.monotonic() + 20
    while "pattern too slow" not in view.search_error and time.monotonic() < deadline:
        frames.step(1)
        drawn_while_searching += view.model.searching
    assert view.search_error == "search stopped: pattern too slow"
    # Frames went on while the search ran: it never ran inside one (no timing asserted).
    assert drawn_while_searching >= 2
    save_shot(kivy_window, frames, "logs-search-stopped")


def save_to(view, frames, path):
    tap(view.ids.save_button, frames)
    view.ids.path.text = str(path)
    tap(view.ids.save_ok, frames)


def test_saving_over_an_existing_file_asks_first(make_app, frames, tmp_path):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view, 3)
    target = tmp_path / "web.log"
    target.write_text("old\n")
    save_to(view, frames, target)
    frames.until(lambda: view.replace_path, what="asked to replace")
    assert target.read_text() == "old\n"


def test_replacing_is_done_when_confirmed(make_app, frames, tmp_path):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view, 3)
    target = tmp_path / "web.log"
    target.write_text("old\n")
    save_to(view, frames, target)
    frames.until(lambda: view.replace_path, what="asked to replace")
    assert view.ids.save_ok.text == "Replace"
    tap(view.ids.save_ok, frames)
    frames.until(lambda: target.read_text() == "out line 0\nout line 1\nout line 2\n",
                 what="replaced")


def test_saving_over_a_link_does_not_write_its_target(make_app, frames, tmp_path):
    engine, _app, detail = logs_open(make_app, frames)
    view = detail.views["logs"]
    fill_logs(engine, frames, view, 3)
    precious = tmp_path / "precious"
    precious.write_text("keep me")
    (tmp_path / "web.log").symlink_to(precious)
    save_to(view, frames, tmp_path / "web.log")
    frames.until(lambda: view.replace_path, what="asked to replace")
    tap(view.ids.save_ok, frames)
    frames.until(lambda: not (tmp_path / "web.log").is_symlink(), what="the link replaced")
    assert precious.read_text() == "keep me"


def big_document():
    return {
        "Id": WEB,
        "Name": "/web",
        "State": {"Status": "running", "Running": True},
        "Config": {
            "Image": "nginx:1.27",
            "Env": [f"VAR_{i:05}=value {i}" for i in range(5000)],
            "Labels": {f"com.example.label-{i:05}": f"value {i}" for i in range(5000)},
        },
    }


def open_inspect(make_app, frames, doc):
    engine = live_engine()
    engine.inspected[WEB] = doc
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    show_tab(detail, frames, "inspect")
    view = detail.views["inspect"]
    return engine, app, view


def test_a_container_with_10000_entries_opens_with_only_the_rows_on_screen(make_app, frames):
    _engine, _app, view = open_inspect(make_app, frames, big_document())
    frames.until(lambda: view.loaded, what="the document")
    frames.step(3)
    rows = [w for w in view.ids.rv.layout_manager.children if type(w).__name__ == "InspectRow"]
    assert len(rows) < 100


def test_a_state_change_does_not_rebuild_the_same_document(make_app, frames):
    from msgspec.structs import replace
    from test_layouts import sample_rows

    from genet_rx.model.containers import State
    from genet_rx.state.containers import from_rows

    engine, _app, view = open_inspect(make_app, frames, big_document())
    frames.until(lambda: view.loaded, what="the document")
    builds, asked = view.builds, view.opened
    engine.push(from_rows([replace(r, state=State.PAUSED) if r.id == WEB else r
                           for r in sample_rows()]))
    frames.until(lambda: view.opened > asked, what="inspected again")
    frames.step(3)
    assert view.builds == builds


ODD = {
    "Id": WEB,
    "Name": "/web",
    "Mounts": 3,
    "State": {"Status": "running", "Health": {"Status": "healthy", "Log": 5}},
    "Config": {"Image": "nginx:1.27", "Env": ["MODE=prod"]},
    "NetworkSettings": {"Networks": {"front": {"Aliases": [1]}}},
}


def test_an_odd_document_shows_what_it_can_instead_of_loading(make_app, frames):
    _engine, _app, view = open_inspect(make_app, frames, ODD)
    frames.until(lambda: view.loaded, what="the document shown")
    assert inspect_data(view, "env:MODE")["value"] == "prod"


def test_labels_and_commands_are_masked_until_tapped(make_app, frames, kivy_window):
    doc = {
        "Id": WEB,
        "Name": "/web",
        "State": {"Status": "running", "Running": True},
        "Config": {
            "Image": "traefik:3",
            "Cmd": ["traefik", "--api.token=tok123", "--password", "hunter2"],
            "Env": ["CACHE_URL=redis://:s3cret@cache:6379", "API_TOKEN=abc123"],
            "Labels": {
                "traefik.http.middlewares.auth.basicauth.users": "admin:$apr1$H6uskkkW$IgXL",
                "com.docker.compose.project": "shop",
                "backup.target": "postgres://u:pw9@db/x",
            },
        },
    }
    _engine, _app, view = open_inspect(make_app, frames, doc)
    frames.until(lambda: view.loaded, what="the document")
    view.expand_all(False)
    view.toggle("config")
    view.toggle("env")
    view.toggle("labels")
    row = frames.until(lambda: inspect_view_of(view, "config:Command"), what="command row")
    assert row.value == "traefik --api.token=•••••••• --password ••••••••"
    save_shot(kivy_window, frames, "inspect-masked")
    tap(row.ids.show, frames)
    assert inspect_view_of(view, "config:Command").value.endswith("hunter2")


def test_the_overview_masks_the_command_until_tapped(make_app, frames, kivy_window):
    from genet_rx.model.containers import Container, State

    rows = [
        Container(id=WEB, name="web", image="app:1", state=State.RUNNING,
                  command="app --password=hunter2 --token tok123",
                  labels={"auth.basicauth.users": "admin:$apr1$xyz", "tier": "front"}),
    ]
    app = make_app(live_engine(rows), (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="rows")
    app.select(WEB)
    frames.step(3)
    detail = app.root.ids.detail
    assert detail.field("command") == "app --password=•••••••• --token ••••••••"
    assert "$apr1$" not in detail.field("labels")
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "overview-masked")
    tap(detail._fields.rows["command"].ids.show, frames)
    assert detail.field("command") == "app --password=hunter2 --token tok123"


def test_the_command_reads_the_same_from_the_list_after_an_event_and_in_inspect(make_app, frames):
    from genet_rx.model.containers import container_from_inspect, container_from_list
    from genet_rx.state.containers import from_rows

    loop = "while true; do date; sleep 1; done"
    entry = {"Id": WEB, "Names": ["/web"], "Image": "busybox", "State": "running",
             "Command": f"sh -c '{loop}'"}  # the engine's list quotes words with spaces so
    doc = {"Id": WEB, "Name": "/web", "Path": "sh", "Args": ["-c", loop],
           "State": {"Status": "running", "Running": True},
           "Config": {"Image": "busybox", "Cmd": ["sh", "-c", loop]}}
    engine = live_engine([container_from_list(entry)])
    engine.inspected[WEB] = doc
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)
    wanted = f"sh -c '{loop}'"
    assert detail.field("command") == wanted
    engine.push(from_rows([container_from_inspect(doc)]))  # as an event's inspect fills it
    frames.step(3)
    assert detail.field("command") == wanted
    show_tab(detail, frames, "inspect")
    view = detail.views["inspect"]
    frames.until(lambda: view.loaded, what="the document")
    assert inspect_data(view, "config:Command")["value"] == wanted


def live_objects() -> Counter[str]:
    """Objects alive by type name, start-up's included (the app freezes them out of the GC)."""
    gc.unfreeze()
    gc.collect()
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def test_tabs_opened_and_closed_many_times_leave_nothing_behind(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    detail = opened(app, frames)

    def churn(times):
        for i in range(times):  # a tab of another container, then the Logs tab of web's
            app.select(DB if i % 2 else WEB)
            show_tab(detail, frames, ("stats", "inspect", "history", "overview", "logs")[i % 5])
            app.select(WEB)
            show_tab(detail, frames, "logs")
            engine.log_streams.subject(WEB).on_next(LogLine("stdout", f"line {i}", None))

    churn(50)  # warm-up: every view the tabs use has been made once
    before = live_objects()
    widgets = sum(1 for o in gc.get_objects() if issubclass(type(o), Widget))
    churn(50)
    after = live_objects()
    assert sum(1 for o in gc.get_objects() if issubclass(type(o), Widget)) == widgets
    assert after["SerialDisposable"] <= before["SerialDisposable"]
    assert after["AutoDetachObserver"] <= before["AutoDetachObserver"]
    assert engine.log_streams.live == 1 and engine.stats_streams.live == 0
