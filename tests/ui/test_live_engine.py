"""Logs, Stats and Inspect tabs with real data from the private daemon; screenshots."""

from __future__ import annotations

import pytest
from dockerd import IMAGE
from test_layouts import check_touch_sizes
from ui_harness import find_row, inspect_data, inspect_view_of, looks, save_shot, tap

from genet_rx.model.connection import Link

pytestmark = [pytest.mark.ui, pytest.mark.engine]


def open_tab(make_app, frames, engine, name, tab, size=(1280, 800)):
    app = make_app(engine, size)
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    row = frames.until(lambda: find_row(app, name), timeout=20, what=f"row {name}")
    tap(row, frames)
    detail = app.root.ids.detail
    frames.until(lambda: detail.title == name, what=f"detail of {name}")
    tap(detail.ids[f"tab_{tab}"], frames)
    assert detail.tab == tab
    return app, detail.views[tab]


def test_logs_tell_streams_apart_follow_search_and_save(
    make_app, frames, real_engine, docker, unique_name, kivy_window, tmp_path
):
    script = (
        "echo out1; echo err1 >&2; echo out2; echo err2 >&2; "
        "printf 'bad \\377\\376 bytes\\n'; sleep 2; echo late-line; sleep 300"
    )
    docker.run_detached(IMAGE, "sh", "-c", script, name=unique_name)
    app, view = open_tab(make_app, frames, real_engine, unique_name, "logs")
    rv = view.ids.rv

    def texts(stream=None):
        return [r["line"].text for r in rv.data if stream is None or r["line"].stream == stream]

    frames.until(lambda: "err2" in texts(), timeout=20, what="first lines")
    assert texts("stdout")[:2] == ["out1", "out2"]
    assert texts("stderr") == ["err1", "err2"]
    for r in looks(rv):
        assert r["marker"] == {"stdout": "out", "stderr": "err"}[r["line"].stream]
    assert "\ufffd" in next(t for t in texts() if t.startswith("bad"))
    # Follow: a line printed after the tab opened arrives.
    frames.until(lambda: "late-line" in texts(), timeout=20, what="followed line")
    assert view.streaming and "following" in view.status

    view.ids.search.text = "err"
    frames.until(lambda: view.model.hits == 2 and not view.model.searching, what="hits")
    hits = [r for r in looks(rv) if r["hit"]]
    assert [r["line"].text for r in hits] == ["err1", "err2"]
    assert all("[u]err[/u]" in r["text"] for r in hits)
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "logs")

    view.ids.search.text = ""
    tap(view.ids.save_button, frames)
    assert view.saving and view.ids.path.text.endswith(f"genet-{unique_name}.log")
    assert check_touch_sizes(kivy_window) == []
    target = tmp_path / "saved.log"
    view.ids.path.text = str(target)
    tap(view.ids.save_ok, frames)
    notice = frames.until(lambda: app.root.notice, timeout=10, what="saved notice")
    assert notice.kind == "info" and str(target) in notice.text
    saved = target.read_text().splitlines()
    assert saved == [f"{r['marker']} {r['line'].text}" for r in looks(rv)]  # marker, then text
    assert {"out out1", "err err1", "out out2", "err err2", "out late-line"} <= set(saved)

    # Timestamps on: the stream is opened again, with times.
    opened = view.opened
    tap(view.ids.time_toggle, frames)
    frames.until(lambda: view.opened == opened + 1 and "late-line" in texts(), timeout=20)
    assert all(r["stamp"] for r in looks(rv))
    app.root.ids.detail.select_tab("overview")
    frames.step(2)
    assert not view.streaming


def test_a_1mb_line_arrives_in_pieces_cut_for_display_and_frames_keep_coming(
    make_app, frames, real_engine, docker, unique_name
):
    from kivy.clock import Clock

    script = "echo before; head -c 1000000 /dev/zero | tr '\\0' x; echo; echo after; sleep 300"
    docker.run_detached(IMAGE, "sh", "-c", script, name=unique_name)
    _app, view = open_tab(make_app, frames, real_engine, unique_name, "logs")
    rv = view.ids.rv
    frames.until(lambda: any(r["line"].text == "after" for r in rv.data), timeout=30)
    start = Clock.frames
    frames.step(5)
    assert Clock.frames == start + 5  # not frozen (a hang is the test's timeout)
    texts = [r["line"].text for r in rv.data]
    pieces = texts[1:-1]
    assert texts[0] == "before" and "".join(pieces) == "x" * 1_000_000
    assert all(len(p) <= 64 * 1024 for p in pieces)  # the demuxer's cap
    shown = looks(rv)[1:-1]
    assert all(r["long"] and len(r["text"]) < 500 for r in shown)  # cheap to draw


def test_logs_at_800x480(make_app, frames, real_engine, docker, unique_name, kivy_window):
    script = (
        'i=0; while [ $i -lt 40 ]; do echo "GET /api/items/$i 200 $((i*7)) ms"; '
        '[ $((i % 9)) -eq 0 ] && echo "warn: slow query on item $i" >&2; '
        "i=$((i+1)); usleep 20000; done; "
        "sleep 300"
    )
    docker.run_detached(IMAGE, "sh", "-c", script, name=unique_name)
    _app, view = open_tab(make_app, frames, real_engine, unique_name, "logs", (800, 480))
    frames.until(lambda: len(view.ids.rv.data) >= 45, timeout=20, what="lines")
    view.ids.search.text = "slow"
    frames.step(3)
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "logs-800x480")


def test_a_flood_keeps_frames_coming_and_the_ring_bounded(
    make_app, frames, real_engine, docker, unique_name
):
    from kivy.clock import Clock

    docker.run_detached(IMAGE, "sh", "-c", "yes spam", name=unique_name)
    app = make_app(real_engine, (1280, 800), log_lines=2000)  # genet --log-lines 2000
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30)
    detail = app.root.ids.detail
    view = detail.views["logs"]
    assert view.capacity == 2000
    frames.until(lambda: find_row(app, unique_name), timeout=20)
    tap(find_row(app, unique_name), frames)
    tap(detail.ids.tab_logs, frames)
    frames.until(lambda: len(view.model) == 2000, timeout=30, what="ring full")
    start_frames, dropped = Clock.frames, view.model.dropped
    redraws = view.redraws
    frames.step(10)  # frames keep coming under the flood (a hang is the test's timeout)
    counted = Clock.frames - start_frames
    assert view.model.dropped > dropped  # the flood went on meanwhile
    assert view.redraws - redraws <= counted  # at most one redraw a frame
    assert len(view.model) == 2000 and len(view.ids.rv.data) == 2000
    assert view.model.dropped > 0
    assert view.model.lines()[-1].text == "spam"
    # The app still answers taps.
    tap(detail.ids.tab_overview, frames)
    assert detail.tab == "overview" and not view.streaming


def test_stats_of_a_busy_container_and_its_graph(
    make_app, frames, real_engine, docker, unique_name, kivy_window
):
    docker.run_detached(IMAGE, "sh", "-c", "yes > /dev/null", name=unique_name)
    app, view = open_tab(make_app, frames, real_engine, unique_name, "stats")
    frames.until(lambda: len(view.cpu) >= 6, timeout=30, what="six CPU samples")
    # One core kept busy: well above an idle container's ~0 %, though a loaded machine may
    # give `yes` much less than a whole core.
    assert view.cpu.latest > 5, view.cpu.latest
    assert view.ids.cpu_graph.plot.point_count >= 3
    assert view.ids.cpu.value.endswith("%") and view.ids.pids.value != "—"
    assert "iB · " in view.ids.mem.value and view.ids.mem.title.startswith("Memory of ")
    # Its row in the list shows CPU and memory too (a stream of its own, bounded).
    row = frames.until(lambda: (r := find_row(app, unique_name)) and r.usage and r, timeout=20)
    assert "%" in row.usage and "iB" in row.usage
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "stats")
    docker("kill", unique_name)
    frames.until(lambda: "Not running" in view.status, timeout=30, what="not running")
    assert not view.streaming


def test_inspect_sections_mask_secrets_until_tapped(
    make_app, frames, real_engine, docker, unique_name, kivy_window
):
    docker.run_detached(
        "-e",
        "DB_PASSWORD=hunter2",
        "-e",
        "GREETING=hello",
        "-l",
        "tier=back",
        IMAGE,
        "sleep",
        "300",
        name=unique_name,
    )
    _app, view = open_tab(make_app, frames, real_engine, unique_name, "inspect")
    frames.until(lambda: view.loaded, timeout=20, what="inspect document")
    titles = [s.title for s in view.sections]
    assert titles == [
        "State",
        "Config",
        "Env",
        "Mounts",
        "Ports / Network",
        "Labels",
        "Restart policy",
        "Health log",
    ]
    assert inspect_data(view, "env:DB_PASSWORD")["value"] == "••••••••"
    assert inspect_data(view, "env:GREETING")["value"] == "hello"
    assert check_touch_sizes(kivy_window) == []
    for key in ("state", "config"):  # fold two sections by tapping their headers
        tap(frames.until(lambda k=key: inspect_view_of(view, k)), frames)
    assert view.collapsed == {"state", "config"}
    secret = frames.until(lambda: inspect_view_of(view, "env:DB_PASSWORD"), what="env row")
    assert secret.value == "••••••••"
    save_shot(kivy_window, frames, "inspect")
    tap(secret.ids.show, frames)
    assert inspect_view_of(view, "env:DB_PASSWORD").value == "hunter2"
    tap(inspect_view_of(view, "env:DB_PASSWORD").ids.show, frames)
    assert inspect_view_of(view, "env:DB_PASSWORD").value == "••••••••"
