"""Alerts folded from events: the rules (pure), each kind on the real private daemon, and the
race of a memory kill's two events on a fake engine."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from types import MappingProxyType
from typing import Any

import pytest
from dockerd import IMAGE
from engine_helpers import Watch, wait_for
from fake_engine import FakeEngine

import genet_rx
from genet_rx.model.events import Event
from genet_rx.state.alerts import Alert, AlertKind, AlertRules, AlertState, step

S = 1_000_000_000


def ev(action: str, ns: int, cid: str = "c1", **attrs: str) -> Event:
    return Event("container", action, cid, ns, MappingProxyType({"name": "web", **attrs}))


def alerts(events: Iterable[Event], rules: AlertRules | None = None) -> list[Alert]:
    state, raised = AlertState(), []
    for event in events:
        state, alert = step(state, event, rules or AlertRules())
        if alert is not None:
            raised.append(alert)
    return raised


def test_a_non_zero_exit_nobody_asked_for_is_a_death() -> None:
    [alert] = alerts([ev("start", 1 * S), ev("die", 2 * S, exitCode="3")])
    assert (alert.kind, alert.exit_code, alert.name) == (AlertKind.DIED, 3, "web")


def test_a_stop_is_no_death() -> None:
    stop = [ev("start", 1 * S), ev("kill", 2 * S, signal="15"), ev("die", 3 * S, exitCode="143"),
            ev("stop", 4 * S)]
    assert alerts(stop) == []


def test_a_clean_exit_is_no_death() -> None:
    assert alerts([ev("start", 1 * S), ev("die", 2 * S, exitCode="0")]) == []


def test_a_kill_counts_only_until_the_next_start() -> None:
    events = [ev("kill", 1 * S), ev("die", 2 * S, exitCode="137"), ev("start", 3 * S),
              ev("die", 4 * S, exitCode="1")]
    assert [a.kind for a in alerts(events)] == [AlertKind.DIED]


def test_an_oom_alerts_once_not_again_as_its_death() -> None:
    events = [ev("start", 1 * S), ev("oom", 2 * S), ev("die", 3 * S, exitCode="137")]
    assert [a.kind for a in alerts(events)] == [AlertKind.OOM]


def test_unhealthy_alerts_and_healthy_does_not() -> None:
    events = [ev("health_status: healthy", 1 * S), ev("health_status: unhealthy", 2 * S)]
    assert [a.kind for a in alerts(events)] == [AlertKind.UNHEALTHY]


def test_an_exec_probe_dying_is_not_the_container() -> None:
    assert alerts([ev("exec_die", 1 * S, exitCode="1", execID="e1")]) == []


def test_three_starts_within_a_minute_are_a_restart_loop() -> None:
    loop = [ev("start", 0), ev("die", 1 * S, exitCode="1"), ev("start", 2 * S),
            ev("die", 3 * S, exitCode="1"), ev("start", 5 * S)]
    assert [a.kind for a in alerts(loop, AlertRules(kinds=frozenset({AlertKind.RESTART_LOOP})))
            ] == [AlertKind.RESTART_LOOP]


def test_starts_spread_over_more_than_a_minute_are_no_loop() -> None:
    spread = [ev("start", 0), ev("start", 40 * S), ev("start", 80 * S)]
    assert alerts(spread) == []


def test_one_alert_per_container_and_kind_per_cooldown() -> None:
    dies = [ev("die", t * S, exitCode="1") for t in (1, 100, 302)]
    assert [a.event_time_ns for a in alerts(dies)] == [1 * S, 302 * S]


def test_rules_choose_kinds_names_and_labels() -> None:
    died = [ev("die", 1 * S, exitCode="1", tier="prod")]
    assert alerts(died, AlertRules(kinds=frozenset({AlertKind.OOM}))) == []
    assert alerts(died, AlertRules(name_pattern="db-*")) == []
    assert len(alerts(died, AlertRules(name_pattern="we*"))) == 1
    assert len(alerts(died, AlertRules(label="tier=prod"))) == 1
    assert alerts(died, AlertRules(label="tier=dev")) == []


def wait_until_alerting(watch: Watch, docker: Any, prefix: str) -> None:
    """watch --alerts prints only alerts: a container exiting 3, again until one is seen,
    says it is following the engine."""
    for attempt in range(30):
        docker("run", "-d", "--name", f"{prefix}-probe{attempt}", IMAGE, "sh", "-c", "exit 3")
        try:
            wait_for(lambda: any(ln["type"] == "alert" for ln in watch.lines), timeout=2,
                     what="a probe's alert")
            return
        except AssertionError:
            continue
    raise AssertionError("genet watch --alerts never alerted")


@pytest.mark.engine
def test_alerts_on_the_real_engine_and_none_for_a_stop(engine_url: str, docker,
                                                       unique_name: str) -> None:
    watch = Watch(engine_url, "--alerts")
    n = unique_name
    try:
        wait_until_alerting(watch, docker, n)
        stopped = docker.run_detached(name=f"{n}-stopped")
        docker("stop", "-t", "1", stopped)
        docker("run", "-d", "--name", f"{n}-exits", IMAGE, "sh", "-c", "exit 3")
        docker("run", "-d", "--name", f"{n}-sick", "--health-cmd", "false",
               "--health-interval", "1s", "--health-retries", "1", IMAGE, "sleep", "300")
        docker("run", "-d", "--name", f"{n}-oom", "--memory", "8m", "--memory-swap", "8m",
               IMAGE, "sh", "-c", "x=a; while true; do x=$x$x; done")
        docker("run", "-d", "--name", f"{n}-loop", "--restart", "always", IMAGE,
               "sh", "-c", "sleep 0.2; exit 1")

        def kinds() -> dict[str, set[str]]:
            got: dict[str, set[str]] = {}
            for line in watch.lines:
                if line["type"] == "alert":
                    got.setdefault(line["name"], set()).add(line["kind"])
            return got

        want = {f"{n}-exits": {"died"}, f"{n}-sick": {"unhealthy"}, f"{n}-oom": {"oom"},
                f"{n}-loop": {"died", "restart_loop"}}
        wait_for(lambda: all(want[k] <= kinds().get(k, set()) for k in want), timeout=60,
                 what=f"the alerts (so far: {kinds()})")
        assert f"{n}-stopped" not in kinds()
        assert "died" not in kinds()[f"{n}-oom"]
    finally:
        docker("rm", "-f", f"{n}-loop", f"{n}-oom", f"{n}-sick", f"{n}-exits", check=False)
        assert watch.stop() == 0


# -- the engine's stream (a fake engine): an oom and its die race ------------------------------


@pytest.fixture
def fake_alerts() -> Iterator[tuple[FakeEngine, list[Alert]]]:
    """A fake engine and the alerts an engine connected to it raises, as they come."""
    with FakeEngine() as fake:
        engine = genet_rx.connect(fake.url)
        raised: list[Alert] = []
        sub = engine.alerts().subscribe(raised.append)
        try:
            fake.wait_subscribed(2)  # the engine's own stream and the alerts'
            yield fake, raised
        finally:
            sub.dispose()
            engine.close()


def record(action: str, cid: str, **attrs: str) -> dict[str, Any]:
    return {"Type": "container", "Action": action, "timeNano": time.time_ns(),
            "Actor": {"ID": cid, "Attributes": {"name": "hog", **attrs}}}


def test_a_memory_kill_whose_death_is_reported_first_alerts_only_the_oom(fake_alerts) -> None:
    fake, raised = fake_alerts
    hog = fake.add_container("hog")
    fake.set_state(hog, "exited", exit_code=137, oom_killed=True)
    fake.emit_many([record("die", hog, exitCode="137"), record("oom", hog)])
    wait_for(lambda: raised, what="an alert")
    assert [a.kind for a in raised] == [AlertKind.OOM]


def test_a_sigkill_nobody_asked_for_without_a_memory_kill_is_a_death(fake_alerts) -> None:
    fake, raised = fake_alerts
    hog = fake.add_container("hog")
    fake.set_state(hog, "exited", exit_code=137)
    fake.emit(record("die", hog, exitCode="137"))
    wait_for(lambda: raised, what="an alert")
    assert [(a.kind, a.exit_code) for a in raised] == [(AlertKind.DIED, 137)]


def test_a_death_by_sigkill_of_a_container_already_gone_still_alerts(fake_alerts) -> None:
    fake, raised = fake_alerts
    hog = fake.add_container("hog")
    fake.remove_container(hog)
    fake.emit(record("die", hog, exitCode="137"))
    wait_for(lambda: raised, what="an alert")
    assert [a.kind for a in raised] == [AlertKind.DIED]
