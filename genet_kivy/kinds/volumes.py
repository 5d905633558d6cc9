"""Volumes as a resource panel shows them: rows, detail, and Create / Remove / Prune.

Pure: no Kivy. A volume's users come from the container table (``volume_users``): a volume
a container mounts cannot be removed, and the engine says so in its own words.
"""

from __future__ import annotations

from typing import Any

from genet_rx.engine.commands import PruneVolumes, RemoveVolume
from genet_rx.model.volumes import Volume
from genet_rx.state.engine_state import EngineState
from genet_rx.state.relations import volume_users

from ..actions import Question
from ..describe import Field, when
from .base import BADGE_DIM, BADGE_OK, Action, Line, Section, Spec, Verb, container_link, plural


def short_name(volume: Volume) -> str:
    """Anonymous volumes are named by 64 hex digits: show 12, as ids are shown."""
    n = volume.name
    anonymous = len(n) == 64 and all(ch in "0123456789abcdef" for ch in n)
    return n[:12] if anonymous else n


def line(volume: Volume, state: EngineState) -> Line:
    users = volume_users(state, volume.name)
    used = plural(len(users), "container") if users else "unused"
    badge, color = ("in use", BADGE_OK) if users else ("", BADGE_DIM)
    return Line(volume.name, short_name(volume), f"{volume.driver or 'local'} · {used}", "",
                badge, color)


def sort_key(volume: Volume) -> tuple[Any, ...]:
    return (volume.name.lower(), volume.name)


def haystack(volume: Volume) -> str:
    return "\n".join((volume.name, volume.driver, *volume.labels.keys(), *volume.labels.values()))


def fields(volume: Volume, state: EngineState, now_ns: int) -> list[Field]:
    users = volume_users(state, volume.name)
    labels = "\n".join(f"{k}={v}" for k, v in sorted(volume.labels.items()))
    options = "\n".join(f"{k}={v}" for k, v in sorted(volume.options.items()))
    created = when(volume.created_ns // 1_000_000_000, now_ns) if volume.created_ns else ""
    rows = [
        Field("name", "Name", volume.name, copyable=True),
        Field("driver", "Driver", volume.driver),
        Field("mountpoint", "Mountpoint", volume.mountpoint, copyable=True),
        Field("scope", "Scope", volume.scope),
        Field("used", "Used by", plural(len(users), "container")),
        Field("created", "Created", created),
        Field("options", "Options", options),
        Field("labels", "Labels", labels),
    ]
    return [f for f in rows if f.value]


def sections(volume: Volume, state: EngineState, _loaded: Any) -> list[Section]:
    users = volume_users(state, volume.name)
    return [Section("users", "Containers using it", tuple(container_link(c) for c in users),
                    empty="No container mounts this volume.")]


def actions(volume: Volume, state: EngineState) -> list[Action]:
    users = volume_users(state, volume.name)
    reason = (f"In use by {plural(len(users), 'container')}: the engine will refuse "
              "until they are removed.") if users else ""
    return [Action("remove", "Remove", "danger", reason=reason)]


PANEL_ACTIONS = (
    Action("create", "Create…", "primary"),
    Action("prune", "Prune…"),
    Action("disk", "Disk usage"),
)


def remove_question(volume: Volume | None) -> Question:
    assert volume is not None
    return Question(
        f"Remove volume {short_name(volume)}?",
        "The volume and every file in it are deleted; this cannot be undone.",
        "Remove",
    )


def prune_question(_volume: Volume | None) -> Question:
    return Question(
        "Prune unused volumes?",
        "Every local volume no container uses is deleted with its data; this cannot be undone.",
        "Prune",
    )


def removed(volume: Volume | None, _message: str) -> str:
    return f"Removed volume {short_name(volume)}." if volume is not None else ""


def pruned(_volume: Volume | None, message: str) -> str:
    return f"Pruned: {message}." if message else "Pruned."


VERBS: dict[str, Verb[Volume]] = {
    "remove": Verb("Removing…", lambda v: RemoveVolume(v.name if v else ""), remove_question,
                   done=removed),
    "prune": Verb("Pruning…", lambda _v: PruneVolumes(), prune_question, done=pruned),
}

HOOKS = {"create": "open_create_volume"}


def chip(volume: Volume, state: EngineState) -> tuple[str, Any]:
    return ("in use", BADGE_OK) if volume_users(state, volume.name) else ("unused", BADGE_DIM)


SPEC: Spec[Volume] = Spec(
    kind="volumes",
    title="Volumes",
    noun="volume",
    inspect_kind="volume",
    key=lambda v: v.name,
    name=short_name,
    line=line,
    sort_key=sort_key,
    haystack=haystack,
    fields=fields,
    sections=sections,
    actions=actions,
    panel_actions=PANEL_ACTIONS,
    verbs=VERBS,
    hooks=HOOKS,
    empty="No volumes.\nCreate one (Create…) and it appears here.",
    chip=chip,
)
