"""Real windows (Xvfb + Mesa GL): layouts, live switching, touch sizes, screenshots."""

from __future__ import annotations

import time

import pytest
from engine_double import EngineDouble
from kivy.metrics import dp, sp
from msgspec.structs import replace
from ui_harness import find_row, group_of, resize, save_shot, tap, walk

from genet_rx.model.connection import Link
from genet_rx.model.containers import Container, Health, Port, State
from genet_rx.state.containers import from_rows
from genet_rx.state.resources import Table

pytestmark = pytest.mark.ui

NOW = time.time_ns()
MIN = 60 * 10**9


def sample_rows() -> list[Container]:
    shop = {"com.docker.compose.project": "shop"}
    return [
        Container(
            id="a1" * 32,
            name="web",
            image="nginx:1.27",
            state=State.RUNNING,
            command="nginx -g 'daemon off;'",
            created=1_795_000_000,  # fixed: screenshots stay the same run to run,
            ports=(Port(80, "tcp", 8080, "0.0.0.0"), Port(443, "tcp", 8443, "0.0.0.0")),
            labels={**shop, "com.docker.compose.service": "web", "tier": "front"},
            state_since_ns=NOW - 62 * MIN,
            health=Health.HEALTHY,
        ),
        Container(
            id="b2" * 32,
            name="db",
            image="postgres:16",
            state=State.RUNNING,
            labels={**shop, "com.docker.compose.service": "db"},
            state_since_ns=NOW - 3 * 24 * 60 * MIN,
        ),
        Container(
            id="c3" * 32,
            name="cache",
            image="redis:7",
            state=State.PAUSED,
            state_since_ns=NOW - 4 * MIN,
        ),
        Container(
            id="d4" * 32,
            name="migrate",
            image="shop/migrate:latest",
            state=State.EXITED,
            exit_code=0,
            state_since_ns=NOW - 15 * MIN,
        ),
        Container(
            id="e5" * 32,
            name="worker",
            image="shop/worker:2.1",
            state=State.EXITED,
            exit_code=137,
            state_since_ns=NOW - 5 * MIN,
        ),
        Container(id="f6" * 32, name="flaky", image="busybox", state=State.RESTARTING),
        Container(id="a7" * 32, name="new-thing", image="alpine:3.20", state=State.CREATED),
    ]


def live_engine(rows: list[Container] | None = None) -> EngineDouble:
    engine = EngineDouble()
    engine.push(from_rows(sample_rows() if rows is None else rows))
    engine.link(Link.CONNECTED)
    return engine


def open_detail(app, frames, name):
    """In the list-only layout: tap the row called ``name``; wait until its detail is shown."""
    frames.until(lambda: find_row(app, name), what=f"row {name}")
    tap(find_row(app, name), frames)
    ids = app.root.ids
    frames.until(lambda: shown(app) == [ids.detail], what="the detail page")
    return ids


def shown(app) -> list:
    """Widgets in the body, left to right."""
    return list(reversed(app.root.ids.body.children))


def check_touch_sizes(window) -> list[str]:
    """Every tappable widget on screen that is smaller than 48 dp in either direction."""
    from kivy.metrics import dp
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.textinput import TextInput

    small = []
    for w in walk(window):
        tappable = isinstance(w, ButtonBehavior | TextInput) and w.opacity > 0
        if tappable and (w.width < dp(48) - 0.5 or w.height < dp(48) - 0.5):
            small.append(f"{type(w).__name__}({getattr(w, 'text', '')!r}) {w.size}")
    return small


def tappables(window) -> int:
    from kivy.uix.behaviors import ButtonBehavior

    return sum(1 for w in walk(window) if isinstance(w, ButtonBehavior))


def test_wide_layout_shows_list_and_detail_side_by_side(make_app, frames, kivy_window):
    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="rows on screen")
    assert app.root.wide
    ids = app.root.ids
    assert shown(app) == [ids.sidebar, ids.divider, ids.detail]
    assert group_of(app, "web") == "running" and group_of(app, "worker") == "exited"
    tap(find_row(app, "web"), frames)
    frames.until(lambda: app.root.ids.detail.title == "web", what="detail of web")
    assert shown(app) == [ids.sidebar, ids.divider, ids.detail]  # no page switch when wide
    assert ids.detail.ids.back.parent is None
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "wide")


def test_800x480_panel_keeps_both_panes_and_every_target_touch_sized(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480))
    frames.until(lambda: find_row(app, "web"), what="rows on screen")
    assert app.root.wide  # 800 dp is above the 700 dp switch
    tap(find_row(app, "web"), frames)
    frames.until(lambda: app.root.ids.detail.title == "web")
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "panel-800x480")


def test_narrow_layout_taps_into_detail_and_back(make_app, frames, kivy_window):
    app = make_app(live_engine(), (480, 800))
    ids = app.root.ids
    frames.until(lambda: find_row(app, "db"), what="rows on screen")
    assert not app.root.wide
    assert shown(app) == [ids.sidebar]
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "narrow")

    tap(find_row(app, "web"), frames)
    frames.until(lambda: shown(app) == [ids.detail], what="detail page")
    assert ids.detail.title == "web"
    assert ids.detail.ids.back.parent is not None
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "narrow-detail")

    tap(ids.detail.ids.back, frames)
    frames.until(lambda: shown(app) == [ids.sidebar], what="back to the list")


def nav_titles(app) -> list[str]:
    """The navigation's buttons in the tree, in the order drawn."""
    return [b.title for b in app.root.nav.shown_buttons()]


def cut_titles(app) -> list[str]:
    """The navigation titles wider than their room (drawn shortened, "Con...ers"): a button
    draws its title in 14 sp on the rail, 13 sp in the bottom bar, bold when current, 4 dp in
    from each side."""
    from kivy.core.text import Label as CoreLabel

    cut = []
    for button in app.root.nav.shown_buttons():
        whole = CoreLabel(text=button.title, font_size=sp(14 if button.vertical else 13),
                          bold=button.current)
        whole.refresh()
        if whole.texture.size[0] > button.width - dp(8):
            cut.append(button.title)
    return cut


def test_the_bottom_bar_leaves_out_services_and_nodes_without_a_swarm(make_app, frames,
                                                                     kivy_window):
    engine = live_engine()
    engine.push_kind("services", Table(synced=True, unavailable="not a swarm manager"))
    app = make_app(engine, (480, 800))
    frames.until(lambda: find_row(app, "db"), what="rows on screen")
    assert nav_titles(app) == ["Containers", "Images", "Volumes", "Networks", "Activity",
                               "Settings"]
    assert cut_titles(app) == []
    save_shot(kivy_window, frames, "narrow-nav-480x800")
    engine.push_kind("services", Table(synced=True))  # the engine became a manager
    frames.until(lambda: "Services" in nav_titles(app), what="the swarm kinds back")
    assert nav_titles(app)[-4:] == ["Services", "Nodes", "Activity", "Settings"]


def test_the_rail_keeps_services_and_nodes_without_a_swarm(make_app, frames):
    engine = live_engine()
    engine.push_kind("services", Table(synced=True, unavailable="not a swarm manager"))
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "db"), what="rows on screen")
    assert "Services" in nav_titles(app) and "Nodes" in nav_titles(app)


def test_the_rail_fits_under_the_top_bar_at_800x480(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480))
    frames.until(lambda: find_row(app, "db"), what="rows on screen")
    frames.step(2)
    topbar = app.root.ids.topbar
    buttons = app.root.nav.shown_buttons()
    assert max(b.to_window(b.x, b.top)[1] for b in buttons) <= topbar.y
    assert min(b.height for b in buttons) >= dp(48)
    assert min(b.to_window(b.x, b.y)[1] for b in buttons) >= app.root.nav.y  # Settings too


def test_resizing_switches_layout_live(make_app, frames, kivy_window):
    app = make_app(live_engine(), (1280, 800))
    ids = app.root.ids
    frames.until(lambda: find_row(app, "web"))
    app.select("a1" * 32)
    resize(kivy_window, frames, (480, 800))  # rotate a panel to portrait
    frames.until(lambda: not app.root.wide)
    assert shown(app) == [ids.detail]  # the selection stays open
    resize(kivy_window, frames, (1280, 800))
    frames.until(lambda: app.root.wide)
    assert shown(app) == [ids.sidebar, ids.divider, ids.detail]
    assert ids.detail.title == "web"


def test_group_headers_collapse_and_search_filters(make_app, frames, kivy_window):
    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    rv = app.root.ids.sidebar.ids.rv
    header = next(
        v
        for v in rv.layout_manager.children
        if type(v).__name__ == "GroupHeader" and v.group == "running"
    )
    tap(header, frames)
    frames.until(lambda: group_of(app, "web") is None, what="running collapsed")
    heads = {r["group"]: r for r in rv.data if r["viewclass"] == "GroupHeader"}
    assert heads["running"]["count"] == 2 and heads["running"]["collapsed"]
    tap(
        next(
            v
            for v in rv.layout_manager.children
            if type(v).__name__ == "GroupHeader" and v.group == "running"
        ),
        frames,
    )
    frames.until(lambda: group_of(app, "web") == "running", what="running expanded")

    search = app.root.ids.sidebar.ids.search
    search.text = "shop"
    frames.until(
        lambda: (
            {r.get("name") for r in rv.data if r["viewclass"] == "ContainerRow"}
            == {"web", "db", "migrate", "worker"}
        ),
        what="filtered by project/image",
    )
    search.text = "zzz"
    frames.until(lambda: app.root.ids.sidebar.empty_text.startswith("Nothing matches"))
    app.root.ids.sidebar.clear_search()
    frames.until(lambda: len(rv.data) == 12)


def test_controls_follow_state_and_confirmations_are_touch_sized(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"))

    def enabled() -> set[str]:
        return {b.control for b in controls.values() if not b.disabled}

    app.select("c3" * 32)  # paused
    controls = app.root.ids.detail.ids.controls.ids
    frames.step(2)
    assert enabled() == {"stop", "restart", "unpause", "kill", "remove"}
    assert controls.ctl_pause.text == "Unpause"
    app.select("d4" * 32)  # exited
    frames.step(2)
    assert enabled() == {"start", "restart", "remove"}
    app.select("a1" * 32)  # running
    frames.step(2)
    assert enabled() == {"stop", "restart", "pause", "kill", "remove"}

    tap(controls.ctl_kill, frames)
    frames.until(lambda: app.dialog is not None, what="confirmation")
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "confirm-kill")
    tap(app.dialog.ids.no, frames)
    frames.until(lambda: app.dialog is None)
    assert engine.commands == []


def press_key(window, key):
    """A key pressed on the keyboard, as the window hands it to its listeners."""
    window.dispatch("on_keyboard", key, 0, None, [])


def test_esc_over_a_confirmation_in_the_narrow_layout_cancels_it_and_stays(
    make_app, frames, kivy_window
):
    engine = live_engine()
    app = make_app(engine, (480, 800))
    ids = open_detail(app, frames, "web")
    tap(ids.detail.ids.controls.ids.ctl_kill, frames)
    frames.until(lambda: app.dialog is not None, what="confirmation")
    press_key(kivy_window, 27)
    frames.until(lambda: app.dialog is None, what="the confirmation gone")
    assert shown(app) == [ids.detail]
    assert engine.commands == []


def test_enter_over_a_confirmation_confirms(make_app, frames, kivy_window):
    from genet_rx.engine.commands import Kill

    engine = live_engine()
    app = make_app(engine, (480, 800))
    ids = open_detail(app, frames, "web")
    tap(ids.detail.ids.controls.ids.ctl_kill, frames)
    frames.until(lambda: app.dialog is not None, what="confirmation")
    press_key(kivy_window, 13)
    frames.until(lambda: engine.commands, what="the kill sent")
    assert isinstance(engine.commands[0], Kill)
    assert app.dialog is None


def many_running(n=30, exited=()):
    return [
        Container(id=f"{i:064x}", name=f"svc-{i:02}", image="busybox",
                  state=State.EXITED if i in exited else State.RUNNING)
        for i in range(n)
    ]


def window_y(app, name):
    row = find_row(app, name)
    return row.to_window(row.x, row.y)[1] if row is not None else None


def row_fully_shown(app, name):
    rv = app.root.ids.sidebar.ids.rv
    y = window_y(app, name)
    bottom = rv.to_window(rv.x, rv.y)[1]
    return y is not None and y >= bottom - 1 and y + dp(60) <= bottom + rv.height + 1


def select_a_middle_row(make_app, frames):
    """Many running rows at 1280x800, scrolled to the middle, svc-16 selected."""
    engine = live_engine(many_running())
    app = make_app(engine, (1280, 800))
    rv = app.root.ids.sidebar.ids.rv
    frames.until(lambda: find_row(app, "svc-00"))
    rv.scroll_y = 0.5
    frames.until(lambda: find_row(app, "svc-16"), what="scrolled to the middle")
    app.select(f"{16:064x}")
    frames.step(3)
    return engine, app


def test_the_selected_row_holds_still_when_rows_above_it_change_group(make_app, frames):
    engine, app = select_a_middle_row(make_app, frames)
    before = window_y(app, "svc-16")
    engine.push(from_rows(many_running(exited=(0, 1, 2, 3, 4))))
    frames.until(lambda: group_of(app, "svc-00") == "exited", what="five rows moved down")
    frames.step(3)
    assert window_y(app, "svc-16") == pytest.approx(before, abs=1)


def test_the_selected_row_stays_on_screen_when_it_changes_group(make_app, frames):
    engine, app = select_a_middle_row(make_app, frames)
    engine.push(from_rows(many_running(exited=(16,))))
    frames.until(lambda: group_of(app, "svc-16") == "exited", what="the selected row moved")
    frames.step(3)
    assert row_fully_shown(app, "svc-16")


def test_a_restart_loop_does_not_shift_the_rows_below_it(make_app, frames):
    rows = sample_rows()
    engine = live_engine(rows)
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "migrate"))
    before = window_y(app, "migrate")
    running = [replace(c, state=State.RUNNING) if c.name == "flaky" else c
               for c in rows]
    engine.push(from_rows(running))
    frames.until(lambda: find_row(app, "flaky").state_word == "running", what="flaky running")
    frames.step(3)
    assert group_of(app, "flaky") == "restarting"
    assert window_y(app, "migrate") == pytest.approx(before, abs=1)


def test_a_refused_command_names_the_container_not_its_id(make_app, frames):
    from genet_rx.engine.commands import CommandResult, Outcome

    web = "a1" * 32
    engine = live_engine()
    engine.answer = lambda c: CommandResult(
        c, Outcome.FAILED, f"Cannot restart container {web}: cannot join network of {web[:12]}"
    )
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    app.select(web)
    frames.step(2)
    tap(app.root.ids.detail.ids.controls.ids.ctl_restart, frames)
    notice = frames.until(lambda: app.root.notice.text and app.root.notice, what="the error")
    assert notice.text == (
        "Restart web failed: Cannot restart container web: cannot join network of web"
    )


def wheel(widget, frames, notches, button="scrollup"):
    """Mouse-wheel notches over ``widget`` (Kivy names them scrollup / scrolldown)."""
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    for _ in range(notches):
        touch = UnitTestTouch(x, y)
        touch.profile.append("button")
        touch.button = button
        touch.touch_down()
        touch.touch_up()
        frames.step(1)
    frames.step(5)


def test_ten_wheel_notches_scroll_the_list_more_than_a_screenful_of_rows(make_app, frames):
    app = make_app(live_engine(many_running(60)), (1280, 800))
    rv = app.root.ids.sidebar.ids.rv
    frames.until(lambda: find_row(app, "svc-00"))
    room = rv.children[0].height - rv.height
    wheel(rv, frames, 10)
    moved = (1 - rv.scroll_y) * room
    assert moved >= 8 * dp(60)  # eight rows or more: about a row a notch at least


def test_a_pressed_control_shows_it_is_working_until_the_result(make_app, frames):
    from genet_rx.engine.commands import CommandResult, Outcome, Stop

    engine = live_engine()
    engine.hold = True
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    app.select("a1" * 32)
    stop = app.root.ids.detail.ids.controls.ids.ctl_stop
    frames.step(2)
    tap(stop, frames)
    frames.until(lambda: engine.commands == [Stop("a1" * 32)], what="command sent")
    frames.step(3)
    assert stop.working and stop.text == "Stopping…" and stop.disabled
    before = app.table
    engine.answer = lambda c: CommandResult(c, Outcome.FAILED, "cannot stop: it is stuck")
    engine.release()
    frames.until(lambda: not stop.working, what="result back")
    assert stop.text == "Stop"
    # DONE changes nothing by itself: the row moves when the engine's event does.
    assert app.table is before and group_of(app, "web") == "running"


def test_a_refused_command_shows_the_engines_message_and_nothing_else(
    make_app, frames, kivy_window
):
    from genet_rx.engine.commands import CommandResult, Outcome

    engine = live_engine()
    engine.answer = lambda c: CommandResult(c, Outcome.FAILED, "Container a1a1 is not paused")
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    app.select("a1" * 32)
    frames.step(2)
    table, selected = app.table, app.selected
    app.press("unpause")  # the command path, as a stale screen or another client would
    frames.until(lambda: app.root.notice is not None, what="notice")
    notice = app.root.notice
    assert notice.kind == "error"
    assert "Container a1a1 is not paused" in notice.text
    assert app.table is table and app.selected == selected and app.working == {}
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "notice-error")
    dismiss = next(w for w in walk(notice) if getattr(w, "text", "") == "Dismiss")
    tap(dismiss, frames)
    frames.until(lambda: app.root.notice is None, what="notice dismissed")


def test_already_is_a_gentle_info_notice(make_app, frames):
    from genet_rx.engine.commands import CommandResult, Outcome

    engine = live_engine()
    engine.answer = lambda c: CommandResult(c, Outcome.ALREADY, "already stopped")
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "worker"))
    app.select("e5" * 32)
    app.send(__import__("genet_rx").Stop("e5" * 32))
    frames.until(lambda: app.root.notice is not None)
    assert app.root.notice.kind == "info"
    assert app.root.notice.text == "worker: already stopped."


def test_no_engine_at_all_starts_usable_and_says_what_to_do(make_app, frames, kivy_window):
    engine = EngineDouble()
    engine.link(
        Link.DISCONNECTED,
        "no Docker socket at /var/run/docker.sock — is the Docker engine running? "
        "(sudo systemctl start docker)",
    )
    app = make_app(engine, (1280, 800))
    frames.step(3)
    banner = app.root.banner
    assert banner.parent is not None
    assert "no Docker socket" in banner.headline
    assert "Is the Docker engine running?" in banner.detail and "Retrying" in banner.detail
    assert "last known state" not in banner.detail  # there is no list yet
    assert app.root.ids.topbar.link_word == "offline"
    assert app.root.ids.sidebar.empty_text == "No containers to show yet."
    search = app.root.ids.sidebar.ids.search
    search.text = "x"  # still responsive
    frames.step(2)
    save_shot(kivy_window, frames, "no-engine")


def test_offline_the_detail_chip_is_not_green_and_says_last_known(make_app, frames):
    from genet_kivy.describe import state_color

    engine = live_engine()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "db"))
    app.select("b2" * 32)
    frames.step(2)
    detail = app.root.ids.detail
    green = state_color(sample_rows()[1])
    assert tuple(detail.state_color) == tuple(green)
    engine.link(Link.DISCONNECTED, "gone")
    frames.until(lambda: not app.live, what="offline")
    frames.step(2)
    assert tuple(detail.state_color) != tuple(green)
    assert detail.state_text == "last known: running"


def test_rows_show_health_good_or_bad_and_a_failed_exit_stands_out(make_app, frames):
    rows = [*sample_rows(),
            Container(id="b8" * 32, name="booting", image="busybox", state=State.RUNNING,
                      health=Health.STARTING)]
    app = make_app(live_engine(rows), (1280, 800))
    frames.until(lambda: find_row(app, "worker"))
    assert find_row(app, "web").state_word == "healthy"
    assert find_row(app, "booting").state_word == "health starting"
    assert find_row(app, "db").state_word == "running"  # no health check: nothing to say
    assert find_row(app, "worker").state_word == "exited (137)"
    assert tuple(find_row(app, "worker").state_color) != tuple(find_row(app, "migrate").state_color)


def test_a_long_name_is_whole_in_the_detail(make_app, frames, kivy_window):
    name = "shop-payments-reconciliation-worker-with-a-long-name-1"
    rows = [Container(id="b9" * 32, name=name, image="busybox", state=State.RUNNING)]
    app = make_app(live_engine(rows), (800, 480))
    frames.until(lambda: find_row(app, name))
    app.select("b9" * 32)
    frames.step(3)
    assert app.root.ids.detail.field("name") == name
    save_shot(kivy_window, frames, "long-name-800x480")


def test_losing_the_engine_keeps_the_table_marked_stale(make_app, frames, kivy_window):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    app.select("a1" * 32)
    engine.link(
        Link.DISCONNECTED,
        "permission denied on /var/run/docker.sock — add yourself "
        "to the docker group (sudo usermod -aG docker $USER) and log in again",
    )
    frames.until(lambda: app.root.banner.parent is not None, what="banner")
    sidebar = app.root.ids.sidebar
    assert sidebar.stale and find_row(app, "web") is not None
    assert "docker group" in app.root.banner.detail
    assert "last known state" in app.root.banner.detail
    assert all(b.disabled for b in app.root.ids.detail.ids.controls.ids.values())
    save_shot(kivy_window, frames, "stale")
    engine.link(Link.CONNECTED)
    frames.until(lambda: app.root.banner.parent is None, what="banner gone")
    assert not sidebar.stale


def test_a_flood_of_tables_reaches_the_widgets_at_most_once_a_frame(make_app, frames):
    import threading

    from kivy.clock import Clock

    engine = live_engine([])
    app = make_app(engine, (1280, 800))
    frames.step(2)
    applied_per_frame: list[int] = []
    base = [app.tables_applied]

    def count(_dt):
        applied_per_frame.append(app.tables_applied - base[0])
        base[0] = app.tables_applied

    ev = Clock.schedule_interval(count, 0)
    rows = [
        Container(id=f"{i:064x}", name=f"svc-{i:04}", image="busybox", state=State.RUNNING)
        for i in range(1500)
    ]
    tables = [from_rows(rows[: n + 1]) for n in range(2, 1500, 3)]

    def feed():
        for t in tables:
            engine.push(t)

    t = threading.Thread(target=feed)
    t.start()
    frames.until(lambda: not t.is_alive() and len(app.table.rows) == 1500, what="all tables")
    frames.step(3)
    ev.cancel()
    assert max(applied_per_frame) <= 1
    rv = app.root.ids.sidebar.ids.rv
    assert len(rv.data) == 1501
    assert len(rv.layout_manager.children) < 60  # views are recycled, not one per row

    # Latency: after a quiet moment, a table pushed from another thread reaches the widgets in
    # the next frame (during a flood they are paced, see controllers/feed.py).
    frames.until(lambda: app.feed.quiet, what="the flood's pace over")
    last = from_rows(rows[:10])
    pusher = threading.Thread(target=engine.push, args=(last,))
    pusher.start()
    pusher.join()
    frames.step(1)
    assert app.table is last and len(rv.data) == 11


def test_rotating_a_panel_switches_to_the_narrow_layout(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480))
    frames.until(lambda: find_row(app, "web"))
    assert app.root.wide
    try:
        kivy_window.rotation = 90
        frames.until(lambda: not app.root.wide, what="narrow after rotation")
        assert shown(app) == [app.root.ids.sidebar]
    finally:
        kivy_window.rotation = 0
    frames.until(lambda: app.root.wide, what="wide again")


def test_the_list_scrolls_by_dragging(make_app, frames, kivy_window):
    from kivy.tests.common import UnitTestTouch

    rows = [
        Container(id=f"{i:064x}", name=f"svc-{i:04}", image="busybox", state=State.RUNNING)
        for i in range(1200)
    ]
    app = make_app(live_engine(rows), (800, 480))
    rv = app.root.ids.sidebar.ids.rv
    frames.until(lambda: find_row(app, "svc-0000"), what="first rows")
    assert rv.scroll_y == 1
    before = on_screen(rv)
    x, y = rv.to_window(rv.center_x, rv.y + rv.height * 0.2)
    touch = UnitTestTouch(x, y)
    touch.touch_down()  # moved before any frame: see test_tabs.drag
    for step in range(1, 11):
        touch.touch_move(x, y + step * 25)
        frames.step(1)
    touch.touch_up()
    frames.until(lambda: rv.scroll_y < 1, what="scrolled")
    frames.step(5)
    # The rows followed the finger: rows below the first screen are laid out now.
    assert max(on_screen(rv)) > max(before)
    assert app.selected is None  # a drag is not a tap


def on_screen(rv):
    """Names of the container rows laid out in a sidebar's RecycleView now."""
    return {v.name for v in rv.layout_manager.children if type(v).__name__ == "ContainerRow"}


def test_stopping_the_app_disposes_every_subscription(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    assert engine.states.observers  # the app follows the engine's state (through the merge)
    app.dispatch("on_stop")
    assert not engine.states.observers


def test_remove_confirms_forces_a_running_one_and_returns_to_the_list(make_app, frames):
    from genet_rx.engine.commands import Remove

    engine = live_engine()
    app = make_app(engine, (480, 800))
    ids = open_detail(app, frames, "web")
    tap(ids.detail.ids.controls.ids.ctl_remove, frames)
    dialog = frames.until(lambda: app.dialog, what="confirmation")
    assert "still running" in dialog.text
    tap(dialog.ids.yes, frames)
    frames.until(lambda: engine.commands == [Remove("a1" * 32, force=True)], what="sent")
    frames.until(lambda: shown(app) == [ids.sidebar], what="back to the list")
    assert app.selected is None


def test_the_short_id_copies_to_the_clipboard(make_app, frames):
    from kivy.core.clipboard import Clipboard

    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"))
    app.select("a1" * 32)
    frames.step(2)
    copy = next(
        w
        for w in walk(app.root.ids.detail)
        if type(w).__name__ == "FlatButton" and w.text == "Copy"
    )
    tap(copy, frames)
    frames.until(lambda: app.root.notice is not None, what="copied notice")
    assert app.root.notice.text == "Copied a1a1a1a1a1a1"
    assert Clipboard.paste() == "a1a1a1a1a1a1"
