"""A private sshd on loopback for the ssh:// tests, and an ssh on PATH that knows it.

Theory of operation: `PrivateSshd` runs Debian's `/usr/sbin/sshd` with its own config, host
key and port (ListenAddress 127.0.0.1), everything under one temp dir. A client key made here
is the only one it accepts. `client_dir` holds an `ssh` wrapper (`ssh -F <config> "$@"`):
put it first on PATH and Genet's ssh transport, which runs the `ssh` found on PATH, reaches
the host alias `genet-sshd` with that key and a known_hosts that already holds the server's
key (strict checking stays on: nothing is accepted blindly). The remote side is this very
machine, so `docker --host unix://<private daemon> system dial-stdio` reaches the tests'
private daemon.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
ALIAS = "genet-sshd"


class SshdUnavailable(RuntimeError):
    """The private sshd cannot be had here; the message says why."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                   check=True, capture_output=True, timeout=30)
    return path.with_suffix(".pub").read_text().strip()


class PrivateSshd:
    def __init__(self) -> None:
        if not (os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")):
            raise SshdUnavailable("no sshd/ssh (install Debian's openssh-server and -client)")
        self.dir = Path(tempfile.mkdtemp(prefix="genet-sshd-"))
        self.port = _free_port()
        self.client_dir = self.dir / "bin"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        d = self.dir
        host_pub = _keygen(d / "host_key")
        client_pub = _keygen(d / "client_key")
        _keygen(d / "stranger_key")  # a key the server does not know
        (d / "authorized_keys").write_text(client_pub + "\n")
        (d / "sshd_config").write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n"
            f"PidFile {d}/sshd.pid\nAuthorizedKeysFile {d}/authorized_keys\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            "PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\nPrintMotd no\n"
            "MaxStartups 100\nMaxSessions 100\n")
        key_type, key = host_pub.split()[:2]
        (d / "known_hosts").write_text(f"[127.0.0.1]:{self.port} {key_type} {key}\n")
        (d / "wrong_known_hosts").write_text(
            f"[127.0.0.1]:{self.port} {_keygen(d / 'impostor_key').split()[0]} "
            f"{(d / 'impostor_key.pub').read_text().split()[1]}\n")
        self._client(self.client_dir, "client_key", "known_hosts")
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
        with open(d / "log", "wb") as log:
            self._proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
                                          stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SshdUnavailable(f"sshd exited: {(d / 'log').read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port),
                                                                        timeout=1):
                return
            time.sleep(0.05)
        raise SshdUnavailable("sshd did not listen within 15 s")

    def _client(self, folder: Path, key: str, known_hosts: str) -> None:
        """An `ssh` wrapper in ``folder`` with its own config: this key, these known hosts."""
        d = self.dir
        folder.mkdir(exist_ok=True)
        (folder / "ssh_config").write_text(
            f"Host {ALIAS}\n  HostName 127.0.0.1\n  Port {self.port}\n  User root\n"
            f"  IdentityFile {d}/{key}\n  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {d}/{known_hosts}\n  StrictHostKeyChecking yes\n"
            "  LogLevel ERROR\n")
        wrapper = folder / "ssh"
        wrapper.write_text(
            f'#!/bin/sh\nexec {shutil.which("ssh")} -F {folder}/ssh_config "$@"\n')
        wrapper.chmod(0o755)

    def env(self, *, key: str = "client_key", known_hosts: str = "known_hosts",
            base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment whose `ssh` is a wrapper that knows this sshd (by default with the
        accepted key and the server's real host key; ``stranger_key`` or
        ``wrong_known_hosts`` for the refusals)."""
        folder = self.client_dir
        if (key, known_hosts) != ("client_key", "known_hosts"):
            folder = self.dir / f"b{len(list(self.dir.glob('b*')))}"
            self._client(folder, key, known_hosts)
        env = dict(os.environ if base is None else base)
        env["PATH"] = f"{folder}{os.pathsep}{env.get('PATH', '')}"
        # Genet's shared ssh connections live here: one folder per client, so a refused
        # client never rides on a connection another one opened.
        env["XDG_RUNTIME_DIR"] = str(folder)
        return env

    def cleanup(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(5)
        # Shared connections Genet left (ControlPersist) end with their sockets' owner.
        subprocess.run(["pkill", "-f", f"ControlPath={self.dir}"], capture_output=True,
                       check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
