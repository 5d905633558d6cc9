"""The live table against the real private daemon: it always ends equal to the engine's list."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from dockerd import IMAGE
from engine_helpers import Watch, engine_view, wait_for, wait_table_equals_engine

from genet_rx import Engine, Link, Stop, connect
from genet_rx.engine.commands import Outcome, Pause, Start, Unpause
from genet_rx.model.connection import Connection
from genet_rx.model.containers import Health, State

pytestmark = pytest.mark.engine


@pytest.fixture
def engine(engine_url: str) -> Iterator[Engine]:
    eng = connect(engine_url, reconcile_every=5.0)
    states: list[Connection] = []
    eng.connection.subscribe(states.append)
    wait_for(lambda: eng.table.synced, what="the first sync")
    eng.states = states  # type: ignore[attr-defined]
    yield eng
    eng.close()


def test_scripted_lifecycle_and_watch_replay(engine: Engine, docker, unique_name: str,
                                             engine_url: str) -> None:
    watch = Watch(engine_url)
    wait_for(lambda: any(ln.get("state") == "connected" for ln in watch.lines),
             what="genet watch to connect")
    n = unique_name
    a = docker("create", "--init", "--name", f"{n}-a", IMAGE, "sleep", "300")
    wait_for(lambda: engine.table.get(a), what="the created row")
    assert engine.table.rows[a].state is State.CREATED
    for step, want in [(("start", a), State.RUNNING), (("pause", a), State.PAUSED),
                       (("unpause", a), State.RUNNING), (("stop", "-t", "1", a), State.EXITED),
                       (("restart", "-t", "1", a), State.RUNNING),
                       (("kill", a), State.EXITED)]:
        docker(*step)
        wait_for(lambda want=want: engine.table.rows[a].state is want, what=f"{step} → {want}")
    assert engine.table.rows[a].exit_code == 137
    docker("rename", f"{n}-a", f"{n}-renamed")
    wait_for(lambda: engine.table.rows[a].name == f"{n}-renamed", what="the rename")

    exits = docker("run", "-d", "--name", f"{n}-exits", IMAGE, "sh", "-c", "exit 3")
    rm = docker("run", "-d", "--rm", "--name", f"{n}-rm", IMAGE, "sh", "-c", "sleep 0.3")
    churn = docker("run", "-d", "--restart", "always", "--name", f"{n}-churn", IMAGE,
                   "sh", "-c", "sleep 0.2; exit 1")
    hc = docker("run", "-d", "--init", "--name", f"{n}-hc", "--health-cmd", "true",
                "--health-interval", "1s", IMAGE, "sleep", "300")
    wait_for(lambda: (r := engine.table.get(exits)) and r.exit_code == 3, what="exit by itself")
    wait_for(lambda: rm not in engine.table.rows and rm in engine.table.tombstones,
             what="--rm container gone")
    wait_for(lambda: (r := engine.table.get(hc)) and r.health is Health.HEALTHY,
             what="health check flipping to healthy")
    wait_for(lambda: (r := engine.table.get(churn)) and r.state is State.RESTARTING,
             what="the restart policy churning")
    docker("update", "--restart", "no", churn)
    docker("stop", "-t", "1", churn)
    wait_table_equals_engine(lambda: engine.table, docker)
    wait_for(lambda: watch.replay() == engine_view(docker), what="watch replay == engine")

    docker("rm", "-f", a, exits, churn, hc)
    wait_table_equals_engine(lambda: engine.table, docker)
    wait_for(lambda: watch.replay() == engine_view(docker), what="watch replay == engine")
    assert watch.stop() == 0
    initial = [ln for ln in watch.lines if ln["type"] == "container"]
    assert all(ln["event_time_ns"] is not None for ln in initial if ln["id"] == a)


def test_on_failure_n_giving_up_shows_exited_at_once(engine_url: str, docker,
                                                     unique_name: str) -> None:
    # No reconcile during the test: only events and the inspects they ask for may fix the row.
    with connect(engine_url, reconcile_every=3600.0) as eng:
        wait_for(lambda: eng.table.synced, what="the first sync")
        cid = docker("run", "-d", "--restart", "on-failure:3", "--name", unique_name, IMAGE,
                     "sh", "-c", "sleep 0.2; exit 1")
        wait_for(lambda: docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", cid)
                 == "exited 3", timeout=30, what="the engine to give up after 3 restarts")
        wait_table_equals_engine(lambda: eng.table, docker, timeout=5)
        assert eng.table.rows[cid].state is State.EXITED
        assert eng.table.rows[cid].exit_code == 1


def test_commands_are_values_and_the_table_follows_events(engine: Engine, docker,
                                                          unique_name: str) -> None:
    cid = docker.run_detached(name=unique_name)
    wait_for(lambda: engine.table.get(cid), what="the row")
    assert engine.execute(Pause(cid)).run().outcome is Outcome.DONE
    wait_for(lambda: engine.table.rows[cid].state is State.PAUSED, what="paused")
    refused = engine.execute(Start(cid)).run()
    assert refused.outcome is Outcome.FAILED and "paused" in refused.message.lower()
    assert engine.execute(Unpause(cid)).run().ok
    assert engine.execute(Stop(cid, 1)).run().outcome is Outcome.DONE
    wait_for(lambda: engine.table.rows[cid].state is State.EXITED, what="exited")
    already = engine.execute(Stop(cid, 1)).run()
    assert (already.outcome, already.message) == (Outcome.ALREADY, "already stopped")
    gone = engine.execute(Start("0" * 64)).run()
    assert gone.outcome is Outcome.FAILED and "no such container" in gone.message.lower()


def test_fifty_containers_created_and_removed_concurrently(engine: Engine, docker,
                                                           unique_name: str) -> None:
    def churn(i: int) -> None:
        name = f"{unique_name}-{i}"
        docker("run", "-d", "--name", name, IMAGE, "sleep", "300")
        if i % 2:
            docker("rm", "-f", name)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(churn, range(50)))
    wait_table_equals_engine(lambda: engine.table, docker, timeout=60)
    assert sum(1 for r in engine.table.rows.values() if r.name.startswith(unique_name)) == 25


def test_daemon_restart_mid_run(engine: Engine, daemon, docker, unique_name: str) -> None:
    keep = docker.run_detached(name=f"{unique_name}-keep")
    wait_for(lambda: engine.table.get(keep), what="the row")
    daemon.stop()
    wait_for(lambda: engine.states[-1].state is Link.DISCONNECTED, what="disconnected")
    assert engine.table.get(keep) is not None  # the table stays, marked by the connection
    daemon.start()
    wait_for(lambda: engine.states[-1].state is Link.CONNECTED, timeout=30, what="reconnect")
    late = docker.run_detached(name=f"{unique_name}-late")
    wait_for(lambda: engine.table.get(late), what="a row after the restart")
    wait_table_equals_engine(lambda: engine.table, docker)
