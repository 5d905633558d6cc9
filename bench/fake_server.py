"""A fake engine (tests/fake_engine.py) holding N containers, in a process of its own so the
clients measured against it never share its GIL: ``python -m bench.fake_server N [RUNNING
[LOG_RATE]]`` (RUNNING: how many run, a tenth by default; LOG_RATE: lines a second each
container's followed logs print, 0 by default: no logs). Prints its URL, then serves until
stdin closes."""

from __future__ import annotations

import sys

from fake_engine import FakeEngine

from .common import ROOT  # noqa: F401  (puts tests/ on sys.path)


def main() -> None:
    n = int(sys.argv[1])
    running = int(sys.argv[2]) if len(sys.argv) > 2 else n // 10
    fake = FakeEngine()
    fake.log_rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    labels = {"com.docker.compose.project": "bench", "genet-bench": "1"}
    for i in range(n):
        fake.add_container(f"bench-{i:05d}", image="genet-test/busybox",
                           state="running" if i < running else "exited",
                           labels={**labels, "com.docker.compose.service": f"svc{i % 50}"})
    print(fake.url, flush=True)
    try:
        sys.stdin.read()
    finally:
        fake.close()


if __name__ == "__main__":
    main()
