"""A container's History tab as rows: what Genet saw since it started, plus what the engine
still keeps, newest first, marked where the record may have gaps. Pure: no Kivy.

The engine keeps only its last 256 events (of every kind, lost on restart), and Genet keeps
what it saw since it started (bounded too), so the oldest part of a container's life may be
missing: when the oldest event known is not its ``create``, a gap row says so. When the
engine's record could not be read, a gap row at the top says only Genet's own record shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from genet_rx.model.events import Event

from .activity import ActivityLog

KEPT_GAP = ("Earlier events may be missing: the engine keeps only its last 256 events, "
            "and none from before it restarted.")
UNREAD_GAP = "The engine's record could not be read: only what Genet saw since it started."


def history_rows(seen: Iterable[Event], kept: Iterable[Event], engine_read: bool = True,
                 engine: str = "") -> list[dict[str, Any]]:
    """RecycleView rows (``text``, ``gap``) for one container's events, newest first."""
    merged = {ev.key: ev for ev in (*kept, *seen)}
    ordered = sorted(merged.values(), key=lambda ev: ev.key, reverse=True)
    log = ActivityLog(capacity=max(1, len(ordered)))
    texts = [log.add_event(ev, engine).text for ev in reversed(ordered)]  # oldest first:
    rows: list[dict[str, Any]] = [{"text": t, "gap": False} for t in reversed(texts)]
    if not ordered or ordered[-1].verb != "create":
        rows.append({"text": KEPT_GAP, "gap": True})
    if not engine_read:
        rows.insert(0, {"text": UNREAD_GAP, "gap": True})
    return rows
