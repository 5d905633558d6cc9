"""A container's log as RecycleView rows: streams told apart, long lines cut, search marked.

Pure: no Kivy. :class:`LogModel` owns the :class:`~genet_rx.model.logs.LogRing` (the bound on
memory) and one small row dict per line kept in step with it, so a batch of new lines costs
work in proportion to the batch, not to the ring. A row holds only the line, whether it
matches the search, and the compiled search; :func:`view_attrs` works out what it looks like
when a view shows it, so a flood pays per line only for a three-key dict.

* Every row carries a text **marker** beside its colour (never colour alone): ``out`` for
  stdout, ``err`` for stderr, ``eng`` for an error the engine itself sent in-band.
* A row shows at most :data:`SHOWN_CHARS` characters of its line and ends with "…" when
  there is more; the whole line stays in the row (``line``) for a tap to show it.
* Search (plain text or a regular expression, case-insensitive) marks matches with Kivy
  markup; a bad expression sets :attr:`LogModel.search_error` and matches nothing.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from genet_rx.model.logs import (
    DEFAULT_RING_BYTES,
    DEFAULT_RING_CAPACITY,
    ERROR,
    STDERR,
    LogLine,
    LogRing,
    SearchPatternError,
    search_lines,
)

Rgba = tuple[float, float, float, float]
Row = dict[str, Any]
Span = tuple[int, int]

SHOWN_CHARS = 400  # characters of a line drawn in its row; the rest behind a tap

MARKER: dict[str, str] = {"stdout": "out", STDERR: "err", ERROR: "eng"}
TEXT_COLOR: dict[str, Rgba] = {
    "stdout": (0.86, 0.87, 0.89, 1),
    STDERR: (1.0, 0.70, 0.45, 1),
    ERROR: (1.0, 0.55, 0.55, 1),
}
MARKER_COLOR: dict[str, Rgba] = {
    "stdout": (0.42, 0.44, 0.48, 1),
    STDERR: (1.0, 0.62, 0.30, 1),
    ERROR: (1.0, 0.40, 0.40, 1),
}
#: Row background: only stderr and engine errors get one (less to draw for plain output).
ROW_TINT: dict[str, Rgba] = {
    "stdout": (0, 0, 0, 0),
    STDERR: (1.0, 0.55, 0.20, 0.07),
    ERROR: (0.9, 0.20, 0.20, 0.22),
}
HIT_MARKUP = ("[b][color=#ffd54f][u]", "[/u][/color][/b]")


def escape(text: str) -> str:
    """Text made safe for Kivy markup (what ``kivy.utils.escape_markup`` does)."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """The part of a line a row draws: at most ``limit`` characters, "…" when cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def marked(text: str, spans: Sequence[Span] = (), limit: int = SHOWN_CHARS) -> str:
    """Markup for a row: the shown part of ``text``, escaped, with ``spans`` highlighted."""
    cut = len(text) > limit
    visible = text[:limit] if cut else text
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start >= len(visible):
            break
        end = min(end, len(visible))
        out.append(escape(visible[pos:start]))
        out.append(HIT_MARKUP[0] + escape(visible[start:end]) + HIT_MARKUP[1])
        pos = end
    out.append(escape(visible[pos:]))
    if cut:
        out.append("…")
    return "".join(out)


def stamp(time_ns: int | None) -> str:
    """``2026-11-28 23:55:01.123`` (UTC), or "" without a time."""
    if time_ns is None:
        return ""
    dt = datetime.fromtimestamp(time_ns / 1e9, UTC)
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{(time_ns // 1_000_000) % 1000:03d}"


def compile_search(pattern: str, regex: bool = False) -> re.Pattern[str] | None:
    """The search as a compiled pattern (case-insensitive), None for an empty one.

    A bad regular expression raises :class:`~genet_rx.model.logs.SearchPatternError`, as
    :func:`~genet_rx.model.logs.search_lines` does (it is asked to check, so both agree).
    """
    if not pattern:
        return None
    search_lines((), pattern, regex=regex)  # raises SearchPatternError for a bad one
    return re.compile(pattern if regex else re.escape(pattern), re.IGNORECASE)


def spans_in(text: str, pattern: re.Pattern[str] | None, limit: int = SHOWN_CHARS) -> list[Span]:
    """Non-empty matches of ``pattern`` that start within the first ``limit`` characters."""
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text, 0, limit) if m.end() > m.start()]


def row_of(line: LogLine, hit: bool = False, pattern: re.Pattern[str] | None = None) -> Row:
    """A line's RecycleView row: small on purpose (a flood makes thousands a second); what it
    looks like is worked out by :func:`view_attrs` only for the rows on screen."""
    return {"line": line, "hit": hit, "pattern": pattern if hit else None}


def view_attrs(row: Row) -> Row:
    """What a row's view shows: marker and colours by stream, time, the cut and marked text."""
    line: LogLine = row["line"]
    stream = line.stream if line.stream in MARKER else "stdout"
    return {
        "line": line,
        "marker": MARKER[stream],
        "marker_color": MARKER_COLOR[stream],
        "text": marked(line.text, spans_in(line.text, row["pattern"])),
        "text_color": TEXT_COLOR[stream],
        "tint": ROW_TINT[stream],
        "stamp": stamp(line.time_ns),
        "hit": row["hit"],
        "long": len(line.text) > SHOWN_CHARS,
    }


def saved_text(lines: Iterable[LogLine], timestamps: bool = False) -> str:
    """The lines as a file holds them: one a line, stamped (RFC 3339, UTC) when asked."""
    out: list[str] = []
    for line in lines:
        if timestamps and line.time_ns is not None:
            dt = datetime.fromtimestamp(line.time_ns // 10**9, UTC)
            frac = f"{line.time_ns % 10**9:09d}"
            out.append(f"{dt.strftime('%Y-%m-%dT%H:%M:%S')}.{frac}Z {line.text}")
        else:
            out.append(line.text)
    return "".join(f"{text}\n" for text in out)


class LogModel:
    """The lines held (a ring of ``capacity``) and their rows, with the current search."""

    def __init__(
        self, capacity: int = DEFAULT_RING_CAPACITY, max_bytes: int = DEFAULT_RING_BYTES
    ) -> None:
        self.ring = LogRing(capacity, max_bytes)
        self.rows: deque[Row] = deque()  # one per line of the ring, dropped in step with it
        self.pattern = ""
        self.regex = False
        self.search_error = ""
        self.hits = 0
        self.version = 0  # bumps on every change (views redraw when it moved)
        self.skipped = 0  # lines of huge batches that never entered the ring
        self._compiled: re.Pattern[str] | None = None

    @property
    def capacity(self) -> int:
        return self.ring.capacity

    def __len__(self) -> int:
        return len(self.ring)

    def add(self, lines: Sequence[LogLine]) -> None:
        """Append a batch of lines (only the last ``capacity`` of a huge batch are kept)."""
        if not lines:
            return
        cap = self.capacity
        skipped = max(0, len(lines) - cap)
        if skipped:
            lines = lines[skipped:]
            self.skipped += skipped
        self.ring.extend(lines)
        compiled = self._compiled
        if compiled is None:
            self.rows.extend({"line": line, "hit": False, "pattern": None} for line in lines)
        else:
            hits = self._hits(lines)
            self.hits += len(hits)
            self.rows.extend(row_of(line, i in hits, compiled) for i, line in enumerate(lines))
        self._trim_rows()
        self.version += 1

    def _trim_rows(self) -> None:
        """Drop the rows of the lines the ring dropped (for lines or for bytes)."""
        rows, held = self.rows, len(self.ring)
        while len(rows) > held:
            if rows.popleft()["hit"]:
                self.hits -= 1

    @property
    def dropped(self) -> int:
        """Lines that fell off the front (the ring's count, plus any a huge batch skipped)."""
        return self.ring.dropped + self.skipped

    def search(self, pattern: str, regex: bool = False) -> None:
        """Mark matches of ``pattern`` in every held line (a bad regex matches nothing)."""
        self.pattern, self.regex = pattern, regex
        self.search_error = ""
        try:
            self._compiled = compile_search(pattern, regex)
        except SearchPatternError as exc:
            self._compiled = None
            self.search_error = str(exc)
        lines = self.ring.snapshot()
        hits = self._hits(lines)
        self.hits = len(hits)
        self.rows.clear()
        self.rows.extend(row_of(line, i in hits, self._compiled) for i, line in enumerate(lines))
        self.version += 1

    def _hits(self, lines: Sequence[LogLine]) -> set[int]:
        """Indexes of the lines with a (non-empty) match of the current search."""
        if self._compiled is None:
            return set()
        return {i for i, _ in search_lines(lines, self.pattern, regex=self.regex)}

    def data(self) -> list[Row]:
        return list(self.rows)

    def lines(self) -> tuple[LogLine, ...]:
        return self.ring.snapshot()

    def clear(self) -> None:
        self.ring.clear()
        self.rows.clear()
        self.hits = 0
        self.skipped = 0
        self.version += 1


def hit_rows(rows: Sequence[Row]) -> list[int]:
    """Indexes of the rows that hold a match."""
    return [i for i, r in enumerate(rows) if r["hit"]]


def valid_pattern(pattern: str, regex: bool) -> str:
    """ "" when ``pattern`` can be searched for, else why not (for the search field)."""
    if not regex:
        return ""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return ""
