"""What the fold folds: engine events, and the answers the sync pipeline fetches.

Every value names its kind (the engine's event ``Type``: ``container``, ``image``, ``volume``,
``network``), so the engine state can hand it to that kind's fold.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from msgspec import Struct

from genet_rx.model.connection import Connection
from genet_rx.model.events import Event

R = TypeVar("R")

#: How long after an event a list/inspect answer may still not reflect it.
GRACE_NS = 2_000_000_000


class Snapshot(Struct, Generic[R], frozen=True):
    """A full list answer. ``trust_ns``: rows with events newer than this keep their state."""

    rows: tuple[R, ...]
    trust_ns: int
    kind: str = "container"
    unavailable: str = ""  # why the engine cannot list this kind (not a swarm manager)


class Inspected(Struct, Generic[R], frozen=True):
    """One inspect answer (a fresh row), trusted like a snapshot up to ``trust_ns``.

    ``settles_ns`` is the ``timeNano`` of the event this inspect was asked for after. For a
    container it is a ``die``: by the time the engine sends ``die`` its restart manager has
    decided, so the answer's ``restarting`` or ``exited`` is the truth for that die — it
    replaces the fold's prediction as long as no newer event has moved the row since. For an
    image, volume or network the answer is newer than every event up to it, so it may bring
    back an object a lagging tombstone says is gone (an image pulled again after a delete).
    """

    row: R
    trust_ns: int
    settles_ns: int | None = None
    kind: str = "container"


class Vanished(Struct, frozen=True):
    """An inspect answered 404: the object is gone (its own event may follow or not)."""

    id: str
    trust_ns: int
    kind: str = "container"


Change = Event | Snapshot[object] | Inspected[object] | Vanished | Connection
