"""Shared test fixtures: a private Docker daemon for `engine` tests, and a docker helper.

Rules:
- A test marked `engine` gets the session's private daemon (started lazily, on the first
  such test, and stopped at the end of the session, on failure and on Ctrl-C too).
- If the daemon cannot be had, engine tests skip with the reason, unless
  GENET_REQUIRE_ENGINE=1 (CI): then they fail, and any skip of an engine test is a failure.
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
import subprocess
import threading
from collections.abc import Generator, Iterator
from types import FrameType

import pytest
from dockerd import (
    IMAGE,
    DaemonUnavailable,
    PrivateDaemon,
    build_busybox_image,
    docker_cli,
)

__all__ = ["IMAGE", "DockerCLI", "DockerCLIError"]

LABEL = "genet-test=1"


def require_engine() -> bool:
    return os.environ.get("GENET_REQUIRE_ENGINE") == "1"


def _unavailable(reason: str) -> None:
    if require_engine():
        pytest.fail(f"private Docker daemon unavailable and GENET_REQUIRE_ENGINE=1: {reason}")
    pytest.skip(f"private Docker daemon unavailable: {reason}")


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
    """Under GENET_REQUIRE_ENGINE=1, a skipped engine test is a failed one."""
    report = yield
    if (
        require_engine()
        and report.skipped
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("engine") is not None
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"engine test skipped but GENET_REQUIRE_ENGINE=1 forbids it: {reason}"
    return report


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
        if creates and done.returncode == 0 and ("-d" in argv or argv[0] == "create"):
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
