"""Item 1: event → table latency on the private daemon.

The driver pauses and unpauses running containers round-robin (one state change every
``pace`` seconds, each container changing at most every ``pace x containers`` seconds, so a
1-second poller can see every change). Each change is one engine event. Latency is the
watcher's arrival time minus the event's ``timeNano`` (same machine, same clock).

Two phases a run, so the poller's N+1 requests a second do not slow the event readers:
A) floor, Genet core, ``genet watch --json`` and the docker-py events+inspect loop together;
B) floor and the poller. The floor's own records give each change its event's ``timeNano``.
The first ``warmup`` changes of each phase are excluded. Medians over runs of each run's
p50 and p99.
"""

from __future__ import annotations

import time
from typing import Any

from .common import Row, log, median, percentile
from .procs import Watcher, stop_all
from .testbed import Testbed

TARGET = {"pause": "paused", "unpause": "running"}
NAMES = {
    "floor": "raw socket /events (floor)",
    "genet": "Genet core (table delivered)",
    "genet-watch": "genet watch --json (line read)",
    "dockerpy-events": "docker-py events + inspect",
    "poller": "docker-py 1 s poller (list all)",
}


def drive(tb: Testbed, ids: list[str], steps: int, pace: float) -> list[tuple[str, str, int, int]]:
    api = tb.api
    state = dict.fromkeys(ids, "running")
    done = []
    next_at = time.monotonic()
    for i in range(steps):
        cid = ids[i % len(ids)]
        action = "pause" if state[cid] == "running" else "unpause"
        t0 = time.time_ns()
        (api.pause if action == "pause" else api.unpause)(cid)
        t1 = time.time_ns()
        state[cid] = TARGET[action]
        done.append((cid, action, t0, t1))
        next_at += pace
        time.sleep(max(0.0, next_at - time.monotonic()))
    for cid, s in state.items():
        if s == "paused":
            api.unpause(cid)
    time.sleep(1.5)  # let the last events (and a last poll) arrive
    return done


def event_times(steps: list[tuple[str, str, int, int]], floor: list[list[Any]]) -> list[Any]:
    """Each step with its event's timeNano (from the floor's records), or None if unseen."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for cid, ns, action, _arr in floor:
        by_key.setdefault((cid, action), []).append(ns)
    out = []
    slack = 5_000_000
    for cid, action, t0, t1 in steps:
        hits = [ns for ns in by_key.get((cid, action), []) if t0 - slack <= ns <= t1 + slack]
        out.append((cid, action, min(hits) if hits else None))
    return out


def latencies_by_event(truth: list[Any], records: list[list[Any]]) -> tuple[list[float], int, int]:
    """(latencies in ms, missed, wrong-state) for a watcher that names each event's timeNano."""
    first: dict[tuple[str, int], tuple[int, str]] = {}
    for cid, ns, state, arrival in records:
        if ns is not None:
            first.setdefault((cid, ns), (arrival, state))
    lat, missed, wrong = [], 0, 0
    for cid, action, ns in truth:
        if ns is None:
            continue
        hit = first.get((cid, ns))
        if hit is None:
            missed += 1
            continue
        lat.append((hit[0] - ns) / 1e6)
        if hit[1] not in (TARGET[action], action):
            wrong += 1
    return lat, missed, wrong


def latencies_by_state(truth: list[Any], records: list[list[Any]]) -> tuple[list[float], int, int]:
    """For the poller: the first poll at/after the event that shows the new state, before the
    container's next change."""
    seen: dict[str, list[tuple[int, str]]] = {}
    for cid, _ns, state, arrival in records:
        seen.setdefault(cid, []).append((arrival, state))
    next_change: dict[int, int] = {}
    last_idx: dict[str, int] = {}
    for i, (cid, _a, ns) in enumerate(truth):
        if cid in last_idx and ns is not None:
            next_change[last_idx[cid]] = ns
        last_idx[cid] = i
    lat, missed = [], 0
    for i, (cid, action, ns) in enumerate(truth):
        if ns is None:
            continue
        until = next_change.get(i, 1 << 62)
        hit = next((a for a, s in seen.get(cid, []) if ns <= a < until and s == TARGET[action]),
                   None)
        if hit is None:
            missed += 1
        else:
            lat.append((hit - ns) / 1e6)
    return lat, missed, 0


def run(tb: Testbed, ids: list[str], runs: int, steps: int, warmup: int,
        pace: float) -> list[Row]:
    per: dict[str, dict[str, list[float]]] = {k: {"p50": [], "p99": [], "n": [], "missed": [],
                                                  "wrong": []} for k in NAMES}
    for r in range(runs):
        for phase, kinds in (("A", ["floor", "genet", "genet-watch", "dockerpy-events"]),
                             ("B", ["floor", "poller"])):
            watchers = [Watcher(k, tb.url) for k in kinds]
            time.sleep(1.0)
            steps_done = drive(tb, ids, warmup + steps, pace)
            seen = stop_all(watchers)
            truth = event_times(steps_done, seen["floor"])[warmup:]
            lost = sum(1 for t in truth if t[2] is None)
            for kind in kinds:
                if kind == "floor" and phase == "B":
                    continue
                fn = latencies_by_state if kind == "poller" else latencies_by_event
                lat, missed, wrong = fn(truth, seen[kind])
                d = per[kind]
                d["p50"].append(percentile(lat, 50))
                d["p99"].append(percentile(lat, 99))
                d["n"].append(len(lat))
                d["missed"].append(missed)
                d["wrong"].append(wrong)
            log(f"latency run {r + 1}/{runs} phase {phase}: {len(truth)} changes "
                f"({lost} not seen by the floor); p50 ms " + ", ".join(
                    f"{k}={per[k]['p50'][-1]:.1f}" for k in kinds if per[k]["p50"]))
    rows = []
    for kind, name in NAMES.items():
        d = per[kind]
        notes = [f"n={int(sum(d['n']))}"]
        if sum(d["missed"]):
            notes.append(f"missed {int(sum(d['missed']))}")
        if kind == "dockerpy-events":
            notes.append(f"stale state {int(sum(d['wrong']))}/{int(sum(d['n']))}")
        rows.append(Row("1 event→table latency", name, median(d["p50"]), "ms",
                        p99=median(d["p99"]), genet=(kind == "genet"), floor=(kind == "floor"),
                        part=(kind == "genet-watch"),
                        note=", ".join(notes), runs=runs))
    return rows
