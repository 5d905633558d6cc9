"""Item 6: the app — launch to first painted table, resident memory, frame times under 100
events a second, CPU while idle. Each beside a bare Kivy window (the floor: what any Kivy app
costs here before it does anything).

Runs under a private Xvfb (Mesa's software GL) with a fake engine (tests/fake_engine.py, a
process of its own) holding 0 or N containers, a tenth of them running. Each launch is a new
process (bench/app_probe.py); the launch time counts from ``Popen`` (interpreter start and
imports included, as a user waits for them). The bench sends the events as another API
client would: pause/unpause of running containers on the fake engine, paced to the rate.

Also in item 6:

- event → pixels: the app grouped by compose project (so a paused row changes its word in
  place), 10 pause/unpause a second over the first rows on screen; from each event's
  ``timeNano`` to the end of the buffer swap that first shows the row's new word (p50/p99),
  beside the raw-socket floor (a reader of ``/events`` in the launcher's process: the event's
  line in hand) and one frame (the bare window's frame interval).
- several engines: 10 fake engines x 1,000 containers merged in one app (``Engines``), launch
  to first paint and frame time while 100 events a second are spread over them.

``GENET_BENCH_BASE=DIR`` adds "Genet before" rows: the same launches of the app from the
checkout in DIR (say ``git archive main | tar -x -C DIR``; this tree's bench/ is copied over
its own), interleaved with this tree's, so a change is measured side by side in one run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import (
    PY,
    ROOT,
    Row,
    log,
    median,
    open_events,
    percentile,
    raw_json,
    raw_post,
    read_events,
)
from .sync import FakeServer

#: The checkout measured as "Genet before" (see the module doc), or None.
BASE = Path(os.environ["GENET_BENCH_BASE"]) if os.environ.get("GENET_BENCH_BASE") else None


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


class EventReader:
    """The floor of event → pixels: a raw-socket reader of ``/events`` (HTTP/1.0, NDJSON until
    close) on a thread of the launcher; ``records`` holds ``[id, timeNano, action, arrival
    ns]`` (an event counts once its line is split and ``json.loads`` has run)."""

    def __init__(self, url: str) -> None:
        self.records: list[list[Any]] = []
        self.sock, buf = open_events(url)
        self.thread = threading.Thread(target=read_events, args=(self.sock, buf, self.records),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(5)


def tree_of(contender: str) -> Path:
    """Where a contender's code is: this tree, or the base checkout for "…B" contenders."""
    if contender.endswith("B"):
        assert BASE is not None
        return BASE
    return ROOT


def launch(display: str, mode: str, url: str, expected: int, seconds: float,
           event_ids: list[str] | None = None, rate: int = 100,
           extra_env: dict[str, str] | None = None, tree: Path = ROOT,
           event_urls: list[str] | None = None) -> dict[str, Any]:
    """One launch of bench/app_probe.py from ``tree``; events (pause/unpause round-robin over
    ``event_ids``, at ``rate`` a second) go to ``url``, or round-robin over ``event_urls``
    (several engines: ``event_ids`` then holds ``url|id``)."""
    fd, out = tempfile.mkstemp(prefix="genet-bench-app-", suffix=".json")
    os.close(fd)
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(tree), "KIVY_HOME": KIVY_HOME,
           **(extra_env or {})}
    t0 = time.time()
    p = subprocess.Popen([PY, "-m", "bench.app_probe", mode, url, str(expected), str(seconds),
                          out], cwd=tree, env=env, stdout=subprocess.PIPE, text=True)
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
                to, _, bare = cid.rpartition("|") if event_urls else (url, "", cid)
                raw_post(to, f"/containers/{bare}/{verb}")
                (paused.discard if verb == "unpause" else paused.add)(cid)
                i += 1
                sent += 1
                time.sleep(max(0.0, start + i / rate - time.monotonic()))
            for cid in paused:
                to, _, bare = cid.rpartition("|") if event_urls else (url, "", cid)
                raw_post(to, f"/containers/{bare}/unpause")
        p.wait(900)  # item 8 under tracemalloc: the snapshots take minutes at this load
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


#: Several engines (item 6): how many fake engines, each with the item's N containers.
ENGINES = 10
#: Launches a round, besides the round's own, of the bare window and of Genet (and Genet
#: before) at N containers that only paint: launch → first paint varies by ±100 ms a launch
#: here, so its N-container row is the median of 1 + PAINTS launches a round, interleaved.
PAINTS = 3
#: Event → pixels: pause/unpause a second over the first rows on screen, and how many rows.
PIXEL_RATE = 10
PIXEL_ROWS = 6


def by_name(url: str) -> list[str]:
    """The running containers' ids of a fake engine, by name."""
    listed = raw_json(url, "/containers/json")
    assert isinstance(listed, list)
    return [c["Id"] for c in sorted(listed, key=lambda c: c["Names"][0])]


def pixel_latencies(res: dict[str, Any], reader: EventReader, t_from: int) -> list[float]:
    """ms from each event's timeNano to the end of the first swap showing the row's new word
    (events after ``t_from`` only; an event never drawn, as a pause undone before the next
    frame, has no sample)."""
    events: dict[str, list[tuple[int, str]]] = {}
    for cid, t, action, _ in reader.records:
        if t >= t_from:
            events.setdefault(cid, []).append((t, action))
    out: list[float] = []
    for cid, word, at in res.get("drawn", []):
        want = "pause" if word == "paused" else "unpause"
        times = [t for t, a in events.get(cid, []) if a == want and t <= at]
        if times:
            out.append((at - max(times)) / 1e6)
    return out


def compiled(tree: Path) -> None:
    """Byte-compile a tree's packages, as installing does (pip writes the .pyc files; Kivy's
    own are there since its install). A checkout run with PYTHONDONTWRITEBYTECODE=1 (this
    machine's sessions set it) would otherwise compile every Genet module from source at each
    launch, ~0.5 s the bare window never pays, and that is not what a user waits for."""
    subprocess.run([PY, "-m", "compileall", "-q", "genet_rx", "genet_kivy", "bench"], cwd=tree,
                   check=True, stdout=subprocess.DEVNULL)


def run(runs: int, n: int, rate: int, seconds: float) -> list[Row]:
    global KIVY_HOME
    KIVY_HOME = tempfile.mkdtemp(prefix="genet-bench-kivy-")
    if BASE is not None:
        shutil.copytree(ROOT / "bench", BASE / "bench", dirs_exist_ok=True)
    for tree in (ROOT, BASE):
        if tree is not None:
            compiled(tree)
    xvfb = Xvfb()
    empty, full = FakeServer(0), FakeServer(n)
    many = [FakeServer(n) for _ in range(ENGINES)]
    genets = ["genet0", "genetN", "genetP", "genetM"]
    genets += [g + "B" for g in genets] if BASE is not None else []
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in ["bare", "busy", *genets]}
    floor_ms: list[list[float]] = []
    try:
        running = by_name(full.url)[: n // 10]
        urls = [m.url for m in many]
        spread = [f"{u}|{cid}" for per in zip(*(by_name(u)[: n // 10] for u in urls),
                                                strict=True)
                  for u, cid in zip(urls, per, strict=True)]
        for r in range(runs + 1):
            secs = seconds if r else 0.5  # the warm-up round only launches and paints
            got: dict[str, dict[str, Any]] = {
                "bare": launch(xvfb.display, "bare", empty.url, 0, secs),
                "busy": launch(xvfb.display, "bare-busy", empty.url, 0, secs),
            }
            for g in genets:
                tree = tree_of(g)
                if g.startswith("genet0"):
                    got[g] = launch(xvfb.display, "genet", empty.url, 0, secs, tree=tree)
                elif g.startswith("genetN"):
                    got[g] = launch(xvfb.display, "genet", full.url, n, secs, running, rate,
                                    tree=tree)
                elif g.startswith("genetM"):
                    got[g] = launch(xvfb.display, "genet-many", ",".join(urls), n * ENGINES,
                                    secs, spread, rate, tree=tree, event_urls=urls)
                else:
                    reader = EventReader(full.url)
                    t_from = time.time_ns()
                    try:
                        got[g] = launch(xvfb.display, "genet", full.url, n, secs,
                                        running[:PIXEL_ROWS], PIXEL_RATE,
                                        {"GENET_BENCH_PIXELS": "1"}, tree=tree)
                    finally:
                        reader.close()
                    got[g]["pixels_ms"] = pixel_latencies(got[g], reader, t_from)
                    if g == "genetP":
                        floor_ms.append([(at - t) / 1e6 for _, t, _, at in reader.records
                                         if t >= t_from])
            painted = [k for k in ("bare", "genetN", "genetNB") if k in got]
            for k in painted:
                got[k]["paints_ms"] = [got[k]["launch_to_paint_ms"]]
            for _ in range(PAINTS if r else 0):
                for k in painted:
                    paint = (launch(xvfb.display, "bare", empty.url, 0, 0.5) if k == "bare" else
                             launch(xvfb.display, "genet", full.url, n, 0.5, tree=tree_of(k)))
                    got[k]["paints_ms"].append(paint["launch_to_paint_ms"])
            log(f"app round {r}/{runs}: first paint " + ", ".join(
                f"{k}={v['launch_to_paint_ms']:.0f}ms" for k, v in got.items())
                + f"; events sent {got['genetN']['events_sent']}, tables applied "
                  f"{got['genetN']['tables_applied']}, pixels samples "
                  f"{len(got['genetP']['pixels_ms'])}")
            if r > 0:
                for k, v in got.items():
                    results[k].append(v)
            else:
                floor_ms.clear()
    finally:
        empty.close()
        full.close()
        for m in many:
            m.close()
        xvfb.close()
        shutil.rmtree(KIVY_HOME, ignore_errors=True)
    return rows_of(results, floor_ms, runs, n, rate, seconds)


def rows_of(results: dict[str, list[dict[str, Any]]], floor_ms: list[list[float]], runs: int,
            n: int, rate: int, seconds: float) -> list[Row]:
    def med(key: str, field: str) -> float:
        """The median of ``field`` over the runs (of every value, for a list: paints_ms)."""
        got = [x[field] for x in results[key]]
        return median([v for x in got for v in x] if got and isinstance(got[0], list) else got)

    def over_bare(key: str) -> str:
        """The first paint's launches, and their median difference to the bare window's
        launched beside them (the i-th of a round against the bare window's i-th)."""
        diffs = [g - b for x, y in zip(results[key], results["bare"], strict=True)
                 for g, b in zip(x["paints_ms"], y["paints_ms"], strict=True)]
        return f"{len(diffs)} launches; the bare window + {median(diffs):.0f} ms, launch by launch"

    def frames(key: str, field: str, q: float) -> float:
        return median([percentile(x[field], q) for x in results[key]])

    item = "6 the app"
    nn = f"{n:,} ctrs"
    mm = f"{ENGINES} engines x {n:,} ctrs"
    before = "Genet before (base tree)"

    def sent(key: str) -> str:
        got = results[key]
        return (f"~{median([x['events_sent'] for x in got]) / seconds:.0f} events/s sent, "
                f"{median([x['tables_applied'] for x in got]) / seconds:.1f} tables/s applied")

    def split(key: str) -> str:
        """Where the events phase's CPU went: repaints a second and each kind of thread."""
        got = [x for x in results[key] if "events_threads_ms" in x]
        if not got:
            return ""
        share = {k: median([x["events_threads_ms"][k] for x in got]) / seconds / 10
                 for k in ("main", "llvmpipe", "other")}
        return (f"{median([x['events_repaints'] for x in got]) / seconds:.1f} repaints/s; % core: "
                + ", ".join(f"{k} {v:.1f}" for k, v in share.items()))

    def pair(key: str, group: str, field: str, unit: str, scale: float = 1,
             note: str = "", notes: Callable[[str], str] = lambda _k: "") -> list[Row]:
        out = [Row(item, "Genet", med(key, field) / scale, unit, group=group, genet=True,
                   runs=runs, note=note or notes(key))]
        if results.get(key + "B"):
            out.append(Row(item, before, med(key + "B", field) / scale, unit, group=group,
                           part=True, runs=runs, note=notes(key + "B")))
        return out

    def frame_pair(key: str, group: str, note: str) -> list[Row]:
        out = [Row(item, "Genet", frames(key, "events_frames_ms", 50), "ms",
                   p99=frames(key, "events_frames_ms", 99), group=group, genet=True, runs=runs,
                   note=note)]
        if results.get(key + "B"):
            out.append(Row(item, before, frames(key + "B", "events_frames_ms", 50), "ms",
                           p99=frames(key + "B", "events_frames_ms", 99), group=group,
                           part=True, runs=runs, note=sent(key + "B")))
        return out

    def floor(key: str, group: str, field: str, unit: str, scale: float = 1,
              who: str = "bare Kivy window (floor)", note: str = "") -> Row:
        return Row(item, who, med(key, field) / scale, unit, group=group, floor=True, runs=runs,
                   note=note)

    def pooled(key: str) -> list[float]:
        return [v for x in results[key] for v in x.get("pixels_ms", [])]

    def pixel_rows() -> list[Row]:
        group = f"event → pixels, {PIXEL_RATE} events/s, {nn}"
        bare = [v for x in results["bare"] for v in x["events_frames_ms"]]
        floor_all = [v for run in floor_ms for v in run]
        out = [
            Row(item, "raw socket /events, line read (floor)", percentile(floor_all, 50), "ms",
                p99=percentile(floor_all, 99), group=group, floor=True, runs=runs,
                note=f"n={len(floor_all)}"),
            Row(item, "one frame (bare window's frame interval)", percentile(bare, 50), "ms",
                p99=percentile(bare, 99), group=group, floor=True, runs=runs),
        ]
        got = pooled("genetP")
        out.append(Row(item, "Genet (timeNano → swap showing the row)", percentile(got, 50),
                       "ms", p99=percentile(got, 99), group=group, genet=True, runs=runs,
                       note=f"n={len(got)} rows drawn, grouped by project"))
        if results.get("genetPB"):
            old = pooled("genetPB")
            out.append(Row(item, before, percentile(old, 50), "ms", p99=percentile(old, 99),
                           group=group, part=True, runs=runs, note=f"n={len(old)}"))
        return out

    ev_note = sent("genetN") + f", {n // 10} running"
    return [
        floor("bare", "launch → first paint, 0 ctrs", "launch_to_paint_ms", "ms"),
        *pair("genet0", "launch → first paint, 0 ctrs", "launch_to_paint_ms", "ms"),
        floor("bare", f"launch → first paint, {nn}", "paints_ms", "ms"),
        *pair("genetN", f"launch → first paint, {nn}", "paints_ms", "ms", notes=over_bare),
        floor("bare", f"launch → first paint, {mm}", "launch_to_paint_ms", "ms"),
        *pair("genetM", f"launch → first paint, {mm}", "launch_to_paint_ms", "ms"),
        floor("bare", "resident memory, 0 ctrs", "rss_kib", "MiB", 1024),
        *pair("genet0", "resident memory, 0 ctrs", "rss_kib", "MiB", 1024),
        floor("bare", f"resident memory, {nn}", "rss_kib", "MiB", 1024),
        *pair("genetN", f"resident memory, {nn}", "rss_kib", "MiB", 1024),
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
        *frame_pair("genetN", f"frame time at {rate} events/s, {nn}", ev_note),
        Row(item, "bare Kivy window, nothing to draw (floor)",
            frames("bare", "events_frames_ms", 50), "ms",
            p99=frames("bare", "events_frames_ms", 99),
            group=f"frame time at {rate} events/s, {mm}", floor=True, runs=runs),
        *frame_pair("genetM", f"frame time at {rate} events/s, {mm}",
                    sent("genetM") + ", spread over the engines"),
        floor("busy", f"CPU at {rate} events/s, {nn}", "events_cpu_pct", "% core",
              who="bare Kivy window, label changed 100x/s (floor)"),
        *pair("genetN", f"CPU at {rate} events/s, {nn}", "events_cpu_pct", "% core",
              notes=split),
        floor("busy", f"CPU at {rate} events/s, {mm}", "events_cpu_pct", "% core",
              who="bare Kivy window, label changed 100x/s (floor)"),
        *pair("genetM", f"CPU at {rate} events/s, {mm}", "events_cpu_pct", "% core",
              notes=split),
        floor("bare", f"CPU idle, {nn}", "idle_cpu_pct", "% core"),
        *pair("genetN", f"CPU idle, {nn}", "idle_cpu_pct", "% core"),
        *pixel_rows(),
    ]


#: Item 8: lines a second the flood container's followed logs print (fake engine).
LOG_RATE = 1000


def memory(n: int, rate: int, seconds: float, trace: bool = False) -> list[Row]:
    """Item 8: the app's resident memory over ``seconds`` of churn (``rate`` pause/unpause a
    second over 1,000 containers' running tenth), growth counted after the first third
    (warm-up); with ``trace``, the tracemalloc sites that grew meanwhile (logged; tracemalloc
    slows the app and inflates its RSS)."""
    global KIVY_HOME
    KIVY_HOME = tempfile.mkdtemp(prefix="genet-bench-kivy-")
    xvfb = Xvfb()
    full = FakeServer(n, log_rate=LOG_RATE)
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
    log(f"memory over time: RSS at the end {end:.1f} MiB, {res['rss_trimmed_kib'] / 1024:.1f} "
        "once glibc handed back the free pages it held (malloc_trim)")
    minutes = seconds * 2 / 3 / 60
    grew = res.get("grew", [])
    top = grew[0] if grew else None
    log("memory over time: RSS samples (s, KiB): " + ", ".join(
        f"{t:.0f}:{k}" for t, k in res["rss_samples"]))
    for g in grew:
        log(f"  grew {g['kib']:+.1f} KiB ({g['count']:+d} blocks) at {' < '.join(g['where'])}")
    before, after = res["types_warm"], res["types_end"]
    types = sorted(((after.get(t, 0) - before.get(t, 0), t) for t in after.keys() | before.keys()),
                   reverse=True)
    log("memory over time: gc-tracked objects that grew after warm-up: " + ", ".join(
        f"{t} {d:+d} ({after.get(t, 0)})" for d, t in types[:15] if d > 0))
    cap, max_bytes, _ = res["log_ring"]
    log(f"memory over time: {res['tabs_opened']} detail tabs opened and closed, the flood's "
        f"logs opened {res['logs_opened']} times; the Logs tab held at most "
        f"{res.get('log_held_max', 0):,} lines, {res.get('log_bytes_max', 0) / 2**20:.1f} MiB "
        f"(ring: {cap:,} lines, {max_bytes / 2**20:.0f} MiB); its status at the end: "
        f"{res['logs_status']!r}")
    note = (f"RSS {warm:.1f} → {end:.1f} MiB over the last {minutes:.1f} min of "
            f"{seconds / 60:.1f}; {res['events_sent'] / seconds:.0f} events/s sent, a log flood "
            f"of {LOG_RATE:,} lines/s open, {res['tabs_opened']} detail tabs opened and closed")
    if top:
        note += f"; most grown: {top['where'][0]} {top['kib']:+.0f} KiB"
    return [Row("8 memory over time", "Genet", end - warm, "MiB",
                group=f"RSS growth after warm-up, {n:,} ctrs, {rate} events/s", genet=True,
                runs=1, note=note)]
