"""How the container list is grouped: a small table of key functions, one per choice.

Pure: no Kivy. A :class:`Grouping` says which group a container falls in (``key``), how
groups are ordered (``order``) and titled (``title``). The sidebar offers every entry of
``GROUPINGS`` in order (``engine`` only when there are many engines); adding a way to group
is one more entry. ``key`` gets the row key too: with many engines it names the engine
(:func:`~genet_kivy.engine_view.row_key`).

* ``state``: Running, Paused, Restarting, Exited, Created, Dead (``removing`` under Exited).
* ``project``: one group per compose project (by the ``com.docker.compose.project`` label),
  by name, then the containers of no project.
* ``engine``: one group per engine, by name (offered when more than one engine is open).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from msgspec import Struct

from genet_rx.model.containers import COMPOSE_SERVICE, Container, State

from .engine_view import label, split_key


class Group(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    RESTARTING = "restarting"
    EXITED = "exited"
    CREATED = "created"
    DEAD = "dead"


GROUP_ORDER: tuple[Group, ...] = tuple(Group)

GROUP_OF: dict[State, Group] = {
    State.RUNNING: Group.RUNNING,
    State.PAUSED: Group.PAUSED,
    State.RESTARTING: Group.RESTARTING,
    State.EXITED: Group.EXITED,
    State.REMOVING: Group.EXITED,
    State.CREATED: Group.CREATED,
    State.DEAD: Group.DEAD,
}

#: The group of the containers that belong to no compose project.
NO_PROJECT = "project:"


class Grouping(Struct, frozen=True):
    name: str
    label: str  # what the sidebar's choice says: "By state"
    key: Callable[[str, Container], str]  # (row key, container) → group
    order: Callable[[str], tuple[int, str]]
    title: Callable[[str], str]
    header: str = "GroupHeader"  # the header's view class


def _state_key(_key: str, c: Container) -> str:
    return GROUP_OF[c.state].value


def _state_order(group: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(Group(group)), "")


def _project_key(_key: str, c: Container) -> str:
    return f"project:{c.compose_project or ''}"


def _project_order(group: str) -> tuple[int, str]:
    return (1, "") if group == NO_PROJECT else (0, group.lower())


def _project_title(group: str) -> str:
    return project_of(group) or "No compose project"


def project_of(group: str) -> str:
    """The compose project a ``project`` group stands for ("" for no project)."""
    return group.removeprefix("project:")


def _engine_key(key: str, _c: Container) -> str:
    return f"engine:{label(split_key(key)[0] or '')}"


def _engine_order(group: str) -> tuple[int, str]:
    return (0, group.lower())


BY_STATE = Grouping("state", "By state", _state_key, _state_order,
                    lambda g: g.capitalize())
BY_PROJECT = Grouping("project", "By project", _project_key, _project_order, _project_title,
                      header="ProjectHeader")

BY_ENGINE = Grouping("engine", "By engine", _engine_key, _engine_order,
                     lambda g: g.removeprefix("engine:"))

#: Every way to group, in the order the sidebar offers them.
GROUPINGS: dict[str, Grouping] = {g.name: g for g in (BY_STATE, BY_PROJECT, BY_ENGINE)}


def offered(engines: int) -> list[str]:
    """The groupings worth offering: by engine only when there is more than one."""
    return [n for n in GROUPINGS if n != "engine" or engines > 1]


def next_grouping(name: str, engines: int = 1) -> str:
    """The grouping after ``name`` (the sidebar's one button cycles through them)."""
    names = offered(engines)
    return names[(names.index(name) + 1) % len(names)] if name in names else names[0]


class ProjectFacts(Struct, frozen=True):
    """What a project header shows about its containers (all of them, whatever the search)."""

    services: tuple[str, ...]
    running: int
    total: int
    config_files: str
    working_dir: str

    @property
    def line(self) -> str:
        """``web, db, cache · 2/3 running``."""
        services = ", ".join(self.services) or "no services"
        return f"{services} · {self.running}/{self.total} running"


CONFIG_FILES = "com.docker.compose.project.config_files"
WORKING_DIR = "com.docker.compose.project.working_dir"


def project_facts(members: Iterable[Container]) -> ProjectFacts:
    found = list(members)
    services = sorted({c.labels.get(COMPOSE_SERVICE, "") for c in found} - {""})
    first = next((c for c in found if c.labels.get(CONFIG_FILES)), None)
    workdir = next((c.labels[WORKING_DIR] for c in found if c.labels.get(WORKING_DIR)), "")
    return ProjectFacts(
        tuple(services),
        sum(1 for c in found if c.state is State.RUNNING),
        len(found),
        first.labels[CONFIG_FILES] if first is not None else "",
        workdir,
    )
