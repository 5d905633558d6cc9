"""``genet watch``: the live table in a terminal, as readable lines or JSON Lines.

Built on the same Engine as the app. With ``--json`` every line is one JSON object, flushed at
once; replaying them (last line per id wins, removed ids dropped) gives the engine's table.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from genet_rx.engine.engine import Engine
from genet_rx.errors import HostError
from genet_rx.model.connection import Connection
from genet_rx.model.containers import Container
from genet_rx.state.containers import ContainerTable, diff, rows_sorted


def engine_line(c: Connection) -> dict[str, Any]:
    return {"type": "engine", "host": c.host, "state": c.state.value,
            "api_version": c.api_version, "message": c.message, "time_ns": time.time_ns()}


def container_line(row: Container, host: str, *, removed: bool = False,
                   event_time_ns: int | None = None) -> dict[str, Any]:
    return {"type": "container", "host": host, "id": row.id, "name": row.name,
            "image": row.image, "state": row.state.value,
            "health": None if row.health.value == "none" else row.health.value,
            "exit_code": row.exit_code, "removed": removed, "event_time_ns": event_time_ns,
            "time_ns": time.time_ns()}


def _shown(row: Container) -> tuple[object, ...]:
    """The fields a line carries: a change elsewhere (ports, labels) prints nothing."""
    return (row.name, row.image, row.state, row.health, row.exit_code)


class TableWatcher:
    """Turns successive tables into lines: all rows once synced, then only what changed."""

    def __init__(self, host: str, write: Callable[[dict[str, Any]], None]) -> None:
        self.host = host
        self._write = write
        self._prev: ContainerTable | None = None

    def __call__(self, table: ContainerTable) -> None:
        if not table.synced:
            return
        prev, self._prev = self._prev, table
        if prev is None:
            for row in rows_sorted(table):
                self._write(container_line(row, self.host))
            return
        changed, removed = diff(prev, table)
        for row in changed:
            old = prev.rows.get(row.id)
            if old is None or _shown(old) != _shown(row):
                self._write(container_line(row, self.host, event_time_ns=row.event_ns))
        for cid in removed:
            old = prev.rows[cid]
            self._write(container_line(old, self.host, removed=True,
                                       event_time_ns=table.tombstones.get(cid)))


def _human(out: TextIO) -> Callable[[dict[str, Any]], None]:
    def write(line: dict[str, Any]) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        if line["type"] == "engine":
            extra = f" (API {line['api_version']})" if line["api_version"] else ""
            why = f": {line['message']}" if line["message"] else ""
            text = f"{stamp}  engine {line['host']} {line['state']}{extra}{why}"
        else:
            state = "removed" if line["removed"] else line["state"]
            if line["exit_code"] is not None and not line["removed"]:
                state += f" ({line['exit_code']})"
            if line["health"]:
                state += f" [{line['health']}]"
            text = (f"{stamp}  {line['name'][:30]:<30} {state:<22} {line['image'][:28]:<28} "
                    f"{line['id'][:12]}")
        out.write(text + "\n")
        out.flush()
    return write


def _json(out: TextIO) -> Callable[[dict[str, Any]], None]:
    lock = threading.Lock()

    def write(line: dict[str, Any]) -> None:
        with lock:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
    return write


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run until Ctrl-C or SIGTERM (exit 0); a bad ``--host`` exits 2 with one line."""
    parser = argparse.ArgumentParser(prog="genet watch",
                                     description="Follow the engine's containers live.")
    parser.add_argument("--host", help="engine URL (default: DOCKER_HOST, else the local socket)")
    parser.add_argument("--json", action="store_true", help="write JSON Lines")
    args = parser.parse_args(argv)
    out = out or sys.stdout
    try:
        engine = Engine(args.host)
    except HostError as exc:
        print(f"genet watch: bad --host: {exc}", file=sys.stderr)
        return 2
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

    subs = [
        engine.connection.subscribe(locked(lambda c: write(engine_line(c)))),
        engine.containers.subscribe(locked(TableWatcher(engine.host, write))),
    ]
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for sub in subs:
            sub.dispose()
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
