"""Item 7: the load a client puts on an idle engine holding 100 containers.

For each client (and for nobody, the idle baseline) in turn: start it, wait until it is
following the engine, let it settle, then read dockerd's CPU time (utime + stime from
/proc/<pid>/stat) and the client's own over a ``window`` of idle seconds. Runs interleave
the clients so drift in the machine's load spreads over all of them. Values are CPU % of one
core, medians over runs.
"""

from __future__ import annotations

import time

from .common import TICK, Row, cpu_ticks, log, median
from .procs import Watcher
from .testbed import Testbed

CLIENTS = {
    "nobody": "nobody connected (idle floor)",
    "genet": "Genet core (events + 60 s reconcile)",
    "poller": "docker-py 1 s poller (list all)",
    "poller-sparse": "docker-py 1 s poller (sparse list)",
}


def run(tb: Testbed, runs: int, window: float, settle: float = 2.0) -> list[Row]:
    engine: dict[str, list[float]] = {k: [] for k in CLIENTS}
    client: dict[str, list[float]] = {k: [] for k in CLIENTS}
    for r in range(runs):
        order = list(CLIENTS) if r % 2 == 0 else list(reversed(CLIENTS))
        for kind in order:
            w = None if kind == "nobody" else Watcher(kind, tb.url)
            time.sleep(settle)
            d0 = cpu_ticks(tb.pid)
            c0 = cpu_ticks(w.pid) if w else 0
            t0 = time.monotonic()
            time.sleep(window)
            d1 = cpu_ticks(tb.pid)
            c1 = cpu_ticks(w.pid) if w else 0
            elapsed = time.monotonic() - t0
            if w:
                w.stop()
            engine[kind].append((d1 - d0) / TICK / elapsed * 100)
            client[kind].append((c1 - c0) / TICK / elapsed * 100)
            log(f"engine load run {r + 1}/{runs} {kind}: dockerd {engine[kind][-1]:.2f}% "
                f"client {client[kind][-1]:.2f}% of a core over {elapsed:.0f}s")
    rows = []
    for kind, name in CLIENTS.items():
        note = f"{runs}x{window:.0f}s"
        if kind == "genet":
            note += (f"; its 60-s reconcile lists once a minute (may fall outside a "
                     f"{window:.0f}-s window)")
        if median(engine[kind]) == 0:
            note += f"; 0 = not one {1000 // TICK}-ms CPU tick in the window"
        rows.append(Row("7 engine load (idle, 100 ctrs)", name, median(engine[kind]),
                        "% core (dockerd)", group="dockerd CPU", genet=(kind == "genet"),
                        floor=(kind == "nobody"), note=note, runs=runs))
    for kind, name in CLIENTS.items():
        if kind == "nobody":
            continue
        rows.append(Row("7 engine load (idle, 100 ctrs)", name, median(client[kind]),
                        "% core (client)", group="client's own CPU", genet=(kind == "genet"),
                        runs=runs))
    return rows
