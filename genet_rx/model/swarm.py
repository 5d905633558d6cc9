"""Swarm services, nodes and tasks as values, from ``/services?status=true``, ``/nodes`` and
``/tasks``. Forgiving as every parser here: any part may be missing or odd; only the id decides
whether a row is usable.

Running of desired is the engine's own ``ServiceStatus`` (what ``docker service ls`` shows):
running counts every task in state running whatever its desired state, so 3/1 is real while
scaled-down tasks finish their grace period. The engine sends no task events: tasks are asked
for when needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct, field

from genet_rx.model.common import NO_LABELS, entries, labels, obj, parse_time_ns, text, to_int


class Service(Struct, frozen=True):
    id: str
    name: str = ""
    image: str = ""
    mode: str = ""  # "replicated" | "global" | …
    replicas: int | None = None  # what the spec asks for (replicated only)
    running: int | None = None  # ServiceStatus.RunningTasks
    desired: int | None = None  # ServiceStatus.DesiredTasks
    update_state: str = ""  # "" (never updated), updating, paused, completed, rollback_…
    update_message: str = ""
    ports: tuple[str, ...] = ()  # "8080:80/tcp"
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    version: int = 0  # the spec's version index: an update must name it
    created_ns: int | None = None
    updated_ns: int | None = None
    host: str = ""
    event_ns: int | None = None

    @property
    def short_id(self) -> str:
        return self.id[:12]


class Node(Struct, frozen=True):
    id: str
    hostname: str = ""
    role: str = ""  # manager | worker
    leader: bool = False
    availability: str = ""  # active | pause | drain
    state: str = ""  # ready | down | unknown | disconnected
    engine_version: str = ""
    cpus: float = 0.0
    memory: int = 0
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    version: int = 0
    host: str = ""
    event_ns: int | None = None


class Task(Struct, frozen=True):
    id: str
    service_id: str = ""
    node_id: str = ""
    slot: int | None = None
    state: str = ""  # new … running, complete, failed, rejected, shutdown
    desired_state: str = ""
    message: str = ""
    error: str = ""  # the engine's reason: "No such image: …", "no suitable node (…)"
    container_id: str = ""
    since_ns: int | None = None
    image: str = ""  # the image its spec names (without the pinned digest)


def service_from_list(entry: Mapping[str, Any], host: str = "") -> Service:
    """One entry of ``GET /services?status=true`` (or ``/services/{id}``)."""
    spec = obj(entry, "Spec")
    mode = obj(spec, "Mode")
    kind = next(iter(mode), "") if mode else ""
    status = obj(entry, "ServiceStatus")
    update = obj(entry, "UpdateStatus")
    image = text(obj(obj(spec, "TaskTemplate"), "ContainerSpec").get("Image"))
    return Service(
        id=text(entry.get("ID")),
        name=text(spec.get("Name")),
        image=image.split("@", 1)[0],  # the engine pins a digest: show what was asked for
        mode=kind.lower(),
        replicas=to_int(obj(mode, "Replicated").get("Replicas")),
        running=to_int(status.get("RunningTasks")),
        desired=to_int(status.get("DesiredTasks")),
        update_state=text(update.get("State")),
        update_message=text(update.get("Message")),
        ports=tuple(_port(p) for p in entries(obj(entry, "Endpoint").get("Ports"))),
        labels=labels(spec.get("Labels")),
        version=to_int(obj(entry, "Version").get("Index")) or 0,
        created_ns=parse_time_ns(entry.get("CreatedAt")),
        updated_ns=parse_time_ns(entry.get("UpdatedAt")),
        host=host,
    )


def _port(p: Mapping[str, Any]) -> str:
    published, target = to_int(p.get("PublishedPort")), to_int(p.get("TargetPort"))
    proto = text(p.get("Protocol")) or "tcp"
    return f"{published}:{target}/{proto}" if published else f"{target}/{proto}"


def services_from_answer(answer: object, host: str = "") -> tuple[Service, ...]:
    rows = (service_from_list(e, host) for e in entries(answer))
    return tuple(r for r in rows if r.id)


def node_from_list(entry: Mapping[str, Any], host: str = "") -> Node:
    """One entry of ``GET /nodes`` (or ``/nodes/{id}``)."""
    spec, desc = obj(entry, "Spec"), obj(entry, "Description")
    res = obj(desc, "Resources")
    return Node(
        id=text(entry.get("ID")),
        hostname=text(desc.get("Hostname")),
        role=text(spec.get("Role")),
        leader=obj(entry, "ManagerStatus").get("Leader") is True,
        availability=text(spec.get("Availability")),
        state=text(obj(entry, "Status").get("State")),
        engine_version=text(obj(desc, "Engine").get("EngineVersion")),
        cpus=(to_int(res.get("NanoCPUs")) or 0) / 1e9,
        memory=to_int(res.get("MemoryBytes")) or 0,
        labels=labels(spec.get("Labels")),
        version=to_int(obj(entry, "Version").get("Index")) or 0,
        host=host,
    )


def task_from_list(entry: Mapping[str, Any]) -> Task:
    """One entry of ``GET /tasks``."""
    status = obj(entry, "Status")
    return Task(
        id=text(entry.get("ID")),
        service_id=text(entry.get("ServiceID")),
        node_id=text(entry.get("NodeID")),
        slot=to_int(entry.get("Slot")),
        state=text(status.get("State")),
        desired_state=text(entry.get("DesiredState")),
        message=text(status.get("Message")),
        error=text(status.get("Err")),
        container_id=text(obj(status, "ContainerStatus").get("ContainerID")),
        since_ns=parse_time_ns(status.get("Timestamp")),
        image=text(obj(obj(entry, "Spec"), "ContainerSpec").get("Image")).split("@", 1)[0],
    )


def tasks_from_answer(answer: object) -> tuple[Task, ...]:
    rows = (task_from_list(e) for e in entries(answer))
    return tuple(r for r in rows if r.id)


class SwarmTasks(Struct, frozen=True):
    """The tasks as last asked for (``/tasks``: the engine sends no task events), when
    (``time_ns``, this machine's clock), or why they could not be had (``error``)."""

    tasks: tuple[Task, ...] = ()
    time_ns: int = 0
    error: str = ""
