"""The pipeline operators ReactiveX does not ship, on reactivex's TestScheduler (virtual time,
one tick a second here). No engine, no Kivy."""

from __future__ import annotations

import reactivex
from reactivex import operators as ops
from reactivex.testing import ReactiveTest, TestScheduler

from genet_rx.engine.operators import latest_every, then_merge

on_next, on_completed, on_error = (ReactiveTest.on_next, ReactiveTest.on_completed,
                                   ReactiveTest.on_error)


def paced(*messages):
    scheduler = TestScheduler()
    source = scheduler.create_hot_observable(*messages)
    return scheduler.start(lambda: source.pipe(latest_every(10, scheduler))).messages


def test_the_first_value_passes_at_once():
    assert paced(on_next(210, "a")) == [on_next(210, "a")]


def test_a_run_of_values_passes_only_the_newest_after_the_pause():
    got = paced(on_next(210, "a"), on_next(212, "b"), on_next(215, "c"))
    assert got == [on_next(210, "a"), on_next(220, "c")]


def test_a_value_after_a_quiet_pause_passes_at_once():
    got = paced(on_next(210, "a"), on_next(230, "b"))
    assert got == [on_next(210, "a"), on_next(230, "b")]


def test_completion_hands_on_the_waiting_value_first():
    got = paced(on_next(210, "a"), on_next(212, "b"), on_completed(213))
    assert got == [on_next(210, "a"), on_next(213, "b"), on_completed(213)]


def test_an_error_hands_on_the_waiting_value_first():
    failure = RuntimeError("the pull failed")
    got = paced(on_next(210, "a"), on_next(212, "b"), on_error(213, failure))
    assert got == [on_next(210, "a"), on_next(213, "b"), on_error(213, failure)]


def test_a_value_waiting_at_disposal_never_passes():
    got = paced(on_next(210, "a"), on_next(995, "b"), on_next(998, "c"))
    assert got == [on_next(210, "a"), on_next(995, "b")]


# then_merge: each value on, then what it asks for (the sync pipeline's targeted inspects).

def followed(messages, follow_up):
    scheduler = TestScheduler()
    source = scheduler.create_hot_observable(*messages)
    return scheduler.start(lambda: source.pipe(then_merge(lambda v: follow_up(v, scheduler)))
                           ).messages


def inspect_of_b(value, scheduler):
    """Only "b" asks for more: its inspect answers 5 ticks later."""
    return reactivex.timer(5, scheduler=scheduler).pipe(
        ops.map(lambda _: value.upper())) if value == "b" else None


def test_values_that_ask_for_nothing_pass_alone():
    got = followed([on_next(210, "a"), on_completed(220)], inspect_of_b)
    assert got == [on_next(210, "a"), on_completed(220)]


def test_a_follow_up_is_merged_in_after_its_value():
    got = followed([on_next(210, "b"), on_next(212, "a")], inspect_of_b)
    assert got == [on_next(210, "b"), on_next(212, "a"), on_next(215, "B")]


def test_completion_waits_for_a_running_follow_up():
    got = followed([on_next(210, "b"), on_completed(211)], inspect_of_b)
    assert got == [on_next(210, "b"), on_next(215, "B"), on_completed(215)]


def test_the_follow_up_is_decided_after_its_value_went_downstream():
    seen: list[str] = []
    scheduler = TestScheduler()
    source = scheduler.create_hot_observable(on_next(210, "a"))

    def follow_up(value):
        seen.append(f"asked after {list(passed)}")
        return None

    passed: list[str] = []
    source.pipe(then_merge(follow_up)).subscribe(passed.append)
    scheduler.start()
    assert seen == ["asked after ['a']"]


def test_a_failing_follow_up_ends_the_whole_with_its_error():
    broken = ValueError("no inspect")

    def follow_up(_value, _scheduler):
        raise broken

    got = followed([on_next(210, "a"), on_next(220, "c")], follow_up)
    assert got == [on_next(210, "a"), on_error(210, broken)]
