"""The cyclic GC is held off while a list answer becomes rows (issue 17: decoding 10,000
containers spent 40 % of its time in collections of objects that were not garbage), and the
switch is always given back as it was found."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import msgspec
import pytest

from genet_rx.engine import answers
from genet_rx.engine.gc_pause import GcHold, paused_gc
from genet_rx.wire.http import Response

LIST_BODY = (b'[{"Id":"a1","Names":["/web"],"Image":"busybox","State":"running",'
             b'"Status":"Up 2 minutes","Labels":{}}]')


@pytest.fixture(autouse=True)
def gc_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:  # as it was before, both ways: a test that turned it off must not leave it off
        gc.enable()
    else:
        gc.disable()


def test_the_gc_is_off_inside_and_on_after() -> None:
    with paused_gc():
        inside = gc.isenabled()
    assert inside is False
    assert gc.isenabled() is True


def test_a_gc_that_was_off_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert gc.isenabled() is False


def test_an_error_inside_gives_the_gc_back() -> None:
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("a list that does not parse")
    assert gc.isenabled() is True


def test_two_threads_overlapping_leave_it_on_only_when_both_are_out() -> None:
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            entered.set()
            release.wait(10)

    t = threading.Thread(target=other)
    with paused_gc():
        t.start()
        entered.wait(10)
    still_off_while_the_other_decodes = not gc.isenabled()
    release.set()
    t.join(10)
    assert still_off_while_the_other_decodes
    assert gc.isenabled() is True


def test_a_hold_taken_during_a_decode_keeps_the_gc_off_after_the_decode() -> None:
    # The app's start-up hold taken while a list is decoded: the decode's end does not turn
    # the GC back on under it.
    start_up = GcHold()
    with paused_gc():
        start_up.take()
    off_after_the_decode = not gc.isenabled()
    start_up.give_back()
    assert off_after_the_decode
    assert gc.isenabled() is True


def test_a_hold_given_back_twice_counts_once() -> None:
    start_up, other = GcHold(), GcHold()
    start_up.take()
    other.take()
    start_up.give_back()
    start_up.give_back()  # a timer and a first paint both give it back
    off_while_the_other_holds = not gc.isenabled()
    other.give_back()
    assert off_while_the_other_holds
    assert gc.isenabled() is True


def test_a_list_answer_is_decoded_with_the_gc_off() -> None:
    seen: list[bool] = []
    reader = answers.READERS["container"]

    def from_body(body: bytes, host: str) -> tuple[object, ...] | None:
        seen.append(gc.isenabled())
        assert reader.from_body is not None
        return reader.from_body(body, host)

    spied = msgspec.structs.replace(reader, from_body=from_body)
    resp = Response(200, {"date": "Sun, 06 Dec 2026 01:00:00 GMT"}, LIST_BODY)
    snap = answers._snapshot_of(spied, resp, "unix:///x.sock", "container", None)
    assert seen == [False]
    assert [row.name for row in snap.rows] == ["web"]
    assert gc.isenabled() is True
