"""Group by (a table of key functions), project facts, and select mode's ticks (pure)."""

from __future__ import annotations

from genet_kivy.grouping import next_grouping, project_facts
from genet_kivy.presenters import SidebarRows
from genet_kivy.selection import Selection
from genet_rx.model.containers import Container, State
from genet_rx.state.containers import from_rows


def box(name: str, project: str = "", state: State = State.RUNNING, service: str = "") -> Container:
    labels = {"com.docker.compose.project": project} if project else {}
    if service:
        labels["com.docker.compose.service"] = service
    return Container(id=name.ljust(64, "0"), name=name, image="busybox", state=state,
                     labels=labels)


def test_the_group_by_choices_cycle_through_the_table() -> None:
    assert next_grouping("state") == "project"
    assert next_grouping("project") == "state"  # by engine only with many engines
    assert next_grouping("project", engines=2) == "engine"
    assert next_grouping("engine", engines=2) == "state"


def test_project_headers_are_by_name_and_no_project_last() -> None:
    table = from_rows([box("x"), box("b1", "beta"), box("a1", "alpha")])
    rows = SidebarRows().present(table, group_by="project")
    titles = [r["title"] for r in rows if r["viewclass"] != "ContainerRow"]
    assert titles == ["alpha", "beta", "No compose project"]


def test_a_project_header_counts_every_member_whatever_the_search() -> None:
    table = from_rows([box("web", "shop", service="web"),
                       box("db", "shop", State.EXITED, service="db")])
    header = SidebarRows().present(table, "web", group_by="project")[0]
    assert header["count"] == 1
    assert header["facts"] == "db, web · 1/2 running"


def test_project_facts_read_the_compose_labels() -> None:
    c = Container(id="1" * 64, name="w", image="i", state=State.RUNNING, labels={
        "com.docker.compose.project.config_files": "/a/compose.yaml",
        "com.docker.compose.project.working_dir": "/a"})
    facts = project_facts([c])
    assert (facts.config_files, facts.working_dir) == ("/a/compose.yaml", "/a")


def test_shift_ticks_the_range_from_the_last_row_tapped() -> None:
    rows = {c.id: c for c in (box(n) for n in "abcde")}
    order = list(rows)
    sel = Selection()
    sel.begin()
    sel.toggle(order[1], rows[order[1]])
    sel.extend(order[3], rows[order[3]], order, rows)
    assert set(sel.ticked) == set(order[1:4])


def test_a_ticked_container_removed_meanwhile_stays_selected() -> None:
    a = box("a")
    sel = Selection()
    sel.begin()
    sel.toggle(a.id, a)
    sel.refresh({})
    assert sel.containers() == [a]
