"""KivyScheduler: every queued action drains in one frame, in order; timing; disposal."""

from __future__ import annotations

import threading
import time

import pytest
import reactivex as rx
from reactivex import operators as ops
from reactivex.subject import Subject

from genet_kivy.scheduler import KivyScheduler

pytestmark = pytest.mark.ui


@pytest.fixture
def clock():
    from kivy.clock import Clock

    Clock.tick()
    return Clock


def tick_until(clock, cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        clock.tick()


def test_burst_of_1000_values_arrives_in_one_frame_in_order(clock):
    # A budget no loaded machine spends (the default 50 ms is wall time, and a busy machine
    # may take the main thread away for longer): the budget itself is tested below.
    scheduler = KivyScheduler(budget=60.0)
    subject: Subject[int] = Subject()
    got: list[tuple[int, int]] = []
    subject.pipe(ops.observe_on(scheduler)).subscribe(lambda v: got.append((v, clock.frames)))

    feeder = threading.Thread(target=lambda: [subject.on_next(i) for i in range(1000)])
    feeder.start()
    feeder.join()
    assert got == []  # nothing runs off the main thread

    tick_until(clock, lambda: len(got) == 1000)
    assert [v for v, _ in got] == list(range(1000))
    assert len({frame for _, frame in got}) == 1, "the burst spread over several frames"


def test_values_emitted_while_frames_run_keep_their_order(clock):
    scheduler = KivyScheduler()
    subject: Subject[int] = Subject()
    got: list[int] = []
    threads: list[int] = []
    main = threading.get_ident()

    def on_next(v: int) -> None:
        got.append(v)
        threads.append(threading.get_ident())

    subject.pipe(ops.observe_on(scheduler)).subscribe(on_next)

    def feed() -> None:
        for i in range(5000):
            subject.on_next(i)
            if i % 500 == 0:
                time.sleep(0.005)

    feeder = threading.Thread(target=feed)
    feeder.start()
    tick_until(clock, lambda: len(got) == 5000 and not feeder.is_alive())
    feeder.join()
    assert got == list(range(5000))
    assert set(threads) == {main}


def test_schedule_relative_waits_at_least_the_delay(clock):
    scheduler = KivyScheduler()
    ran: list[float] = []
    start = time.monotonic()
    scheduler.schedule_relative(0.2, lambda _s, _st: ran.append(time.monotonic()))
    clock.tick()
    assert ran == []
    tick_until(clock, lambda: ran)
    assert ran[0] - start >= 0.19


def test_schedule_absolute_and_state(clock):
    scheduler = KivyScheduler()
    got: list[str] = []
    due = scheduler.now + scheduler.to_timedelta(0.05)
    scheduler.schedule_absolute(due, lambda _s, state: got.append(state), state="hello")
    tick_until(clock, lambda: got)
    assert got == ["hello"]


def test_disposal_cancels_pending_and_timed_actions(clock):
    scheduler = KivyScheduler()
    ran: list[str] = []
    now = scheduler.schedule(lambda _s, _st: ran.append("now"))
    later = scheduler.schedule_relative(0.05, lambda _s, _st: ran.append("later"))
    kept = scheduler.schedule_relative(0.06, lambda _s, _st: ran.append("kept"))
    now.dispose()
    later.dispose()
    # "kept" is due after "later": once it has run, "later" would have run too had it not been
    # cancelled.
    tick_until(clock, lambda: "kept" in ran)
    assert ran == ["kept"]
    kept.dispose()  # disposing an action that already ran changes nothing
    clock.tick()
    assert ran == ["kept"]


def test_a_failing_action_does_not_stall_the_rest(clock):
    scheduler = KivyScheduler()
    ran: list[int] = []

    def boom(_s, _st):
        raise RuntimeError("boom")

    scheduler.schedule(boom)
    scheduler.schedule(lambda _s, _st: ran.append(1))
    tick_until(clock, lambda: ran)
    assert ran == [1]


def test_budget_spreads_a_flood_over_frames_but_loses_nothing(clock):
    scheduler = KivyScheduler(budget=0.0)  # every action exhausts the budget
    got: list[int] = []
    for i in range(5):
        scheduler.schedule(lambda _s, st: got.append(st), state=i)
    first = clock.frames
    tick_until(clock, lambda: len(got) == 5)
    assert got == [0, 1, 2, 3, 4]
    assert clock.frames - first >= 5


def test_periodic_and_interval_work_through_rx(clock):
    scheduler = KivyScheduler()
    got: list[int] = []
    rx.interval(0.01, scheduler=scheduler).pipe(ops.take(3)).subscribe(got.append)
    tick_until(clock, lambda: len(got) == 3)
    assert got == [0, 1, 2]
