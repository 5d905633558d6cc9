"""Swarm nodes as a resource panel shows them: rows, the detail with the tasks on each node,
and Drain / Pause / Activate.

Pure: no Kivy. Tasks come from the slow refresh that runs while a swarm view is on screen
(:class:`~genet_rx.model.swarm.SwarmTasks`), as for services.
"""

from __future__ import annotations

import time
from typing import Any

from genet_rx.engine.commands import SetNodeAvailability, human_bytes
from genet_rx.model.swarm import Node, Service, SwarmTasks, Task
from genet_rx.state.engine_state import EngineState

from ..actions import Question
from ..describe import Field, Rgba, span
from .base import (
    BADGE_DIM,
    BADGE_INFO,
    BADGE_OK,
    BADGE_WARN,
    Action,
    Line,
    Section,
    Spec,
    Verb,
    out_of_sequence,
    retry_question,
)
from .services import BAD, NOT_MANAGER, task_name, task_problem

#: A node's availability or state as its badge (the word is always shown beside the colour).
LOOK: dict[str, Rgba] = {
    "ready": BADGE_OK,
    "down": BAD,
    "disconnected": BAD,
    "unknown": BADGE_WARN,
    "drain": BADGE_WARN,
    "pause": BADGE_WARN,
}

AVAILABILITY = ("active", "pause", "drain")


def role_text(node: Node) -> str:
    return f"{node.role or '?'} (leader)" if node.leader else (node.role or "?")


def badge(node: Node) -> tuple[str, Rgba]:
    """Trouble first: a node that is not ready, else one not taking tasks."""
    if node.state and node.state != "ready":
        return node.state, LOOK.get(node.state, BAD)
    if node.availability and node.availability != "active":
        return node.availability, LOOK[node.availability]
    return node.state or "", BADGE_OK


def resources(node: Node) -> str:
    parts = []
    if node.cpus:
        parts.append(f"{node.cpus:g} CPU" + ("s" if node.cpus != 1 else ""))
    if node.memory:
        parts.append(human_bytes(node.memory))
    return " · ".join(parts)


def line(node: Node, state: EngineState) -> Line:
    word, color = badge(node)
    parts = [role_text(node), node.availability, f"engine {node.engine_version}"
             if node.engine_version else ""]
    return Line(node.id, node.hostname or node.id[:12], " · ".join(p for p in parts if p),
                resources(node), word, color)


def sort_key(node: Node) -> tuple[Any, ...]:
    return (node.role != "manager", node.hostname.lower(), node.id)


def haystack(node: Node) -> str:
    return "\n".join((node.hostname, node.id, node.role, node.availability, node.state,
                      *node.labels.keys(), *node.labels.values()))


def fields(node: Node, state: EngineState, now_ns: int) -> list[Field]:
    labels = "\n".join(f"{k}={v}" for k, v in sorted(node.labels.items()))
    rows = [
        Field("hostname", "Hostname", node.hostname, copyable=True),
        Field("id", "ID", node.id[:12], copyable=True),
        Field("role", "Role", role_text(node)),
        Field("availability", "Availability", node.availability),
        Field("state", "State", node.state),
        Field("engine", "Engine", node.engine_version),
        Field("resources", "Resources", resources(node)),
        Field("labels", "Labels", labels),
    ]
    return [f for f in rows if f.value]


def tasks_on(node: Node, tasks: tuple[Task, ...]) -> list[Task]:
    """The node's live tasks (desired running), by service then slot."""
    return sorted((t for t in tasks if t.node_id == node.id and t.desired_state == "running"),
                  key=lambda t: (t.service_id, t.slot or 0, t.id))


def sections(node: Node, state: EngineState, polled: Any) -> list[Section]:
    if not isinstance(polled, SwarmTasks):
        return [Section("tasks", "Tasks on it", lines=("Loading…",))]
    if polled.error:
        return [Section("tasks", "Tasks on it",
                        lines=(f"Could not read the tasks: {polled.error}",))]
    now_ns = time.time_ns()
    lines = []
    for task in tasks_on(node, polled.tasks):
        service = state.services.get(task.service_id) or Service(task.service_id)
        since = f" {span((now_ns - task.since_ns) / 1e9)} ago" if task.since_ns else ""
        problem = task_problem(task)
        lines.append(f"{task_name(service, task)}  {task.state}{since}"
                     + (f" · {problem}" if problem else ""))
    running = sum(1 for t in tasks_on(node, polled.tasks) if t.state == "running")
    return [Section("tasks", f"Tasks on it ({running} running)", lines=tuple(lines),
                    empty="No task is meant to run here.")]


def actions(node: Node, state: EngineState) -> list[Action]:
    current = node.availability
    return [
        Action("drain", "Drain", "danger", enabled=current != "drain"),
        Action("pause", "Pause", enabled=current != "pause"),
        Action("activate", "Activate", "primary", enabled=current != "active"),
    ]


def drain_question(node: Node | None) -> Question:
    assert node is not None
    return Question(
        f"Drain {node.hostname or node.id[:12]}?",
        "Its tasks are stopped and the swarm starts them on other nodes; no new task is "
        "placed here until it is activated again. On a single-node swarm they cannot start "
        "anywhere else.",
        "Drain",
    )


def set_to(availability: str) -> Verb[Node]:
    words = {"drain": "Draining…", "pause": "Pausing…", "activate": "Activating…"}
    wanted = "active" if availability == "activate" else availability

    def done(node: Node | None, _message: str) -> str:
        name = node.hostname if node is not None else "the node"
        return f"{name} is now {wanted}."

    return Verb(words[availability], lambda n: SetNodeAvailability(n.id if n else "", wanted),
                drain_question if availability == "drain" else (lambda _n: None),
                force=lambda n: SetNodeAvailability(n.id, wanted),
                refused=lambda n, m: retry_question(n.hostname or n.id[:12], m),
                force_helps=out_of_sequence, done=done)


VERBS: dict[str, Verb[Node]] = {name: set_to(name) for name in ("drain", "pause", "activate")}


def chip(node: Node, state: EngineState) -> tuple[str, Any]:
    if node.leader:
        return "leader", BADGE_INFO
    return (node.role, BADGE_DIM) if node.role else ("", BADGE_DIM)


SPEC: Spec[Node] = Spec(
    kind="nodes",
    title="Nodes",
    noun="node",
    inspect_kind="node",
    key=lambda n: n.id,
    name=lambda n: n.hostname or n.id[:12],
    line=line,
    sort_key=sort_key,
    haystack=haystack,
    fields=fields,
    sections=sections,
    actions=actions,
    verbs=VERBS,
    empty="No nodes.",
    chip=chip,
    unavailable=NOT_MANAGER,
    polled=True,
)
