"""A private Docker daemon for tests, and the busybox image they run.

Theory of operation: `PrivateDaemon` runs Debian's `dockerd` with everything it owns under
one short temp dir (`/tmp/genet-XXXXXXXX/`): its socket, pidfile, data-root, exec-root, an
empty config file, its containerd namespaces and its log. Nothing global is used, so several
test sessions on one machine each get their own daemon and never see each other's
containers. Readiness is `GET /_ping` over the socket with a raw HTTP/1.0 request.

The daemon can be stopped and started again mid-run (dockerd recreates its socket, with a
new inode). A stop that needs SIGKILL also kills what the daemon left behind (containerd,
shims, container processes: only those found under our own dirs and container ids), and
every stop unmounts whatever is still mounted under the dir. `cleanup()` also removes it.

The product never uses the `docker` CLI; test setup does (`docker_cli()`, `DockerCLI`).
Import `IMAGE`, `DockerCLI` from here, not from conftest (two conftests share that name).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

IMAGE = "genet-test/busybox"
LABEL = "genet-test=1"  # on every container the DockerCLI helper makes

_PR_SET_PDEATHSIG = 1
_MNT_DETACH = 2


class DaemonUnavailable(RuntimeError):
    """The private daemon cannot be had here; the message says why (with the log tail)."""


def find_dockerd() -> str:
    """Path of the dockerd binary: `$GENET_DOCKERD` if set (verbatim), else Debian's."""
    override = os.environ.get("GENET_DOCKERD")
    candidates = [override] if override else [shutil.which("dockerd"), "/usr/sbin/dockerd"]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    where = f"GENET_DOCKERD={override}" if override else "PATH or /usr/sbin"
    raise DaemonUnavailable(f"no dockerd binary ({where}); install Debian's docker.io")


def docker_cli() -> str:
    """Path of the docker CLI used by test setup: `$GENET_DOCKER`, Debian's, or PATH's."""
    for path in (os.environ.get("GENET_DOCKER"), "/usr/bin/docker", shutil.which("docker")):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise DaemonUnavailable("no docker CLI (install Debian's docker.io)")


def http_get(
    socket_path: str, path: str, timeout: float = 5.0
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.0 GET over a unix socket: (status, headers with lower-case names, body)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(socket_path)
        sock.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode("ascii"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def _mounts_under(root: str) -> list[str]:
    """Mount points at or below `root`, deepest first."""
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            point = line.split()[4].replace("\\040", " ")
            if point == root or point.startswith(root + "/"):
                found.append(point)
    return sorted(set(found), key=lambda p: p.count("/"), reverse=True)


def _umount(point: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.umount2(point.encode(), _MNT_DETACH) != 0:
        subprocess.run(["umount", "-l", point], capture_output=True, check=False)


def _alive(pid: int) -> bool:
    """True if `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _set_pdeathsig() -> None:
    """In the child: get SIGTERM when the parent (thread) dies, so no daemon outlives us."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class PrivateDaemon:
    """A dockerd of our own, under a fresh temp dir. Start, stop, restart, clean up."""

    def __init__(self, dockerd: str | None = None, extra_args: list[str] | None = None) -> None:
        self._dockerd = dockerd
        self._extra = list(extra_args or [])  # e.g. a tcp:// host with --tlsverify
        self._root = Path(tempfile.mkdtemp(prefix="genet-", dir="/tmp"))
        self._tag = f"genet-{secrets.token_hex(4)}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()

    # -- where things are -------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self._root

    @property
    def socket_path(self) -> str:
        return str(self._root / "docker.sock")

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    @property
    def log_path(self) -> str:
        return str(self._root / "dockerd.log")

    @property
    def pid(self) -> int | None:
        """The dockerd process id while it runs (tests may signal it themselves)."""
        return self._proc.pid if self.running and self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = Path(self.log_path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def ping(self, timeout: float = 5.0) -> bool:
        try:
            status, _, body = http_get(self.socket_path, "/_ping", timeout)
        except (OSError, ValueError, IndexError):
            return False
        return status == 200 and body.strip() == b"OK"

    # -- lifecycle --------------------------------------------------------------------
    def start(self, timeout: float = 60) -> None:
        """Start dockerd (no-op if running) and wait until /_ping answers OK."""
        with self._lock:
            if self.running:
                return
            if self._proc is not None:  # it died under us (a test's kill -9?): tidy up first
                self.stop()
            if os.geteuid() != 0:
                raise DaemonUnavailable(f"dockerd needs root (running as uid {os.geteuid()})")
            dockerd = self._dockerd or find_dockerd()
            self._root.mkdir(mode=0o700, exist_ok=True)
            config = self._root / "daemon.json"
            config.write_text("{}\n", encoding="utf-8")
            argv = [
                dockerd,
                f"--host={self.url}",
                f"--data-root={self._root / 'data'}",
                f"--exec-root={self._root / 'exec'}",
                f"--pidfile={self._root / 'docker.pid'}",
                f"--config-file={config}",
                f"--containerd-namespace={self._tag}",
                f"--containerd-plugins-namespace={self._tag}-plugins",
                "--bridge=none",
                "--iptables=false",
                "--ip-masq=false",
                "--ip6tables=false",
                *self._extra,
            ]
            in_main = threading.current_thread() is threading.main_thread()
            with open(self.log_path, "ab") as log:
                log.write(f"\n==== {time.strftime('%H:%M:%S')} start: {argv}\n".encode())
                log.flush()
                self._proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_set_pdeathsig if in_main else None,
                )
            deadline = time.monotonic() + timeout
            while True:
                code = self._proc.poll()
                if code is not None:
                    self.stop()
                    raise DaemonUnavailable(
                        f"dockerd exited with code {code} while starting; log tail:\n"
                        + self.log_tail()
                    )
                if self.ping(timeout=2):
                    return
                if time.monotonic() > deadline:
                    self.stop()
                    raise DaemonUnavailable(
                        f"dockerd did not answer /_ping within {timeout}s; log tail:\n"
                        + self.log_tail()
                    )
                time.sleep(0.1)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, wait, SIGKILL if need be; then unmount leftovers. Safe when stopped."""
        with self._lock:
            proc, forced = self._proc, False
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    forced = True
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    proc.wait()
            elif proc is not None:
                proc.wait()
            if forced or proc is not None:
                self._kill_leftovers()
            for point in _mounts_under(str(self._root)):
                _umount(point)

    def restart(self, timeout: float = 60) -> None:
        self.stop()
        self.start(timeout)

    def cleanup(self) -> None:
        """Stop and remove the temp dir. Idempotent."""
        with self._lock:
            self.stop()
            self._proc = None
            if self._root.exists():
                shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> PrivateDaemon:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    def _kill_leftovers(self) -> None:
        """Kill processes that are ours beyond doubt: they name our dir, or sit in the
        cgroup of one of our containers. A graceful stop leaves none; a SIGKILL may."""
        root = str(self._root) + "/"
        me = os.getpid()
        pids: set[int] = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            with contextlib.suppress(OSError):
                if root.encode() in (entry / "cmdline").read_bytes():
                    pids.add(int(entry.name))
        containers = self._root / "data" / "containers"
        ids = [p.name for p in containers.iterdir()] if containers.is_dir() else []
        cgroup_dirs: list[Path] = []
        for cid in ids:
            cgroup_dirs += Path("/sys/fs/cgroup").glob(f"*/docker/{cid}")
            cgroup_dirs += Path("/sys/fs/cgroup").glob(f"docker/{cid}")
            cgroup_dirs += Path("/sys/fs/cgroup").glob(f"system.slice/docker-{cid}.scope")
        for group in cgroup_dirs:
            with contextlib.suppress(OSError):
                pids.update(int(p) for p in (group / "cgroup.procs").read_text().split())
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        # dockerd reuses a containerd named in this pidfile if that pid looks alive (a
        # zombie or a recycled pid does); ours is dead now, so make it start a fresh one.
        with contextlib.suppress(OSError):
            (self._root / "exec" / "containerd" / "containerd.pid").unlink()
        for group in cgroup_dirs:
            with contextlib.suppress(OSError):
                group.rmdir()


def _is_static(path: str) -> bool:
    """True if the ELF file at `path` has no PT_INTERP (no dynamic loader needed)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit only; fine for CI
            return False
        (phoff,) = struct.unpack_from("<Q", head, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(struct.unpack_from("<I", table, i * phentsize)[0] != 3 for i in range(phnum))


def build_busybox_image(docker_host: str, busybox: str | None = None) -> None:
    """Make `genet-test/busybox` in the daemon at `docker_host`, with no registry: Debian's
    static busybox plus one symlink per applet, imported with PATH=/bin. Skips if present."""
    docker = docker_cli()
    env = {**os.environ, "DOCKER_HOST": docker_host}
    env.pop("DOCKER_CONTEXT", None)
    have = subprocess.run(
        [docker, "image", "inspect", IMAGE], env=env, capture_output=True, check=False
    )
    if have.returncode == 0:
        return
    busybox = busybox or os.environ.get("GENET_BUSYBOX") or "/bin/busybox"
    if not os.path.isfile(busybox):
        raise DaemonUnavailable(f"no {busybox}: install Debian's busybox-static")
    if not _is_static(busybox):
        raise DaemonUnavailable(f"{busybox} is dynamically linked: install busybox-static")
    applets = subprocess.run(
        [busybox, "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    with tempfile.TemporaryDirectory(prefix="genet-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        (rootfs / "bin").mkdir(parents=True)
        (rootfs / "tmp").mkdir(mode=0o1777)
        os.chmod(rootfs / "tmp", 0o1777)
        shutil.copy2(busybox, rootfs / "bin" / "busybox")
        for applet in applets:
            if applet != "busybox" and "/" not in applet:
                (rootfs / "bin" / applet).symlink_to("busybox")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            [docker, "import", "-c", "ENV PATH=/bin", "-", IMAGE],
            stdin=tar.stdout,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert tar.stdout is not None
        tar.stdout.close()
        tar_code = tar.wait()
    if tar_code != 0 or imported.returncode != 0:
        raise DaemonUnavailable(
            f"building {IMAGE} failed (tar {tar_code}, docker import "
            f"{imported.returncode}): {imported.stderr.strip()}"
        )


class DockerCLIError(RuntimeError):
    """A docker CLI call failed; the message holds the command, exit code and stderr."""

    def __init__(self, args: list[str], code: int, stderr: str) -> None:
        super().__init__(f"`docker {' '.join(args)}` exited {code}: {stderr.strip()}")
        self.code = code
        self.stderr = stderr


class DockerCLI:
    """Drives the private daemon from outside the app, like a user at a terminal.

    `docker("ps", "-a")` returns stdout stripped and raises DockerCLIError on failure.
    `run` and `create` get `--label genet-test=1`; `close()` force-removes every container
    made this way and any other still labelled.
    """

    def __init__(self, docker_host: str) -> None:
        self.docker_host = docker_host
        self._exe = docker_cli()
        self._env = {**os.environ, "DOCKER_HOST": docker_host}
        self._env.pop("DOCKER_CONTEXT", None)
        self._made: list[str] = []

    def __call__(self, *args: str, timeout: float = 120, check: bool = True) -> str:
        argv = list(args)
        creates = bool(argv) and argv[0] in ("run", "create")
        if creates:
            argv[1:1] = ["--label", LABEL]
            name = _option(argv, "--name")
            if name:
                self._made.append(name)
        done = subprocess.run(
            [self._exe, *argv],
            env=self._env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        out = done.stdout.strip()
        if (
            creates
            and done.returncode == 0
            and (argv[0] == "create" or "-d" in argv or "--detach" in argv)
        ):
            self._made.append(out.splitlines()[-1] if out else "")
        if check and done.returncode != 0:
            raise DockerCLIError(argv, done.returncode, done.stderr)
        return out

    def run_detached(self, *args: str, name: str | None = None, init: bool = True) -> str:
        """`docker run -d [--init] [--name NAME] ARGS…` → container id.

        ARGS default to `IMAGE sleep 300`. `--init` (tini) makes `docker stop` prompt;
        without it busybox as PID 1 ignores SIGTERM and stop waits 10 s for SIGKILL.
        """
        argv = ["run", "-d"]
        if init:
            argv.append("--init")
        if name:
            argv += ["--name", name]
        argv += list(args) if args else [IMAGE, "sleep", "300"]
        return self(*argv)

    def close(self) -> None:
        labelled = self("ps", "-aq", "--filter", f"label={LABEL}", check=False).split()
        targets = [t for t in dict.fromkeys([*self._made, *labelled]) if t]
        if targets:
            self("rm", "-f", "-v", *targets, check=False)
        self._made.clear()


def _option(argv: list[str], flag: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None
