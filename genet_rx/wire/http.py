"""HTTP/1.1 to the engine over a :class:`~genet_rx.transport.Transport`, framed by h11.

h11 does the framing (Content-Length, chunked, close-delimited HTTP/1.0 bodies, bodiless 304s);
this module only pumps bytes between it and the transport. A stream owns its connection and
closing it ends exactly that stream. Short calls may keep theirs open afterwards for the next
call (``keep_alive``, see :mod:`genet_rx.wire.pool`); streams never do.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import h11
from msgspec import Struct

from genet_rx.errors import EngineTimeout, ProtocolError
from genet_rx.wire.transport import Transport

_MAX_HEAD = 64 * 1024

#: What one short answer may hold once decoded: each ``{`` or ``[`` becomes a Python dict or
#: list of at least 56 bytes, so a body of mostly brackets multiplies twentyfold (32 MiB of
#: ``[{},…]`` took 861 MiB). Counting them first refuses such an answer before decoding it.
MAX_CONTAINERS_IN_ANSWER = 2_000_000


def check_objects(data: bytes, what: str = "the engine's answer") -> None:
    """ProtocolError when ``data`` holds more JSON objects and arrays than
    :data:`MAX_CONTAINERS_IN_ANSWER`: checked before any decoder builds them."""
    brackets = data.count(b"{") + data.count(b"[")
    if brackets > MAX_CONTAINERS_IN_ANSWER:
        raise ProtocolError(f"{what} holds too many objects to decode ({brackets:,} objects "
                            f"and arrays; at most {MAX_CONTAINERS_IN_ANSWER:,})")


def decode_json(data: bytes, what: str = "the engine's answer") -> Any:
    """JSON from the engine, or ProtocolError: never RecursionError, never a blow-up."""
    check_objects(data, what)
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{what} is not JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError(f"{what} is nested too deeply to decode") from None


class Response(Struct, frozen=True):
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return decode_json(self.body)

    @property
    def date_ns(self) -> int | None:
        """The answer's ``Date`` header: the daemon's own clock, to the second (or None)."""
        date = self.headers.get("date")
        if not date:
            return None
        try:
            return int(email.utils.parsedate_to_datetime(date).timestamp()) * 1_000_000_000
        except (TypeError, ValueError):
            return None

    @property
    def message(self) -> str:
        """The engine's ``{"message": …}`` text, or the raw body, for an error answer."""
        try:
            doc = decode_json(self.body)
        except ProtocolError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("message"), str):
            return str(doc["message"])
        text = self.body.decode("utf-8", "replace").strip()
        return text or f"HTTP {self.status}"


class HTTPStream:
    """A request in flight on its own transport: read the head, then the body piece by piece.

    ``read`` blocks and returns ``b""`` once the body has ended. ``close`` may be called from
    any thread; it unblocks a pending ``read``.
    """

    def __init__(self, transport: Transport, host: str, *, keep_alive: bool = False) -> None:
        self._t = transport
        self._conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self._host = host
        self._keep_alive = keep_alive
        self.status = 0
        self.headers: dict[str, str] = {}
        self._ended = False
        self.answered = False  # a byte of this request's answer has arrived
        self.deadline: float | None = None  # time.monotonic() by which the answer must be in

    @property
    def transport(self) -> Transport:
        return self._t

    def reusable(self) -> bool:
        """The request and its whole answer are through and neither side said
        ``Connection: close`` (nor spoke HTTP/1.0), and nothing came after the answer: the
        connection may carry another."""
        return (self._keep_alive and self._conn.our_state is h11.DONE
                and self._conn.their_state is h11.DONE and not self._conn.trailing_data[0])

    def next_cycle(self) -> None:
        """Make a :meth:`reusable` connection ready for its next request."""
        self._conn.start_next_cycle()
        self.status = 0
        self.headers = {}
        self._ended = False
        self.answered = False
        self.deadline = None

    def send_request(self, method: str, target: str, body: bytes | None = None,
                     headers: Mapping[str, str] | None = None) -> None:
        hdrs = [("Host", self._host), ("User-Agent", "genet")]
        if not self._keep_alive:
            hdrs.append(("Connection", "close"))
        if body is not None:
            hdrs += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        hdrs += list((headers or {}).items())
        try:
            out = self._conn.send(h11.Request(method=method, target=target, headers=hdrs))
            if body:
                out = (out or b"") + (self._conn.send(h11.Data(data=body)) or b"")
            out = (out or b"") + (self._conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError as exc:
            raise ProtocolError(f"cannot send {method} {target!r}: {exc}") from None
        self._t.send(out)

    def read_head(self) -> None:
        """Block until the status line and headers have arrived."""
        while True:
            event = self._next_event()
            if isinstance(event, h11.InformationalResponse):
                continue
            if isinstance(event, h11.Response):
                self.status = event.status_code
                self.headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                                for k, v in event.headers}
                return
            raise ProtocolError("the connection closed before the engine answered")

    def read(self) -> bytes:
        """The next piece of the body (any size), or ``b""`` at its end."""
        while not self._ended:
            event = self._next_event()
            if isinstance(event, h11.Data):
                if event.data:
                    return bytes(event.data)
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                self._ended = True
        return b""

    def read_all(self, limit: int = 256 * 1024 * 1024) -> bytes:
        parts: list[bytes] = []
        size = 0
        while chunk := self.read():
            size += len(chunk)
            if size > limit:
                raise ProtocolError("the engine's answer is too large")
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self._t.close()

    def settimeout(self, seconds: float | None) -> None:
        self._t.settimeout(seconds)

    def _next_event(self) -> Any:
        while True:
            try:
                event = self._conn.next_event()
            except h11.RemoteProtocolError as exc:
                raise ProtocolError(f"the engine's answer is not valid HTTP: {exc}") from None
            if event is h11.NEED_DATA:
                if self.deadline is not None:
                    # A deadline for the whole answer, not per read: an engine dripping a byte
                    # a second must not hold a 3 s call for minutes.
                    left = self.deadline - time.monotonic()
                    if left <= 0:
                        raise EngineTimeout("the engine did not answer in time",
                                            "it may be overloaded or hung")
                    self._t.settimeout(left)
                data = self._t.recv(65536)
                self.answered = self.answered or bool(data)
                try:
                    self._conn.receive_data(data)
                except h11.RemoteProtocolError as exc:
                    raise ProtocolError(f"the engine's answer is not valid HTTP: {exc}") from None
                if not data and self._conn.their_state is h11.SEND_BODY and not _close_delimited(
                        self.headers):
                    raise ProtocolError("the engine's answer was cut short")
                continue
            if event is h11.PAUSED:
                return h11.ConnectionClosed()
            return event


def _close_delimited(headers: Mapping[str, str]) -> bool:
    return "content-length" not in headers and "chunked" not in headers.get(
        "transfer-encoding", "")


def ask(stream: HTTPStream, method: str, target: str, body: bytes | None = None,
        timeout: float | None = 10.0) -> Response:
    """Send one request on ``stream`` and read its whole answer within ``timeout``."""
    stream.deadline = None if timeout is None else time.monotonic() + timeout
    stream.settimeout(timeout)
    stream.send_request(method, target, body)
    stream.read_head()
    data = stream.read_all()
    return Response(stream.status, stream.headers, data)


def exchange(open_transport: Callable[[], Transport], host: str, method: str, target: str,
             body: bytes | None = None, timeout: float | None = 10.0) -> Response:
    """One short request: connect, send, read the whole answer, close."""
    stream = HTTPStream(open_transport(), host)
    try:
        return ask(stream, method, target, body, timeout)
    finally:
        stream.close()
