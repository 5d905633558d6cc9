"""A container's log output as values: lines, a bounded ring of them, and search over it.

The demultiplexer that makes :class:`LogLine` values from a logs body is
:mod:`genet_rx.wire.frames`; the stream that feeds it is :mod:`genet_rx.api.logs`.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import msgspec
import regex as regexp

STDOUT: Final = "stdout"
STDERR: Final = "stderr"
ERROR: Final = "error"

DEFAULT_MAX_LINE_BYTES: Final = 64 * 1024
DEFAULT_RING_CAPACITY: Final = 10_000
DEFAULT_RING_BYTES: Final = 64 * 2**20
#: Bytes a held line costs besides its text: the LogLine object and its slot in the ring.
LINE_OVERHEAD: Final = 120


class LogLine(msgspec.Struct, frozen=True, gc=False):
    """One line (or one capped piece of a long line) of a container's output.

    ``stream`` is ``"stdout"``, ``"stderr"`` or ``"error"`` (a daemon error sent in-band).
    ``time_ns`` is the engine's timestamp in nanoseconds since the epoch when timestamps were
    asked for (``text`` then excludes it), else ``None``. ``continued`` marks a piece of a line
    cut at ``max_line_bytes``: the next line of the same stream continues it, so a consumer can
    join the pieces back into the line.

    A frozen ``msgspec.Struct`` like every value here; a log flood makes one per line, and it
    holds only strings and numbers, so the garbage collector does not track it (``gc=False``).
    """

    stream: str
    text: str
    time_ns: int | None = None
    continued: bool = False


def _bytes_of(lines: Sequence[LogLine]) -> int:
    """The sum of :meth:`LogRing.cost` over ``lines`` (in bulk: a flood calls it per batch)."""
    return sum(map(sys.getsizeof, [line.text for line in lines])) + LINE_OVERHEAD * len(lines)


class LogRing:
    """The last lines of a log, oldest first, bounded in lines and in bytes.

    The oldest lines fall off (and are counted in :attr:`dropped`) when the ring holds more
    than ``capacity`` lines or more than ``max_bytes`` bytes, whichever comes first. A line's
    bytes are what its text takes in memory plus a fixed overhead (:meth:`cost`), so a flood
    of long lines stays within the budget however few they are. The newest line is always
    kept, even alone over the budget (the demultiplexer caps lines far below any budget).

    Not thread-safe: use it from one thread (the UI's), after ``observe_on``.
    """

    __slots__ = ("_bytes", "_capacity", "_dropped", "_lines", "_max_bytes")

    def __init__(
        self, capacity: int = DEFAULT_RING_CAPACITY, max_bytes: int = DEFAULT_RING_BYTES
    ) -> None:
        if capacity < 1:
            raise ValueError("LogRing capacity must be at least 1")
        if max_bytes < 1:
            raise ValueError("LogRing max_bytes must be at least 1")
        self._lines: deque[LogLine] = deque()
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._dropped = 0

    @staticmethod
    def cost(line: LogLine) -> int:
        """The bytes one line is counted for: its text in memory plus the line's own."""
        return sys.getsizeof(line.text) + LINE_OVERHEAD

    @property
    def capacity(self) -> int:
        """How many lines the ring holds at most."""
        return self._capacity

    @property
    def max_bytes(self) -> int:
        """How many bytes the ring holds at most (but always its newest line)."""
        return self._max_bytes

    @property
    def bytes(self) -> int:
        """The bytes held now (the sum of :meth:`cost` over the lines held)."""
        return self._bytes

    @property
    def dropped(self) -> int:
        """How many lines have fallen off the front since creation (or :meth:`clear`)."""
        return self._dropped

    def __len__(self) -> int:
        return len(self._lines)

    def append(self, line: LogLine) -> None:
        """Add one line at the end, dropping the oldest past either bound."""
        self._lines.append(line)
        self._bytes += self.cost(line)
        self._trim()

    def extend(self, lines: Iterable[LogLine]) -> None:
        """Add lines at the end, in order, dropping the oldest past either bound."""
        batch = lines if isinstance(lines, list | tuple) else list(lines)
        if not batch:
            return
        held = self._lines
        if len(batch) >= self._capacity:  # a flood: only the batch's tail can stay
            self._dropped += len(held) + len(batch) - self._capacity
            held.clear()
            self._bytes = 0
            batch = batch[len(batch) - self._capacity :]
        held.extend(batch)
        self._bytes += _bytes_of(batch)
        excess = len(held) - self._capacity
        if excess > 0:
            pop = held.popleft
            self._bytes -= _bytes_of([pop() for _ in range(excess)])
            self._dropped += excess
        self._trim()

    def _trim(self) -> None:
        lines = self._lines
        while len(lines) > self._capacity or (self._bytes > self._max_bytes and len(lines) > 1):
            self._drop_one()

    def _drop_one(self) -> None:
        self._bytes -= self.cost(self._lines.popleft())
        self._dropped += 1

    def snapshot(self) -> tuple[LogLine, ...]:
        """The lines held now, oldest first, as an immutable tuple."""
        return tuple(self._lines)

    def clear(self) -> None:
        """Forget all lines and reset the dropped count."""
        self._lines.clear()
        self._bytes = 0
        self._dropped = 0


class SearchPatternError(ValueError):
    """A search pattern that is not a valid regular expression; the message says why."""


#: What a search stopped for taking longer than its budget says.
TOO_SLOW: Final = "search stopped: pattern too slow"
#: Seconds a search may take by default before it is stopped as too slow.
SEARCH_BUDGET: Final = 2.0


class SearchTooSlow(Exception):
    """A search ran past its time budget and was stopped (a backtracking pattern)."""

    def __init__(self) -> None:
        super().__init__(TOO_SLOW)


class SearchCancelled(Exception):
    """A search was asked to stop (a newer one replaced it)."""


Span = tuple[int, int]
Pattern = regexp.Pattern[str]


def compile_search(pattern: str, regex: bool = False, ignore_case: bool = True) -> Pattern | None:
    """The search as a compiled pattern, None for an empty one.

    Plain text is taken literally; ``regex=True`` takes a regular expression in Python's
    syntax (a bad one raises :class:`SearchPatternError`). Patterns are compiled with the
    ``regex`` module, whose matching takes a timeout and lets other threads run meanwhile.
    """
    if not pattern:
        return None
    flags = regexp.IGNORECASE if ignore_case else 0
    try:
        return regexp.compile(pattern if regex else regexp.escape(pattern), flags)
    except regexp.error as exc:
        raise SearchPatternError(f"not a valid regular expression: {exc}") from None


def search_lines(
    lines: Sequence[LogLine | str],
    pattern: str | Pattern,
    regex: bool = False,
    ignore_case: bool = True,
    *,
    budget: float | None = None,
    cancelled: Callable[[], bool] | None = None,
    spans_before: int | None = None,
) -> list[tuple[int, list[Span]]]:
    """Lines matching ``pattern``, as ``(index, [(start, end), ...])`` character spans in text.

    Plain text by default; ``regex=True`` takes a regular expression (a bad one raises
    :class:`SearchPatternError`); a pattern compiled by :func:`compile_search` is used as it
    is. Spans do not overlap and are never empty: zero-width matches (``^``, ``x*`` on a line
    without x) highlight nothing and do not count as hits. An empty pattern matches nothing.

    ``budget`` bounds the seconds the whole search may take: past it (a backtracking pattern
    over long lines) it raises :class:`SearchTooSlow`, also in the middle of one line.
    ``cancelled`` is asked between lines; when it answers True the search raises
    :class:`SearchCancelled`. ``spans_before`` keeps only the spans that start before that
    many characters (and the first one whatever its place, so a hit is still a hit): a viewer
    that draws the start of a line needs no more, and a line of 64 KiB of ``x`` searched for
    ``x`` does not make 65,536 spans.
    """
    compiled = (
        compile_search(pattern, regex, ignore_case) if isinstance(pattern, str) else pattern
    )
    if compiled is None:
        return []
    deadline = None if budget is None else time.monotonic() + budget
    hits: list[tuple[int, list[Span]]] = []
    for index, line in enumerate(lines):
        if cancelled is not None and cancelled():
            raise SearchCancelled()
        text = line if isinstance(line, str) else line.text
        spans = line_spans(compiled, text, deadline, spans_before)
        if spans:
            hits.append((index, spans))
    return hits


def line_spans(
    compiled: Pattern, text: str, deadline: float | None = None, before: int | None = None
) -> list[Span]:
    """Non-empty matches of ``compiled`` in ``text`` (see :func:`search_lines` for ``before``);
    past ``deadline`` raises :class:`SearchTooSlow`."""
    timeout = None
    if deadline is not None:
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            raise SearchTooSlow()
    spans: list[Span] = []
    try:
        for m in compiled.finditer(text, timeout=timeout, concurrent=True):
            start, end = m.span()
            if before is not None and start >= before and spans:
                break
            if end > start:
                spans.append((start, end))
                if before is not None and start >= before:
                    break
    except TimeoutError:
        raise SearchTooSlow() from None
    return spans
