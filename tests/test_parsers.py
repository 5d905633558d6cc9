"""Sans-IO parsers fed the same bytes in random chunkings give the same values."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genet_rx.errors import ProtocolError
from genet_rx.model.events import Event, EventDecodeError, decode_event, decode_event_line
from genet_rx.wire.http import exchange
from genet_rx.wire.ndjson import LineSplitter
from genet_rx.wire.transport import MemoryTransport


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


RECORD = {"Type": "container", "Action": "start", "scope": "local", "time": 1, "timeNano": 17,
          "Actor": {"ID": "abc", "Attributes": {"name": "wé", "image": "busybox"}}}

lines_st = st.lists(st.builds(lambda n, name: dict(RECORD, timeNano=n,
                                                   Actor={"ID": name, "Attributes": {}}),
                              st.integers(0, 2**62), st.text(min_size=1, max_size=20)),
                    max_size=20)


@settings(max_examples=300)
@given(lines_st, st.lists(st.integers(0, 10_000), max_size=30))
def test_ndjson_any_chunking(records: list[dict[str, object]], cuts: list[int]) -> None:
    data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
    splitter = LineSplitter()
    lines = [line for part in chunked(data, cuts) for line in splitter.feed(part)]
    assert splitter.close() == []
    assert [decode_event_line(line) for line in lines] == [decode_event(r) for r in records]


def test_ndjson_oversized_record_is_skipped_and_counted() -> None:
    s = LineSplitter(max_record=100)
    out = s.feed(b'{"a":1}\n' + b"x" * 150) + s.feed(b"y" * 150 + b'\n{"b":2}\n')
    assert out == [b'{"a":1}', b'{"b":2}'] and s.oversized == 1


def test_unknown_types_and_actions_are_values() -> None:
    e = decode_event({"Type": "plugin", "Action": "frobnicate: x", "timeNano": 5})
    assert e == Event("plugin", "frobnicate: x", "", 5) and e.verb == "frobnicate"
    assert e.detail == "x"
    legacy = decode_event({"status": "start", "id": "abc", "from": "busybox", "time": 2})
    assert (legacy.type, legacy.action, legacy.actor_id, legacy.time_nano) == (
        "container", "start", "abc", 2_000_000_000)
    for bad in (b"not json", b"[1,2]", b'{"Type":"container"}', b"\xff\xfe"):
        with pytest.raises(EventDecodeError):
            decode_event_line(bad)


def _http(body: bytes, *, chunk: bool) -> bytes:
    if not chunk:
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for i in range(0, len(body), 7):
        piece = body[i:i + 7]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


@settings(max_examples=200)
@given(st.binary(max_size=300), st.booleans(), st.lists(st.integers(0, 5000), max_size=20))
def test_http_body_any_chunking(body: bytes, chunk: bool, cuts: list[int]) -> None:
    t = MemoryTransport(chunked(_http(body, chunk=chunk), cuts))
    resp = exchange(lambda: t, "docker", "GET", "/x")
    assert (resp.status, resp.body) == (200, body)
    assert t.sent.startswith(b"GET /x HTTP/1.1\r\nHost: docker\r\n") and t.closed


@given(st.binary(max_size=200), st.lists(st.integers(0, 500), max_size=10))
def test_http10_close_delimited_body(body: bytes, cuts: list[int]) -> None:
    t = MemoryTransport(chunked(b"HTTP/1.0 200 OK\r\n\r\n" + body, cuts))
    assert exchange(lambda: t, "docker", "GET", "/x").body == body


@pytest.mark.parametrize("reply", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nshort",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    b"SSH-2.0-OpenSSH_9.2\r\n",
    b"HTTP/1.1 200",
    b"",
])
def test_http_truncated_or_not_http_is_a_clean_error(reply: bytes) -> None:
    with pytest.raises(ProtocolError):
        exchange(lambda: MemoryTransport([reply]), "docker", "GET", "/x")


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_http_any_bytes_give_a_response_or_a_clean_error(reply: bytes) -> None:
    try:
        resp = exchange(lambda: MemoryTransport([reply]), "docker", "GET", "/x")
    except ProtocolError as exc:
        assert str(exc)
        return
    assert 100 <= resp.status <= 999
    assert len(resp.body) <= len(reply)
