"""A request that switches the connection out of HTTP: ``101`` then raw bytes both ways.

Theory of operation
-------------------
``POST /exec/{id}/start`` (and attach) with ``Connection: Upgrade`` and ``Upgrade: tcp`` is
answered ``HTTP/1.1 101 UPGRADED``; from the byte after that head on, the socket carries the
process's terminal (or its multiplexed frames) one way and its stdin the other. h11 frames the
request and the head: once it has seen the 101 both sides are ``SWITCHED_PROTOCOL``, and what
it had already received past the head is handed back as ``trailing_data``. Those bytes are the
first output: :class:`Upgraded` returns them from its first ``read`` before reading the socket.

Any other answer (a 404, a 409 with the engine's message) is read whole and returned as a
:class:`~genet_rx.wire.http.Response`; the caller turns it into its typed error.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import h11

from genet_rx.errors import EngineTimeout, ProtocolError
from genet_rx.wire.http import Response
from genet_rx.wire.transport import Transport

_MAX_HEAD = 64 * 1024
_MAX_ERROR_BODY = 1 << 20


class Upgraded:
    """A connection after its ``101``: ``read``/``send``/``close`` on the raw bytes.

    ``read`` blocks and returns ``b""`` at end of stream (also once closed); ``close`` may be
    called from any thread and unblocks a pending ``read``. Reads and sends may run on two
    threads at once (one each).
    """

    def __init__(self, transport: Transport, first: bytes, headers: Mapping[str, str]) -> None:
        self._t = transport
        self._first = first
        self.headers = dict(headers)  # lower-case names

    def read(self) -> bytes:
        if self._first:
            data, self._first = self._first, b""
            return data
        return self._t.recv(65536)

    def send(self, data: bytes) -> None:
        self._t.send(data)

    def close(self) -> None:
        self._t.close()


def request_upgrade(transport: Transport, host: str, method: str, target: str,
                    body: bytes | None = None, protocol: str = "tcp",
                    timeout: float | None = 10.0) -> Upgraded | Response:
    """Send a request asking to switch to ``protocol``; the switched connection, or the answer.

    The head must arrive within ``timeout``; after the switch the transport has no timeout (a
    shell may be silent for hours). A non-101 answer's transport is closed.
    """
    conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
    headers = [("Host", host), ("User-Agent", "genet"), ("Connection", "Upgrade"),
               ("Upgrade", protocol)]
    if body is not None:
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    try:
        out = conn.send(h11.Request(method=method, target=target, headers=headers)) or b""
        if body:
            out += conn.send(h11.Data(data=body)) or b""
        out += conn.send(h11.EndOfMessage()) or b""
    except h11.LocalProtocolError as exc:
        transport.close()
        raise ProtocolError(f"cannot send {method} {target!r}: {exc}") from None
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        transport.settimeout(timeout)
        transport.send(out)
        event = _next(conn, transport, deadline)
        while isinstance(event, h11.InformationalResponse) and event.status_code != 101:
            event = _next(conn, transport, deadline)
        if not isinstance(event, h11.InformationalResponse | h11.Response):
            raise ProtocolError("the connection closed before the engine answered")
        status = event.status_code
        head = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in event.headers}
        if status == 101:
            first, _closed = conn.trailing_data
            transport.settimeout(None)
            return Upgraded(transport, bytes(first), head)
        parts: list[bytes] = []
        size = 0
        while True:
            event = _next(conn, transport, deadline)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > _MAX_ERROR_BODY:
                    break
                parts.append(bytes(event.data))
            else:
                break
        transport.close()
        return Response(status, head, b"".join(parts))
    except BaseException:
        transport.close()
        raise


def _next(conn: h11.Connection, transport: Transport, deadline: float | None) -> object:
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise ProtocolError(f"the engine's answer is not valid HTTP: {exc}") from None
        if event is h11.PAUSED:
            return h11.ConnectionClosed()
        if event is not h11.NEED_DATA:
            return event
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineTimeout("the engine did not answer in time",
                                    "it may be overloaded or hung")
            transport.settimeout(left)
        data = transport.recv(65536)
        try:
            conn.receive_data(data)
        except h11.RemoteProtocolError as exc:
            raise ProtocolError(f"the engine's answer is not valid HTTP: {exc}") from None
