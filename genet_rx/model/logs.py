"""A container's log output as values: lines, a bounded ring of them, and search over it.

The demultiplexer that makes :class:`LogLine` values from a logs body is
:mod:`genet_rx.wire.frames`; the stream that feeds it is :mod:`genet_rx.api.logs`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

STDOUT: Final = "stdout"
STDERR: Final = "stderr"
ERROR: Final = "error"

DEFAULT_MAX_LINE_BYTES: Final = 64 * 1024
DEFAULT_RING_CAPACITY: Final = 10_000


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line (or one capped piece of a long line) of a container's output.

    ``stream`` is ``"stdout"``, ``"stderr"`` or ``"error"`` (a daemon error sent in-band).
    ``time_ns`` is the engine's timestamp in nanoseconds since the epoch when timestamps were
    asked for (``text`` then excludes it), else ``None``. ``continued`` marks a piece of a line
    cut at ``max_line_bytes``: the next line of the same stream continues it, so a consumer can
    join the pieces back into the line.
    """

    stream: str
    text: str
    time_ns: int | None = None
    continued: bool = False


class LogRing:
    """The last ``capacity`` lines of a log, oldest first; older lines fall off and are counted.

    Not thread-safe: use it from one thread (the UI's), after ``observe_on``.
    """

    __slots__ = ("_dropped", "_lines")

    def __init__(self, capacity: int = DEFAULT_RING_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("LogRing capacity must be at least 1")
        self._lines: deque[LogLine] = deque(maxlen=capacity)
        self._dropped = 0

    @property
    def capacity(self) -> int:
        """How many lines the ring holds at most."""
        maxlen = self._lines.maxlen
        assert maxlen is not None
        return maxlen

    @property
    def dropped(self) -> int:
        """How many lines have fallen off the front since creation (or :meth:`clear`)."""
        return self._dropped

    def __len__(self) -> int:
        return len(self._lines)

    def append(self, line: LogLine) -> None:
        """Add one line at the end, dropping the oldest when full."""
        if len(self._lines) == self.capacity:
            self._dropped += 1
        self._lines.append(line)

    def extend(self, lines: Iterable[LogLine]) -> None:
        """Add lines at the end, in order, dropping the oldest when full."""
        before = len(self._lines)
        added = 0
        for line in lines:
            self._lines.append(line)
            added += 1
        self._dropped += max(0, before + added - len(self._lines))

    def snapshot(self) -> tuple[LogLine, ...]:
        """The lines held now, oldest first, as an immutable tuple."""
        return tuple(self._lines)

    def clear(self) -> None:
        """Forget all lines and reset the dropped count."""
        self._lines.clear()
        self._dropped = 0


class SearchPatternError(ValueError):
    """A search pattern that is not a valid regular expression; the message says why."""


Span = tuple[int, int]


def search_lines(
    lines: Sequence[LogLine | str],
    pattern: str,
    regex: bool = False,
    ignore_case: bool = True,
) -> list[tuple[int, list[Span]]]:
    """Lines matching ``pattern``, as ``(index, [(start, end), ...])`` character spans in text.

    Plain text by default; ``regex=True`` takes a Python regular expression (a bad one raises
    :class:`SearchPatternError`). Spans do not overlap and are never empty: zero-width matches
    (``^``, ``x*`` on a line without x) highlight nothing and do not count as hits. An empty
    pattern matches nothing.
    """
    if not pattern:
        return []
    flags = re.IGNORECASE if ignore_case else 0
    try:
        compiled = re.compile(pattern if regex else re.escape(pattern), flags)
    except re.error as exc:
        raise SearchPatternError(f"not a valid regular expression: {exc}") from None
    hits: list[tuple[int, list[Span]]] = []
    for index, line in enumerate(lines):
        text = line if isinstance(line, str) else line.text
        spans = [m.span() for m in compiled.finditer(text) if m.end() > m.start()]
        if spans:
            hits.append((index, spans))
    return hits
