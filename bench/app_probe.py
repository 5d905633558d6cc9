"""One launch of the app (or of a bare Kivy window, the floor), measuring itself.

``python -m bench.app_probe MODE URL EXPECTED SECONDS OUT`` with MODE ``genet``, ``bare`` or
``bare-busy`` (a bare window whose label changes 100 times a second in the events phase), or
``genet-many`` (URL: several engines' URLs joined by commas, merged by ``Engines`` as
``genet --host A --host B …`` does; EXPECTED: the rows of all of them).
It starts exactly as ``genet --host URL --size 1280x800`` does (the engines opened first, by
``open_chosen``, then genet_kivy.main.configure's settings and GenetApp), plus hooks that only
read clocks:

1. first paint: the first ``on_flip`` (buffer swap) after the table the widgets hold is synced
   with EXPECTED rows and the sidebar's RecycleView has laid out row views (a bare window:
   its first flip). Wall-clock time, so the launcher can subtract its Popen time.
2. resident memory (VmRSS) one second after the first paint.
3. idle: CPU time over SECONDS with nothing happening, and frame intervals, from QUIET (2) s
   after the memory sample on: start-up's own tail (every ScrollView fades its bar out once,
   an animation and a few repaints) is not idling.
4. events: prints ``EVENTS`` and the launcher sends about 100 events a second for SECONDS;
   frame intervals (Clock ticks, every frame) and CPU time meanwhile, the buffer swaps (each a
   whole-window repaint), the CPU by kind of thread (``threads_cpu_ms``; with
   ``GENET_BENCH_THREAD_NAMES=1`` by thread name too) and the feed's measured cost of a state.

Writes a JSON object to OUT and exits.

``GENET_BENCH_PULL=REFERENCE`` (item 11, a pull drawn by the app): after the memory sample and
QUIET, the pull dialog is opened with REFERENCE typed in, ``EVENTS`` is printed (the launcher
sends nothing) and Pull is pressed (``submit``, as a tap does); from there to the pull's end
(the session no longer running): wall time, CPU time of the whole app (its reader thread, the
fold, the dialog drawn on every progress value) and its split by kind of thread (main, Mesa's
llvmpipe, the others), frame intervals and how many progress values the dialog showed. Then
it exits, the image left in the engine. ``GENET_BENCH_PROFILE_PHASE=pull`` profiles this phase.

``GENET_BENCH_PIXELS=1`` (event → pixels): the list is grouped by compose project, so a
paused or unpaused row changes its state word in place; after every buffer swap of the events
phase the rows on screen are read, and each row whose state word changed since the previous
swap is written down as ``[row key, word, wall-clock ns after the swap]`` (``drawn``); the
launcher matches them with the events' ``timeNano``.

``GENET_BENCH_MEMORY=1`` (item 8, memory over time): the idle phase lasts 4 s (not SECONDS:
a 30-minute churn run took an hour); in the events phase VmRSS is sampled
every 5 s, a third of the way in (the end of warm-up) and at the end. With
``GENET_BENCH_TRACEMALLOC=1`` too, tracemalloc runs from the idle phase on and its snapshots at
those two moments are diffed: the allocation sites that grew (tracemalloc's own bookkeeping
then inflates VmRSS, so the RSS row is measured without it). The churn of that phase, besides
the launcher's events (the issue's "log flood open, detail tabs opened and closed 1,000
times", through the app's own actions, as a user taps them): the detail shows the Logs tab of
:data:`FLOOD` (the fake engine prints ``log_rate`` lines a second to every followed log);
every :data:`CHURN_EVERY` s comes a burst of :data:`CHURN_BURST` tabs: another running
container selected and one of :data:`CHURN_TABS` opened, each closed by the next after
:data:`CHURN_SHOWN` s, the last by the flood's Logs tab, which then stays open long enough to
fill its ring (10,000 lines at 1,000 a second). Written too: the tabs opened, the most lines
and bytes the Logs view held (its ring must stay bounded), and the gc-tracked objects by type
at warm-up and at the end (the types that grew).
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
import tempfile
import time
import tracemalloc
from typing import Any

os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
if "KIVY_HOME" not in os.environ:  # bench/app.py passes one; by hand, a fresh temp dir
    os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="genet-bench-kivy-")


#: GENET_BENCH_PROFILE=path: cProfile a phase (main thread) into that file; the phase is
#: GENET_BENCH_PROFILE_PHASE, ``events`` (default), ``idle``, ``start`` (from the probe's
#: first line, imports included, to the first paint) or ``window`` (from the window made to
#: the first paint: what the app's own start-up costs after Kivy's).
PROFILE = os.environ.get("GENET_BENCH_PROFILE")
PROFILE_PHASE = os.environ.get("GENET_BENCH_PROFILE_PHASE", "events")
PROFILER = cProfile.Profile()
QUIET = 2.0  # seconds between the memory sample and the idle phase (see 3. above)
MEMORY = os.environ.get("GENET_BENCH_MEMORY") == "1"
PIXELS = os.environ.get("GENET_BENCH_PIXELS") == "1"
PULL = os.environ.get("GENET_BENCH_PULL", "")  # item 11: the reference the app pulls
TRACE = MEMORY and os.environ.get("GENET_BENCH_TRACEMALLOC") == "1"
FLOOD = "bench-00000"  # item 8: the container whose Logs tab is open (the flood)
CHURN_TABS = ("stats", "inspect", "history", "overview", "logs")
CHURN_EVERY = 18.0  # s between two bursts of tab openings
CHURN_BURST = 10  # tabs opened and closed a burst: 1,000 in 30 minutes
CHURN_SHOWN = 0.3  # s a churned tab stays open before the next (or the flood's Logs) replaces it


def objects_by_type() -> dict[str, int]:
    """How many objects the garbage collector tracks, by type name (after a collection)."""
    import gc
    from collections import Counter

    gc.collect()
    return dict(Counter(type(o).__qualname__ for o in gc.get_objects()))


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def trimmed_rss_kib() -> int:
    """VmRSS once glibc has handed back the free pages it holds (``malloc_trim(0)``): what
    is left is memory in use (or fragments smaller than a page)."""
    from genet_kivy.heap import trim_heap

    trim_heap()
    return rss_kib()


def threads_cpu_ms() -> dict[str, float]:
    """This process's CPU time (ms) by kind of thread, from /proc/self/task/*/stat: the main
    thread (Kivy: the app's code, layout, GL calls), Mesa's ``llvmpipe-*`` threads (the
    software rasteriser) and the others (Genet's reader, fold and pool threads)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {"main": 0.0, "llvmpipe": 0.0, "other": 0.0}
    names: dict[str, float] = {}
    import threading

    py_names = {str(t.native_id): t.name for t in threading.enumerate()}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rpartition(")")[2].split()
        kind = "main" if int(tid) == os.getpid() else (
            "llvmpipe" if name.startswith("llvmpipe") else "other")
        out[kind] += (int(fields[11]) + int(fields[12])) * 1000 / tick
        name = py_names.get(tid, name)
        name = name if not name.startswith("genet-stats") else "genet-stats"
        names[name] = names.get(name, 0.0) + (int(fields[11]) + int(fields[12])) * 1000 / tick
    if os.environ.get("GENET_BENCH_THREAD_NAMES"):
        out.update({"=" + k: v for k, v in names.items()})
    return out


def main() -> None:
    mode, url, expected, seconds, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        float(sys.argv[4]), sys.argv[5]
    if PROFILE and PROFILE_PHASE == "start":
        PROFILER.enable()
    engine: Any = None
    if mode.startswith("genet"):
        # Opened first, as ``genet --host URL…`` opens its engines (main: open_chosen) before
        # Kivy is imported: their sync runs while the window is made.
        from genet_rx.engine.engines import open_chosen

        engine = open_chosen(url.split(","))
        # The tree's own window settings, as ``genet --size 1280x800`` makes them (a base tree
        # run beside this one, GENET_BENCH_BASE, gets its own).
        from genet_kivy.main import configure

        configure(size=(1280, 800))
    else:  # the bare window: Kivy's own settings but for these
        from kivy.config import Config

        Config.set("graphics", "width", "1280")
        Config.set("graphics", "height", "800")
        Config.set("input", "mouse", "mouse,multitouch_on_demand")
        Config.set("kivy", "exit_on_escape", "0")
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    if PROFILE and PROFILE_PHASE == "window":
        PROFILER.enable()
    result: dict[str, Any] = {"mode": mode}
    frames: list[float] = []
    drawn: list[list[Any]] = []
    state: dict[str, Any] = {"phase": "start", "last": 0.0, "words": {}}

    if mode in ("genet", "genet-many"):
        from genet_kivy.app import GenetApp

        base: Any = GenetApp
        args: tuple[Any, ...] = (engine,)
    else:
        from kivy.uix.label import Label

        class Bare(App):
            def build(self) -> Any:
                self.label = Label(text="bare Kivy window")
                return self.label

            def busy(self, _dt: float) -> None:  # mode bare-busy: a repaint 100 times a second
                if state["phase"] == "events":
                    self.label.text = f"bare Kivy window {time.perf_counter():.3f}"

        base = Bare
        args = ()

    class Probe(base):  # type: ignore[misc, valid-type]
        def on_start(self) -> None:
            super().on_start()
            Window.bind(on_flip=self._flipped)
            if PIXELS:
                self.containers.group_by = "project"
                swap = Window.flip

                def flip_and_look() -> None:
                    swap()
                    self._look(time.time_ns())

                Window.flip = flip_and_look
            Clock.schedule_interval(self._probe_tick, 0)
            if mode == "bare-busy":
                Clock.schedule_interval(self.busy, 0.01)

        def _look(self, now_ns: int) -> None:
            """After a swap in the events phase: the rows on screen whose word changed."""
            words = {v.cid: v.state_word for v in self.root.ids.sidebar.rv.layout_manager.children
                     if type(v).__name__ == "ContainerRow"}
            if state["phase"] == "events":
                seen = state["words"]
                drawn.extend([cid, w, now_ns] for cid, w in words.items()
                             if cid in seen and seen[cid] != w)
            state["words"] = words

        def _shown(self) -> bool:
            if mode == "bare" or mode == "bare-busy":
                return True
            t = self.table
            if not (t.synced and len(t) == expected and self.tables_applied):
                return False
            return expected == 0 or bool(self.root.ids.sidebar.rv.layout_manager.children)

        def _flipped(self, *_: Any) -> None:
            state["flips"] = state.get("flips", 0) + 1
            if state["phase"] == "start" and self._shown():
                result["painted_at"] = time.time()
                result["paint_cpu_s"] = time.process_time()  # CPU to first paint (the load
                state["phase"] = "settle"                     # stretches wall time, not this)
                if PROFILE and PROFILE_PHASE in ("start", "window"):
                    PROFILER.disable()
                    PROFILER.dump_stats(PROFILE)
                Clock.schedule_once(self._settled, 1.0)

        def _probe_tick(self, _dt: float) -> None:
            now = time.perf_counter()
            if state["phase"] in ("idle", "events", "pull") and state["last"]:
                frames.append((now - state["last"]) * 1000)
            state["last"] = now

        def _settled(self, _dt: float) -> None:
            result["rss_kib"] = rss_kib()
            Clock.schedule_once(self._pull if PULL else self._quiet, QUIET)

        def _pull(self, _dt: float) -> None:
            from genet_kivy.dialogs import open_pull

            dialog = open_pull(self)
            dialog.ids.reference.text = PULL
            state["phase"] = "pull"
            frames.clear()
            result["pull_values"] = 0
            print("EVENTS", flush=True)
            if PROFILE and PROFILE_PHASE == "pull":
                PROFILER.enable()
            state["threads"] = threads_cpu_ms()
            state["cpu"], state["wall"] = time.process_time(), time.perf_counter()
            dialog.submit()
            if dialog.session is None:
                result["pull_error"] = dialog.error or "the dialog started no pull"
                self._write_and_stop()
                return
            dialog.session.listen(self._pulled)

        def _pulled(self, session: Any) -> None:
            result["pull_values"] += 1
            if session.running:
                return
            cpu, wall = time.process_time(), time.perf_counter()
            threads = threads_cpu_ms()
            result["pull_threads_ms"] = {k: v - state["threads"].get(k, 0.0)
                                         for k, v in threads.items()}
            if PROFILE and PROFILE_PHASE == "pull":
                PROFILER.disable()
                PROFILER.dump_stats(PROFILE)
            result["pull_ms"] = (wall - state["wall"]) * 1000
            result["pull_cpu_ms"] = (cpu - state["cpu"]) * 1000
            result["pull_state"] = session.state.value
            result["pull_error"] = session.error
            result["pull_layers"] = len(session.progress.layers)
            result["pull_frames_ms"] = list(frames)
            self._write_and_stop()

        def _quiet(self, _dt: float) -> None:
            if TRACE:
                tracemalloc.start(8)
            state["phase"] = "idle"
            if PROFILE and PROFILE_PHASE == "idle":
                PROFILER.enable()
            frames.clear()
            state["cpu"], state["wall"] = time.process_time(), time.perf_counter()
            Clock.schedule_once(self._idle_done, 4.0 if MEMORY else seconds)

        def _idle_done(self, _dt: float) -> None:
            if PROFILE and PROFILE_PHASE == "idle":
                PROFILER.disable()
                PROFILER.dump_stats(PROFILE)
            cpu, wall = time.process_time(), time.perf_counter()
            result["idle_cpu_pct"] = (cpu - state["cpu"]) / (wall - state["wall"]) * 100
            result["idle_frames_ms"] = list(frames)
            frames.clear()
            state["phase"] = "events"
            state["cpu"], state["wall"] = cpu, wall
            result["applied_before"] = getattr(self, "tables_applied", 0)
            state["flips"], state["threads"] = 0, threads_cpu_ms()
            if PROFILE and PROFILE_PHASE == "events":
                PROFILER.enable()
            print("EVENTS", flush=True)
            Clock.schedule_once(self._events_done, seconds)
            if MEMORY:
                result["rss_samples"] = [(0.0, rss_kib())]
                Clock.schedule_interval(self._sample_rss, 5.0)
                Clock.schedule_once(self._warmed_up, seconds / 3)
                self._churn_start()

        def _churn_start(self) -> None:
            rows = sorted(self.table.rows.values(), key=lambda c: c.name)
            state["flood"] = next(c.id for c in rows if c.name == FLOOD)
            state["others"] = [c.id for c in rows if c.state.alive and c.name != FLOOD]
            state["opened"] = 0
            self._show_flood(0.0)
            state["churn"] = Clock.schedule_interval(self._churn, CHURN_EVERY)

        def _show_flood(self, _dt: float) -> None:
            self.select(state["flood"])
            self.root.ids.detail.select_tab("logs")

        def _churn(self, _dt: float) -> None:
            for k in range(CHURN_BURST):
                Clock.schedule_once(self._open_tab, k * CHURN_SHOWN)
            Clock.schedule_once(self._show_flood, CHURN_BURST * CHURN_SHOWN)

        def _open_tab(self, _dt: float) -> None:
            i = state["opened"]
            others = state["others"]
            self.select(others[i % len(others)])
            self.root.ids.detail.select_tab(CHURN_TABS[i % len(CHURN_TABS)])
            state["opened"] = i + 1

        def _sample_rss(self, _dt: float) -> None:
            result["rss_samples"].append((time.perf_counter() - state["wall"], rss_kib()))
            model = self.root.ids.detail.views["logs"].model
            result["log_held_max"] = max(result.get("log_held_max", 0), len(model))
            result["log_bytes_max"] = max(result.get("log_bytes_max", 0), model.ring.bytes)

        def _warmed_up(self, _dt: float) -> None:
            result["rss_warm_kib"] = rss_kib()
            result["types_warm"] = objects_by_type()
            if TRACE:
                state["warm"] = tracemalloc.take_snapshot()

        def _events_done(self, _dt: float) -> None:
            if PROFILE and PROFILE_PHASE == "events":
                PROFILER.disable()
                PROFILER.dump_stats(PROFILE)
            cpu, wall = time.process_time(), time.perf_counter()
            result["events_cpu_pct"] = (cpu - state["cpu"]) / (wall - state["wall"]) * 100
            result["events_frames_ms"] = list(frames)
            feed = getattr(self, "feed", None)
            result["state_cost_ms"] = feed.cost * 1000 if feed is not None else 0.0  # its pace
            result["events_repaints"] = state["flips"]  # buffer swaps: each a whole repaint
            result["events_threads_ms"] = {k: v - state["threads"].get(k, 0.0)
                                           for k, v in threads_cpu_ms().items()}
            result["drawn"] = drawn
            result["tables_applied"] = getattr(self, "tables_applied", 0) - \
                result["applied_before"]
            if MEMORY:
                result["rss_end_kib"] = rss_kib()
                result["rss_trimmed_kib"] = trimmed_rss_kib()
                state["churn"].cancel()
                logs_view = self.root.ids.detail.views["logs"]
                model = logs_view.model
                result["tabs_opened"] = state["opened"]
                result["logs_opened"] = logs_view.opened
                result["logs_status"] = logs_view.status
                result["log_lines_held"] = len(model)
                result["log_ring"] = [model.capacity, model.ring.max_bytes, model.ring.bytes]
                result["types_end"] = objects_by_type()
            if TRACE:
                diff = tracemalloc.take_snapshot().compare_to(state["warm"], "traceback")
                result["grew"] = [
                    {"kib": d.size_diff / 1024, "count": d.count_diff,
                     "where": [f"{'/'.join(f.filename.rsplit('/', 2)[-2:])}:{f.lineno}"
                               for f in d.traceback][:8]}
                    for d in diff[:12]]
            self._write_and_stop()

        def _write_and_stop(self) -> None:
            with open(out, "w") as f:
                json.dump(result, f)
            self.stop()

    Probe(*args).run()
    if engine is not None:
        engine.close()


if __name__ == "__main__":
    main()
