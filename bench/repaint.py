"""What one whole-window repaint of the app costs under Mesa's software GL, side by side.

``.venv/bin/python -m bench.repaint [--base DIR] [--launches N] [--repaints K]``: a private
Xvfb and a fake engine of 1,000 containers; N launches of bench/repaint_probe.py from this
tree (and from the checkout in DIR, alternated with them, its bench/ replaced by this one's),
each forcing K repaints of the 1280x800 window. Prints, per tree, the medians (p25-p75) over
all repaints of the llvmpipe threads' CPU, the main thread's CPU and the wall time from
``Window.on_draw`` to the end of ``Window.flip``, and the ratios. Not part of ``python -m
bench``'s table; see the notes "Issue 17, repaint cost" in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .app import Xvfb, compiled
from .common import PY, ROOT
from .sync import FakeServer

CONTAINERS = 1000
KEYS = ("llvmpipe_ms", "main_ms", "wall_ms")


def launch(tree: Path, display: str, url: str, repaints: int,
           kivy_home: str) -> dict[str, list[float]]:
    fd, out = tempfile.mkstemp(prefix="genet-bench-repaint-", suffix=".json")
    os.close(fd)
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(tree), "KIVY_HOME": kivy_home}
    subprocess.run([PY, "-m", "bench.repaint_probe", url, str(CONTAINERS), str(repaints), out],
                   cwd=tree, env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)
    with open(out) as f:
        got: dict[str, list[float]] = json.load(f)
    os.unlink(out)
    return got


def quartiles(values: list[float]) -> tuple[float, float, float]:
    v = sorted(values)
    return v[len(v) // 4], v[len(v) // 2], v[3 * len(v) // 4]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.repaint",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, help="a checkout to run beside this tree")
    parser.add_argument("--launches", type=int, default=4)
    parser.add_argument("--repaints", type=int, default=60)
    args = parser.parse_args()
    trees = {"this tree": ROOT}
    if args.base is not None:
        shutil.copytree(ROOT / "bench", args.base / "bench", dirs_exist_ok=True)
        trees = {"base": args.base, "this tree": ROOT}
    for tree in trees.values():
        compiled(tree)
    kivy_home = tempfile.mkdtemp(prefix="genet-bench-kivy-")
    xvfb, server = Xvfb(), FakeServer(CONTAINERS)
    got: dict[str, dict[str, list[float]]] = {name: {k: [] for k in KEYS} for name in trees}
    try:
        for _ in range(args.launches):
            for name, tree in trees.items():
                one = launch(tree, xvfb.display, server.url, args.repaints, kivy_home)
                for k in KEYS:
                    got[name][k] += one[k]
    finally:
        server.close()
        xvfb.close()
    first = got[next(iter(trees))]
    print(f"{CONTAINERS:,} containers, 1280x800, {args.launches} launches x {args.repaints} "
          "repaints a tree (alternated); medians (p25-p75) a repaint, ms; ratio: the first "
          "tree's median / this one's")
    print(f"{'':10} {'llvmpipe CPU':>22} {'main thread CPU':>22} {'on_draw+flip wall':>22}")
    for name, values in got.items():
        cells = []
        for k in KEYS:
            lo, mid, hi = quartiles(values[k])
            ratio = quartiles(first[k])[1] / mid if mid else 0.0
            cells.append(f"{mid:6.1f} ({lo:.1f}-{hi:.1f}) {ratio:4.2f}x")
        print(f"{name:10} " + " ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
