"""The pure parts of the Services and Nodes views: rows, bars, tasks by node, plain-word task
errors, the rolling update's progress, log marks, the stepper and the not-a-manager line."""

from __future__ import annotations

import immutables
from msgspec.structs import replace

from genet_kivy.kinds.base import BADGE_OK, BADGE_WARN, count_text, empty_text
from genet_kivy.kinds.nodes import badge as node_badge
from genet_kivy.kinds.nodes import tasks_on
from genet_kivy.kinds.services import (
    BAD,
    NOT_MANAGER,
    SPEC,
    bar,
    line,
    marked,
    task_problem,
    tasks_by_node,
    update_progress,
)
from genet_kivy.panels.swarm_forms import MAX_REPLICAS, stepped
from genet_rx.model.logs import STDOUT, LogLine
from genet_rx.model.service_logs import ServiceLogLine
from genet_rx.model.swarm import Node, Service, Task
from genet_rx.state.engine_state import EngineState
from genet_rx.state.resources import Table

WEB = Service("s1", name="web", image="app:2", mode="replicated", replicas=3, running=3,
              desired=3)


def state_with(*nodes: Node) -> EngineState:
    rows = immutables.Map({n.id: n for n in nodes})
    return EngineState(host="h", nodes=Table(rows=rows, synced=True))


def test_a_failed_task_says_its_exit_code_in_words() -> None:
    task = Task("t", state="failed", error="task: non-zero exit (3)")
    assert task_problem(task) == "exited with code 3"


def test_an_unhealthy_task_says_its_health_check_failed() -> None:
    task = Task("t", state="failed",
                error="task: non-zero exit (137): dockerexec: unhealthy container")
    assert task_problem(task).startswith("failing health check")


def test_a_pending_task_says_no_suitable_node() -> None:
    task = Task("t", state="pending",
                error="no suitable node (1 node not available for new tasks)")
    assert task_problem(task).startswith("No suitable node (1 node")


def test_the_bar_is_green_when_running_equals_desired() -> None:
    assert bar(WEB) == (1.0, BADGE_OK)


def test_the_bar_is_amber_while_they_differ() -> None:
    assert bar(replace(WEB, running=1)) == (1 / 3, BADGE_WARN)


def test_the_bar_is_red_when_nothing_wanted_runs() -> None:
    assert bar(replace(WEB, running=0))[1] == BAD


def test_a_row_shows_running_of_desired_and_an_update_under_way() -> None:
    row = line(replace(WEB, update_state="updating"), state_with())
    assert (row.aside, row.badge) == ("3/3", "updating")


def test_the_rolling_update_counts_tasks_on_the_new_image() -> None:
    tasks = (Task("a", "s1", state="running", desired_state="running", image="app:2"),
             Task("b", "s1", state="running", desired_state="running", image="app:1"),
             Task("c", "s1", state="shutdown", desired_state="shutdown", image="app:1"))
    progress = update_progress(replace(WEB, update_state="updating"), tasks)
    assert progress == "updating: 1 of 3 tasks run app:2"


def test_tasks_are_grouped_by_node_with_unscheduled_ones_last() -> None:
    tasks = (Task("a", "s1", node_id="n2", slot=2, state="running", desired_state="running"),
             Task("b", "s1", node_id="", slot=3, state="pending", desired_state="running"),
             Task("c", "s1", node_id="n1", slot=1, state="running", desired_state="running"),
             Task("d", "other", node_id="n1", slot=1, state="running"))
    state = state_with(Node("n1", hostname="alpha"), Node("n2", hostname="beta"))
    sections = tasks_by_node(WEB, tasks, state, 0)
    assert [s.title for s in sections] == ["Tasks on alpha (1 running)",
                                           "Tasks on beta (1 running)",
                                           "Tasks on no node yet (0 running)"]
    assert [link.title for link in sections[0].links] == ["web.1  running"]


def test_a_log_line_is_marked_with_its_task_and_node() -> None:
    line_ = ServiceLogLine(LogLine(STDOUT, "hi"), task_id="t1", node_id="n1")
    assert marked(line_, {"t1": "web.1@alpha"}).text == "web.1@alpha │ hi"


def test_an_engine_error_line_is_not_marked() -> None:
    assert marked(ServiceLogLine(LogLine(STDOUT, "hi")), {}).text == "hi"


def test_not_a_manager_is_one_line_saying_how_to_make_one() -> None:
    state = EngineState(host="h", services=Table(synced=True, unavailable="not a manager"))
    assert empty_text(SPEC, state, "", True) == NOT_MANAGER
    assert "docker swarm init" in NOT_MANAGER
    assert count_text(state.services) == "\u2013"


def test_the_stepper_stays_within_bounds() -> None:
    assert stepped(0, -1) == 0
    assert stepped(MAX_REPLICAS, 1) == MAX_REPLICAS
    assert stepped(2, 1) == 3


def test_a_drained_node_says_so() -> None:
    assert node_badge(Node("n", availability="drain", state="ready"))[0] == "drain"


def test_a_node_lists_only_its_live_tasks() -> None:
    tasks = (Task("a", node_id="n", desired_state="running"),
             Task("b", node_id="n", desired_state="shutdown"),
             Task("c", node_id="m", desired_state="running"))
    assert [t.id for t in tasks_on(Node("n"), tasks)] == ["a"]
