"""Shared test fixtures: a private Docker daemon for `engine` tests, and a docker helper.

Rules:
- A test that asks for `registry` gets the session's local image registry (Debian's
  docker-registry on 127.0.0.1, started on first use); unavailable, it skips or fails like the
  daemon.
- A test marked `engine` gets the session's private daemon (started lazily, on the first
  such test, and stopped at the end of the session, on failure and on Ctrl-C too).
- If the daemon cannot be had, engine tests skip with the reason, unless
  GENET_REQUIRE_ENGINE=1 (CI): then they fail, and any skip of an engine test is a failure.
- A test that asks for `swarm` gets a second private daemon made a single-node swarm (started
  on first use, left and stopped at the end of the session): one swarm per machine at a time
  (the gossip port is fixed), so it waits a while for another session's swarm to go.
- `docker` drives the daemon from outside the app (docker CLI, test setup only) and removes
  every container it made.

No Kivy here: UI fixtures live elsewhere.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Generator, Iterator
from types import FrameType

import pytest
from certs import client_folder, make_tls_set
from dockerd import (
    IMAGE,
    LABEL,
    DaemonUnavailable,
    DockerCLI,
    DockerCLIError,
    PrivateDaemon,
    TlsDaemon,
    build_busybox_image,
    docker_cli,
)
from registry import LocalRegistry, RegistryUnavailable
from sshd import PrivateSshd, SshdUnavailable

pytest_plugins = ["pytester"]  # tests of the test rules themselves (test_infra.py)

# Tests should import these from `dockerd`: with tests/ui/conftest.py also present,
# `from conftest import …` can resolve to the wrong conftest.
__all__ = ["IMAGE", "LABEL", "DockerCLI", "DockerCLIError"]


def require_engine() -> bool:
    return os.environ.get("GENET_REQUIRE_ENGINE") == "1"


def _unavailable(reason: str, what: str = "private Docker daemon") -> None:
    if require_engine():
        pytest.fail(f"{what} unavailable and GENET_REQUIRE_ENGINE=1: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")


def _interrupt_on_sigterm() -> None:
    """Turn SIGTERM (e.g. a CI timeout) into KeyboardInterrupt so teardown still runs."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


@pytest.fixture(scope="session")
def daemon(request: pytest.FixtureRequest) -> Iterator[PrivateDaemon]:
    """A running private dockerd with the busybox image built."""
    try:
        dockerd = PrivateDaemon()
    except OSError as exc:
        _unavailable(f"cannot make its temp dir: {exc}")
    atexit.register(dockerd.cleanup)
    request.addfinalizer(dockerd.cleanup)
    _interrupt_on_sigterm()
    try:
        dockerd.start()
        build_busybox_image(dockerd.url)
    except DaemonUnavailable as exc:
        dockerd.cleanup()
        _unavailable(str(exc))
    except (OSError, subprocess.SubprocessError) as exc:
        tail = dockerd.log_tail()
        dockerd.cleanup()
        _unavailable(f"{type(exc).__name__}: {exc}; dockerd log tail:\n{tail}")
    yield dockerd


@pytest.fixture(scope="session")
def registry(request: pytest.FixtureRequest) -> Iterator[LocalRegistry]:
    """A running local image registry on 127.0.0.1 (started lazily, for the tests that ask)."""
    local = LocalRegistry()
    atexit.register(local.cleanup)
    request.addfinalizer(local.cleanup)
    _interrupt_on_sigterm()
    try:
        local.start()
    except (RegistryUnavailable, OSError, subprocess.SubprocessError) as exc:
        local.cleanup()
        _unavailable(str(exc), "local image registry")
    yield local


@pytest.fixture(scope="session")
def sshd(request: pytest.FixtureRequest) -> Iterator[PrivateSshd]:
    """A private sshd on 127.0.0.1 whose host is this machine (started lazily)."""
    try:
        server = PrivateSshd()
    except SshdUnavailable as exc:
        _unavailable(str(exc), "private sshd")
    atexit.register(server.cleanup)
    request.addfinalizer(server.cleanup)
    try:
        server.start()
    except (SshdUnavailable, OSError, subprocess.SubprocessError) as exc:
        server.cleanup()
        _unavailable(str(exc), "private sshd")
    yield server


@pytest.fixture(scope="session")
def tls_daemon(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsDaemon]:
    """The second engine, for tests of several engines and of TLS (started lazily, once)."""
    try:
        certs = make_tls_set(tmp_path_factory.mktemp("tls-daemon"))
    except (OSError, subprocess.SubprocessError) as exc:
        _unavailable(f"cannot make certificates with openssl: {exc}", "TLS daemon")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    second = PrivateDaemon(extra_args=[
        f"--host=tcp://127.0.0.1:{port}", "--tlsverify", f"--tlscacert={certs}/ca.pem",
        f"--tlscert={certs}/server.pem", f"--tlskey={certs}/server-key.pem"])
    atexit.register(second.cleanup)
    request.addfinalizer(second.cleanup)
    try:
        second.start()
        build_busybox_image(second.url)
    except (DaemonUnavailable, OSError, subprocess.SubprocessError) as exc:
        second.cleanup()
        _unavailable(str(exc), "TLS daemon")
    yield TlsDaemon(second, f"tcp://127.0.0.1:{port}", certs,
                    client_folder(certs / "client-path", certs))


#: A swarm's fixed gossip port: while another session's swarm holds it, none can be made.
GOSSIP_PORT = 7946


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="session")
def swarm(request: pytest.FixtureRequest) -> Iterator[PrivateDaemon]:
    """A private daemon of its own made a single-node swarm with the busybox image."""
    try:
        node = PrivateDaemon()
    except OSError as exc:
        _unavailable(f"cannot make its temp dir: {exc}", "private swarm")
    env = {**os.environ, "DOCKER_HOST": node.url}

    def leave() -> None:
        if node.running:
            subprocess.run([docker_cli(), "swarm", "leave", "--force"], env=env,
                           capture_output=True, timeout=120, check=False)
        node.cleanup()

    atexit.register(leave)
    request.addfinalizer(leave)
    _interrupt_on_sigterm()
    deadline = time.monotonic() + 300
    while not _port_free(GOSSIP_PORT) and time.monotonic() < deadline:
        time.sleep(2)  # another session's swarm: they go at the end of their session
    try:
        node.start()
        build_busybox_image(node.url)
        subprocess.run([docker_cli(), "swarm", "init", "--advertise-addr", "127.0.0.1",
                        "--listen-addr", "127.0.0.1:2377"], env=env, check=True,
                       capture_output=True, timeout=120)
    except (DaemonUnavailable, OSError, subprocess.SubprocessError) as exc:
        leave()
        detail = getattr(exc, "stderr", None) or ""
        _unavailable(f"{type(exc).__name__}: {exc} {detail!s}", "private swarm")
    yield node


@pytest.fixture
def engine_url(daemon: PrivateDaemon) -> str:
    """The private daemon's address, `unix:///tmp/genet-…/docker.sock`."""
    return daemon.url


@pytest.fixture(autouse=True)
def _engine_marker_gets_daemon(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("engine") is not None:
        request.getfixturevalue("daemon")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Under GENET_REQUIRE_ENGINE=1 (CI), a skipped test is a failed one: no engine, no
    registry, no display, no openssl — whatever a test needs, CI must have it."""
    report = yield
    if require_engine() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"test skipped but GENET_REQUIRE_ENGINE=1 forbids it: {reason}"
    return report


@pytest.fixture
def docker(daemon: PrivateDaemon) -> Iterator[DockerCLI]:
    """A docker CLI helper bound to the private daemon; cleans up what it made."""
    helper = DockerCLI(daemon.url)
    yield helper
    if daemon.running:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            helper.close()


@pytest.fixture
def unique_name() -> str:
    """A fresh container name, `genet-t-<random>`."""
    return f"genet-t-{secrets.token_hex(4)}"
