"""The live container table and the pure fold that keeps it.

Theory of operation
-------------------
The table is ``ops.scan(apply, EMPTY)`` over a stream of *changes*: engine events, list
snapshots and inspect answers, in the order the sync loop hands them over.

* An event's action decides a row's state (start→running, die→exited, pause→paused,
  destroy→gone ...). The engine emits an event *before* its own list and inspect answers
  reflect it, so a snapshot or inspect answer never overwrites the state of a row whose newest
  event is younger than ``trust_ns`` (the answer's own time less a grace period); they fill the
  other fields.
* Duplicates — the same (timeNano, id, action) seen twice, as on a reconnect with ``since`` —
  are dropped; an event older than the row's newest event does not move its state back.
  What a row has seen is recorded in the row itself, not as one key per event: ``event_ns``
  (its newest event's time) and ``event_actions`` (the actions folded at exactly that time).
  An event for a row is a duplicate when its time is that one and its action is among those,
  out of order when its time is older (a replay of an older event is one of these), new
  otherwise. The engine stamps events before it orders them, so two containers' events may
  arrive slightly out of time order: the record is per row, never one high-water mark.
* Destroyed ids are remembered (tombstones) so a lagging answer or a replayed event cannot
  bring a row back; so are rows a trusted list no longer shows. A tombstone is kept
  :data:`KEEP_GONE_NS` (five minutes) after the snapshot that could first have forgotten it.
  Memory is one small tuple per row plus the ids destroyed in the last five minutes, however
  many events arrive.
* Everything is persistent (``immutables.Map``): one change costs the same at 10 and at 10,000
  containers, and ``apply`` returns the very same table object when nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

import immutables
from msgspec import Struct, field
from msgspec.structs import replace

from genet_rx.model.containers import Container, Health, State
from genet_rx.model.events import Event
from genet_rx.state.changes import Inspected, Snapshot, Vanished
from genet_rx.state.verdict import Verdict

K = TypeVar("K")

_STATE_OF: Mapping[str, State] = {
    "create": State.CREATED,
    "start": State.RUNNING,
    "restart": State.RUNNING,
    "unpause": State.RUNNING,
    "pause": State.PAUSED,
    "die": State.EXITED,
    "stop": State.EXITED,
}

#: Verbs the fold looks at; every other action is noise for the table.
_FOLDED = frozenset({*_STATE_OF, "destroy", "rename", "health_status", "kill"})

#: ``event_actions`` for an action folded alone at its time (the usual case): one tuple per
#: folded verb, shared by every row, instead of a new tuple per event.
_ALONE: Mapping[str, tuple[str]] = {verb: (verb,) for verb in _FOLDED}

#: Actions that are their own verb (no ": suffix"), to skip splitting them per event.
_PLAIN: Mapping[str, str] = {verb: verb for verb in _FOLDED}

#: Verbs that change a known row in place (a destroy removes it).
_CHANGES_ROW = _FOLDED - {"destroy"}

#: How long a tombstone outlives the snapshot that could first have forgotten it: a replayed
#: event about a destroyed container stays recognised for five minutes.
KEEP_GONE_NS = 300 * 1_000_000_000

#: Event attributes that are not the container's labels.
_NOT_LABELS = frozenset({"name", "image", "exitCode", "signal", "oldName", "execID"})

#: Verbs that carry too little to fold: the sync loop inspects that one container.
INSPECT_VERBS = frozenset({"create", "update", "rename"})


class ContainerTable(Struct, frozen=True):
    rows: immutables.Map[str, Container] = field(default_factory=immutables.Map)
    tombstones: immutables.Map[str, int] = field(default_factory=immutables.Map)
    synced: bool = False  # a snapshot has been folded in
    last_event_ns: int = 0
    host: str = ""  # the engine's URL, copied into rows that events create

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, container_id: str) -> Container | None:
        return self.rows.get(container_id)


EMPTY = ContainerTable()


ContainerChange = Event | Snapshot[Container] | Inspected[Container] | Vanished


def apply(table: ContainerTable, change: ContainerChange) -> ContainerTable:
    """Fold one change into the table. Pure; returns ``table`` itself when nothing changed."""
    if isinstance(change, Event):
        return apply_event(table, change)[0]
    if isinstance(change, Snapshot):
        return apply_snapshot(table, change)
    if isinstance(change, Inspected):
        return apply_inspected(table, change)
    return apply_vanished(table, change)


def needs_inspect(table: ContainerTable, event: Event) -> bool:
    """Does this event leave the row short of facts only an inspect can give?"""
    if event.type != "container" or not event.actor_id or event.verb == "destroy":
        return False
    if event.actor_id in table.tombstones:
        return False
    row = table.rows.get(event.actor_id)
    if row is None:
        return event.verb in _FOLDED
    # What a die leads to is the engine's restart manager's call (policy, retry count, manual
    # stop): unless the policy is "no", ask the engine what it decided.
    return event.verb in INSPECT_VERBS or (event.verb == "die" and row.restart_policy != "no")


def classify(table: ContainerTable, ev: Event) -> Verdict:
    return _classify(table, ev, ev.verb)[0]


def _classify(table: ContainerTable, ev: Event,
              verb: str) -> tuple[Verdict, Container | None]:
    """The verdict, and the event's row when it was looked up (the fold needs it next)."""
    cid = ev.actor_id
    if ev.type != "container" or not cid:
        return Verdict.OTHER, None
    if verb not in _FOLDED:
        return Verdict.NOISE, None
    row = table.rows.get(cid)
    if row is not None:
        # The row's own record of what it has seen (a row is never also a tombstone).
        newest = row.event_ns
        if newest is not None and ev.time_nano <= newest:
            if ev.time_nano < newest:
                return Verdict.OUT_OF_ORDER, row
            if ev.action in row.event_actions:
                return Verdict.DUPLICATE, row
        return Verdict.FOLDED, row
    tomb = table.tombstones.get(cid)
    if tomb is None:
        return Verdict.FOLDED, None
    if verb == "destroy":
        return (Verdict.DUPLICATE if ev.time_nano <= tomb else Verdict.FOLDED), None
    return Verdict.GONE, None


def apply_event(table: ContainerTable, ev: Event) -> tuple[ContainerTable, Verdict]:
    """Fold one container event; also say what the fold made of it (classified once)."""
    verb = _PLAIN.get(ev.action) or ev.verb
    when = ev.time_nano
    if verb in _CHANGES_ROW and ev.type == "container":
        row = table.rows.get(ev.actor_id)
        if row is not None and (row.event_ns is None or when > row.event_ns):
            # The common case, a known row's newer event (what _classify says FOLDED for):
            # one row copy, one map set, one table copy.
            return replace(
                table,
                rows=table.rows.set(row.id, _event_row(row, ev, verb)),
                last_event_ns=when if when > table.last_event_ns else table.last_event_ns,
            ), Verdict.FOLDED
    verdict, row = _classify(table, ev, verb)
    if verdict is Verdict.FOLDED and row is not None and verb != "destroy":
        return replace(
            table,
            rows=table.rows.set(row.id, _event_row(row, ev, verb)),
            last_event_ns=when if when > table.last_event_ns else table.last_event_ns,
        ), verdict
    if verdict is Verdict.OTHER or verdict is Verdict.NOISE:
        return table, verdict
    if verdict is not Verdict.FOLDED:
        # Nothing to fold (a duplicate, an older event, a destroyed container's); only the
        # newest time folded may move, and usually has not.
        if when <= table.last_event_ns:
            return table, verdict
        return replace(table, last_event_ns=when), verdict
    return _fold_event(table, ev, verb, row), verdict


def _fold_event(table: ContainerTable, ev: Event, verb: str,
                row: Container | None) -> ContainerTable:
    when = ev.time_nano
    cid = ev.actor_id
    last_ns = when if when > table.last_event_ns else table.last_event_ns
    if verb == "destroy":
        rows = table.rows.delete(cid) if row is not None else table.rows
        tombs = table.tombstones.set(cid, when)
        return replace(table, rows=rows, tombstones=tombs, last_event_ns=last_ns)
    if row is None and verb == "kill":
        return replace(table, last_event_ns=last_ns)
    attrs = ev.attributes
    if row is None:
        labels = MappingProxyType(
            {k: v for k, v in attrs.items() if k not in _NOT_LABELS})
        row = Container(id=cid, name=attrs.get("name", ""), image=attrs.get("image", ""),
                        host=table.host, labels=labels)
    new = _event_row(row, ev, verb)
    return replace(table, rows=table.rows.set(cid, new), last_event_ns=last_ns)


def attach_network(table: ContainerTable, ev: Event) -> ContainerTable:
    """A network's ``connect``: the container (attribute ``container``) is now on it."""
    row = table.rows.get(ev.attributes.get("container", ""))
    if row is None or ev.actor_id in row.uses.network_ids:
        return table
    joined = (*row.uses.networks, (ev.actor_id, ev.attributes.get("name", ""), ""))
    uses = replace(row.uses, networks=tuple(sorted(joined, key=_by_name)))
    return replace(table, rows=table.rows.set(row.id, replace(row, uses=uses)))


def detach_network(table: ContainerTable, ev: Event) -> ContainerTable:
    """A network's ``disconnect`` (it can come twice): the container left it."""
    row = table.rows.get(ev.attributes.get("container", ""))
    if row is None or ev.actor_id not in row.uses.network_ids:
        return table
    left = tuple(net for net in row.uses.networks if net[0] != ev.actor_id)
    uses = replace(row.uses, networks=left)
    return replace(table, rows=table.rows.set(row.id, replace(row, uses=uses)))


def _by_name(net: tuple[str, str, str]) -> tuple[str, str]:
    return (net[1], net[0])


def _event_row(row: Container, ev: Event, verb: str) -> Container:
    # Every field the event may set, passed in one copy (no dict of changes per event).
    attrs = ev.attributes
    when = ev.time_nano
    name = attrs.get("name", row.name)
    action = ev.action
    # The row's record of what it has seen (see the theory above): usually this action alone.
    acts = ((*row.event_actions, action) if when == row.event_ns
            else _ALONE.get(action) or (action,))
    if verb == "health_status":
        return replace(row, event_ns=when, event_actions=acts, name=name,
                       health=Health.parse(ev.detail))
    if verb == "kill":
        # The engine marks a killed container as stopped by hand: it will not restart it.
        return replace(row, event_ns=when, event_actions=acts, name=name, manually_stopped=True)
    state = _STATE_OF.get(verb)
    if state is None or (verb == "stop" and row.state is State.EXITED):
        return replace(row, event_ns=when, event_actions=acts, name=name)
    if verb == "die" and _will_restart(row, attrs.get("exitCode")):
        state = State.RESTARTING
    since = when if state is not row.state else row.state_since_ns
    if verb == "start" or verb == "restart":
        return replace(row, event_ns=when, event_actions=acts, name=name, state=state,
                       state_since_ns=since, exit_code=None, manually_stopped=False,
                       health=Health.STARTING if row.health is not Health.NONE else row.health)
    if verb == "die":
        code = attrs.get("exitCode")
        exit_code = int(code) if code and code.lstrip("-").isdigit() else None
        return replace(row, event_ns=when, event_actions=acts, name=name, state=state,
                       state_since_ns=since, exit_code=exit_code)
    return replace(row, event_ns=when, event_actions=acts, name=name, state=state,
                   state_since_ns=since)


def _will_restart(row: Container, exit_code: str | None) -> bool:
    """Will the engine restart a container that just died? (as moby's restart manager)"""
    if row.manually_stopped:
        return False
    if row.restart_policy in ("always", "unless-stopped"):
        return True
    return row.restart_policy == "on-failure" and exit_code not in (None, "0")


_DECIDED_BY_DIE = frozenset({State.RESTARTING, State.EXITED})


def _merge(old: Container | None, fresh: Container, trust_ns: int,
           settles_ns: int | None = None) -> Container:
    """A list/inspect row merged over what events already told us."""
    if old is None:
        return fresh
    # An inspect asked for after the row's newest event, a die, holds the engine's decision.
    decided = (settles_ns is not None and old.event_ns == settles_ns
               and fresh.state in _DECIDED_BY_DIE)
    if decided:
        fresh = replace(
            fresh,
            exit_code=old.exit_code if fresh.exit_code is None else fresh.exit_code,
            health=old.health if old.health is not Health.NONE else fresh.health,
            name=old.name or fresh.name,
            state_since_ns=old.state_since_ns,
        )
    elif old.event_ns is not None and old.event_ns > trust_ns:
        # Newer event than the answer can be trusted for: keep what the event set.
        fresh = replace(
            fresh,
            state=old.state,
            exit_code=old.exit_code,
            health=old.health if old.health is not Health.NONE else fresh.health,
            name=old.name or fresh.name,
            state_since_ns=old.state_since_ns,
        )
    if fresh.state_since_ns is None and fresh.state is old.state:
        fresh = replace(fresh, state_since_ns=old.state_since_ns)
    fresh = replace(
        fresh,
        event_ns=old.event_ns,
        event_actions=old.event_actions,
        restart_policy=fresh.restart_policy or old.restart_policy,
        manually_stopped=old.manually_stopped,
    )
    return old if fresh == old else fresh


def apply_snapshot(table: ContainerTable, snap: Snapshot[Container]) -> ContainerTable:
    trust = snap.trust_ns
    old_tombs = table.tombstones
    with table.rows.mutate() as rows, old_tombs.mutate() as tombs:
        listed = set()
        for fresh in snap.rows:
            tomb = old_tombs.get(fresh.id)
            if tomb is not None:
                if tomb > trust:
                    continue  # destroyed after the list could know
                del tombs[fresh.id]  # listed after it was thought gone: the list wins
            listed.add(fresh.id)
            old = table.rows.get(fresh.id)
            merged = _merge(old, fresh, trust)
            if merged is not old:
                rows[fresh.id] = merged
        for cid, row in table.rows.items():
            if cid not in listed and not (row.event_ns is not None and row.event_ns > trust):
                del rows[cid]
                # Gone without a destroy seen: remembered as gone, so that a replayed event or
                # a lagging answer about it cannot bring it back.
                tombs[cid] = trust
        new_rows = rows.finish()
        new_tombs = tombs.finish()
    # Forget the tombstones this snapshot makes safe to forget, five minutes on.
    new_tombs = _prune(new_tombs, trust - KEEP_GONE_NS)
    if new_rows == table.rows and table.synced and new_tombs == old_tombs:
        return table
    return replace(table, rows=new_rows, tombstones=new_tombs, synced=True)


def _prune(m: immutables.Map[K, int], before_ns: int) -> immutables.Map[K, int]:
    old = [k for k, ns in m.items() if ns < before_ns]
    if not old:
        return m
    mm = m.mutate()
    for k in old:
        del mm[k]
    return mm.finish()


def apply_inspected(table: ContainerTable, ins: Inspected[Container]) -> ContainerTable:
    fresh = ins.row
    tomb = table.tombstones.get(fresh.id)
    if tomb is not None:
        return table
    old = table.rows.get(fresh.id)
    merged = _merge(old, fresh, ins.trust_ns, ins.settles_ns)
    if merged is old:
        return table
    return replace(table, rows=table.rows.set(fresh.id, merged))


def apply_vanished(table: ContainerTable, gone: Vanished) -> ContainerTable:
    row = table.rows.get(gone.id)
    if row is None or (row.event_ns is not None and row.event_ns > gone.trust_ns):
        return table
    return replace(
        table,
        rows=table.rows.delete(gone.id),
        tombstones=table.tombstones.set(gone.id, gone.trust_ns),
    )


def diff(old: ContainerTable, new: ContainerTable) -> tuple[list[Container], list[str]]:
    """Rows added or changed, and ids removed, from ``old`` to ``new``."""
    if old.rows is new.rows:
        return [], []
    changed = [c for cid, c in new.rows.items() if old.rows.get(cid) != c]
    removed = [cid for cid in old.rows if cid not in new.rows]
    return changed, removed


def from_rows(rows: Iterable[Container]) -> ContainerTable:
    """A synced table holding exactly these rows (for tests, demos and benchmarks)."""
    return ContainerTable(rows=immutables.Map({c.id: c for c in rows}), synced=True)
