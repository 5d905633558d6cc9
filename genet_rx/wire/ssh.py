"""``ssh://`` engines: HTTP over ``docker system dial-stdio`` run by the user's own ssh.

As the docker CLI does it: ``ssh -T [-l user] [-p port] -- host docker [--host unix://PATH]
system dial-stdio``, the ``ssh`` found on PATH, so the user's ``~/.ssh/config``, keys, agent
and ``known_hosts`` all apply. A host key ssh does not already trust is refused
(``StrictHostKeyChecking`` is never loosened) and nothing ever prompts (``BatchMode``: there
is no terminal to answer on). Short calls share a few long-lived dial-stdio processes through
HTTP keep-alive (:mod:`genet_rx.wire.pool`); each stream has its own. ssh's connection sharing
(one master connection per engine, kept 60 s after the last use) makes starting one cheap
after the first.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import tempfile
import threading

from msgspec import Struct

from genet_rx.errors import EngineTimeout, EngineUnreachable


class SshTarget(Struct, frozen=True):
    host: str
    user: str | None = None
    port: int | None = None
    socket_path: str | None = None  # the engine's socket on the remote host, if not default


def ssh_command(target: SshTarget, control_dir: str | None = None) -> list[str]:
    """The ssh command line that reaches the engine's dial-stdio on ``target``."""
    argv = ["ssh", "-T", "-o", "ConnectTimeout=30", "-o", "BatchMode=yes"]
    if control_dir:
        argv += ["-o", "ControlMaster=auto", "-o", f"ControlPath={control_dir}/%C",
                 "-o", "ControlPersist=60"]
    if target.user:
        argv += ["-l", target.user]
    if target.port:
        argv += ["-p", str(target.port)]
    argv += ["--", target.host, "docker"]
    if target.socket_path:
        argv += ["--host", f"unix://{target.socket_path}"]
    return [*argv, "system", "dial-stdio"]


def control_dir() -> str | None:
    """A private folder for ssh's shared connections (0700: they are as good as logged in),
    or None (no sharing) when no folder leaves room for ssh's socket name: a unix socket's
    path holds at most 107 bytes, and ``%C`` is 40 of them."""
    for base in (os.environ.get("XDG_RUNTIME_DIR"), tempfile.gettempdir()):
        if not base:
            continue
        path = os.path.join(base, f"genet-ssh-{os.getuid()}")
        if len(path.encode()) + 41 > 107:
            continue
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
        return path
    return None


class ProcessTransport:
    """A transport over a child process's stdin and stdout (here: ssh running dial-stdio).

    ``close`` kills the process, which ends a blocked ``recv`` with end of stream. When the
    process ends before saying anything, its stderr (ssh's own words: "Host key verification
    failed", "Permission denied", "docker: not found") becomes the error.
    """

    def __init__(self, argv: list[str], where: str) -> None:
        self._where = where
        self._timeout: float | None = None
        self._got_any = False
        self._closed = False
        self._lock = threading.Lock()
        try:
            self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, bufsize=0,
                                          start_new_session=True)
        except FileNotFoundError:
            raise EngineUnreachable(f"cannot reach {where}: no ssh on PATH",
                                    "install an OpenSSH client") from None

    def send(self, data: bytes) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            stdin.write(data)
            stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            raise self._failure() from None

    def recv(self, max_bytes: int = 65536) -> bytes:
        stdout = self._proc.stdout
        assert stdout is not None
        try:
            ready, _, _ = select.select([stdout], [], [], self._timeout)
        except (OSError, ValueError):
            return b""  # closed under us
        if not ready:
            raise EngineTimeout(f"{self._where} did not answer in time",
                                "the ssh connection or the engine may be hung")
        try:
            data = os.read(stdout.fileno(), max_bytes)
        except (OSError, ValueError):
            return b""
        if data:
            self._got_any = True
        elif not self._got_any and not self._closed:
            raise self._failure()
        return data

    def settimeout(self, seconds: float | None) -> None:
        self._timeout = seconds

    def dropped(self) -> bool:
        # ssh (or dial-stdio on the far side) ended, or it said something unasked.
        stdout = self._proc.stdout
        if self._closed or self._proc.poll() is not None or stdout is None:
            return True
        try:
            readable, _, _ = select.select([stdout], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(OSError):
            os.killpg(self._proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(2)
        for pipe in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                if pipe is not None:
                    pipe.close()

    def _failure(self) -> EngineUnreachable:
        """What ssh said when it gave up (its last line), as an error naming the engine."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(5)
        said = b""
        if self._proc.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                said = self._proc.stderr.read(64 * 1024)
        lines = [ln.strip() for ln in said.decode("utf-8", "replace").splitlines() if ln.strip()]
        reason = lines[-1] if lines else f"ssh exited with status {self._proc.returncode}"
        return EngineUnreachable(f"ssh to {self._where} failed: {reason}", _hint(reason))


def _hint(reason: str) -> str:
    low = reason.lower()
    if "host key" in low:
        return "the host's key is not in known_hosts (or changed): check it, then ssh to it once"
    if "permission denied" in low:
        return "ssh refused the login: check the user and the key (ssh-add, ~/.ssh/config)"
    if "not found" in low or "no such file" in low:
        return "the remote host needs the docker CLI on the PATH of a non-interactive session"
    return "check that `ssh HOST docker system dial-stdio` works from this machine"
