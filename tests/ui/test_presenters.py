"""Pure presentation: grouping, counts, search, stable order, words, times, controls."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from genet_kivy.actions import (
    Control,
    command_for,
    confirmation,
    control_of,
    enabled,
    pause_control,
)
from genet_kivy.describe import detail_fields, since_text, span, state_word, when
from genet_kivy.presenters import (
    HEADER,
    RESTART_HOLD,
    ROW,
    Group,
    SidebarRows,
    counts,
    summary,
)
from genet_rx.engine.commands import Kill, Remove, Start, Unpause
from genet_rx.model.containers import Container, Health, Port, State
from genet_rx.state.containers import from_rows

NOW = 1_800_000_000 * 10**9


def box(name: str, state: State = State.RUNNING, **kw) -> Container:
    return Container(
        id=f"{name:0<12}" + "f" * 52, name=name, image=kw.pop("image", "busybox"), state=state, **kw
    )


def names(rows, group: Group | None = None) -> list[str]:
    out, current = [], None
    for r in rows:
        if r["viewclass"] == HEADER:
            current = r["group"]
        elif group is None or current == group.value:
            out.append(r["name"])
    return out


def test_groups_come_in_a_fixed_order_with_counts_and_empty_ones_left_out():
    table = from_rows(
        [
            box("b", State.EXITED),
            box("a"),
            box("c", State.PAUSED),
            box("d"),
            box("e", State.DEAD),
            box("f", State.CREATED),
        ]
    )
    rows = SidebarRows().present(table)
    headers = [r["group"] for r in rows if r["viewclass"] == HEADER]
    assert headers == ["running", "paused", "exited", "created", "dead"]
    assert counts(rows) == {
        Group.RUNNING: 2,
        Group.PAUSED: 1,
        Group.EXITED: 1,
        Group.CREATED: 1,
        Group.DEAD: 1,
    }
    assert names(rows, Group.RUNNING) == ["a", "d"]


def test_removing_shows_under_exited_with_its_own_word():
    rows = SidebarRows().present(from_rows([box("gone", State.REMOVING)]))
    assert rows[0]["group"] == "exited"
    assert rows[1]["state_word"] == "removing"


def test_collapsed_group_keeps_header_and_count_but_hides_rows():
    table = from_rows([box("a"), box("b"), box("x", State.EXITED)])
    rows = SidebarRows().present(table, collapsed=frozenset({Group.RUNNING}))
    assert [r["viewclass"] for r in rows] == [HEADER, HEADER, ROW]
    assert rows[0]["collapsed"] is True and rows[0]["count"] == 2


def test_search_matches_name_image_and_compose_project_all_terms():
    table = from_rows(
        [
            box("web", image="nginx:1.27"),
            box("db", image="postgres:16", labels={"com.docker.compose.project": "shop"}),
            box("cache", image="redis"),
        ]
    )
    s = SidebarRows()
    assert names(s.present(table, "NGINX")) == ["web"]
    assert names(s.present(table, "shop")) == ["db"]
    assert names(s.present(table, "shop post")) == ["db"]
    assert names(s.present(table, "shop redis")) == []
    assert names(s.present(table, "  ")) == ["cache", "db", "web"]
    assert counts(s.present(table, "s"))[Group.RUNNING] == 2  # db, cache


def test_order_is_stable_by_name_then_id_and_does_not_depend_on_insertion():
    a = [box("web"), box("Alpha"), box("beta")]
    twin = replace(box("web"), id="0" * 64)
    r1 = SidebarRows().present(from_rows([*a, twin]))
    r2 = SidebarRows().present(from_rows([twin, *reversed(a)]))
    assert r1 == r2
    assert names(r1) == ["Alpha", "beta", "web", "web"]
    assert [r["cid"] for r in r1 if r["viewclass"] == ROW][2] == "0" * 64


@given(st.lists(st.sampled_from(list(State)), min_size=1, max_size=40), st.randoms())
def test_a_state_change_moves_only_that_row(states, rnd):
    rows = [box(f"c{i:03}", s) for i, s in enumerate(states)]
    s = SidebarRows()
    before = s.present(from_rows(rows))
    i = rnd.randrange(len(rows))
    moved = replace(rows[i], state=rnd.choice(list(State)))
    after = s.present(from_rows([*rows[:i], moved, *rows[i + 1 :]]))
    strip = [r["name"] for r in before if r["viewclass"] == ROW and r["name"] != moved.name]
    strip_after = [r["name"] for r in after if r["viewclass"] == ROW and r["name"] != moved.name]
    # Relative order of all other rows within each group is unchanged.
    for g in Group:
        others_before = [n for n in names(before, g) if n != moved.name]
        others_after = [n for n in names(after, g) if n != moved.name]
        assert others_before == others_after
    assert sorted(strip) == sorted(strip_after)


def test_selection_marks_one_row_without_touching_cached_rows():
    table = from_rows([box("a"), box("b")])
    s = SidebarRows()
    sel = table.rows[box("b").id].id
    rows = s.present(table, selected=sel)
    assert [r["selected"] for r in rows if r["viewclass"] == ROW] == [False, True]
    again = s.present(table)
    assert [r["selected"] for r in again if r["viewclass"] == ROW] == [False, False]


def test_unchanged_containers_reuse_their_row_dicts():
    table = from_rows([box(f"c{i}") for i in range(5)])
    s = SidebarRows()
    first = s.present(table)
    second = s.present(table)
    assert all(a is b for a, b in zip(first[1:], second[1:], strict=True))


def test_thousands_of_rows_present_quickly_enough_for_a_frame():
    states = list(State)
    rows = [box(f"svc-{i:05}", states[i % len(states)], image=f"img{i % 17}") for i in range(5000)]
    table = from_rows(rows)
    s = SidebarRows()
    t0 = time.perf_counter()
    out = s.present(table)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(5):
        s.present(table, "img3")
    warm = (time.perf_counter() - t0) / 5
    assert sum(counts(out).values()) == 5000
    # A sanity bound, far above what it takes, not a benchmark.
    assert cold < 2.0 and warm < 1.0, (cold, warm)


def test_summary_line():
    assert summary(from_rows([box("a"), box("b", State.EXITED)])) == "2 containers · 1 running"
    assert summary(from_rows([box("a")])) == "1 container · 1 running"


# -- words, colours and times ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (59, "59 s"),
        (60, "1 min"),
        (3599, "59 min"),
        (3600, "1 h"),
        (86399, "23 h"),
        (86400, "1 day"),
        (3 * 86400 + 5, "3 days"),
        (-5, "0 s"),
    ],
)
def test_span(seconds, text):
    assert span(seconds) == text


def test_since_text_for_each_state():
    five_min_ago = NOW - 300 * 10**9
    assert since_text(box("a", state_since_ns=five_min_ago), NOW) == "up 5 min"
    exited = box("a", State.EXITED, exit_code=137, state_since_ns=five_min_ago)
    assert since_text(exited, NOW) == "exited (137) 5 min ago"
    assert (
        since_text(box("a", State.PAUSED, state_since_ns=five_min_ago), NOW) == "paused for 5 min"
    )
    created = box("a", State.CREATED, state_since_ns=five_min_ago)
    assert since_text(created, NOW) == "created 5 min ago, never started"
    assert since_text(box("a", status="Up 3 hours"), NOW) == "Up 3 hours"
    assert since_text(box("a"), NOW) == "running"


def test_state_word_is_never_colour_alone():
    assert state_word(box("a", State.EXITED, exit_code=0)) == "exited"
    assert state_word(box("a", State.EXITED, exit_code=2)) == "exited (2)"
    assert state_word(box("a", health=Health.UNHEALTHY)) == "unhealthy"
    for s in State:
        assert state_word(box("a", s))


def test_detail_fields_leave_out_empty_values():
    c = box(
        "web",
        image="nginx",
        command="nginx -g daemon off;",
        created=NOW // 10**9 - 60,
        ports=(Port(80, "tcp", 8080, "0.0.0.0"),),
        labels={"com.docker.compose.project": "shop", "com.docker.compose.service": "web"},
        state_since_ns=NOW - 10 * 10**9,
        health=Health.HEALTHY,
    )
    fields = {f.key: f for f in detail_fields(c, NOW)}
    assert fields["id"].value == c.id[:12] and fields["id"].copyable
    assert fields["since"].value == "up 10 s"
    assert fields["health"].value == "healthy"
    assert fields["ports"].value == "0.0.0.0:8080->80/tcp"
    assert fields["project"].value == "shop" and fields["service"].value == "web"
    assert fields["created"].value.endswith("(1 min ago)")
    assert "com.docker.compose.project=shop" in fields["labels"].value
    bare = {f.key for f in detail_fields(box("x", State.CREATED), NOW)}
    assert {"health", "ports", "project", "labels", "created"}.isdisjoint(bare)


def test_when_formats_utc():
    assert when(0, NOW) == ""
    assert when(1_800_000_000, NOW) == "2027-01-15 08:00 UTC (0 s ago)"


# -- controls ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "states"),
    [
        (Control.START, {State.CREATED, State.EXITED}),
        (Control.STOP, {State.RUNNING, State.RESTARTING, State.PAUSED}),
        (Control.RESTART, set(State) - {State.DEAD, State.REMOVING}),
        (Control.PAUSE, {State.RUNNING}),
        (Control.UNPAUSE, {State.PAUSED}),
        (Control.KILL, {State.RUNNING, State.RESTARTING, State.PAUSED}),
        (Control.REMOVE, set(State) - {State.REMOVING}),
    ],
)
def test_controls_are_enabled_exactly_where_the_engine_allows(control, states):
    assert {s for s in State if enabled(control, s)} == states


def test_pause_button_flips_to_unpause_on_a_paused_container():
    assert pause_control(State.PAUSED) is Control.UNPAUSE
    assert pause_control(State.RUNNING) is Control.PAUSE


def test_commands_and_confirmations():
    running, exited = box("web"), box("old", State.EXITED)
    assert command_for(Control.START, exited) == Start(exited.id)
    assert command_for(Control.UNPAUSE, running) == Unpause(running.id)
    assert command_for(Control.REMOVE, running) == Remove(running.id, force=True)
    assert command_for(Control.REMOVE, exited) == Remove(exited.id, force=False)
    assert command_for(Control.KILL, running) == Kill(running.id)
    assert confirmation(Control.STOP, running) is None
    q = confirmation(Control.REMOVE, running)
    assert q is not None and "still running" in q.text and q.title == "Remove web?"
    q = confirmation(Control.REMOVE, exited)
    assert q is not None and "still running" not in q.text
    assert confirmation(Control.KILL, running).yes == "Kill"
    for control in Control:
        assert control_of(command_for(control, running)) is control


def test_a_restart_loop_stays_under_restarting_until_it_has_run_a_while():
    clock = [100.0]
    s = SidebarRows(clock=lambda: clock[0])
    s.present(from_rows([box("loop", State.RESTARTING), box("web")]))
    clock[0] += 3
    rows = s.present(from_rows([box("loop"), box("web")]))
    assert names(rows, Group.RESTARTING) == ["loop"]
    assert names(rows, Group.RUNNING) == ["web"]
    clock[0] += RESTART_HOLD
    rows = s.present(from_rows([box("loop"), box("web")]))
    assert names(rows, Group.RUNNING) == ["loop", "web"]


def test_a_restart_seen_while_searched_away_still_holds_the_row():
    clock = [100.0]
    s = SidebarRows(clock=lambda: clock[0])
    s.present(from_rows([box("loop", State.RESTARTING)]), query="zzz")
    rows = s.present(from_rows([box("loop")]))
    assert names(rows, Group.RESTARTING) == ["loop"]


def test_scroll_keeping_puts_the_anchor_back_at_its_offset():
    from genet_kivy.scroll_anchor import anchor, scroll_keeping

    def rows(*keys):
        return [{"cid": k, "height": 60.0, "selected": k == "s"} for k in keys]

    before = rows(*"abcdefghijs")  # 660 high in a 300 view: s is the last row
    kept = anchor(before, 300.0, 0.0)  # at the bottom: s shows, at 240 below the top
    assert kept == ("s", 240.0)
    after = rows(*"abcdsefghij")  # s moved up four rows
    assert scroll_keeping(after, 300.0, kept, 0.0) == 1.0  # the top: s is 240 below it again
