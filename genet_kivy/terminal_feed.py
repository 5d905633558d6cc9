"""The bounded hand-off from a session's reader thread to the terminal on the UI thread.

A terminal must not drop output, and a flood (``yes``) must not grow memory without bound or
starve the frames. So the reader thread ``put``s each chunk and blocks while ``limit`` bytes
are already waiting; the UI ``take``s a bounded slice per frame. A blocked reader stops
reading the socket, the engine stops copying from the process's terminal, and the process
waits on its full pty: back-pressure, as in any terminal. Keys are written on another thread,
so Ctrl+C still reaches the process meanwhile. ``close`` releases a blocked ``put``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class Feed:
    """Bytes from one producer thread to one consumer, at most ``limit`` waiting."""

    def __init__(self, limit: int = 256 * 1024,
                 wake: Callable[[], None] = lambda: None) -> None:
        self._limit = limit
        self._wake = wake
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._closed = False
        self._blocked = 0
        self._cond = threading.Condition()

    @property
    def blocked(self) -> int:
        """Producers waiting for room now."""
        with self._cond:
            return self._blocked

    @property
    def pending(self) -> int:
        """Bytes waiting to be taken."""
        with self._cond:
            return self._size

    def put(self, data: bytes) -> None:
        """Queue ``data``; blocks while the queue is full (returns at once once closed)."""
        with self._cond:
            while self._size >= self._limit and not self._closed:
                self._blocked += 1
                self._cond.wait()
                self._blocked -= 1
            if self._closed:
                return
            self._chunks.append(data)
            self._size += len(data)
        self._wake()

    def take(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of what waits (``b""`` when nothing does); never blocks."""
        out: list[bytes] = []
        want = max_bytes
        with self._cond:
            while self._chunks and want > 0:
                chunk = self._chunks.popleft()
                if len(chunk) > want:
                    self._chunks.appendleft(chunk[want:])
                    chunk = chunk[:want]
                out.append(chunk)
                want -= len(chunk)
            self._size -= max_bytes - want
            self._cond.notify_all()
        return b"".join(out)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._chunks.clear()
            self._size = 0
            self._cond.notify_all()
