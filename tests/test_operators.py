"""The pipeline operators ReactiveX does not ship, on reactivex's TestScheduler (virtual time,
one tick a second here). No engine, no Kivy."""

from __future__ import annotations

from reactivex.testing import ReactiveTest, TestScheduler

from genet_rx.engine.operators import latest_every

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
