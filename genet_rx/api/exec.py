"""A process run inside a running container, as a session: output out, keystrokes in.

Theory of operation
-------------------
A session opens on the first subscription to :attr:`ExecSession.output` (or ``lines``), on its
own reader thread (:func:`~genet_rx.wire.streams.observe_stream`):

1. inspect the container: not running, paused or restarting is refused in plain words before
   anything is created;
2. no command given: the first of ``/bin/bash``, ``/bin/sh`` that exists in the container (a
   ``HEAD`` of ``/containers/{id}/archive``), else :class:`NoShell`;
3. ``POST /containers/{id}/exec`` (stdin, stdout, stderr, Tty, Cmd, Env, User, WorkingDir,
   ConsoleSize), then ``POST /exec/{id}/start`` asking for the upgrade (:mod:`.upgrade`);
4. the size asked for so far is sent at once (``/exec/{id}/resize``: API 1.41 ignores
   ConsoleSize), then the reader only reads and hands off.

One writer thread sends what :meth:`ExecSession.send` queued and the resizes, in the order they
were asked for: keys typed after a resize reach a process that already has the new size. The
writer never blocks the caller (a process that does not read its stdin fills the socket).

With a TTY, ``output`` is the terminal's raw bytes. Without one the body is multiplexed frames:
``lines`` tells stdout and stderr apart (the logs demuxer), and ``output`` is their text.

When the output ends by itself, ``GET /exec/{id}/json`` gives the exit code: ``exit_code``
emits it and completes, then ``output`` completes. A lost engine ends ``output`` too, and
``exit_code`` errors with the reason. :meth:`ExecSession.close` closes the connection and lets
both threads go; ``exit_code`` then completes without a value.
"""

from __future__ import annotations

import logging
import queue
import shlex
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import reactivex
from reactivex import Observable, abc
from reactivex import operators as ops
from reactivex.disposable import SingleAssignmentDisposable
from reactivex.subject import AsyncSubject, Subject

from genet_rx.api import containers
from genet_rx.api.client import EngineClient, segment
from genet_rx.errors import Conflict, EngineError, GenetError, NotFound, error_for_status
from genet_rx.model.logs import LogLine
from genet_rx.wire.frames import LogDemuxer
from genet_rx.wire.http import Response
from genet_rx.wire.streams import observe_stream
from genet_rx.wire.transport import open_transport
from genet_rx.wire.upgrade import Upgraded, request_upgrade

log = logging.getLogger(__name__)

#: What is tried, in order, when no command is given.
SHELLS: Final = ("/bin/bash", "/bin/sh")
#: How often the exit code is asked for when the engine has not recorded it yet.
_EXIT_TRIES: Final = 20

Env = Mapping[str, str] | Sequence[str]


class NoShell(GenetError):
    """The container has none of :data:`SHELLS`, and no command was given."""


def exec_config(cmd: Sequence[str], tty: bool = True, user: str | None = None,
                workdir: str | None = None, env: Env | None = None,
                size: tuple[int, int] | None = None) -> dict[str, Any]:
    """The body of ``POST /containers/{id}/exec``; ``size`` is (rows, columns)."""
    body: dict[str, Any] = {
        "AttachStdin": True, "AttachStdout": True, "AttachStderr": True,
        "Tty": tty, "Cmd": list(cmd),
    }
    if env:
        body["Env"] = ([f"{k}={v}" for k, v in env.items()] if isinstance(env, Mapping)
                       else list(env))
    if user:
        body["User"] = user
    if workdir:
        body["WorkingDir"] = workdir
    if size is not None and tty:
        body["ConsoleSize"] = [size[0], size[1]]
    return body


def command_of(cmd: str | Sequence[str] | None) -> list[str] | None:
    """A command as a list: a string is split as a shell would; blank means none."""
    if cmd is None:
        return None
    words = shlex.split(cmd) if isinstance(cmd, str) else list(cmd)
    return words or None


def refusal(name: str, state: Mapping[str, Any]) -> str | None:
    """Why an exec in a container in ``state`` (inspect's ``State``) cannot start, or None."""
    if state.get("Paused"):
        return f"{name} is paused: unpause it first (the engine runs nothing in a paused container)"
    if state.get("Restarting"):
        return f"{name} is restarting: wait until it is running"
    if not state.get("Running"):
        return f"{name} is not running: start it first"
    return None


def plain_conflict(name: str, message: str) -> str:
    """The engine's 409 to an exec in plain words (it is refused when the state changed after
    the inspect)."""
    lowered = message.lower()
    if "is paused" in lowered:
        return refusal(name, {"Paused": True}) or message
    if "is restarting" in lowered:
        return refusal(name, {"Restarting": True}) or message
    if "is not running" in lowered:
        return refusal(name, {}) or message
    return message


def output_bytes(item: bytes | LogLine) -> bytes:
    """What one piece of the output shows: TTY bytes as they are, a line with its newline."""
    if isinstance(item, bytes):
        return item
    return item.text.encode() + (b"" if item.continued else b"\n")


class ExecSession:
    """One process in a container (see the module doc). Made by :func:`open_exec`."""

    def __init__(self, client: EngineClient, container_id: str, cmd: list[str] | None,
                 tty: bool, user: str | None, workdir: str | None, env: Env | None) -> None:
        self._client = client
        self.container_id = container_id
        self.cmd = cmd
        self.tty = tty
        self._user, self._workdir, self._env = user, workdir, env
        self.exec_id: str | None = None
        self.command: list[str] | None = cmd  # what runs, once chosen
        self._items: Subject[bytes | LogLine] = Subject()
        self._exit: AsyncSubject[int] = AsyncSubject()
        self._lock = threading.Lock()
        self._started = False
        self._closed = threading.Event()
        self._size: tuple[int, int] | None = None
        self._sent_size: tuple[int, int] | None = None
        self._outbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self._conn: Upgraded | None = None
        self._reading = SingleAssignmentDisposable()
        self.output: Observable[bytes] = self._view().pipe(ops.map(output_bytes))
        self.lines: Observable[LogLine] = self._view().pipe(
            ops.filter(lambda item: isinstance(item, LogLine)))  # type: ignore[arg-type]

    # -- the surface -----------------------------------------------------------------------

    @property
    def exit_code(self) -> Observable[int]:
        """The process's exit code, once, when it ends by itself."""
        return self._exit

    def send(self, data: bytes) -> None:
        """Queue ``data`` for the process's stdin (never blocks; dropped once closed)."""
        if data and not self._closed.is_set():
            self._outbox.put(("send", bytes(data)))

    def resize(self, rows: int, cols: int) -> None:
        """Tell the engine the terminal's size (sent now if running, else right after start)."""
        if rows < 1 or cols < 1:
            return
        with self._lock:
            self._size = (rows, cols)
        if not self._closed.is_set():
            self._outbox.put(("resize", b""))

    def close(self) -> None:
        """End the session: the connection closes, both threads go, observers complete."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._outbox.put(("stop", b""))
        self._reading.dispose()
        self._exit.on_completed()
        self._items.on_completed()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # -- opening ---------------------------------------------------------------------------

    def _view(self) -> Observable[bytes | LogLine]:
        def subscribe(observer: abc.ObserverBase[bytes | LogLine],
                      scheduler: Any = None) -> abc.DisposableBase:
            sub = self._items.subscribe(observer)
            self._start()
            return sub

        return reactivex.create(subscribe)

    def _start(self) -> None:
        with self._lock:
            if self._started or self._closed.is_set():
                return
            self._started = True
        demuxer = LogDemuxer(multiplexed=not self.tty)

        def decode(data: bytes) -> Iterable[bytes | LogLine]:
            return [data] if self.tty else demuxer.feed(data)

        def flush() -> Iterable[bytes | LogLine]:
            return [] if self.tty else demuxer.close()

        source = observe_stream(self._open, decode, flush,
                                name=f"genet-exec-{self.container_id[:12]}")
        self._reading.disposable = source.subscribe(
            on_next=self._items.on_next, on_error=self._failed, on_completed=self._ended)

    def _open(self, on_open: Callable[[Callable[[], None]], None]) -> Upgraded:
        client = self._client
        cid = segment(self.container_id)
        doc = containers.inspect(client, self.container_id)
        name = str(doc.get("Name") or self.container_id[:12]).lstrip("/")
        state = doc.get("State")
        why = refusal(name, state if isinstance(state, dict) else {})
        if why is not None:
            raise Conflict(409, why)
        cmd = self.cmd or self._shell(cid, name)
        self.command = cmd
        with self._lock:
            size = self._size
        try:
            created = client.request("POST", f"/containers/{cid}/exec", body=exec_config(
                cmd, self.tty, self._user, self._workdir, self._env, size)).json()
        except Conflict as exc:
            raise Conflict(409, plain_conflict(name, exc.message)) from None
        exec_id = created.get("Id") if isinstance(created, dict) else None
        if not isinstance(exec_id, str) or not exec_id:
            raise EngineError(500, "the engine did not say which exec it created")
        self.exec_id = exec_id
        target = f"/v{client.api_version or client.negotiate()}/exec/{segment(exec_id)}/start"
        transport = open_transport(client.endpoint, client.timeout)
        on_open(transport.close)
        body = b'{"Detach": false, "Tty": %s}' % (b"true" if self.tty else b"false")
        answer = request_upgrade(transport, client.endpoint.host_header, "POST", target, body,
                                 timeout=client.timeout)
        if isinstance(answer, Response):
            raise error_for_status(answer.status, answer.message)
        self._conn = answer
        try:
            self._apply_size()
        except GenetError as exc:  # a process that has already ended cannot be resized
            log.info("exec %s: resize failed: %s", exec_id, exc)
        threading.Thread(target=self._write, name=f"genet-exec-in-{exec_id[:12]}",
                         daemon=True).start()
        return answer

    def _shell(self, cid: str, name: str) -> list[str]:
        for shell in SHELLS:
            try:
                self._client.request("HEAD", f"/containers/{cid}/archive", {"path": shell})
            except NotFound:
                continue
            return [shell]
        raise NoShell(f"{name} has no shell ({' or '.join(SHELLS)}): give a command to run")

    # -- the writer ------------------------------------------------------------------------

    def _write(self) -> None:
        conn = self._conn
        assert conn is not None
        while True:
            kind, data = self._outbox.get()
            if kind == "stop" or self._closed.is_set():
                return
            try:
                if kind == "send":
                    conn.send(data)
                else:
                    self._apply_size()
            except (OSError, GenetError) as exc:
                if not self._closed.is_set():
                    log.info("exec %s: %s failed: %s", self.exec_id, kind, exc)

    def _apply_size(self) -> None:
        with self._lock:
            size = self._size
            if size is None or size == self._sent_size or self.exec_id is None:
                return
            self._sent_size = size
        self._client.request("POST", f"/exec/{segment(self.exec_id)}/resize",
                             {"h": size[0], "w": size[1]})

    # -- the end ---------------------------------------------------------------------------

    def _failed(self, error: Exception) -> None:
        self._outbox.put(("stop", b""))
        if self._closed.is_set():
            return
        self._exit.on_error(error)
        self._items.on_error(error)

    def _ended(self) -> None:
        self._outbox.put(("stop", b""))
        if self._closed.is_set():
            return
        try:
            code = self._exit_code()
        except Exception as exc:  # the engine went away with the stream
            self._exit.on_error(exc)
        else:
            self._exit.on_next(code)
            self._exit.on_completed()
        self._items.on_completed()

    def _exit_code(self) -> int:
        """``ExitCode`` from the exec's inspect; asked again while the engine still says
        running (it records the exit as the stream closes)."""
        assert self.exec_id is not None
        path = f"/exec/{segment(self.exec_id)}/json"
        for _ in range(_EXIT_TRIES):
            doc = self._client.get_json(path)
            code = doc.get("ExitCode") if isinstance(doc, dict) else None
            if isinstance(code, int) and not doc.get("Running"):
                return code
            if self._closed.wait(0.05):
                break
        raise EngineError(500, "the engine did not report the exit code")


def open_exec(client: EngineClient, container_id: str, cmd: str | Sequence[str] | None = None,
              tty: bool = True, user: str | None = None, workdir: str | None = None,
              env: Env | None = None) -> ExecSession:
    """A session for ``cmd`` (else a shell) in a running container; it opens when ``output``
    (or ``lines``) is first subscribed. Raises ValueError at once for an id that cannot name
    a container."""
    segment(container_id)
    return ExecSession(client, container_id, command_of(cmd), tty, user or None,
                       workdir or None, env)


__all__ = ["SHELLS", "ExecSession", "NoShell", "command_of", "exec_config", "open_exec",
           "output_bytes", "plain_conflict", "refusal"]
