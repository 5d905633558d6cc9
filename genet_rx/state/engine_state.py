"""One engine's whole state, and the fold that dispatches each change to its kind's fold.

``apply`` is the function ``ops.scan`` runs over the sync pipeline's changes. An event goes
to the fold of its ``Type`` through :data:`KINDS`; a list, inspect or 404 answer names its
kind too. A kind with no fold here (plugin, daemon, config …) is counted as ``other`` and
changes nothing. Each kind keeps its own persistent map, so a change costs the same however
many objects the engine holds, and a table that did not change is the very same object (the
UI compares tables by identity).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from genet_rx.model.connection import Connection, Link
from genet_rx.model.events import Event
from genet_rx.model.images import Image
from genet_rx.model.networks import Network
from genet_rx.model.swarm import Node, Service
from genet_rx.model.volumes import Volume
from genet_rx.state import containers, resources
from genet_rx.state.changes import Change, Inspected, Snapshot, Vanished
from genet_rx.state.containers import ContainerTable
from genet_rx.state.images import IMAGES
from genet_rx.state.networks import NETWORKS
from genet_rx.state.resources import ResourceKind, Table
from genet_rx.state.swarm import NODES, SERVICE_ID_LABEL, SERVICES
from genet_rx.state.verdict import Verdict
from genet_rx.state.volumes import VOLUMES


class Kind(Struct, frozen=True):
    """How the engine state folds one kind: the field that holds its table, and its folds."""

    field: str
    on_event: Callable[[Any, Event], tuple[Any, Verdict]]
    on_snapshot: Callable[[Any, Any], Any]
    on_inspected: Callable[[Any, Any], Any]
    on_vanished: Callable[[Any, Vanished], Any]
    needs_inspect: Callable[[Any, Event], bool]


def _resource(field: str, kind: ResourceKind[Any]) -> Kind:
    return Kind(field, partial(resources.apply_event, kind),
                partial(resources.apply_snapshot, kind), partial(resources.apply_inspected, kind),
                resources.apply_vanished, lambda _table, ev: resources.needs_inspect(kind, ev))


#: The kinds Genet folds, by the engine's event ``Type``.
KINDS: dict[str, Kind] = {
    "container": Kind("containers", containers.apply_event, containers.apply_snapshot,
                      containers.apply_inspected, containers.apply_vanished,
                      containers.needs_inspect),
    "image": _resource("images", IMAGES),
    "volume": _resource("volumes", VOLUMES),
    "network": _resource("networks", NETWORKS),
    "service": _resource("services", SERVICES),
    "node": _resource("nodes", NODES),
}

#: Events of one kind that change another kind's table too: a network's connect and
#: disconnect change the container's attachments.
ALSO: dict[tuple[str, str], Callable[[ContainerTable, Event], ContainerTable]] = {
    ("network", "connect"): containers.attach_network,
    ("network", "disconnect"): containers.detach_network,
}


class EngineState(Struct, frozen=True):
    """Everything Genet knows about one engine. ``verdict``: what the last event came to."""

    host: str = ""
    connection: Connection = field(default_factory=lambda: Connection("", Link.CONNECTING))
    containers: ContainerTable = field(default_factory=ContainerTable)
    images: Table[Image] = field(default_factory=Table)
    volumes: Table[Volume] = field(default_factory=Table)
    networks: Table[Network] = field(default_factory=Table)
    services: Table[Service] = field(default_factory=Table)
    nodes: Table[Node] = field(default_factory=Table)
    last_event_ns: int = 0  # the newest event folded, of any kind: where a resume starts
    verdict: Verdict | None = None




def initial(host: str) -> EngineState:
    """The state of an engine not yet heard from."""
    return EngineState(host=host, connection=Connection(host, Link.CONNECTING),
                       containers=ContainerTable(host=host))


def apply(state: EngineState, change: Change) -> EngineState:
    """Fold one change into the state. Pure."""
    if isinstance(change, Event):
        return _apply_event(state, change)
    if isinstance(change, Connection):
        return replace(state, connection=change, verdict=None)
    kind = KINDS[change.kind]
    table = getattr(state, kind.field)
    if isinstance(change, Snapshot):
        new = kind.on_snapshot(table, change)
    elif isinstance(change, Inspected):
        new = kind.on_inspected(table, change)
    else:
        new = kind.on_vanished(table, change)
    if new is table and state.verdict is None:
        return state
    return replace(state, **{kind.field: new}, verdict=None)


def _apply_event(state: EngineState, ev: Event) -> EngineState:
    when = ev.time_nano
    last_ns = when if when > state.last_event_ns else state.last_event_ns
    etype = ev.type
    if etype == "container":  # most events: straight to the container fold
        table, verdict = containers.apply_event(state.containers, ev)
        return replace(state, containers=table, last_event_ns=last_ns, verdict=verdict)
    kind = KINDS.get(etype)
    if kind is None:
        return replace(state, last_event_ns=last_ns, verdict=Verdict.OTHER)
    table = getattr(state, kind.field)
    new, verdict = kind.on_event(table, ev)
    changes: dict[str, Any] = {kind.field: new} if new is not table else {}
    also = ALSO.get((etype, ev.verb))
    if also is not None:
        rows = also(state.containers, ev)
        if rows is not state.containers:
            changes["containers"] = rows
    return replace(state, **changes, last_event_ns=last_ns, verdict=verdict)


def needs_list(ev: Event) -> bool:
    """A prune names no object (volume prune sends no destroy per volume): only a fresh list
    of that kind says what is left. (Containers need none: each sends its own destroy.)"""
    return ev.verb == "prune" and ev.type in KINDS and ev.type != "container"


def needs_inspect(state: EngineState, ev: Event) -> bool:
    """Does this event leave its object short of facts only an inspect can give?"""
    kind = KINDS.get(ev.type)
    return kind is not None and kind.needs_inspect(getattr(state, kind.field), ev)


#: Container actions that change a swarm service's running count.
_TASK_MOVES = frozenset({"start", "die", "destroy"})


def also_inspect(state: EngineState, ev: Event) -> Event | None:
    """The engine sends no task events: a swarm task's container starting or dying makes its
    service's counts worth asking for again (as an update of that service would)."""
    service = ev.attributes.get(SERVICE_ID_LABEL) if ev.type == "container" else None
    if not service or ev.verb not in _TASK_MOVES or state.services.unavailable:
        return None
    return Event("service", "update", service, ev.time_nano)
