"""Lists and inspects, per kind, turned into the changes the fold takes (Snapshot, Inspected).

Each kind is one entry in :data:`READERS`: how to list it, how to inspect one, and the parsers
that make rows of the answers. Every answer's ``trust_ns`` comes from its own ``Date`` header
(the daemon's clock) less a grace period: the engine emits an event before its lists reflect it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from msgspec import Struct

from genet_rx.api import containers, images, networks, swarm, volumes
from genet_rx.api.client import EngineClient, describe
from genet_rx.engine.gc_pause import paused_gc
from genet_rx.errors import EngineError, GenetError, NotFound
from genet_rx.model.common import entries
from genet_rx.model.containers import (
    container_from_inspect,
    container_from_list,
    containers_from_list_body,
)
from genet_rx.model.events import Event
from genet_rx.model.images import image_from_inspect, image_from_list, images_from_list_body
from genet_rx.model.networks import network_from_inspect, network_from_list
from genet_rx.model.swarm import node_from_list, service_from_list
from genet_rx.model.volumes import volume_from_inspect, volume_from_list
from genet_rx.state.changes import GRACE_NS, Inspected, Snapshot, Vanished
from genet_rx.wire.http import Response, check_objects

log = logging.getLogger(__name__)


class Reader(Struct, frozen=True):
    """How one kind is read from the engine."""

    listing: Callable[[EngineClient], Response]
    entries: Callable[[Any], list[Any]]  # the list answer's entries
    from_list: Callable[[Any, str], Any]
    inspect: Callable[[EngineClient, str], Response]
    from_inspect: Callable[[Any, str], Any]
    key: Callable[[Any], str]
    settles: Callable[[Event], int | None]  # which event an inspect after this one settles
    optional: bool = False  # a 503 means "not here" (not a swarm manager), not a failure
    # The list answer's rows straight from its body (a faster decoder), or None to take
    # entries + from_list: the same rows either way.
    from_body: Callable[[bytes, str], tuple[Any, ...] | None] | None = None


def _list_of(answer: Any) -> list[Any]:
    if not isinstance(answer, list):
        raise GenetError("the engine's list is not a list")
    return answer


def _volumes_of(answer: Any) -> list[Any]:
    if not isinstance(answer, dict):
        raise GenetError("the engine's volume list is not an object")
    return list(entries(answer.get("Volumes")))  # null when there are none


def _object(parse: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """A parser of one object, given anything: an answer that is no object parses as {}."""
    return lambda doc, host: parse(doc if isinstance(doc, dict) else {}, host)


def _first(answer: Any) -> Any:
    entries_ = entries(answer)
    return entries_[0] if entries_ else {}


def _settles_every(ev: Event) -> int | None:
    return ev.time_nano


READERS: dict[str, Reader] = {
    "container": Reader(
        listing=containers.list_response,
        entries=_list_of,
        from_list=container_from_list,
        inspect=containers.inspect_response,
        from_inspect=_object(container_from_inspect),
        key=lambda row: row.id,
        # Only a die's outcome is worth settling: the engine decided it before sending die.
        settles=lambda ev: ev.time_nano if ev.verb == "die" else None,
        from_body=containers_from_list_body,
    ),
    "service": Reader(swarm.services_response, _list_of, service_from_list,
                      swarm.service_response, lambda doc, host: service_from_list(
                          _first(doc), host), lambda row: row.id, _settles_every, True),
    "node": Reader(swarm.nodes_response, _list_of, node_from_list, swarm.node_response,
                   _object(node_from_list), lambda row: row.id, _settles_every, True),
    "image": Reader(images.list_response, _list_of, image_from_list, images.inspect_response,
                    _object(image_from_inspect), lambda row: row.id, _settles_every,
                    from_body=images_from_list_body),
    "volume": Reader(volumes.list_response, _volumes_of, volume_from_list,
                     volumes.inspect_response, _object(volume_from_inspect), lambda row: row.name,
                     _settles_every),
    "network": Reader(networks.list_response, _list_of, network_from_list,
                      networks.inspect_response, _object(network_from_inspect), lambda row: row.id,
                      _settles_every),
}


def trust_ns(resp: Response) -> int:
    """Up to when an answer can be trusted to reflect events: its Date less the grace period.

    Date is the daemon's clock (same as timeNano), to the second; without it, ours.
    """
    stamp = resp.date_ns
    return (stamp if stamp is not None else time.time_ns()) - GRACE_NS


def snapshot(client: EngineClient, kind: str, after: Event | None = None) -> Snapshot[Any]:
    """A full list of one kind (blocking); raises what the call raises.

    ``after``: the event this list was asked for after (a prune). An image, volume or network
    list reflects every event before it, so it is trusted up to that event at least.
    """
    reader = READERS[kind]
    try:
        resp = reader.listing(client)
    except EngineError as exc:
        if reader.optional and exc.status == 503:
            return Snapshot((), time.time_ns() - GRACE_NS, kind, unavailable=exc.message)
        raise
    return _snapshot_of(reader, resp, client.host, kind, after)


def early_containers(client: EngineClient) -> Snapshot[Any]:
    """The containers' list asked at the daemon's newest API version, before one is agreed:
    the sync asks it beside the ping that agrees (see ``live_state``). Raises what the call
    raises."""
    resp = containers.list_response(client, versioned=False)
    return _snapshot_of(READERS["container"], resp, client.host, "container", None)


def _snapshot_of(reader: Reader, resp: Response, host: str, kind: str,
                 after: Event | None) -> Snapshot[Any]:
    rows = None
    with paused_gc():
        if reader.from_body is not None:
            check_objects(resp.body)
            rows = reader.from_body(resp.body, host)
        if rows is None:
            rows = tuple(reader.from_list(e, host) for e in reader.entries(resp.json())
                         if isinstance(e, dict))
    trust = trust_ns(resp)
    return Snapshot(rows, trust if after is None else max(trust, after.time_nano), kind)


def inspected(client: EngineClient, ev: Event) -> Inspected[Any] | Vanished | None:
    """The engine's answer about the object of ``ev`` (blocking; never raises).

    ``None`` when the inspect failed for another reason: the reconcile repairs it.
    """
    reader = READERS[ev.type]
    try:
        resp = reader.inspect(client, ev.actor_id)
        doc = resp.json()
        row = reader.from_inspect(doc, client.host)
        if reader.key(row):
            return Inspected(row, trust_ns(resp), reader.settles(ev), ev.type)
    except NotFound:
        return Vanished(ev.actor_id, time.time_ns() - GRACE_NS, ev.type)
    except Exception as exc:  # the reconcile repairs it; never end the pipeline for it
        log.info("inspect of %s %s failed: %s", ev.type, ev.actor_id[:12], describe(exc))
    return None
