"""The log ring is bounded in bytes as well as in lines."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from genet_rx.model.logs import DEFAULT_RING_BYTES, LogLine, LogRing

MiB = 2**20


def held_bytes(ring: LogRing) -> int:
    """What the lines' texts take in memory, measured here, not by the ring."""
    return sum(sys.getsizeof(line.text) for line in ring.snapshot())


def test_a_flood_of_64_kib_lines_stays_under_the_byte_budget() -> None:
    ring = LogRing(10_000, max_bytes=4 * MiB)
    for i in range(1_000):
        ring.append(LogLine("stdout", chr(ord("a") + i % 26) * 65536))
    assert held_bytes(ring) <= 4 * MiB


def test_the_byte_budget_keeps_the_newest_lines() -> None:
    ring = LogRing(10_000, max_bytes=4 * MiB)
    ring.extend(LogLine("stdout", f"{i:08d}" + "x" * 65528) for i in range(1_000))
    assert ring.snapshot()[-1].text.startswith("00000999")


def test_lines_dropped_for_bytes_are_counted() -> None:
    ring = LogRing(10_000, max_bytes=4 * MiB)
    ring.extend(LogLine("stdout", "x" * 65536) for _ in range(1_000))
    assert ring.dropped + len(ring) == 1_000


def test_the_ring_reports_what_it_holds_in_bytes() -> None:
    ring = LogRing(10, max_bytes=MiB)
    ring.extend(LogLine("stdout", "x" * 1000) for _ in range(5))
    assert ring.bytes >= held_bytes(ring)


def test_the_default_budget_is_64_mib() -> None:
    assert LogRing().max_bytes == DEFAULT_RING_BYTES == 64 * MiB


def test_a_single_line_over_the_budget_is_kept_alone() -> None:
    ring = LogRing(10, max_bytes=1000)
    ring.append(LogLine("stdout", "x" * 5000))
    assert [len(line.text) for line in ring.snapshot()] == [5000]


@given(
    st.lists(st.integers(0, 3000), max_size=60),
    st.integers(1, 20),
    st.integers(1, 20_000),
)
def test_either_bound_drops_the_oldest_and_counts_them(
    sizes: list[int], capacity: int, budget: int
) -> None:
    ring = LogRing(capacity, max_bytes=budget)
    for i, size in enumerate(sizes):
        ring.append(LogLine("stdout", str(i % 10) * size))
    held = ring.snapshot()
    assert len(held) <= capacity
    assert ring.dropped + len(held) == len(sizes)
    assert len(held) <= 1 or ring.bytes <= budget
    assert ring.bytes == sum(ring.cost(line) for line in held)
