"""Exec sessions: the request body, the upgrade, refusals in plain words, and real shells."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from dockerd import IMAGE
from engine_helpers import wait_for

import genet_rx
from genet_rx.api.exec import (
    ExecSession,
    NoShell,
    command_of,
    exec_config,
    output_bytes,
    plain_conflict,
    refusal,
)
from genet_rx.errors import Conflict
from genet_rx.model.logs import LogLine
from genet_rx.wire.http import Response
from genet_rx.wire.transport import MemoryTransport
from genet_rx.wire.upgrade import Upgraded, request_upgrade

# -- pure parts -------------------------------------------------------------------------------


def test_exec_config_asks_for_every_stream_and_a_tty() -> None:
    body = exec_config(["/bin/sh"])
    assert body == {"AttachStdin": True, "AttachStdout": True, "AttachStderr": True,
                    "Tty": True, "Cmd": ["/bin/sh"]}


def test_exec_config_carries_user_workdir_env_and_size() -> None:
    body = exec_config(["top"], user="nobody", workdir="/tmp", env={"TERM": "xterm"},
                       size=(30, 100))
    assert body["User"] == "nobody"
    assert body["WorkingDir"] == "/tmp"
    assert body["Env"] == ["TERM=xterm"]
    assert body["ConsoleSize"] == [30, 100]


def test_exec_config_without_a_tty_has_no_console_size() -> None:
    assert "ConsoleSize" not in exec_config(["ls"], tty=False, size=(30, 100))


def test_command_of_splits_a_string_as_a_shell_would() -> None:
    assert command_of("sh -c 'exit 7'") == ["sh", "-c", "exit 7"]


def test_command_of_a_blank_string_is_none() -> None:
    assert command_of("   ") is None


def test_refusal_of_a_stopped_container_says_start_it() -> None:
    assert refusal("web", {"Running": False}) == "web is not running: start it first"


def test_refusal_of_a_paused_container_says_unpause_it() -> None:
    assert "web is paused: unpause it first" in (refusal("web", {"Running": True,
                                                                  "Paused": True}) or "")


def test_refusal_of_a_running_container_is_none() -> None:
    assert refusal("web", {"Running": True}) is None


def test_plain_conflict_rewords_the_engines_paused_message() -> None:
    message = "Container 3f2a is paused, unpause the container before exec"
    assert plain_conflict("web", message).startswith("web is paused: unpause it first")


def test_plain_conflict_keeps_an_unknown_message() -> None:
    assert plain_conflict("web", "something else") == "something else"


def test_output_bytes_gives_a_line_its_newline() -> None:
    assert output_bytes(LogLine("stderr", "oops")) == b"oops\n"


def test_output_bytes_keeps_tty_bytes() -> None:
    assert output_bytes(b"\x1b[6n$ ") == b"\x1b[6n$ "


# -- the upgrade, on a scripted transport ----------------------------------------------------

SWITCH = (b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
          b"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n")


def test_upgrade_asks_for_tcp() -> None:
    t = MemoryTransport([SWITCH])
    request_upgrade(t, "docker", "POST", "/v1.41/exec/e1/start", b"{}")
    sent = bytes(t.sent).lower()
    assert b"\r\nconnection: upgrade\r\n" in sent
    assert b"\r\nupgrade: tcp\r\n" in sent


def test_upgrade_hands_back_the_bytes_after_the_head() -> None:
    t = MemoryTransport([SWITCH + b"/ # ", b"more"])
    conn = request_upgrade(t, "docker", "POST", "/v1.41/exec/e1/start", b"{}")
    assert isinstance(conn, Upgraded)
    assert conn.read() == b"/ # "
    assert conn.read() == b"more"


def test_upgrade_sends_raw_bytes_after_the_switch() -> None:
    t = MemoryTransport([SWITCH])
    conn = request_upgrade(t, "docker", "POST", "/v1.41/exec/e1/start", b"{}")
    assert isinstance(conn, Upgraded)
    before = len(t.sent)
    conn.send(b"ls\r")
    assert bytes(t.sent[before:]) == b"ls\r"


def test_upgrade_refused_returns_the_answer() -> None:
    body = b'{"message":"No such exec instance: e1"}'
    t = MemoryTransport([b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body)])
    answer = request_upgrade(t, "docker", "POST", "/v1.41/exec/e1/start", b"{}")
    assert isinstance(answer, Response)
    assert answer.message == "No such exec instance: e1"


def test_upgrade_refused_closes_the_transport() -> None:
    t = MemoryTransport([b"HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n"])
    request_upgrade(t, "docker", "POST", "/v1.41/exec/e1/start", b"{}")
    assert t.closed


# -- the real engine --------------------------------------------------------------------------


class Term:
    """A stand-in terminal: collects a session's output and answers cursor reports."""

    def __init__(self, session: ExecSession) -> None:
        self.session = session
        self.data = bytearray()
        self.codes: list[int] = []
        self.errors: list[Exception] = []
        self.ended = threading.Event()
        self._asked = 0
        self._lock = threading.Lock()
        session.exit_code.subscribe(on_next=self.codes.append, on_error=self.errors.append)
        session.output.subscribe(on_next=self._on, on_error=self._fail,
                                 on_completed=self.ended.set)

    def _on(self, chunk: bytes) -> None:
        with self._lock:
            self.data += chunk
            asked = bytes(self.data).count(b"\x1b[6n")
            answer, self._asked = asked - self._asked, asked
        for _ in range(answer):
            self.session.send(b"\x1b[1;1R")

    def _fail(self, error: Exception) -> None:
        self.errors.append(error)
        self.ended.set()

    @property
    def text(self) -> str:
        with self._lock:
            return bytes(self.data).decode("utf-8", "replace")

    def wait_text(self, needle: str, timeout: float = 20) -> None:
        wait_for(lambda: needle in self.text, timeout, f"{needle!r} in {self.text[-300:]!r}")

    def wait_end(self, timeout: float = 20) -> None:
        wait_for(self.ended.is_set, timeout, f"the session to end; output {self.text[-300:]!r}")


@pytest.fixture
def engine(engine_url: str) -> Any:
    e = genet_rx.connect(engine_url)
    yield e
    e.close()


@pytest.fixture
def running(docker: Any, unique_name: str) -> str:
    return str(docker.run_detached(IMAGE, "sleep", "300", name=unique_name))


@pytest.mark.engine
def test_engine_echo_round_trip(engine: Any, running: str) -> None:
    term = Term(engine.exec(running))
    term.session.send(b"echo $((6 * 7))-round-trip\r")
    term.wait_text("42-round-trip")
    term.session.close()


@pytest.mark.engine
def test_engine_exit_code_of_sh_exit_7(engine: Any, running: str) -> None:
    term = Term(engine.exec(running, ["sh", "-c", "exit 7"]))
    term.wait_end()
    assert term.codes == [7]


@pytest.mark.engine
def test_engine_a_process_ended_before_its_resize_still_gives_its_exit_code(
        engine: Any, running: str) -> None:
    session = engine.exec(running, ["sh", "-c", "exit 7"])
    session.resize(24, 80)
    term = Term(session)
    term.wait_end()
    assert term.codes == [7]


@pytest.mark.engine
def test_engine_stty_size_after_a_resize(engine: Any, running: str) -> None:
    session = engine.exec(running)
    session.resize(24, 80)
    term = Term(session)
    session.resize(30, 100)
    session.send(b"stty size\r")
    term.wait_text("30 100")
    session.close()


@pytest.mark.engine
def test_engine_ctrl_c_interrupts_sleep(engine: Any, running: str) -> None:
    term = Term(engine.exec(running, ["sh", "-c", "echo sleeping; sleep 100"]))
    term.wait_text("sleeping")
    term.session.send(b"\x03")
    term.wait_end()
    assert term.codes == [130]


@pytest.mark.engine
def test_engine_a_flood_ends_with_ctrl_c(engine: Any, running: str) -> None:
    term = Term(engine.exec(running, ["yes", "flood"]))
    wait_for(lambda: len(term.data) > 1_000_000, 60, "a megabyte of flood")
    term.session.send(b"\x03")
    term.wait_end(60)
    assert term.codes == [130]


@pytest.mark.engine
def test_engine_non_tty_keeps_stdout_and_stderr_apart(engine: Any, running: str) -> None:
    session = engine.exec(running, ["sh", "-c", "echo out1; echo err1 >&2; echo out2"],
                          tty=False)
    lines: list[LogLine] = []
    done = threading.Event()
    session.lines.subscribe(on_next=lines.append, on_completed=done.set)
    wait_for(done.is_set, 20, "the output to end")
    assert [x.text for x in lines if x.stream == "stdout"] == ["out1", "out2"]
    assert [x.text for x in lines if x.stream == "stderr"] == ["err1"]


@pytest.mark.engine
def test_engine_stopped_container_says_start_it_first(engine: Any, docker: Any,
                                                      unique_name: str) -> None:
    cid = docker("create", "--name", unique_name, IMAGE, "sleep", "300")
    term = Term(engine.exec(cid))
    term.wait_end()
    assert str(term.errors[0]) == f"{unique_name} is not running: start it first (HTTP 409)"


@pytest.mark.engine
def test_engine_stopped_container_error_is_a_conflict(engine: Any, docker: Any,
                                                      unique_name: str) -> None:
    cid = docker("create", "--name", unique_name, IMAGE, "sleep", "300")
    term = Term(engine.exec(cid))
    term.wait_end()
    assert isinstance(term.errors[0], Conflict)


@pytest.mark.engine
def test_engine_paused_container_says_unpause_it(engine: Any, docker: Any,
                                                 running: str, unique_name: str) -> None:
    docker("pause", running)
    term = Term(engine.exec(running))
    term.wait_end()
    assert f"{unique_name} is paused: unpause it first" in str(term.errors[0])


@pytest.mark.engine
def test_engine_a_container_without_a_shell_says_so(engine: Any, docker: Any,
                                                    unique_name: str) -> None:
    cid = docker.run_detached(IMAGE, "/bin/sleep", "300", name=unique_name)
    docker("exec", cid, "/bin/rm", "-f", "/bin/sh", "/bin/bash")
    term = Term(engine.exec(cid))
    term.wait_end()
    assert isinstance(term.errors[0], NoShell)


@pytest.mark.engine
def test_engine_bash_is_preferred_when_there_is_one(engine: Any, docker: Any,
                                                   running: str) -> None:
    docker("exec", running, "sh", "-c",
           "printf '#!/bin/sh\\nexec /bin/sh \"$@\"\\n' > /bin/bash && chmod +x /bin/bash")
    term = Term(engine.exec(running))
    term.session.send(b"echo shell-chosen\r")
    term.wait_text("shell-chosen")
    assert term.session.command == ["/bin/bash"]


@pytest.mark.engine
def test_engine_sh_is_the_fallback(engine: Any, running: str) -> None:
    term = Term(engine.exec(running))
    term.session.send(b"echo shell-chosen\r")
    term.wait_text("shell-chosen")
    assert term.session.command == ["/bin/sh"]


@pytest.mark.engine
def test_engine_close_ends_the_session_and_its_threads(engine: Any, running: str) -> None:
    term = Term(engine.exec(running))
    term.session.send(b"echo ready-to-close\r")
    term.wait_text("ready-to-close")
    term.session.close()
    wait_for(lambda: not [t for t in threading.enumerate() if t.name.startswith("genet-exec")],
             20, "the session's threads to end")
    assert term.codes == []


@pytest.mark.engine
def test_engine_lost_ends_the_session_and_its_threads(engine: Any, running: str,
                                                      daemon: Any) -> None:
    term = Term(engine.exec(running))
    term.session.send(b"echo before-the-loss\r")
    term.wait_text("before-the-loss")
    daemon.restart()
    term.wait_end(60)
    wait_for(lambda: not [t for t in threading.enumerate() if t.name.startswith("genet-exec")],
             20, "the session's threads to end")
