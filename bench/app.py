"""Item 6: the app — launch to first painted table, resident memory, frame times under 100
events a second, CPU while idle. Each beside a bare Kivy window (the floor: what any Kivy app
costs here before it does anything).

Runs under a private Xvfb (Mesa's software GL) with a fake engine (tests/fake_engine.py, a
process of its own) holding 0 or N containers, a tenth of them running. Each launch is a new
process (bench/app_probe.py); the launch time counts from ``Popen`` (interpreter start and
imports included, as a user waits for them). The bench sends the events as another API
client would: pause/unpause of running containers on the fake engine, paced to the rate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

from .common import PY, ROOT, Row, log, median, percentile, raw_json, raw_post
from .sync import FakeServer


class Xvfb:
    def __init__(self) -> None:
        r, w = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                                      "1280x800x24", "-nolisten", "tcp"], pass_fds=(w,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            self.display = ":" + f.readline().strip()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def launch(display: str, mode: str, url: str, expected: int, seconds: float,
           event_ids: list[str] | None = None, rate: int = 100,
           extra_env: dict[str, str] | None = None) -> dict[str, Any]:
    fd, out = tempfile.mkstemp(prefix="genet-bench-app-", suffix=".json")
    os.close(fd)
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT), "KIVY_HOME": KIVY_HOME,
           **(extra_env or {})}
    t0 = time.time()
    p = subprocess.Popen([PY, "-m", "bench.app_probe", mode, url, str(expected), str(seconds),
                          out], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None
        line = p.stdout.readline()
        if line.strip() != "EVENTS":
            raise RuntimeError(f"app probe ({mode}, {expected}) ended early: exit {p.wait()}")
        sent = 0
        if event_ids:
            paused: set[str] = set()
            start = time.monotonic()
            i = 0
            while time.monotonic() - start < seconds:
                cid = event_ids[i % len(event_ids)]
                verb = "unpause" if cid in paused else "pause"
                raw_post(url, f"/containers/{cid}/{verb}")
                (paused.discard if verb == "unpause" else paused.add)(cid)
                i += 1
                sent += 1
                time.sleep(max(0.0, start + i / rate - time.monotonic()))
            for cid in paused:
                raw_post(url, f"/containers/{cid}/unpause")
        p.wait(120)
        with open(out) as f:
            res: dict[str, Any] = json.load(f)
        res["launch_to_paint_ms"] = (res["painted_at"] - t0) * 1000
        res["events_sent"] = sent
        res["seconds"] = seconds
        return res
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.unlink(out)


KIVY_HOME = ""  # one Kivy config dir for every launch of a run, removed at its end


def run(runs: int, n: int, rate: int, seconds: float) -> list[Row]:
    global KIVY_HOME
    KIVY_HOME = tempfile.mkdtemp(prefix="genet-bench-kivy-")
    xvfb = Xvfb()
    empty, full = FakeServer(0), FakeServer(n)
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "busy": [], "genet0": [],
                                                "genetN": []}
    try:
        listed = raw_json(full.url, "/containers/json")
        running = [c["Id"] for c in listed] if isinstance(listed, list) else []
        for r in range(runs + 1):
            secs = seconds if r else 0.5  # the warm-up round only launches and paints
            got = {
                "bare": launch(xvfb.display, "bare", empty.url, 0, secs),
                "busy": launch(xvfb.display, "bare-busy", empty.url, 0, secs),
                "genet0": launch(xvfb.display, "genet", empty.url, 0, secs),
                "genetN": launch(xvfb.display, "genet", full.url, n, secs, running, rate),
            }
            log(f"app round {r}/{runs}: first paint " + ", ".join(
                f"{k}={v['launch_to_paint_ms']:.0f}ms" for k, v in got.items())
                + f"; events sent {got['genetN']['events_sent']}, tables applied "
                  f"{got['genetN']['tables_applied']}")
            if r > 0:
                for k, v in got.items():
                    results[k].append(v)
    finally:
        empty.close()
        full.close()
        xvfb.close()
        shutil.rmtree(KIVY_HOME, ignore_errors=True)

    def med(key: str, field: str) -> float:
        return median([x[field] for x in results[key]])

    def frames(key: str, field: str, q: float) -> float:
        return median([percentile(x[field], q) for x in results[key]])

    item = "6 the app"
    nn = f"{n:,} ctrs"
    ev = results["genetN"]
    ev_note = (f"~{median([x['events_sent'] for x in ev]) / seconds:.0f} events/s sent, "
               f"{median([x['tables_applied'] for x in ev]) / seconds:.0f} tables/s applied, "
               f"{n // 10} running")
    return [
        Row(item, "bare Kivy window (floor)", med("bare", "launch_to_paint_ms"), "ms",
            group="launch → first paint, 0 ctrs", floor=True, runs=runs),
        Row(item, "Genet", med("genet0", "launch_to_paint_ms"), "ms",
            group="launch → first paint, 0 ctrs", genet=True, runs=runs),
        Row(item, "bare Kivy window (floor)", med("bare", "launch_to_paint_ms"), "ms",
            group=f"launch → first paint, {nn}", floor=True, runs=runs),
        Row(item, "Genet", med("genetN", "launch_to_paint_ms"), "ms",
            group=f"launch → first paint, {nn}", genet=True, runs=runs),
        Row(item, "bare Kivy window (floor)", med("bare", "rss_kib") / 1024, "MiB",
            group="resident memory, 0 ctrs", floor=True, runs=runs),
        Row(item, "Genet", med("genet0", "rss_kib") / 1024, "MiB",
            group="resident memory, 0 ctrs", genet=True, runs=runs),
        Row(item, "bare Kivy window (floor)", med("bare", "rss_kib") / 1024, "MiB",
            group=f"resident memory, {nn}", floor=True, runs=runs),
        Row(item, "Genet", med("genetN", "rss_kib") / 1024, "MiB",
            group=f"resident memory, {nn}", genet=True, runs=runs),
        Row(item, "bare Kivy window, nothing to draw (floor)",
            frames("bare", "events_frames_ms", 50), "ms",
            p99=frames("bare", "events_frames_ms", 99),
            group=f"frame time at {rate} events/s, {nn}", floor=True, runs=runs,
            note="the Clock's own tick"),
        Row(item, "bare Kivy window, label changed 100x/s (floor)",
            frames("busy", "events_frames_ms", 50), "ms",
            p99=frames("busy", "events_frames_ms", 99),
            group=f"frame time at {rate} events/s, {nn}", floor=True, runs=runs,
            note="a repaint every frame, Mesa software GL"),
        Row(item, "Genet", frames("genetN", "events_frames_ms", 50), "ms",
            p99=frames("genetN", "events_frames_ms", 99),
            group=f"frame time at {rate} events/s, {nn}", genet=True, runs=runs, note=ev_note),
        Row(item, "bare Kivy window (floor)", med("bare", "idle_cpu_pct"), "% core",
            group=f"CPU idle, {nn}", floor=True, runs=runs),
        Row(item, "Genet", med("genetN", "idle_cpu_pct"), "% core",
            group=f"CPU idle, {nn}", genet=True, runs=runs,
            note=f"at {rate} events/s: {med('genetN', 'events_cpu_pct'):.0f}% core"),
    ]


def memory(n: int, rate: int, seconds: float, trace: bool = False) -> list[Row]:
    """Item 8: the app's resident memory over ``seconds`` of churn (``rate`` pause/unpause a
    second over 1,000 containers' running tenth), growth counted after the first third
    (warm-up); with ``trace``, the tracemalloc sites that grew meanwhile (logged; tracemalloc
    slows the app and inflates its RSS)."""
    global KIVY_HOME
    KIVY_HOME = tempfile.mkdtemp(prefix="genet-bench-kivy-")
    xvfb = Xvfb()
    full = FakeServer(n)
    try:
        listed = raw_json(full.url, "/containers/json")
        running = [c["Id"] for c in listed] if isinstance(listed, list) else []
        res = launch(xvfb.display, "genet", full.url, n, seconds, running, rate,
                     {"GENET_BENCH_MEMORY": "1", "GENET_BENCH_TRACEMALLOC": "1" if trace else ""})
    finally:
        full.close()
        xvfb.close()
        shutil.rmtree(KIVY_HOME, ignore_errors=True)
    warm, end = res["rss_warm_kib"] / 1024, res["rss_end_kib"] / 1024
    minutes = seconds * 2 / 3 / 60
    grew = res.get("grew", [])
    top = grew[0] if grew else None
    log("memory over time: RSS samples (s, KiB): " + ", ".join(
        f"{t:.0f}:{k}" for t, k in res["rss_samples"]))
    for g in grew:
        log(f"  grew {g['kib']:+.1f} KiB ({g['count']:+d} blocks) at {' < '.join(g['where'])}")
    note = (f"RSS {warm:.1f} → {end:.1f} MiB over the last {minutes:.1f} min of "
            f"{seconds / 60:.1f}; {res['events_sent'] / seconds:.0f} events/s sent")
    if top:
        note += f"; most grown: {top['where'][0]} {top['kib']:+.0f} KiB"
    return [Row("8 memory over time", "Genet", end - warm, "MiB",
                group=f"RSS growth after warm-up, {n:,} ctrs, {rate} events/s", genet=True,
                runs=1, note=note)]
