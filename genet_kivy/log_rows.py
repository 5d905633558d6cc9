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
  markup; a bad expression sets :attr:`LogModel.search_error` and matches nothing. The
  matching itself never runs here: :meth:`LogModel.search` and :meth:`LogModel.add` return
  :class:`~genet_kivy.log_search.SearchJob` values for a worker thread, and
  :meth:`LogModel.apply` marks the rows its results name (by line number in the log, so lines
  that fell off meanwhile are simply skipped). Rows carry their spans: drawing a row runs no
  pattern on the UI thread.
"""

from __future__ import annotations

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
    Pattern,
    SearchPatternError,
    compile_search,
)

from .log_search import SPANS_BEFORE, SearchJob, SearchResult

Rgba = tuple[float, float, float, float]
Row = dict[str, Any]
Span = tuple[int, int]

SHOWN_CHARS = SPANS_BEFORE  # characters of a line drawn in its row; the rest behind a tap

MARKER: dict[str, str] = {"stdout": "out", STDERR: "err", ERROR: "eng"}
TEXT_COLOR: dict[str, Rgba] = {
    "stdout": (0.86, 0.87, 0.89, 1),
    STDERR: (1.0, 0.70, 0.45, 1),
    ERROR: (1.0, 0.55, 0.55, 1),
}
MARKER_COLOR: dict[str, Rgba] = {
    "stdout": (0.52, 0.54, 0.58, 1),
    STDERR: (1.0, 0.62, 0.30, 1),
    ERROR: (1.0, 0.40, 0.40, 1),
}
#: Row background: only stderr and engine errors get one (less to draw for plain output).
ROW_TINT: dict[str, Rgba] = {
    "stdout": (0, 0, 0, 0),
    STDERR: (1.0, 0.55, 0.20, 0.07),
    ERROR: (0.9, 0.20, 0.20, 0.22),
}
HIT_COLOR = "ffd54f"  # a match's colour on the dark look (the light look passes its own)


def hit_markup(color: str = HIT_COLOR) -> tuple[str, str]:
    return (f"[b][color=#{color}][u]", "[/u][/color][/b]")


def escape(text: str) -> str:
    """Text made safe for Kivy markup (what ``kivy.utils.escape_markup`` does)."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """The part of a line a row draws: at most ``limit`` characters, "…" when cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def marked(text: str, spans: Sequence[Span] = (), limit: int = SHOWN_CHARS,
           hit_color: str = HIT_COLOR) -> str:
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
        opening, closing = hit_markup(hit_color)
        out.append(opening + escape(visible[start:end]) + closing)
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


def row_of(line: LogLine, spans: Sequence[Span] | None = None) -> Row:
    """A line's RecycleView row: small on purpose (a flood makes thousands a second); what it
    looks like is worked out by :func:`view_attrs` only for the rows on screen. ``spans`` are
    the line's matches (None: not a hit); only those that start on screen are kept."""
    if spans is None:
        return {"line": line, "hit": False, "spans": ()}
    return {"line": line, "hit": True, "spans": tuple(sp for sp in spans if sp[0] < SHOWN_CHARS)}


def view_attrs(row: Row, hit_color: str = HIT_COLOR) -> Row:
    """What a row's view shows: marker and colours by stream, time, the cut and marked text."""
    line: LogLine = row["line"]
    stream = line.stream if line.stream in MARKER else "stdout"
    return {
        "line": line,
        "marker": MARKER[stream],
        "marker_color": MARKER_COLOR[stream],
        "text": marked(line.text, row["spans"], hit_color=hit_color),
        "text_color": TEXT_COLOR[stream],
        "tint": ROW_TINT[stream],
        "stamp": stamp(line.time_ns),
        "hit": row["hit"],
        "long": len(line.text) > SHOWN_CHARS,
    }


def saved_text(lines: Iterable[LogLine], timestamps: bool = False) -> str:
    """The lines as a file holds them: one a line, each after its stream's marker as the rows
    show it (``out``, ``err``, ``eng``), stamped (RFC 3339, UTC) first when asked."""
    out: list[str] = []
    for line in lines:
        text = f"{MARKER.get(line.stream, MARKER['stdout'])} {line.text}"
        if timestamps and line.time_ns is not None:
            dt = datetime.fromtimestamp(line.time_ns // 10**9, UTC)
            frac = f"{line.time_ns % 10**9:09d}"
            out.append(f"{dt.strftime('%Y-%m-%dT%H:%M:%S')}.{frac}Z {text}")
        else:
            out.append(text)
    return "".join(f"{text}\n" for text in out)


class LogModel:
    """The lines held (a ring bounded in lines and bytes), their rows, and the search state.

    Line numbers (``seq``) count every line since :meth:`clear`: the first held line's is
    :attr:`dropped`.
    """

    def __init__(
        self, capacity: int = DEFAULT_RING_CAPACITY, max_bytes: int = DEFAULT_RING_BYTES
    ) -> None:
        self.ring = LogRing(capacity, max_bytes)
        self.rows: deque[Row] = deque()  # one per line of the ring, dropped in step with it
        self.pattern = ""
        self.regex = False
        self.search_error = ""
        self.hits = 0
        self.pending = 0  # search jobs handed out whose results have not come back
        self.generation = 0  # bumps with every new search; older results are ignored
        self.version = 0  # bumps on every change (views redraw when it moved)
        self.skipped = 0  # lines of huge batches that never entered the ring
        self.only_hits = False  # while a search is on: rows of matching lines only
        self._compiled: Pattern | None = None

    @property
    def capacity(self) -> int:
        return self.ring.capacity

    @property
    def searching(self) -> bool:
        """Whether results of the current search are still to come."""
        return self.pending > 0

    def __len__(self) -> int:
        return len(self.ring)

    def add(self, lines: Sequence[LogLine]) -> SearchJob | None:
        """Append a batch of lines (only the last ``capacity`` of a huge batch are kept).

        Returns the job that searches the new lines held, when a search is on.
        """
        if not lines:
            return None
        cap = self.capacity
        skipped = max(0, len(lines) - cap)
        if skipped:
            lines = lines[skipped:]
            self.skipped += skipped
        self.ring.extend(lines)
        self.rows.extend({"line": line, "hit": False, "spans": ()} for line in lines)
        self._trim_rows()
        self.version += 1
        if self._compiled is None:
            return None
        held = min(len(lines), len(self.ring))  # the byte budget may have dropped some already
        first = self.dropped + len(self.ring) - held
        return self._job(tuple(lines[len(lines) - held :]), first)

    def _trim_rows(self) -> None:
        """Drop the rows of the lines the ring dropped (for lines or for bytes)."""
        rows = self.rows
        excess = len(rows) - len(self.ring)
        if excess > 0:
            pop = rows.popleft
            self.hits -= sum(1 for row in [pop() for _ in range(excess)] if row["hit"])

    def _job(self, lines: tuple[LogLine, ...], first_seq: int) -> SearchJob:
        assert self._compiled is not None
        self.pending += 1
        return SearchJob(self.generation, self._compiled, lines, first_seq)

    @property
    def dropped(self) -> int:
        """Lines that fell off the front (the ring's count, plus any a huge batch skipped)."""
        return self.ring.dropped + self.skipped

    def search(self, pattern: str, regex: bool = False) -> SearchJob | None:
        """Start a new search: unmark every row and return the job over every held line
        (None for an empty pattern or a bad regular expression, which sets
        :attr:`search_error`)."""
        self.pattern, self.regex = pattern, regex
        self.search_error = ""
        self.generation += 1
        self.pending = 0
        try:
            self._compiled = compile_search(pattern, regex)
        except SearchPatternError as exc:
            self._compiled = None
            self.search_error = str(exc)
        if self.hits:
            self.rows = deque({"line": r["line"], "hit": False, "spans": ()} for r in self.rows)
            self.hits = 0
        self.version += 1
        if self._compiled is None:
            return None
        return self._job(self.ring.snapshot(), self.dropped)

    def apply(self, result: SearchResult) -> bool:
        """Mark the rows a result of the current search names; False when it is stale."""
        if result.generation != self.generation:
            return False
        self.pending = max(0, self.pending - 1)
        if result.error:
            self.search_error = result.error
            self._compiled = None  # stopped: later lines are not searched either
            self.pending = 0
        first, rows = self.dropped, self.rows
        for seq, spans in result.hits:
            index = seq - first
            if 0 <= index < len(rows) and not rows[index]["hit"]:
                rows[index] = row_of(rows[index]["line"], spans)
                self.hits += 1
        self.version += 1
        return True

    def data(self) -> list[Row]:
        """The rows to show: every line's, or only the matching lines' (``only_hits``)."""
        if self.only_hits and self.pattern:
            return [r for r in self.rows if r["hit"]]
        return list(self.rows)

    def lines(self) -> tuple[LogLine, ...]:
        return self.ring.snapshot()

    def clear(self) -> None:
        self.ring.clear()
        self.rows.clear()
        self.hits = 0
        self.skipped = 0
        self.version += 1
        if self.pending:  # results for the old lines would mark the new ones: start over
            self.generation += 1
            self.pending = 0


def hit_rows(rows: Sequence[Row]) -> list[int]:
    """Indexes of the rows that hold a match."""
    return [i for i, r in enumerate(rows) if r["hit"]]
