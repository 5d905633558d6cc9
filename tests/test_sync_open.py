"""A session's opening (issue 17): the containers' list is asked beside the ping, not after it,
and stands as the first list only when the ping allows. Driven by the fake engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from engine_helpers import Live, wait_for
from fake_engine import FakeEngine

from genet_rx import Link
from genet_rx.api.client import MAX_API, fmt_version


def container_lists(fake: FakeEngine) -> list[str | None]:
    """The API version of each containers' list asked so far (None: unversioned)."""
    return [r.version for r in fake.requests if r.path.endswith("/containers/json")]


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as f:
        f.add_container("web")
        f.add_container("db", state="exited")
        yield f


def test_the_list_does_not_wait_for_the_ping(fake: FakeEngine) -> None:
    fake.stall("/_ping")  # the ping never answers while this test looks
    lv = Live(fake.url, timeout=60.0)
    try:
        wait_for(lambda: container_lists(fake), what="the containers' list to be asked")
        assert container_lists(fake) == [None]
        assert lv.connects() == 0
    finally:
        lv.engine.close()


def test_the_early_list_is_the_first_table(fake: FakeEngine) -> None:
    lv = Live(fake.url)
    try:
        lv.wait_state(Link.CONNECTED)
        wait_for(lambda: len(lv.engine.table.rows) == 2, what="both containers")
        assert container_lists(fake) == [None]  # asked once, before a version was agreed
    finally:
        lv.engine.close()


def test_a_daemon_newer_than_genet_is_listed_again_in_the_version_agreed() -> None:
    with FakeEngine(api_version="1.52", min_api_version="1.24") as newer:
        newer.add_container("web")
        lv = Live(newer.url)
        try:
            lv.wait_state(Link.CONNECTED)
            wait_for(lambda: len(lv.engine.table.rows) == 1, what="the container")
            assert container_lists(newer) == [None, fmt_version(MAX_API)]
        finally:
            lv.engine.close()


def test_a_failed_early_list_is_the_session_failure(fake: FakeEngine) -> None:
    fake.fail("/containers/json", status=500, message="the list broke", times=1)
    lv = Live(fake.url)
    try:
        down = lv.wait_state(Link.DISCONNECTED)
        assert "the list broke" in (down.message or "")
        lv.wait_state(Link.CONNECTED)
        assert len(lv.engine.table.rows) == 2
    finally:
        lv.engine.close()


def test_when_both_fail_the_ping_failure_is_shown(fake: FakeEngine) -> None:
    fake.fail("/containers/json", status=500, message="the list broke", times=1)
    fake.fail("/_ping", status=500, message="the ping broke", times=1)
    lv = Live(fake.url)
    try:
        down = lv.wait_state(Link.DISCONNECTED)
        assert "the ping broke" in (down.message or "")
    finally:
        lv.engine.close()


def test_an_action_between_the_early_list_and_the_events_arrives(fake: FakeEngine) -> None:
    fake.subscribe_delay = 3.0  # the events subscription registers late
    lv = Live(fake.url)
    try:
        lv.wait_state(Link.CONNECTED)
        web = next(cid for cid, r in lv.engine.table.rows.items() if r.name == "web")
        assert fake.subscriber_count == 0  # listed, and the events not yet subscribed
        fake.act(web, "pause")
        wait_for(lambda: lv.engine.table.rows[web].state.value == "paused", what="paused")
        assert container_lists(fake) == [None]
    finally:
        lv.engine.close()
