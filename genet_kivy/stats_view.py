"""The Stats tab: one running container's CPU, memory, network, block I/O and PIDs, live.

``engine.stats`` sends about one sample a second; each reaches the widgets on the main thread
(``app.on_main``), updates the tiles and adds a point to the five-minute histories the graphs
draw. A stream exists only while the container runs (or is paused) and the tab is on screen;
it ends by itself when the container stops, and the tab then says so.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from reactivex.abc import DisposableBase

from genet_rx.model.containers import Container, State
from genet_rx.model.stats import Stats

from .graph import Graph
from .history import WINDOW_S, History, RateHistory, nice_ceiling, percent, rate, size
from .live_view import LiveView

CPU_COLOR = (0.27, 0.55, 0.96, 1)
MEM_COLOR = (0.31, 0.78, 0.47, 1)
RX_COLOR = (0.31, 0.76, 0.97, 1)
TX_COLOR = (1.0, 0.72, 0.30, 1)
MIB = 2**20

WIDGETS = (Graph,)


MIN_SPAN_S = 30.0


def span_start(now: float, histories: list[History]) -> float:
    """Where the graphs' time axis starts: five minutes back, or (while there is less history
    than that) the oldest point, so a young history fills the width; at least 30 s."""
    oldest = min((h.points()[0][0] for h in histories if len(h)), default=now)
    return min(now - MIN_SPAN_S, max(now - WINDOW_S, oldest))


def span_words(seconds: float) -> str:
    """The axis's left label: ``-30 s``, ``-2 min`` (with a true minus sign)."""
    s = round(seconds)
    return f"\u2212{s} s" if s < 120 else f"\u2212{round(s / 60)} min"


def _hex(rgba: tuple[float, float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])


class StatTile(BoxLayout):
    title = StringProperty("")
    value = StringProperty("—")


class StatsView(LiveView):
    """Tiles with the latest numbers, and graphs of the last five minutes."""

    status = StringProperty("")
    samples = NumericProperty(0)  # samples received for the shown container

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cpu = History()
        self.mem = History()
        self.rx = RateHistory()
        self.tx = RateHistory()
        self.latest: Stats | None = None
        self._ended = False
        self._error = ""

    def stream_key(self, c: Container) -> Hashable | None:
        return c.id if c.state in (State.RUNNING, State.PAUSED) else None

    def open(self, c: Container) -> DisposableBase:
        self._ended = False
        self._error = ""
        return self.app.on_main(self.app.engine_for(c).stats(c.id)).subscribe(
            on_next=self._on_stats, on_error=self._on_error, on_completed=self._on_end
        )

    def reset(self, c: Container | None) -> None:
        for h in (self.cpu, self.mem, self.rx, self.tx):
            h.clear()
        self.latest = None
        self.samples = 0
        self._ended = False
        self._error = ""
        for tile in ("cpu", "mem", "net", "block", "pids"):
            self.ids[tile].value = "—"
        self.ids.mem.title = "Memory"
        self._draw(time.time())
        self.update(c)

    def update(self, c: Container | None) -> None:
        if c is None:
            self.status = ""
        elif c.state not in (State.RUNNING, State.PAUSED) or (self._ended and not self._error):
            self.status = "Not running — start the container to see its usage."
        elif self._error:
            self.status = self._error
        elif not self.samples:
            self.status = "Waiting for the first sample…"
        else:
            s = self.latest
            cpus = f" · {s.online_cpus} CPU{'s' if s.online_cpus != 1 else ''}" if s else ""
            self.status = f"Live, about once a second{cpus}"

    def _on_stats(self, s: Stats) -> None:
        t = s.read_time_ns / 1e9 if s.read_time_ns else time.time()
        first = self.samples == 0
        self.samples += 1
        self.latest = s
        if not first:  # the first sample has no previous one: its CPU reads 0
            self.cpu.add(t, s.cpu_percent)
        self.mem.add(t, s.mem_used)
        self.rx.add_counter(t, s.net_rx)
        self.tx.add_counter(t, s.net_tx)
        ids = self.ids
        ids.cpu.value = percent(s.cpu_percent) if not first else "…"
        ids.mem.title = f"Memory of {size(s.mem_limit, binary=True)}" if s.mem_limit else "Memory"
        ids.mem.value = f"{size(s.mem_used, binary=True)} · {percent(s.mem_percent)}"
        ids.net.value = f"{size(s.net_rx)} / {size(s.net_tx)}"
        ids.block.value = f"{size(s.block_read)} / {size(s.block_write)}"
        ids.pids.value = str(s.pids)
        self._draw(t)
        self.update(self.container)

    def _on_error(self, error: Exception) -> None:
        self._ended = True
        self._error = f"The stats stream failed: {error}"
        self.update(self.container)

    def _on_end(self) -> None:
        self._ended = True
        self.update(self.container)

    def _draw(self, now: float) -> None:
        ids = self.ids
        start = span_start(now, [self.cpu, self.mem, self.rx])
        span = span_words(now - start)
        for graph in (ids.cpu_graph, ids.mem_graph, ids.net_graph):
            graph.span_text = span
        cpu_top = nice_ceiling(max(self.cpu.peak(), 5.0))
        ids.cpu_graph.draw([(self.cpu.points(), CPU_COLOR)], start, now, cpu_top)
        ids.cpu_graph.max_text = f"{cpu_top:g} %"
        latest = self.cpu.latest
        ids.cpu_graph.value_text = percent(latest) if latest is not None else ""

        mem_top = nice_ceiling(self.mem.peak() / MIB) * MIB
        ids.mem_graph.draw([(self.mem.points(), MEM_COLOR)], start, now, mem_top)
        ids.mem_graph.max_text = size(mem_top, binary=True)
        latest = self.mem.latest
        ids.mem_graph.value_text = size(latest, binary=True) if latest is not None else ""

        net_top = nice_ceiling(max(self.rx.peak(), self.tx.peak()) / 1000) * 1000
        ids.net_graph.draw(
            [(self.rx.points(), RX_COLOR), (self.tx.points(), TX_COLOR)], start, now, net_top
        )
        ids.net_graph.max_text = rate(net_top)
        rx, tx = self.rx.latest, self.tx.latest
        ids.net_graph.value_text = (
            f"[color={_hex(RX_COLOR)}]rx {rate(rx or 0)}[/color]   "
            f"[color={_hex(TX_COLOR)}]tx {rate(tx or 0)}[/color]"
        )
