"""Grouping by compose project and select mode, on the engine double; screenshots."""

from __future__ import annotations

import time

import pytest
from engine_double import EngineDouble
from test_layouts import check_touch_sizes
from ui_harness import find_row, save_shot, tap, walk

from genet_rx.engine.commands import Remove, Start, Stop
from genet_rx.model.connection import Link
from genet_rx.model.containers import Container, State
from genet_rx.state.containers import from_rows

pytestmark = pytest.mark.ui

NOW = time.time_ns()
MIN = 60 * 10**9
PROJECT = "com.docker.compose.project"


def member(n: int, name: str, project: str, service: str, state: State = State.RUNNING,
           **more) -> Container:
    labels = {PROJECT: project, "com.docker.compose.service": service,
              "com.docker.compose.project.config_files": f"/srv/{project}/compose.yaml",
              "com.docker.compose.project.working_dir": f"/srv/{project}"}
    return Container(id=f"{n:02d}" * 32, name=name, image=f"{project}/{service}:1",
                     state=state, labels=labels, state_since_ns=NOW - n * MIN, **more)


def rows() -> list[Container]:
    return [
        member(1, "shop-web-1", "shop", "web"),
        member(2, "shop-db-1", "shop", "db"),
        member(3, "shop-worker-1", "shop", "worker", State.EXITED, exit_code=1),
        member(4, "blog-app-1", "blog", "app"),
        member(5, "blog-db-1", "blog", "db", State.PAUSED),
        Container(id="06" * 32, name="scratch", image="busybox", state=State.EXITED,
                  exit_code=0),
    ]


def live_engine() -> EngineDouble:
    engine = EngineDouble()
    engine.push(from_rows(rows()))
    engine.link(Link.CONNECTED)
    return engine


def headers(app) -> list[dict]:
    return [r for r in app.root.ids.sidebar.ids.rv.data if r["viewclass"] != "ContainerRow"]


def header_view(app, project: str):
    rv = app.root.ids.sidebar.ids.rv
    return next((v for v in rv.layout_manager.children
                 if type(v).__name__ == "ProjectHeader" and v.project == project), None)


def by_project(app, frames) -> None:
    frames.until(lambda: find_row(app, "shop-web-1"), what="rows")
    tap(app.root.ids.sidebar.ids.group_by, frames)
    frames.until(lambda: app.containers.group_by == "project", what="grouped by project")


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_grouped_by_project_with_facts_and_buttons(make_app, frames, kivy_window, size):
    app = make_app(live_engine(), size)
    by_project(app, frames)
    found = headers(app)
    assert [h["title"] for h in found] == ["blog", "shop", "No compose project"]
    assert found[1]["facts"] == "db, web, worker · 2/3 running"
    assert found[1]["where"] == "/srv/shop/compose.yaml · in /srv/shop"
    assert app.root.ids.sidebar.ids.group_by.text == "By project"
    view = frames.until(lambda: header_view(app, "shop"), what="shop's header")
    assert view.ids.project_remove.text == "Remove"
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, f"projects-{size[0]}x{size[1]}")


def test_a_project_header_stops_all_its_containers_at_once(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    by_project(app, frames)
    view = frames.until(lambda: header_view(app, "shop"), what="shop's header")
    tap(view.ids.project_stop, frames)
    frames.until(lambda: len(engine.commands) == 3, what="three commands")
    assert sorted(c.id[:2] for c in engine.commands) == ["01", "02", "03"]
    assert all(isinstance(c, Stop) for c in engine.commands)
    notice = frames.until(lambda: app.root.notice, what="the summary")
    assert notice.text == "Stop: 3 stopped"


def test_a_project_remove_asks_first_and_forces_running_ones(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    by_project(app, frames)
    view = frames.until(lambda: header_view(app, "blog"), what="blog's header")
    tap(view.ids.project_remove, frames)
    dialog = frames.until(lambda: app.dialog, what="the question")
    assert dialog.title == "Remove the 2 containers of project blog?"
    assert engine.commands == []
    tap(dialog.ids.yes, frames)
    frames.until(lambda: len(engine.commands) == 2, what="two removes")
    assert all(isinstance(c, Remove) and c.force for c in engine.commands)


def ticked(app) -> set[str]:
    return set(app.containers.selection.ticked)


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_select_mode_ticks_rows_and_acts_once_with_one_summary(make_app, frames, kivy_window,
                                                                size):
    engine = live_engine()
    app = make_app(engine, size)
    frames.until(lambda: find_row(app, "shop-web-1"), what="rows")
    sidebar = app.root.ids.sidebar
    tap(sidebar.ids.select_toggle, frames)
    assert sidebar.selecting
    for name in ("shop-web-1", "blog-app-1", "shop-db-1"):
        tap(find_row(app, name), frames)
    assert ticked(app) == {"01" * 32, "04" * 32, "02" * 32}
    assert app.selected is None  # a tap in select mode ticks, it does not open the detail
    assert find_row(app, "shop-db-1").checked
    assert sidebar.selection_bar.ids.ticked_label.text == "3 containers selected"
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, f"select-mode-{size[0]}x{size[1]}")
    tap(sidebar.selection_bar.ids.sel_start, frames)
    dialog = frames.until(lambda: app.dialog, what="one question")
    assert dialog.title == "Start 3 containers?"
    tap(dialog.ids.yes, frames)
    frames.until(lambda: len(engine.commands) == 3, what="three starts")
    assert all(isinstance(c, Start) for c in engine.commands)
    notice = frames.until(lambda: app.root.notice, what="the summary")
    assert notice.text == "Start: 3 started"
    assert not sidebar.selecting  # done: back to the list


def test_shift_click_ticks_a_range_and_ctrl_click_enters_select_mode(make_app, frames):
    from kivy.core.window import Window

    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "shop-web-1"), what="rows")
    order = [r["name"] for r in app.root.ids.sidebar.ids.rv.data if "cid" in r]
    old = list(Window.modifiers)
    try:  # what the window holds while a key is down (its ``modifiers`` is read-only)
        Window._modifiers = ["ctrl"]
        tap(find_row(app, order[0]), frames)
        assert app.containers.selection.active
        Window._modifiers = ["shift"]
        tap(find_row(app, order[3]), frames)
    finally:
        Window._modifiers = old
    names = {c.name for c in app.containers.selection.containers()}
    assert names == set(order[:4])


def test_the_selection_follows_the_engine_while_selecting(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "scratch"), what="rows")
    app.containers.begin_select()
    frames.step(3)
    tap(find_row(app, "scratch"), frames)
    assert ticked(app) == {"06" * 32}
    changed = [*rows()[:5], Container(id="06" * 32, name="scratch", image="busybox",
                                      state=State.RUNNING)]
    engine.push(from_rows(changed))
    row = frames.until(lambda: next((r for r in [find_row(app, "scratch")]
                                     if r is not None and r.state_word == "running"), None),
                       what="the event")
    assert row.checked
    assert app.containers.selection.ticked["06" * 32].state is State.RUNNING
    assert all(w.opacity == 1 for w in walk(app.root.ids.sidebar.selection_bar)
               if type(w).__name__ == "FlatButton")
