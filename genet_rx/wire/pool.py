"""Keep-alive for short calls: a few idle HTTP connections to one engine, used again.

Theory of operation: a short call (a list, an inspect, a command) takes a connection from the
pool — the most recently used idle one that is still good, else a new one — sends its request
without ``Connection: close``, reads the whole answer, and gives the connection back only when
h11 says both sides are through and willing (:meth:`HTTPStream.reusable`: no
``Connection: close``, no HTTP/1.0). A failure, a timeout or an answer read in part closes it
instead. A connection out of the pool belongs to one call, so threads never share one. Idle
connections are few (``max_idle``) and short-lived (a timer closes them after
``idle_timeout``); :meth:`ConnectionPool.close` closes them all, and a connection given back
after that is closed at once.

An engine may close an idle connection at any moment. ``Transport.dropped`` finds most of
these before reuse; the rest show as the connection ending before the first byte of the
answer. Then a GET or HEAD is sent once more, on a new connection; any other method (a POST
may have been done) fails with an error saying so: Genet never sends a command twice.

Over ssh this is the point: one ``docker system dial-stdio`` serves call after call instead of
one process each; over TLS a handshake is saved. Streams (events, logs, stats, attach,
pulls) never come here: each keeps its own connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from genet_rx.errors import EngineTimeout, EngineUnreachable, ProtocolError
from genet_rx.wire.http import HTTPStream, Response, ask
from genet_rx.wire.transport import Transport

#: Methods that may be sent again when a kept connection turns out closed.
IDEMPOTENT = frozenset({"GET", "HEAD"})


class ConnectionPool:
    """Short calls to one engine over kept-alive connections. Thread-safe."""

    def __init__(self, connect: Callable[[], Transport], host: str, *, max_idle: int = 3,
                 idle_timeout: float = 30.0) -> None:
        self._connect = connect
        self._host = host
        self._max_idle = max_idle
        self._idle_timeout = idle_timeout
        self._idle: list[tuple[float, HTTPStream]] = []  # (idle since, connection), newest last
        self._lock = threading.Lock()
        self._closed = False
        self._timer: threading.Timer | None = None

    @property
    def idle(self) -> int:
        """How many connections wait for a call now."""
        with self._lock:
            return len(self._idle)

    def exchange(self, method: str, target: str, body: bytes | None = None,
                 timeout: float | None = 10.0) -> Response:
        """One request and its whole answer, on a kept connection when one is good."""
        stream = self._take()
        reused = stream is not None
        while True:
            if stream is None:
                stream = HTTPStream(self._connect(), self._host, keep_alive=self._max_idle > 0)
            try:
                response = ask(stream, method, target, body, timeout)
            except EngineTimeout:
                stream.close()
                raise
            except (ProtocolError, EngineUnreachable, OSError) as exc:
                stream.close()
                if not reused or stream.answered:
                    raise
                if method not in IDEMPOTENT:
                    raise EngineUnreachable(
                        f"the connection closed before the engine answered {method} "
                        f"{target.split('?')[0]}",
                        "it was not sent again (it may have been done): check, then try "
                        "again") from exc
                stream, reused = None, False  # once more, on a new connection
                continue
            except BaseException:
                stream.close()
                raise
            self._give_back(stream)
            return response

    def close(self) -> None:
        """Close every idle connection; calls in flight close theirs when they end."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        for _, stream in idle:
            stream.close()

    def _take(self) -> HTTPStream | None:
        gone: list[HTTPStream] = []
        found = None
        with self._lock:
            now = time.monotonic()
            while self._idle:
                since, stream = self._idle.pop()
                if now - since >= self._idle_timeout or stream.transport.dropped():
                    gone.append(stream)
                    continue
                found = stream
                break
        for stream in gone:
            stream.close()
        return found

    def _give_back(self, stream: HTTPStream) -> None:
        if not stream.reusable():
            stream.close()
            return
        stream.next_cycle()
        with self._lock:
            keep = not self._closed and len(self._idle) < self._max_idle
            if keep:
                self._idle.append((time.monotonic(), stream))
                self._arm(self._idle_timeout)
        if not keep:
            stream.close()

    def _arm(self, delay: float) -> None:
        """(Under the lock.) Close expired connections after ``delay`` unless a timer waits."""
        if self._timer is None and not self._closed:
            self._timer = threading.Timer(delay, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            self._timer = None
            now = time.monotonic()
            expired = [s for since, s in self._idle if now - since >= self._idle_timeout]
            self._idle = [(since, s) for since, s in self._idle
                          if now - since < self._idle_timeout]
            if self._idle:
                self._arm(self._idle[0][0] + self._idle_timeout - now)
        for stream in expired:
            stream.close()
