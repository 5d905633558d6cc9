"""Helpers for tests against the private daemon: waiting, and the engine's own view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from genet_rx import Engine, Link, connect
from genet_rx.api.client import EngineClient
from genet_rx.engine.sync import Backoff
from genet_rx.model.connection import Connection
from genet_rx.model.containers import health_from_status
from genet_rx.state.containers import ContainerTable

T = TypeVar("T")


def wait_for(cond: Callable[[], T], timeout: float = 20.0, what: str = "condition",
             step: Callable[[], object] = lambda: time.sleep(0.05)) -> T:
    """Call ``step`` until ``cond`` returns something truthy; fail with ``what`` after
    ``timeout``. (UI tests step Kivy frames instead of sleeping.)"""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        step()


def synced_engine(url: str) -> Iterator[Engine]:
    """An Engine with no reconcile (only events and their inspects keep it right), once every
    kind is synced; closed after the test."""
    eng = connect(url, reconcile_every=3600.0)
    wait_for(lambda: all(t.synced for t in (eng.latest.containers, eng.latest.images,
                                            eng.latest.volumes, eng.latest.networks)),
             what="the first sync of every kind")
    yield eng
    eng.close()


def engine_view(docker: Any) -> dict[str, tuple[str, str, str]]:
    """id → (name, state, health) as the engine's own list says, via the docker CLI."""
    out = docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}\t{{.Names}}\t{{.State}}\t"
                 "{{.Status}}")
    view = {}
    for line in out.splitlines():
        cid, name, state, status = line.split("\t")
        view[cid] = (name, state, health_from_status(status).value)
    return view


def table_view(table: ContainerTable) -> dict[str, tuple[str, str, str]]:
    return {cid: (r.name, r.state.value, r.health.value) for cid, r in table.rows.items()}


def wait_table_equals_engine(get_table: Callable[[], ContainerTable], docker: Any,
                             timeout: float = 30.0) -> None:
    """Wait until Genet's table equals the engine's list; on timeout show both."""
    last: list[Any] = [None, None]

    def same() -> bool:
        last[0], last[1] = table_view(get_table()), engine_view(docker)
        return bool(last[0] == last[1])

    try:
        wait_for(same, timeout, "the table to equal the engine's list")
    except AssertionError:
        raise AssertionError(f"table != engine\n table: {last[0]}\nengine: {last[1]}") from None


class Watch:
    """`genet watch --json` in a subprocess; collects its lines."""

    def __init__(self, url: str, *args: str, env: dict[str, str] | None = None) -> None:
        self.lines: list[dict[str, Any]] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "genet_rx.cli.watch", "--host", url, "--json", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**(env or os.environ), "PYTHONUNBUFFERED": "1"})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(json.loads(line))

    def replay_all(self, host: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
        """The last line per (type, host, id), removed ones dropped: what the lines say is
        there — of one engine, by (type, id) (``host``: as named; None: the only one)."""
        objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        for line in list(self.lines):
            if line["type"] == "engine":
                continue
            key = (line["type"], line["host"], line["id"])
            if line["removed"]:
                objects.pop(key, None)
            else:
                objects[key] = line
        hosts = {k[1] for k in objects}
        if host is None and len(hosts) > 1:
            raise AssertionError(f"lines of several engines ({hosts}): name the one to replay")
        return {(k[0], k[2]): line for k, line in objects.items() if host in (None, k[1])}

    def replay(self) -> dict[str, tuple[str, str, str]]:
        rows: dict[str, tuple[str, str, str]] = {}
        for line in list(self.lines):
            if line["type"] != "container":
                continue
            if line["removed"]:
                rows.pop(line["id"], None)
            else:
                rows[line["id"]] = (line["name"], line["state"], line["health"] or "none")
        return rows

    def stop(self) -> int:
        self.proc.terminate()
        code = self.proc.wait(10)
        self._reader.join(5)
        return code


class Live:
    """An Engine on the fake with quick retries, recording its connection states."""

    def __init__(self, url: str, reconcile_every: float = 60.0, timeout: float = 2.0,
                 **engine: int) -> None:
        self.states: list[Connection] = []
        self.engine = Engine(client=EngineClient(url, timeout=timeout),
                             reconcile_every=reconcile_every, backoff=Backoff(0.05, 0.3),
                             **engine)
        self.engine.connection.subscribe(self.states.append)

    def wait_state(self, link: Link, timeout: float = 10.0) -> Connection:
        return wait_for(lambda: next((c for c in reversed(self.states) if c.state is link),
                                     None), timeout, f"connection {link.value}")

    def connects(self) -> int:
        return sum(1 for c in self.states if c.state is Link.CONNECTED)
