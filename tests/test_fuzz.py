"""Any bytes or JSON give values or a clean error: never an unexpected exception or a hang."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genet_rx.model.containers import (
    container_from_inspect,
    container_from_list,
    containers_from_list_body,
)
from genet_rx.model.events import Event, EventDecodeError, decode_event, decode_event_line
from genet_rx.state.changes import Inspected, Snapshot
from genet_rx.state.containers import EMPTY, apply
from genet_rx.wire.ndjson import LineSplitter

SAMPLES = Path(__file__).parent / "samples"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=5),
    max_leaves=20,
)
KEYS = ["Type", "Action", "Actor", "ID", "Attributes", "time", "timeNano", "status", "id",
        "scope", "name", "exitCode", "Id", "Names", "State", "Status", "Labels", "Ports",
        "Config", "HostConfig", "NetworkSettings", "RestartPolicy", "Health", "Created"]
shaped = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                 max_size=6),
    max_leaves=25,
)


@settings(max_examples=500)
@given(st.one_of(json_values, shaped))
def test_decode_event_any_json(value: Any) -> None:
    try:
        event = decode_event(value)
    except EventDecodeError:
        return
    assert isinstance(event, Event)
    apply(EMPTY, event)  # and the fold takes whatever decodes


def nested(depth: int, opener: bytes) -> bytes:
    return opener * depth


any_line = st.one_of(
    st.binary(max_size=300),
    # Nesting far past the decoder's recursion limit: one malformed record, not a crash.
    st.builds(nested, st.integers(300, 20_000), st.sampled_from([b"[", b'{"a":', b'{"Actor":'])),
    st.builds(lambda head, depth: head + b"[" * depth,
              st.sampled_from([b'{"Type":"container","timeNano":1,"Actor":', b'{"x":']),
              st.integers(1, 5_000)),
)


def decoded_or_error(decode: Any, arg: Any) -> Event | str:
    try:
        return decode(arg)  # type: ignore[no-any-return]
    except EventDecodeError as exc:
        return f"error: {exc}"


@settings(max_examples=500)
@given(st.one_of(json_values, shaped))
def test_decode_event_line_decodes_as_decode_event(value: Any) -> None:
    # The line decoder's fast typed path must give what the reference decoder gives.
    line = json.dumps(value).encode()
    assert decoded_or_error(decode_event_line, line) == decoded_or_error(decode_event, value)


@settings(max_examples=500)
@given(any_line)
def test_decode_event_line_any_bytes(data: bytes) -> None:
    try:
        event = decode_event_line(data)
    except EventDecodeError as exc:
        assert str(exc).startswith(("malformed event line", "event record"))
        return
    assert isinstance(event, Event)
    assert isinstance(event.time_nano, int)


@settings(max_examples=300)
@given(st.lists(st.binary(max_size=200), max_size=20), st.integers(1, 64))
def test_splitter_any_bytes_stays_bounded(chunks: list[bytes], cap: int) -> None:
    s = LineSplitter(max_record=cap)
    for chunk in chunks:
        for line in s.feed(chunk):
            assert b"\n" not in line and len(line) <= cap + max(map(len, chunks))
        assert len(s._buf) <= cap
    s.close()


@settings(max_examples=300)
@given(st.one_of(json_values, shaped), st.one_of(json_values, shaped))
def test_rows_from_any_list_or_inspect_answer(entry: Any, doc: Any) -> None:
    if isinstance(entry, dict):
        row = container_from_list(entry)
        listed = apply(EMPTY, Snapshot((row,), 0))
        assert listed.synced
        assert listed.rows.get(row.id) == row
    if isinstance(doc, dict):
        row = container_from_inspect(doc)
        inspected = apply(EMPTY, Inspected(row, 0))
        assert inspected.rows.get(row.id) == row


def _some(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects holding any of ``fields``."""
    return st.fixed_dictionaries({}, optional=fields)


def _entry(junk: bool) -> st.SearchStrategy[dict[str, Any]]:
    """A list entry: well typed, or (``junk``) with any JSON value in any field."""

    def some(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        return _some(**{k: v | json_values if junk else v for k, v in fields.items()})

    short = st.text(st.characters(blacklist_categories=("Cs",)), max_size=5)
    return some(
        Id=short, Names=st.lists(st.sampled_from(["/web", "/a/b", "x", ""]) | short, max_size=3),
        Image=short, ImageID=short, Created=st.integers(-(2**63), 2**63 - 1),
        Command=st.sampled_from(["sleep 1", "sh -c 'a b'", "a  b", "x\ty", ""]) | short,
        State=st.sampled_from(["running", "exited", "Paused", ""]) | short,
        Status=st.sampled_from(["Exited (3) 2 min ago", "Up 2s (healthy)", ""]) | short,
        Ports=st.lists(some(PrivatePort=st.integers(0, 9), PublicPort=st.integers(0, 9),
                            Type=st.sampled_from(["tcp", "udp"]), IP=short), max_size=3),
        Labels=st.dictionaries(short, short, max_size=3),
        Mounts=st.lists(some(Type=st.sampled_from(["volume", "bind"]), Name=short), max_size=3),
        NetworkSettings=some(Networks=st.dictionaries(
            short, some(NetworkID=short, IPAddress=short), max_size=3)),
    )


@settings(max_examples=300)
@given(st.lists(_entry(junk=False), max_size=4))
def test_typed_list_decode_makes_the_reference_rows(entries: list[dict[str, Any]]) -> None:
    body = json.dumps(entries).encode()
    assert containers_from_list_body(body, "unix:///x") == tuple(
        container_from_list(e, "unix:///x") for e in entries)


@settings(max_examples=300)
@given(st.lists(_entry(junk=True), max_size=4))
def test_typed_list_decode_of_junk_is_the_reference_or_none(
        entries: list[dict[str, Any]]) -> None:
    typed = containers_from_list_body(json.dumps(entries).encode())
    if typed is not None:  # None: the caller takes the reference way
        assert typed == tuple(container_from_list(e) for e in entries)


def test_typed_list_decode_of_a_real_answer() -> None:
    body = (SAMPLES / "containers_list.json").read_bytes()
    reference = tuple(container_from_list(e) for e in json.loads(body))
    assert containers_from_list_body(body) == reference
    assert containers_from_list_body(b'[{"Id": 5}]') is None  # a number where a string belongs


def test_genet_opens_no_listening_socket() -> None:
    """A running `genet watch` holds sockets, but none of them listens."""
    from fake_engine import FakeEngine

    with FakeEngine() as fake:
        fake.add_container("web")
        proc = subprocess.Popen([sys.executable, "-m", "genet_rx.cli.watch", "--host", fake.url,
                                 "--json"], stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            first = json.loads(proc.stdout.readline())
            assert first["type"] == "engine"
            # Wait until it is synced (its events stream is open), not for a while.
            while json.loads(proc.stdout.readline())["type"] != "container":
                pass
            fds = os.listdir(f"/proc/{proc.pid}/fd")
            inodes = set()
            for fd in fds:
                try:
                    target = os.readlink(f"/proc/{proc.pid}/fd/{fd}")
                except OSError:
                    continue
                m = re.fullmatch(r"socket:\[(\d+)\]", target)
                if m:
                    inodes.add(m.group(1))
            assert inodes, "genet watch should hold its engine connections"
            listening = set()
            with open("/proc/net/unix") as f:  # flags 00010000 = __SO_ACCEPTCON (listening)
                for row in f.read().splitlines()[1:]:
                    cols = row.split()
                    if int(cols[3], 16) & 0x10000:
                        listening.add(cols[6])
            for table in ("tcp", "tcp6", "udp", "udp6"):
                with open(f"/proc/net/{table}") as f:
                    for row in f.read().splitlines()[1:]:
                        cols = row.split()
                        if cols[3] == "0A" or table.startswith("udp"):  # LISTEN, or bound UDP
                            listening.add(cols[9])
            assert not inodes & listening
        finally:
            proc.terminate()
            assert proc.wait(10) == 0
