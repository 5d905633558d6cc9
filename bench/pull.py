"""Item 11: a pull through Genet beside ``docker pull``, from the same private local registry.

The registry is tests/registry.py's (Debian's ``docker-registry`` on 127.0.0.1, storage in a
temp dir, stopped at the end); the image is built there as the tests build theirs
(``push_layers_image``: LAYERS layers of MIB MiB of random bytes on the busybox test image),
pushed, and removed from the engine. Every pull then fetches those layers ("Already exists"
for busybox's). Before each pull the image is removed again, and after it the engine must
hold it (a pull that did not land fails the item).

Contenders, round-robin in each round (the first round is warm-up):

- raw socket (floor): ``POST /images/create`` over HTTP/1.0, the stream read to its end;
- Genet's core: ``genet_rx.api.pull.pull`` (its NDJSON stream folded into ``PullProgress``
  values) until it completes, in the bench process;
- the app: a launch of bench/app_probe.py (``GENET_BENCH_PULL``) that types the reference in
  the pull dialog and presses Pull, the dialog drawing each layer's progress; from the press
  to the pull's end (the app's launch is not counted);
- docker-py ``images.pull`` (the stream read, then the image fetched);
- ``docker pull`` run in a pseudo-terminal, so it draws its progress bars as in a terminal.

Measured: wall time (the CLI's includes its process start), and the client's CPU time during
the pull (in-process contenders: ``process_time``; the CLI: its rusage; the app: its own
``process_time``, every thread). The engine does the work of a pull (fetching, checksums,
extraction): dockerd's CPU is shown in the notes, where it was measured.
"""

from __future__ import annotations

import contextlib
import os
import pty
import resource
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from urllib.parse import urlencode

from dockerd import docker_cli
from registry import LocalRegistry, push_layers_image

from .common import TICK, Row, cpu_ticks, log, median, percentile, unix_path
from .testbed import Testbed

ITEM = "11 pull"
LAYERS = 4
MIB = 8


def floor(url: str, reference: str) -> None:
    from genet_rx.api.pull import parse_reference

    image, tag = parse_reference(reference)
    path = "/images/create?" + urlencode({"fromImage": image, "tag": tag})
    data = b""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(300)
        s.connect(unix_path(url))
        s.sendall(f"POST {path} HTTP/1.0\r\nHost: docker\r\nContent-Length: 0\r\n\r\n".encode())
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    if b'"error"' in data or not data.startswith(b"HTTP/1.0 200"):
        raise RuntimeError(f"raw pull failed: {data[-300:]!r}")


def genet_core(url: str, reference: str) -> None:
    from genet_rx.api.client import EngineClient
    from genet_rx.api.pull import pull

    client = EngineClient(url)
    try:
        last = pull(client, reference).run()
    finally:
        client.close()
    if not last.finished:
        raise RuntimeError(f"Genet's pull did not finish: {last}")


def dockerpy(url: str, reference: str) -> None:
    import docker

    client = docker.DockerClient(base_url=url)
    try:
        client.images.pull(reference)
    finally:
        client.close()


def cli(url: str, reference: str) -> float:
    """``docker pull`` in a pseudo-terminal (80x24) read to its end; its CPU seconds."""
    env = {**os.environ, "DOCKER_HOST": url, "TERM": "xterm", "COLUMNS": "80", "LINES": "24"}
    env.pop("DOCKER_CONTEXT", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    master, slave = pty.openpty()
    p = subprocess.Popen([docker_cli(), "pull", reference], stdin=slave, stdout=slave,
                         stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    try:
        while True:
            try:
                b = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end has closed
                break
            if not b:
                break
            out += b
    finally:
        os.close(master)
    code = p.wait(300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise RuntimeError(f"docker pull exited {code}: {out[-300:]!r}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(fn: Callable[[str, str], None]) -> Callable[[str, str], float]:
    """A contender run in the bench process; its CPU seconds (``process_time``)."""
    def run(url: str, reference: str) -> float:
        cpu = time.process_time()
        fn(url, reference)
        return time.process_time() - cpu

    return run


CONTENDERS: dict[str, tuple[str, Callable[[str, str], float]]] = {
    "floor": ("raw socket POST, stream read (floor)", in_process(floor)),
    "genet": ("Genet core pull (progress values)", in_process(genet_core)),
    "dockerpy": ("docker-py images.pull", in_process(dockerpy)),
    "cli": ("docker pull (CLI in a terminal, bars drawn)", cli),
}
APP = "Genet app, pull dialog drawing progress"


def run(tb: Testbed, runs: int, layers: int = LAYERS, mib: int = MIB) -> list[Row]:
    from . import app

    registry = LocalRegistry()
    xvfb = None
    app.KIVY_HOME = tempfile.mkdtemp(prefix="genet-bench-kivy-")
    try:
        registry.start()
        reference = push_layers_image(tb.url, registry, repository="genet-bench/pull",
                                      tag="1", layers=layers, mib=mib)
        log(f"pushed {reference} ({layers} x {mib} MiB) to the registry at {registry.address}")
        xvfb = app.Xvfb()
        got: dict[str, list[dict[str, float]]] = {k: [] for k in [*CONTENDERS, "app"]}
        for r in range(runs + 1):
            for key in [*CONTENDERS, "app"]:
                remove(tb, reference)
                engine_cpu = cpu_ticks(tb.pid)
                if key == "app":
                    res = app.launch(xvfb.display, "genet", tb.url, 0, 0.0,
                                     extra_env={"GENET_BENCH_PULL": reference})
                    if res.get("pull_state") != "done":
                        raise RuntimeError(f"the app's pull ended {res.get('pull_state')}: "
                                           f"{res.get('pull_error')}")
                    one = {"wall_ms": res["pull_ms"], "cpu_ms": res["pull_cpu_ms"],
                           "values": res["pull_values"],
                           "frame_p50": percentile(res["pull_frames_ms"], 50),
                           "frame_p99": percentile(res["pull_frames_ms"], 99),
                           **{f"cpu_{k}_ms": v for k, v in res["pull_threads_ms"].items()}}
                else:
                    t = time.perf_counter()
                    cpu_s = CONTENDERS[key][1](tb.url, reference)
                    wall = time.perf_counter() - t
                    one = {"wall_ms": wall * 1000, "cpu_ms": cpu_s * 1000,
                           "engine_ms": (cpu_ticks(tb.pid) - engine_cpu) * 1000 / TICK}
                if not present(tb, reference):
                    raise RuntimeError(f"{key}: the image is not in the engine after its pull")
                if r > 0:
                    got[key].append(one)
                log(f"pull round {r}/{runs} {key}: " + ", ".join(
                    f"{k} {v:.0f}" for k, v in one.items()))
        remove(tb, reference)
    finally:
        if xvfb is not None:
            xvfb.close()
        registry.cleanup()
        shutil.rmtree(app.KIVY_HOME, ignore_errors=True)
    return rows_of(got, runs, layers, mib)


def remove(tb: Testbed, reference: str) -> None:
    with contextlib.suppress(Exception):  # not there: nothing to remove
        tb.api.remove_image(reference, force=True)


def present(tb: Testbed, reference: str) -> bool:
    try:
        tb.api.inspect_image(reference)
    except Exception:
        return False
    return True


def rows_of(got: dict[str, list[dict[str, float]]], runs: int, layers: int,
            mib: int) -> list[Row]:
    def med(key: str, field: str) -> float:
        return median([x[field] for x in got[key]])

    size = f"{layers} x {mib} MiB layers"
    wall, cpu = f"wall time, {size}", f"client CPU per pull, {size}"
    names = {k: name for k, (name, _fn) in CONTENDERS.items()} | {"app": APP}

    def engine_note(key: str) -> str:
        if not got[key] or "engine_ms" not in got[key][0]:
            return ""
        return f"dockerd CPU {med(key, 'engine_ms'):.0f} ms"

    def pct(key: str) -> str:
        return f"{med(key, 'cpu_ms') / med(key, 'wall_ms') * 100:.0f} % of a core"

    app_note = (f"from Pull pressed; {med('app', 'values'):.0f} progress values drawn, frame "
                f"p50/p99 {med('app', 'frame_p50'):.0f}/{med('app', 'frame_p99'):.0f} ms")
    rows = []
    for key in ["floor", "genet", "app", "dockerpy", "cli"]:
        note = app_note if key == "app" else engine_note(key)
        if key == "cli":
            note += ", includes its process start"
        rows.append(Row(ITEM, names[key], med(key, "wall_ms"), "ms", group=wall,
                        genet=key == "genet", floor=key == "floor", part=key == "app",
                        runs=runs, note=note))
    threads = (f"; main thread {med('app', 'cpu_main_ms'):.0f} ms, Mesa llvmpipe "
               f"{med('app', 'cpu_llvmpipe_ms'):.0f} ms, other threads "
               f"{med('app', 'cpu_other_ms'):.0f} ms")
    for key in ["floor", "genet", "app", "dockerpy", "cli"]:
        rows.append(Row(ITEM, names[key], med(key, "cpu_ms"), "ms CPU", group=cpu,
                        genet=key == "app", floor=key == "floor", part=key == "genet",
                        runs=runs, note=pct(key) + (threads if key == "app" else "")))
    return rows
