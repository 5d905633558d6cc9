"""Log search with a time budget: a pathological pattern is stopped, never hangs."""

from __future__ import annotations

import pytest

from genet_rx.model.logs import (
    TOO_SLOW,
    LogLine,
    SearchCancelled,
    SearchTooSlow,
    compile_search,
    search_lines,
)

#: Long lines a backtracking pattern such as ``(a+)+$`` takes exponential time over.
PATHOLOGICAL = [LogLine("stdout", "a" * 65536 + "b") for _ in range(3)]


def test_a_pathological_pattern_is_stopped_as_too_slow() -> None:
    with pytest.raises(SearchTooSlow, match=TOO_SLOW):
        search_lines(PATHOLOGICAL, "(a+)+$", regex=True, budget=0.3)


def test_a_pattern_slow_over_many_lines_is_stopped_too() -> None:
    lines = [LogLine("stdout", "a" * 65536 + "b") for _ in range(50)]
    with pytest.raises(SearchTooSlow):
        search_lines(lines, "(a|aa)+$", regex=True, budget=0.3)


def test_a_cancelled_search_stops() -> None:
    lines = [LogLine("stdout", f"line {i}") for i in range(1000)]
    with pytest.raises(SearchCancelled):
        search_lines(lines, "line", cancelled=lambda: True)


def test_the_message_says_the_search_stopped() -> None:
    assert TOO_SLOW == "search stopped: pattern too slow"


def test_compile_search_is_none_for_an_empty_pattern() -> None:
    assert compile_search("") is None


def test_plain_search_within_budget_finds_every_hit() -> None:
    lines = [LogLine("stdout", "x" * 65536 + "needle") for _ in range(200)]
    assert len(search_lines(lines, "NEEDLE", budget=5.0)) == 200


def test_spans_past_a_limit_are_not_kept() -> None:
    hits = search_lines([LogLine("stdout", "x" * 65536)], "x", spans_before=400)
    assert len(hits[0][1]) == 400


def test_a_hit_past_the_limit_is_still_a_hit() -> None:
    hits = search_lines([LogLine("stdout", "." * 1000 + "err")], "err", spans_before=400)
    assert hits == [(0, [(1000, 1003)])]
