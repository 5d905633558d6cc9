"""Rows updated in place: a change that keeps the list's layout touches only the changed rows
(genet_kivy/row_patch.py); anything else is laid out again."""

from __future__ import annotations

from engine_double import EngineDouble
from msgspec.structs import replace
from ui_harness import find_row, group_of

from genet_kivy.row_patch import changed_rows
from genet_rx.model.connection import Link
from genet_rx.model.containers import Container, Health, State
from genet_rx.state.containers import from_rows


def row(cid: str, word: str = "running", height: float = 60) -> dict:
    return {"viewclass": "ContainerRow", "height": height, "cid": cid, "state_word": word}


def header(group: str, count: int) -> dict:
    return {"viewclass": "GroupHeader", "height": 48, "group": group, "count": count}


def test_a_changed_row_in_place_is_the_only_index_reported():
    old = [header("running", 2), row("a"), row("b")]
    new = [header("running", 2), row("a"), row("b", "unhealthy")]
    assert changed_rows(old, new) == [2]


def test_the_same_rows_report_nothing_changed():
    old = [header("running", 1), row("a")]
    assert changed_rows(old, [dict(r) for r in old]) == []


def test_a_row_moved_is_a_new_layout():
    old = [header("running", 2), row("a"), row("b")]
    new = [header("running", 2), row("b"), row("a")]
    assert changed_rows(old, new) is None


def test_a_row_added_is_a_new_layout():
    old = [header("running", 1), row("a")]
    assert changed_rows(old, [*old, row("b")]) is None


def test_a_height_changed_is_a_new_layout():
    old = [header("running", 1), row("a")]
    assert changed_rows(old, [old[0], row("a", height=80)]) is None


def many_running(n: int, unhealthy: tuple[int, ...] = ()) -> list[Container]:
    return [
        Container(id=f"{i:064x}", name=f"svc-{i:03}", image="busybox", state=State.RUNNING,
                  health=Health.UNHEALTHY if i in unhealthy else Health.HEALTHY)
        for i in range(n)
    ]


def started(make_app, frames, n=300):
    engine = EngineDouble()
    engine.push(from_rows(many_running(n)))
    engine.link(Link.CONNECTED)
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "svc-000"), what="first rows")
    layouts = []
    lm = app.root.ids.sidebar.ids.rv.layout_manager
    original = lm.compute_layout
    lm.compute_layout = lambda *a: (layouts.append(1), original(*a))[1]
    return engine, app, layouts


def test_a_health_change_on_screen_shows_without_laying_out_the_list(make_app, frames):
    engine, app, layouts = started(make_app, frames)
    engine.push(from_rows(many_running(300, unhealthy=(2,))))
    frames.until(lambda: find_row(app, "svc-002").state_word == "unhealthy", what="unhealthy")
    assert layouts == []


def test_a_row_changed_off_screen_shows_its_new_state_when_scrolled_to(make_app, frames):
    engine, app, _ = started(make_app, frames)
    engine.push(from_rows(many_running(300, unhealthy=(299,))))
    frames.until(lambda: app.table.get(f"{299:064x}").health is Health.UNHEALTHY)
    frames.step(2)
    app.root.ids.sidebar.ids.rv.scroll_y = 0
    frames.until(lambda: find_row(app, "svc-299"), what="scrolled to the bottom")
    assert find_row(app, "svc-299").state_word == "unhealthy"


def test_a_row_that_changes_group_is_laid_out_again(make_app, frames):
    engine, app, layouts = started(make_app, frames, n=30)
    rows = many_running(30)
    rows[1] = replace(rows[1], state=State.PAUSED)
    engine.push(from_rows(rows))
    frames.until(lambda: group_of(app, "svc-001") == "paused", what="moved to Paused")
    assert layouts


def test_a_state_that_changes_only_rows_off_screen_repaints_nothing(make_app, frames,
                                                                    kivy_window):
    engine, app, _ = started(make_app, frames)
    frames.step(40)  # start-up's tail: the scroll bar fades out once
    swaps: list[int] = []

    def count(*_):
        swaps.append(1)

    kivy_window.bind(on_flip=count)
    try:
        frames.step(4)
        assert swaps == []  # settled: nothing repaints on its own
        table = from_rows(many_running(300, unhealthy=(299,)))
        engine.push(table)
        frames.until(lambda: app.table is table, what="the state applied")
        frames.step(4)
        assert swaps == []
        engine.push(from_rows(many_running(300, unhealthy=(2, 299))))
        frames.until(lambda: find_row(app, "svc-002").state_word == "unhealthy",
                     what="the row on screen")
        frames.step(2)
        assert swaps != []
    finally:
        kivy_window.unbind(on_flip=count)


def test_a_live_change_to_the_list_does_not_flash_its_scroll_bar(make_app, frames):
    engine, app, _ = started(make_app, frames)
    frames.step(70)  # start-up's tail
    rv = app.root.ids.sidebar.ids.rv
    resting = tuple(rv._bar_color)
    rows = many_running(300)
    rows[1] = replace(rows[1], state=State.PAUSED)  # a new group: a taller list
    engine.push(from_rows(rows))
    frames.until(lambda: group_of(app, "svc-001") == "paused", what="moved to Paused")
    drawn = set()
    for _ in range(70):  # past Kivy's half-second wait and half-second fade
        frames.step()
        drawn.add(tuple(rv._bar_color))
    assert drawn == {resting}  # a fade would repaint the whole window each of its frames
