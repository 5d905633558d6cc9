"""``genet watch``: the engine's objects live in a terminal, as readable lines or JSON Lines.

Built on the same Engine as the app. With ``--json`` every line is one JSON object, flushed at
once: an ``engine`` line on each connection change; then, per kind, one line per object once
that kind is synced, one more whenever what a line shows changes, and one with
``"removed": true`` when the object goes. Replaying the lines (last line per
``(type, host, id)`` wins, removed ones dropped) gives the engine's own lists.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any, TextIO

from msgspec import Struct

from genet_rx.engine.engines import open_chosen
from genet_rx.engine.saved import SavedEnginesError
from genet_rx.errors import HostError
from genet_rx.model.connection import Connection
from genet_rx.model.containers import Container
from genet_rx.model.images import Image
from genet_rx.model.networks import Network
from genet_rx.model.swarm import Node, Service
from genet_rx.model.volumes import Volume
from genet_rx.state.alerts import Alert
from genet_rx.state.engine_state import EngineState

Line = dict[str, Any]


def engine_line(c: Connection, host: str | None = None) -> Line:
    return {"type": "engine", "host": host or c.host, "state": c.state.value,
            "api_version": c.api_version, "message": c.message, "time_ns": time.time_ns()}


def alert_line(alert: Alert, host: str) -> Line:
    return {"type": "alert", "host": host, "id": alert.id, "name": alert.name,
            "kind": alert.kind.value, "exit_code": alert.exit_code,
            "event_time_ns": alert.event_time_ns, "time_ns": time.time_ns()}


def container_line(row: Container, host: str, *, removed: bool = False,
                   event_time_ns: int | None = None) -> Line:
    return {"type": "container", "host": host, "id": row.id, "name": row.name,
            "image": row.image, "state": row.state.value,
            "health": None if row.health.value == "none" else row.health.value,
            "exit_code": row.exit_code, "removed": removed, "event_time_ns": event_time_ns,
            "time_ns": time.time_ns()}


class Uses:
    """Who uses what, read off one state's containers (worked out once per container table)."""

    def __init__(self, state: EngineState) -> None:
        self.image: dict[str, list[str]] = defaultdict(list)
        self.volume: dict[str, list[str]] = defaultdict(list)
        self.network: dict[str, list[str]] = defaultdict(list)
        for c in sorted(state.containers.rows.values(), key=lambda c: c.id):
            self.image[c.uses.image_id].append(c.id)
            for name in c.uses.volumes:
                self.volume[name].append(c.id)
            for network_id in c.uses.network_ids:
                self.network[network_id].append(c.id)


def image_line(row: Image, host: str, uses: Uses) -> Line:
    return {"type": "image", "host": host, "id": row.id, "tags": list(row.tags),
            "size": row.size, "created": row.created, "containers": len(uses.image[row.id]),
            "dangling": row.dangling}


def volume_line(row: Volume, host: str, uses: Uses) -> Line:
    return {"type": "volume", "host": host, "id": row.name, "name": row.name,
            "driver": row.driver, "mountpoint": row.mountpoint,
            "used_by": uses.volume[row.name]}


def network_line(row: Network, host: str, uses: Uses) -> Line:
    return {"type": "network", "host": host, "id": row.id, "name": row.name,
            "driver": row.driver, "scope": row.scope, "containers": uses.network[row.id]}


def service_line(row: Service, host: str, uses: Uses) -> Line:
    return {"type": "service", "host": host, "id": row.id, "name": row.name,
            "image": row.image, "mode": row.mode, "replicas_desired": row.desired,
            "replicas_running": row.running or 0, "update_state": row.update_state or None}


def node_line(row: Node, host: str, uses: Uses) -> Line:
    return {"type": "node", "host": host, "id": row.id, "hostname": row.hostname,
            "role": row.role, "availability": row.availability, "state": row.state,
            "leader": row.leader}


class Kind(Struct, frozen=True):
    """How one kind is watched: its table in the state, and the line an object makes."""

    table: Callable[[EngineState], Any]
    line: Callable[[Any, str, Uses], Line]


KINDS: dict[str, Kind] = {
    "images": Kind(lambda s: s.images, image_line),
    "volumes": Kind(lambda s: s.volumes, volume_line),
    "networks": Kind(lambda s: s.networks, network_line),
    "services": Kind(lambda s: s.services, service_line),
    "nodes": Kind(lambda s: s.nodes, node_line),
}
ALL_KINDS = ("containers", *KINDS)


class StateWatcher:
    """Turns successive states into lines: every object of a kind once it is synced, then only
    what changed. Container lines carry the ``timeNano`` of the event that changed them."""

    def __init__(self, host: str, write: Callable[[Line], None],
                 kinds: Iterable[str] = ALL_KINDS) -> None:
        self.host = host
        self._write = write
        self._kinds = tuple(kinds)
        self._prev: EngineState | None = None
        self._uses: tuple[object, Uses] | None = None
        self._written: dict[str, dict[str, Line]] = {}  # per kind: the last line per key

    def __call__(self, state: EngineState) -> None:
        prev, self._prev = self._prev, state
        if "containers" in self._kinds:
            self._containers(prev, state)
        for name, kind in KINDS.items():
            if name in self._kinds:
                self._objects(name, kind, prev, state)

    def _uses_of(self, state: EngineState) -> Uses:
        if self._uses is None or self._uses[0] is not state.containers:
            self._uses = (state.containers, Uses(state))
        return self._uses[1]

    def _containers(self, prev: EngineState | None, state: EngineState) -> None:
        table, before = state.containers, prev.containers if prev else None
        if not table.synced or table is before:
            return
        if before is None or not before.synced:
            for row in sorted(table.rows.values(), key=lambda c: (c.name.lower(), c.id)):
                self._write(container_line(row, self.host))
            return
        for cid, row in table.rows.items():
            old = before.rows.get(cid)
            if old is None or _shown(old) != _shown(row):
                self._write(container_line(row, self.host, event_time_ns=row.event_ns))
        for cid, old in before.rows.items():
            if cid not in table.rows:
                self._write(container_line(old, self.host, removed=True,
                                           event_time_ns=table.tombstones.get(cid)))

    def _objects(self, name: str, kind: Kind, prev: EngineState | None,
                 state: EngineState) -> None:
        table = kind.table(state)
        if not table.synced:
            return
        if prev is not None and table is kind.table(prev) and name in self._written \
                and prev.containers is state.containers:
            return  # neither the objects nor who uses them changed
        uses = self._uses_of(state)
        written = self._written.setdefault(name, {})
        for key, row in sorted(table.rows.items()):
            line = kind.line(row, self.host, uses)
            if written.get(key) != line:
                written[key] = line
                self._write({**line, "removed": False, "event_time_ns": row.event_ns,
                             "time_ns": time.time_ns()})
        for key in [k for k in written if k not in table.rows]:
            line = written.pop(key)
            self._write({**line, "removed": True, "event_time_ns": table.tombstones.get(key),
                         "time_ns": time.time_ns()})


def _shown(row: Container) -> tuple[object, ...]:
    """The fields a container line carries: a change elsewhere (ports, labels) prints nothing."""
    return (row.name, row.image, row.state, row.health, row.exit_code)


def visible(text: str) -> str:
    """Text safe for a terminal: control and format characters (ESC, CR, BEL, bidi overrides…)
    shown as escapes, so a container's name can never drive the terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def cell(text: str, width: int) -> str:
    """``text`` in a column ``width`` wide: padded, or cut with "…" so a cut shows."""
    return f"{text:<{width}}" if len(text) <= width else f"{text[:width - 1]}…"


def _visible_line(line: Line) -> Line:
    return {k: visible(v) if isinstance(v, str) else
            [visible(x) for x in v] if isinstance(v, list) else v for k, v in line.items()}


def _human(out: TextIO) -> Callable[[Line], None]:
    def write(line: Line) -> None:
        line = _visible_line(line)
        stamp = datetime.now().strftime("%H:%M:%S")
        kind = line["type"]
        if kind == "engine":
            extra = f" (API {line['api_version']})" if line["api_version"] else ""
            why = f": {line['message']}" if line["message"] else ""
            text = f"{stamp}  engine {line['host']} {line['state']}{extra}{why}"
        elif kind == "alert":
            code = f" (exit {line['exit_code']})" if line["exit_code"] is not None else ""
            text = (f"{stamp}  ALERT {line['kind']}{code}: {line['name'] or line['id'][:12]} "
                    f"on {line['host']}")
        elif kind == "container":
            state = "removed" if line["removed"] else line["state"]
            if line["exit_code"] is not None and not line["removed"]:
                state += f" ({line['exit_code']})"
            if line["health"]:
                state += f" [{line['health']}]"
            text = (f"{stamp}  container {cell(line['name'], 30)} {state:<22} "
                    f"{cell(line['image'], 28)} {line['id'][:12]}")
        else:
            text = f"{stamp}  {kind:<9} {_human_object(line)}"
        out.write(text + "\n")
        out.flush()
    return write


def _human_object(line: Line) -> str:
    if line["removed"]:
        what = "removed"
    elif line["type"] == "image":
        what = f"{line['containers']} container(s)" + (" dangling" if line["dangling"] else "")
    elif line["type"] == "volume":
        what = f"{line['driver']}, used by {len(line['used_by'])}"
    elif line["type"] == "service":
        what = f"{line['replicas_running']}/{line['replicas_desired']} {line['mode']}"
    elif line["type"] == "node":
        what = f"{line['role']} {line['availability']} {line['state']}"
    else:
        what = f"{line['driver']}, {len(line['containers'])} container(s)"
    name = ((", ".join(line["tags"]) or "<none>") if line["type"] == "image"
            else line.get("name") or line.get("hostname") or "")
    return f"{cell(name, 40)} {what:<28} {line['id'].removeprefix('sha256:')[:12]}"


def _write_alert(write: Callable[[Line], None], label: str, alert: Alert) -> None:
    write(alert_line(alert, label))


def _write_engine_line(write: Callable[[Line], None], label: str, c: Connection) -> None:
    write(engine_line(c, label))


def _json(out: TextIO) -> Callable[[Line], None]:
    lock = threading.Lock()

    def write(line: Line) -> None:
        with lock:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
    return write


def _kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown kind(s) {', '.join(unknown) or '(none)'}: choose from {','.join(ALL_KINDS)}")
    return kinds


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run until Ctrl-C or SIGTERM (exit 0); a bad ``--host`` exits 2 with one line."""
    parser = argparse.ArgumentParser(prog="genet watch",
                                     description="Follow engines' objects live.")
    parser.add_argument("--host", action="append", default=[],
                        help="an engine URL (unix://, tcp://) or a docker context's name; "
                             "repeat for several engines (default: DOCKER_HOST, DOCKER_CONTEXT, "
                             "the current context, else the local socket)")
    parser.add_argument("--all-contexts", action="store_true",
                        help="also every context in the docker CLI's store")
    parser.add_argument("--json", action="store_true", help="write JSON Lines")
    parser.add_argument("--alerts", action="store_true",
                        help="print only alerts (died, unhealthy, oom, restart loop)")
    parser.add_argument("--kinds", type=_kinds, default=ALL_KINDS,
                        help=f"which kinds to follow (default: {','.join(ALL_KINDS)})")
    args = parser.parse_args(argv)
    out = out or sys.stdout
    try:
        engines = open_chosen(args.host, args.all_contexts)
    except HostError as exc:
        print(f"genet watch: bad --host: {exc}", file=sys.stderr)
        return 2
    except SavedEnginesError as exc:
        print(f"genet watch: {exc}", file=sys.stderr)
        return 2
    for said in engines.left_out.values():
        print(f"genet watch: {said}", file=sys.stderr)
    write = _json(out) if args.json else _human(out)
    done = threading.Event()

    def stop(*_: object) -> None:
        done.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    emit_lock = threading.Lock()

    def locked(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            with emit_lock:
                fn(value)
        return call

    subs = []
    for name, engine in engines.engines.items():
        label = name or engine.host  # each line says which engine, as the person named it
        subs.append(engine.alerts().subscribe(locked(partial(_write_alert, write, label))))
        if args.alerts:
            continue
        subs.append(engine.connection.subscribe(
            locked(partial(_write_engine_line, write, label))))
        subs.append(engine.state.subscribe(locked(StateWatcher(label, write, args.kinds))))
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for sub in subs:
            sub.dispose()
        engines.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
