"""Item 9: what one request costs over each transport, side by side on one engine.

One private dockerd listens on its unix socket and on ``tcp://127.0.0.1:<port>`` with
``--tlsverify`` (certificates made here, as the tests make them); a private sshd on loopback
(tests/sshd.py) whose host is this machine reaches the same daemon through ``docker system
dial-stdio``. Genet's ``EngineClient`` then asks ``GET /_ping`` over each in turn, one request
at a time, the way every short call (a list, an inspect, a command) goes, two ways:

- kept alive (what Genet does): calls in a row reuse one idle connection (HTTP keep-alive,
  genet_rx/wire/pool.py) — no connect, no TLS handshake, no new dial-stdio;
- one connection per request (``keep_alive=False``, what Genet did before): a unix connect; a
  TCP connect plus a TLS handshake with the client certificate; a new channel on the one
  shared ssh connection (ControlMaster, started by the warm-up) running ``docker system
  dial-stdio`` on the far side.

Rounds interleave all six so load on the shared machine falls on them alike. Medians and p99
of each run's requests; each transport is its own group, its kept-alive row the reference.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from certs import client_folder, make_tls_set
from dockerd import PrivateDaemon
from sshd import ALIAS, PrivateSshd

from genet_rx.api.client import EngineClient

from .common import Row, log, median, percentile

ITEM = "9 request latency by transport"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _timed(client: EngineClient) -> float:
    t = time.perf_counter()
    client.request("GET", "/_ping", versioned=False)
    return (time.perf_counter() - t) * 1000.0


def run(runs: int, requests: int, warmup: int = 5) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="genet-bench-tls-"))
    certs = make_tls_set(folder / "certs")
    port = _free_port()
    daemon = PrivateDaemon(extra_args=[
        f"--host=tcp://127.0.0.1:{port}", "--tlsverify", f"--tlscacert={certs}/ca.pem",
        f"--tlscert={certs}/server.pem", f"--tlskey={certs}/server-key.pem"])
    sshd = PrivateSshd()
    saved = dict(os.environ)
    try:
        daemon.start()
        sshd.start()
        log(f"transports: dockerd at {daemon.url} and tcp://127.0.0.1:{port}, sshd on "
            f"{sshd.port}")
        os.environ.update(sshd.env())  # the ssh on PATH knows the private sshd
        tls_env = {**os.environ, "DOCKER_TLS_VERIFY": "1",
                   "DOCKER_CERT_PATH": str(client_folder(folder / "client", certs))}
        urls = {
            "unix socket": (daemon.url, None),
            "tcp + TLS (client certificate)": (f"tcp://127.0.0.1:{port}", tls_env),
            "ssh (shared connection, dial-stdio)": (
                f"ssh://{ALIAS}{daemon.url.removeprefix('unix://')}", None),
        }
        clients = {(who, kept): EngineClient(url, env=env, keep_alive=kept)
                   for who, (url, env) in urls.items() for kept in (True, False)}
        per_run: dict[tuple[str, bool], list[tuple[float, float]]] = {k: [] for k in clients}
        for r in range(runs):
            times: dict[tuple[str, bool], list[float]] = {k: [] for k in clients}
            for i in range(warmup + requests):
                for key, client in clients.items():
                    ms = _timed(client)
                    if i >= warmup:
                        times[key].append(ms)
            for key, values in times.items():
                per_run[key].append((median(values), percentile(values, 99)))
            log(f"transports run {r + 1}/{runs}: " + ", ".join(
                f"{who.split(' ')[0]}{'' if kept else ' (new each)'} {median(v):.2f} ms"
                for (who, kept), v in times.items()))
        for client in clients.values():
            client.close()
        rows = []
        for (who, kept), results in per_run.items():
            how = "kept alive" if kept else "one connection per request (before)"
            rows.append(Row(ITEM, f"Genet over {who}, {how}",
                            median([p50 for p50, _ in results]), "ms",
                            p99=median([p99 for _, p99 in results]), genet=kept, part=not kept,
                            group=who.split(" ")[0], note=f"GET /_ping, n={requests}x{runs}",
                            runs=runs))
        return rows
    finally:
        os.environ.clear()
        os.environ.update(saved)
        sshd.cleanup()
        daemon.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
