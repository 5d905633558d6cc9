"""The engine client against the real private daemon (Debian's docker.io 20.10, API 1.41)."""

from __future__ import annotations

import threading
import time
from urllib.parse import unquote

import pytest
from dockerd import IMAGE
from engine_helpers import wait_for
from fake_engine import FakeEngine

from genet_rx.api import containers, system
from genet_rx.api.client import EngineClient, since_arg
from genet_rx.api.events import events
from genet_rx.errors import Conflict, EngineError, NotFound, NotModified
from genet_rx.model.common import parse_time_ns
from genet_rx.model.events import Event

pytestmark = pytest.mark.engine


def test_negotiates_141_with_debian_2010(engine_url: str) -> None:
    client = EngineClient(engine_url)
    assert client.negotiate() == "1.41"
    assert system.ping(client) == "OK"
    assert system.version(client)["ApiVersion"] == "1.41"
    assert "SystemTime" in system.info(client)


def test_every_call_on_a_busybox_container(engine_url: str, docker, unique_name: str) -> None:
    client = EngineClient(engine_url)
    cid = docker("create", "--init", "--name", unique_name, IMAGE, "sleep", "300")
    listed = {c["Id"]: c for c in containers.listing(client, all=True)}
    assert listed[cid]["Names"] == [f"/{unique_name}"] and listed[cid]["State"] == "created"
    assert cid not in {c["Id"] for c in containers.listing(client, all=False)}

    def state() -> str:
        return str(containers.inspect(client, cid)["State"]["Status"])

    containers.start(client, cid)
    assert state() == "running"
    with pytest.raises(NotModified):
        containers.start(client, cid)
    containers.pause(client, cid)
    assert state() == "paused"
    with pytest.raises(Conflict):
        containers.start(client, cid)  # 409: start a paused container
    containers.unpause(client, cid)
    with pytest.raises(EngineError) as unpause_again:
        containers.unpause(client, cid)
    assert unpause_again.value.status == 500 and "not paused" in unpause_again.value.message
    containers.restart(client, cid, timeout=1)
    assert state() == "running"
    containers.kill(client, cid, "SIGKILL")
    wait_for(lambda: state() == "exited", what="kill to take effect")
    with pytest.raises(Conflict):
        containers.kill(client, cid)  # 409: not running
    containers.start(client, cid)
    containers.stop(client, cid, timeout=1)
    assert state() == "exited"
    with pytest.raises(NotModified):
        containers.stop(client, cid)
    containers.start(client, cid)
    with pytest.raises(Conflict):
        containers.remove(client, cid)  # running, no force
    containers.remove(client, cid, force=True, volumes=True)
    with pytest.raises(NotFound):
        containers.inspect(client, cid)
    # By name, too: names are path segments, percent-encoded.
    cid2 = docker("create", "--name", unique_name + "-b", IMAGE, "true")
    assert containers.inspect(client, unique_name + "-b")["Id"] == cid2
    containers.remove(client, unique_name + "-b")


@pytest.mark.parametrize("odd", ["..", "a/../../info", "x?all=1", "x#y", "%2e%2e", "é/ü", "../"])
def test_odd_names_never_reach_another_endpoint(engine_url: str, odd: str) -> None:
    client = EngineClient(engine_url)
    with pytest.raises((NotFound, ValueError)):
        containers.inspect(client, odd)
    with pytest.raises((NotFound, ValueError)):
        containers.remove(client, odd, force=True)


@pytest.mark.parametrize("odd", ["x?all=1", "x#y", "%2e%2e", "é", "a b", "x;y"])
def test_an_odd_name_is_one_path_segment_the_engine_sees_whole(odd: str) -> None:
    with FakeEngine() as fake:
        client = EngineClient(fake.url)
        with pytest.raises(NotFound):
            containers.inspect(client, odd)
        seen = [r for r in fake.requests if "/containers/" in r.path]
        assert [unquote(r.route) for r in seen] == [f"/containers/{odd}/json"]
        assert seen[0].query == {}


@pytest.mark.parametrize("odd", ["..", ".", "a/../../info", "../", "x/y", ""])
def test_a_name_that_cannot_be_one_segment_is_never_sent(odd: str) -> None:
    with FakeEngine() as fake:
        client = EngineClient(fake.url)
        with pytest.raises(ValueError, match="not a container id or name"):
            containers.remove(client, odd, force=True)
        assert not [r for r in fake.requests if "/containers/" in r.path]


def test_an_event_for_each_action_then_dispose_ends_the_thread(
        engine_url: str, docker, unique_name: str) -> None:
    client = EngineClient(engine_url)
    got: list[Event] = []
    before = set(threading.enumerate())
    # From the daemon's own now: nothing is missed however late the subscription registers.
    since = system.info(client)["SystemTime"]
    sub = events(client, since=since_arg(parse_time_ns(since) or 0),
                 filters={"type": ["container"]}).subscribe(on_next=got.append)
    cid = docker.run_detached(name=unique_name)
    containers.pause(client, cid)
    containers.unpause(client, cid)
    containers.stop(client, cid, timeout=1)
    containers.remove(client, cid)
    want = ["start", "pause", "unpause", "stop", "destroy"]
    wait_for(lambda: all(a in [e.action for e in got if e.actor_id == cid] for a in want),
             what="an event for each action")
    mine = [e for e in got if e.actor_id == cid]
    assert all(e.attributes.get("name") == unique_name for e in mine)
    assert [e.time_nano for e in mine] == sorted(e.time_nano for e in mine)
    readers = [t for t in set(threading.enumerate()) - before if t.name == "genet-events"]
    assert readers
    t0 = time.monotonic()
    sub.dispose()
    for t in readers:
        t.join(1.0)
        assert not t.is_alive()
    assert time.monotonic() - t0 < 1.0
