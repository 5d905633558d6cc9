"""The pull fold, fed the engine's real progress lines (recorded in tests/samples/)."""

from __future__ import annotations

import functools
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genet_rx.api.pull import parse_reference
from genet_rx.model.pull import (
    Layer,
    LayerPhase,
    PullDecodeError,
    PullProgress,
    decode_pull_line,
    finish,
    fold,
)
from genet_rx.wire.ndjson import LineSplitter

SAMPLES = Path(__file__).parent / "samples"
REF = "127.0.0.1:5000/genet/layers:1"


def raw(name: str) -> bytes:
    return (SAMPLES / f"pull-{name}.ndjson").read_bytes()


def records(name: str) -> list[dict[str, Any]]:
    return [decode_pull_line(line) for line in raw(name).splitlines() if line.strip()]


def steps(name: str) -> list[PullProgress]:
    """The progress after each record of a sample."""
    return list(itertools.accumulate(records(name), fold, initial=PullProgress(REF)))[1:]


def final(name: str) -> PullProgress:
    return steps(name)[-1]


def totals(name: str) -> dict[str, int]:
    """Each layer's download size, as the sample's Downloading lines say."""
    return {r["id"]: r["progressDetail"]["total"] for r in records(name)
            if r.get("status") == "Downloading"}


def phases(progress: PullProgress) -> dict[str, LayerPhase]:
    return {layer.id: layer.phase for layer in progress.layers}


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


# -- a first pull: three new layers, busybox's already there ------------------------------

def test_layers_are_listed_in_first_seen_order() -> None:
    ids = list(dict.fromkeys(r["id"] for r in records("layers")[1:] if "id" in r))
    assert [layer.id for layer in final("layers").layers] == ids


def test_pulling_from_line_is_not_a_layer() -> None:
    assert "1" not in phases(final("layers"))


def test_pulling_from_line_is_the_first_status() -> None:
    assert steps("layers")[0].status == "Pulling from genet/layers"


def test_every_new_layer_ends_done() -> None:
    assert sorted(phases(final("layers")).values()) == [LayerPhase.DONE] * 3 + [
        LayerPhase.EXISTS]


def test_known_bytes_is_the_sum_of_the_download_sizes() -> None:
    assert final("layers").known_bytes == sum(totals("layers").values())


def test_done_bytes_reach_known_bytes() -> None:
    end = final("layers")
    assert end.done_bytes == end.known_bytes


def test_existing_layer_has_no_size() -> None:
    exists = [layer for layer in final("layers").layers if layer.phase is LayerPhase.EXISTS]
    assert exists[0].total is None


def test_pull_finishes_on_the_status_line() -> None:
    assert final("layers").finished


def test_last_status_is_kept() -> None:
    assert final("layers").status.startswith("Status: Downloaded newer image for ")


def test_digest_status_is_kept_before_the_last_line() -> None:
    assert steps("layers")[-2].status.startswith("Digest: sha256:")


def test_finished_pull_has_no_error() -> None:
    assert final("layers").error is None


def test_total_may_grow_before_any_size_is_known() -> None:
    listed = steps("layers")[4]  # busybox exists, three layers listed, nothing downloading
    assert listed.total_may_grow


def test_total_may_grow_while_a_layer_size_is_unknown() -> None:
    first_download = next(p for p in steps("layers") if p.known_bytes)
    assert first_download.total_may_grow


def test_total_is_final_once_every_size_is_known() -> None:
    sizes = totals("layers")
    complete = next(p for p in steps("layers") if p.known_bytes == sum(sizes.values()))
    assert not complete.total_may_grow


def test_total_may_not_grow_once_finished() -> None:
    assert not final("layers").total_may_grow


def test_fraction_is_one_when_finished() -> None:
    assert final("layers").fraction == 1.0


def test_fraction_is_unknown_before_any_size() -> None:
    assert steps("layers")[4].fraction is None


# -- extraction is a second phase ----------------------------------------------------------

def test_extracting_adds_no_bytes() -> None:
    # Here one layer extracts while the others still download: compare step by step.
    moved = [after.done_bytes - before.done_bytes
             for before, after, r in zip(steps("layers"), steps("layers")[1:],
                                         records("layers")[1:], strict=False)
             if r.get("status") == "Extracting"]
    assert set(moved) == {0}


def test_extracting_counter_is_kept_apart() -> None:
    extracting = next(p for p, r in zip(steps("layers"), records("layers"), strict=True)
                      if r.get("status") == "Extracting")
    layer = next(x for x in extracting.layers if x.phase is LayerPhase.EXTRACTING)
    assert layer.extracted == 32768


def test_extracting_keeps_the_download_counter() -> None:
    extracting = next(p for p, r in zip(steps("layers"), records("layers"), strict=True)
                      if r.get("status") == "Extracting")
    layer = next(x for x in extracting.layers if x.phase is LayerPhase.EXTRACTING)
    assert layer.current == layer.total


def test_late_downloading_line_does_not_move_the_phase_back() -> None:
    complete = Layer("a", LayerPhase.DOWNLOADED, 100, 100)
    late = {"status": "Downloading", "id": "a", "progressDetail": {"current": 40, "total": 100}}
    after = fold(PullProgress(REF, (complete,)), late)
    assert after.layers[0].phase is LayerPhase.DOWNLOADED


def test_late_downloading_line_does_not_lower_done_bytes() -> None:
    complete = Layer("a", LayerPhase.DOWNLOADED, 100, 100)
    late = {"status": "Downloading", "id": "a", "progressDetail": {"current": 40, "total": 100}}
    assert fold(PullProgress(REF, (complete,)), late).done_bytes == 100


def test_done_bytes_never_fall_in_a_real_pull() -> None:
    done = [p.done_bytes for p in steps("slow-waiting")]
    assert done == sorted(done)


def test_download_bytes_grow_in_a_slow_pull() -> None:
    assert len({p.done_bytes for p in steps("slow-waiting")}) > 5


def test_waiting_layer_is_waiting() -> None:
    waiting = next(p for p, r in zip(steps("slow-waiting"), records("slow-waiting"),
                                     strict=True) if r.get("status") == "Waiting")
    assert LayerPhase.WAITING in phases(waiting).values()


def test_other_news_about_a_layer_is_not_the_pull_status() -> None:
    listed = fold(PullProgress(REF), {"status": "Pulling fs layer", "id": "a"})
    retry = fold(listed, {"status": "Retrying in 5 seconds", "id": "a"})
    assert retry == listed


def test_small_layer_without_downloading_lines_counts_as_downloaded() -> None:
    listed = fold(PullProgress(REF), {"status": "Pulling fs layer", "id": "a"})
    done = fold(listed, {"status": "Download complete", "id": "a"})
    assert not done.total_may_grow


# -- an image whose lower layers are present -----------------------------------------------

def test_second_tag_downloads_only_the_new_layer() -> None:
    assert final("second-tag").known_bytes == sum(totals("second-tag").values())


def test_second_tag_lists_existing_layers() -> None:
    kinds = list(phases(final("second-tag")).values())
    assert kinds.count(LayerPhase.EXISTS) == 4


def test_up_to_date_pull_has_no_layers() -> None:
    assert final("up-to-date").layers == ()


def test_up_to_date_pull_is_finished() -> None:
    assert final("up-to-date").finished


def test_up_to_date_pull_says_so() -> None:
    assert final("up-to-date").status.startswith("Status: Image is up to date for ")


# -- a failure midway, in-band -------------------------------------------------------------

def test_midway_error_is_kept() -> None:
    assert final("midway-error").error is not None


def test_midway_error_carries_the_engine_message() -> None:
    error = final("midway-error").error or ""
    assert error.startswith("filesystem layer verification failed for digest sha256:")


def test_midway_error_is_not_finished() -> None:
    assert not final("midway-error").finished


def test_error_without_detail_uses_the_error_field() -> None:
    assert fold(PullProgress(REF), {"error": "boom"}).error == "boom"


def test_finish_marks_a_stream_that_ended() -> None:
    assert finish(steps("layers")[5]).finished


# -- decoding lines --------------------------------------------------------------------------

@pytest.mark.parametrize("line", [b"not json", b"[1, 2]", b'"status"', b"\xff\xfe{", b"{"])
def test_malformed_line_is_a_decode_error(line: bytes) -> None:
    with pytest.raises(PullDecodeError):
        decode_pull_line(line)


def test_decode_error_is_a_value_error() -> None:
    assert issubclass(PullDecodeError, ValueError)


@pytest.mark.parametrize("record", [
    {"status": 3, "id": "a"},
    {"status": "Downloading", "id": "a", "progressDetail": "lots"},
    {"status": "Downloading", "id": "a", "progressDetail": {"current": "x", "total": -5}},
    {"status": "Downloading", "id": 7, "progressDetail": {"current": 1.5e300, "total": True}},
    {"status": "Extracting", "id": "a", "progressDetail": {"current": float("nan")}},
    {"errorDetail": "not an object"},
    {},
])
def test_odd_records_do_not_raise(record: dict[str, Any]) -> None:
    assert isinstance(fold(PullProgress(REF), record), PullProgress)


# -- any chunking, any order -----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 100_000), max_size=40))
def test_any_chunking_gives_the_same_progress(cuts: list[int]) -> None:
    splitter = LineSplitter()
    lines = [line for part in chunked(raw("slow-waiting"), cuts) for line in splitter.feed(part)]
    lines += splitter.close()
    progress = functools.reduce(fold, map(decode_pull_line, lines), PullProgress(REF))
    assert progress == final("slow-waiting")


ALL_RECORDS = [r for name in ("layers", "slow-waiting", "second-tag", "midway-error",
                              "up-to-date") for r in records(name)]
numbers = st.one_of(st.integers(-10, 10**10), st.floats(allow_nan=True), st.booleans(),
                    st.none(), st.text(max_size=3))
made_up = st.fixed_dictionaries({
    "status": st.sampled_from(["Downloading", "Extracting", "Download complete", "Waiting",
                               "Pull complete", "Already exists", "Pulling fs layer",
                               "Verifying Checksum", "Retrying in 5 seconds", "Digest: x"]),
    "id": st.sampled_from(["a", "b", "c"]),
    "progressDetail": st.fixed_dictionaries({"current": numbers, "total": numbers}),
})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ALL_RECORDS), made_up), max_size=60))
def test_any_order_keeps_done_within_known(picked: list[dict[str, Any]]) -> None:
    progress = PullProgress(REF)
    for record in picked:
        progress = fold(progress, record)
        assert progress.done_bytes <= progress.known_bytes


# -- references ------------------------------------------------------------------------------

@pytest.mark.parametrize(("reference", "expected"), [
    ("busybox", ("busybox", "latest")),
    ("busybox:1.36", ("busybox", "1.36")),
    ("registry:5000/team/app", ("registry:5000/team/app", "latest")),
    ("registry:5000/team/app:1.2", ("registry:5000/team/app", "1.2")),
    ("app@sha256:" + "a" * 64, ("app", "sha256:" + "a" * 64)),
    ("host:5000/app:1@sha256:" + "b" * 64, ("host:5000/app", "sha256:" + "b" * 64)),
])
def test_reference_splits_into_image_and_tag(reference: str, expected: tuple[str, str]) -> None:
    assert parse_reference(reference) == expected


@pytest.mark.parametrize("reference", ["", "  ", "app:", "app@", "a b", "/app", "app@nodigest"])
def test_bad_reference_is_refused(reference: str) -> None:
    with pytest.raises(ValueError):
        parse_reference(reference)


def test_records_are_json_objects() -> None:
    assert all(isinstance(json.loads(line), dict) for line in raw("layers").splitlines())
