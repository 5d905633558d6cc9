"""Swarm services and nodes: which events change their tables, and how (transitions as data).

Service events carry only the name (create/remove) or what changed (update: replicas, image,
update state); node updates carry what changed too. None says what the object is now, so each
asks for a fresh look. There are no task events at all: a container event labelled with a
service id makes that service's counts worth asking for again (engine_state).
"""

from __future__ import annotations

from genet_rx.model.events import Event
from genet_rx.model.swarm import Node, Service
from genet_rx.state.resources import ResourceKind, Transition

SERVICE_ID_LABEL = "com.docker.swarm.service.id"


def _service(ev: Event) -> Service:
    return Service(id=ev.actor_id, name=ev.attributes.get("name", ""))


def _node(ev: Event) -> Node:
    return Node(id=ev.actor_id, hostname=ev.attributes.get("name", ""))


SERVICES: ResourceKind[Service] = ResourceKind(
    "service",
    {"create": Transition.CREATE, "update": Transition.REFRESH, "remove": Transition.REMOVE},
    lambda s: s.id, _service)

NODES: ResourceKind[Node] = ResourceKind(
    "node",
    {"create": Transition.CREATE, "update": Transition.REFRESH, "remove": Transition.REMOVE},
    lambda n: n.id, _node)
