"""How a container reads to a person: state words and colours, times, and the detail fields.

Pure: no Kivy. Colours are RGBA tuples in 0..1 so kv can use them directly. The command and
labels are masked as :mod:`genet_kivy.masking` says, with the whole text kept to reveal.
"""

from __future__ import annotations

from datetime import UTC, datetime

from msgspec import Struct

from genet_rx.model.containers import COMPOSE_PROJECT, COMPOSE_SERVICE, Container, Health, State

from .masking import mask_command, mask_value

Rgba = tuple[float, float, float, float]

#: State word and colour. The word is always shown next to the colour (not colour alone).
STATE_COLOR: dict[State, Rgba] = {
    State.RUNNING: (0.31, 0.78, 0.47, 1),
    State.PAUSED: (0.95, 0.73, 0.25, 1),
    State.RESTARTING: (0.40, 0.65, 1.00, 1),
    State.EXITED: (0.62, 0.64, 0.68, 1),
    State.CREATED: (0.62, 0.55, 0.95, 1),
    State.DEAD: (0.94, 0.36, 0.36, 1),
    State.REMOVING: (0.62, 0.64, 0.68, 1),
}

HEALTH_COLOR: dict[Health, Rgba] = {
    Health.NONE: (0.62, 0.64, 0.68, 1),
    Health.STARTING: (0.95, 0.73, 0.25, 1),
    Health.HEALTHY: (0.31, 0.78, 0.47, 1),
    Health.UNHEALTHY: (0.94, 0.36, 0.36, 1),
}


#: A running container's word when it has a health check: good news is said too.
HEALTH_WORD: dict[Health, str] = {
    Health.STARTING: "health starting",
    Health.HEALTHY: "healthy",
    Health.UNHEALTHY: "unhealthy",
}
FAILED_EXIT_COLOR: Rgba = (0.96, 0.55, 0.30, 1)  # exited with a non-zero code: stands out


def state_word(c: Container, health: bool = True) -> str:
    """The word shown beside the colour: the state, with an exit code when it is not 0; a
    running container with a health check says its health (healthy, starting, unhealthy)
    unless ``health`` is False (where the health has a line of its own)."""
    if c.state is State.EXITED and c.exit_code not in (None, 0):
        return f"exited ({c.exit_code})"
    if health and c.state is State.RUNNING and c.health in HEALTH_WORD:
        return HEALTH_WORD[c.health]
    return c.state.value


def state_color(c: Container) -> Rgba:
    if c.state is State.RUNNING and c.health in HEALTH_WORD:
        return HEALTH_COLOR[c.health]
    if c.state is State.EXITED and c.exit_code not in (None, 0):
        return FAILED_EXIT_COLOR
    return STATE_COLOR[c.state]


def span(seconds: float) -> str:
    """A short, rounded-down duration: ``12 s``, ``5 min``, ``3 h``, ``2 days``."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h"
    days = s // 86400
    return f"{days} day" if days == 1 else f"{days} days"


def since_text(c: Container, now_ns: int) -> str:
    """Uptime or how long ago it stopped: ``up 5 min``, ``exited (137) 5 min ago`` ...

    Falls back to the engine's own status text when the state's start time is unknown.
    """
    since = c.state_since_ns
    if since is None:
        return c.status or c.state.value
    ago = span((now_ns - since) / 1e9)
    match c.state:
        case State.RUNNING:
            return f"up {ago}"
        case State.PAUSED:
            return f"paused for {ago}"
        case State.RESTARTING:
            return f"restarting (for {ago})"
        case State.EXITED:
            code = "" if c.exit_code is None else f" ({c.exit_code})"
            return f"exited{code} {ago} ago"
        case State.CREATED:
            return f"created {ago} ago, never started"
        case State.DEAD:
            return f"dead since {ago} ago"
        case State.REMOVING:
            return "being removed"


def with_name(message: str, cid: str, name: str) -> str:
    """An engine message about a container with its id (whole, or its first 12 characters)
    put as its name: "Cannot restart container web", not a 64-character id."""
    if not name or not cid:
        return message
    return message.replace(cid, name).replace(cid[:12], name)


def when(unix_s: int, now_ns: int) -> str:
    """A creation time: ``2026-11-28 23:17 UTC (5 min ago)``."""
    if unix_s <= 0:
        return ""
    stamp = datetime.fromtimestamp(unix_s, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{stamp} ({span(now_ns / 1e9 - unix_s)} ago)"


class Field(Struct, frozen=True):
    """One fact; ``value`` is what is shown (masked), ``full`` the unmasked text to reveal
    on a tap ("" when nothing is masked)."""

    key: str
    label: str
    value: str
    copyable: bool = False
    full: str = ""


def _masked_field(key: str, label: str, full: str, shown: str) -> Field:
    return Field(key, label, shown, full=full if shown != full else "")


def detail_fields(c: Container, now_ns: int) -> list[Field]:
    """The detail pane's fields for one container; empty values are left out."""
    health = "" if c.health is Health.NONE else c.health.value
    labels = "\n".join(f"{k}={v}" for k, v in sorted(c.labels.items()))
    shown_labels = "\n".join(f"{k}={mask_value(k, v)}" for k, v in sorted(c.labels.items()))
    fields = [
        Field("name", "Name", c.name, copyable=True),  # whole: the title may be cut
        Field("image", "Image", c.image),
        Field("id", "ID", c.short_id, copyable=True),
        Field("state", "State", state_word(c, health=False)),
        Field("health", "Health", health),
        Field("since", "Status", since_text(c, now_ns)),
        _masked_field("command", "Command", c.command, mask_command(c.command)),
        Field("created", "Created", when(c.created, now_ns)),
        Field("ports", "Ports", ", ".join(str(p) for p in c.ports)),
        Field("project", "Compose project", c.labels.get(COMPOSE_PROJECT, "")),
        Field("service", "Compose service", c.labels.get(COMPOSE_SERVICE, "")),
        Field("host", "Engine", c.host),
        _masked_field("labels", "Labels", labels, shown_labels),
    ]
    return [f for f in fields if f.value]
