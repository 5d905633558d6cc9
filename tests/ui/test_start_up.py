"""Start-up builds only what the first frame shows; the rest is built, unseen, when first shown."""

from __future__ import annotations

import pytest
from test_kinds import go
from test_layouts import live_engine
from ui_harness import find_row, tap

pytestmark = pytest.mark.ui


def test_the_first_frame_builds_the_containers_panes_only(make_app, frames):
    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="row web")
    assert app.root.built() == ["containers"]
    assert "images_list" not in app.root.ids


def test_the_detail_shows_its_placeholder_only_until_a_container_is_selected(make_app, frames):
    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="row web")
    detail = app.root.ids.detail
    assert detail.built is False
    assert "controls" not in detail.ids
    placeholder = "Select a container to see its details and controls."
    assert [w.text for w in detail.children] == [placeholder]
    tap(find_row(app, "web"), frames)
    frames.until(lambda: detail.has_container, what="the detail of web")
    assert detail.ids.controls.ids.ctl_stop.disabled is False
    assert "waiting" not in detail.ids


def test_the_detail_builds_no_live_tab_before_one_is_shown(make_app, frames):
    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="row web")
    tap(find_row(app, "web"), frames)
    detail = app.root.ids.detail
    frames.until(lambda: detail.has_container, what="the detail of web")
    assert [name for name in detail.views if detail.made(name) is not None] == []


def test_a_kind_shown_the_first_time_is_built_and_filled(make_app, frames):
    app = make_app(live_engine(), (1280, 800))
    go(app, frames, "volumes")
    assert app.root.built() == ["containers", "volumes"]
    assert app.root.ids.volumes_list is not None
    assert app.panels["volumes"].list.panel is app.panels["volumes"]


def test_a_tab_shown_the_first_time_is_built_with_its_stream(make_app, frames):
    engine = live_engine()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="row web")
    tap(find_row(app, "web"), frames)
    detail = app.root.ids.detail
    frames.until(lambda: detail.has_container, what="the detail of web")
    tap(detail.ids.tab_logs, frames)
    frames.until(lambda: engine.log_streams.live == 1, what="the logs stream")
    assert list(detail.ids.page.children) == [detail.made("logs")]


def test_every_kv_file_is_loaded_at_start_up_or_when_first_needed():
    from genet_kivy import kv_files as kv

    later = {*kv.OVERLAYS, *kv.DETAIL, *kv.ON_FIRST_USE,
             *(n for names in (*kv.BY_KIND.values(), *kv.BY_TAB.values()) for n in names)}
    on_disk = {p.name for p in kv.kv_dir().glob("*.kv")}
    assert on_disk - set(kv.STARTUP) - later == set()
    assert set(kv.STARTUP) & later == set()


def test_the_first_frame_loads_no_theme_image(make_app, frames):
    from kivy.cache import Cache

    Cache.remove("kv.atlas")  # what an earlier test in this process loaded
    app = make_app(live_engine(), (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="row web")
    assert Cache._objects.get("kv.atlas") == {}
