"""The fold shared by images, volumes and networks: a persistent map per kind, kept by events.

Theory of operation
-------------------
These kinds have no lifecycle states to predict, only presence and facts. Each kind gives its
actions as data (:class:`Transition` per verb, as h11 keeps its state machine as tables):

* ``CREATE``: the event names a new object; a row is made from the event's attributes at once
  (so it shows without waiting) and the sync pipeline inspects it for the rest.
* ``REFRESH``: the object changed in ways the event does not carry (an image ``untag`` names
  the image id, not the tag removed): only an inspect can say what is true now.
* ``REMOVE``: the object is gone; its key is remembered (a tombstone) so a lagging list or
  inspect answer cannot bring it back.
* anything else is noise for the table.

Unlike container ids, these keys can come back (a volume name reused, an image pulled again
after a delete): a tombstone only outranks answers that are older than it. An inspect asked
for after an event reflects that event (``Inspected.settles_ns``), so it can revive a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

import immutables
from msgspec import Struct, field
from msgspec.structs import replace

from genet_rx.model.events import Event
from genet_rx.state.changes import Inspected, Snapshot, Vanished
from genet_rx.state.verdict import Verdict


class Row(Protocol):
    @property
    def event_ns(self) -> int | None: ...


T = TypeVar("T", bound=Row)


class Transition(StrEnum):
    CREATE = "create"
    REFRESH = "refresh"
    REMOVE = "remove"


class Table(Struct, Generic[T], frozen=True):
    """One kind's live map: rows by key, tombstones by key (the time of removal)."""

    rows: immutables.Map[str, T] = field(default_factory=immutables.Map)
    tombstones: immutables.Map[str, int] = field(default_factory=immutables.Map)
    synced: bool = False  # a snapshot has been folded in
    unavailable: str = ""  # the engine's reason it cannot list this kind, e.g. not a manager

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: str) -> T | None:
        return self.rows.get(key)


class ResourceKind(Struct, Generic[T], frozen=True):
    """How one kind is folded: its actions as data, its key, and a row from an event."""

    type: str  # the engine's event Type
    actions: Mapping[str, Transition]
    key: Callable[[T], str]
    from_event: Callable[[Event], T]


def transition(kind: ResourceKind[T], ev: Event) -> Transition | None:
    return kind.actions.get(ev.verb) if ev.actor_id else None


def apply_event(kind: ResourceKind[T], table: Table[T], ev: Event) -> tuple[Table[T], Verdict]:
    """Fold one event of this kind; say what the fold made of it."""
    step = transition(kind, ev)
    if step is None:
        return table, Verdict.NOISE if ev.actor_id else Verdict.OTHER
    key = ev.actor_id
    if step is Transition.REMOVE:
        tomb = max(ev.time_nano, table.tombstones.get(key, 0))
        rows = table.rows.delete(key) if key in table.rows else table.rows
        return replace(table, rows=rows,
                       tombstones=table.tombstones.set(key, tomb)), Verdict.FOLDED
    if step is Transition.CREATE and key not in table.rows:
        removed = table.tombstones.get(key)
        if removed is not None and removed > ev.time_nano:
            return table, Verdict.OUT_OF_ORDER
        row = replace(kind.from_event(ev), event_ns=ev.time_nano)  # type: ignore[type-var]
        tombs = table.tombstones.delete(key) if removed is not None else table.tombstones
        created = replace(table, rows=table.rows.set(key, row), tombstones=tombs)
        return created, Verdict.FOLDED
    return table, Verdict.FOLDED


def needs_inspect(kind: ResourceKind[T], ev: Event) -> bool:
    """Does this event leave the object short of facts only an inspect can give?"""
    return transition(kind, ev) in (Transition.CREATE, Transition.REFRESH)


def apply_snapshot(kind: ResourceKind[T], table: Table[T], snap: Snapshot[T]) -> Table[T]:
    """A full list: what it lists, less what was removed after it; plus rows newer than it."""
    trust = snap.trust_ns
    listed: dict[str, T] = {}
    for row in snap.rows:
        key = kind.key(row)
        tomb = table.tombstones.get(key)
        if key and (tomb is None or tomb <= trust):
            listed[key] = row
    with table.rows.mutate() as rows:
        for key, old in table.rows.items():
            fresh = listed.get(key)
            if fresh is None:
                if not (old.event_ns is not None and old.event_ns > trust):
                    del rows[key]
            elif fresh != old:
                rows[key] = fresh
        for key, fresh in listed.items():
            if key not in table.rows:
                rows[key] = fresh
        new_rows = rows.finish()
    tombs = table.tombstones
    old_tombs = [k for k, ns in tombs.items() if ns < trust]
    if old_tombs:
        mm = tombs.mutate()
        for k in old_tombs:
            del mm[k]
        tombs = mm.finish()
    if new_rows == table.rows and table.synced and tombs is table.tombstones \
            and table.unavailable == snap.unavailable:
        return table
    return Table(new_rows, tombs, synced=True, unavailable=snap.unavailable)


def apply_inspected(kind: ResourceKind[T], table: Table[T], ins: Inspected[T]) -> Table[T]:
    """A fresh row: it replaces the old one unless the object was removed after the answer."""
    key = kind.key(ins.row)
    if not key:
        return table
    tomb = table.tombstones.get(key)
    answered = ins.trust_ns if ins.settles_ns is None else ins.settles_ns
    if tomb is not None and tomb > answered:
        return table
    old = table.rows.get(key)
    fresh = ins.row
    if old is not None and old.event_ns is not None:
        fresh = replace(fresh, event_ns=old.event_ns)  # type: ignore[type-var]
    if fresh == old and tomb is None:
        return table
    tombs = table.tombstones.delete(key) if tomb is not None else table.tombstones
    return replace(table, rows=table.rows.set(key, fresh), tombstones=tombs)


def apply_vanished(table: Table[T], gone: Vanished) -> Table[T]:
    """An inspect said 404: the row goes, unless an event newer than the answer made it."""
    row = table.rows.get(gone.id)
    if row is None or (row.event_ns is not None and row.event_ns > gone.trust_ns):
        return table
    return replace(table, rows=table.rows.delete(gone.id),
                               tombstones=table.tombstones.set(gone.id, gone.trust_ns))
