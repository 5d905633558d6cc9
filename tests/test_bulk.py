"""Acting on many containers at once, and a compose project as a unit, on the real daemon."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dockerd import IMAGE
from engine_helpers import synced_engine, wait_for

from genet_rx import Engine
from genet_rx.engine.bulk import project_containers, summary
from genet_rx.engine.commands import CommandResult, Outcome, Remove, Start, Stop
from genet_rx.model.events import Event

pytestmark = pytest.mark.engine


@pytest.fixture
def engine(engine_url: str) -> Iterator[Engine]:
    yield from synced_engine(engine_url)


def test_a_selection_of_five_one_stopped_one_removed_meanwhile(engine: Engine, docker,
                                                               unique_name: str) -> None:
    ids = [docker.run_detached(name=f"{unique_name}-{i}") for i in range(5)]
    docker("stop", "-t", "1", ids[3])
    wait_for(lambda: all(engine.table.get(i) for i in ids), what="the five rows")
    docker("rm", "-f", ids[4])  # removed behind the selection's back
    results: list[CommandResult] = []
    engine.execute_many([Stop(i, 1) for i in ids]).subscribe(results.append)
    wait_for(lambda: len(results) == 5, what="five results")
    said = summary(results, "stopped", "already stopped")
    assert said.startswith("3 stopped · 1 already stopped · 1 failed: ")
    assert "No such container" in said
    wait_for(lambda: all(engine.table.rows[i].state.value == "exited" for i in ids[:4]),
             what="the state following the engine's events")


def test_a_compose_project_started_stopped_and_removed_as_a_unit(engine: Engine, docker,
                                                                unique_name: str) -> None:
    project = f"{unique_name}-shop"
    for service in ("web", "db", "cache"):
        docker("create", "--name", f"{project}-{service}-1",
               "--label", f"com.docker.compose.project={project}",
               "--label", f"com.docker.compose.service={service}", IMAGE, "sleep", "300")
    wait_for(lambda: len(project_containers(engine.table, project)) == 3, what="the project")

    def act(command: type[Start] | type[Stop] | type[Remove]) -> str:
        members = project_containers(engine.table, project)
        results: list[CommandResult] = []
        kwargs = {"force": True} if command is Remove else {}
        engine.execute_many([command(c.id, **kwargs) for c in members]).subscribe(
            results.append)
        wait_for(lambda: len(results) == len(members), what=f"{command.__name__} results")
        return summary(results, "done", "already")

    assert act(Start) == "3 done"
    wait_for(lambda: {c.state.value for c in project_containers(engine.table, project)}
             == {"running"}, what="the project running")
    assert act(Stop) == "3 done"
    assert act(Remove) == "3 done"
    wait_for(lambda: project_containers(engine.table, project) == [], what="the project gone")


def test_the_engines_history_of_a_container(engine: Engine, docker, unique_name: str) -> None:
    cid = docker.run_detached(name=unique_name)
    docker("pause", cid)
    docker("unpause", cid)
    verbs = [e.verb for e in collect(engine, cid)]
    lifecycle = [v for v in verbs if v in ("create", "start", "pause", "unpause")]
    assert lifecycle == ["create", "start", "pause", "unpause"]
    assert all(e.actor_id == cid for e in collect(engine, cid))


def collect(engine: Engine, cid: str) -> list[Event]:
    out: list[Event] = []
    done: list[bool] = []
    engine.history(cid).subscribe(out.append, on_completed=lambda: done.append(True))
    wait_for(lambda: done, what="the history to complete")
    return out


def test_summary_of_nothing_says_so() -> None:
    assert summary([], "stopped", "already stopped") == "nothing to do"


def test_summary_counts_failures_and_shows_the_first_reasons() -> None:
    failed = [CommandResult(Stop(f"c{i}"), Outcome.FAILED, "gone") for i in range(5)]
    assert summary(failed, "stopped", "already").endswith("c2: gone (+2 more)")
