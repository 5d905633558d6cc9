"""Select mode: which containers are ticked, in the order they were ticked. Pure: no Kivy.

A tap toggles one row; a shift-click ticks every row between the last one tapped (the
anchor) and this one, in the list's order; a ctrl-click toggles one row like a tap. The last
known value of each ticked container is kept: a container removed meanwhile stays in the
selection, so acting on it reports what the engine says ("No such container") instead of
dropping it silently. Containers are ticked by row key (their id, or (engine, id) with many
engines: :func:`~genet_kivy.engine_view.row_key`).
"""

from __future__ import annotations

from collections.abc import Sequence

from genet_rx.model.containers import Container


class Selection:
    def __init__(self) -> None:
        self.active = False
        self.ticked: dict[str, Container] = {}
        self.anchor: str | None = None

    def begin(self) -> None:
        self.active = True

    def end(self) -> None:
        self.active = False
        self.ticked = {}
        self.anchor = None

    @property
    def checked(self) -> frozenset[str] | None:
        """The ticked row keys in select mode; None outside it (the presenter's convention)."""
        return frozenset(self.ticked) if self.active else None

    def toggle(self, key: str, c: Container) -> None:
        if key in self.ticked:
            del self.ticked[key]
        else:
            self.ticked[key] = c
        self.anchor = key

    def extend(self, key: str, c: Container, order: Sequence[str],
               known: dict[str, Container]) -> None:
        """Tick every row from the anchor to ``key`` (``order``: row keys as listed, top to
        bottom)."""
        if self.anchor is None or self.anchor not in order or key not in order:
            self.toggle(key, c)
            return
        a, b = sorted((order.index(self.anchor), order.index(key)))
        for k in order[a:b + 1]:
            if k in known:
                self.ticked[k] = known[k]
        self.anchor = key

    def refresh(self, rows: dict[str, Container]) -> None:
        """Keep the latest value of each ticked container that still exists."""
        for cid in self.ticked:
            if cid in rows:
                self.ticked[cid] = rows[cid]

    def containers(self) -> list[Container]:
        return list(self.ticked.values())
