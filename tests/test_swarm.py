"""Swarm services and nodes: parsers on answers recorded from a real single-node swarm, the
fold's rules, and a live swarm on a private daemon of its own."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from types import MappingProxyType

import pytest
from dockerd import IMAGE, PrivateDaemon, docker_cli
from engine_helpers import Watch, wait_for
from fake_engine import FakeEngine
from reactivex.testing import TestScheduler

from genet_rx import Engine, connect
from genet_rx.engine.commands import (
    Command,
    CommandResult,
    Outcome,
    RemoveService,
    RollbackService,
    ScaleService,
    SetNodeAvailability,
    UpdateServiceImage,
)
from genet_rx.model.events import Event
from genet_rx.model.swarm import (
    SwarmTasks,
    node_from_list,
    services_from_answer,
    tasks_from_answer,
)
from genet_rx.state.changes import Snapshot
from genet_rx.state.engine_state import also_inspect, apply, initial

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> object:
    return json.loads((SAMPLES / name).read_text())


def test_a_service_shows_running_of_desired_as_docker_service_ls() -> None:
    [web] = services_from_answer(sample("swarm-services.json"))
    assert (web.name, web.mode, web.replicas) == ("web", "replicated", 2)
    assert (web.running, web.desired) == (2, 2)
    assert web.image == "genet-test/busybox:latest"
    assert web.update_state == ""  # null until an image update


def test_a_node_says_its_role_availability_and_engine() -> None:
    node = node_from_list(sample("swarm-nodes.json")[0])  # type: ignore[index]
    assert (node.role, node.availability, node.state, node.leader) == (
        "manager", "active", "ready", True)
    assert node.engine_version.startswith("20.10")


def test_a_rejected_task_carries_the_engines_reason() -> None:
    tasks = tasks_from_answer(sample("swarm-tasks-bad.json"))
    assert {t.state for t in tasks} == {"rejected"}
    assert tasks[0].error == "No such image: no-such/image:1"


def test_not_a_manager_is_a_reason_not_a_failure() -> None:
    why = "This node is not a swarm manager."
    state = apply(initial("x"), Snapshot((), 0, "service", unavailable=why))
    assert state.services.synced
    assert state.services.unavailable == why


def test_a_task_container_starting_asks_for_its_services_counts() -> None:
    state = apply(initial("x"), Snapshot((), 0, "service"))
    started = Event("container", "start", "c1", 5, MappingProxyType(
        {"com.docker.swarm.service.id": "svc1", "name": "web.1.x"}))
    refresh = also_inspect(state, started)
    assert refresh is not None
    assert (refresh.type, refresh.actor_id) == ("service", "svc1")


def test_a_plain_container_asks_for_no_service() -> None:
    state = apply(initial("x"), Snapshot((), 0, "service"))
    assert also_inspect(state, Event("container", "start", "c1", 5)) is None


@pytest.mark.engine
def test_services_live_on_a_swarm(swarm: PrivateDaemon) -> None:
    env = {**os.environ, "DOCKER_HOST": swarm.url}

    def docker(*args: str) -> str:
        return subprocess.run([docker_cli(), *args], env=env, check=True, capture_output=True,
                              text=True, timeout=120).stdout.strip()

    engine: Engine = connect(swarm.url, reconcile_every=3600.0)
    try:
        wait_for(lambda: engine.latest.services.synced and engine.latest.nodes.synced,
                 what="services and nodes synced")
        assert engine.latest.services.unavailable == ""
        assert [n.role for n in engine.latest.nodes.rows.values()] == ["manager"]
        sid = docker("service", "create", "--detach", "--name", "web", "--replicas", "2", IMAGE,
                     "sleep", "300")
        wait_for(lambda: (s := engine.latest.services.get(sid)) and s.running == 2
                 and s.desired == 2, timeout=60, what="web 2/2 from task containers' events")
        docker("service", "scale", "--detach", "web=1")
        wait_for(lambda: engine.latest.services.rows[sid].desired == 1, timeout=60,
                 what="the desired count after a scale")
        docker("service", "rm", "web")
        wait_for(lambda: sid not in engine.latest.services.rows, what="the service removed")
    finally:
        engine.close()


@pytest.mark.engine
def test_scale_update_rollback_drain_and_remove_from_genet(swarm: PrivateDaemon) -> None:
    env = {**os.environ, "DOCKER_HOST": swarm.url}

    def docker(*args: str) -> str:
        return subprocess.run([docker_cli(), *args], env=env, check=True, capture_output=True,
                              text=True, timeout=120).stdout.strip()

    docker("tag", IMAGE, "genet-test/busybox:v2")
    engine = connect(swarm.url, reconcile_every=3600.0)
    try:
        wait_for(lambda: engine.latest.nodes.synced, what="nodes synced")
        sid = docker("service", "create", "--detach", "--name", "api", IMAGE, "sleep", "300")
        wait_for(lambda: sid in engine.latest.services.rows, what="the service")

        def run(command: Command) -> CommandResult:
            return engine.execute(command).run()

        assert run(ScaleService(sid, 3)).outcome is Outcome.DONE
        wait_for(lambda: engine.latest.services.rows[sid].running == 3, timeout=60,
                 what="3 running after Genet's scale")
        assert run(UpdateServiceImage(sid, "genet-test/busybox:v2")).ok
        wait_for(lambda: engine.latest.services.rows[sid].image == "genet-test/busybox:v2",
                 timeout=60, what="the new image")
        wait_for(lambda: engine.latest.services.rows[sid].update_state == "completed",
                 timeout=90, what="the rolling update completed")
        assert run(RollbackService(sid)).ok
        wait_for(lambda: engine.latest.services.rows[sid].image == IMAGE + ":latest",
                 timeout=60, what="the image rolled back")
        node = next(iter(engine.latest.nodes.rows))
        assert run(SetNodeAvailability(node, "drain")).ok
        wait_for(lambda: engine.latest.nodes.rows[node].availability == "drain",
                 what="the node drained")
        assert run(SetNodeAvailability(node, "active")).ok
        wait_for(lambda: engine.latest.nodes.rows[node].availability == "active",
                 what="the node active again")
        refused = run(ScaleService("no-such-service", 2))
        assert refused.outcome is Outcome.FAILED
        assert "not found" in refused.message
        assert run(RemoveService(sid)).ok
        wait_for(lambda: sid not in engine.latest.services.rows, what="the service removed")
    finally:
        engine.close()


@pytest.mark.engine
def test_the_swarm_view_and_watch_equal_the_engines_lists(swarm: PrivateDaemon) -> None:
    env = {**os.environ, "DOCKER_HOST": swarm.url}

    def docker(*args: str) -> str:
        return subprocess.run([docker_cli(), *args], env=env, check=True, capture_output=True,
                              text=True, timeout=120).stdout.strip()

    def engine_services() -> dict[str, str]:
        out = docker("service", "ls", "--format", "{{.Name}}\t{{.Replicas}}")
        return dict(line.split("\t") for line in out.splitlines())

    def engine_nodes() -> dict[str, str]:
        out = docker("node", "ls", "--format", "{{.Hostname}}\t{{.Availability}}\t{{.Status}}")
        return {h: f"{a.lower()} {s.lower()}" for h, a, s in (ln.split("\t")
                                                                for ln in out.splitlines())}

    def replicas(running: int | None, desired: int | None) -> str:
        return f"{running or 0}/{desired or 0}"

    def genet_view() -> tuple[dict[str, str], dict[str, str]]:
        s = engine.latest
        return ({v.name: replicas(v.running, v.desired) for v in s.services.rows.values()},
                {n.hostname: f"{n.availability} {n.state}" for n in s.nodes.rows.values()})

    def watch_view() -> tuple[dict[str, str], dict[str, str]]:
        lines = watch.replay_all()
        return ({v["name"]: replicas(v["replicas_running"], v["replicas_desired"])
                 for k, v in lines.items() if k[0] == "service"},
                {v["hostname"]: f"{v['availability']} {v['state']}"
                 for k, v in lines.items() if k[0] == "node"})

    def all_equal(step: str) -> None:
        seen: list[object] = []

        def same() -> bool:
            seen[:] = [(engine_services(), engine_nodes()), genet_view(), watch_view()]
            return seen[0] == seen[1] == seen[2]

        try:
            wait_for(same, timeout=60, what=step)
        except AssertionError:
            raise AssertionError(f"{step}: engine {seen[0]} genet {seen[1]} watch {seen[2]}"
                                 ) from None

    engine = connect(swarm.url, reconcile_every=3600.0)
    watch = Watch(swarm.url, "--kinds", "services,nodes")
    try:
        all_equal("the first sync")
        docker("service", "create", "--detach", "--name", "app", "--replicas", "2", IMAGE,
               "sleep", "300")
        all_equal("a replicated service")
        docker("service", "scale", "--detach", "app=3")
        all_equal("scaled up")
        docker("service", "scale", "--detach", "app=1")
        all_equal("scaled down")
        docker("service", "create", "--detach", "--name", "broken", "no-such/image:1")
        all_equal("a service whose tasks cannot start")
        docker("service", "create", "--detach", "--name", "everywhere", "--mode", "global",
               IMAGE, "sleep", "300")
        all_equal("a global service")
        docker("service", "rm", "app", "broken", "everywhere")
        all_equal("all removed")
    finally:
        assert watch.stop() == 0
        engine.close()


def test_the_slow_refresh_asks_only_while_subscribed() -> None:
    clock = TestScheduler()
    with FakeEngine() as fake:
        engine = connect(fake.url, reconcile_every=3600.0)
        try:
            def asked() -> int:
                return sum(1 for r in fake.requests if r.route == "/tasks")

            got: list[SwarmTasks] = []
            shown = engine.swarm_tasks(every=5.0, scheduler=clock).subscribe(got.append)
            clock.advance_by(11.0)  # at once, at 5 s and at 10 s
            assert asked() == 3
            shown.dispose()
            clock.advance_by(60.0)
            assert asked() == 3
            assert "not a swarm manager" in got[-1].error
        finally:
            engine.close()


@pytest.mark.engine
def test_the_slow_refresh_brings_counts_no_event_announces(swarm: PrivateDaemon) -> None:
    env = {**os.environ, "DOCKER_HOST": swarm.url}
    sid = subprocess.run([docker_cli(), "service", "create", "--detach", "--name", "slow",
                          "--replicas", "2", IMAGE, "sleep", "300"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout.strip()
    engine = connect(swarm.url, reconcile_every=3600.0)
    try:
        wait_for(lambda: sid in engine.latest.services.rows, what="the service listed")
        got: list[SwarmTasks] = []
        shown = engine.swarm_tasks(sid, every=0.5).subscribe(got.append)
        try:
            wait_for(lambda: got and len([t for t in got[-1].tasks if t.state == "running"]
                                         ) == 2, timeout=60, what="two running tasks")
            wait_for(lambda: engine.latest.services.rows[sid].running == 2, timeout=60,
                     what="the counts brought by the refresh")
        finally:
            shown.dispose()
        assert {t.service_id for t in got[-1].tasks} == {sid}
    finally:
        subprocess.run([docker_cli(), "service", "rm", sid], env=env, capture_output=True,
                       timeout=120, check=False)
        engine.close()
