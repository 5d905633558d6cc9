"""Images, volumes, networks and a container's attachments, parsed from real engine answers.

The samples under tests/samples/ were recorded from Debian's docker.io 20.10 (API 1.41) run
as the tests run it (``--bridge=none``): a built image on top of the test busybox, two
dangling images from a rebuilt tag, two volumes (one with labels and options, one anonymous),
networks ``gnet`` (own subnet, labels) and ``inner`` (internal, attachable), a container
``member`` on both with a named volume and a bind mount, a container ``loner`` with a named
and an anonymous volume on the default (non-existent) bridge.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from genet_rx.model.attachments import (
    Attachments,
    attachments_from_inspect,
    attachments_from_list,
)
from genet_rx.model.common import (
    NO_LABELS,
    entries,
    labels,
    obj,
    parse_time_ns,
    parse_version,
    strings,
    text,
    to_int,
)
from genet_rx.model.images import (
    Image,
    history_from_answer,
    image_from_inspect,
    image_from_list,
    images_from_answer,
)
from genet_rx.model.networks import (
    BUILTIN,
    Endpoint,
    Network,
    endpoints_from_inspect,
    network_from_inspect,
    network_from_list,
    networks_from_answer,
)
from genet_rx.model.volumes import (
    Volume,
    volume_from_inspect,
    volume_from_list,
    volumes_from_answer,
)

SAMPLES = Path(__file__).parent / "samples"

SAMPLE_ID = "sha256:ad90f1d1093036b5a56bff161c106fe9c8be072b7855c017a061ebfba4bb2a89"
BUSYBOX_ID = "sha256:98f23f96665ea4609b49831b6c3410061b5bcd0886d34c906e51475e9e3fee37"
DANGLING_ID = "sha256:8b5fe4ab4c79dae4dce0cacde5eb723a445be713df357c2fd89dea3eed7c18c5"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def ns(dt: datetime) -> int:
    """Exact nanoseconds of an aware datetime (no float rounding)."""
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def by_id(rows: tuple[Any, ...], row_id: str) -> Any:
    return next(row for row in rows if row.id == row_id)


# -- shared helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(7, 7), (-1, -1), ("42", 42), (" 42 ", 42), ("-3", -3), (True, None), (False, None),
     (None, None), (1.5, None), ("4.2", None), ("", None), ("-", None), ("1_000", None),
     ("\u0664\u0662", None), ([], None), ({}, None), ("9" * 5000, None)],
)
def test_to_int(raw: object, expected: int | None) -> None:
    assert to_int(raw) == expected


def test_parse_time_ns_keeps_all_nine_digits() -> None:
    assert parse_time_ns("2026-12-03T07:08:56.397884864Z") == 1_796_281_736_397_884_864


def test_parse_time_ns_reads_a_trimmed_fraction() -> None:
    # Go trims trailing zeros: the image inspect sample has 8 digits.
    assert parse_time_ns("2026-12-03T07:09:26.39121751Z") == 1_796_281_766_391_217_510


def test_parse_time_ns_reads_whole_seconds() -> None:
    assert parse_time_ns("2026-12-03T07:08:56Z") == 1_796_281_736_000_000_000


def test_parse_time_ns_applies_an_offset() -> None:
    expected = ns(datetime(2026, 11, 28, 23, 21, 0, 250_000, timezone(timedelta(hours=2))))
    assert parse_time_ns("2026-11-28T23:21:00.25+02:00") == expected


def test_parse_time_ns_applies_a_negative_offset() -> None:
    expected = ns(datetime(1970, 1, 1, 0, 0, 0, 1, timezone(-timedelta(hours=1, minutes=30))))
    assert parse_time_ns("1970-01-01T00:00:00.000001-01:30") == expected


def test_parse_time_ns_takes_bytes_like_logs_do() -> None:
    assert parse_time_ns(b"1970-01-01T00:00:01.5Z") == 1_500_000_000
    assert parse_time_ns(bytearray(b"1970-01-01T00:00:01.5Z")) == 1_500_000_000
    assert parse_time_ns(memoryview(b"1970-01-01T00:00:01.5Z")) == 1_500_000_000


def test_parse_time_ns_ignores_surrounding_whitespace() -> None:
    assert parse_time_ns(" 1970-01-01T00:00:01Z\n") == 1_000_000_000


def test_parse_time_ns_zero_time_is_none() -> None:
    assert parse_time_ns("0001-01-01T00:00:00Z") is None


@pytest.mark.parametrize(
    "junk",
    ["", "yesterday", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
     "2026-11-28 23:21:00Z", "2026-11-28T24:00:00Z", "2026-11-28T23:21:00",
     "2026-11-28T23:21:00.1234567890Z", "2026-11-28T23:21:00+25:00", "0000-01-01T00:00:00Z",
     "é", "\uff12\uff10\uff12\uff16-11-28T23:21:00Z", None, 1_796_281_736, True, [], {}],
)
def test_parse_time_ns_rejects_junk(junk: object) -> None:
    assert parse_time_ns(junk) is None


def test_parse_time_ns_accepts_a_leap_day() -> None:
    assert parse_time_ns("2024-02-29T00:00:00Z") == ns(datetime(2024, 2, 29, tzinfo=UTC))


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [("2026-12-03T07:08:56.397884864Z", 1_796_281_736_397_884_864),
     ("2026-12-03T07:09:26.39121751Z", 1_796_281_766_391_217_510),
     ("2026-11-28T23:21:00.25+02:00", 1_795_900_860_250_000_000),
     ("1970-01-01T00:00:00.000001-01:30", 5_400_000_001_000),
     ("1969-12-31T23:59:59.999999999Z", -1)],
)
def test_parse_time_ns_reads_text_and_bytes_alike(stamp: str, expected: int) -> None:
    assert parse_time_ns(stamp) == expected
    assert parse_time_ns(stamp.encode()) == expected


@pytest.mark.parametrize(("raw", "expected"), [("1.41", (1, 41)), (" 1.24\n", (1, 24)),
                                               ("1.52", (1, 52)), ("2.0", (2, 0))])
def test_parse_version(raw: str, expected: tuple[int, int]) -> None:
    assert parse_version(raw) == expected


@pytest.mark.parametrize("junk", ["", "1", "1.", ".41", "v1.41", "1.41.2", "one.two", "1.4x",
                                  "\uff11.41"])
def test_parse_version_refuses_junk(junk: str) -> None:
    with pytest.raises(ValueError, match="not an API version"):
        parse_version(junk)


def test_labels_are_read_only() -> None:
    got = labels({"a": "1"})
    with pytest.raises(TypeError):
        got["a"] = "2"  # type: ignore[index]


def test_labels_copy_their_source() -> None:
    raw = {"a": "1"}
    got = labels(raw)
    raw["a"] = "2"
    assert got["a"] == "1"


def test_labels_leave_out_values_that_are_not_strings() -> None:
    assert dict(labels({"n": 5, "z": None, "l": ["x"], "s": "x", "e": ""})) == {"s": "x", "e": ""}


@pytest.mark.parametrize("raw", [None, {}, [], "a=b", 3, {"a": None}])
def test_no_labels_is_the_shared_empty_map(raw: object) -> None:
    assert labels(raw) is NO_LABELS


def test_obj_gives_the_object() -> None:
    assert obj({"State": {"Status": "running"}}, "State") == {"Status": "running"}


@pytest.mark.parametrize("doc", [{}, {"State": None}, {"State": []}, {"State": "running"}])
def test_obj_gives_an_empty_object_otherwise(doc: dict[str, Any]) -> None:
    assert obj(doc, "State") == {}


@pytest.mark.parametrize("raw", [None, 5, True, ["a"], {"a": "b"}])
def test_text_of_a_non_string_is_empty(raw: object) -> None:
    assert text(raw) == ""


def test_strings_skip_other_items() -> None:
    assert strings(["a", None, 3, "b", ["c"]]) == ("a", "b")


def test_strings_of_a_non_array_are_empty() -> None:
    assert strings("ab") == ()


def test_entries_skip_other_items() -> None:
    assert entries([{"a": 1}, None, "x", {}, [{}]]) == [{"a": 1}, {}]


def test_entries_of_a_non_array_are_empty() -> None:
    assert entries({"a": 1}) == []


# -- images ----------------------------------------------------------------------------------


def test_image_from_list_reads_a_tagged_image() -> None:
    image = by_id(images_from_answer(sample("images_list"), "unix:///sock"), SAMPLE_ID)
    assert image.tags == ("genet-test/sample:1.0",)
    assert image.digests == ()
    assert image.size == 1_984_241
    assert image.created == 1_796_281_766
    assert dict(image.labels) == {"org.example.role": "sample"}
    assert image.parent.startswith("sha256:70bec2b90842")
    assert image.host == "unix:///sock"
    assert image.event_ns is None
    assert not image.dangling
    assert image.short_id == "ad90f1d10930"


def test_image_from_list_sorts_tags() -> None:
    image = by_id(images_from_answer(sample("images_list")), BUSYBOX_ID)
    assert image.tags == ("genet-test/busybox:extra", "genet-test/busybox:latest")


def test_image_from_list_a_base_image_has_no_parent_or_labels() -> None:
    image = by_id(images_from_answer(sample("images_list")), BUSYBOX_ID)
    assert image.parent == ""
    assert image.labels is NO_LABELS


def test_image_from_list_drops_none_tags_and_digests() -> None:
    image = by_id(images_from_answer(sample("images_list")), DANGLING_ID)
    assert image.tags == ()
    assert image.digests == ()
    assert image.dangling


def test_images_from_answer_keeps_every_listed_image_in_order() -> None:
    images = images_from_answer(sample("images_list"))
    assert [i.id for i in images] == [e["Id"] for e in sample("images_list")]


def test_images_from_answer_leaves_out_rows_without_an_id() -> None:
    answer = [{"Id": "", "RepoTags": ["a:b"]}, {"RepoTags": ["c:d"]}, None, {"Id": "sha256:1"}]
    assert [i.id for i in images_from_answer(answer)] == ["sha256:1"]


def test_images_from_answer_of_junk_is_empty() -> None:
    assert images_from_answer({"message": "boom"}) == ()


def test_image_from_list_keeps_repo_digests() -> None:
    image = image_from_list({"Id": "sha256:1",
                             "RepoDigests": ["<none>@<none>", "busybox@sha256:ab", "b@sha256:cd"]})
    assert image.digests == ("b@sha256:cd", "busybox@sha256:ab")


def test_image_from_inspect_reads_the_same_image() -> None:
    image = image_from_inspect(sample("image_inspect"), "h")
    listed = by_id(images_from_answer(sample("images_list"), "h"), SAMPLE_ID)
    assert image == listed


def test_image_from_inspect_reads_created_as_rfc3339() -> None:
    image = image_from_inspect(sample("image_inspect"))
    assert image.created == 1_796_281_766


def test_image_from_inspect_labels_come_from_config() -> None:
    doc = dict(sample("image_inspect"), Labels={"wrong": "place"})
    assert dict(image_from_inspect(doc).labels) == {"org.example.role": "sample"}


def test_image_from_inspect_dangling() -> None:
    image = image_from_inspect(sample("image_inspect_dangling"))
    assert image.id == DANGLING_ID
    assert image.dangling
    assert image.parent == BUSYBOX_ID
    assert image.size == 1_984_136


def test_image_from_inspect_of_an_empty_doc() -> None:
    assert image_from_inspect({}) == Image(id="")


def test_image_short_id_without_prefix() -> None:
    assert Image(id="0123456789abcdef").short_id == "0123456789ab"


def test_history_reads_every_step_newest_first() -> None:
    layers = history_from_answer(sample("image_history"))
    assert [layer.id for layer in layers] == [e["Id"] for e in sample("image_history")]
    assert layers[0].id == SAMPLE_ID
    assert layers[-1].id == BUSYBOX_ID


def test_history_reads_a_step() -> None:
    step = history_from_answer(sample("image_history"))[1]
    assert step.created_by == "/bin/sh -c echo hi > /greeting"
    assert step.size == 3
    assert step.created == 1_796_281_766
    assert step.tags == ()
    assert step.comment == ""


def test_history_reads_tags_and_comment_of_the_base() -> None:
    base = history_from_answer(sample("image_history"))[-1]
    assert base.tags == ("genet-test/busybox:extra", "genet-test/busybox:latest")
    assert base.comment == "Imported from -"


def test_history_keeps_missing_steps_of_pulled_images() -> None:
    layers = history_from_answer([{"Id": "<missing>", "Size": 4_000, "CreatedBy": "ADD x /"}])
    assert layers[0].id == "<missing>"


def test_history_of_junk_is_empty() -> None:
    assert history_from_answer(None) == ()


# -- volumes ---------------------------------------------------------------------------------


def test_volume_from_list_reads_a_labelled_volume() -> None:
    vol = by_id(volumes_from_answer(sample("volumes_list"), "h"), "gvol")
    assert vol.name == "gvol"
    assert vol.driver == "local"
    assert vol.mountpoint == "/tmp/genet-sample/data/volumes/gvol/_data"
    assert dict(vol.labels) == {"genet.test": "yes"}
    assert vol.scope == "local"
    assert vol.created_ns == ns(datetime(2026, 12, 3, 7, 9, 27, tzinfo=UTC))
    assert dict(vol.options) == {"device": "tmpfs", "o": "size=1m", "type": "tmpfs"}
    assert vol.host == "h"
    assert vol.event_ns is None


def test_volume_id_is_its_name() -> None:
    assert Volume(name="gvol").id == "gvol"


def test_volume_from_list_null_labels_and_options_are_empty() -> None:
    vols = volumes_from_answer(sample("volumes_list"))
    anonymous = next(v for v in vols if len(v.name) == 64)
    assert anonymous.labels is NO_LABELS
    assert anonymous.options is NO_LABELS


def test_volumes_from_answer_keeps_every_volume_in_order() -> None:
    names = [v.name for v in volumes_from_answer(sample("volumes_list"))]
    assert names == [e["Name"] for e in sample("volumes_list")["Volumes"]]


@pytest.mark.parametrize("answer", [{"Volumes": None, "Warnings": None}, {}, [], None,
                                    {"Volumes": {"a": {}}}])
def test_volumes_from_answer_without_volumes_is_empty(answer: object) -> None:
    assert volumes_from_answer(answer) == ()


def test_volumes_from_answer_leaves_out_rows_without_a_name() -> None:
    answer = {"Volumes": [{"Driver": "local"}, {"Name": None}, "x", {"Name": "v"}]}
    assert [v.name for v in volumes_from_answer(answer)] == ["v"]


def test_volume_from_inspect_reads_the_same_volume() -> None:
    listed = by_id(volumes_from_answer(sample("volumes_list"), "h"), "gvol")
    assert volume_from_inspect(sample("volume_inspect"), "h") == listed


def test_volume_from_list_of_an_empty_entry() -> None:
    assert volume_from_list({}) == Volume(name="")


# -- networks --------------------------------------------------------------------------------


def gnet() -> Network:
    return next(n for n in networks_from_answer(sample("networks_list"), "h") if n.name == "gnet")


def test_network_from_list_reads_a_user_network() -> None:
    net = gnet()
    assert net.id == sample("network_inspect")["Id"]
    assert net.driver == "bridge"
    assert net.scope == "local"
    assert not net.internal
    assert not net.attachable
    assert net.subnets == (("10.77.0.0/24", "10.77.0.1"),)
    assert dict(net.labels) == {"genet.test": "net"}
    assert net.host == "h"
    assert net.event_ns is None
    assert not net.builtin


def test_network_from_list_reads_created() -> None:
    entry = next(e for e in sample("networks_list") if e["Name"] == "gnet")
    assert gnet().created_ns == parse_time_ns(entry["Created"])


def test_network_from_list_reads_internal_and_attachable() -> None:
    inner = next(n for n in networks_from_answer(sample("networks_list")) if n.name == "inner")
    assert inner.internal
    assert inner.attachable


def test_network_from_list_builtin_networks() -> None:
    nets = networks_from_answer(sample("networks_list"))
    assert {n.name for n in nets if n.builtin} == {"host", "none"}


def test_network_builtin_names() -> None:
    assert frozenset({"bridge", "host", "none"}) == BUILTIN
    assert Network(id="x", name="bridge").builtin


def test_network_from_list_builtin_has_no_subnets() -> None:
    host = next(n for n in networks_from_answer(sample("networks_list")) if n.name == "host")
    assert host.subnets == ()
    assert host.driver == "host"


def test_networks_from_answer_keeps_every_network_in_order() -> None:
    names = [n.name for n in networks_from_answer(sample("networks_list"))]
    assert names == [e["Name"] for e in sample("networks_list")]


def test_networks_from_answer_leaves_out_rows_without_an_id() -> None:
    answer = [{"Name": "nameless"}, {"Id": "", "Name": "x"}, 7, {"Id": "abc", "Name": "ok"}]
    assert [n.name for n in networks_from_answer(answer)] == ["ok"]


def test_network_from_inspect_reads_the_same_network() -> None:
    assert network_from_inspect(sample("network_inspect"), "h") == gnet()


def test_network_subnet_without_gateway() -> None:
    net = network_from_list({"Id": "n", "IPAM": {"Config": [{"Subnet": "fd00::/64"}, {},
                                                            {"Gateway": "10.0.0.1"}]}})
    assert net.subnets == (("fd00::/64", ""),)


def test_network_flags_must_be_booleans() -> None:
    net = network_from_list({"Id": "n", "Internal": "true", "Attachable": 1})
    assert not net.internal
    assert not net.attachable


def test_network_short_id() -> None:
    assert gnet().short_id == gnet().id[:12]


def test_endpoints_from_inspect_reads_the_member() -> None:
    doc = sample("network_inspect")
    (member,) = endpoints_from_inspect(doc)
    assert member.container_id == next(iter(doc["Containers"]))
    assert member.name == "member"
    assert member.ipv4 == "10.77.0.2"
    assert member.ipv6 == ""


def test_endpoints_from_inspect_of_a_list_entry_without_members() -> None:
    assert endpoints_from_inspect(sample("networks_list")[0]) == ()


def test_endpoints_from_inspect_sorts_by_name_and_skips_empty_ids() -> None:
    doc = {"Containers": {"b1": {"Name": "web", "IPv6Address": "fd00::2/64"},
                          "": {"Name": "ghost"},
                          "a1": {"Name": "db"},
                          "c1": None}}
    assert endpoints_from_inspect(doc) == (
        Endpoint("c1"),
        Endpoint("a1", "db"),
        Endpoint("b1", "web", ipv6="fd00::2"),
    )


# -- attachments -----------------------------------------------------------------------------


def listed(name: str) -> dict[str, Any]:
    return next(e for e in sample("containers_list") if f"/{name}" in e["Names"])


def test_attachments_from_list_of_a_member_of_two_networks() -> None:
    att = attachments_from_list(listed("member"))
    nets = {n.name: n.id for n in networks_from_answer(sample("networks_list"))}
    assert att.image_id == BUSYBOX_ID
    assert att.volumes == ("gvol",)
    assert att.networks == ((nets["gnet"], "gnet", "10.77.0.2"),
                            (nets["inner"], "inner", "172.17.0.2"))
    assert att.network_ids == (nets["gnet"], nets["inner"])


def test_attachments_from_list_skips_the_bridge_that_does_not_exist() -> None:
    att = attachments_from_list(listed("loner"))
    assert att.networks == ()


def test_attachments_from_list_lists_named_and_anonymous_volumes() -> None:
    att = attachments_from_list(listed("loner"))
    assert len(att.volumes) == 2
    assert "plainvol" in att.volumes
    assert att.volumes == tuple(sorted(att.volumes))


def test_attachments_volume_names_match_the_volumes_list() -> None:
    names = {v.name for v in volumes_from_answer(sample("volumes_list"))}
    used = {v for e in sample("containers_list") for v in attachments_from_list(e).volumes}
    assert used == names


@pytest.mark.parametrize(("name", "doc"), [("member", "container_inspect"),
                                           ("loner", "container_inspect_loner")])
def test_attachments_from_inspect_agree_with_the_list(name: str, doc: str) -> None:
    assert attachments_from_inspect(sample(doc)) == attachments_from_list(listed(name))


def test_attachments_skip_binds_and_tmpfs() -> None:
    mounts = [{"Type": "bind", "Source": "/tmp"}, {"Type": "tmpfs", "Destination": "/s"},
              {"Type": "volume", "Name": "v"}, {"Type": "volume", "Name": "v"},
              {"Type": "volume"}]
    assert attachments_from_inspect({"Mounts": mounts}).volumes == ("v",)


def test_attachments_from_inspect_of_an_empty_doc() -> None:
    assert attachments_from_inspect({}) == Attachments()


def test_attachments_from_list_of_an_empty_entry() -> None:
    assert attachments_from_list({}) == Attachments()


def test_a_command_line_quotes_only_the_words_that_need_it():
    from genet_rx.model.common import command_line

    assert command_line(["sh", "-c", "echo hi; exit 3"]) == "sh -c 'echo hi; exit 3'"
    assert command_line(["nginx", "-g", "daemon off;"]) == "nginx -g 'daemon off;'"
    assert command_line(["echo", "it's", ""]) == "echo 'it'\"'\"'s' ''"
    assert command_line(["app", "--url=redis://x:6379/0"]) == "app --url=redis://x:6379/0"


def test_the_engines_listed_command_takes_the_same_form():
    from genet_rx.model.common import normal_command

    assert normal_command("sh -c 'while true; do date; done'") == (
        "sh -c 'while true; do date; done'"
    )
    assert normal_command('sh -c "echo hi"') == "sh -c 'echo hi'"
    assert normal_command("sh -c 'unclosed") == "sh -c 'unclosed"
