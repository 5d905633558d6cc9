"""The last few minutes of a number, for the stats graphs; human-readable units.

Pure: no Kivy. :class:`History` is a bounded deque of ``(time, value)`` points that forgets
points older than its window; :class:`RateHistory` turns a cumulative counter (bytes received
so far) into a history of rates (bytes a second), skipping a sample where the counter went
backwards (the container restarted).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

WINDOW_S = 300.0  # five minutes
#: One point a second for five minutes, with room to spare; a hard bound on memory.
MAX_POINTS = 600


class History:
    """``(time, value)`` points of the last ``window`` seconds, oldest first, at most ``maxlen``."""

    __slots__ = ("_points", "window")

    def __init__(self, window: float = WINDOW_S, maxlen: int = MAX_POINTS) -> None:
        if window <= 0 or maxlen < 1:
            raise ValueError("window and maxlen must be positive")
        self.window = window
        self._points: deque[tuple[float, float]] = deque(maxlen=maxlen)

    def add(self, t: float, value: float) -> None:
        """Add a point; a point older than the newest is ignored (time never runs back)."""
        if self._points and t < self._points[-1][0]:
            return
        self._points.append((t, value))
        self.trim(t)

    def trim(self, now: float) -> None:
        """Forget points older than ``now - window``."""
        horizon = now - self.window
        while self._points and self._points[0][0] < horizon:
            self._points.popleft()

    def points(self) -> list[tuple[float, float]]:
        return list(self._points)

    def __len__(self) -> int:
        return len(self._points)

    def __iter__(self) -> Iterator[tuple[float, float]]:
        return iter(self._points)

    @property
    def latest(self) -> float | None:
        return self._points[-1][1] if self._points else None

    def peak(self) -> float:
        """The largest value held (0 when empty)."""
        return max((v for _, v in self._points), default=0.0)

    def clear(self) -> None:
        self._points.clear()


class RateHistory(History):
    """A :class:`History` of per-second rates made from a cumulative counter."""

    __slots__ = ("_last",)

    def __init__(self, window: float = WINDOW_S, maxlen: int = MAX_POINTS) -> None:
        super().__init__(window, maxlen)
        self._last: tuple[float, float] | None = None

    def add_counter(self, t: float, counter: float) -> None:
        last, self._last = self._last, (t, counter)
        if last is None or t <= last[0] or counter < last[1]:
            return  # first sample, clock did not move, or the counter was reset
        self.add(t, (counter - last[1]) / (t - last[0]))

    def clear(self) -> None:
        super().clear()
        self._last = None


def nice_ceiling(value: float) -> float:
    """A round axis maximum at or above ``value``: 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1.0
    scale = 1.0
    while scale * 10 <= value:
        scale *= 10
    for step in (1, 2, 5, 10):
        if step * scale >= value:
            return float(step * scale)
    return 10 * scale  # pragma: no cover


_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_DECIMAL = ("B", "kB", "MB", "GB", "TB", "PB")


def size(n: float, binary: bool = False) -> str:
    """``1.5 MiB`` (binary, as ``docker stats`` shows memory) or ``1.5 MB`` (decimal: I/O)."""
    units = _BINARY if binary else _DECIMAL
    base = 1024.0 if binary else 1000.0
    value = float(max(0.0, n))
    for unit in units:
        if value < base or unit == units[-1]:
            if unit == "B":
                return f"{value:.0f} B"
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
        value /= base
    return f"{value:.0f} {units[-1]}"  # pragma: no cover


def rate(n: float) -> str:
    """A byte rate: ``12.3 kB/s``."""
    return f"{size(n)}/s"


def percent(p: float) -> str:
    return f"{p:.1f} %" if p < 100 else f"{p:.0f} %"
