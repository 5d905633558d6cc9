"""ssh:// engines through the user's own ssh, against a private sshd on loopback whose host
is this machine (so dial-stdio reaches the tests' private daemon)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import wait_for, wait_table_equals_engine
from sshd import ALIAS, PrivateSshd

from genet_rx import Engine, connect
from genet_rx.api import containers
from genet_rx.api.client import EngineClient
from genet_rx.errors import EngineUnreachable

pytestmark = pytest.mark.engine


def ssh_url(engine_url: str) -> str:
    return f"ssh://{ALIAS}{engine_url.removeprefix('unix://')}"


@pytest.fixture
def ssh_env(sshd: PrivateSshd, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sshd.env().items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)


@pytest.fixture
def engine(engine_url: str, ssh_env: None) -> Iterator[Engine]:
    eng = connect(ssh_url(engine_url), reconcile_every=3600.0)
    wait_for(lambda: eng.table.synced, timeout=60, what="the first sync over ssh")
    yield eng
    eng.close()


def test_an_engine_over_ssh_lists_and_follows_events(engine: Engine, docker,
                                                     unique_name: str) -> None:
    cid = docker.run_detached(name=unique_name)
    wait_for(lambda: engine.table.get(cid), what="the new container over ssh")
    docker("pause", cid)
    wait_for(lambda: engine.table.rows[cid].state.value == "paused", what="paused over ssh")
    wait_table_equals_engine(lambda: engine.table, docker)


def test_calls_over_ssh_answer_as_over_the_socket(engine_url: str, ssh_env: None) -> None:
    over_ssh = EngineClient(ssh_url(engine_url))
    local = EngineClient(engine_url)
    assert over_ssh.negotiate() == local.negotiate()
    ids = sorted(c["Id"] for c in containers.listing(over_ssh))
    assert ids == sorted(c["Id"] for c in containers.listing(local))


def test_an_unknown_host_key_is_refused_in_sshs_words(engine_url: str, sshd: PrivateSshd,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sshd.env(known_hosts="wrong_known_hosts").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(EngineUnreachable, match=r"(?i)host key") as refused:
        EngineClient(ssh_url(engine_url)).negotiate()
    assert "known_hosts" in str(refused.value)


def test_a_refused_login_says_so(engine_url: str, sshd: PrivateSshd,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sshd.env(key="stranger_key").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(EngineUnreachable, match="Permission denied"):
        EngineClient(ssh_url(engine_url)).negotiate()


def test_a_remote_socket_with_no_engine_says_so(ssh_env: None, tmp_path) -> None:
    with pytest.raises(EngineUnreachable, match="ssh to ssh://"):
        EngineClient(f"ssh://{ALIAS}{tmp_path}/no-engine.sock").negotiate()


def command_lines() -> Iterator[tuple[int, list[bytes]]]:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                yield int(entry), f.read().split(b"\0")
        except OSError:
            continue


def ssh_clients(control_dir: str) -> list[int]:
    """The ssh processes (not the shared master) running dial-stdio through ``control_dir``."""
    return [pid for pid, argv in command_lines()
            if b"dial-stdio" in argv and any(control_dir.encode() in a for a in argv)]


def naming(folder: str) -> list[int]:
    """Every process whose command line names ``folder``."""
    return [pid for pid, argv in command_lines() if any(folder.encode() in a for a in argv)]


def test_ssh_killed_mid_stream_reconnects_and_resumes(engine: Engine, docker,
                                                      unique_name: str) -> None:
    states = []
    engine.connection.subscribe(states.append)
    before = docker.run_detached(name=f"{unique_name}-before")
    wait_for(lambda: engine.table.get(before), what="a container seen over ssh")
    streams = ssh_clients(os.environ["XDG_RUNTIME_DIR"])
    assert streams  # the events stream's ssh, at least
    for pid in streams:
        os.kill(pid, 9)
    wait_for(lambda: sum(s.state.value == "connected" for s in states) >= 2, timeout=60,
             what="a reconnect over ssh")
    after = docker.run_detached(name=f"{unique_name}-after")
    wait_for(lambda: engine.table.get(after), what="a container after the reconnect")
    wait_table_equals_engine(lambda: engine.table, docker)


@pytest.fixture
def own_ssh(sshd: PrivateSshd, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An ssh on PATH that notes each start (one line per ssh process) in the file yielded,
    with shared connections in a folder of this test's own."""
    env = sshd.env()
    folder = Path(tempfile.mkdtemp(prefix="gs"))  # short: ssh's socket path must fit
    (folder / "bin").mkdir()
    starts = folder / "starts"
    starts.touch()
    wrapper = folder / "bin" / "ssh"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {starts}\nexec {sshd.client_dir}/ssh "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder / 'bin'}{os.pathsep}{env['PATH']}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield starts
    for pid in naming(str(folder)):  # the shared master ("ssh: <control path> [mux]") too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    shutil.rmtree(folder, ignore_errors=True)


def dial_stdio_starts(starts: Path) -> int:
    return sum("dial-stdio" in line for line in starts.read_text().splitlines())


def test_many_calls_in_a_row_over_ssh_start_one_dial_stdio(engine_url: str,
                                                           own_ssh: Path) -> None:
    client = EngineClient(ssh_url(engine_url))
    client.negotiate()
    for _ in range(10):
        containers.listing(client)
    client.close()
    assert dial_stdio_starts(own_ssh) == 1


def test_without_keep_alive_each_call_over_ssh_starts_its_own_dial_stdio(
        engine_url: str, own_ssh: Path) -> None:
    client = EngineClient(ssh_url(engine_url), keep_alive=False)
    client.negotiate()
    for _ in range(3):
        containers.listing(client)
    assert dial_stdio_starts(own_ssh) == 4


def test_a_kept_dial_stdio_killed_while_idle_is_replaced(engine_url: str,
                                                         own_ssh: Path) -> None:
    client = EngineClient(ssh_url(engine_url))
    client.negotiate()
    for pid in ssh_clients(os.environ["XDG_RUNTIME_DIR"]):
        os.kill(pid, 9)
    # Until the kill lands, the shared master still carries the session (the client handed
    # it its pipes), so the kept connection would answer: wait for the process to be gone.
    wait_for(lambda: not ssh_clients(os.environ["XDG_RUNTIME_DIR"]), what="the killed ssh gone")
    assert isinstance(containers.listing(client), list)
    assert dial_stdio_starts(own_ssh) == 2
    client.close()


def test_closing_the_engine_ends_its_kept_dial_stdio(engine_url: str, own_ssh: Path) -> None:
    engine = connect(ssh_url(engine_url), reconcile_every=3600.0)
    wait_for(lambda: engine.table.synced, timeout=60, what="the first sync over ssh")
    control = os.environ["XDG_RUNTIME_DIR"]
    engine.close()
    wait_for(lambda: not ssh_clients(control), what="no dial-stdio left after close")
    assert dial_stdio_starts(own_ssh) >= 2  # the events stream's and the short calls'
