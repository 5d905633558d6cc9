"""Swarm services and nodes in real windows, on a real single-node swarm (the session's
``swarm`` daemon): the lists equal the engine's own, a service's tasks by node and its logs,
scale with the stepper, remove, the slow refresh only while shown, and the one line an engine
that is no swarm manager gets. Screenshots of each."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import immutables
import pytest
from dockerd import IMAGE, PrivateDaemon, docker_cli
from engine_double import EngineDouble
from test_kinds import answer_yes, go, open_item, titles
from test_layouts import check_touch_sizes
from ui_harness import save_shot, tap

from genet_kivy.kinds.services import NOT_MANAGER
from genet_rx.engine.commands import CommandResult, Outcome, ScaleService
from genet_rx.model.connection import Link
from genet_rx.model.swarm import Service
from genet_rx.state.resources import Table

pytestmark = pytest.mark.ui


class Swarm:
    """The docker CLI on the swarm's daemon; removes the services it made."""

    def __init__(self, daemon: PrivateDaemon) -> None:
        self.env = {**os.environ, "DOCKER_HOST": daemon.url}
        self.made: list[str] = []

    def __call__(self, *args: str) -> str:
        return subprocess.run([docker_cli(), *args], env=self.env, check=True,
                              capture_output=True, text=True, timeout=120).stdout.strip()

    def service(self, name: str, *args: str) -> str:
        sid = self("service", "create", "--detach", "--name", name, *args)
        self.made.append(sid)
        return sid

    def replicas(self) -> dict[str, str]:
        out = self("service", "ls", "--format", "{{.Name}}\t{{.Replicas}}")
        return dict(line.split("\t") for line in out.splitlines())

    def close(self) -> None:
        for sid in self.made:
            with contextlib.suppress(subprocess.SubprocessError):
                self("service", "rm", sid)


@pytest.fixture
def cli(swarm: PrivateDaemon) -> Iterator[Swarm]:
    helper = Swarm(swarm)
    yield helper
    helper.close()


@pytest.fixture
def swarm_engine(swarm: PrivateDaemon) -> Iterator[Any]:
    import genet_rx

    engine = genet_rx.connect(swarm.url)
    yield engine
    engine.close()


def scroll_to_sections(panel: Any, frames: Any) -> None:
    """Scroll a detail's Overview down to its sections (the tasks), as a finger would."""
    from kivy.uix.scrollview import ScrollView

    scroller = next(w for w in panel.detail.ids.overview.children if isinstance(w, ScrollView))
    frames.step(3)
    scroller.scroll_to(panel.detail.ids.sections, padding=0, animate=False)
    frames.step(3)


def shown_replicas(app: Any) -> dict[str, str]:
    return {r["title"]: r["aside"] for r in app.root.panes("services")[0].ids.rv.data}


def three_services(cli: Swarm) -> str:
    web = cli.service("web", "--replicas", "3", "--label", "tier=front", IMAGE, "sh", "-c",
                      "echo hello from $HOSTNAME; sleep 300")
    cli.service("broken", "no-such/image:1")
    cli.service("everywhere", "--mode", "global", IMAGE, "sleep", "300")
    return web


@pytest.mark.engine
@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_services_equal_the_engines_and_a_service_shows_its_tasks_by_node(
        make_app, frames, kivy_window, swarm_engine, cli, size):
    three_services(cli)
    app = make_app(swarm_engine, size)
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "services")
    seen: list[Any] = []

    def same() -> bool:
        seen[:] = [shown_replicas(app), cli.replicas()]
        return seen[0] == seen[1] and seen[0].get("web") == "3/3"

    try:
        frames.until(same, timeout=90, what="the engine's running/desired on every row")
    except AssertionError:
        raise AssertionError(f"genet {seen[0]} engine {seen[1]}") from None
    assert titles(app, "services") == ["broken", "everywhere", "web"]
    assert check_touch_sizes(kivy_window) == []
    w, h = size
    save_shot(kivy_window, frames, f"services-{w}x{h}")

    panel = open_item(app, frames, "services", "web")
    frames.until(lambda: any(link.title.endswith("running") for link in panel.detail.links),
                 timeout=30, what="web's tasks")
    host = next(iter(app.feed.state.nodes.rows.values())).hostname
    assert [link.title for link in panel.detail.links] == [
        "web.1  running", "web.2  running", "web.3  running"]
    assert f"Tasks on {host} (3 running)" in [s.title for s in panel.detail._sections]
    assert check_touch_sizes(kivy_window) == []
    scroll_to_sections(panel, frames)
    save_shot(kivy_window, frames, f"service-tasks-{w}x{h}")


@pytest.mark.engine
def test_a_service_whose_image_is_missing_says_so_in_plain_words(
        make_app, frames, swarm_engine, cli):
    cli.service("broken", "no-such/image:1")
    app = make_app(swarm_engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "services")
    panel = open_item(app, frames, "services", "broken")
    link = frames.until(lambda: next((lk for lk in panel.detail.links
                                      if "No such image" in lk.detail), None),
                        timeout=60, what="the rejected task's reason")
    assert "no-such/image:1" in link.detail
    assert "rejected" in link.title


@pytest.mark.engine
def test_nodes_view_shows_the_manager_and_the_tasks_on_it(
        make_app, frames, kivy_window, swarm_engine, cli):
    cli.service("web", "--replicas", "2", IMAGE, "sleep", "300")
    app = make_app(swarm_engine, (800, 480))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "nodes")
    host = cli("node", "ls", "--format", "{{.Hostname}}")
    assert frames.until(lambda: titles(app, "nodes"), timeout=30, what="the node") == [host]
    panel = open_item(app, frames, "nodes", host)
    frames.until(lambda: "Tasks on it (2 running)" in [s.title for s in panel.detail._sections],
                 timeout=60, what="two tasks on the node")
    assert panel.detail.field("role") == "manager (leader)"
    assert panel.detail.buttons["activate"].disabled  # it is active already
    assert check_touch_sizes(kivy_window) == []
    scroll_to_sections(panel, frames)
    save_shot(kivy_window, frames, "nodes-800x480")


@pytest.mark.engine
def test_the_slow_refresh_runs_only_while_a_swarm_view_is_shown(
        make_app, frames, swarm_engine, cli):
    app = make_app(swarm_engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    panel = app.panels["services"]
    assert not panel.polling
    go(app, frames, "services")
    frames.until(lambda: panel.polls >= 2, timeout=30, what="the refresh answering twice")
    go(app, frames, "containers")
    assert not panel.polling
    go(app, frames, "nodes")
    assert app.panels["nodes"].polling
    assert not panel.polling


@pytest.mark.engine
def test_scale_with_the_stepper_then_remove(make_app, frames, kivy_window, swarm_engine, cli):
    sid = cli.service("api", "--replicas", "1", IMAGE, "sleep", "300")
    app = make_app(swarm_engine, (800, 480))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "services")
    panel = open_item(app, frames, "services", "api")
    tap(panel.detail.buttons["scale"], frames)
    dialog = frames.until(lambda: app.dialog, what="the stepper")
    frames.step(3)
    assert check_touch_sizes(kivy_window) == []
    tap(dialog.ids.plus, frames)
    tap(dialog.ids.plus, frames)
    assert dialog.ids.count.text == "3"
    tap(dialog.ids.yes, frames)
    frames.until(lambda: cli.replicas().get("api") == "3/3", timeout=90,
                 what="the engine running 3")
    frames.until(lambda: shown_replicas(app).get("api") == "3/3", timeout=30,
                 what="the row saying 3/3")

    tap(panel.detail.buttons["remove"], frames)
    answer_yes(app, frames, kivy_window, "Remove")
    frames.until(lambda: "api" not in titles(app, "services"), timeout=30, what="api gone")
    assert sid not in cli("service", "ls", "-q")


@pytest.mark.engine
def test_a_services_logs_mark_each_line_with_its_task_and_node(
        make_app, frames, swarm_engine, cli):
    cli.service("talker", "--replicas", "2", IMAGE, "sh", "-c",
                "echo hello from $HOSTNAME; sleep 300")
    app = make_app(swarm_engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "services")
    panel = open_item(app, frames, "services", "talker")
    frames.until(lambda: len([lk for lk in panel.detail.links if "running" in lk.title]) == 2,
                 timeout=60, what="two running tasks")
    panel.detail.select_tab("logs")
    host = next(iter(app.feed.state.nodes.rows.values())).hostname
    view = panel.logs_view
    frames.until(lambda: sorted(r["line"].text.split(" │ ")[0] for r in view.ids.rv.data) == [
        f"talker.1@{host}", f"talker.2@{host}"], timeout=60, what="a marked line per task")
    assert all(" │ hello from " in r["line"].text for r in view.ids.rv.data)
    go(app, frames, "containers")
    assert not view.streaming


@pytest.mark.engine
def test_an_engine_that_is_no_manager_says_so_in_one_line(
        make_app, frames, kivy_window, real_engine):
    app = make_app(real_engine, (800, 480))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "services")
    lst = app.panels["services"].list
    frames.until(lambda: lst.empty_text == NOT_MANAGER, timeout=30, what="the one line")
    assert app.dialog is None
    assert app.root.notice is None
    assert app.root.nav.button("services").count == "\u2013"
    assert app.panels["services"].detail.placeholder == NOT_MANAGER
    save_shot(kivy_window, frames, "services-not-manager-800x480")


def test_an_out_of_sequence_scale_shows_the_engines_words_and_a_retry(
        make_app, frames, kivy_window):
    engine = EngineDouble()
    api = Service("s1", name="api", image="app:1", mode="replicated", replicas=1, running=1,
                  desired=1)
    engine.push_kind("services", Table(rows=immutables.Map({"s1": api}), synced=True))
    refusal = "rpc error: code = Unknown desc = update out of sequence"
    answers = iter([CommandResult(ScaleService("s1", 2), Outcome.FAILED, refusal)])
    engine.answer = lambda c: next(answers, CommandResult(c, Outcome.DONE))
    engine.link(Link.CONNECTED)
    app = make_app(engine, (800, 480))
    go(app, frames, "services")
    panel = open_item(app, frames, "services", "api")
    tap(panel.detail.buttons["scale"], frames)
    dialog = frames.until(lambda: app.dialog, what="the stepper")
    frames.step(3)
    tap(dialog.ids.plus, frames)
    tap(dialog.ids.yes, frames)
    asked = answer_yes(app, frames, kivy_window, "Retry")
    assert refusal in asked.text
    frames.until(lambda: len(engine.commands) == 2, what="the scale sent again")
    assert engine.commands == [ScaleService("s1", 2), ScaleService("s1", 2)]


@pytest.mark.engine
def test_update_the_image_shows_the_rolling_progress_then_rollback(
        make_app, frames, kivy_window, swarm_engine, cli):
    cli("tag", IMAGE, "genet-test/busybox:v2")
    sid = cli.service("roll", "--replicas", "2", "--update-delay", "1s", IMAGE, "sleep", "300")
    app = make_app(swarm_engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    go(app, frames, "services")
    panel = open_item(app, frames, "services", "roll")
    frames.until(lambda: shown_replicas(app).get("roll") == "2/2", timeout=60, what="2/2")
    tap(panel.detail.buttons["update_image"], frames)
    dialog = frames.until(lambda: app.dialog, what="the image form")
    frames.step(3)
    dialog.ids.reference.text = "genet-test/busybox:v2"
    tap(dialog.ids.yes, frames)

    def progress() -> tuple[str, ...]:
        return next((s.lines for s in panel.detail._sections if s.key == "update"), ())

    try:
        frames.until(lambda: progress() and progress()[0] == (
            "updated: 2 of 2 tasks run genet-test/busybox:v2"), timeout=120,
            what="the rolling update done on both tasks")
    except AssertionError:
        notice = app.root.notice
        raise AssertionError(f"progress {progress()} notice {notice and notice.text} dialog "
                             f"{app.dialog} disabled {dialog.ids.yes.disabled}") from None
    assert "genet-test/busybox:v2" in cli("service", "inspect", "--format",
                                          "{{.Spec.TaskTemplate.ContainerSpec.Image}}", sid)
    tap(panel.detail.buttons["rollback"], frames)
    answer_yes(app, frames, kivy_window, "Rollback")
    frames.until(lambda: panel.detail.field("image") == IMAGE + ":latest", timeout=120,
                 what="the image rolled back")
