"""The contenders of items 1 and 7, each a process of its own: ``python -m bench.watchers
KIND URL OUT``. A watcher prints ``READY`` once it is following the engine, records what it
sees as ``[id, event_ns | null, state_or_action, arrival_ns]`` and writes the list as JSON to
OUT on SIGTERM. Own processes, so no contender shares a GIL with another or with the driver.

Kinds (each written the way its users write it, nothing slowed down or sped up):

- ``genet``: ``genet_rx.connect(url)``; a row counts when the table it is in is delivered to
  a subscriber of ``engine.containers`` (the moment a UI could draw it).
- ``genet-watch``: ``python -m genet_rx.cli.watch --json`` as a child; a row counts when its line
  arrives on the pipe.
- ``floor``: a minimal raw-socket reader of ``/events`` (HTTP/1.0: raw NDJSON until close);
  an event counts when its line is split and ``json.loads`` has run. Nothing can be faster.
- ``dockerpy-events``: docker-py ``client.events(decode=True)`` and, per event,
  ``client.containers.get(id)`` (an inspect) for the container's state: the usual loop.
- ``poller``: docker-py ``client.containers.list(all=True)`` then ``time.sleep(1)``: what most
  Docker UIs do. ``list(all=True)`` inspects every container (N+1 requests a poll).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from .common import PY, ROOT, open_events, read_events

Record = list[Any]


def _dump_on_term(out: str, records: list[Record], before: Any = None) -> None:
    def handler(*_: object) -> None:
        if before is not None:
            before()
        with open(out, "w") as f:
            json.dump(list(records), f)
        os._exit(0)

    signal.signal(signal.SIGTERM, handler)


def _ready() -> None:
    sys.stdout.write("READY\n")
    sys.stdout.flush()


def genet(url: str, records: list[Record]) -> None:
    import genet_rx
    from genet_rx.state.containers import diff

    engine = genet_rx.connect(url)
    prev: list[Any] = [None]

    def on_table(table: Any) -> None:
        now = time.time_ns()
        if not table.synced:
            return
        old, prev[0] = prev[0], table
        if old is None:
            _ready()
            return
        changed, removed = diff(old, table)
        for row in changed:
            records.append([row.id, row.event_ns, row.state.value, now])
        for cid in removed:
            records.append([cid, table.tombstones.get(cid), "removed", now])

    engine.containers.subscribe(on_table)
    _forever()


def _forever() -> None:
    while True:
        signal.pause()


def genet_watch(url: str, records: list[Record], holder: dict[str, Any]) -> None:
    child = subprocess.Popen([PY, "-m", "genet_rx.cli.watch", "--host", url, "--json"],
                             stdout=subprocess.PIPE, cwd=ROOT)
    holder["child"] = child
    assert child.stdout is not None
    ready = False
    for line in iter(child.stdout.readline, b""):
        now = time.time_ns()
        d = json.loads(line)
        if d.get("type") != "container":
            continue
        if not ready:
            ready = True
            threading.Timer(0.5, _ready).start()  # the first table's lines all come at once
            continue
        records.append([d["id"], d.get("event_time_ns"), "removed" if d["removed"]
                        else d["state"], now])


def floor(url: str, records: list[Record]) -> None:
    s, buf = open_events(url)
    _ready()
    read_events(s, buf, records)


def dockerpy_events(url: str, records: list[Record]) -> None:
    import docker

    client = docker.DockerClient(base_url=url)
    events = client.events(decode=True, filters={"type": "container"})
    _ready()
    for ev in events:
        try:
            status = client.containers.get(ev["id"]).status
        except docker.errors.NotFound:
            status = "removed"
        records.append([ev["id"], ev["timeNano"], status, time.time_ns()])


def poller(url: str, records: list[Record], sparse: bool = False) -> None:
    import docker

    client = docker.DockerClient(base_url=url)
    last: dict[str, str] = {}
    first = True
    while True:
        listed = client.containers.list(all=True, sparse=sparse)
        now = time.time_ns()
        for c in listed:
            state = c.attrs["State"] if sparse else c.status
            if last.get(c.id) != state:
                last[c.id] = state
                if not first:
                    records.append([c.id, None, state, now])
        if first:
            first = False
            _ready()
        time.sleep(1)


KINDS = {
    "genet": genet,
    "floor": floor,
    "dockerpy-events": dockerpy_events,
    "poller": poller,
    "poller-sparse": lambda url, records: poller(url, records, sparse=True),
}


def main() -> None:
    kind, url, out = sys.argv[1:4]
    records: list[Record] = []
    if kind == "genet-watch":
        holder: dict[str, Any] = {}
        _dump_on_term(out, records, lambda: holder["child"].terminate())
        genet_watch(url, records, holder)
    else:
        _dump_on_term(out, records)
        KINDS[kind](url, records)
    _forever()  # a stream ended: keep what we have until told to stop


if __name__ == "__main__":
    main()
