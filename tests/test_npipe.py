"""npipe:// (Docker Desktop on Windows), through the transport seam on Linux: the URL, the
busy-pipe waiting and the errors, and HTTP over an opened pipe. The Win32 calls themselves run
only on Windows, which CI does not have."""

from __future__ import annotations

import socket
import threading
from typing import BinaryIO

import pytest

from genet_rx.errors import EngineTimeout, EngineUnreachable, HostError
from genet_rx.wire.http import exchange
from genet_rx.wire.npipe import (
    ERROR_ACCESS_DENIED,
    ERROR_FILE_NOT_FOUND,
    ERROR_PIPE_BUSY,
    PipeTransport,
    open_pipe,
    pipe_path,
)
from genet_rx.wire.transport import parse_host

PIPE = "\\\\.\\pipe\\docker_engine"


def test_the_docker_desktop_url_names_its_pipe() -> None:
    endpoint = parse_host("npipe:////./pipe/docker_engine", {})
    assert (endpoint.scheme, endpoint.address) == ("npipe", PIPE)
    assert endpoint.host_header == "docker"


@pytest.mark.parametrize("bad", ["npipe://", "npipe:////./pipe/", "npipe:////server/share/x"])
def test_a_path_that_is_no_pipe_is_refused(bad: str) -> None:
    with pytest.raises(HostError):
        parse_host(bad, {})


def test_pipe_path_turns_slashes_into_backslashes() -> None:
    assert pipe_path("//./pipe/dockerDesktopLinuxEngine") == "\\\\.\\pipe\\dockerDesktopLinuxEngine"


def test_a_busy_pipe_is_waited_for_until_an_instance_is_free() -> None:
    answers: list[BinaryIO | int] = [ERROR_PIPE_BUSY, ERROR_PIPE_BUSY]
    handle = socket.socketpair()[0].makefile("rwb", buffering=0)
    answers.append(handle)
    waits: list[tuple[str, int]] = []
    def wait(path: str, ms: int) -> bool:
        waits.append((path, ms))
        return True

    opened = open_pipe(PIPE, 5.0, lambda p: answers.pop(0), wait)
    assert opened is handle
    assert [p for p, _ in waits] == [PIPE, PIPE]
    assert all(0 < ms <= 1000 for _, ms in waits)


def test_a_pipe_busy_past_the_time_is_a_timeout() -> None:
    with pytest.raises(EngineTimeout, match="stayed busy"):
        open_pipe(PIPE, 0.05, lambda p: ERROR_PIPE_BUSY, lambda p, ms: False)


@pytest.mark.parametrize(("code", "said"), [(ERROR_FILE_NOT_FOUND, "is Docker Desktop"),
                                            (ERROR_ACCESS_DENIED, "access denied"),
                                            (1450, "Windows error 1450")])
def test_errors_opening_the_pipe_say_what_to_do(code: int, said: str) -> None:
    with pytest.raises(EngineUnreachable, match=said):
        open_pipe(PIPE, 1.0, lambda p: code, lambda p, ms: False)


def test_http_over_an_opened_pipe() -> None:
    ours, theirs = socket.socketpair()

    def engine() -> None:
        with theirs:
            request = b""
            while b"\r\n\r\n" not in request:
                request += theirs.recv(4096)
            theirs.sendall(b"HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Length: 2\r\n\r\nOK")

    threading.Thread(target=engine, daemon=True).start()
    pipe = PipeTransport(ours.makefile("rwb", buffering=0))
    resp = exchange(lambda: pipe, "docker", "GET", "/_ping")
    assert (resp.status, resp.body, resp.headers["api-version"]) == (200, b"OK", "1.43")
