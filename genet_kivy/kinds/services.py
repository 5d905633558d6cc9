"""Swarm services as a resource panel shows them: rows with running of desired, the detail
with its tasks by node and the rolling update's progress, and Scale / Update image / Rollback
/ Remove.

Pure: no Kivy. Counts are the engine's own ``ServiceStatus`` (as ``docker service ls``); tasks
come from the slow refresh that runs while a swarm view is on screen (``engine.swarm_tasks``,
a :class:`~genet_rx.model.swarm.SwarmTasks`): the engine sends no task events.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from genet_rx.engine.commands import RemoveService, RollbackService
from genet_rx.model.swarm import Node, Service, SwarmTasks, Task
from genet_rx.state.engine_state import EngineState

if TYPE_CHECKING:  # the log models (and regex) load with a service's Logs tab, not at start
    from genet_rx.model.logs import LogLine
    from genet_rx.model.service_logs import ServiceLogLine

from ..actions import Question
from ..describe import Field, Rgba, span, when
from .base import (
    BADGE_DIM,
    BADGE_INFO,
    BADGE_OK,
    BADGE_WARN,
    Action,
    Line,
    Link,
    Section,
    Spec,
    Verb,
    out_of_sequence,
    retry_question,
)

BAD: Rgba = (0.94, 0.36, 0.36, 1)
NOT_MANAGER = ("This engine is not a swarm manager: make it one with `docker swarm init` "
               "(or join a swarm) to see its services and nodes.")
TASKS_PER_NODE = 12  # tasks listed under one node (the newest first after the live ones)

#: A task state's colour; every state is shown as its word beside it.
TASK_COLOR: dict[str, Rgba] = {
    "running": BADGE_OK,
    "complete": BADGE_DIM,
    "shutdown": BADGE_DIM,
    "failed": BAD,
    "rejected": BAD,
    "orphaned": BAD,
    "remove": BADGE_DIM,
}

#: Update states that are not over (the rolling update, or its rollback, is under way).
UPDATING = frozenset({"updating", "rollback_started"})


def running_of_desired(service: Service) -> str:
    """``2/3`` as ``docker service ls`` shows it (``0/0`` until the counts are known)."""
    return f"{service.running or 0}/{service.desired or 0}"


def bar(service: Service) -> tuple[float, Rgba]:
    """How full the running-of-desired bar is, and its colour: green when they agree, amber
    while they differ, red when nothing runs of what is wanted."""
    running, desired = service.running or 0, service.desired or 0
    if desired == 0:
        return (0.0, BADGE_DIM) if running == 0 else (1.0, BADGE_WARN)
    fill = min(1.0, running / desired)
    if running == desired:
        return fill, BADGE_OK
    return fill, (BAD if running == 0 else BADGE_WARN)


def update_word(service: Service) -> tuple[str, Rgba]:
    """The update state as a badge: ``updating``, ``paused``, ``rolled back`` …"""
    state = service.update_state
    if not state:
        return "", BADGE_DIM
    word = state.replace("rollback_", "rollback ").replace("_", " ")
    if state in UPDATING:
        return word, BADGE_INFO
    if state == "completed":
        return "updated", BADGE_DIM
    if state in ("paused", "rollback_paused"):
        return word, BAD
    return word, BADGE_WARN


def badge(service: Service) -> tuple[str, Rgba]:
    """The row's word: the update under way, else whether running matches desired."""
    word, color = update_word(service)
    if word and service.update_state != "completed":
        return word, color
    _fill, shade = bar(service)
    if shade == BAD:
        return "not running", BAD
    if shade == BADGE_WARN:
        return "converging", BADGE_WARN
    return word, color


def line(service: Service, state: EngineState) -> Line:
    word, color = badge(service)
    parts = [service.image, service.mode, ", ".join(service.ports)]
    fill, bar_color = bar(service)
    return Line(service.id, service.name or service.short_id,
                " · ".join(p for p in parts if p), running_of_desired(service), word, color,
                bar=fill, bar_color=bar_color)


def sort_key(service: Service) -> tuple[Any, ...]:
    return (service.name.lower(), service.id)


def haystack(service: Service) -> str:
    return "\n".join((service.name, service.image, service.mode, service.short_id,
                      *service.ports, *service.labels.keys(), *service.labels.values()))


def _time(ns: int | None, now_ns: int) -> str:
    return when(ns // 1_000_000_000, now_ns) if ns else ""


def fields(service: Service, state: EngineState, now_ns: int) -> list[Field]:
    labels = "\n".join(f"{k}={v}" for k, v in sorted(service.labels.items()))
    replicas = (f"{service.running or 0} running of {service.desired or 0} desired"
                + (f" (asks for {service.replicas})" if service.replicas is not None
                   and service.replicas != service.desired else ""))
    update = " — ".join(p for p in (update_word(service)[0], service.update_message) if p)
    rows = [
        Field("image", "Image", service.image, copyable=True),
        Field("id", "ID", service.short_id, copyable=True),
        Field("mode", "Mode", service.mode),
        Field("replicas", "Tasks", replicas),
        Field("update", "Update", update),
        Field("ports", "Ports", "\n".join(service.ports)),
        Field("created", "Created", _time(service.created_ns, now_ns)),
        Field("updated", "Updated", _time(service.updated_ns, now_ns)),
        Field("labels", "Labels", labels),
    ]
    return [f for f in rows if f.value]


# -- tasks ---------------------------------------------------------------------------------

_EXIT = re.compile(r"task: non-zero exit \((\d+)\)(.*)")


def task_problem(task: Task) -> str:
    """What went wrong with a task, in plain words ("" when nothing did)."""
    error = task.error.strip()
    if not error:
        return task.message if task.state in ("failed", "rejected") else ""
    found = _EXIT.match(error)
    if found is not None:
        if "unhealthy" in found.group(2):
            return "failing health check: stopped as unhealthy"
        return f"exited with code {found.group(1)}"
    if error.startswith("No such image"):
        return error
    if error.startswith("no suitable node"):
        return error[0].upper() + error[1:]
    return error


def task_name(service: Service, task: Task) -> str:
    """``web.2`` (replicated, by slot) or ``web`` on a node (global)."""
    if task.slot:
        return f"{service.name}.{task.slot}"
    return service.name or service.short_id


def task_link(service: Service, task: Task, state: EngineState, now_ns: int) -> Link:
    """A task as a row of its service's detail; tapping it goes to its container when that
    container is on this engine."""
    since = f" {span((now_ns - task.since_ns) / 1e9)} ago" if task.since_ns else ""
    problem = task_problem(task)
    parts = [f"{task.state or '?'}{since}", f"desired {task.desired_state or '?'}"]
    if task.image and task.image != service.image:
        parts.append(task.image)
    if problem:
        parts.append(problem)
    here = task.container_id in state.containers.rows
    color = TASK_COLOR.get(task.state, BADGE_INFO)
    return Link(task.container_id if here else "", f"{task_name(service, task)}  {task.state}",
                " · ".join(parts), color)


def _task_order(task: Task) -> tuple[Any, ...]:
    """Live tasks first (desired running), then the newest."""
    return (task.desired_state != "running", task.slot or 0, -(task.since_ns or 0), task.id)


def node_name(state: EngineState, node_id: str) -> str:
    node: Node | None = state.nodes.get(node_id)
    return (node.hostname if node is not None and node.hostname else node_id[:12]) or "?"


def tasks_by_node(service: Service, tasks: tuple[Task, ...], state: EngineState,
                  now_ns: int) -> list[Section]:
    """One section per node with the service's tasks on it; unscheduled tasks last."""
    mine = sorted((t for t in tasks if t.service_id == service.id), key=_task_order)
    nodes: dict[str, list[Task]] = {}
    for task in mine:
        nodes.setdefault(task.node_id, []).append(task)
    out = []
    for node_id in sorted(nodes, key=lambda n: (n == "", node_name(state, n))):
        shown = nodes[node_id][:TASKS_PER_NODE]
        live = sum(1 for t in nodes[node_id] if t.state == "running")
        where = f"on {node_name(state, node_id)}" if node_id else "on no node yet"
        out.append(Section(f"node:{node_id}", f"Tasks {where} ({live} running)",
                           tuple(task_link(service, t, state, now_ns) for t in shown)))
    return out


def update_progress(service: Service, tasks: tuple[Task, ...]) -> str:
    """The rolling update's progress: how many live tasks run the service's image now."""
    state = service.update_state
    if not state:
        return ""
    live = [t for t in tasks if t.service_id == service.id and t.desired_state == "running"]
    done = sum(1 for t in live if t.image == service.image and t.state == "running")
    word = update_word(service)[0]
    total = service.desired if service.desired is not None else len(live)
    return f"{word}: {done} of {total} tasks run {service.image or 'the new image'}"


def sections(service: Service, state: EngineState, polled: Any) -> list[Section]:
    now_ns = time.time_ns()
    if not isinstance(polled, SwarmTasks):
        return [Section("tasks", "Tasks", lines=("Loading…",))]
    out = []
    progress = update_progress(service, polled.tasks)
    if progress:
        lines = (progress, service.update_message) if service.update_message else (progress,)
        out.append(Section("update", "Rolling update", lines=lines))
    if polled.error:
        out.append(Section("tasks", "Tasks", lines=(f"Could not read the tasks: {polled.error}",)))
        return out
    by_node = tasks_by_node(service, polled.tasks, state, now_ns)
    out.extend(by_node or [Section("tasks", "Tasks", empty="No tasks.")])
    if polled.time_ns:
        out.append(Section("asked", "", lines=(asked_text(polled, now_ns),)))
    return out


def asked_text(polled: SwarmTasks, now_ns: int) -> str:
    """How fresh the tasks are: the engine sends no task events."""
    ago = span((now_ns - polled.time_ns) / 1e9)
    return f"Tasks as of {ago} ago, asked again every few seconds while shown."


# -- logs ----------------------------------------------------------------------------------

def task_labels(service: Service, tasks: tuple[Task, ...], state: EngineState
                ) -> dict[str, str]:
    """Each task's mark in the service's logs: ``web.2@node-1``."""
    return {t.id: f"{task_name(service, t)}@{node_name(state, t.node_id)}"
            for t in tasks if t.service_id == service.id}


def marked(line: ServiceLogLine, labels: Mapping[str, str]) -> LogLine:
    """A service's log line as the Logs tab shows it: its task and node first."""
    from genet_rx.model.logs import LogLine

    if not line.task_id:
        return line.line
    mark = labels.get(line.task_id) or f"{line.task_id[:10]}@{line.node_id[:10]}"
    inner = line.line
    return LogLine(inner.stream, f"{mark} │ {inner.text}", inner.time_ns, inner.continued)


# -- actions -------------------------------------------------------------------------------

def actions(service: Service, state: EngineState) -> list[Action]:
    scalable = service.mode == "replicated"
    return [
        Action("scale", "Scale…", "primary", enabled=scalable,
               reason="" if scalable else "A global service runs one task on every node: "
                                          "it cannot be scaled."),
        Action("update_image", "Update image…"),
        Action("rollback", "Rollback"),
        Action("remove", "Remove", "danger"),
    ]


def remove_question(service: Service | None) -> Question:
    assert service is not None
    return Question(
        f"Remove service {service.name}?",
        "Every task of it is stopped and its containers removed on every node.",
        "Remove",
    )


def rollback_question(service: Service | None) -> Question:
    assert service is not None
    return Question(
        f"Roll back {service.name}?",
        "The service goes back to the spec it had before its last update, task by task.",
        "Rollback",
    )


def removed(service: Service | None, _message: str) -> str:
    return f"Removed service {service.name}." if service is not None else ""


def rolled_back(service: Service | None, _message: str) -> str:
    return f"Rolling {service.name} back." if service is not None else ""


VERBS: dict[str, Verb[Service]] = {
    "remove": Verb("Removing…", lambda s: RemoveService(s.id if s else ""), remove_question,
                   done=removed),
    "rollback": Verb("Rolling back…", lambda s: RollbackService(s.id if s else ""),
                     rollback_question, force=lambda s: RollbackService(s.id),
                     refused=lambda s, m: retry_question(s.name, m),
                     force_helps=out_of_sequence, done=rolled_back),
}

HOOKS = {"scale": "genet_kivy.panels.swarm_forms.open_scale",
         "update_image": "genet_kivy.panels.swarm_forms.open_update_image"}


def chip(service: Service, state: EngineState) -> tuple[str, Any]:
    _fill, color = bar(service)
    return f"{running_of_desired(service)} running", color


SPEC: Spec[Service] = Spec(
    kind="services",
    title="Services",
    noun="service",
    inspect_kind="service",
    key=lambda s: s.id,
    name=lambda s: s.name or s.short_id,
    line=line,
    sort_key=sort_key,
    haystack=haystack,
    fields=fields,
    sections=sections,
    actions=actions,
    verbs=VERBS,
    hooks=HOOKS,
    empty="No services.\n`docker service create` one and it appears here.",
    chip=chip,
    unavailable=NOT_MANAGER,
    polled=True,
    logs=True,
)
