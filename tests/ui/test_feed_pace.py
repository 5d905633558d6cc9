"""The feed's pace while states stream (genet_kivy/controllers/feed.py): at least PACE apart,
and far enough apart that applying and drawing them stays within BUDGET of a core."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import immutables
import pytest
from reactivex.subject import Subject

from genet_kivy.controllers.feed import BUDGET, MAX_GAP, PACE, Feed, gap
from genet_rx.state.containers import ContainerTable
from genet_rx.state.engine_state import EngineState


def test_cheap_states_are_paced_at_the_shortest_gap() -> None:
    assert gap(PACE * BUDGET / 2) == PACE


def test_costly_states_are_spaced_to_stay_within_the_budget() -> None:
    assert gap(0.12, pace=0.25, budget=0.2) == pytest.approx(0.6)


def test_no_state_holds_the_next_back_longer_than_the_longest_gap() -> None:
    assert gap(10.0) == MAX_GAP


class Fed:
    """A started Feed on one engine "a" (no Kivy app), its states offered by hand."""

    def __init__(self, **clocks: Any) -> None:
        self.engines = SimpleNamespace(engines={"a": None}, state=Subject())
        self.applied: list[frozenset[str]] = []
        self.feed = Feed(self.engines, on_main=lambda o: o, on_state=self.applied.append,
                         on_connection=lambda _c: None, on_error=lambda e: None, **clocks)
        self.feed.start()

    def offer(self, last_event_ns: int) -> None:
        table = ContainerTable(synced=True, last_event_ns=last_event_ns)
        self.engines.state.on_next(
            immutables.Map({"a": EngineState(host="a", containers=table)}))


def test_a_state_costs_the_cpu_spent_until_the_frame_after_it(frames) -> None:
    cpu = [10.0]
    fed = Fed(cpu=lambda: cpu[0])
    feed, applied = fed.feed, fed.applied
    try:
        fed.offer(0)
        frames.until(lambda: applied, what="start-up's state applied")
        cpu[0] += 2.0  # start-up builds the widgets: not counted
        frames.step(2)
        assert feed.cost == 0
        fed.offer(1)
        frames.until(lambda: len(applied) == 2, what="the next state applied")
        cpu[0] += 0.1  # the state's present, layout and repaint
        frames.until(lambda: feed.cost, what="the state's cost measured")
        assert feed.cost == pytest.approx(0.1)
        assert feed.gap == pytest.approx(0.1 / BUDGET)
        assert not feed.quiet  # the next state waits for the gap
    finally:
        feed.stop()


def test_a_state_applied_takes_the_place_of_a_paced_apply_still_waiting(frames) -> None:
    now = [100.0]
    fed = Fed(clock=lambda: now[0])
    feed, applied, offer = fed.feed, fed.applied, fed.offer
    try:
        offer(1)
        frames.until(lambda: applied, what="start-up's state applied")
        now[0] += PACE / 2
        offer(2)  # inside the gap: waits for a paced apply
        assert feed._due is not None
        now[0] += PACE  # the gap is over before that apply ran: the next comes at once
        offer(3)
        frames.until(lambda: len(applied) == 2, what="the state after the gap applied")
        assert feed.state.containers.last_event_ns == 3
        assert feed._due is None  # else it would apply the next state too soon after this
    finally:
        feed.stop()
