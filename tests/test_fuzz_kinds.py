"""The parsers of images, volumes, networks and attachments take any JSON and never raise.

Whatever an engine answers (parts missing, null, of another type, huge numbers, nesting
deeper than any real answer), each parser returns its value with fields of the promised
types; the shared helpers return their value or ``None``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genet_rx.model.attachments import (
    Attachments,
    attachments_from_inspect,
    attachments_from_list,
)
from genet_rx.model.common import labels, obj, parse_time_ns, parse_version, to_int
from genet_rx.model.disk import disk_usage_from_answer
from genet_rx.model.events import Event
from genet_rx.model.images import (
    Image,
    ImageLayer,
    history_from_answer,
    image_from_inspect,
    image_from_list,
    images_from_answer,
    images_from_list_body,
)
from genet_rx.model.networks import (
    Endpoint,
    Network,
    endpoints_from_inspect,
    network_from_inspect,
    network_from_list,
    networks_from_answer,
)
from genet_rx.model.swarm import node_from_list, services_from_answer, tasks_from_answer
from genet_rx.model.volumes import (
    Volume,
    volume_from_inspect,
    volume_from_list,
    volumes_from_answer,
)
from genet_rx.state.engine_state import apply, initial, needs_inspect

# Every key the parsers read, so that shaped values reach every branch.
KEYS = ["Id", "RepoTags", "RepoDigests", "Size", "Created", "Labels", "ParentId", "Parent",
        "Config", "CreatedBy", "Tags", "Comment", "Volumes", "Warnings", "Name", "Driver",
        "Mountpoint", "Scope", "CreatedAt", "Options", "Internal", "Attachable", "IPAM",
        "Subnet", "Gateway", "Containers", "IPv4Address", "IPv6Address", "MacAddress",
        "ImageID", "Image", "Mounts", "Type", "NetworkSettings", "Networks", "NetworkID",
        "IPAddress", "volume", "bridge"]

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**64)
           | st.floats() | st.text(max_size=12) | st.sampled_from(
               ["volume", "<none>:<none>", "<none>@<none>", "0001-01-01T00:00:00Z",
                "2026-12-03T07:08:56.397884864Z", "10.77.0.2/24", "sha256:", "", "9" * 5000]))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=5),
    max_leaves=25,
)
shaped = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                 max_size=8),
    max_leaves=40,
)


def nest(depth: int, leaf: Any, as_dict: bool) -> Any:
    """``leaf`` inside ``depth`` lists (or single-key dicts), built without recursion."""
    value = leaf
    for i in range(depth):
        value = {KEYS[i % len(KEYS)]: value} if as_dict else [value]
    return value


# Far deeper than a real answer; kept below what json.loads itself would accept.
deep = st.builds(nest, st.integers(300, min(900, sys.getrecursionlimit() - 100)), shaped,
                 st.booleans())
anything = st.one_of(json_values, shaped, deep)
documents = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), st.one_of(json_values, shaped, deep), max_size=10),
    st.dictionaries(st.text(max_size=8), json_values, max_size=5),
)


def assert_fields(value: Any) -> None:
    """Every field of a frozen value holds what its type promises."""
    annotations = type(value).__annotations__  # as written: strings
    for name in value.__struct_fields__:
        got = getattr(value, name)
        kind = str(annotations[name])
        if kind == "str":
            assert isinstance(got, str), name
        elif kind == "int":
            assert isinstance(got, int) and not isinstance(got, bool), name
        elif kind == "int | None":
            assert got is None or (isinstance(got, int) and not isinstance(got, bool)), name
        elif kind == "bool":
            assert isinstance(got, bool), name
        elif kind == "Mapping[str, str]":
            assert isinstance(got, Mapping), name
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in got.items())
        elif kind == "tuple[str, ...]":
            assert isinstance(got, tuple), name
            assert all(isinstance(item, str) for item in got), name
        elif kind.startswith("tuple[tuple[str, str"):
            assert isinstance(got, tuple), name
            for item in got:
                assert isinstance(item, tuple), name
                assert all(isinstance(part, str) for part in item), name
        else:
            raise AssertionError(f"unchecked field {name}: {kind}")


ONE: list[tuple[Callable[[Mapping[str, Any]], Any], type]] = [
    (image_from_list, Image),
    (image_from_inspect, Image),
    (volume_from_list, Volume),
    (volume_from_inspect, Volume),
    (network_from_list, Network),
    (network_from_inspect, Network),
    (attachments_from_list, Attachments),
    (attachments_from_inspect, Attachments),
]
MANY: list[tuple[Callable[[object], tuple[Any, ...]], type]] = [
    (images_from_answer, Image),
    (history_from_answer, ImageLayer),
    (volumes_from_answer, Volume),
    (networks_from_answer, Network),
]


@settings(max_examples=400)
@given(documents)
def test_one_value_parsers_take_any_object(doc: dict[str, Any]) -> None:
    for parse, kind in ONE:
        value = parse(doc)
        assert type(value) is kind
        assert_fields(value)


@settings(max_examples=300)
@given(documents)
def test_endpoints_take_any_object(doc: dict[str, Any]) -> None:
    members = endpoints_from_inspect(doc)
    assert isinstance(members, tuple)
    for member in members:
        assert type(member) is Endpoint
        assert_fields(member)
        assert member.container_id


@settings(max_examples=300)
@given(st.one_of(anything, st.lists(documents, max_size=4),
                 st.builds(lambda v: {"Volumes": v}, st.one_of(anything,
                                                              st.lists(documents, max_size=4)))))
def test_answer_parsers_take_any_value(answer: Any) -> None:
    for parse, kind in MANY:
        rows = parse(answer)
        assert isinstance(rows, tuple)
        for row in rows:
            assert type(row) is kind
            assert_fields(row)


@settings(max_examples=300)
@given(st.lists(documents, max_size=4))
def test_answer_parsers_keep_only_rows_with_an_id(answer: list[dict[str, Any]]) -> None:
    assert all(image.id for image in images_from_answer(answer))
    assert all(net.id for net in networks_from_answer(answer))
    assert all(vol.name for vol in volumes_from_answer({"Volumes": answer}))


@settings(max_examples=300)
@given(anything)
def test_helpers_take_any_value(raw: Any) -> None:
    number = to_int(raw)
    assert number is None or (isinstance(number, int) and not isinstance(number, bool))
    stamp = parse_time_ns(raw)
    assert stamp is None or isinstance(stamp, int)
    assert isinstance(labels(raw), Mapping)
    assert isinstance(obj({"k": raw}, "k"), Mapping)


@settings(max_examples=300)
@given(st.one_of(st.text(), st.binary(), st.from_regex(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,12})?(Z|[+-]\d\d:\d\d)?", fullmatch=True)))
def test_parse_time_ns_takes_any_text_or_bytes(raw: str | bytes) -> None:
    stamp = parse_time_ns(raw)
    assert stamp is None or isinstance(stamp, int)


@settings(max_examples=300)
@given(st.text())
def test_parse_version_reads_or_refuses(raw: str) -> None:
    try:
        major, minor = parse_version(raw)
    except ValueError:
        return
    assert isinstance(major, int)
    assert isinstance(minor, int)


when = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)),
                                               timezone(-timedelta(hours=9, minutes=30))]))


@settings(max_examples=300)
@given(when, st.integers(0, 999_999_999), st.integers(1, 9))
def test_parse_time_ns_round_trips_rfc3339(moment: datetime, nanos: int, digits: int) -> None:
    fraction = f"{nanos:09d}"[:digits]
    offset = moment.strftime("%z")
    zone = "Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}"
    stamp = f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction}{zone}"
    whole = moment.replace(microsecond=0)
    expected = int(whole.timestamp()) * 1_000_000_000 + int(fraction.ljust(9, "0"))
    assert parse_time_ns(stamp) == expected
    assert parse_time_ns(stamp.encode()) == expected


@settings(max_examples=300)
@given(anything)
def test_disk_usage_takes_any_answer(answer: Any) -> None:
    usage = disk_usage_from_answer(answer)
    for part in (usage.images, usage.containers, usage.volumes, usage.build_cache):
        assert 0 <= part.reclaimable <= part.size
        assert 0 <= part.active <= part.count


kind_events = st.builds(
    lambda type_, action, actor, ns, attrs: Event(type_, action, actor, ns,
                                                  MappingProxyType(attrs)),
    st.sampled_from(["image", "volume", "network", "container", "plugin"]),
    st.sampled_from(["create", "destroy", "delete", "pull", "tag", "untag", "connect",
                     "disconnect", "mount", "prune", "start", "die", "teleport", ""]),
    st.sampled_from(["", "a", "b", "sha256:" + "a" * 64]),
    st.integers(0, 20),
    st.dictionaries(st.sampled_from(["container", "name", "type", "driver", "exitCode"]),
                    st.sampled_from(["", "a", "b", "x" * 50]), max_size=3),
)


@settings(max_examples=300)
@given(st.lists(kind_events, max_size=40))
def test_the_engine_state_takes_any_sequence_of_events(events: list[Event]) -> None:
    state = initial("unix:///x.sock")
    for event in events:
        state = apply(state, event)
        needs_inspect(state, event)
        for table in (state.images, state.volumes, state.networks):
            assert not set(table.rows) & set(table.tombstones)  # present, or removed: not both
    assert state.last_event_ns == max((e.time_nano for e in events), default=0)


@settings(max_examples=200)
@given(anything)
def test_swarm_parsers_take_any_answer(answer: Any) -> None:
    for service in services_from_answer(answer):
        assert service.id and isinstance(service.name, str)
    for task in tasks_from_answer(answer):
        assert task.id and isinstance(task.state, str)
    if isinstance(answer, dict):
        assert isinstance(node_from_list(answer).cpus, float)


def _image_entry(junk: bool) -> st.SearchStrategy[dict[str, Any]]:
    """An image list entry: well typed, or (``junk``) with any JSON value in any field."""
    short = st.text(st.characters(blacklist_categories=("Cs",)), max_size=5)
    refs = st.lists(st.sampled_from(["a:1", "b:2", "a:1", "<none>:<none>", "<none>@<none>", ""])
                    | short, max_size=3)
    fields: dict[str, st.SearchStrategy[Any]] = {
        "Id": short, "RepoTags": refs, "RepoDigests": refs, "ParentId": short,
        "Size": st.integers(-(2**63), 2**63 - 1), "Created": st.integers(-(2**63), 2**63 - 1),
        "Labels": st.dictionaries(short, short, max_size=3)}
    return st.fixed_dictionaries({}, optional={
        k: v | json_values if junk else v for k, v in fields.items()})


@settings(max_examples=300, deadline=None)  # a loaded machine must not fail it
@given(st.lists(_image_entry(junk=False), max_size=4))
def test_typed_image_list_decode_makes_the_reference_rows(entries: list[dict[str, Any]]) -> None:
    body = json.dumps(entries).encode()
    assert images_from_list_body(body, "unix:///x") == tuple(
        image_from_list(e, "unix:///x") for e in entries)


@settings(max_examples=300, deadline=None)
@given(st.lists(_image_entry(junk=True), max_size=4))
def test_typed_image_list_decode_of_junk_is_the_reference_or_none(
        entries: list[dict[str, Any]]) -> None:
    typed = images_from_list_body(json.dumps(entries).encode())
    if typed is not None:  # None: the caller takes the reference way
        assert typed == tuple(image_from_list(e) for e in entries)


def test_typed_image_list_decode_of_a_real_answer() -> None:
    body = (Path(__file__).parent / "samples" / "images_list.json").read_bytes()
    reference = tuple(image_from_list(e) for e in json.loads(body))
    assert images_from_list_body(body) == reference
    assert images_from_list_body(b'[{"Id": 5}]') is None  # a number where a string belongs
