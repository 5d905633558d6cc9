"""The app hands glibc's free pages back now and then (issue 17: a kiosk's resident memory
kept a burst's freed pages for the life of the process)."""

from __future__ import annotations

from genet_kivy.heap import trim_heap


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_pages_freed_below_live_memory_are_handed_back() -> None:
    burst = [bytes(4000) for _ in range(25_000)]  # ~100 MB on the C heap (over pymalloc's 512)
    pinned = bytes(4000)  # allocated above the burst: glibc cannot give back from the top
    del burst
    held = rss_kib()
    handed_back = trim_heap()
    after = rss_kib()
    assert handed_back is True
    assert held - after > 50 * 1024  # KiB: most of the ~100 MB burst
    assert len(pinned) == 4000
