"""``npipe://`` engines: Docker Desktop on Windows, ``npipe:////./pipe/docker_engine``.

Written to the documented Win32 named-pipe behaviour with what the standard library offers
(``ctypes`` for ``CreateFileW``/``WaitNamedPipeW``, ``msvcrt`` to turn the handle into a file):
a busy pipe answers ``ERROR_PIPE_BUSY`` until ``WaitNamedPipe`` says an instance is free, so
opening retries until the call's time runs out. The handle is synchronous, which serialises
reads and writes: fine for HTTP, one request at a time per connection (Genet opens one
connection per request). The opening logic takes its two Win32 calls as arguments, so
everything but those calls runs, and is tested, on Linux too; it has not run on Windows in CI.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

from genet_rx.errors import EngineTimeout, EngineUnreachable, HostError

ERROR_FILE_NOT_FOUND = 2
ERROR_ACCESS_DENIED = 5
ERROR_PIPE_BUSY = 231

#: CreateFileW on a pipe path: the opened file, or the Win32 error code.
CreateFile = Callable[[str], "BinaryIO | int"]
#: WaitNamedPipeW: wait up to ``ms`` for an instance of the pipe to be free.
WaitNamedPipe = Callable[[str, int], bool]


def pipe_path(url_path: str) -> str:
    """``//./pipe/docker_engine`` (the URL's path) → ``\\\\.\\pipe\\docker_engine``."""
    path = url_path.replace("/", "\\")
    if not path.startswith("\\\\.\\pipe\\") or len(path) <= len("\\\\.\\pipe\\"):
        raise HostError(f"{url_path!r} is not a named pipe (npipe:////./pipe/NAME)")
    return path


def open_pipe(path: str, timeout: float | None, create: CreateFile,
              wait: WaitNamedPipe) -> BinaryIO:
    """Open the pipe, waiting while every instance is busy, until ``timeout`` runs out."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        opened = create(path)
        if not isinstance(opened, int):
            return opened
        if opened == ERROR_FILE_NOT_FOUND:
            raise EngineUnreachable(f"no Docker engine pipe at {path}",
                                    "is Docker Desktop (or the engine service) running?")
        if opened == ERROR_ACCESS_DENIED:
            raise EngineUnreachable(f"access denied to {path}",
                                    "run as a user allowed to use the Docker engine")
        if opened != ERROR_PIPE_BUSY:
            raise EngineUnreachable(f"cannot open {path} (Windows error {opened})")
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise EngineTimeout(f"{path} stayed busy", "the engine may be overloaded")
        wait(path, 1000 if left is None else max(1, int(min(left, 1.0) * 1000)))


class PipeTransport:
    """A transport over an opened pipe (any binary file: tests use a socket's file)."""

    def __init__(self, pipe: BinaryIO) -> None:
        self._pipe = pipe
        self._closed = False
        self._lock = threading.Lock()

    def send(self, data: bytes) -> None:
        try:
            self._pipe.write(data)
            self._pipe.flush()
        except (OSError, ValueError) as exc:
            raise EngineUnreachable(f"the engine's pipe closed: {exc}") from None

    def recv(self, max_bytes: int = 65536) -> bytes:
        try:
            return self._pipe.read1(max_bytes) if hasattr(self._pipe, "read1") \
                else self._pipe.read(max_bytes)
        except (OSError, ValueError):
            if self._closed:
                return b""
            raise

    def settimeout(self, seconds: float | None) -> None:
        """A synchronous pipe has no read timeout; short calls keep their deadline in HTTP."""

    def dropped(self) -> bool:
        """Only once closed here: a synchronous pipe cannot be polled; a pipe the engine
        closed while idle is found by the next request (and a GET is sent again)."""
        return self._closed

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(OSError, ValueError):
            self._pipe.close()


def open_windows_pipe(path: str, timeout: float | None) -> PipeTransport:  # pragma: no cover
    """The real thing, on Windows only."""
    if sys.platform != "win32":
        raise HostError(f"{path}: npipe:// engines exist only on Windows")
    import ctypes
    import msvcrt
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateFileW.restype = wintypes.HANDLE
    invalid = wintypes.HANDLE(-1).value

    def create(p: str) -> BinaryIO | int:
        handle = kernel32.CreateFileW(p, 0xC0000000, 0, None, 3, 0, None)  # R|W, OPEN_EXISTING
        if handle == invalid:
            return int(ctypes.get_last_error())
        fd = msvcrt.open_osfhandle(handle, os.O_BINARY)
        return os.fdopen(fd, "r+b", buffering=0)

    def wait(p: str, ms: int) -> bool:
        return bool(kernel32.WaitNamedPipeW(p, ms))

    return PipeTransport(open_pipe(path, timeout, create, wait))
