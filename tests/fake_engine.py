"""A fake Docker Engine on a real AF_UNIX socket, in the test process, that misbehaves on request.

Theory of operation
-------------------
`FakeEngine` binds ``/tmp/genet-fake-XXXXXXXX/docker.sock`` and runs one accept thread plus one
thread per connection. A connection thread parses requests with h11 (server role, one
``h11.Connection`` per request so keep-alive needs no h11 response bookkeeping) and writes every
response by hand, byte for byte, so it can also write the wrong bytes on purpose. All state (the
container store, the last 256 events, open event streams, armed faults, recorded requests) sits
behind one lock. An action changes the store and publishes its events as one *batch* (a stop is
kill, die, stop); each open ``/events`` stream has a queue, and its own connection thread is the
only writer of its socket, so a slow client never blocks the engine. Like the real daemon, an
events request flushes its headers *before* the subscription is registered
(``subscribe_delay`` widens that window; ``wait_subscribed()`` tells when it closed).

Default behaviour is a small Docker Engine 1.41 (20.10-ish): ``/_ping``, ``/version``, ``/info``,
``/containers/json``, ``/containers/create``, ``/containers/{ref}/json``, the actions
start/stop/restart/pause/unpause/kill/rename, ``DELETE /containers/{ref}`` and ``/events``
(``since``/``until``/``filters``), with the engine's status codes, messages and event sequences.
Paths may carry ``/v1.NN``; a version above ``api_version`` answers 400 "too new".

Public API
----------
``FakeEngine(api_version="1.41", *, min_api_version="1.12", clock=time.time_ns,
engine_version="20.10.24+dfsg1")`` starts at once; use it as a context manager or call
``close()``. Attributes: ``url``, ``socket_path``, ``api_version`` (settable),
``requests`` (list of `Request`), ``chunking`` (a `Chunker`), ``subscribe_delay`` (seconds),
``stop_exit_code`` (143, the die exitCode of a SIGTERM stop), ``stale_for`` (seconds: list and
inspect keep showing a container's state from before an action that long, as the real engine
briefly does after it has already emitted the event; 0 by default).

Store: ``add_container(name, image="busybox", state="running", labels=None, id=None, *,
cmd=None, env=None, tty=False) -> id`` (silent: no events); ``set_state(ref, state,
exit_code=0, oom_killed=False)`` and ``remove_container(ref)`` (silent too: changes a client
can only see by listing); ``act(ref, action, **params) -> int`` (as if another client called
the API: events and all; returns the HTTP status); ``inspect(ref) -> dict`` (a copy of the
inspect document).

Events: ``emit(record)`` (to open streams, filtered, and to the history), ``emit_many(records)``
(the same, as one batch), ``emit_raw(data)`` (bytes as they are, to every open stream, not to
the history), ``cut_streams()`` (every open stream gets half a record, then its socket closes).
Observing: ``wait_subscribed(count=1, timeout=5.0)``, ``subscriber_count``,
``connection_count`` (accepted and not yet closed: shows a client's leaked sockets).

Chunking of event streams (``fake.chunking = ...``), applied to each batch: `per_record`
(default, like the engine), `whole` (a batch in one chunk: several records per chunk),
`fixed(n)` (n-byte chunks: records across chunks), `split_utf8` (a boundary inside a UTF-8
character of each record, or mid-record if it has none).

Faults, armed per route (a regex matched at the start of the path without ``/v1.NN``;
None = every route), for ``times`` requests (None = until ``clear_faults()``); the first armed
fault that matches a request applies:

- ``fail(route, status=500, message=..., times=1)``: answer ``{"message": ...}`` with status;
- ``http10(route=None)``: HTTP/1.0 status line, no Content-Length or chunking, body until close;
- ``reset(route=None)``: close with SO_LINGER 0 without reading the request: on AF_UNIX the
  client's next recv fails with ECONNRESET (unread data at close is what resets a unix socket);
- ``stall(route=None, after_headers=False)``: never answer, or send the headers and no body,
  until the client or the fake closes the connection;
- ``truncate(route=None)``: Content-Length larger than the body (streams: half a chunk), then close;
- ``garbage(route=None, data=...)``: answer bytes that are not HTTP, then close;
- ``add_fault(Fault(...))`` for the general form; ``clear_faults()``.

``fail``, ``reset``, ``garbage`` and ``stall`` before headers do not carry the request out;
``stall(after_headers=True)``, ``truncate`` and ``http10`` do.

Down and up again: ``stop()`` closes the listener and every connection, takes the socket path
away (the file is renamed aside until ``close()``, so the next ``start()`` surely gets a new
inode) and forgets the event history (containers stay); ``start()`` binds the same path again.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import platform
import queue
import re
import secrets
import select
import shutil
import signal
import socket
import struct
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote

import h11

__all__ = [
    "Chunker",
    "FakeEngine",
    "Fault",
    "Request",
    "fixed",
    "per_record",
    "split_utf8",
    "whole",
]

HISTORY_SIZE = 256
ZERO_TIME = "0001-01-01T00:00:00Z"
STATES = ("created", "running", "paused", "restarting", "exited", "dead")
_ALIVE = ("running", "paused", "restarting")
_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}
_EVENT_FILTERS = {"config", "container", "daemon", "event", "image", "label", "network",
                  "node", "plugin", "scope", "secret", "service", "type", "volume"}
_FAULT_KINDS = ("fail", "http10", "reset", "stall", "stall_body", "truncate", "garbage", "drip")
_GARBAGE = b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x00\x00\x01\x14\x0a\x14\xff\xfe not http\n"


# --- values -----------------------------------------------------------------------------------


class Request(NamedTuple):
    """One request as received: raw path (percent-encoding kept), decoded query, headers."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased

    @property
    def version(self) -> str | None:
        """The ``/v1.NN`` prefix's version, or None."""
        return _split_version(self.path)[0]

    @property
    def route(self) -> str:
        """The path without its version prefix."""
        return _split_version(self.path)[1]


@dataclass
class Fault:
    """One armed misbehaviour. ``kind`` is one of fail, http10, reset, stall, stall_body,
    truncate, garbage, drip. ``route`` is a regex matched at the start of the unversioned
    path. ``every``: for drip, the seconds between the answer's bytes."""

    kind: str
    route: str | None = None
    times: int | None = None
    method: str | None = None
    status: int = 500
    message: str = ""
    data: bytes = b""
    every: float = 1.0

    def matches(self, req: Request) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method is not None and self.method != req.method:
            return False
        return self.route is None or re.match(self.route, req.route) is not None


class _Dripping:
    """A socket's sendall that sends one byte at a time, ``every`` seconds apart."""

    def __init__(self, sock: socket.socket, every: float, halt: threading.Event) -> None:
        self._sock, self._every, self._halt = sock, every, halt

    def sendall(self, data: bytes) -> None:
        for i in range(len(data)):
            if self._halt.wait(self._every):
                return
            self._sock.sendall(data[i:i + 1])


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Framing:
    """How a response is framed: status-line version, Content-Length, chunking, keep-alive."""

    version: str = "HTTP/1.1"
    content_length: bool = True
    chunked: bool = True
    keep_alive: bool = True


_HTTP10_FAULT = _Framing("HTTP/1.0", content_length=False, chunked=False, keep_alive=False)
_HTTP10_CLIENT = _Framing("HTTP/1.0", content_length=True, chunked=False, keep_alive=False)


@dataclass
class _Container:
    id: str
    name: str
    image: str
    labels: dict[str, str]
    state: str
    created_ns: int
    cmd: list[str] = field(default_factory=lambda: ["sleep", "3600"])
    env: list[str] = field(default_factory=lambda: ["PATH=/bin"])
    tty: bool = False
    pid: int = 0
    exit_code: int = 0
    oom_killed: bool = False  # inspect's State.OOMKilled
    started_ns: int = 0
    finished_ns: int = 0
    prev_state: str = ""  # before the last action, for FakeEngine.stale_for
    changed_at: float = 0.0  # time.monotonic() of the last action

    def move(self, state: str) -> None:
        self.prev_state, self.changed_at, self.state = self.state, time.monotonic(), state


class _Subscriber:
    """One open ``/events`` stream: its filters and the queue its connection thread drains."""

    def __init__(self, filters: dict[str, list[str]]) -> None:
        self.filters = filters
        self.queue: queue.Queue[object] = queue.Queue()

    def wants(self, record: Any) -> bool:
        """Filter like the daemon; a key the record lacks never excludes it (for odd records)."""
        if not isinstance(record, dict):
            return True
        actor = record.get("Actor") if isinstance(record.get("Actor"), dict) else {}
        attrs = actor.get("Attributes") if isinstance(actor.get("Attributes"), dict) else {}
        for key, wanted in self.filters.items():
            if key == "type" and "Type" in record:
                ok = record["Type"] in wanted
            elif key == "event" and "Action" in record:
                action = str(record["Action"])
                ok = action in wanted or action.split(":", 1)[0].strip() in wanted
            elif key == "container" and actor:
                names = (str(actor.get("ID", "")), str(attrs.get("name", "")))
                ok = any(n and n.startswith(w) for w in wanted for n in names)
            elif key == "image" and "image" in attrs:
                ok = attrs["image"] in wanted
            elif key == "label" and actor:
                ok = all(_label_matches(attrs, w) for w in wanted)
            else:
                continue
            if not ok:
                return False
        return True


_CUT = object()
_STOP = object()


# --- chunkers: how a batch of event bytes becomes chunks --------------------------------------

Chunker = Callable[[bytes], list[bytes]]


def per_record(data: bytes) -> list[bytes]:
    """One chunk per ``\\n``-terminated record, as the engine flushes them."""
    parts = data.split(b"\n")
    chunks = [p + b"\n" for p in parts[:-1]]
    return [*chunks, parts[-1]] if parts[-1] else chunks


def whole(data: bytes) -> list[bytes]:
    """The whole batch in one chunk (a stop's kill/die/stop, a since-replay)."""
    return [data]


def fixed(n: int) -> Chunker:
    """Chunks of ``n`` bytes, whatever the records: records straddle chunks."""

    def chunker(data: bytes) -> list[bytes]:
        return [data[i : i + n] for i in range(0, len(data), n)]

    return chunker


def split_utf8(data: bytes) -> list[bytes]:
    """Each record in two chunks, split right after the first byte of its first multi-byte
    UTF-8 character (or in the middle when it has none)."""
    chunks: list[bytes] = []
    for record in per_record(data):
        cut = next((i + 1 for i, b in enumerate(record) if 0xC2 <= b <= 0xF4), len(record) // 2)
        chunks += [p for p in (record[:cut], record[cut:]) if p]
    return chunks


# --- small helpers ----------------------------------------------------------------------------


def go_json(obj: Any) -> bytes:
    """Encode like Go's json.Encoder: compact, raw UTF-8, ``<>&`` escaped, newline-terminated."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return (text + "\n").encode()


def rfc3339nano(ns: int) -> str:
    """Go's RFC3339Nano in UTC (trailing zeros of the fraction dropped)."""
    sec, frac = divmod(ns, 1_000_000_000)
    stamp = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return stamp + (f".{frac:09d}".rstrip("0") if frac else "") + "Z"


def parse_timestamp(value: str) -> int:
    """The daemon's ``since``/``until``: seconds or seconds.nanoseconds → nanoseconds."""
    sec, _, frac = value.partition(".")
    if not re.fullmatch(r"-?\d+", sec) or (frac and not frac.isdigit()):
        raise ValueError(f'strconv.ParseInt: parsing "{value}": invalid syntax')
    return int(sec) * 1_000_000_000 + (int(frac[:9].ljust(9, "0")) if frac else 0)


def human_duration(ns: int) -> str:
    """go-units HumanDuration, as in ``docker ps`` Status."""
    seconds = ns // 1_000_000_000
    minutes, hours = seconds // 60, int(ns / 3.6e12 + 0.5)
    if seconds < 1:
        return "Less than a second"
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    if minutes < 60:
        return "About a minute" if minutes == 1 else f"{minutes} minutes"
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 14:
        return f"{hours // 24} days"
    if hours < 24 * 60:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 730:
        return f"{hours // 24 // 30} months"
    return f"{seconds // 3600 // 24 // 365} years"


def _split_version(path: str) -> tuple[str | None, str]:
    m = re.fullmatch(r"/v([0-9.]+)(/.*)", path)
    return (m.group(1), m.group(2)) if m else (None, path)


def _vtuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def _label_matches(labels: dict[str, Any], wanted: str) -> bool:
    key, eq, value = wanted.partition("=")
    return key in labels and (not eq or str(labels[key]) == value)


def _parse_filters(raw: str) -> dict[str, list[str]]:
    """``{"type":["container"]}`` or the legacy ``{"type":{"container":true}}``."""
    if not raw:
        return {}
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"invalid filter: {exc}") from None
    if not isinstance(doc, dict):
        raise ValueError("invalid filter: not an object")
    out: dict[str, list[str]] = {}
    for key, values in doc.items():
        out[key] = [k for k, v in values.items() if v] if isinstance(values, dict) else list(values)
    return out


def _signal_number(value: str) -> int:
    if value.isdigit():
        return int(value)
    name = value.upper() if value.upper().startswith("SIG") else "SIG" + value.upper()
    try:
        return int(signal.Signals[name])
    except KeyError:
        raise ValueError(f"Invalid signal: {value}") from None


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def _error(status: int, message: str) -> _Response:
    return _Response(status, go_json({"message": message}))


def _json(obj: Any, status: int = 200) -> _Response:
    return _Response(status, go_json(obj))


def _request_from_h11(ev: h11.Request) -> Request:
    target = ev.target.decode("latin-1")
    path, _, qs = target.partition("?")
    headers: dict[str, str] = {}
    for name, value in ev.headers:
        key, text = name.decode("latin-1"), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return Request(ev.method.decode(), path, dict(parse_qsl(qs, keep_blank_values=True)), headers)


def _chunk(piece: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(piece), piece)


def _close_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


# --- the engine ---------------------------------------------------------------------------------


class FakeEngine:
    """A small Docker Engine on a temp AF_UNIX socket. See the module docstring."""

    def __init__(
        self,
        api_version: str = "1.41",
        *,
        min_api_version: str = "1.12",
        clock: Callable[[], int] = time.time_ns,
        engine_version: str = "20.10.24+dfsg1",
    ) -> None:
        self.api_version = api_version
        self.min_api_version = min_api_version
        self.clock = clock
        self.engine_version = engine_version
        self.requests: list[Request] = []
        self.chunking: Chunker = per_record
        self.subscribe_delay = 0.0
        self.stop_exit_code = 143
        self.stale_for = 0.0
        #: Lines a second every container prints to ``GET /containers/{id}/logs`` (stdout,
        #: multiplexed, one frame a line, followed until the client goes); 0: no logs route.
        self.log_rate = 0.0
        self._dir = tempfile.mkdtemp(prefix="genet-fake-", dir="/tmp")
        self.socket_path = os.path.join(self._dir, "docker.sock")
        self.url = "unix://" + self.socket_path
        self._lock = threading.RLock()
        self._containers: dict[str, _Container] = {}
        # Images, volumes and networks: engine-shaped documents by key (id, name, id).
        self._objects: dict[str, dict[str, dict[str, Any]]] = {
            "image": {}, "volume": {}, "network": {}}
        self._history: deque[tuple[int, Any, bytes]] = deque(maxlen=HISTORY_SIZE)
        self._subs: list[_Subscriber] = []
        self._faults: list[Fault] = []
        self._conns: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._halt = threading.Event()
        self._last_ns = 0
        self._next_pid = 4000
        self._daemon_id = ":".join(secrets.token_hex(2).upper() for _ in range(12))
        self._closed = False
        self._downs = 0
        self.start()

    # lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> FakeEngine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Bind the socket (again) and accept connections. No-op when already up."""
        with self._lock:
            if self._closed:
                raise RuntimeError("FakeEngine is closed")
            if self._listener is not None:
                return
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(self.socket_path)
            listener.listen(128)
            listener.settimeout(0.05)
            self._listener, self._halt = listener, threading.Event()
            self._acceptor = threading.Thread(
                target=self._accept_loop, args=(listener, self._halt),
                name="fake-engine-accept", daemon=True)
            self._acceptor.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Go down: close the listener and every connection, remove the socket, forget the
        event history. Raises RuntimeError if a thread of the fake did not end in time."""
        with self._lock:
            if self._listener is None:
                return
            self._listener, halt, acceptor = None, self._halt, self._acceptor
            self._history.clear()
        halt.set()
        if acceptor is not None:
            acceptor.join(timeout)  # it closes the listener on its way out
        # Keep the old inode allocated (renamed aside until close()) so the next start() is
        # sure to get a new one, as a restarted daemon's socket does.
        self._downs += 1
        with contextlib.suppress(FileNotFoundError):
            os.rename(self.socket_path, f"{self.socket_path}.down{self._downs}")
        with self._lock:
            conns, subs, threads = list(self._conns), list(self._subs), list(self._threads)
        for sub in subs:
            sub.queue.put(_STOP)
        for sock in conns:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
        if acceptor is not None and acceptor.is_alive():
            alive.append(acceptor.name)
        if alive:
            raise RuntimeError(f"fake engine threads still running: {alive}")

    def close(self) -> None:
        """Stop and remove the temp dir. Idempotent."""
        if self._closed:
            return
        try:
            self.stop()
        finally:
            self._closed = True
            shutil.rmtree(self._dir, ignore_errors=True)

    # store --------------------------------------------------------------------------------------

    def add_container(self, name: str, image: str = "busybox", state: str = "running",
                      labels: dict[str, str] | None = None, id: str | None = None, *,
                      cmd: list[str] | None = None, env: list[str] | None = None,
                      tty: bool = False) -> str:
        """Put a container in the store without any event; returns its 64-hex id."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}")
        with self._lock:
            if self._by_name(name) is not None:
                raise ValueError(f"name {name!r} in use")
            now = self.clock()
            c = _Container(id or secrets.token_hex(32), name.lstrip("/"), image,
                           dict(labels or {}), state, now)
            if state in _ALIVE or state in ("exited", "dead"):
                c.started_ns, c.pid = now, self._new_pid() if state in _ALIVE else 0
            if state in ("exited", "dead"):
                c.finished_ns = now
            c.cmd, c.env, c.tty = list(cmd or c.cmd), list(env or c.env), tty
            self._containers[c.id] = c
            return c.id

    def add_object(self, kind: str, doc: dict[str, Any]) -> str:
        """Put an image, volume or network document (as the engine's inspect answers it) in
        the store without any event; its list entry is the same document. Returns its key."""
        key = str(doc["Name"] if kind == "volume" else doc["Id"])
        with self._lock:
            self._objects[kind][key] = dict(doc)
        return key

    def remove_object(self, kind: str, key: str) -> None:
        """Take an image, volume or network out of the store without any event."""
        with self._lock:
            self._objects[kind].pop(key, None)

    def set_state(self, ref: str, state: str, exit_code: int = 0,
                  oom_killed: bool = False) -> None:
        """Change a container's state without any event (``oom_killed``: the engine killed
        it for memory, as inspect's ``State.OOMKilled`` tells)."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}")
        with self._lock:
            c = self._must_find(ref)
            if state in _ALIVE and c.state not in _ALIVE:
                c.started_ns, c.pid = self.clock(), self._new_pid()
            if state not in _ALIVE:
                c.finished_ns, c.pid, c.exit_code = self.clock(), 0, exit_code
            c.oom_killed = oom_killed
            c.state, c.prev_state = state, ""

    def remove_container(self, ref: str) -> None:
        """Drop a container from the store without any event."""
        with self._lock:
            del self._containers[self._must_find(ref).id]

    def inspect(self, ref: str) -> dict[str, Any]:
        """A copy of the document ``GET /containers/{ref}/json`` answers (editing it changes
        nothing: give ``cmd``/``env``/``tty`` to `add_container`)."""
        with self._lock:
            return self._inspect_doc(self._must_find(ref))

    def act(self, ref: str, action: str, **params: str) -> int:
        """Run an action as another API client would (events and all); returns the status.
        ``action`` is start, stop, restart, pause, unpause, kill, rename or remove."""
        if action == "remove":
            return self._remove(ref, params).status
        return self._act(ref, action, params).status

    # events -------------------------------------------------------------------------------------

    def emit(self, record: dict[str, Any]) -> None:
        """Publish one record as is: to open streams (through their filters) and the history."""
        self._publish([record])

    def emit_many(self, records: Iterable[dict[str, Any]]) -> None:
        """Publish records as one batch (one chunk under `whole` chunking)."""
        self._publish(list(records))

    def emit_raw(self, data: bytes) -> None:
        """Push bytes as they are to every open events stream (not to the history)."""
        with self._lock:
            for sub in self._subs:
                sub.queue.put(data)

    def event_history(self) -> list[dict[str, Any]]:
        """The records published so far (as the engine keeps them for ``since``), oldest first."""
        with self._lock:
            return [record for _t, record, _line in self._history]

    def events_all_sent(self) -> bool:
        """Has every open events stream written out all that was published to it?"""
        with self._lock:
            return all(sub.queue.empty() for sub in self._subs)

    @property
    def connection_count(self) -> int:
        """Connections accepted and not yet closed (by either side)."""
        with self._lock:
            return len(self._conns)

    @property
    def subscriber_count(self) -> int:
        """Open ``/events`` streams whose subscription is registered."""
        with self._lock:
            return len(self._subs)

    def wait_subscribed(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until at least ``count`` events streams are registered (headers come first)."""
        deadline = time.monotonic() + timeout
        while self.subscriber_count < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.subscriber_count} of {count} event streams open")
            time.sleep(0.005)

    def cut_streams(self, timeout: float = 5.0) -> None:
        """Every open events stream gets half a record (a chunk shorter than its size line),
        then its socket closes. Returns once those streams are gone."""
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.queue.put(_CUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not any(s in self._subs for s in subs):
                    return
            time.sleep(0.005)

    # faults -------------------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        """Arm a fault (after those already armed); returns it, to inspect ``times`` left."""
        if fault.kind not in _FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {_FAULT_KINDS}")
        if fault.route is not None:
            re.compile(fault.route)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def fail(self, route: str | None, status: int = 500, message: str | None = None,
             times: int | None = 1) -> Fault:
        msg = message or f"fake engine: injected {status} {HTTPStatus(status).phrase}"
        return self.add_fault(Fault("fail", route, times, status=status, message=msg))

    def http10(self, route: str | None = None, times: int | None = None) -> Fault:
        return self.add_fault(Fault("http10", route, times))

    def reset(self, route: str | None = None, times: int | None = None) -> Fault:
        return self.add_fault(Fault("reset", route, times))

    def stall(self, route: str | None = None, *, after_headers: bool = False,
              times: int | None = None) -> Fault:
        return self.add_fault(Fault("stall_body" if after_headers else "stall", route, times))

    def drip(self, route: str | None = None, every: float = 1.0,
             times: int | None = None) -> Fault:
        """Answer one byte every ``every`` seconds: each read gets something, the whole never
        comes in time."""
        return self.add_fault(Fault("drip", route, times, every=every))

    def truncate(self, route: str | None = None, times: int | None = None) -> Fault:
        return self.add_fault(Fault("truncate", route, times))

    def garbage(self, route: str | None = None, data: bytes = _GARBAGE,
                times: int | None = None) -> Fault:
        return self.add_fault(Fault("garbage", route, times, data=data))

    def _take_fault(self, req: Request, kinds: Iterable[str] | None = None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if (kinds is None or fault.kind in kinds) and fault.matches(req):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    # connections --------------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        def run() -> None:
            try:
                target(*args)
            finally:
                with self._lock:
                    self._threads.discard(thread)

        thread = threading.Thread(target=run, name="fake-engine-conn", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket, halt: threading.Event) -> None:
        try:
            while not halt.is_set():
                try:
                    sock, _ = listener.accept()
                except TimeoutError:
                    continue
                sock.settimeout(None)
                with self._lock:
                    self._conns.add(sock)
                self._spawn(self._serve_connection, sock, halt)
        finally:
            listener.close()

    def _serve_connection(self, sock: socket.socket, halt: threading.Event) -> None:
        buf = b""
        try:
            while not halt.is_set():
                if not buf and self._reset_if_armed(sock):
                    return
                req, body, http_version, buf = self._read_request(sock, buf)
                if req is None or not self._handle(sock, req, body, http_version, halt):
                    return
        except (OSError, h11.ProtocolError):
            return
        finally:
            with self._lock:
                self._conns.discard(sock)
            _close_quietly(sock)

    def _read_request(self, sock: socket.socket, buf: bytes
                      ) -> tuple[Request | None, bytes, bytes, bytes]:
        """Read one whole request; (None, …) when the peer closed. A bad request is answered
        here (400, like Go's server) and also gives None."""
        conn = h11.Connection(h11.SERVER)
        if buf:  # receive_data(b"") would mean EOF
            conn.receive_data(buf)
        req: h11.Request | None = None
        body = bytearray()
        while True:
            try:
                ev = conn.next_event()
            except h11.RemoteProtocolError as exc:
                reason = str(exc)
                if "Host" in reason:
                    reason = "missing required Host header"
                sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                             b"charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: "
                             + reason.encode())
                return None, b"", b"", b""
            if ev is h11.NEED_DATA:
                data = sock.recv(65536)
                if not data:
                    return None, b"", b"", b""
                conn.receive_data(data)
            elif isinstance(ev, h11.Request):
                req = ev
            elif isinstance(ev, h11.Data):
                body += ev.data
            elif isinstance(ev, h11.EndOfMessage) and req is not None:
                return _request_from_h11(req), bytes(body), req.http_version, conn.trailing_data[0]
            else:
                return None, b"", b"", b""

    def _reset_if_armed(self, sock: socket.socket) -> bool:
        """With a reset fault armed, parse the request from a *peek* and, if it matches, close
        without reading it: unread data at close makes the peer's recv fail with ECONNRESET."""
        with self._lock:
            if not any(f.kind == "reset" and f.times != 0 for f in self._faults):
                return False
        peeked = sock.recv(65536, socket.MSG_PEEK)
        for _ in range(200):
            if b"\r\n\r\n" in peeked or not peeked:
                break
            time.sleep(0.001)
            peeked = sock.recv(65536, socket.MSG_PEEK)
        conn = h11.Connection(h11.SERVER)
        conn.receive_data(peeked)
        try:
            ev = conn.next_event()
        except h11.RemoteProtocolError:
            return False
        if not isinstance(ev, h11.Request):
            return False
        req = _request_from_h11(ev)
        if self._take_fault(req, kinds=("reset",)) is None:
            return False
        with self._lock:
            self.requests.append(req)
        self._linger_close(sock)
        return True

    @staticmethod
    def _linger_close(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        _close_quietly(sock)

    @staticmethod
    def _stall(sock: socket.socket) -> None:
        """Say nothing until the client hangs up or the fake shuts the socket down."""
        with contextlib.suppress(OSError):
            while sock.recv(65536):
                pass

    @staticmethod
    def _peer_closed(sock: socket.socket) -> bool:
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            return bool(readable) and not sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except (OSError, ValueError):
            return True

    # one request ---------------------------------------------------------------------------------

    def _handle(self, sock: socket.socket, req: Request, body: bytes, http_version: bytes,
                halt: threading.Event) -> bool:
        """Answer one request; returns whether the connection stays open for the next."""
        with self._lock:
            self.requests.append(req)
        fault = self._take_fault(req)
        kind = fault.kind if fault else None
        if http_version == b"1.0":
            framing = _HTTP10_CLIENT
        elif kind == "http10":
            framing = _HTTP10_FAULT
        else:
            framing = _Framing(keep_alive=req.headers.get("connection", "").lower() != "close")
        if fault is not None and kind == "fail":
            self._send(sock, framing, _error(fault.status, fault.message))
            return framing.keep_alive
        if kind == "reset":
            self._linger_close(sock)
            return False
        if kind == "stall":
            self._stall(sock)
            return False
        if fault is not None and kind == "garbage":
            sock.sendall(fault.data)
            return False
        if req.method == "GET" and req.route == "/events" and self._version_error(req) is None:
            return self._serve_events(sock, req, framing, kind, halt)
        logs = re.fullmatch(r"/containers/([^/]+)/logs", req.route)
        if req.method == "GET" and logs is not None and self.log_rate > 0:
            return self._serve_logs(sock, req, unquote(logs.group(1)), framing, halt)
        resp = self._dispatch(req, body)
        if fault is not None and kind == "drip":
            with contextlib.suppress(OSError):
                self._send(_Dripping(sock, fault.every, halt), framing, resp)  # type: ignore[arg-type]
            return False
        if kind == "stall_body":
            self._send(sock, framing, resp, head_only=True)
            self._stall(sock)
            return False
        self._send(sock, framing, resp, truncate=kind == "truncate")
        return framing.keep_alive and kind != "truncate"

    def _headers(self, framing: _Framing, status: int, content_type: str | None,
                 extra: Iterable[tuple[str, str]] = ()) -> list[str]:
        lines = [f"{framing.version} {status} {HTTPStatus(status).phrase}",
                 f"Api-Version: {self.api_version}"]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        lines += ["Docker-Experimental: false", "Ostype: linux",
                  f"Server: Docker/{self.engine_version} (linux)",
                  f"Date: {email.utils.formatdate(usegmt=True)}"]
        lines += [f"{k}: {v}" for k, v in extra]
        return lines

    def _send(self, sock: socket.socket, framing: _Framing, resp: _Response, *,
              truncate: bool = False, head_only: bool = False) -> None:
        no_body = resp.status in (204, 304)
        lines = self._headers(framing, resp.status, None if no_body else resp.content_type,
                              resp.headers)
        payload = b"" if no_body else resp.body
        if no_body:
            pass
        elif truncate:
            lines.append(f"Content-Length: {len(payload) + max(16, len(payload))}")
        elif framing.chunked and len(payload) > 2048:  # Go chunks what outgrows its buffer
            lines.append("Transfer-Encoding: chunked")
            payload = _chunk(payload) + b"0\r\n\r\n"
        elif framing.content_length:
            lines.append(f"Content-Length: {len(payload)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        sock.sendall(head if head_only else head + payload)

    def _version_error(self, req: Request) -> _Response | None:
        version = req.version
        if version is None:
            return None
        if _vtuple(version) > _vtuple(self.api_version):
            return _error(400, f"client version {version} is too new. Maximum supported API "
                               f"version is {self.api_version}")
        if _vtuple(version) < _vtuple(self.min_api_version):
            return _error(400, f"client version {version} is too old. Minimum supported API "
                               f"version is {self.min_api_version}, please upgrade your client "
                               "to a newer version")
        return None

    def _dispatch(self, req: Request, body: bytes) -> _Response:
        error = self._version_error(req)
        if error is not None:
            return error
        route, q = req.route, req.query
        if route == "/_ping" and req.method in ("GET", "HEAD"):
            return _Response(200, b"OK" if req.method == "GET" else b"",
                             "text/plain; charset=utf-8",
                             (("Builder-Version", "2"), ("Pragma", "no-cache"),
                              ("Cache-Control", "no-cache, no-store, must-revalidate")))
        if (req.method, route) == ("GET", "/version"):
            return _json(self._version_doc())
        if (req.method, route) == ("GET", "/info"):
            return _json(self._info_doc())
        if (req.method, route) == ("GET", "/containers/json"):
            return self._list(q)
        if (req.method, route) == ("POST", "/containers/create"):
            return self._create(q, body)
        if re.match(r"/(services|nodes|tasks)\b", route):  # like any engine not in a swarm
            return _error(503, 'This node is not a swarm manager. Use "docker swarm init" or '
                               '"docker swarm join" to connect this node to swarm and try again.')
        listed = {"/images/json": "image", "/volumes": "volume", "/networks": "network"}
        if req.method == "GET" and route in listed:
            with self._lock:
                docs = list(self._objects[listed[route]].values())
            return _json({"Volumes": docs, "Warnings": None} if route == "/volumes" else docs)
        m = re.fullmatch(r"/(images|volumes|networks)/(.+?)(/json)?", route)
        if m is not None and req.method == "GET":
            kind = m.group(1)[:-1]
            ref = unquote(m.group(2))
            with self._lock:
                docs = self._objects[kind]
                doc = docs.get(ref) or next(  # an image also by one of its tags
                    (d for d in docs.values() if ref in (d.get("RepoTags") or [])), None)
            return _json(doc) if doc is not None else _error(404, f"no such {kind}: {ref}")
        m = re.fullmatch(r"/containers/([^/]+)(/[a-z]+)?", route)
        if m is not None:
            ref, verb = unquote(m.group(1)), (m.group(2) or "")[1:]
            if req.method == "GET" and verb == "json":
                with self._lock:
                    c = self._find(ref)
                    return _json(self._inspect_doc(c)) if c else _no_such(ref)
            if req.method == "DELETE" and not verb:
                return self._remove(ref, q)
            if req.method == "POST" and verb in ("start", "stop", "restart", "pause",
                                                 "unpause", "kill", "rename"):
                return self._act(ref, verb, q)
        return _error(404, "page not found")

    # documents -----------------------------------------------------------------------------------

    def _version_doc(self) -> dict[str, Any]:
        arch = _GO_ARCH.get(platform.machine(), platform.machine())
        return {"Platform": {"Name": ""}, "Version": self.engine_version,
                "ApiVersion": self.api_version, "MinAPIVersion": self.min_api_version,
                "GitCommit": "fake", "GoVersion": "go1.19.8", "Os": "linux", "Arch": arch,
                "KernelVersion": platform.release(),
                "BuildTime": "2023-01-01T00:00:00.000000000+00:00"}

    def _info_doc(self) -> dict[str, Any]:
        with self._lock:
            states = [c.state for c in self._containers.values()]
        return {"ID": self._daemon_id, "Containers": len(states),
                "ContainersRunning": states.count("running"),
                "ContainersPaused": states.count("paused"),
                "ContainersStopped": len(states) - states.count("running") - states.count("paused"),
                "Images": 1, "Driver": "overlay2", "Name": "genet-fake",
                "ServerVersion": self.engine_version, "OSType": "linux",
                "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
                "Architecture": platform.machine(), "NCPU": os.cpu_count() or 1,
                "MemTotal": 8 * 1024**3, "DockerRootDir": "/var/lib/docker",
                "SystemTime": rfc3339nano(self.clock())}

    def _status(self, c: _Container) -> str:
        now = self.clock()
        state = self._shown(c)
        if state == "running":
            return f"Up {human_duration(now - c.started_ns)}"
        if state == "paused":
            return f"Up {human_duration(now - c.started_ns)} (Paused)"
        if state in ("exited", "restarting"):
            word = "Exited" if state == "exited" else "Restarting"
            return f"{word} ({c.exit_code}) {human_duration(now - c.finished_ns)} ago"
        return state.capitalize()

    def _shown(self, c: _Container) -> str:
        """The state list and inspect report: the one before the last action, for
        ``stale_for`` seconds after it (the engine answers before it catches up)."""
        if c.prev_state and time.monotonic() - c.changed_at < self.stale_for:
            return c.prev_state
        return c.state

    def _list_entry(self, c: _Container) -> dict[str, Any]:
        return {"Id": c.id, "Names": ["/" + c.name], "Image": c.image,
                "ImageID": _image_id(c.image), "Command": " ".join(c.cmd),
                "Created": c.created_ns // 1_000_000_000, "Ports": [], "Labels": dict(c.labels),
                "State": self._shown(c), "Status": self._status(c),
                "HostConfig": {"NetworkMode": "default"},
                "NetworkSettings": {"Networks": {}}, "Mounts": []}

    def _inspect_doc(self, c: _Container) -> dict[str, Any]:
        state = self._shown(c)
        return {
            "Id": c.id, "Created": rfc3339nano(c.created_ns), "Path": c.cmd[0],
            "Args": c.cmd[1:],
            "State": {"Status": state, "Running": state in _ALIVE,
                      "Paused": state == "paused", "Restarting": state == "restarting",
                      "OOMKilled": c.oom_killed, "Dead": state == "dead", "Pid": c.pid,
                      "ExitCode": c.exit_code, "Error": "",
                      "StartedAt": rfc3339nano(c.started_ns) if c.started_ns else ZERO_TIME,
                      "FinishedAt": rfc3339nano(c.finished_ns) if c.finished_ns else ZERO_TIME},
            "Image": _image_id(c.image), "Name": "/" + c.name, "RestartCount": 0,
            "Driver": "overlay2", "Platform": "linux",
            "HostConfig": {"NetworkMode": "default", "RestartPolicy": {"Name": "no"}},
            "Config": {"Hostname": c.id[:12], "Image": c.image, "Labels": dict(c.labels),
                       "Tty": c.tty, "Cmd": list(c.cmd), "Env": list(c.env)},
            "NetworkSettings": {"Ports": {}, "Networks": {}}, "Mounts": [],
        }

    # containers -----------------------------------------------------------------------------------

    def _new_pid(self) -> int:
        self._next_pid += 1
        return self._next_pid

    def _by_name(self, name: str) -> _Container | None:
        name = name.lstrip("/")
        return next((c for c in self._containers.values() if c.name == name), None)

    def _find(self, ref: str) -> _Container | None:
        """Full id, then name, then a unique id prefix: the engine's order."""
        if ref in self._containers:
            return self._containers[ref]
        named = self._by_name(ref)
        if named is not None or not ref:
            return named
        hits = [c for cid, c in self._containers.items() if cid.startswith(ref)]
        return hits[0] if len(hits) == 1 else None

    def _must_find(self, ref: str) -> _Container:
        c = self._find(ref)
        if c is None:
            raise KeyError(f"No such container: {ref}")
        return c

    def _list(self, q: dict[str, str]) -> _Response:
        try:
            filters = _parse_filters(q.get("filters", ""))
        except ValueError as exc:
            return _error(400, str(exc))
        with self._lock:
            rows = sorted(self._containers.values(), key=lambda c: -c.created_ns)
            if not _truthy(q.get("all")) and "status" not in filters:
                rows = [c for c in rows if self._shown(c) in _ALIVE]
            for key, wanted in filters.items():
                if key == "status":
                    rows = [c for c in rows if self._shown(c) in wanted]
                elif key == "label":
                    rows = [c for c in rows if all(_label_matches(c.labels, w) for w in wanted)]
                elif key == "name":
                    rows = [c for c in rows if any(re.search(w, c.name) for w in wanted)]
                elif key == "id":
                    rows = [c for c in rows if any(c.id.startswith(w) for w in wanted)]
            return _json([self._list_entry(c) for c in rows])

    def _create(self, q: dict[str, str], body: bytes) -> _Response:
        try:
            config = json.loads(body or b"{}")
        except ValueError as exc:
            return _error(400, f"invalid JSON: {exc}")
        if not isinstance(config, dict) or not config.get("Image"):
            return _error(400, "Config cannot be empty in order to create a container")
        name = q.get("name") or f"fake_{secrets.token_hex(3)}"
        with self._lock:
            taken = self._by_name(name)
            if taken is not None:
                return _error(409, f'Conflict. The container name "/{name}" is already in use '
                                   f'by container "{taken.id}". You have to remove (or rename) '
                                   "that container to be able to reuse that name.")
            cid = self.add_container(name, config["Image"], "created", config.get("Labels"),
                                     cmd=config.get("Cmd"), env=config.get("Env"),
                                     tty=bool(config.get("Tty")))
            self._publish([self._record(self._containers[cid], "create")])
        return _json({"Id": cid, "Warnings": []}, 201)

    def _remove(self, ref: str, q: dict[str, str]) -> _Response:
        with self._lock:
            c = self._find(ref)
            if c is None:
                return _no_such(ref)
            records = []
            if c.state in _ALIVE:
                if not _truthy(q.get("force")):
                    if c.state == "paused":
                        return _error(409, f"You cannot remove a paused container {c.id}. "
                                           "Unpause and then stop the container before "
                                           "attempting removal or force remove")
                    return _error(409, f"You cannot remove a running container {c.id}. Stop "
                                       "the container before attempting removal or force remove")
                records += self._die(c, signal.SIGKILL, 137)
            records.append(self._record(c, "destroy"))
            del self._containers[c.id]
            self._publish(records)
            return _Response(204)

    def _act(self, ref: str, action: str, q: dict[str, str]) -> _Response:
        """The state machine of the container actions, with the engine's answers."""
        with self._lock:
            c = self._find(ref)
            if c is None:
                return _no_such(ref)
            alive = c.state in _ALIVE
            records: list[dict[str, Any]] = []
            try:
                if action == "start":
                    if c.state == "paused":
                        return _error(409, "cannot start a paused container, try unpause instead")
                    if alive:
                        return _Response(304)
                    records.append(self._run(c, "start"))
                elif action in ("stop", "restart"):
                    if action == "stop" and not alive:
                        return _Response(304)
                    if alive:
                        signum = _signal_number(q.get("signal") or "SIGTERM")
                        code = self.stop_exit_code if signum == signal.SIGTERM else 128 + signum
                        records += [*self._die(c, signum, code), self._record(c, "stop")]
                    if action == "restart":
                        records += [self._run(c, "start"), self._record(c, "restart")]
                elif action == "kill":
                    if not alive:
                        return _error(409, f"Cannot kill container: {ref}: Container {c.id} "
                                           "is not running")
                    signum = _signal_number(q.get("signal") or "SIGKILL")
                    records += self._die(c, signum, 128 + signum)
                elif action == "pause":
                    if c.state != "running":
                        why = "is already paused" if c.state == "paused" else "is not running"
                        return _error(409, f"Container {c.id} {why}")
                    c.move("paused")
                    records.append(self._record(c, "pause"))
                elif action == "unpause":
                    if c.state != "paused":
                        return _error(500, f"Container {c.id} is not paused")
                    c.move("running")
                    records.append(self._record(c, "unpause"))
                elif action == "rename":
                    new = (q.get("name") or "").lstrip("/")
                    if not new:
                        return _error(400, "Neither old nor new names may be empty")
                    if self._by_name(new) is not None:
                        return _error(409, f'Conflict. The container name "/{new}" is already '
                                           "in use")
                    old, c.name = c.name, new
                    records.append(self._record(c, "rename", {"oldName": "/" + old}))
                else:
                    return _error(404, "page not found")
            except ValueError as exc:
                return _error(400, str(exc))
            self._publish(records)
            return _Response(204)

    def _run(self, c: _Container, action: str) -> dict[str, Any]:
        record = self._record(c, action)
        c.move("running")
        c.pid, c.started_ns = self._new_pid(), record["timeNano"]
        return record

    def _die(self, c: _Container, signum: int, code: int) -> list[dict[str, Any]]:
        kill = self._record(c, "kill", {"signal": str(int(signum))})
        die = self._record(c, "die", {"exitCode": str(code)})
        c.move("exited")
        c.pid, c.exit_code, c.finished_ns = 0, code, die["timeNano"]
        return [kill, die]

    # event plumbing -------------------------------------------------------------------------------

    def _tick(self) -> int:
        self._last_ns = max(self.clock(), self._last_ns + 1)
        return self._last_ns

    def _record(self, c: _Container, action: str,
                extra: dict[str, str] | None = None) -> dict[str, Any]:
        """A container event record in the engine's shape (Attributes sorted, as Go's maps)."""
        attrs = {**c.labels, "image": c.image, "name": c.name, **(extra or {})}
        t = self._tick()
        return {"status": action, "id": c.id, "from": c.image, "Type": "container",
                "Action": action, "Actor": {"ID": c.id, "Attributes": dict(sorted(attrs.items()))},
                "scope": "local", "time": t // 1_000_000_000, "timeNano": t}

    def _publish(self, records: list[dict[str, Any]]) -> None:
        """Append to the history and hand each stream its filtered part, as one batch."""
        with self._lock:
            lines = []
            for record in records:
                t = record.get("timeNano") if isinstance(record, dict) else None
                if not isinstance(t, int):
                    secs = record.get("time") if isinstance(record, dict) else None
                    t = secs * 1_000_000_000 if isinstance(secs, int) else self._tick()
                self._last_ns = max(self._last_ns, t)
                line = go_json(record)
                self._history.append((t, record, line))
                lines.append((record, line))
            for sub in self._subs:
                batch = b"".join(line for record, line in lines if sub.wants(record))
                if batch:
                    sub.queue.put(batch)

    def _serve_events(self, sock: socket.socket, req: Request, framing: _Framing,
                      kind: str | None, halt: threading.Event) -> bool:
        q = req.query
        try:
            since = parse_timestamp(q["since"]) if q.get("since") else None
            until = parse_timestamp(q["until"]) if q.get("until") else None
            filters = _parse_filters(q.get("filters", ""))
            bad = sorted(set(filters) - _EVENT_FILTERS)
            if bad:
                raise ValueError(f"invalid filter '{bad[0]}'")
        except ValueError as exc:
            self._send(sock, framing, _error(400, str(exc)))
            return framing.keep_alive
        extra = [("Transfer-Encoding", "chunked")] if framing.chunked else []
        head = self._headers(framing, 200, "application/json", extra)
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())  # flushed before subscribing
        if kind == "stall_body":
            self._stall(sock)
            return False
        if kind == "truncate":
            self._send_cut(sock, framing)
            return False
        if self.subscribe_delay:
            time.sleep(self.subscribe_delay)
        sub = _Subscriber(filters)
        only_past = until is not None and until <= self.clock()
        with self._lock:
            replay = b""
            if since is not None or until is not None:
                lo, hi = since or 0, until
                replay = b"".join(line for t, rec, line in self._history
                                  if t >= lo and (hi is None or t <= hi) and sub.wants(rec))
            if not only_past:
                self._subs.append(sub)
        try:
            if replay:
                self._send_events(sock, framing, replay)
            while not only_past:
                try:
                    item = sub.queue.get(timeout=0.05)
                except queue.Empty:
                    if halt.is_set() or self._peer_closed(sock):
                        return False
                    if until is not None and self.clock() > until:
                        break
                    continue
                if item is _STOP:
                    return False
                if item is _CUT:
                    self._send_cut(sock, framing)
                    return False
                if until is not None and self.clock() > until:
                    break
                assert isinstance(item, bytes)
                self._send_events(sock, framing, item)
            if framing.chunked:
                sock.sendall(b"0\r\n\r\n")
                return framing.keep_alive
            return False
        finally:
            with self._lock:
                if sub in self._subs:
                    self._subs.remove(sub)

    def _serve_logs(self, sock: socket.socket, req: Request, ref: str, framing: _Framing,
                    halt: threading.Event) -> bool:
        """A log flood (see ``log_rate``): ``tail`` past lines at once (at most 1,000), then,
        with ``follow=1``, ``log_rate`` lines a second in batches every 10 ms until the client
        closes the connection or the fake stops."""
        with self._lock:
            c = self._find(ref)
            name = c.name if c else ""
        if c is None:
            self._send(sock, framing, _no_such(ref))
            return framing.keep_alive
        tail = req.query.get("tail", "all")
        n = 0

        def frames(count: int) -> bytes:
            nonlocal n
            out = []
            for _ in range(count):
                line = f"{n:09d} {name} flood: lorem ipsum dolor sit amet {n % 977}\n".encode()
                out.append(struct.pack(">BxxxL", 1, len(line)) + line)
                n += 1
            return b"".join(out)

        extra = [("Transfer-Encoding", "chunked")] if framing.chunked else []
        head = self._headers(framing, 200, "application/vnd.docker.multiplexed-stream", extra)
        wrap = _chunk if framing.chunked else (lambda b: b)
        try:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            first = 1000 if tail == "all" else min(1000, max(0, int(tail or 0)))
            if first:
                sock.sendall(wrap(frames(first)))
            if _truthy(req.query.get("follow")):
                start, sent = time.monotonic(), 0
                while not halt.wait(0.01) and not self._peer_closed(sock):
                    due = int((time.monotonic() - start) * self.log_rate) - sent
                    if due > 0:
                        sock.sendall(wrap(frames(due)))
                        sent += due
                return False
            if framing.chunked:
                sock.sendall(b"0\r\n\r\n")
            return framing.keep_alive
        except OSError:
            return False

    def _send_events(self, sock: socket.socket, framing: _Framing, data: bytes) -> None:
        if not framing.chunked:
            sock.sendall(data)
            return
        for piece in self.chunking(data):
            if piece:
                sock.sendall(_chunk(piece))

    def _send_cut(self, sock: socket.socket, framing: _Framing) -> None:
        """Half a record: a chunk size line for all of it, then only its first half."""
        record = go_json({"status": "start", "id": "f" * 64, "from": "busybox",
                          "Type": "container", "Action": "start",
                          "Actor": {"ID": "f" * 64, "Attributes": {"image": "busybox",
                                                                   "name": "cut-short"}},
                          "scope": "local", "time": 0, "timeNano": 0})
        size = b"%x\r\n" % len(record) if framing.chunked else b""
        sock.sendall(size + record[: len(record) // 2])


def _image_id(image: str) -> str:
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def _no_such(ref: str) -> _Response:
    return _error(404, f"No such container: {ref}")
