"""The engine client against the fake engine on a real AF_UNIX socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from engine_helpers import wait_for
from fake_engine import FakeEngine, fixed, split_utf8, whole

from genet_rx.api import containers
from genet_rx.api.client import MAX_API, EngineClient, fmt_version
from genet_rx.api.events import events
from genet_rx.errors import (
    Conflict,
    EngineError,
    NotFound,
    NotModified,
    ProtocolError,
    UnsupportedVersion,
)
from genet_rx.model.events import Event


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as f:
        yield f


def test_versioned_paths_host_header_and_calls(fake: FakeEngine) -> None:
    cid = fake.add_container("web")
    client = EngineClient(fake.url)
    assert client.negotiate() == "1.41"
    assert [c["Id"] for c in containers.listing(client)] == [cid]
    containers.stop(client, cid)
    assert containers.inspect(client, "web")["State"]["Status"] == "exited"
    req = fake.requests[-1]
    assert req.path.startswith("/v1.41/containers/web/json")
    assert req.headers.get("host") == "docker"


def test_error_answers_are_typed(fake: FakeEngine) -> None:
    cid = fake.add_container("web")
    client = EngineClient(fake.url)
    with pytest.raises(NotModified, match="already"):
        containers.start(client, cid)
    with pytest.raises(NotFound, match="No such container"):
        containers.start(client, "nope")
    with pytest.raises(Conflict):
        containers.remove(client, cid)
    with pytest.raises(EngineError) as unpause:
        containers.unpause(client, cid)
    assert unpause.value.status == 500
    fake.fail("/containers/json", 500, "boom")
    with pytest.raises(EngineError, match="boom"):
        containers.listing(client)
    fake.fail("/containers/json", 503, "busy")
    with pytest.raises(EngineError) as busy:
        containers.listing(client)
    assert busy.value.status == 503


def test_http10_and_truncated_bodies(fake: FakeEngine) -> None:
    fake.add_container("web")
    client = EngineClient(fake.url)
    client.negotiate()
    fake.http10()
    assert [c["Names"] for c in containers.listing(client)] == [["/web"]]
    fake.clear_faults()
    fake.truncate("/containers/json")
    with pytest.raises(ProtocolError, match="cut short"):
        containers.listing(client)


def test_old_engine_refused_new_engine_capped() -> None:
    with FakeEngine(api_version="1.12") as old:
        with pytest.raises(UnsupportedVersion, match=r"1\.12.*upgrade the engine"):
            EngineClient(old.url).negotiate()
        assert not any(r.path.startswith("/v1.") for r in old.requests)
    with FakeEngine(api_version="1.52", min_api_version="1.24") as new:
        client = EngineClient(new.url)
        assert client.negotiate() == fmt_version(MAX_API)
        containers.listing(client)
        assert new.requests[-1].path.startswith(f"/v{fmt_version(MAX_API)}/containers/json")
    with FakeEngine(api_version="1.60", min_api_version="1.50") as future, \
            pytest.raises(UnsupportedVersion, match="upgrade Genet"):
        EngineClient(future.url).negotiate()


def test_renegotiates_when_the_daemon_changes_version(fake: FakeEngine) -> None:
    fake.api_version = "1.47"
    client = EngineClient(fake.url)
    assert client.negotiate() == "1.47"
    fake.api_version = "1.41"  # "downgraded under us": /v1.47 is now too new
    containers.listing(client)
    assert client.api_version == "1.41"


def test_non_engine_socket_is_a_clear_error(fake: FakeEngine) -> None:
    fake.garbage()
    with pytest.raises(ProtocolError, match="not valid HTTP"):
        EngineClient(fake.url).negotiate()


@pytest.mark.parametrize("chunking", [None, whole, fixed(7), split_utf8])
def test_events_any_chunking(fake: FakeEngine, chunking: object) -> None:
    if chunking is not None:
        fake.chunking = chunking  # type: ignore[assignment]
    cid = fake.add_container("wé-ü", labels={"com.docker.compose.project": "shop"})
    client = EngineClient(fake.url)
    got: list[Event] = []
    sub = events(client, filters={"type": ["container"]}).subscribe(on_next=got.append)
    fake.wait_subscribed()
    fake.act(cid, "stop")
    fake.act(cid, "start")
    wait_for(lambda: len(got) >= 4, what="4 events")
    sub.dispose()
    assert [e.action for e in got] == ["kill", "die", "stop", "start"]
    assert got[0].attributes["name"] == "wé-ü" and got[1].attributes["exitCode"] == "143"
    assert client.malformed_events == 0


def test_stream_cut_mid_record(fake: FakeEngine) -> None:
    cid = fake.add_container("web")
    client = EngineClient(fake.url)
    got: list[Event] = []
    ended: list[object] = []
    events(client).subscribe(on_next=got.append, on_error=ended.append,
                              on_completed=lambda: ended.append("completed"))
    fake.wait_subscribed()
    fake.act(cid, "pause")
    wait_for(lambda: got, what="the pause event")
    fake.cut_streams()
    wait_for(lambda: ended, what="the stream to end")
    assert [e.action for e in got] == ["pause"]
    assert client.malformed_events == 1  # the half record, counted, not decoded
