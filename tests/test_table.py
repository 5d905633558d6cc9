"""The fold: unit cases, and random event sequences checked against a simple reference model."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from genet_rx.model.containers import Container, Health, State
from genet_rx.model.events import Event
from genet_rx.state.changes import GRACE_NS, Inspected, Snapshot, Vanished
from genet_rx.state.containers import (
    EMPTY,
    KEEP_GONE_NS,
    ContainerTable,
    apply,
    apply_event,
    diff,
    needs_inspect,
)
from genet_rx.state.verdict import Verdict

S = 1_000_000_000


def ev(action: str, cid: str, ns: int, **attrs: str) -> Event:
    return Event("container", action, cid, ns, MappingProxyType(attrs))


def fold(changes: list[object], table: ContainerTable = EMPTY) -> ContainerTable:
    for change in changes:
        table = apply(table, change)  # type: ignore[arg-type]
    return table


def test_lifecycle_states_come_from_actions() -> None:
    t = fold([ev("create", "a", 1, name="web", image="nginx", tier="front"),
              ev("start", "a", 2), ev("pause", "a", 3)])
    row = t.rows["a"]
    assert (row.name, row.image, row.state, dict(row.labels)) == (
        "web", "nginx", State.PAUSED, {"tier": "front"})
    t = fold([ev("unpause", "a", 4), ev("kill", "a", 5, signal="15"),
              ev("die", "a", 6, exitCode="137"), ev("stop", "a", 7)], t)
    assert (t.rows["a"].state, t.rows["a"].exit_code) == (State.EXITED, 137)
    t = fold([ev("rename", "a", 8, name="api", oldName="/web")], t)
    assert t.rows["a"].name == "api"
    t = fold([ev("destroy", "a", 9)], t)
    assert "a" not in t.rows and t.tombstones["a"] == 9


def test_noise_and_duplicates_return_the_same_table() -> None:
    t = fold([ev("create", "a", 1), ev("start", "a", 2)])
    for noise in (ev("exec_start: sh -c true", "a", 3), ev("attach", "a", 4),
                  ev("start", "a", 2), Event("image", "pull", "busybox", 5),
                  ev("top", "a", 6), ev("resize", "a", 7)):
        assert apply(t, noise) is t


def test_health_and_restart_reset() -> None:
    t = fold([ev("create", "a", 1), ev("start", "a", 2),
              ev("health_status: healthy", "a", 3)])
    assert t.rows["a"].health is Health.HEALTHY
    t = fold([ev("die", "a", 4, exitCode="1"), ev("start", "a", 5)], t)
    assert t.rows["a"].health is Health.STARTING and t.rows["a"].exit_code is None


def test_out_of_order_event_does_not_move_state_back() -> None:
    t = fold([ev("create", "a", 1), ev("start", "a", 5), ev("pause", "a", 3)])
    assert t.rows["a"].state is State.RUNNING


def test_snapshot_never_overwrites_a_newer_event_state() -> None:
    listed = Container(id="a", name="web", state=State.RUNNING, image="img")
    t = fold([ev("create", "a", 10 * S), ev("start", "a", 11 * S), ev("pause", "a", 12 * S)])
    # The list was answered at 12.5 s: it may not reflect the pause yet.
    t2 = apply(t, Snapshot((listed,), trust_ns=12 * S + S // 2 - GRACE_NS))
    assert t2.rows["a"].state is State.PAUSED and t2.rows["a"].image == "img"
    # Much later, the list is trusted and repairs a state.
    t3 = apply(t, Snapshot((listed,), trust_ns=60 * S))
    assert t3.rows["a"].state is State.RUNNING


def test_snapshot_keeps_rows_from_newer_events_and_tombstones_win() -> None:
    t = fold([ev("create", "new", 20 * S), ev("create", "gone", 1 * S),
              ev("destroy", "gone", 19 * S)])
    stale_list = (Container(id="gone", name="g", state=State.EXITED),)
    t = apply(t, Snapshot(stale_list, trust_ns=18 * S))
    assert set(t.rows) == {"new"} and t.synced


def test_snapshot_removes_rows_the_engine_no_longer_lists() -> None:
    t = fold([ev("create", "a", 1 * S), ev("create", "b", 1 * S)])
    t = apply(t, Snapshot((Container(id="a", name="a"),), trust_ns=100 * S))
    assert set(t.rows) == {"a"}


def test_inspect_fills_fields_and_vanished_removes() -> None:
    t = fold([ev("create", "a", 10 * S, name="web")])
    fresh = Container(id="a", name="web", command="sleep 1", state=State.CREATED)
    t = apply(t, Inspected(fresh, trust_ns=9 * S))
    assert t.rows["a"].command == "sleep 1" and t.rows["a"].event_ns == 10 * S
    assert apply(t, Vanished("a", trust_ns=5 * S)) is t  # older than the row's event
    assert "a" not in apply(t, Vanished("a", trust_ns=50 * S)).rows


def test_needs_inspect() -> None:
    t = fold([ev("create", "a", 1)])
    assert needs_inspect(EMPTY, ev("create", "a", 1))
    assert needs_inspect(t, ev("rename", "a", 2, name="x"))
    assert not needs_inspect(t, ev("start", "a", 2))
    assert needs_inspect(t, ev("start", "unknown", 2))
    assert not needs_inspect(t, ev("destroy", "a", 3))


def test_diff() -> None:
    t1 = fold([ev("create", "a", 1), ev("create", "b", 1)])
    t2 = fold([ev("start", "a", 2), ev("destroy", "b", 3)], t1)
    changed, removed = diff(t1, t2)
    assert [c.id for c in changed] == ["a"] and removed == ["b"]


# -- property: the fold equals a plain reference model -----------------------------------------

VERBS = ["create", "start", "restart", "die", "kill", "stop", "pause", "unpause", "rename",
         "destroy", "health_status: healthy", "health_status: unhealthy", "exec_start: ls",
         "oom", "update", "attach"]
STATE = {"create": "created", "start": "running", "restart": "running", "unpause": "running",
         "pause": "paused", "die": "exited", "stop": "exited"}


def reference(events: list[tuple[str, str, int]]) -> dict[str, tuple[str, str, str]]:
    """The obvious model: a dict, events applied in order, duplicates skipped."""
    rows: dict[str, tuple[str, str, str]] = {}
    seen: set[tuple[int, str, str]] = set()
    gone: set[str] = set()
    for verb, cid, ns in events:
        if (ns, cid, verb) in seen:
            continue
        seen.add((ns, cid, verb))
        if cid in gone:
            continue
        if verb == "destroy":
            rows.pop(cid, None)
            gone.add(cid)
            continue
        base = verb.split(":")[0]
        if base not in STATE and base not in ("rename", "health_status"):
            continue
        state, name, health = rows.get(cid, ("created", "", "none"))
        name = f"n{ns}" if base in ("rename", "create") else name
        if base == "health_status":
            health = verb.split(": ")[1]
        elif base in STATE:
            state = STATE[base]
            if base in ("start", "restart") and health != "none":
                health = "starting"
        rows[cid] = (state, name, health)
    return rows


@st.composite
def event_lists(draw: st.DrawFn) -> list[tuple[str, str, int]]:
    n = draw(st.integers(0, 60))
    out: list[tuple[str, str, int]] = []
    for i in range(n):
        if out and draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(out)))  # a duplicate, as after a reconnect
            continue
        out.append((draw(st.sampled_from(VERBS)), draw(st.sampled_from("abcd")), (i + 1) * 10))
    return out


@settings(max_examples=400)
@given(event_lists())
def test_fold_equals_reference_model(events: list[tuple[str, str, int]]) -> None:
    table = EMPTY
    for verb, cid, ns in events:
        attrs = {"name": f"n{ns}"} if verb.split(":")[0] in ("rename", "create") else {}
        table = apply(table, ev(verb, cid, ns, **attrs))
    got = {cid: (r.state.value, r.name, r.health.value) for cid, r in table.rows.items()}
    assert got == reference(events)


def test_die_under_a_restart_policy_is_restarting_unless_killed() -> None:
    t = fold([ev("create", "a", 1 * S)])
    t = apply(t, Inspected(Container(id="a", name="a", restart_policy="always"), trust_ns=0))
    t = fold([ev("start", "a", 2 * S), ev("die", "a", 3 * S, exitCode="3")], t)
    assert t.rows["a"].state is State.RESTARTING and t.rows["a"].exit_code == 3
    t = fold([ev("start", "a", 4 * S), ev("kill", "a", 5 * S, signal="15"),
              ev("die", "a", 6 * S, exitCode="143"), ev("stop", "a", 7 * S)], t)
    assert t.rows["a"].state is State.EXITED
    t = fold([ev("start", "a", 8 * S), ev("die", "a", 9 * S, exitCode="0")], t)
    assert t.rows["a"].state is State.RESTARTING


def test_on_failure_restarts_only_on_a_nonzero_exit() -> None:
    t = apply(EMPTY, Snapshot((Container(id="a", name="a", state=State.RUNNING,
                                         restart_policy="on-failure"),), trust_ns=0))
    assert apply(t, ev("die", "a", 5, exitCode="0")).rows["a"].state is State.EXITED
    assert apply(t, ev("die", "a", 5, exitCode="2")).rows["a"].state is State.RESTARTING


def test_listed_row_learns_restarting_from_an_inspect_after_die() -> None:
    t = apply(EMPTY, Snapshot((Container(id="a", name="a", state=State.RUNNING),), trust_ns=0))
    die = ev("die", "a", 10 * S, exitCode="1")
    assert needs_inspect(t, die)
    t = apply(t, die)
    assert t.rows["a"].state is State.EXITED
    fresh = Container(id="a", name="a", state=State.RESTARTING, restart_policy="always")
    t = apply(t, Inspected(fresh, trust_ns=9 * S, settles_ns=die.time_nano))
    assert t.rows["a"].state is State.RESTARTING and t.rows["a"].restart_policy == "always"


def on_failure_row() -> ContainerTable:
    """A running row under on-failure (with or without a retry limit: the fold cannot tell)."""
    row = Container(id="a", name="a", state=State.RUNNING, restart_policy="on-failure")
    return apply(EMPTY, Snapshot((row,), trust_ns=0))


def test_every_die_under_a_restart_policy_asks_the_engine_what_it_decided() -> None:
    t = on_failure_row()
    assert needs_inspect(t, ev("die", "a", 10 * S, exitCode="1"))


def test_die_under_policy_no_needs_no_inspect() -> None:
    t = apply(EMPTY, Inspected(Container(id="a", name="a", state=State.RUNNING,
                                         restart_policy="no"), trust_ns=0))
    assert not needs_inspect(t, ev("die", "a", 10 * S, exitCode="1"))


def test_the_engine_giving_up_on_failure_n_replaces_the_predicted_restart() -> None:
    t = on_failure_row()
    die = ev("die", "a", 10 * S, exitCode="1")
    t = apply(t, die)
    assert t.rows["a"].state is State.RESTARTING  # predicted: a non-zero exit under on-failure
    gave_up = Container(id="a", name="a", state=State.EXITED, exit_code=1,
                        restart_policy="on-failure")
    t = apply(t, Inspected(gave_up, trust_ns=8 * S, settles_ns=die.time_nano))
    assert t.rows["a"].state is State.EXITED
    assert t.rows["a"].exit_code == 1
    assert t.rows["a"].state_since_ns == 10 * S
    assert t.rows["a"].event_ns == 10 * S


def test_an_inspect_without_a_die_to_settle_never_overrides_the_event() -> None:
    t = apply(on_failure_row(), ev("die", "a", 10 * S, exitCode="1"))
    exited = Container(id="a", name="a", state=State.EXITED, restart_policy="on-failure")
    assert apply(t, Inspected(exited, trust_ns=8 * S)).rows["a"].state is State.RESTARTING


def test_a_decision_overtaken_by_a_newer_event_is_not_applied() -> None:
    t = on_failure_row()
    die = ev("die", "a", 10 * S, exitCode="1")
    t = fold([die, ev("start", "a", 11 * S)], t)
    exited = Container(id="a", name="a", state=State.EXITED, restart_policy="on-failure")
    t = apply(t, Inspected(exited, trust_ns=8 * S, settles_ns=die.time_nano))
    assert t.rows["a"].state is State.RUNNING


def test_an_inspect_still_saying_running_does_not_undo_the_die() -> None:
    t = on_failure_row()
    die = ev("die", "a", 10 * S, exitCode="1")
    t = apply(t, die)
    running = Container(id="a", name="a", state=State.RUNNING, restart_policy="on-failure")
    t = apply(t, Inspected(running, trust_ns=8 * S, settles_ns=die.time_nano))
    assert t.rows["a"].state is State.RESTARTING


# -- the record of events seen: per row, not one key per event ---------------------------------


def test_two_actions_at_the_same_time_both_fold_and_each_replay_is_a_duplicate() -> None:
    t = fold([ev("create", "a", 1 * S), ev("start", "a", 2 * S),
              ev("die", "a", 3 * S, exitCode="1"), ev("start", "a", 3 * S)])
    assert t.rows["a"].state is State.RUNNING
    assert t.rows["a"].event_actions == ("die", "start")
    assert apply_event(t, ev("die", "a", 3 * S, exitCode="1")) == (t, Verdict.DUPLICATE)
    assert apply_event(t, ev("start", "a", 3 * S)) == (t, Verdict.DUPLICATE)


def test_a_replay_after_a_reconnect_changes_nothing() -> None:
    events = [ev("create", "a", 1 * S, name="web"), ev("start", "a", 2 * S),
              ev("create", "b", 3 * S, name="db"), ev("pause", "a", 4 * S),
              ev("die", "b", 5 * S, exitCode="0"), ev("destroy", "b", 6 * S)]
    t = fold(events)
    for replayed in events:
        assert apply(t, replayed) is t


def test_an_older_replay_is_out_of_order_and_changes_nothing() -> None:
    t = fold([ev("create", "a", 1 * S), ev("start", "a", 2 * S), ev("pause", "a", 4 * S)])
    assert apply_event(t, ev("start", "a", 2 * S)) == (t, Verdict.OUT_OF_ORDER)


def test_a_replayed_destroy_is_a_duplicate() -> None:
    t = fold([ev("create", "a", 1 * S), ev("destroy", "a", 2 * S)])
    assert apply_event(t, ev("destroy", "a", 2 * S)) == (t, Verdict.DUPLICATE)


def test_the_record_stays_one_action_per_row_however_many_events() -> None:
    t = fold([ev("create", "a", 1)])
    t = fold([ev("pause" if n % 2 else "unpause", "a", n) for n in range(2, 2_000)], t)
    assert t.rows["a"].event_actions == ("pause",)
    assert t.rows["a"].event_ns == 1_999


def test_a_replay_after_a_reconcile_is_still_a_duplicate() -> None:
    t = fold([ev("create", "a", 1 * S), ev("pause", "a", 2 * S)])
    listed = Container(id="a", name="a", state=State.PAUSED)
    t = apply(t, Snapshot((listed,), trust_ns=400 * S))
    assert apply_event(t, ev("pause", "a", 2 * S)) == (t, Verdict.DUPLICATE)


def test_a_row_a_reconcile_drops_stays_gone_when_its_events_are_replayed() -> None:
    t = fold([ev("create", "a", 1 * S), ev("start", "a", 2 * S), ev("create", "b", 2 * S)])
    t = apply(t, Snapshot((Container(id="b", name="b"),), trust_ns=10 * S))
    assert t.tombstones["a"] == 10 * S
    assert apply_event(t, ev("start", "a", 2 * S)) == (t, Verdict.GONE)


def test_a_tombstone_is_kept_five_minutes_after_the_snapshot_that_could_forget_it() -> None:
    t = fold([ev("create", "a", 1 * S), ev("destroy", "a", 2 * S)])
    t = apply(t, Snapshot((), trust_ns=2 * S + KEEP_GONE_NS))
    assert t.tombstones["a"] == 2 * S
    t = apply(t, Snapshot((), trust_ns=3 * S + KEEP_GONE_NS))
    assert "a" not in t.tombstones


def test_a_listed_row_once_thought_gone_comes_back_without_its_tombstone() -> None:
    t = apply(fold([ev("create", "a", 1)]), Vanished("a", trust_ns=1 * S))
    assert t.tombstones["a"] == 1 * S
    t = apply(t, Snapshot((Container(id="a", name="a"),), trust_ns=5 * S))
    assert "a" in t.rows
    assert "a" not in t.tombstones
