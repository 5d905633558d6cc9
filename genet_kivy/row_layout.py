"""A RecycleView layout for a list of full-width rows, each as high as its data says.

Kivy's RecycleBoxLayout is general: every row may carry a size, size hints, their bounds and a
pos hint, so a new data list costs it a dozen dict look-ups a row, then BoxLayout's general
stretch algorithm over every row (~25 ms for 1,000 rows on a loaded 2-core machine, the most
of a table's Python time in the events profile of issue #17). Genet's lists are simpler: a
vertical stack, no padding or spacing, every row as wide as the list and as high as its
``height`` key. :class:`RowLayout` keeps that case to one short loop for the sizes and one for
the positions, filling the same per-row records RecycleBoxLayout fills, and hands anything
else (a row with another size key, a padding, a spacing, a horizontal list) to
RecycleBoxLayout unchanged.

Row dicts for it carry ``viewclass`` and ``height`` (pixels) and any other keys but sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kivy.factory import Factory
from kivy.uix.recycleboxlayout import RecycleBoxLayout
from kivy.uix.recyclelayout import RecycleLayout

#: Keys that would size or place a row some other way than by its ``height``.
OTHER_SIZING = frozenset({
    "size", "width", "size_hint", "size_hint_x", "size_hint_y", "pos_hint", "size_hint_min",
    "size_hint_min_x", "size_hint_min_y", "size_hint_max", "size_hint_max_x",
    "size_hint_max_y",
})


class RowLayout(RecycleBoxLayout):
    """A vertical RecycleBoxLayout whose rows are sized by their ``height`` alone (see above)."""

    def __init__(self, **kwargs: Any) -> None:
        self._known: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}  # id -> row, record
        self._known_width: float | None = None
        super().__init__(**kwargs)

    def _simple(self) -> bool:
        return (self.orientation == "vertical" and not any(self.padding)
                and not self.spacing and tuple(self.default_size_hint) == (1, None)
                and not self.default_pos_hint and self.key_size is None
                and self.key_size_hint is None and self.key_pos_hint is None
                and self.key_size_hint_min is None and self.key_size_hint_max is None
                and tuple(self.default_size_hint_min) == (None, None)
                and tuple(self.default_size_hint_max) == (None, None)
                and self.key_viewclass == "viewclass")

    def compute_sizes_from_data(self, data: Sequence[dict[str, Any]], flags: Any) -> None:
        whole = any(not f for f in flags)  # a new list: every row's record anew
        if not (whole and self._simple()):
            super().compute_sizes_from_data(data, flags)
            return
        width = self.default_size[0]
        if width is None:
            width = self.initial_size[0]
        classes: dict[str, Any] = {}
        # The presenters hand back the same dict for a row that did not change: its record
        # is reused (its size and position are set again below and in compute_layout), and
        # its keys were checked for other sizing when it was new.
        known = self._known if self._known_width == width else {}
        kept: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        opts = []
        for item in data:
            hit = known.get(id(item))
            if hit is not None and hit[0] is item:
                opt = hit[1]
                opt["size"] = [width, item["height"]]
                opt["pos"] = None
            else:
                if not OTHER_SIZING.isdisjoint(item):  # a row sized some other way: see above
                    super().compute_sizes_from_data(data, flags)
                    return
                name = item["viewclass"]
                cls = classes.get(name)
                if cls is None:
                    cls = classes[name] = getattr(Factory, name)
                opt = {
                    "size": [width, item["height"]], "size_hint": [1, None],
                    "size_hint_min": [None, None], "size_hint_max": [None, None], "pos": None,
                    "pos_hint": {}, "viewclass": cls, "width_none": False, "height_none": False}
            kept[id(item)] = (item, opt)
            opts.append(opt)
        self.clear_layout()
        self._known, self._known_width = kept, width
        self.view_opts = opts

    def compute_layout(self, data: Sequence[dict[str, Any]], flags: Any) -> None:
        if not self._simple():
            super().compute_layout(data, flags)
            return
        RecycleLayout.compute_layout(self, data, flags)  # which views changed size
        changed = self._changed_views
        if changed is None or (changed and not self._update_sizes(changed)):
            return
        self.clear_layout()
        self._rv_positions = None
        opts = self.view_opts
        if not data:
            self.minimum_size = 0, 0
            return
        self.minimum_size = 0, sum(o["size"][1] for o in opts)
        x, y, width = self.x, self.y, self.width  # read after: minimum_size moves them
        for opt in reversed(opts):
            h = opt["size"][1]
            opt["pos"] = x, y
            opt["size"] = [width, h]
            y += h
        n = len(opts)
        pos: list[float] = [0.0] * n
        last = pos[-1] = self.y + self.height - opts[0]["size"][1]
        for i in range(1, n):
            last -= opts[i]["size"][1]
            pos[n - 1 - i] = last
        self._rv_positions = pos
