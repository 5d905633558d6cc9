"""Keep-alive for short calls (genet_rx.wire.pool), through the transport seam: scripted
in-memory connections, a socket pair for a peer that hangs up while idle, and an echoing
double for threads."""

from __future__ import annotations

import re
import socket
import threading

import pytest
from engine_helpers import wait_for

from genet_rx.errors import EngineUnreachable, ProtocolError
from genet_rx.wire.pool import ConnectionPool
from genet_rx.wire.transport import MemoryTransport, SocketTransport, Transport


def answer(body: bytes, *, headers: bytes = b"", version: bytes = b"1.1") -> bytes:
    return (b"HTTP/" + version + b" 200 OK\r\nContent-Length: %d\r\n" % len(body) + headers
            + b"\r\n" + body)


class Opener:
    """Hands out the given transports in order and counts how many were opened."""

    def __init__(self, *transports: MemoryTransport) -> None:
        self.transports = list(transports)
        self.opened: list[MemoryTransport] = []

    def __call__(self) -> Transport:
        transport = self.transports.pop(0)
        self.opened.append(transport)
        return transport


def test_two_calls_in_a_row_share_one_connection() -> None:
    opener = Opener(MemoryTransport([answer(b"one"), answer(b"two")]))
    pool = ConnectionPool(opener, "docker")
    assert pool.exchange("GET", "/a").body == b"one"
    assert pool.exchange("GET", "/b").body == b"two"
    assert len(opener.opened) == 1


def test_a_kept_connection_carries_both_requests_without_connection_close() -> None:
    transport = MemoryTransport([answer(b"one"), answer(b"two")])
    pool = ConnectionPool(Opener(transport), "docker")
    pool.exchange("GET", "/a")
    pool.exchange("POST", "/b", b"{}")
    assert re.findall(rb"(GET|POST) (/\w)", bytes(transport.sent)) == [(b"GET", b"/a"),
                                                                      (b"POST", b"/b")]
    assert b"connection: close" not in bytes(transport.sent).lower()


def test_an_answer_saying_connection_close_is_not_kept() -> None:
    first = MemoryTransport([answer(b"one", headers=b"Connection: close\r\n")])
    opener = Opener(first, MemoryTransport([answer(b"two")]))
    pool = ConnectionPool(opener, "docker")
    pool.exchange("GET", "/a")
    assert first.closed
    assert pool.exchange("GET", "/b").body == b"two"
    assert len(opener.opened) == 2


def test_an_http10_answer_is_not_kept() -> None:
    first = MemoryTransport([answer(b"one", version=b"1.0")])
    pool = ConnectionPool(Opener(first), "docker")
    pool.exchange("GET", "/a")
    assert first.closed
    assert pool.idle == 0


def test_bytes_after_the_answer_make_the_connection_unfit() -> None:
    first = MemoryTransport([answer(b"one") + b"HTTP/1.1 200 OK\r\n"])
    pool = ConnectionPool(Opener(first), "docker")
    assert pool.exchange("GET", "/a").body == b"one"
    assert first.closed


def test_a_get_on_a_connection_the_engine_closed_while_idle_is_sent_once_more() -> None:
    idle_then_closed = MemoryTransport([answer(b"one"), b""])
    opener = Opener(idle_then_closed, MemoryTransport([answer(b"two")]))
    pool = ConnectionPool(opener, "docker")
    pool.exchange("GET", "/a")
    assert pool.exchange("GET", "/b").body == b"two"
    assert len(opener.opened) == 2
    assert idle_then_closed.closed


def test_a_post_on_a_connection_the_engine_closed_while_idle_is_never_sent_again() -> None:
    idle_then_closed = MemoryTransport([answer(b"one"), b""])
    opener = Opener(idle_then_closed, MemoryTransport([answer(b"two")]))
    pool = ConnectionPool(opener, "docker")
    pool.exchange("GET", "/a")
    with pytest.raises(EngineUnreachable, match="not sent again"):
        pool.exchange("POST", "/containers/x/stop")
    assert len(opener.opened) == 1
    assert idle_then_closed.closed


def test_a_connection_that_ends_after_part_of_the_answer_is_not_retried() -> None:
    cut = MemoryTransport([answer(b"one"), b"HTTP/1.1 200 OK\r\nContent-Le", b""])
    opener = Opener(cut, MemoryTransport([answer(b"two")]))
    pool = ConnectionPool(opener, "docker")
    pool.exchange("GET", "/a")
    with pytest.raises(ProtocolError):
        pool.exchange("GET", "/b")
    assert len(opener.opened) == 1


def test_a_broken_answer_never_goes_back_to_the_pool() -> None:
    broken = MemoryTransport([b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nshort", b""])
    pool = ConnectionPool(Opener(broken), "docker")
    with pytest.raises(ProtocolError):
        pool.exchange("GET", "/a")
    assert pool.idle == 0
    assert broken.closed


def test_an_error_answer_read_whole_keeps_the_connection() -> None:
    transport = MemoryTransport([b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}"])
    pool = ConnectionPool(Opener(transport), "docker")
    assert pool.exchange("GET", "/containers/x/json").status == 404
    assert pool.idle == 1


def test_a_peer_that_hung_up_while_idle_is_found_before_a_post_is_sent() -> None:
    ours, theirs = socket.socketpair()
    fresh = MemoryTransport([answer(b"two")])
    opened: list[Transport] = []
    transports: list[Transport] = [SocketTransport(ours), fresh]

    def opener() -> Transport:
        opened.append(transports.pop(0))
        return opened[-1]

    pool = ConnectionPool(opener, "docker")
    theirs.sendall(answer(b"one"))
    pool.exchange("GET", "/a")
    theirs.close()  # the engine hangs up while the connection waits in the pool
    assert pool.exchange("POST", "/b").body == b"two"
    assert opened[1] is fresh


def test_idle_connections_are_closed_after_the_idle_timeout() -> None:
    transport = MemoryTransport([answer(b"one")])
    pool = ConnectionPool(Opener(transport), "docker", idle_timeout=0.05)
    pool.exchange("GET", "/a")
    wait_for(lambda: transport.closed, what="the idle connection closed")
    assert pool.idle == 0


def test_close_closes_the_idle_connections() -> None:
    transport = MemoryTransport([answer(b"one")])
    pool = ConnectionPool(Opener(transport), "docker")
    pool.exchange("GET", "/a")
    pool.close()
    assert transport.closed


def test_after_close_a_call_still_works_on_a_connection_of_its_own() -> None:
    later = MemoryTransport([answer(b"two")])
    pool = ConnectionPool(Opener(later), "docker")
    pool.close()
    assert pool.exchange("GET", "/a").body == b"two"
    assert later.closed


def test_without_keep_alive_every_call_says_connection_close() -> None:
    transport = MemoryTransport([answer(b"one")])
    pool = ConnectionPool(Opener(transport), "docker", max_idle=0)
    pool.exchange("GET", "/a")
    assert b"Connection: close" in bytes(transport.sent)
    assert transport.closed


class Echo:
    """An engine double on one connection: answers each request with its own path, and notes
    whenever a second request arrives before the first one's answer was read."""

    def __init__(self, overlaps: list[str]) -> None:
        self._overlaps = overlaps
        self._pending: list[bytes] = []
        self._lock = threading.Lock()
        self.closed = False

    def send(self, data: bytes) -> None:
        path = re.match(rb"\w+ (\S+) ", data)
        assert path is not None
        with self._lock:
            if self._pending:
                self._overlaps.append(path.group(1).decode())
            self._pending.append(answer(path.group(1)))

    def recv(self, max_bytes: int = 65536) -> bytes:
        with self._lock:
            return self._pending.pop(0) if self._pending else b""

    def settimeout(self, seconds: float | None) -> None:
        pass

    def dropped(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def test_threads_calling_at_once_never_share_a_connection() -> None:
    overlaps: list[str] = []
    opened: list[Echo] = []
    start = threading.Barrier(8)
    wrong: list[tuple[str, bytes]] = []

    def opener() -> Transport:
        opened.append(Echo(overlaps))
        return opened[-1]

    pool = ConnectionPool(opener, "docker")

    def calls(n: int) -> None:
        start.wait()
        for i in range(50):
            path = f"/t{n}/{i}"
            body = pool.exchange("GET", path).body
            if body != path.encode():
                wrong.append((path, body))

    threads = [threading.Thread(target=calls, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []
    assert wrong == []
    assert pool.idle <= 3
    assert sum(not e.closed for e in opened) == pool.idle
