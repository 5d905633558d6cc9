"""Keeping a list still while its rows change: where a row is, and the scroll that keeps it there.

Pure: no Kivy. Rows are RecycleView data dicts with a ``height`` (pixels); a row is known by
its ``key`` (a container row by ``cid``, a group header by ``group``); the selected row has
``selected`` set. Positions are measured
from the top of the content; ``scroll_y`` is Kivy's (1 at the top, 0 at the bottom).

The rule: before new rows replace the old ones, pick an anchor — the selected row if any of
it is on screen, else the first row whose top is on screen — and note how far below the top
of the view it sits. After, scroll so that it sits there again. Rows above it may come and
go (a container changing group); the anchor, and so the rows around it, stay under the
finger.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Row = dict[str, Any]


def key_of(row: Row) -> str:
    """What a row is known by across tables: its container id, or its group for a header."""
    return str(row.get("cid") or f"group:{row.get('group', '')}")


def content_height(rows: Sequence[Row]) -> float:
    return float(sum(r["height"] for r in rows))


def view_top(rows: Sequence[Row], view_height: float, scroll_y: float) -> float:
    """How far below the content's top the view's top edge is."""
    return max(0.0, content_height(rows) - view_height) * (1 - scroll_y)


def top_of(rows: Sequence[Row], key: str) -> float | None:
    """The top of the row known by ``key``, from the content's top (None if it is gone).
    A container row is compared by its ``cid`` as is: no key string made a row."""
    y = 0.0
    for r in rows:
        cid = r.get("cid")
        if cid == key if cid else key_of(r) == key:
            return y
        y += r["height"]
    return None


def anchor(rows: Sequence[Row], view_height: float, scroll_y: float) -> tuple[str, float] | None:
    """(key, offset below the view's top) of the row to keep in place; None if none shows."""
    top = view_top(rows, view_height, scroll_y)
    bottom = top + view_height
    y = 0.0
    first: tuple[str, float] | None = None
    for r in rows:
        if y >= bottom:  # below the view: neither shown nor selected on screen
            break
        h = r["height"]
        key = key_of(r)
        if r.get("selected") and y + h > top and y < bottom:
            return key, y - top
        if first is None and y >= top and y < bottom:
            first = (key, y - top)
        y += h
    return first


def scroll_keeping(rows: Sequence[Row], view_height: float, kept: tuple[str, float] | None,
                   scroll_y: float) -> float:
    """The scroll_y that puts the kept row at its offset again (``scroll_y`` when the row is
    gone or everything fits), within the list's ends."""
    if kept is None:
        return scroll_y
    room = content_height(rows) - view_height
    where = top_of(rows, kept[0])
    if where is None or room <= 0:
        return scroll_y
    return min(1.0, max(0.0, 1 - (where - kept[1]) / room))
