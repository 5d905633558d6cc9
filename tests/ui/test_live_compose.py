"""On the private daemon: a compose project acted on as a unit from its header, and a
selection of five (one already stopped, one removed meanwhile) with one summary."""

from __future__ import annotations

import pytest
from dockerd import IMAGE
from ui_harness import find_row, tap

from genet_rx.engine.bulk import project_containers
from genet_rx.model.connection import Link

pytestmark = [pytest.mark.ui, pytest.mark.engine]


def connected_app(make_app, frames, engine, query):
    app = make_app(engine, (1280, 800))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    app.root.ids.sidebar.ids.search.text = query  # only this test's containers
    return app


def header_view(app, project):
    rv = app.root.ids.sidebar.ids.rv
    return next((v for v in rv.layout_manager.children
                 if type(v).__name__ == "ProjectHeader" and v.project == project), None)


def states(app, project) -> set[str]:
    return {c.state.value for c in project_containers(app.table, project)}


def test_a_project_of_three_started_stopped_and_removed_from_its_header(
        make_app, frames, real_engine, docker, unique_name):
    project = f"{unique_name}-shop"
    for service in ("web", "db", "cache"):
        docker("create", "--init", "--name", f"{project}-{service}-1",
               "--label", f"com.docker.compose.project={project}",
               "--label", f"com.docker.compose.service={service}",
               "--label", f"com.docker.compose.project.working_dir=/srv/{project}",
               IMAGE, "sleep", "300")
    app = connected_app(make_app, frames, real_engine, project)
    app.containers.cycle_grouping()
    header = frames.until(lambda: header_view(app, project), timeout=20, what="the header")
    frames.until(lambda: header.facts == "cache, db, web · 0/3 running", what="the facts")

    tap(header.ids.project_start, frames)
    frames.until(lambda: states(app, project) == {"running"}, timeout=30, what="running")
    notice = frames.until(lambda: app.root.notice, timeout=30, what="the summary")
    assert notice.text == "Start: 3 started"
    frames.until(lambda: header.facts.endswith("3/3 running"), what="the header follows")

    tap(header_view(app, project).ids.project_stop, frames)
    frames.until(lambda: states(app, project) == {"exited"}, timeout=30, what="exited")
    frames.until(lambda: app.root.notice and app.root.notice.text == "Stop: 3 stopped",
                 timeout=30, what="the stop summary")

    tap(header_view(app, project).ids.project_remove, frames)
    dialog = frames.until(lambda: app.dialog, what="Remove asks first")
    assert states(app, project) == {"exited"}  # nothing removed before the yes
    tap(dialog.ids.yes, frames)
    frames.until(lambda: not project_containers(app.table, project), timeout=30, what="gone")
    assert docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={project}") == ""


def test_a_selection_of_five_one_already_stopped_one_removed_meanwhile(
        make_app, frames, real_engine, docker, unique_name):
    names = [f"{unique_name}-{i}" for i in range(5)]
    for name in names:
        docker.run_detached(name=name)
    docker("stop", "-t", "1", names[3])
    app = connected_app(make_app, frames, real_engine, unique_name)
    frames.until(lambda: all(find_row(app, n) for n in names), timeout=20, what="five rows")
    frames.until(lambda: find_row(app, names[3]).state_word.startswith("exited"), timeout=20)
    tap(app.root.ids.sidebar.ids.select_toggle, frames)
    for name in names:
        tap(frames.until(lambda n=name: find_row(app, n), what=name), frames)
    assert len(app.containers.selection.ticked) == 5
    docker("rm", "-f", names[4])  # removed behind the selection's back
    frames.until(lambda: find_row(app, names[4]) is None, timeout=20, what="its row gone")
    assert len(app.containers.selection.ticked) == 5  # still selected: the summary tells
    tap(app.root.ids.sidebar.selection_bar.ids.sel_stop, frames)
    dialog = frames.until(lambda: app.dialog, what="one question")
    assert dialog.title == "Stop 5 containers?"
    tap(dialog.ids.yes, frames)
    notice = frames.until(lambda: app.root.notice, timeout=60, what="one summary")
    assert notice.text.startswith("Stop: 3 stopped · 1 already stopped · 1 failed: ")
    assert "No such container" in notice.text
    frames.until(lambda: all(find_row(app, n) and find_row(app, n).state_word.startswith(
        "exited") for n in names[:4]), timeout=30, what="the list following the events")


def test_a_container_exiting_3_by_itself_raises_an_alert_in_the_app(
        make_app, frames, real_engine, docker, unique_name, tmp_path):
    from genet_rx.settings import SettingsStore

    app = make_app(real_engine, (1280, 800), settings=SettingsStore(tmp_path / "s.json"))
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    docker.run_detached(IMAGE, "sh", "-c", "sleep 1; exit 3", name=unique_name)
    banner = frames.until(lambda: app.activity.banner, timeout=30, what="the alert")
    assert banner.text == f"Alert: {unique_name} died unexpectedly (exit 3)"
    app.show_kind("activity")
    view = app.root.ids.activity_list
    frames.until(lambda: any(r["text"].startswith(f"{unique_name} stopped (exit 3)")
                             for r in view.ids.rv.data), timeout=20, what="the die in Activity")


def test_the_history_tab_reads_what_the_engine_keeps(make_app, frames, real_engine, docker,
                                                     unique_name):
    docker("create", "--name", unique_name, IMAGE, "sleep", "300")
    docker("start", unique_name)
    app = make_app(real_engine, (1280, 800))  # started after the events: only the engine knows
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    row = frames.until(lambda: find_row(app, unique_name), timeout=20, what="the row")
    tap(row, frames)
    detail = app.root.ids.detail
    frames.until(lambda: detail.title == unique_name, what="the detail")
    tap(detail.ids.tab_history, frames)
    view = detail.views["history"]
    frames.until(lambda: len(view.ids.rv.data) >= 2, timeout=20, what="the engine's record")
    texts = [r["text"].split(" · ")[0] for r in view.ids.rv.data]
    assert texts[:2] == [f"{unique_name} started", f"{unique_name} created"]
    assert not any(r["gap"] for r in view.ids.rv.data)  # the create is kept: no gap
