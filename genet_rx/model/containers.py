"""A container row as a frozen value, built from a list entry, an inspect answer or an event."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import msgspec
from msgspec import Struct, field

from genet_rx.model.attachments import Attachments, attachments_from_inspect, attachments_from_list
from genet_rx.model.common import (
    NO_LABELS,
    command_line,
    labels,
    normal_command,
    obj,
    parse_time_ns,
    to_int,
    typed_or_none,
)

NO_ATTACHMENTS = Attachments()

COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"


class State(StrEnum):
    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    RESTARTING = "restarting"
    REMOVING = "removing"
    EXITED = "exited"
    DEAD = "dead"

    @property
    def alive(self) -> bool:
        """A process exists (running, paused, or between restarts): stop and kill apply."""
        return self in ALIVE

    @classmethod
    def parse(cls, value: object) -> State:
        known = _STATES.get(value) if isinstance(value, str) else None
        if known is not None:
            return known  # the engine's own spelling: one look-up
        try:
            return cls(str(value).lower())
        except ValueError:
            return cls.DEAD if str(value).lower() == "dead" else cls.CREATED


_STATES: dict[str, State] = {state.value: state for state in State}

#: The states in which a container has (or is about to have again) a process.
ALIVE = frozenset({State.RUNNING, State.PAUSED, State.RESTARTING})


class Health(StrEnum):
    NONE = "none"
    STARTING = "starting"
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"

    @classmethod
    def parse(cls, value: object) -> Health:
        try:
            return cls(str(value).lower())
        except ValueError:
            return cls.NONE


class Port(Struct, frozen=True):
    private: int
    type: str = "tcp"
    public: int | None = None
    ip: str = ""

    def __str__(self) -> str:
        inner = f"{self.private}/{self.type}"
        if self.public is None:
            return inner
        host = f"{self.ip}:" if self.ip else ""
        return f"{host}{self.public}->{inner}"


class Container(Struct, frozen=True):
    """One row of the live table.

    ``event_ns`` is the ``timeNano`` of the newest event folded into this row (``None`` when the
    row comes only from a list or inspect answer). A list or inspect answer never overwrites the
    state of a row whose ``event_ns`` is newer than what that answer can be trusted to reflect.
    ``event_actions`` are the actions of the events folded at exactly ``event_ns`` (usually one):
    with ``event_ns`` they are the fold's record of what this row has seen, so an event replayed
    after a reconnect is recognised as a duplicate without a key kept per event.
    ``state_since_ns`` is when the current state began, when known (uptime / "exited 5 min ago").
    """

    id: str
    name: str
    host: str = ""
    image: str = ""
    command: str = ""
    created: int = 0
    state: State = State.CREATED
    health: Health = Health.NONE
    exit_code: int | None = None
    ports: tuple[Port, ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    status: str = ""
    event_ns: int | None = None
    state_since_ns: int | None = None
    restart_policy: str = ""  # "" unknown (lists don't say), "no", "always", "on-failure", …
    manually_stopped: bool = False  # a kill since the last start: the engine won't restart it
    uses: Attachments = NO_ATTACHMENTS  # its image, volumes, networks: cross-references
    event_actions: tuple[str, ...] = ()

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def compose_project(self) -> str | None:
        return self.labels.get(COMPOSE_PROJECT)

    @property
    def compose_service(self) -> str | None:
        return self.labels.get(COMPOSE_SERVICE)


def _name(raw: object) -> str:
    """Names come as ``/web`` (inspect) or ``["/web"]`` (list); Genet shows ``web``."""
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str) \
            and raw[0].count("/") == 1:
        return raw[0].lstrip("/")  # the usual answer: one name, its own
    if isinstance(raw, list):
        # Legacy links add names like "/other/alias"; the container's own name has one slash.
        names = [str(n) for n in raw]
        own = [n for n in names if n.count("/") == 1] or names
        raw = own[0] if own else ""
    return str(raw or "").lstrip("/")


_HEALTH_IN_STATUS = re.compile(r"\((?:health: )?(starting|healthy|unhealthy)\)")
_EXIT_IN_STATUS = re.compile(r"^Exited \((-?\d+)\)")


def health_from_status(status: str) -> Health:
    """The list answer has no health field; its Status text carries it: ``Up 3s (healthy)``."""
    m = _HEALTH_IN_STATUS.search(status)
    return Health(m.group(1)) if m else Health.NONE


def _ports_from_list(raw: object) -> tuple[Port, ...]:
    if raw == []:
        return ()
    ports: set[Port] = set()
    for p in raw if isinstance(raw, list) else []:
        if not isinstance(p, dict):
            continue
        private = to_int(p.get("PrivatePort"))
        if private is None:
            continue
        ports.add(Port(private, str(p.get("Type") or "tcp"), to_int(p.get("PublicPort")),
                       str(p.get("IP") or "")))
    return tuple(sorted(ports, key=_port_key))


def _ports_from_inspect(raw: object) -> tuple[Port, ...]:
    ports: set[Port] = set()
    for spec, bindings in (raw.items() if isinstance(raw, dict) else []):
        number, _, proto = str(spec).partition("/")
        private = to_int(number)
        if private is None:
            continue
        if not bindings:
            ports.add(Port(private, proto or "tcp"))
            continue
        for b in bindings if isinstance(bindings, list) else []:
            if isinstance(b, dict):
                ports.add(Port(private, proto or "tcp", to_int(b.get("HostPort")),
                               str(b.get("HostIp") or "")))
    return tuple(sorted(ports, key=_port_key))


def _port_key(p: Port) -> tuple[int, str, int, str]:
    return (p.private, p.type, p.public or 0, p.ip)




def container_from_list(entry: Mapping[str, Any], host: str = "") -> Container:
    """A row from one entry of ``GET /containers/json``."""
    status = str(entry.get("Status") or "")
    exit_match = _EXIT_IN_STATUS.match(status)
    state = State.parse(entry.get("State"))
    return Container(
        id=str(entry.get("Id") or ""),
        name=_name(entry.get("Names")),
        host=host,
        image=str(entry.get("Image") or ""),
        command=normal_command(str(entry.get("Command") or "")),
        created=to_int(entry.get("Created")) or 0,
        state=state,
        health=health_from_status(status),
        exit_code=int(exit_match.group(1)) if exit_match and state is State.EXITED else None,
        ports=_ports_from_list(entry.get("Ports")),
        labels=labels(entry.get("Labels")),
        uses=attachments_from_list(entry),
        status=status,
    )


class _Port(msgspec.Struct, gc=False):
    PrivatePort: int | None = None
    PublicPort: int | None = None
    Type: str | None = None
    IP: str | None = None


class _Mount(msgspec.Struct, gc=False):
    Type: str | None = None
    Name: str | None = None


class _Network(msgspec.Struct, gc=False):
    NetworkID: str | None = None
    IPAddress: str | None = None


class _NetworkSettings(msgspec.Struct, gc=False):
    Networks: dict[str, _Network] | None = None


class _Entry(msgspec.Struct, gc=False):
    """The fields of a ``GET /containers/json`` entry that :func:`container_from_list` reads,
    typed as the engine sends them."""

    Id: str | None = None
    Names: list[str] | None = None
    Image: str | None = None
    ImageID: str | None = None
    Command: str | None = None
    Created: int | None = None
    State: str | None = None
    Status: str | None = None
    Ports: list[_Port] | None = None
    Labels: dict[str, str] | None = None
    Mounts: list[_Mount] | None = None
    NetworkSettings: _NetworkSettings | None = None


_decode_entries = msgspec.json.Decoder(list[_Entry]).decode


def containers_from_list_body(body: bytes, host: str = "") -> tuple[Container, ...] | None:
    """The rows of a ``GET /containers/json`` body, decoded by msgspec straight into typed
    entries (about 3x faster than ``json.loads`` plus :func:`container_from_list`, which a
    list of 10,000 containers feels); the same rows :func:`container_from_list` makes.

    None when the body does not fit those types exactly (not JSON, a number where a string
    belongs, an entry that is not an object ...): the caller then takes the reference way.
    """
    found = typed_or_none(_decode_entries, body)
    return None if found is None else _Rows(host).of(found)


class _Rows:
    """Rows for one list answer. Many containers share a Status text ("Up 2 hours"), a
    command and an image: what is read from those is worked out once per answer (plain
    dicts that live as long as this call), and equal values are shared between rows."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.statuses: dict[tuple[str, State], tuple[Health, int | None]] = {}
        self.commands: dict[str, str] = {}
        self.bare_uses: dict[str, Attachments] = {}  # by image id: no volume, no network

    def of(self, entries: list[_Entry]) -> tuple[Container, ...]:
        return tuple(map(self.row, entries))

    def row(self, e: _Entry) -> Container:
        status = e.Status or ""
        state = _STATES.get(e.State) if e.State is not None else None
        if state is None:
            state = State.parse(e.State)
        read = self.statuses.get((status, state))
        if read is None:
            read = self.statuses[(status, state)] = _from_status(status, state)
        command = e.Command or ""
        plain = self.commands.get(command)
        if plain is None:
            plain = self.commands[command] = normal_command(command)
        names = e.Names
        # The usual answer: one name, its own ("/web"); anything else the careful way.
        name = names[0][1:] if names is not None and len(names) == 1 \
            and names[0].startswith("/") and names[0].count("/") == 1 else _name(names)
        return Container(
            e.Id or "",  # id
            name,
            self.host,
            e.Image or "",  # image
            plain,  # command
            e.Created or 0,  # created
            state,
            read[0],  # health
            read[1],  # exit_code
            _typed_ports(e.Ports) if e.Ports else (),  # ports
            MappingProxyType(e.Labels) if e.Labels else NO_LABELS,  # labels
            status,
            uses=self.uses(e),
        )

    def uses(self, e: _Entry) -> Attachments:
        settings = e.NetworkSettings
        networks = settings.Networks if settings is not None else None
        image_id = e.ImageID or ""
        if not e.Mounts and not networks:
            bare = self.bare_uses.get(image_id)
            if bare is None:
                bare = self.bare_uses[image_id] = Attachments(image_id=image_id)
            return bare
        return Attachments(
            image_id=image_id,
            volumes=tuple(sorted({m.Name for m in e.Mounts if m.Type == "volume" and m.Name}))
            if e.Mounts else (),
            networks=tuple(sorted(
                {(n.NetworkID, name, n.IPAddress or "") for name, n in networks.items()
                 if n.NetworkID}, key=lambda net: (net[1], net[0]))) if networks else (),
        )


def _from_status(status: str, state: State) -> tuple[Health, int | None]:
    """The health and exit code a list entry's Status text tells (``Up 3s (healthy)``,
    ``Exited (3) 2 minutes ago``)."""
    exit_match = _EXIT_IN_STATUS.match(status) if state is State.EXITED else None
    return health_from_status(status), int(exit_match.group(1)) if exit_match else None


def _typed_ports(raw: list[_Port]) -> tuple[Port, ...]:
    ports = {Port(p.PrivatePort, p.Type or "tcp", p.PublicPort, p.IP or "")
             for p in raw if p.PrivatePort is not None}
    return tuple(sorted(ports, key=_port_key))


def container_from_inspect(doc: Mapping[str, Any], host: str = "") -> Container:
    """A row from ``GET /containers/{id}/json``."""
    st, cfg, net = obj(doc, "State"), obj(doc, "Config"), obj(doc, "NetworkSettings")
    state = State.parse(st.get("Status"))
    health = Health.parse(obj(st, "Health").get("Status") or "none")
    args = doc.get("Args")
    path = str(doc.get("Path") or "")
    command = command_line([*([path] if path else []),
                            *map(str, args if isinstance(args, list) else [])])
    started = parse_time_ns(st.get("StartedAt"))
    finished = parse_time_ns(st.get("FinishedAt"))
    created_ns = parse_time_ns(doc.get("Created"))
    policy = obj(doc, "HostConfig").get("RestartPolicy")
    policy_name = str(policy.get("Name") or "no") if isinstance(policy, dict) else ""
    return Container(
        id=str(doc.get("Id") or ""),
        name=_name(doc.get("Name")),
        host=host,
        image=str(cfg.get("Image") or doc.get("Image") or ""),
        command=command,
        created=(created_ns or 0) // 1_000_000_000,
        state=state,
        health=health,
        exit_code=to_int(st.get("ExitCode")) if state in (State.EXITED, State.DEAD) else None,
        ports=_ports_from_inspect(net.get("Ports")),
        labels=labels(cfg.get("Labels")),
        state_since_ns=started if state.alive else (finished or created_ns),
        restart_policy=policy_name,
        uses=attachments_from_inspect(doc),
    )
