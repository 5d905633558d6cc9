"""CPU and memory beside the running and paused rows the list shows: a bounded set of stats
streams.

:class:`RowStats` is told which running or paused containers' rows are on screen (``want``)
and keeps one ``engine.stats`` stream open for each of the first :data:`MAX_STREAMS` of them;
a row that scrolls out, stops, or is pushed past the bound has its stream disposed at once.
The latest sample per container is kept (``usage``) and ``on_change`` is called, on the main
thread, when what a row shows changes — the app coalesces that into at most one sidebar
refresh a second, none while states stream (a state's refresh shows the figures too).
A stream that ends by itself (the container stopped) is not reopened until its row leaves
the screen and comes back.

The rule people see: the first :data:`MAX_STREAMS` running or paused rows on screen (the
states of :data:`MEASURED`), top to bottom, get figures; every other such row shows
:data:`PLACEHOLDER` in the same place, so rows never reflow. A paused container still holds
its memory, and keeping its stream through a pause and an unpause spares a new connection
and thread each time. A row that comes back on screen (a search cleared, a scroll back) shows its
last figures at once until its new stream speaks, instead of a blank for a second or two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from reactivex import Observable
from reactivex.abc import DisposableBase

from genet_rx.model.containers import State
from genet_rx.model.stats import Stats

from .history import percent, size

MAX_STREAMS = 8
PLACEHOLDER = "– % · –"  # noqa: RUF001 (a dash: no figures yet, or past the bound)
#: The states whose rows show figures.
MEASURED = frozenset({State.RUNNING, State.PAUSED})
REMEMBERED = 256  # last figures kept for rows that left the screen


def usage_text(s: Stats) -> str:
    """``12.5 % · 50.0 MiB``: what a row shows beside its state."""
    return f"{percent(s.cpu_percent)} · {size(s.mem_used, binary=True)}"


class RowStats:
    """Stats streams for the visible running and paused rows, at most ``limit`` at once."""

    def __init__(
        self,
        open_stream: Callable[[str], Observable[Stats]],
        subscribe_on_main: Callable[[Observable[Any]], Observable[Any]],
        on_change: Callable[[], None],
        limit: int = MAX_STREAMS,
    ) -> None:
        self._open = open_stream
        self._main = subscribe_on_main
        self._on_change = on_change
        self.limit = limit
        self._streams: dict[str, DisposableBase] = {}
        self._ended: set[str] = set()
        self.usage: dict[str, str] = {}
        self._last: dict[str, str] = {}  # last figures of containers still running

    @property
    def open_ids(self) -> set[str]:
        return set(self._streams)

    def want(self, ids: Iterable[str]) -> None:
        """These running or paused containers' rows are on screen, in screen order."""
        wanted: list[str] = []
        for cid in ids:
            if cid not in wanted:
                wanted.append(cid)
        self._ended &= set(wanted)
        keep = [cid for cid in wanted if cid not in self._ended][: self.limit]
        for cid in list(self._streams):
            if cid not in keep:
                self._streams.pop(cid).dispose()
        changed = False
        for cid in list(self.usage):
            if cid not in wanted:
                del self.usage[cid]
                changed = True
        for cid in keep:
            if cid not in self._streams:
                self._streams[cid] = self._subscribe(cid)
                if cid in self._last and cid not in self.usage:
                    self.usage[cid] = self._last[cid]
                    changed = True
        if changed:
            self._on_change()

    def _subscribe(self, cid: str) -> DisposableBase:
        def got(s: Stats) -> None:
            self._got(cid, s)

        def failed(_error: Exception) -> None:
            self._end(cid)

        def ended() -> None:
            self._end(cid)

        return self._main(self._open(cid)).subscribe(
            on_next=got, on_error=failed, on_completed=ended
        )

    def _got(self, cid: str, s: Stats) -> None:
        text = usage_text(s)
        # Idle containers print the same text second after second: a redraw only on change.
        if cid in self._streams and self.usage.get(cid) != text:
            self.usage[cid] = text
            self._last.pop(cid, None)
            self._last[cid] = text  # newest last: the oldest go first past REMEMBERED
            while len(self._last) > REMEMBERED:
                del self._last[next(iter(self._last))]
            self._on_change()

    def _end(self, cid: str) -> None:
        stream = self._streams.pop(cid, None)
        if stream is not None:
            stream.dispose()
        self._ended.add(cid)
        self._last.pop(cid, None)  # it stopped: its figures are no longer true
        if self.usage.pop(cid, None) is not None:
            self._on_change()

    def close(self) -> None:
        for stream in self._streams.values():
            stream.dispose()
        self._streams.clear()
        self.usage.clear()
