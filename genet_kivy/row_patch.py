"""Updating a RecycleView's rows in place: only the rows that changed, nothing for rows off
screen.

Kivy's RecycleView recomputes every row's size and position, and rebinds every view on
screen, whenever its ``data`` is replaced or changed through the list: O(rows) per update, ~30
ms for 1,000 rows on a Raspberry-class CPU. When the new rows are the old rows in the same
order (the same keys, view classes and heights: only what the rows show changed, such as a
state word, a usage figure, the selection), nothing needs laying out. :func:`patch` then puts
each changed row's dict into the data list without telling the RecycleView (so it does not
re-lay out), and hands the new values to the views that show those rows (on screen, or kept
aside for a quick scroll back). A row off screen gets its new dict and is drawn from it when it
scrolls in. Anything else (a row added, removed or moved, a height changed) is a new layout:
:func:`patch` declines and the caller replaces ``data`` as before.

:func:`changed_rows` is the pure half (no Kivy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Row = dict[str, Any]

#: What places a row: the same values here at every index means the same layout.
PLACING = ("viewclass", "height", "cid", "group", "key")


def changed_rows(old: Sequence[Row], new: Sequence[Row]) -> list[int] | None:
    """The indices whose rows changed, when ``new`` lays out exactly as ``old`` (same length,
    and at every index the same view class, height and key); None when it does not."""
    if len(old) != len(new):
        return None
    changed: list[int] = []
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if a is b:
            continue
        if any(a.get(k) != b.get(k) for k in PLACING):
            return None
        if a != b:
            changed.append(i)
    return changed


def patch(rv: Any, new: list[Row]) -> bool:
    """Show ``new`` in RecycleView ``rv`` by updating only the changed rows (see above); False
    (and nothing done) when the layout changed and ``rv.data = new`` is needed."""
    old = rv.data
    if not old:
        return False
    changed = changed_rows(old, new)
    if changed is None:
        return False
    adapter = rv.view_adapter
    for i in changed:
        row = new[i]
        list.__setitem__(old, i, row)  # the ObservableList's own setitem would re-lay out
        view = adapter.get_visible_view(i)
        if view is not None:
            adapter.refresh_view_attrs(i, row, view)
        for kept in adapter.dirty_views.values():  # off screen, reused as is on a scroll back
            spare = kept.get(i)
            if spare is not None:
                adapter.refresh_view_attrs(i, row, spare)
    return True
