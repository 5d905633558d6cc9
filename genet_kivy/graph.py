"""A small time-series graph drawn with canvas instructions (a Line and a filled Mesh).

``Plot.draw(series, start, end, top)`` maps each series' ``(time, value)`` points onto the
widget: time from ``start`` to ``end`` across, 0 to ``top`` up. Instructions are made once and
updated in place (points, vertices), so a redraw a second costs a few list copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kivy.graphics import Color, Line, Mesh
from kivy.metrics import dp
from kivy.properties import ColorProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from .look import look

Rgba = tuple[float, float, float, float]
Points = Sequence[tuple[float, float]]


class Plot(Widget):
    """The drawing area: grid lines, then per series a translucent fill and a line."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._series: list[tuple[Points, Rgba]] = []
        self._range = (0.0, 1.0, 1.0)
        self._drawn: list[tuple[Line, Mesh]] = []
        with self.canvas:
            self._grid_color = Color(*look.GRID)
            self._grid = [Line(points=[], width=1) for _ in range(4)]
        self.bind(pos=self._redraw, size=self._redraw)

    @property
    def point_count(self) -> int:
        """How many points the lines hold now (tests)."""
        return sum(len(line.points) // 2 for line, _ in self._drawn)

    def draw(
        self, series: Sequence[tuple[Points, Rgba]], start: float, end: float, top: float
    ) -> None:
        self._series = list(series)
        self._range = (start, max(end, start + 1e-9), max(top, 1e-9))
        while len(self._drawn) < len(self._series):
            with self.canvas:
                rgba = self._series[len(self._drawn)][1]
                Color(rgba[0], rgba[1], rgba[2], 0.18)
                mesh = Mesh(mode="triangle_strip")
                Color(*rgba)
                line = Line(points=[], width=dp(1.4))
            self._drawn.append((line, mesh))
        self._redraw()

    def _redraw(self, *_: Any) -> None:
        x0, y0, w, h = self.x, self.y, self.width, self.height
        self._grid_color.rgba = look.GRID  # the look may have switched since the last draw
        for i, grid in enumerate(self._grid):
            y = y0 + h * i / (len(self._grid) - 1) if len(self._grid) > 1 else y0
            grid.points = [x0, y, x0 + w, y]
        start, end, top = self._range
        span = end - start
        for (line, mesh), (points, _rgba) in zip(self._drawn, self._series, strict=False):
            flat: list[float] = []
            verts: list[float] = []
            for t, v in points:
                px = x0 + (t - start) / span * w
                py = y0 + min(max(v, 0.0), top) / top * h
                flat += (px, py)
                verts += (px, y0, 0, 0, px, py, 0, 0)
            line.points = flat if len(flat) >= 4 else []
            mesh.vertices = verts if len(flat) >= 4 else []
            mesh.indices = list(range(len(verts) // 4)) if len(flat) >= 4 else []


class Graph(BoxLayout):
    """A titled plot: title and current value above, the axis maximum and the time span."""

    title = StringProperty("")
    value_text = StringProperty("")
    max_text = StringProperty("")
    span_text = StringProperty("\u22125 min")
    color = ColorProperty((0.27, 0.55, 0.96, 1))

    def draw(
        self, series: Sequence[tuple[Points, Rgba]], start: float, end: float, top: float
    ) -> None:
        self.ids.plot.draw(series, start, end, top)

    @property
    def plot(self) -> Plot:
        return self.ids.plot  # type: ignore[no-any-return]
