"""Item 3: initial sync — from nothing to the full container list in hand.

Each contender starts cold (a new client: connect, negotiate where it does, list) in the bench
process, all against the same engine, round-robin within each run so load drifts hit all
alike; the first round is warm-up. ``docker ps -a`` runs as the user runs it (a process).
Every contender's answer is checked to hold all N containers.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable

from dockerd import docker_cli

from .common import PY, ROOT, Row, log, median, raw_get

_after: list[Callable[[], None]] = []  # clean-ups that are not part of a contender's time


def genet_sync(url: str, table: str = "containers") -> int:
    """Genet's ``connect()`` until the first synced table of ``table`` (an Engine property:
    ``containers``, ``images``, …); its row count."""
    import genet_rx

    done = threading.Event()
    box: list[int] = []

    def on_table(t: object) -> None:
        if getattr(t, "synced", False) and not done.is_set():
            box.append(len(t))  # type: ignore[arg-type]
            done.set()

    engine = genet_rx.connect(url, reconcile_every=3600)
    sub = getattr(engine, table).subscribe(on_table)
    ok = done.wait(300)
    sub.dispose()
    _after.append(engine.close)  # closed once the clock has stopped
    if not ok:
        raise RuntimeError("Genet did not sync")
    return box[0]


def genet_list(url: str) -> int:
    from genet_rx.api.client import EngineClient
    from genet_rx.engine.answers import snapshot
    from genet_rx.state.containers import from_rows

    client = EngineClient(url)
    return len(from_rows(snapshot(client, "container").rows))  # what a sync lists


def dockerpy(url: str, sparse: bool) -> int:
    import docker

    client = docker.DockerClient(base_url=url)
    try:
        return len(client.containers.list(all=True, sparse=sparse))
    finally:
        client.close()


def aiodocker_list(url: str) -> int:
    import aiodocker

    async def go() -> int:
        async with aiodocker.Docker(url=url) as d:
            return len(await d.containers.list(all=True))

    return asyncio.run(go())


def cli(url: str) -> int:
    env = {**os.environ, "DOCKER_HOST": url}
    env.pop("DOCKER_CONTEXT", None)
    out = subprocess.run([docker_cli(), "ps", "-a", "--no-trunc"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return len(out.splitlines()) - 1


def floor(url: str) -> int:
    return len(json.loads(raw_get(url, "/containers/json?all=1")))


CONTENDERS: dict[str, tuple[str, Callable[[str], int]]] = {
    "floor": ("raw socket GET + json.loads (floor)", floor),
    "genet": ("Genet connect → synced table", genet_sync),
    "genet-list": ("Genet client list → rows (no events)", genet_list),
    "dockerpy": ("docker-py containers.list(all) (inspects each)",
                 lambda u: dockerpy(u, False)),
    "dockerpy-sparse": ("docker-py containers.list(all, sparse)", lambda u: dockerpy(u, True)),
    "aiodocker": ("aiodocker containers.list(all)", aiodocker_list),
    "cli": ("docker ps -a (CLI process)", cli),
}


def run(url: str, n: int, group: str, runs: int, slow_runs: int | None = None,
        contenders: dict[str, tuple[str, Callable[[str], int]]] | None = None,
        item: str = "3 initial sync", what: str = "containers", cpu: bool = False) -> list[Row]:
    """Each contender cold, round-robin, ``runs`` rounds after a warm-up round; every answer
    must hold ``n`` ``what``. ``slow_runs`` caps the runs of the N+1-request docker-py list
    (key ``dockerpy``; no warm-up when 1). ``contenders`` default to item 3's; keys ``genet``,
    ``floor`` and ``genet-…`` mark Genet's row, the floor and a part of Genet. ``cpu`` adds a
    group of the client's CPU time (the bench process's, plus a CLI process's rusage): on a
    loaded machine it moves less than wall time."""
    contenders = CONTENDERS if contenders is None else contenders
    times: dict[str, list[float]] = {k: [] for k in contenders}
    cpus: dict[str, list[float]] = {k: [] for k in contenders}
    for r in range(runs + 1):
        for key, (_name, fn) in contenders.items():
            if key == "dockerpy" and slow_runs is not None and r >= slow_runs + (slow_runs > 1):
                continue
            c0 = time.process_time() + _children_cpu()
            t = time.perf_counter()
            got = fn(url)
            dt = time.perf_counter() - t
            used = time.process_time() + _children_cpu() - c0
            while _after:
                _after.pop()()
            if got != n:
                raise RuntimeError(f"{key} listed {got} {what}, expected {n}")
            if r > 0 or (key == "dockerpy" and slow_runs == 1):
                times[key].append(dt * 1000)
                cpus[key].append(used * 1000)
        log(f"{item} {group} round {r}/{runs}: " + ", ".join(
            f"{k}={v[-1]:.0f}ms" for k, v in times.items() if v))
    rows = []
    for key, (name, _fn) in contenders.items():
        note = f"{len(times[key])} run{'s' if len(times[key]) != 1 else ''}"
        if key == "dockerpy" and slow_runs == 1:
            note += " (1 run, no warm-up: N+1 requests)"
        if key == "dockerpy" and slow_runs == 0:
            note = "not run: N+1 requests, ~45 s a run here (--slow runs it once)"
        rows.append(Row(item, name, median(times[key]), "ms", group=group,
                        genet=(key == "genet"), floor=(key == "floor"),
                        part=key.startswith("genet-"), note=note, runs=len(times[key])))
    if cpu:
        rows += [Row(item, name, median(cpus[key]), "ms CPU", group=f"{group}, client CPU",
                     genet=(key == "genet"), floor=(key == "floor"),
                     part=key.startswith("genet-"), runs=len(cpus[key]),
                     note="its threads too; not the engine's" if key == "genet" else "")
                 for key, (name, _fn) in contenders.items() if cpus[key]]
    return rows


def _children_cpu() -> float:
    """CPU seconds of the bench's waited-for child processes (a CLI contender)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class FakeServer:
    """bench/fake_server.py in a process of its own."""

    def __init__(self, n: int, images: int = 0, log_rate: float = 0.0) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GENET_BENCH_FAKE_IMAGES": str(images)}
        args = [str(n), str(n // 10), str(log_rate)] if log_rate else [str(n)]
        self.proc = subprocess.Popen([PY, "-m", "bench.fake_server", *args], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("unix://"):
            raise RuntimeError("the fake engine did not start")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
