"""A service's logs: each line marked with its task and node (``details=true``), on the same
demuxer as a container's; and on a real single-node swarm."""

from __future__ import annotations

import os
import subprocess

import pytest
from dockerd import IMAGE, PrivateDaemon, docker_cli
from engine_helpers import wait_for
from reactivex import operators as ops

from genet_rx import connect
from genet_rx.model.logs import ERROR, STDOUT, LogLine
from genet_rx.model.service_logs import DetailsSplitter, ServiceLogLine, split_details
from genet_rx.model.swarm import Task

MARKS = ("com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,"
         "com.docker.swarm.task.id=t1 ")


def test_the_details_prefix_names_the_task_and_node() -> None:
    [line] = DetailsSplitter().lines([LogLine(STDOUT, MARKS + "hello world")])
    assert line.task_id == "t1"
    assert line.node_id == "n1"
    assert line.text == "hello world"


def test_escaped_values_are_read_back() -> None:
    details, rest = split_details("com.docker.swarm.task.name=web.1.x%2Cy,a=b%20c text")
    assert details["com.docker.swarm.task.name"] == "web.1.x,y"
    assert details["a"] == "b c"
    assert rest == "text"


def test_a_line_without_details_is_kept_whole() -> None:
    [line] = DetailsSplitter().lines([LogLine(STDOUT, "just text = here")])
    assert line.task_id == ""
    assert line.text == "just text = here"


def test_an_engine_error_line_is_not_read_for_details() -> None:
    [line] = DetailsSplitter().lines([LogLine(ERROR, "a=b failed")])
    assert line.text == "a=b failed"


def test_the_pieces_of_a_cut_line_all_carry_the_first_pieces_marks() -> None:
    first = LogLine(STDOUT, MARKS + "aaaa", continued=True)
    second = LogLine(STDOUT, "x=y bbbb")
    lines = DetailsSplitter().lines([first, second])
    assert [line.task_id for line in lines] == ["t1", "t1"]
    assert lines[1].text == "x=y bbbb"


@pytest.mark.engine
def test_service_logs_mark_each_line_with_its_task_and_node(swarm: PrivateDaemon) -> None:
    env = {**os.environ, "DOCKER_HOST": swarm.url}

    def docker(*args: str) -> str:
        return subprocess.run([docker_cli(), *args], env=env, check=True, capture_output=True,
                              text=True, timeout=120).stdout.strip()

    sid = docker("service", "create", "--detach", "--name", "talker", "--replicas", "2", IMAGE,
                 "sh", "-c", "echo hello from $HOSTNAME; sleep 300")
    engine = connect(swarm.url, reconcile_every=3600.0)
    try:
        def running() -> tuple[Task, ...]:
            found = tuple(t for t in engine.tasks(sid).run() if t.state == "running")
            return found if len(found) == 2 else ()

        tasks = {t.id: t for t in wait_for(running, timeout=60, what="two running tasks")}
        seen: list[ServiceLogLine] = []
        follow = engine.service_logs(sid).subscribe(seen.append)
        try:
            wait_for(lambda: len({line.task_id for line in seen}) == 2, timeout=60,
                     what="a line from each task")
        finally:
            follow.dispose()
        assert {line.task_id for line in seen} == set(tasks)
        assert {line.node_id for line in seen} == {t.node_id for t in tasks.values()}
        assert all(line.text.startswith("hello from ") for line in seen)
    finally:
        docker("service", "rm", sid)
        engine.close()


@pytest.mark.engine
def test_service_logs_with_timestamps_take_off_stamp_and_marks(swarm: PrivateDaemon) -> None:
    env = {**os.environ, "DOCKER_HOST": swarm.url}
    sid = subprocess.run([docker_cli(), "service", "create", "--detach", "--name", "stamped",
                          IMAGE, "sh", "-c", "echo once; sleep 300"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout.strip()
    engine = connect(swarm.url, reconcile_every=3600.0)
    try:
        def first_line() -> ServiceLogLine | None:
            lines = engine.service_logs(sid, follow=False, timestamps=True).pipe(
                ops.to_list()).run()
            return lines[0] if lines else None

        line = wait_for(first_line, timeout=60, what="the service's line")
        assert line.text == "once"
        assert line.line.time_ns is not None
        assert line.task_id != ""
    finally:
        subprocess.run([docker_cli(), "service", "rm", sid], env=env, capture_output=True,
                       timeout=120, check=False)
        engine.close()
