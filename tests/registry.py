"""A private image registry for pull tests, an image with several layers in it, and a slow relay.

Theory of operation: `LocalRegistry` runs Debian's `docker-registry serve` with a config of
its own (the packaged one turns on htpasswd and listens on every interface): storage in a
temp dir, `127.0.0.1:<free port>`, no auth. It is ready when `GET /v2/` answers 200. The
engine trusts 127.0.0.0/8 registries over plain HTTP, so the private daemon pulls from it
with no TLS and no daemon flag.

`push_layers_image` builds `genet/layers:1` from the local busybox test image with a few
layers of random bytes (incompressible, so the pull moves real bytes), pushes it, and removes
it locally: a pull then downloads every new layer, and the busybox layer "Already exists".

`SlowRelay` forwards a loopback port to the registry at a bounded rate, so a pull through it
lasts long enough to be cancelled midway.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from dockerd import IMAGE, DaemonUnavailable, docker_cli

REPOSITORY = "genet/layers"
TAG = "1"
LAYERS = 3  # new layers on top of the busybox one
LAYER_MIB = 2

_PR_SET_PDEATHSIG = 1


class RegistryUnavailable(RuntimeError):
    """The local registry cannot be had here; the message says why (with its log tail)."""


def find_registry() -> str:
    """Path of Debian's registry binary: `$GENET_REGISTRY` if set, else PATH's or /usr/bin's."""
    override = os.environ.get("GENET_REGISTRY")
    for path in ([override] if override else
                 [shutil.which("docker-registry"), "/usr/bin/docker-registry"]):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise RegistryUnavailable("no docker-registry binary: install Debian's docker-registry")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _set_pdeathsig() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalRegistry:
    """`docker-registry serve` on 127.0.0.1:<free port>, storage under a fresh temp dir."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="genet-registry-", dir="/tmp"))
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """`127.0.0.1:<port>`: the registry part of an image reference."""
        return f"127.0.0.1:{self.port}"

    @property
    def storage(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "registry.log"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.address}/v2/", timeout=2) as answer:
                return bool(answer.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def start(self, timeout: float = 30) -> None:
        """Start the registry (no-op if running) and wait until `GET /v2/` answers 200."""
        if self.running:
            return
        binary = find_registry()
        self.port = free_port()
        self.storage.mkdir(parents=True, exist_ok=True)
        config = self.root / "config.yml"
        config.write_text(
            "version: 0.1\n"
            "log:\n"
            "  level: info\n"
            "storage:\n"
            "  filesystem:\n"
            f"    rootdirectory: {self.storage}\n"
            "  delete:\n"
            "    enabled: true\n"
            "http:\n"
            f"  addr: 127.0.0.1:{self.port}\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        in_main = threading.current_thread() is threading.main_thread()
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(
                [binary, "serve", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_set_pdeathsig if in_main else None,
            )
        deadline = time.monotonic() + timeout
        while not self.ready():
            code = self._proc.poll()
            if code is not None or time.monotonic() > deadline:
                self.stop()
                why = f"exited with code {code}" if code is not None else (
                    f"did not answer GET /v2/ within {timeout}s")
                raise RegistryUnavailable(f"docker-registry {why}; log tail:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._proc = None

    def cleanup(self) -> None:
        """Stop and remove the temp dir. Idempotent."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def blob_path(self, digest: str) -> Path:
        """Where the registry keeps a blob's bytes (`sha256:<hex>`)."""
        algo, _, hexdigest = digest.partition(":")
        return (self.storage / "docker" / "registry" / "v2" / "blobs" / algo / hexdigest[:2]
                / hexdigest / "data")


def _docker(docker_host: str, *args: str, cwd: str | None = None, timeout: float = 300) -> str:
    env = {**os.environ, "DOCKER_HOST": docker_host, "DOCKER_BUILDKIT": "0"}
    env.pop("DOCKER_CONTEXT", None)
    done = subprocess.run(
        [docker_cli(), *args], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise DaemonUnavailable(f"`docker {' '.join(args)}` exited {done.returncode}: "
                                f"{done.stderr.strip()[-2000:]}")
    return done.stdout.strip()


def push_layers_image(docker_host: str, registry: LocalRegistry, repository: str = REPOSITORY,
                      tag: str = TAG, layers: int = LAYERS, mib: int = LAYER_MIB,
                      base: str = IMAGE) -> str:
    """Build an image of `layers` random layers of `mib` MiB each on top of `base` (the busybox
    test image), push it to `registry`, remove it from the engine; return its reference."""
    reference = f"{registry.address}/{repository}:{tag}"
    lines = [f"FROM {base}"]
    lines += [f"RUN dd if=/dev/urandom of=/blob{n} bs=1M count={mib} 2>/dev/null"
              for n in range(1, layers + 1)]
    with tempfile.TemporaryDirectory(prefix="genet-build-") as context:
        Path(context, "Dockerfile").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _docker(docker_host, "build", "--network", "none", "-q", "-t", reference, context,
                cwd=context)
    try:
        _docker(docker_host, "push", reference)
    finally:
        _docker(docker_host, "rmi", reference)
    return reference


def manifest_layers(registry: LocalRegistry, repository: str = REPOSITORY,
                    tag: str = TAG) -> list[str]:
    """The layer digests of a pushed image, from its schema 2 manifest."""
    request = urllib.request.Request(
        f"http://{registry.address}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        manifest = json.load(answer)
    return [layer["digest"] for layer in manifest["layers"]]


class SlowRelay:
    """Forwards 127.0.0.1:<port> to `target_port` at about `rate` bytes a second each way."""

    def __init__(self, target_port: int, rate: int = 512 * 1024) -> None:
        self.target_port = target_port
        self.rate = rate
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = int(self._listener.getsockname()[1])
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.connections = 0  # accepted so far
        self.forwarded = 0  # bytes moved so far, both ways
        threading.Thread(target=self._accept, name="slow-relay", daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
                self.connections += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        piece = max(1024, self.rate // 20)
        try:
            while not self._closed.is_set():
                data = src.recv(piece)
                if not data:
                    break
                dst.sendall(data)
                with self._lock:
                    self.forwarded += len(data)
                time.sleep(len(data) / self.rate)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def __enter__(self) -> SlowRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
