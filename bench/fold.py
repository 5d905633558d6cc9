"""Item 2: fold throughput — engine event lines through decode + ``apply``, at 100, 1,000 and
10,000 containers.

The table starts synced with N rows (``from_rows``); the events are compact JSON lines shaped
like the engine's (Type, Action, Actor with the container's name, image and a few labels,
scope, time, timeNano), pause/unpause/die/start/kill/health_status on random rows, plus the
exec_* noise a health check makes. Genet's per-event cost should not grow with N; beside it,
a naive fold that copies a plain dict per event (what the design warns against) shows what
flat means. Runs in this process; CPU time (the machine is shared), median over runs, warm-up
excluded.
"""

from __future__ import annotations

import json
import random
import time

from genet_rx.model.containers import Container, State
from genet_rx.model.events import decode_event_line
from genet_rx.state import engine_state
from genet_rx.state.containers import apply, from_rows

from .common import Row, median

ACTIONS = ["pause", "unpause", "die", "start", "kill", "health_status: healthy",
           "exec_create: sh -c true", "exec_start: sh -c true", "exec_die"]


def make(n: int, events: int, seed: int = 7) -> tuple[list[Container], list[bytes]]:
    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(256):064x}" for _ in range(n)]
    rows = [Container(id=cid, name=f"bench-{i:05d}", image="genet-test/busybox",
                      state=State.RUNNING, status="Up 2 hours") for i, cid in enumerate(ids)]
    t = 1_790_000_000_000_000_000
    lines = []
    for k in range(events):
        i = rng.randrange(n)
        t += rng.randrange(1_000, 2_000_000)
        action = ACTIONS[k % len(ACTIONS)]
        attrs = {"com.docker.compose.project": "bench",
                 "com.docker.compose.service": f"svc{i % 50}",
                 "image": "genet-test/busybox", "name": f"bench-{i:05d}"}
        if action == "die":
            attrs["exitCode"] = "0"
        if action == "kill":
            attrs["signal"] = "15"
        rec = {"status": action, "id": ids[i], "from": "genet-test/busybox",
               "Type": "container", "Action": action,
               "Actor": {"ID": ids[i], "Attributes": attrs}, "scope": "local",
               "time": t // 1_000_000_000, "timeNano": t}
        lines.append(json.dumps(rec, separators=(",", ":")).encode())
    return rows, lines


def genet_fold(table: object, lines: list[bytes]) -> object:
    for line in lines:
        table = apply(table, decode_event_line(line))  # type: ignore[arg-type]
    return table


def engine_fold(state: engine_state.EngineState, lines: list[bytes]) -> object:
    """What the app runs: the engine's whole state, each event dispatched by its Type."""
    for line in lines:
        state = engine_state.apply(state, decode_event_line(line))
    return state


def decode_only(lines: list[bytes]) -> None:
    for line in lines:
        decode_event_line(line)


def naive_fold(table: dict[str, dict[str, object]], lines: list[bytes]) -> object:
    """json.loads, then a fresh dict per event with the one row replaced (a shallow copy)."""
    states = {"pause": "paused", "unpause": "running", "die": "exited", "start": "running"}
    for line in lines:
        rec = json.loads(line)
        state = states.get(rec["Action"])
        if state is None:
            continue
        cid = rec["Actor"]["ID"]
        table = dict(table)
        table[cid] = {**table[cid], "state": state}
    return table


def run(sizes: list[int], events: int, runs: int) -> list[Row]:
    rows_out = []
    for n in sizes:
        rows, lines = make(n, events)
        base = from_rows(rows)
        naive_base = {c.id: {"name": c.name, "state": "running"} for c in rows}
        state = engine_state.EngineState(containers=base)
        res: dict[str, list[float]] = {"genet": [], "engine": [], "decode": [], "naive": []}
        for r in range(runs + 1):
            jobs = (("genet", lambda b=base, ls=lines: genet_fold(b, ls)),
                    ("engine", lambda s=state, ls=lines: engine_fold(s, ls)),
                    ("decode", lambda ls=lines: decode_only(ls)),
                    ("naive", lambda b=naive_base, ls=lines: naive_fold(b, ls)))
            for key, fn in jobs:
                t = time.process_time()
                fn()
                dt = time.process_time() - t
                if r > 0:
                    res[key].append(events / dt)
        group = f"{n:,} ctrs"
        rows_out += [
            Row("2 fold throughput", "Genet decode + apply", median(res["genet"]), "events/s",
                better="higher", genet=True, group=group, runs=runs,
                note=f"{1e6 / median(res['genet']):.1f} µs/event"),
            Row("2 fold throughput", "Genet decode + engine-state apply (the app's fold)",
                median(res["engine"]), "events/s", better="higher", group=group, part=True,
                runs=runs, note="dispatch by Type (KINDS), the EngineState copied per event"),
            Row("2 fold throughput", "Genet decode only (its share)", median(res["decode"]),
                "events/s", better="higher", group=group, part=True, runs=runs),
            Row("2 fold throughput", "naive dict copy per event", median(res["naive"]),
                "events/s", better="higher", group=group, runs=runs,
                note="json.loads + dict(table) per event"),
        ]
    return rows_out
