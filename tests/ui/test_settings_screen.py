"""The Settings screen on the engine double: reached from the navigation, touch-sized at
800x480, every choice saved at once and read by the next app; a corrupt file; the light
theme; the UI scale; the alerts' cooldown; the window's title, icon and remembered size."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_layouts import check_touch_sizes, live_engine, open_detail
from ui_harness import find_row, save_shot, tap

from genet_kivy import theme
from genet_rx.settings import SettingsStore

pytestmark = pytest.mark.ui


def started(make_app, frames, tmp_path: Path, size=(1280, 800), **options):
    store = SettingsStore(tmp_path / "settings.json")
    app = make_app(live_engine(), size, settings=store, **options)
    frames.until(lambda: find_row(app, "web"), what="rows")
    return app, store


def saved(store: SettingsStore) -> dict:
    return json.loads(store.path.read_text())


def open_settings(app, frames, section: str = "look"):
    tap(app.root.nav.button("settings"), frames)
    frames.until(lambda: app.root.kind == "settings", what="the settings screen")
    if section != "look" or not app.root.wide:
        tap(app.root.ids.settings_list.ids[f"section_{section}"], frames)
    pane = app.root.ids.settings_detail
    frames.until(lambda: pane.section == section and pane.panel(section).parent is not None,
                 what=f"the {section} panel")
    frames.step(2)
    return pane


def stop(app, kivy_window, frames) -> None:
    """Stop an app the way closing its window does (the fixture stops it again: harmless)."""
    app.dispatch("on_stop")
    for child in kivy_window.children[:]:
        kivy_window.remove_widget(child)
    frames.step(1)


def test_settings_is_in_the_navigation_with_a_panel_per_purpose(make_app, frames, tmp_path):
    app, _ = started(make_app, frames, tmp_path)
    pane = open_settings(app, frames)
    assert app.root.ids.settings_list.parent is not None
    assert pane.title == "Appearance"
    assert app.root.ids.settings_list.ids.section_look.summary == "Dark · scale 1x"
    tap(app.root.ids.settings_list.ids.section_logs, frames)
    assert pane.title == "Logs"
    assert pane.panel("look").parent is None


@pytest.mark.parametrize("section", ["look", "logs", "alerts", "engines"])
def test_every_settings_panel_is_touch_sized_at_800x480(make_app, frames, kivy_window,
                                                       tmp_path, section):
    app, _ = started(make_app, frames, tmp_path, (800, 480))
    open_settings(app, frames, section)
    assert check_touch_sizes(kivy_window) == []
    if section == "look":
        save_shot(kivy_window, frames, "settings-800x480")
    if section == "alerts":
        save_shot(kivy_window, frames, "settings-alerts-800x480")


def test_narrow_the_list_opens_a_section_with_back(make_app, frames, tmp_path):
    app, _ = started(make_app, frames, tmp_path, (480, 800))
    pane = open_settings(app, frames, "logs")
    assert app.root.ids.settings_list.parent is None
    tap(pane.ids.back, frames)
    frames.until(lambda: app.root.ids.settings_list.parent is not None, what="back to the list")


def test_a_change_in_the_screen_is_on_disk_and_a_new_app_reads_it(make_app, frames, kivy_window,
                                                                 tmp_path):
    app, store = started(make_app, frames, tmp_path)
    pane = open_settings(app, frames)
    tap(pane.ids.theme_choice.button("light"), frames)
    tap(pane.ids.scale_choice.button(1.25), frames)
    open_settings(app, frames, "logs")
    tap(pane.ids.lines_choice.button(50_000), frames)
    open_settings(app, frames, "alerts")
    tap(pane.ids.alerts.ids.cooldown.button(900), frames)
    on_disk = saved(store)
    assert on_disk["look"] == {"theme": "light", "scale": 1.25}
    assert on_disk["logs"] == {"lines": 50_000}
    assert on_disk["alerts"]["cooldown_s"] == 900
    stop(app, kivy_window, frames)
    again, _ = started(make_app, frames, tmp_path)
    assert theme.look.name == "light"
    assert again.preferences.prefs.scale == 1.25
    assert again.root.ids.detail.views["logs"].capacity == 50_000
    assert again.activity.rules.cooldown_ns == 900 * 10**9
    assert again.root.panes("settings")[1].theme == "light"


def test_a_corrupt_settings_file_is_said_in_one_line_and_kept_aside(make_app, frames, tmp_path):
    (tmp_path / "settings.json").write_text("{not json")
    app, _ = started(make_app, frames, tmp_path)
    notice = frames.until(lambda: app.root.notice, what="a notice")
    aside = [p for p in os.listdir(tmp_path) if p.startswith("settings.json.corrupt-")]
    assert len(aside) == 1
    assert (tmp_path / aside[0]).read_text() == "{not json"
    assert "\n" not in notice.text
    assert notice.text.endswith(f"it was kept as {tmp_path / aside[0]} and Genet starts with "
                                "default settings")
    assert notice.kind == "error"
    assert theme.look.name == "dark"


def test_the_theme_switch_changes_what_is_drawn(make_app, frames, kivy_window, tmp_path):
    from kivy.core.image import Image as CoreImage

    app, store = started(make_app, frames, tmp_path)
    top = app.root.ids.topbar
    x, y = int(top.right - 4), int(kivy_window.height - top.height / 2)  # top bar, right edge
    dark_shot = save_shot(kivy_window, frames, "theme-dark-1280x800")
    dark = CoreImage.load(str(dark_shot), keep_data=True)
    pane = open_settings(app, frames)
    tap(pane.ids.theme_choice.button("light"), frames)
    frames.step(3)
    shot = save_shot(kivy_window, frames, "settings-light-1280x800")
    light = CoreImage.load(str(shot), keep_data=True)
    assert sum(dark.read_pixel(x, kivy_window.height - y)[:3]) < 0.6
    assert sum(light.read_pixel(x, kivy_window.height - y)[:3]) > 2.7
    assert tuple(kivy_window.clearcolor) == tuple(theme.look.BG)
    assert saved(store)["look"]["theme"] == "light"


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)])
def test_the_light_theme_on_the_containers_screen(make_app, frames, kivy_window, tmp_path, size):
    store = SettingsStore(tmp_path / "settings.json")
    store.save_section("look", {"theme": "light"})
    app = make_app(live_engine(), size, settings=store)
    frames.until(lambda: find_row(app, "web"), what="rows")
    if app.root.wide:
        tap(find_row(app, "web"), frames)
    else:
        open_detail(app, frames, "web")
    frames.until(lambda: app.root.ids.detail.title == "web", what="detail of web")
    label = app.root.ids.topbar.children[-1]  # "Genet"
    assert tuple(label.color) == theme.PALETTES["light"]["TEXT"]
    green = find_row(app, "web").state_color
    assert tuple(find_row(app, "web").ink) == theme.deepened(tuple(green))
    save_shot(kivy_window, frames, f"light-{size[0]}x{size[1]}")


def test_the_saved_scale_makes_everything_bigger(make_app, frames, tmp_path):
    plain, _ = started(make_app, frames, tmp_path / "plain")
    base = plain.root.ids.topbar.height
    button = plain.root.ids.sidebar.ids.group_by.height
    store = SettingsStore(tmp_path / "settings.json")
    store.save_section("look", {"theme": "dark", "scale": 1.5})
    big = make_app(live_engine(), (1280, 800), settings=store)
    frames.step(3)
    assert big.root.ids.topbar.height == pytest.approx(base * 1.5)
    assert big.root.ids.sidebar.ids.group_by.height == pytest.approx(button * 1.5)


def test_scale_on_the_command_line_wins_for_one_run_and_is_not_saved(make_app, frames, tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    store.save_section("look", {"theme": "dark", "scale": 1.5})
    plain = make_app(live_engine(), (1280, 800), settings=SettingsStore(tmp_path / "p.json"))
    base = plain.root.ids.topbar.height
    app = make_app(live_engine(), (1280, 800), settings=store, scale=0.75)
    frames.step(3)
    assert app.root.ids.topbar.height == pytest.approx(base * 0.75)
    assert saved(store)["look"]["scale"] == 1.5
    assert "--scale 0.75x" in app.root.panes("settings")[1].scale_note


def test_choosing_a_scale_saves_it_and_says_when_it_applies(make_app, frames, tmp_path):
    app, store = started(make_app, frames, tmp_path)
    pane = open_settings(app, frames)
    tap(pane.ids.scale_choice.button(2.0), frames)
    assert saved(store)["look"]["scale"] == 2.0
    assert pane.scale_note == "Applies when Genet starts again (now 1x)."


def test_the_cooldown_control_changes_the_alerts_cooldown(make_app, frames, tmp_path):
    asked = []
    store = SettingsStore(tmp_path / "settings.json")
    engine = live_engine()
    original = engine.alerts
    engine.alerts = lambda rules=None: (asked.append(rules), original(rules))[1]
    app = make_app(engine, (1280, 800), settings=store)
    frames.until(lambda: find_row(app, "web"), what="rows")
    pane = open_settings(app, frames, "alerts")
    assert app.activity.rules.cooldown_ns == 300 * 10**9
    tap(pane.ids.alerts.ids.cooldown.button(60), frames)
    assert app.activity.rules.cooldown_ns == 60 * 10**9
    assert asked[-1].cooldown_ns == 60 * 10**9
    assert saved(store)["alerts"]["cooldown_s"] == 60
    assert app.root.panes("activity")[1].ids.rules.cooldown_s == 60


def test_an_alert_kind_turned_off_in_settings_is_off_in_the_alerts_pane(make_app, frames,
                                                                       tmp_path):
    app, store = started(make_app, frames, tmp_path)
    pane = open_settings(app, frames, "alerts")
    tap(pane.ids.alerts.ids.toggle_oom, frames)
    assert app.root.panes("activity")[1].ids.rules.oom is False
    assert "oom" not in saved(store)["alerts"]["kinds"]


def test_log_lines_kept_apply_to_the_logs_tab_at_once(make_app, frames, tmp_path):
    app, store = started(make_app, frames, tmp_path)
    pane = open_settings(app, frames, "logs")
    tap(pane.ids.lines_choice.button(1_000), frames)
    assert app.root.ids.detail.views["logs"].capacity == 1_000
    assert app.root.ids.detail.views["logs"].model.capacity == 1_000
    assert saved(store)["logs"] == {"lines": 1_000}


def test_the_engines_panel_shows_the_engines_in_use_and_opens_the_engines_screen(
        make_app, frames, tmp_path):
    app, _ = started(make_app, frames, tmp_path)
    pane = open_settings(app, frames, "engines")
    assert pane.ids.engine_host.text == "unix:///run/fake/docker.sock"
    assert app.root.ids.settings_list.ids.section_engines.summary == pane.ids.engine_host.text
    tap(pane.ids.open_engines, frames)
    frames.until(lambda: app.fleet_screen is not None, what="the Engines screen")


def test_the_window_title_names_the_engine_and_the_icon_is_a_bitmap(make_app, frames,
                                                                    tmp_path):
    from kivy.core.image import Image as CoreImage

    app, _ = started(make_app, frames, tmp_path)
    assert app.get_application_name() == "Genet — unix:///run/fake/docker.sock"  # the window's
    icon = app.get_application_icon()
    assert icon.endswith("genet.png")
    assert CoreImage.load(icon).size == (256, 256)


def test_the_window_size_is_saved_when_the_app_stops(make_app, frames, kivy_window, tmp_path):
    app, store = started(make_app, frames, tmp_path, (1000, 640))
    stop(app, kivy_window, frames)
    assert saved(store)["window"] == {"width": 1000, "height": 640}


def test_f1_opens_the_settings_screen(make_app, frames, tmp_path):
    app, _ = started(make_app, frames, tmp_path)
    app.open_settings()
    frames.step(2)
    assert app.root.kind == "settings"
