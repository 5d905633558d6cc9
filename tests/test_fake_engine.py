"""The fake engine itself behaves: checked with stdlib sockets and h11 only (no product code)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import h11
import pytest
from fake_engine import FakeEngine, fixed, split_utf8, whole

_opened: list[socket.socket] = []


@pytest.fixture(autouse=True)
def _close_client_sockets() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().close()


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as engine:
        yield engine


def connect(fake: FakeEngine, timeout: float = 5.0) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _opened.append(sock)
    sock.settimeout(timeout)
    sock.connect(fake.socket_path)
    return sock


def call(fake: FakeEngine, method: str, target: str,
         body: Any = None) -> tuple[int, dict[str, str], bytes]:
    """One request with an h11 client; (status, headers, body)."""
    data = json.dumps(body).encode() if body is not None else b""
    headers = [("Host", "docker"), ("Content-Length", str(len(data)))]
    conn = h11.Connection(h11.CLIENT)
    with connect(fake) as sock:
        sock.sendall(conn.send(h11.Request(method=method, target=target, headers=headers)))
        sock.sendall(conn.send(h11.Data(data=data)) if data else b"")
        sock.sendall(conn.send(h11.EndOfMessage()))
        status, got, out = 0, {}, b""
        while True:
            ev = conn.next_event()
            if ev is h11.NEED_DATA:
                conn.receive_data(sock.recv(65536))
            elif isinstance(ev, h11.Response):
                status = ev.status_code
                got = {k.decode(): v.decode() for k, v in ev.headers}
            elif isinstance(ev, h11.Data):
                out += ev.data
            elif isinstance(ev, h11.EndOfMessage):
                return status, got, out


class Raw:
    """A raw HTTP reader: head, then chunks exactly as framed on the wire."""

    def __init__(self, fake: FakeEngine, target: str, *, version: str = "1.1",
                 timeout: float = 5.0) -> None:
        self.sock = connect(fake, timeout)
        self.sock.sendall(f"GET {target} HTTP/{version}\r\nHost: docker\r\n\r\n".encode())
        self.buf = b""

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        self.buf += data

    def until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            self._fill()
        out, _, self.buf = self.buf.partition(sep)
        return out

    def head(self) -> tuple[str, dict[str, str]]:
        status, *lines = self.until(b"\r\n\r\n").decode().split("\r\n")
        return status, {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines)}

    def chunk(self) -> bytes:
        size = int(self.until(b"\r\n"), 16)
        while len(self.buf) < size + 2:
            self._fill()
        data, self.buf = self.buf[:size], self.buf[size + 2 :]
        return data

    def rest(self) -> bytes:
        with pytest.raises(EOFError):
            while True:
                self._fill()
        return self.buf

    def close(self) -> None:
        self.sock.close()


def events(fake: FakeEngine, query: str = "") -> Raw:
    stream = Raw(fake, "/v1.41/events" + query)
    assert stream.head()[0] == "HTTP/1.1 200 OK"
    return stream


def stamp(ns: int) -> str:
    """A ``since``/``until`` value, exact to the nanosecond."""
    return f"{ns // 10**9}.{ns % 10**9:09d}"


def actions(chunks: list[bytes]) -> list[str]:
    return [json.loads(line)["Action"] for c in chunks for line in c.splitlines() if line]


def test_ping_version_info_and_version_prefix(fake: FakeEngine) -> None:
    status, headers, body = call(fake, "GET", "/_ping")
    assert (status, body, headers["api-version"]) == (200, b"OK", "1.41")
    _, _, body = call(fake, "GET", "/v1.41/version")
    doc = json.loads(body)
    assert (doc["ApiVersion"], doc["MinAPIVersion"], doc["Os"]) == ("1.41", "1.12", "linux")
    info = json.loads(call(fake, "GET", "/info")[2])
    assert info["SystemTime"].endswith("Z") and "ID" in info and info["Containers"] == 0
    status, _, body = call(fake, "GET", "/v1.52/_ping")
    assert status == 400
    assert json.loads(body) == {"message": "client version 1.52 is too new. Maximum supported "
                                           "API version is 1.41"}
    assert [r.version for r in fake.requests] == [None, "1.41", None, "1.52"]
    with FakeEngine("1.24") as old:
        assert call(old, "GET", "/_ping")[1]["api-version"] == "1.24"


def test_list_and_inspect_shape(fake: FakeEngine) -> None:
    web = fake.add_container("web", labels={"app": "shop"})
    fake.add_container("db", state="exited")
    fake.add_container("cache", state="paused")
    running = json.loads(call(fake, "GET", "/containers/json")[2])
    assert sorted(c["Names"][0] for c in running) == ["/cache", "/web"]
    every = json.loads(call(fake, "GET", "/containers/json?all=1")[2])
    entry = next(c for c in every if c["Id"] == web)
    assert {"Id", "Names", "Image", "ImageID", "Command", "Created", "Ports", "Labels", "State",
            "Status", "HostConfig", "NetworkSettings", "Mounts"} <= set(entry)
    assert entry["Labels"] == {"app": "shop"} and entry["Status"].startswith("Up ")
    statuses = {c["Names"][0]: c["Status"] for c in every}
    assert statuses["/db"].startswith("Exited (0) ") and statuses["/cache"].endswith("(Paused)")
    for ref in (web, web[:10], "web"):
        status, _, body = call(fake, "GET", f"/v1.41/containers/{ref}/json")
        doc = json.loads(body)
        assert status == 200 and doc["Id"] == web and doc["Name"] == "/web"
        assert doc["State"]["Status"] == "running" and doc["State"]["Running"] is True
        assert doc["Config"]["Labels"] == {"app": "shop"}
    status, _, body = call(fake, "GET", "/containers/nope/json")
    assert (status, json.loads(body)) == (404, {"message": "No such container: nope"})


def test_stop_emits_kill_die_stop_then_304(fake: FakeEngine) -> None:
    cid = fake.add_container("web", labels={"app": "shop"})
    stream = events(fake)
    fake.wait_subscribed()
    assert call(fake, "POST", f"/v1.41/containers/{cid}/stop")[0] == 204
    records = [json.loads(stream.chunk()) for _ in range(3)]
    assert [r["Action"] for r in records] == ["kill", "die", "stop"]
    kill, die, _ = records
    assert kill["Actor"]["Attributes"]["signal"] == "15"
    assert die["Actor"]["Attributes"] == {"app": "shop", "exitCode": "143", "image": "busybox",
                                          "name": "web"}
    assert records[0]["timeNano"] < records[1]["timeNano"] < records[2]["timeNano"]
    assert {"status", "id", "from", "Type", "scope", "time"} <= set(die)
    status, headers, body = call(fake, "POST", f"/containers/{cid}/stop")
    assert (status, body) == (304, b"") and "content-length" not in headers
    assert call(fake, "POST", f"/containers/{cid}/start")[0] == 204
    assert actions([stream.chunk()]) == ["start"]
    assert call(fake, "POST", f"/containers/{cid}/start")[0] == 304
    stream.close()


def test_conflicts_and_errors(fake: FakeEngine) -> None:
    up = fake.add_container("up")
    down = fake.add_container("down", state="exited")

    def answer(method: str, target: str) -> tuple[int, str]:
        status, _, body = call(fake, method, target)
        return status, json.loads(body)["message"] if body else ""

    assert answer("POST", f"/containers/{down}/pause") == (409, f"Container {down} is not running")
    assert answer("POST", "/containers/down/kill")[0] == 409
    assert answer("POST", "/containers/up/unpause") == (500, f"Container {up} is not paused")
    assert answer("DELETE", "/containers/up")[0] == 409
    assert answer("POST", "/containers/up/pause") == (204, "")
    assert answer("POST", "/containers/up/start") == (
        409, "cannot start a paused container, try unpause instead")
    assert answer("POST", "/containers/ghost/start") == (404, "No such container: ghost")
    stream = events(fake)
    fake.wait_subscribed()
    assert answer("DELETE", "/containers/up?force=1") == (204, "")
    assert actions([stream.chunk() for _ in range(3)]) == ["kill", "die", "destroy"]
    assert call(fake, "GET", "/containers/up/json")[0] == 404
    stream.close()


def test_since_replays_history_with_filters_and_until(fake: FakeEngine) -> None:
    cid = fake.add_container("web")
    t0 = fake.clock()
    fake.act(cid, "pause")
    fake.act(cid, "unpause")
    fake.emit({"Type": "network", "Action": "connect", "Actor": {"ID": "n1", "Attributes": {}},
               "scope": "local", "time": 0, "timeNano": fake.clock()})
    now = fake.clock()
    since = stamp(t0)
    filters = '{"type":["container"]}'
    stream = events(fake, f"?since={since}&until={stamp(now)}&filters={filters}")
    assert actions([stream.chunk(), stream.chunk()]) == ["pause", "unpause"]
    assert stream.until(b"\r\n\r\n") == b"0"  # until in the past: replay, then the end
    for i in range(300):
        fake.emit({"Type": "container", "Action": f"n{i}", "Actor": {"ID": "x"},
                   "timeNano": fake.clock()})
    stream = events(fake, f"?since=0&until={stamp(fake.clock())}")
    replayed = [json.loads(stream.chunk())["Action"] for _ in range(256)]
    assert replayed[0] == "n44" and replayed[-1] == "n299"  # only the last 256 are kept
    assert stream.until(b"\r\n\r\n") == b"0"


def test_http10_mode_is_close_delimited(fake: FakeEngine) -> None:
    fake.add_container("web")
    fake.http10()
    raw = Raw(fake, "/containers/json")
    status, headers = raw.head()
    assert status == "HTTP/1.0 200 OK"
    assert "content-length" not in headers and "transfer-encoding" not in headers
    assert json.loads(raw.rest())[0]["Names"] == ["/web"]
    stream = Raw(fake, "/events")
    assert stream.head()[0] == "HTTP/1.0 200 OK"
    fake.wait_subscribed()
    fake.emit_raw(b'{"not":"chunked"}\n')
    assert stream.until(b"\n") == b'{"not":"chunked"}'
    fake.clear_faults()
    assert Raw(fake, "/_ping").head()[0] == "HTTP/1.1 200 OK"


def test_chunk_splitting(fake: FakeEngine) -> None:
    cid = fake.add_container("café", labels={"note": "naïve ünïcode"})
    stream = events(fake)
    fake.wait_subscribed()
    fake.chunking = whole
    fake.act(cid, "stop")
    one = stream.chunk()
    assert actions([one]) == ["kill", "die", "stop"] and one.count(b"\n") == 3
    fake.chunking = fixed(7)
    fake.act(cid, "start")
    pieces = []
    while not b"".join(pieces).endswith(b"\n"):
        pieces.append(stream.chunk())
    assert all(len(p) <= 7 for p in pieces) and actions([b"".join(pieces)]) == ["start"]
    fake.chunking = split_utf8
    fake.act(cid, "pause")
    first, second = stream.chunk(), stream.chunk()
    with pytest.raises(UnicodeDecodeError):
        first.decode()
    assert json.loads(first + second)["Actor"]["Attributes"]["name"] == "café"
    stream.close()


def test_cut_streams_mid_record(fake: FakeEngine) -> None:
    stream = events(fake)
    fake.wait_subscribed()
    fake.cut_streams()
    size = int(stream.until(b"\r\n"), 16)
    rest = stream.rest()
    assert 0 < len(rest) < size
    assert fake.subscriber_count == 0


def test_faults(fake: FakeEngine) -> None:
    fake.fail("/_ping", 503, "boom", times=2)
    assert [call(fake, "GET", "/_ping")[0] for _ in range(3)] == [503, 503, 200]
    fake.reset("/info", times=1)
    raw = Raw(fake, "/info")
    with pytest.raises(ConnectionResetError):
        raw._fill()
    fake.truncate("/version", times=1)
    raw = Raw(fake, "/version")
    _, headers = raw.head()
    assert int(headers["content-length"]) > len(raw.rest())
    fake.garbage("/containers", times=1)
    assert not Raw(fake, "/containers/json").rest().startswith(b"HTTP/")
    fake.stall("/_ping", times=1)
    raw = Raw(fake, "/_ping", timeout=0.3)
    with pytest.raises(TimeoutError):
        raw._fill()
    fake.stall("/events", after_headers=True, times=1)
    raw = Raw(fake, "/events", timeout=0.3)
    assert raw.head()[0] == "HTTP/1.1 200 OK"
    with pytest.raises(TimeoutError):
        raw._fill()
    assert call(fake, "GET", "/_ping")[0] == 200


def test_bad_requests_and_recording(fake: FakeEngine) -> None:
    with connect(fake) as sock:
        sock.sendall(b"GET /_ping HTTP/1.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400 Bad Request")
    cid = fake.add_container("a.b_c")
    assert call(fake, "GET", "/containers/a%2Eb_c/json")[0] == 200
    assert call(fake, "GET", "/v1.41/events?since=x")[0] == 400
    req = fake.requests[-2]
    assert (req.method, req.path, req.headers["host"]) == ("GET", "/containers/a%2Eb_c/json",
                                                          "docker")
    assert fake.requests[-1].query == {"since": "x"} and fake.requests[-1].route == "/events"
    assert cid


def test_stop_start_rebinds_with_a_new_inode(fake: FakeEngine) -> None:
    cid = fake.add_container("web")
    fake.act(cid, "pause")
    inode = os.stat(fake.socket_path).st_ino
    stream = events(fake)
    fake.wait_subscribed()
    fake.stop()
    assert stream.rest() == b""
    assert not os.path.exists(fake.socket_path)
    with pytest.raises(OSError):
        connect(fake)
    fake.start()
    assert os.stat(fake.socket_path).st_ino != inode
    assert call(fake, "GET", "/_ping")[0] == 200
    assert json.loads(call(fake, "GET", f"/containers/{cid}/json")[2])["State"]["Paused"]
    replay = events(fake, f"?since=0&until={stamp(fake.clock())}")
    assert replay.until(b"\r\n\r\n") == b"0"  # the history died with the daemon


def test_close_leaves_no_threads_and_no_socket() -> None:
    before = {t for t in threading.enumerate() if t.name.startswith("fake-engine")}
    fake = FakeEngine()
    stream = events(fake)
    fake.stall("/_ping")
    stalled = Raw(fake, "/_ping")
    idle = connect(fake)
    fake.wait_subscribed()
    deadline = time.monotonic() + 5
    # Wait until all three are accepted and the stalled request read: a daemon that dies with
    # a connection not yet accepted, or a request not yet read, resets it (ECONNRESET).
    while fake.connection_count < 3 or not any(r.route == "/_ping" for r in fake.requests):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    assert {t for t in threading.enumerate() if t.name.startswith("fake-engine")} - before
    fake.close()
    assert {t for t in threading.enumerate() if t.name.startswith("fake-engine")} <= before
    assert not os.path.exists(os.path.dirname(fake.socket_path))
    assert stream.rest() == b"" and stalled.rest() == b"" and idle.recv(1) == b""
    for s in (stream.sock, stalled.sock, idle):
        s.close()


def test_stale_reads_after_an_event(fake: FakeEngine) -> None:
    cid = fake.add_container("web")
    fake.stale_for = 0.3
    assert fake.act(cid, "pause") == 204
    doc = json.loads(call(fake, "GET", f"/containers/{cid}/json")[2])
    assert doc["State"]["Status"] == "running"  # the event is out, the engine's answer lags
    time.sleep(0.35)
    assert json.loads(call(fake, "GET", "/containers/json")[2])[0]["State"] == "paused"


def test_create_rename_and_a_live_until(fake: FakeEngine) -> None:
    stream = events(fake, f"?until={stamp(fake.clock() + 300_000_000)}")
    fake.wait_subscribed()
    status, _, body = call(fake, "POST", "/containers/create?name=one", {"Image": "busybox"})
    cid = json.loads(body)["Id"]
    assert status == 201 and len(cid) == 64
    assert call(fake, "POST", f"/containers/{cid[:12]}/rename?name=two")[0] == 204
    assert call(fake, "POST", "/containers/two/kill?signal=SIGHUP")[0] == 409
    created, renamed = json.loads(stream.chunk()), json.loads(stream.chunk())
    assert (created["Action"], renamed["Action"]) == ("create", "rename")
    assert renamed["Actor"]["Attributes"]["oldName"] == "/one"
    assert stream.until(b"\r\n\r\n") == b"0"  # the stream ends at until


def test_log_flood_sends_the_tail_then_follows_until_the_client_goes(fake: FakeEngine) -> None:
    fake.add_container("web")
    fake.log_rate = 1000.0
    stream = Raw(fake, "/containers/web/logs?follow=1&stdout=1&stderr=1&tail=3")
    status, headers = stream.head()
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-type"] == "application/vnd.docker.multiplexed-stream"
    tail = stream.chunk()
    first = tail[8 : 8 + int.from_bytes(tail[4:8], "big")]
    assert tail[:4] == b"\x01\x00\x00\x00"  # a stdout frame
    assert first == b"000000000 web flood: lorem ipsum dolor sit amet 0\n"  # one line a frame
    assert tail.count(b" flood: ") == 3  # tail=3
    assert b" flood: " in stream.chunk()  # then it follows
    stream.close()
    deadline = time.monotonic() + 10
    while fake.connection_count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.connection_count == 0  # the flood ended with its client
    fake.log_rate = 0.0
    assert Raw(fake, "/containers/web/logs?follow=0").head()[0] == "HTTP/1.1 404 Not Found"
