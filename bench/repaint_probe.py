"""One launch of the app measuring what a whole-window repaint costs (issue 17).

``python -m bench.repaint_probe URL EXPECTED REPAINTS OUT``: the app starts as
``genet --host URL --size 1280x800`` does (the tree's own ``genet_kivy.main.configure``);
once the list shows EXPECTED rows and start-up's tail has settled (SETTLE s), every frame
asks for a repaint (``Window.canvas.ask_update()``: nothing else changes) REPAINTS times. For
each repaint, from ``Window.on_draw`` to the end of ``Window.flip``: the CPU time of Mesa's
``llvmpipe-*`` threads (the software rasteriser) and of the main thread, from
``/proc/self/task/*/schedstat`` (nanoseconds), and the wall time. Writes
``{"llvmpipe_ms": [...], "main_ms": [...], "wall_ms": [...]}`` to OUT and exits.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from typing import Any

os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
if "KIVY_HOME" not in os.environ:
    os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="genet-bench-kivy-")

SETTLE = 3.0  # s after the first full paint: scroll bars and start-up's last repaints
WARM = 2  # repaints not counted at the start (the first forced ones)


def threads_ns() -> dict[str, int]:
    """CPU time (ns) of this process's threads by kind: main, llvmpipe, other."""
    out = {"main": 0, "llvmpipe": 0, "other": 0}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/self/task/{tid}/comm") as f:
                name = f.read().strip()
        except OSError:  # the thread ended meanwhile
            continue
        kind = "main" if int(tid) == os.getpid() else (
            "llvmpipe" if name.startswith("llvmpipe") else "other")
        out[kind] += ns
    return out


def main() -> None:
    url, expected, repaints, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    from genet_kivy.main import configure

    configure(size=(1280, 800))
    from kivy.clock import Clock
    from kivy.core.window import Window

    from genet_kivy.app import GenetApp
    from genet_rx import connect

    result: dict[str, list[float]] = {"llvmpipe_ms": [], "main_ms": [], "wall_ms": []}
    state: dict[str, Any] = {"phase": "start", "count": -WARM, "t0": None, "s0": None}

    class Probe(GenetApp):  # type: ignore[misc]
        def on_start(self) -> None:
            super().on_start()
            Window.fbind("on_draw", self._repaint_starts)
            swap = Window.flip

            def flip() -> None:
                swap()
                self._repaint_ends()

            Window.flip = flip
            Clock.schedule_interval(self._repaint_tick, 0)

        def _repaint_tick(self, _dt: float) -> None:
            if state["phase"] == "start" and self._repaint_shown():
                state["phase"] = "settle"
                Clock.schedule_once(lambda _dt: state.update(phase="run"), SETTLE)
            if state["phase"] == "run":
                Window.canvas.ask_update()

        def _repaint_shown(self) -> bool:
            t = self.table
            return bool(t.synced and len(t) == expected and self.tables_applied and (
                expected == 0 or self.root.ids.sidebar.rv.layout_manager.children))

        def _repaint_starts(self, *_: Any) -> None:
            if state["phase"] == "run":
                state["t0"], state["s0"] = time.perf_counter(), threads_ns()

        def _repaint_ends(self) -> None:
            if state["phase"] != "run" or state["t0"] is None:
                return
            s1, t1 = threads_ns(), time.perf_counter()
            if state["count"] >= 0:
                result["llvmpipe_ms"].append((s1["llvmpipe"] - state["s0"]["llvmpipe"]) / 1e6)
                result["main_ms"].append((s1["main"] - state["s0"]["main"]) / 1e6)
                result["wall_ms"].append((t1 - state["t0"]) * 1000)
            state["t0"] = None
            state["count"] += 1
            if state["count"] >= repaints:
                state["phase"] = "done"
                with open(out, "w") as f:
                    json.dump(result, f)
                self.stop()

    engine = connect(url)
    Probe(engine).run()
    engine.close()


if __name__ == "__main__":
    main()
