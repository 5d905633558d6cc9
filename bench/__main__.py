"""``python -m bench``: every measurement of issue 7, side by side, in one run; one table.

    .venv/bin/python -m bench            # the full bench (about 20 minutes on 2 cores)
    .venv/bin/python -m bench --quick    # a smoke run (about 3 minutes), nothing written
    .venv/bin/python -m bench --only 1,7 # some items only (the table is not written)

Needs root (for the private dockerd), Debian's docker.io and busybox-static, and the bench
extra: ``.venv/bin/pip install -e ".[bench]"``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from .common import ROOT, Row, finish, log, machine, render


@dataclass
class Config:
    latency_runs: int = 3
    latency_steps: int = 200
    latency_warmup: int = 20
    latency_pace: float = 0.1
    latency_containers: int = 25
    transport_runs: int = 3
    transport_requests: int = 100
    fold_sizes: tuple[int, ...] = (100, 1_000, 10_000)
    fold_events: int = 20_000
    fold_runs: int = 5
    sync_runs_100: int = 15
    sync_runs_1000: int = 15  # 5 samples of a ~50-ms connect moved the median by ±10 ms
    sync_runs_10000: int = 5
    sync_big: int = 1_000
    sync_fake: int = 10_000
    slow: bool = False  # docker-py's N+1 list at 10,000 too (about 45 s a run)
    log_lines: int = 400_000
    log_runs: int = 3
    stats_records: int = 3_000
    stats_runs: int = 5
    app_runs: int = 5
    app_containers: int = 1_000
    app_events_per_s: int = 100
    app_seconds: float = 4.0
    load_runs: int = 2
    load_window: float = 30.0
    memory_seconds: float = 240.0  # item 8; --memory 1800 for the 30 minutes
    images_real: int = 100  # item 10 on the private dockerd (imported images)
    images_fake: int = 1_000  # item 10 on the fake engine
    image_runs: int = 5
    pull_runs: int = 5


QUICK = Config(latency_runs=1, latency_steps=30, latency_warmup=5, fold_sizes=(100, 10_000),
               fold_events=3_000, fold_runs=2, sync_runs_100=1, sync_runs_1000=1,
               sync_runs_10000=1, sync_big=300, sync_fake=2_000, log_lines=40_000, log_runs=1,
               stats_records=500, stats_runs=1, app_runs=1, app_containers=300, app_seconds=2,
               load_runs=1, load_window=5.0, memory_seconds=60.0, transport_runs=1,
               transport_requests=20, images_real=20, images_fake=300, image_runs=1,
               pull_runs=1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a smoke run: few, short runs")
    p.add_argument("--only", help="comma-separated items to run, e.g. 1,3,7 (default: all)")
    p.add_argument("--runs", type=int, help="runs for every item (default: per item)")
    p.add_argument("--window", type=float, help="item 7's idle window in seconds (default 30)")
    p.add_argument("--slow", action="store_true",
                   help="also docker-py's N+1-request list at 10,000 containers (~45 s a run)")
    p.add_argument("--memory", type=float, metavar="SECONDS",
                   help="item 8's churn run (default 240 s; 1800 for 30 minutes)")
    p.add_argument("--trace-memory", action="store_true",
                   help="item 8 under tracemalloc: log the allocation sites that grew")
    p.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = p.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    if args.runs:
        for f in ("latency_runs", "fold_runs", "sync_runs_100", "sync_runs_1000",
                  "sync_runs_10000", "log_runs", "stats_runs", "app_runs", "load_runs",
                  "transport_runs", "image_runs", "pull_runs"):
            setattr(cfg, f, args.runs)
    if args.window:
        cfg.load_window = args.window
    if args.memory:
        cfg.memory_seconds = args.memory
    cfg.slow = args.slow
    only = {int(x) for x in args.only.split(",")} if args.only else set(range(1, 12))
    write = not (args.no_write or args.quick or args.only)

    started = time.monotonic()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = machine()
    rows: list[Row] = []
    failures: list[str] = []

    def item(n: int, what: str, fn: Callable[[], list[Row]]) -> None:
        if n not in only:
            return
        log(f"item {n}: {what}")
        t = time.monotonic()
        try:
            rows.extend(fn())
        except Exception as exc:  # one item failing must not lose the others
            traceback.print_exc()
            failures.append(f"item {n} ({what}) failed: {type(exc).__name__}: {exc}")
        log(f"item {n} took {time.monotonic() - t:.0f}s")

    from . import engine_load, fold, latency, logdemux, statsdecode, sync
    from .testbed import Testbed

    item(2, "fold throughput", lambda: fold.run(list(cfg.fold_sizes), cfg.fold_events,
                                                cfg.fold_runs))
    item(5, "stats decode", lambda: statsdecode.run(cfg.stats_records, cfg.stats_runs))

    engine_version = "?"
    if only & {1, 3, 4, 7}:
        tb = Testbed()
        try:
            tb.start()
            v = tb.version()
            engine_version = f"Docker Engine {v.get('Version')} (API {v.get('ApiVersion')})"
            ids = tb.ensure(100, 100)
            item(7, "engine load while idle", lambda: engine_load.run(
                tb, cfg.load_runs, cfg.load_window))
            item(1, "event → table latency", lambda: latency.run(
                tb, ids[:cfg.latency_containers], cfg.latency_runs, cfg.latency_steps,
                cfg.latency_warmup, cfg.latency_pace))
            item(4, "log demux", lambda: logdemux.run(tb, cfg.log_lines, cfg.log_runs))
            item(3, "initial sync, 100", lambda: sync.run(
                tb.url, 100, "100", cfg.sync_runs_100, cpu=True))
            if 3 in only:
                tb.ensure(cfg.sync_big, 100)
            item(3, f"initial sync, {cfg.sync_big:,}", lambda: sync.run(
                tb.url, cfg.sync_big, f"{cfg.sync_big:,}", cfg.sync_runs_1000, cpu=True,
                slow_runs=min(5, cfg.sync_runs_1000)))  # docker-py's N+1 list: ~1 s a run
        finally:
            log("stopping the private dockerd")
            tb.close()

    def fake_sync() -> list[Row]:
        fake = sync.FakeServer(cfg.sync_fake)
        try:
            return sync.run(fake.url, cfg.sync_fake, f"{cfg.sync_fake:,} (fake engine)",
                            cfg.sync_runs_10000, slow_runs=1 if cfg.slow else 0, cpu=True)
        finally:
            fake.close()

    item(3, f"initial sync, {cfg.sync_fake:,} on the fake engine", fake_sync)

    if only & {10, 11}:
        from . import imagelist, pull

        kinds = Testbed()  # a daemon of its own: images only, no containers
        try:
            kinds.start()
            if engine_version == "?":
                v = kinds.version()
                engine_version = f"Docker Engine {v.get('Version')} (API {v.get('ApiVersion')})"
            if 10 in only:
                kinds.import_images(cfg.images_real)
            item(10, f"image list sync, {cfg.images_real}", lambda: imagelist.run(
                kinds.url, "private dockerd", cfg.image_runs))
            item(11, "pull", lambda: pull.run(kinds, cfg.pull_runs))
        finally:
            log("stopping the private dockerd of items 10 and 11")
            kinds.close()

    def fake_images() -> list[Row]:
        from . import imagelist

        fake = sync.FakeServer(0, cfg.images_fake)
        try:
            return imagelist.run(fake.url, "fake engine", cfg.image_runs)
        finally:
            fake.close()

    item(10, f"image list sync, {cfg.images_fake:,} on the fake engine", fake_images)

    from . import transports

    item(9, "request latency by transport", lambda: transports.run(
        cfg.transport_runs, cfg.transport_requests))

    with contextlib.suppress(ImportError):
        from . import app

        item(6, "the app", lambda: app.run(cfg.app_runs, cfg.app_containers,
                                           cfg.app_events_per_s, cfg.app_seconds))
        item(8, "memory over time", lambda: app.memory(cfg.app_containers, cfg.app_events_per_s,
                                                        cfg.memory_seconds, args.trace_memory))

    rows.sort(key=lambda r: int(r.item.split(" ", 1)[0]))  # stable: groups stay
    finish(rows)
    elapsed = time.monotonic() - started
    head = (f"Genet bench — {when} — {facts['cores']} cores ({facts['cpu']}), {facts['memory']}, "
            f"{facts['os']}, Linux {facts['kernel']}, Python {facts['python']} — "
            f"{engine_version} — load at start {facts['load']} — took {elapsed / 60:.1f} min")
    table = render(rows)
    print()
    print(head)
    print(table)
    for f in failures:
        print("FAILED:", f)
    if write:
        write_results(head, table, failures, facts, engine_version, when, elapsed, cfg)
        log("wrote bench/RESULTS.md")
    return 1 if failures else 0


NOTES_MARK = "<!-- notes: everything below this line is kept when the bench rewrites the file -->"


def write_results(head: str, table: str, failures: list[str], facts: dict[str, str],
                  engine_version: str, when: str, elapsed: float, cfg: Config) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    kept = ""
    if path.exists():
        old = path.read_text()
        if NOTES_MARK in old:
            kept = old.split(NOTES_MARK, 1)[1]
    text = f"""# Bench results

Written by `.venv/bin/python -m bench` (see bench/README.md for what each number means).
Medians over runs, warm-up excluded; "vs Genet" > 1 means Genet is ahead of that contender,
< 1 behind (for the floor rows: how close Genet gets to the floor).

- Date: {when}
- Machine: {facts['cores']} cores ({facts['cpu']}), {facts['memory']} RAM, {facts['os']},
  Linux {facts['kernel']}, Python {facts['python']}; load average at start {facts['load']}
  (the machine is shared: other work ran at the same time)
- Engine: {engine_version}, a private dockerd started by the bench
- Run: {elapsed / 60:.1f} min; latency {cfg.latency_runs}x{cfg.latency_steps} changes,
  fold {cfg.fold_runs} runs x {cfg.fold_events:,} events,
  sync {cfg.sync_runs_100}/{cfg.sync_runs_1000}/{cfg.sync_runs_10000} runs,
  logs {cfg.log_runs} runs, stats {cfg.stats_runs} runs x {cfg.stats_records:,} records,
  app {cfg.app_runs} runs, engine load {cfg.load_runs}x{cfg.load_window:.0f} s,
  memory over time {cfg.memory_seconds / 60:.0f} min,
  transports {cfg.transport_runs}x{cfg.transport_requests} requests,
  image list {cfg.image_runs} runs, pull {cfg.pull_runs} runs

{table}
"""
    if failures:
        text += "\nFailed in this run:\n\n" + "\n".join(f"- {f}" for f in failures) + "\n"
    text += f"\n{NOTES_MARK}{kept or chr(10)}"
    path.write_text(text)
    del head


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    sys.exit(main())
