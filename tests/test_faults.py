"""Faults and bad input (issue 6): a clear message, no crash, and — once the engine is
reachable again — a table equal to the engine's own list. Driven by the fake engine."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator

import pytest
from engine_helpers import Live, table_view, wait_for
from fake_engine import FakeEngine

from genet_rx import Engine, Link
from genet_rx.api import containers
from genet_rx.api.client import EngineClient
from genet_rx.engine.commands import Outcome, Pause, Start, Stop, Unpause
from genet_rx.errors import EngineTimeout
from genet_rx.model.containers import health_from_status
from genet_rx.state.containers import ContainerTable


def fake_view(fake: FakeEngine) -> dict[str, tuple[str, str, str]]:
    return {c["Id"]: (c["Names"][0].lstrip("/"), c["State"],
                      health_from_status(c["Status"]).value)
            for c in containers.listing(EngineClient(fake.url))}


def wait_equal(engine: Engine, fake: FakeEngine, timeout: float = 15.0) -> None:
    last: list[object] = []

    def same() -> bool:
        last[:] = [table_view(engine.table), fake_view(fake)]
        return last[0] == last[1]

    try:
        wait_for(same, timeout, "the table to equal the engine's list")
    except AssertionError:
        raise AssertionError(f"table {last[0]!s:.2000}\n != engine {last[1]!s:.2000}") from None


def id_of(table: ContainerTable, name: str) -> str:
    """The id of the row called ``name`` in a table."""
    return next(cid for cid, r in table.rows.items() if r.name == name)


def stuck_consumer(engine: Engine) -> threading.Event:
    """A UI stuck from the next table on (not the one replayed at subscribe) until the
    returned gate is set, or 20 s: the fold thread waits on it."""
    gate, armed = threading.Event(), threading.Event()
    engine.containers.subscribe(lambda t: armed.is_set() and gate.wait(20))
    armed.set()
    return gate


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    with FakeEngine() as f:
        f.add_container("web")
        f.add_container("db", state="exited")
        yield f


@pytest.fixture
def live(fake: FakeEngine) -> Iterator[Live]:
    lv = Live(fake.url)
    lv.wait_state(Link.CONNECTED)
    fake.wait_subscribed()
    yield lv
    lv.engine.close()


def test_engine_down_at_start_then_up(fake: FakeEngine) -> None:
    fake.stop()
    lv = Live(fake.url)
    try:
        down = lv.wait_state(Link.DISCONNECTED)
        assert "no Docker socket" in (down.message or "")
        assert "systemctl" not in (down.message or "")  # a socket of its own: not the system's
        fake.start()
        lv.wait_state(Link.CONNECTED)
        wait_equal(lv.engine, fake)
    finally:
        lv.engine.close()


def test_engine_restarts_with_a_new_socket_inode(fake: FakeEngine, live: Live) -> None:
    inode = os.stat(fake.socket_path).st_ino
    fake.stop()
    live.wait_state(Link.DISCONNECTED)
    web = next(iter(live.engine.table.rows))
    fake.act(web, "stop")  # changes while we are away: no stream sees them
    fake.add_container("new-while-down")
    fake.start()
    assert os.stat(fake.socket_path).st_ino != inode
    wait_for(lambda: live.connects() >= 2, what="a second connect")
    wait_equal(live.engine, fake)


def test_permission_denied_says_what_to_do() -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to drop to another user")
    with FakeEngine() as f:
        os.chmod(f.socket_path, 0o600)  # root's own; "nobody" may not connect
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: become nobody, try, report, leave
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                try:
                    EngineClient(f.url).negotiate()
                    message = "connected?!"
                except Exception as exc:
                    message = str(exc)
                os.write(write_end, message.encode())
            finally:
                os._exit(0)
        os.close(write_end)
        os.waitpid(pid, 0)
        out = os.read(read_end, 4096).decode()
        os.close(read_end)
    assert "permission denied" in out and "docker group" in out, out


def test_stream_cut_mid_record_resumes_with_since(fake: FakeEngine, live: Live) -> None:
    fake.cut_streams()
    wait_for(lambda: live.connects() >= 2, what="reconnect")
    fake.wait_subscribed()
    web = id_of(live.engine.table, "web")
    fake.act(web, "pause")
    wait_equal(live.engine, fake)
    since = [r.query.get("since") for r in fake.requests if r.path.endswith("/events")]
    assert len(since) == 2
    assert since[1] == since[0]  # nothing folded yet: it starts again where it began


def test_reconnect_resumes_with_since_and_the_gap_arrives_as_events(
        fake: FakeEngine, live: Live) -> None:
    web = id_of(live.engine.table, "web")
    fake.act(web, "pause")  # folded before the cut: the resume starts just after it
    wait_for(lambda: live.engine.table.rows[web].state.value == "paused", what="paused")
    folded_ns = live.engine.latest.last_event_ns
    fake.fail("/_ping", status=500, message="down for a moment")  # keep Genet away a while
    fake.cut_streams()
    live.wait_state(Link.DISCONNECTED)
    fake.act(web, "unpause")  # changes during the gap, with the engine running
    fake.act(web, "stop")
    gap = [e for e in fake.event_history() if e["timeNano"] > folded_ns]
    fake.clear_faults()
    wait_for(lambda: live.connects() >= 2, what="reconnect")
    fake.wait_subscribed()
    resumed = [r.query.get("since") for r in fake.requests if r.path.endswith("/events")][-1]
    assert resumed == f"{(folded_ns + 1) // 10**9}.{(folded_ns + 1) % 10**9:09d}"
    # The row's newest event is the gap's last: events, not only the list, brought it.
    wait_for(lambda: live.engine.table.rows[web].event_ns == gap[-1]["timeNano"],
             what="the gap's events folded")
    assert live.engine.table.rows[web].state.value == "exited"


def test_deeply_nested_json_is_one_malformed_record(fake: FakeEngine, live: Live) -> None:
    fake.emit_raw(b"[" * 5000 + b"\n")
    fake.emit_raw(b'{"a":' * 5000 + b"\n")
    web = id_of(live.engine.table, "web")
    fake.act(web, "pause")
    wait_equal(live.engine, fake)
    assert live.engine.client.malformed_events == 2
    assert live.connects() == 1  # the stream went on


def test_a_short_call_has_a_deadline_for_the_whole_answer(fake: FakeEngine) -> None:
    fake.drip("/containers/json", every=0.05)  # each read gets a byte: no read times out
    client = EngineClient(fake.url, timeout=1.0)
    client.negotiate()
    with pytest.raises(EngineTimeout, match="did not answer in time"):
        containers.listing(client)


def test_a_fold_that_falls_too_far_behind_resyncs(fake: FakeEngine) -> None:
    lv = Live(fake.url, max_pending_events=50)
    try:
        lv.wait_state(Link.CONNECTED)
        fake.wait_subscribed()
        gate = stuck_consumer(lv.engine)
        web = id_of(lv.engine.table, "web")
        now = time.time_ns()
        # The fold is stuck: far more than 50 wait. The burst ends in "unpause", as the
        # fake's list (running) says, since the resync may replay part of it (T0 from the
        # engine's Date header is whole seconds).
        for n in range(500):
            fake.emit({"Type": "container", "Action": "unpause" if n % 2 else "pause",
                       "Actor": {"ID": web, "Attributes": {"name": "web"}}, "timeNano": now + n})
        wait_for(fake.events_all_sent, what="the reader to take the whole burst")
        gate.set()
        down = lv.wait_state(Link.DISCONNECTED)
        assert "behind" in (down.message or "")
        wait_for(lambda: lv.connects() >= 2, what="the resync")
        wait_equal(lv.engine, fake)
    finally:
        lv.engine.close()


@pytest.mark.parametrize("fault", ["reset", "truncate", "garbage"])
def test_stream_faults_reconnect(fake: FakeEngine, live: Live, fault: str) -> None:
    getattr(fake, fault)("/events", times=2)
    fake.cut_streams()
    wait_for(lambda: live.connects() >= 2, what="reconnect through the faults")
    fake.wait_subscribed()
    web = id_of(live.engine.table, "web")
    fake.act(web, "stop")
    wait_equal(live.engine, fake)


@pytest.mark.parametrize("status", [500, 503])
def test_list_failures_are_reported_then_retried(fake: FakeEngine, status: int) -> None:
    fake.fail("/containers/json", status, "engine busy", times=2)
    lv = Live(fake.url)
    try:
        down = lv.wait_state(Link.DISCONNECTED)
        assert "engine busy" in (down.message or "")
        lv.wait_state(Link.CONNECTED)
        wait_equal(lv.engine, fake)
    finally:
        lv.engine.close()


def streams_asked(fake: FakeEngine) -> int:
    """How many ``/events`` streams have been asked for so far."""
    return sum(r.route == "/events" for r in fake.requests)


def test_short_calls_time_out_streams_do_not(fake: FakeEngine) -> None:
    # Every events stream is silent from the start (armed before Genet connects, so no
    # stream can slip in ahead of the fault): a silent stream is not an error.
    fake.stall("/events", after_headers=True)
    fake.stall("/containers/json", times=1)
    lv = Live(fake.url, timeout=0.5)
    try:
        down = lv.wait_state(Link.DISCONNECTED)
        first = streams_asked(fake)
        assert "did not answer in time" in (down.message or "")
        lv.wait_state(Link.CONNECTED)
        wait_for(lambda: streams_asked(fake) > first, what="the second session's events stream")
        before = len(lv.states)
        time.sleep(1.5)  # three times the short-call timeout
        assert len(lv.states) == before and lv.states[-1].state is Link.CONNECTED
        wait_equal(lv.engine, fake)
    finally:
        lv.engine.close()


def test_silent_stream_is_repaired_by_reconcile(fake: FakeEngine) -> None:
    lv = Live(fake.url, reconcile_every=0.5)
    try:
        lv.wait_state(Link.CONNECTED)
        listed = containers.listing(EngineClient(fake.url))
        web = next(c["Id"] for c in listed if c["Names"] == ["/web"])
        fake.set_state(web, "paused")  # no event at all: as if the daemon dropped it
        fake.add_container("sneaky")
        wait_equal(lv.engine, fake)
    finally:
        lv.engine.close()


@pytest.mark.parametrize(("version", "words"), [("1.12", "upgrade the engine"),
                                                ("1.99", None)])
def test_api_versions_out_of_range(version: str, words: str | None) -> None:
    with FakeEngine(api_version=version, min_api_version="1.12") as f:
        f.add_container("web")
        lv = Live(f.url)
        try:
            if words:
                down = lv.wait_state(Link.DISCONNECTED)
                assert words in (down.message or "")
            else:  # far above our maximum: we speak ours
                up = lv.wait_state(Link.CONNECTED)
                assert up.api_version == "1.47"
                wait_equal(lv.engine, f)
        finally:
            lv.engine.close()


def test_odd_and_malformed_events_are_counted_and_the_table_stays_right(
        fake: FakeEngine, live: Live) -> None:
    web = id_of(live.engine.table, "web")
    now = time.time_ns()
    fake.emit({"Type": "plugin", "Action": "enable", "Actor": {"ID": "p"}, "timeNano": now})
    fake.emit({"Type": "container", "Action": "teleport", "Actor": {"ID": web},
               "timeNano": now + 1, "extra": {"nested": [1, 2]}})
    fake.emit({"Type": "container", "Action": "start", "timeNano": now + 2})  # no Actor
    bad = [b"{not json}\n", b"\xff\xfe garbage \xc3\x28\n", b'{"Type": "container"}\n',
           b"[]\n"]
    big = {"Type": "container", "Action": "exec_die", "timeNano": now + 3,
           "Actor": {"ID": web, "Attributes": {"name": "web", "blob": "x" * 1_000_000}}}
    fake.emit(big)  # a 1 MB record is a record like any other
    for raw in bad:
        fake.emit_raw(raw)
    fake.act(web, "pause")
    fake.act(web, "unpause")
    fake.act(web, "pause")
    history = [r for r in fake.requests if r.path.endswith("/events")]
    assert len(history) == 1
    # A duplicate and an out-of-order event, as a reconnect could deliver them: the row's
    # newest event again, and one older than it (twice: an older replay is out of order too).
    newest = [e for e in fake.event_history() if e.get("Action") == "pause"][-1]
    fake.emit(newest)
    old = {"Type": "container", "Action": "unpause", "Actor": {"ID": web, "Attributes": {}},
           "timeNano": now - 10**9}
    fake.emit(old)
    fake.emit(old)
    wait_equal(live.engine, fake)
    client = live.engine.client
    wait_for(lambda: client.malformed_events >= 4, what="malformed lines counted")
    assert client.malformed_events == 4  # not json, not UTF-8, no time, a list
    counters = live.engine.counters
    assert counters["other"] >= 1  # the one without an Actor (the plugin one is filtered)
    assert counters["noise"] >= 2  # "teleport", the 1 MB exec_die
    assert counters["duplicate"] >= 1 and counters["out_of_order"] >= 1
    assert counters["malformed"] == 4
    assert live.connects() == 1  # nothing of it broke the stream


def test_burst_while_the_consumer_is_busy(fake: FakeEngine) -> None:
    lv = Live(fake.url, reconcile_every=1.0)
    try:
        lv.wait_state(Link.CONNECTED)
        fake.wait_subscribed()
        gate = stuck_consumer(lv.engine)
        ids = [fake.add_container(f"b{i}") for i in range(20)]
        now = time.time_ns()
        for n in range(3000):
            cid = ids[n % 20]
            fake.emit({"Type": "container", "Action": "pause" if n % 2 else "unpause",
                       "Actor": {"ID": cid, "Attributes": {"name": f"b{n % 20}"}},
                       "timeNano": now + n})
        # The reader keeps reading while the fold waits: the engine's side sends it all (3000
        # records overflow a socket's buffer many times over, so nothing here could drain them).
        wait_for(fake.events_all_sent, what="the reader to take the whole burst")
        gate.set()
        wait_equal(lv.engine, fake, timeout=30)
    finally:
        lv.engine.close()


def test_commands_on_vanished_wrong_state_and_while_disconnected(
        fake: FakeEngine, live: Live) -> None:
    web = id_of(live.engine.table, "web")
    before = live.engine.table
    fake.remove_container(web)  # vanished behind our back
    gone = live.engine.execute(Stop(web)).run()
    assert gone.outcome is Outcome.FAILED and "No such container" in gone.message
    db = id_of(before, "db")
    wrong = live.engine.execute(Pause(db)).run()
    assert wrong.outcome is Outcome.FAILED and "not running" in wrong.message
    assert live.engine.execute(Unpause(db)).run().outcome is Outcome.FAILED
    assert live.engine.table.rows == before.rows  # commands never edit the table
    fake.stop()
    live.wait_state(Link.DISCONNECTED)
    away = live.engine.execute(Start(db)).run()
    assert away.outcome is Outcome.FAILED and "no Docker socket" in away.message
    fake.start()
    wait_equal(live.engine, fake)


def test_secrets_never_reach_debug_logs(fake: FakeEngine, caplog: pytest.LogCaptureFixture,
                                        live: Live) -> None:
    caplog.set_level("DEBUG")
    secret = "hunter2-very-secret"
    cid = fake.add_container("app", labels={"com.example": "x"},
                             env=[f"DB_PASSWORD={secret}"])
    assert f"DB_PASSWORD={secret}" in fake.inspect(cid)["Config"]["Env"]
    fake.emit_raw(json.dumps({"Type": "container", "Action": "create", "timeNano": 1,
                              "Actor": {"ID": cid, "Attributes": {"name": "app"}}}).encode()
                  + b"\n{broken " + secret.encode() + b"\n")
    wait_for(lambda: live.engine.table.get(cid), what="the new row")
    wait_for(lambda: any(r.path.endswith(f"/containers/{cid}/json") for r in fake.requests),
             what="the create's inspect, whose answer holds the secret")
    wait_for(lambda: live.engine.client.malformed_events == 1, what="the broken line counted")
    assert "skipped an events line" in caplog.text  # the debug log speaks, without content
    assert secret not in caplog.text


def kinds_view(engine: Engine) -> tuple[set[str], set[str], set[str]]:
    s = engine.latest
    return set(s.images.rows), set(s.volumes.rows), set(s.networks.rows)


def fake_kinds(fake: FakeEngine) -> tuple[set[str], set[str], set[str]]:
    client = EngineClient(fake.url)
    vols = client.get_json("/volumes")["Volumes"]
    return ({i["Id"] for i in client.get_json("/images/json")}, {v["Name"] for v in vols},
            {n["Id"] for n in client.get_json("/networks")})


def test_hostile_image_volume_and_network_events_leave_the_state_right(
        fake: FakeEngine) -> None:
    image = "sha256:" + "b" * 64
    fake.add_object("image", {"Id": image, "RepoTags": ["app:1"], "Size": 5, "Created": 1})
    fake.add_object("volume", {"Name": "data", "Driver": "local", "Mountpoint": "/v/data"})
    net = fake.add_object("network", {"Id": "c" * 64, "Name": "front", "Driver": "bridge"})
    live = Live(fake.url)
    try:
        live.wait_state(Link.CONNECTED)
        fake.wait_subscribed()
        hostile_events(fake, live, image, net)
    finally:
        live.engine.close()


def hostile_events(fake: FakeEngine, live: Live, image: str, net: str) -> None:
    now = time.time_ns()
    hostile = [
        {"Type": "image", "Action": "pull", "Actor": {"ID": "app:1"}, "timeNano": now},
        {"Type": "image", "Action": "delete", "Actor": {"ID": "sha256:" + "d" * 64},
         "timeNano": now + 1},  # an image Genet never saw
        {"Type": "image", "Action": "untag", "Actor": {}, "timeNano": now + 2},  # no id
        {"Type": "volume", "Action": "create", "Actor": {"ID": "data",
         "Attributes": {"driver": "local"}}, "timeNano": now + 3},  # again, as a run reuses
        {"Type": "volume", "Action": "teleport", "Actor": {"ID": "data"}, "timeNano": now + 4},
        {"Type": "volume", "Action": "mount", "Actor": {"ID": "data",
         "Attributes": {"container": "no-such-container"}}, "timeNano": now + 5},
        {"Type": "network", "Action": "connect", "Actor": {"ID": net, "Attributes": {
         "container": "no-such-container", "name": "front"}}, "timeNano": now + 6},
        {"Type": "network", "Action": "disconnect", "Actor": {"ID": net, "Attributes": {}},
         "timeNano": now + 7},
        {"Type": "network", "Action": "destroy", "Actor": {"ID": "e" * 64,
         "Attributes": {"name": "x" * 100_000}}, "timeNano": now + 8},
        {"Type": "volume", "Action": "prune", "Actor": {"ID": ""}, "timeNano": now + 9},
    ]
    for record in hostile:
        fake.emit(record)
    want = ({image}, {"data"}, {net})
    wait_for(lambda: kinds_view(live.engine) == fake_kinds(fake) == want,
             what="images, volumes and networks equal to the engine's")
    fake.remove_object("volume", "data")
    fake.emit({"Type": "volume", "Action": "destroy", "Actor": {"ID": "data"},
               "timeNano": now + 10})
    wait_for(lambda: "data" not in live.engine.latest.volumes.rows, what="the destroyed volume")
    assert kinds_view(live.engine) == fake_kinds(fake)
    assert live.connects() == 1  # nothing of it broke the stream
