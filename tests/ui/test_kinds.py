"""Images, volumes and networks in real windows: navigation, detail, commands, screenshots."""

from __future__ import annotations

import pytest
from engine_double import EngineDouble
from kinds_sample import (
    BRIDGE,
    DANGLING,
    NGINX,
    SHOP,
    containers,
    history,
    images,
    networks,
    usage,
    volumes,
)
from test_layouts import check_touch_sizes, shown
from ui_harness import save_shot, tap, walk

from genet_rx.engine.commands import (
    CommandResult,
    ConnectNetwork,
    DisconnectNetwork,
    Outcome,
    PruneImages,
    PruneVolumes,
    RemoveImage,
    RemoveNetwork,
    RemoveVolume,
)
from genet_rx.model.connection import Link
from genet_rx.state.containers import from_rows

pytestmark = pytest.mark.ui

SIZES = [(1280, 800), (800, 480), (480, 800)]


def kind_engine() -> EngineDouble:
    engine = EngineDouble()
    engine.push(from_rows(containers()))
    engine.push_kind("images", images())
    engine.push_kind("volumes", volumes())
    engine.push_kind("networks", networks())
    engine.histories[NGINX] = history()
    engine.inspected[NGINX] = {"Id": NGINX, "RepoTags": ["nginx:1.27", "nginx:latest"],
                               "Config": {"Env": ["PATH=/usr/bin"]}}
    engine.usage = usage()
    engine.link(Link.CONNECTED)
    return engine


def go(app, frames, kind):
    """Tap the navigation's button for ``kind``; wait until its list is on screen."""
    tap(app.root.nav.button(kind), frames)
    frames.until(lambda: app.root.kind == kind and app.root.panes()[0] in shown(app),
                 what=f"the {kind} list")
    return app.panels.get(kind)


def row(app, kind, title):
    lst = app.root.panes(kind)[0]
    for view in lst.ids.rv.layout_manager.children:
        if type(view).__name__ == "ResourceRow" and view.title == title:
            return view
    return None


def open_item(app, frames, kind, title, search=False):
    panel = app.panels[kind]
    if search:  # a row below the fold on a small screen: find it as a person would
        panel.list.ids.search.text = title
        frames.until(lambda: titles(app, kind) == [title], what=f"only {title} listed")
        frames.step(2)
    view = frames.until(lambda: row(app, kind, title), what=f"row {title}")
    tap(view, frames)
    frames.until(lambda: panel.detail.title and panel.detail.has_item
                 and panel.detail in shown(app), what=f"detail of {title}")
    return panel


def no_dialog(window):
    """No dialog on the window any more (a dismissed one animates out for a few frames)."""
    from kivy.uix.modalview import ModalView

    return not any(isinstance(w, ModalView) for w in window.children)


def answer_yes(app, frames, window, yes_text=None):
    """Wait for the confirmation (with ``yes_text``), tap its yes, wait until it is gone."""
    dialog = frames.until(lambda: app.dialog is not None and hasattr(app.dialog, "yes_text")
                          and (yes_text is None or app.dialog.yes_text == yes_text)
                          and app.dialog, what=f"confirmation {yes_text or ''}")
    frames.step(3)
    tap(dialog.ids.yes, frames)
    frames.until(lambda: dialog not in window.children, what="dialog gone")
    return dialog


def titles(app, kind):
    return [r["title"] for r in app.root.panes(kind)[0].ids.rv.data]


@pytest.mark.parametrize("size", SIZES)
def test_navigation_between_kinds_by_touch_with_counts(make_app, frames, kivy_window, size):
    app = make_app(kind_engine(), size)
    nav = app.root.nav
    frames.until(lambda: nav.button("images").count == "5", what="image count")
    assert nav.vertical == app.root.wide  # a rail when wide, a bottom bar when narrow
    counts = {k: nav.button(k).count for k in ("containers", "images", "volumes", "networks")}
    assert counts == {"containers": "4", "images": "5", "volumes": "3", "networks": "5"}
    for kind in ("images", "volumes", "networks", "containers"):
        go(app, frames, kind)
        assert nav.current == kind and nav.button(kind).current
        assert check_touch_sizes(kivy_window) == []
    assert titles(app, "images")[:2] == ["busybox:latest", "nginx:1.27"]
    assert titles(app, "images")[-1] == "<none>"  # dangling ones last, stable


@pytest.mark.parametrize("size", SIZES)
def test_each_kind_list_and_detail_screenshots(make_app, frames, kivy_window, size):
    app = make_app(kind_engine(), size)
    tag = f"{size[0]}x{size[1]}"
    for kind, title in (("images", "nginx:1.27"), ("volumes", "shop_db-data"),
                        ("networks", "shop_default")):
        go(app, frames, kind)
        frames.until(lambda k=kind: titles(app, k), what=f"{kind} rows")
        save_shot(kivy_window, frames, f"{kind}-{tag}")
        panel = open_item(app, frames, kind, title)
        frames.step(3)
        assert check_touch_sizes(kivy_window) == []
        save_shot(kivy_window, frames, f"{kind}-detail-{tag}")
        assert panel.detail.links  # related containers shown
        if not app.root.wide:
            tap(panel.detail.ids.back, frames)
            frames.until(lambda p=panel: shown(app) == [p.list], what="back to the list")


def test_image_detail_shows_tags_layers_and_users_and_goes_to_a_container(make_app, frames):
    engine = kind_engine()
    app = make_app(engine, (1280, 800))
    go(app, frames, "images")
    panel = open_item(app, frames, "images", "nginx:1.27")
    detail = panel.detail
    assert detail.field("tags") == "nginx:1.27\nnginx:latest"
    assert detail.field("size") == "192.4 MB"
    assert detail.field("used") == "1 container"
    assert detail.chip_text == "in use"
    frames.until(lambda: ("history", NGINX) in engine.asked, what="history asked")
    frames.until(lambda: any("EXPOSE 80" in getattr(w, "text", "") for w in walk(detail)),
                 what="layers shown")
    assert [link.title for link in detail.links] == ["web"]
    tap(detail.links[0], frames)
    frames.until(lambda: app.root.kind == "containers" and app.selected == "a1" * 32,
                 what="went to the container")
    assert app.root.ids.detail.title == "web"


def test_inspect_tab_of_an_image_with_copy(make_app, frames):
    from kivy.core.clipboard import Clipboard

    engine = kind_engine()
    app = make_app(engine, (1280, 800))
    go(app, frames, "images")
    panel = open_item(app, frames, "images", "nginx:1.27")
    tap(panel.detail.ids.tab_inspect, frames)
    frames.until(lambda: panel.detail.ids.doc.data, what="inspect document")
    assert any('"nginx:latest"' in r["text"] for r in panel.detail.ids.doc.data)
    tap(panel.detail.ids.copy_inspect, frames)
    frames.until(lambda: app.root.notice is not None, what="copied")
    assert '"RepoTags"' in Clipboard.paste()


def test_remove_an_image_confirms_then_sends(make_app, frames, kivy_window):
    engine = kind_engine()
    app = make_app(engine, (800, 480))
    go(app, frames, "images")
    panel = open_item(app, frames, "images", "<none>", search=True)
    tap(panel.detail.buttons["remove"], frames)
    frames.until(lambda: app.dialog, what="confirmation")
    assert engine.commands == []
    answer_yes(app, frames, kivy_window, "Remove")
    frames.until(lambda: engine.commands == [RemoveImage(DANGLING)], what="sent")
    frames.until(lambda: app.root.notice is not None, what="done notice")
    assert "Removed" in app.root.notice.text


def test_a_refused_image_removal_shows_the_engines_words_and_offers_force(
    make_app, frames, kivy_window
):
    engine = kind_engine()
    refusal = ("conflict: unable to delete 1a1a1a1a1a1a (must be forced) - image is being "
               "used by stopped container c3c3c3c3c3c3")
    engine.answer = lambda c: (CommandResult(c, Outcome.FAILED, refusal) if not c.force
                               else CommandResult(c, Outcome.DONE))
    app = make_app(engine, (1280, 800))
    go(app, frames, "images")
    panel = open_item(app, frames, "images", "nginx:1.27")
    tap(panel.detail.buttons["remove"], frames)
    answer_yes(app, frames, kivy_window, "Remove")
    force = frames.until(lambda: app.dialog and app.dialog.yes_text == "Force remove" and
                         app.dialog, what="force offered")
    assert refusal in force.text
    frames.step(5)
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "images-force-remove")
    answer_yes(app, frames, kivy_window, "Force remove")
    frames.until(lambda: engine.commands == [RemoveImage(NGINX), RemoveImage(NGINX, force=True)],
                 what="forced")


def test_an_image_a_running_container_uses_shows_the_refusal_without_force(make_app, frames):
    engine = kind_engine()
    refusal = ("conflict: unable to delete 1a1a1a1a1a1a (cannot be forced) - image is being "
               "used by running container a1a1a1a1a1a1")
    engine.answer = lambda c: CommandResult(c, Outcome.FAILED, refusal)
    app = make_app(engine, (1280, 800))
    go(app, frames, "images")
    panel = open_item(app, frames, "images", "nginx:1.27")
    tap(panel.detail.buttons["remove"], frames)
    answer_yes(app, frames, app.root.get_root_window(), "Remove")
    notice = frames.until(lambda: app.root.notice, what="the refusal")
    assert notice.kind == "error" and refusal in notice.text and app.dialog is None
    assert engine.commands == [RemoveImage(NGINX)]


def test_prune_images_shows_the_space_reclaimed(make_app, frames, kivy_window):
    engine = kind_engine()
    engine.answer = lambda c: CommandResult(c, Outcome.DONE, "1 image deleted · 54.8 MB reclaimed")
    app = make_app(engine, (480, 800))
    panel = go(app, frames, "images")
    tap(panel.list.buttons["prune"], frames)
    picker = frames.until(lambda: app.dialog, what="which images")
    frames.step(3)
    assert check_touch_sizes(kivy_window) == []
    tap(picker.buttons["prune_dangling"], frames)
    answer_yes(app, frames, kivy_window, "Prune")
    frames.until(lambda: engine.commands == [PruneImages(unused=False)], what="sent")
    notice = frames.until(lambda: app.root.notice, what="notice")
    assert "54.8 MB reclaimed" in notice.text
    frames.until(lambda: no_dialog(kivy_window), what="dialogs gone")
    tap(panel.list.buttons["prune"], frames)
    picker = frames.until(lambda: app.dialog, what="which")
    frames.step(3)
    tap(picker.buttons["prune_unused"], frames)
    answer_yes(app, frames, kivy_window, "Prune unused")
    frames.until(lambda: engine.commands[-1] == PruneImages(unused=True), what="sent")


def test_volumes_remove_refused_in_use_and_prune(make_app, frames, kivy_window):
    engine = kind_engine()
    refusal = "remove shop_db-data: volume is in use - [b2b2b2b2b2b2]"
    engine.answer = lambda c: (CommandResult(c, Outcome.FAILED, refusal)
                               if isinstance(c, RemoveVolume) else
                               CommandResult(c, Outcome.DONE, "1 volume deleted · 33 kB reclaimed"))
    app = make_app(engine, (1280, 800))
    go(app, frames, "volumes")
    panel = open_item(app, frames, "volumes", "shop_db-data")
    assert [link.title for link in panel.detail.links] == ["db"]
    assert "In use by 1 container" in panel.detail.reason
    tap(panel.detail.buttons["remove"], frames)
    answer_yes(app, frames, kivy_window)
    notice = frames.until(lambda: app.root.notice, what="refusal")
    assert notice.kind == "error" and refusal in notice.text
    assert engine.commands == [RemoveVolume("shop_db-data")]
    tap(panel.list.buttons["prune"], frames)
    answer_yes(app, frames, kivy_window)
    frames.until(lambda: engine.commands[-1] == PruneVolumes(), what="pruned")
    frames.until(lambda: "33 kB reclaimed" in app.root.notice.text, what="space reclaimed")


def test_a_builtin_network_cannot_be_removed_and_says_why(make_app, frames, kivy_window):
    engine = kind_engine()
    app = make_app(engine, (800, 480))
    go(app, frames, "networks")
    panel = open_item(app, frames, "networks", "bridge")
    remove = panel.detail.buttons["remove"]
    assert remove.disabled and "Built-in network" in panel.detail.reason
    tap(remove, frames)
    assert app.dialog is None and engine.commands == []
    save_shot(kivy_window, frames, "networks-builtin-800x480")
    panel.press("remove")  # even asked directly, a disabled action is never sent
    frames.step(2)
    assert app.dialog is None and engine.commands == []
    assert [link.title for link in panel.detail.links] == ["cache"]


def test_network_members_with_addresses_connect_and_disconnect(make_app, frames, kivy_window):
    engine = kind_engine()
    app = make_app(engine, (1280, 800))
    go(app, frames, "networks")
    panel = open_item(app, frames, "networks", "shop_default")
    links = {link.title: link for link in panel.detail.links}
    assert set(links) == {"db", "web"} and links["web"].detail.startswith("172.20.0.3")
    frames.step(2)
    tap(links["db"].button, frames)
    frames.until(lambda: engine.commands == [DisconnectNetwork(SHOP, "b2" * 32)], what="sent")
    tap(panel.detail.buttons["connect"], frames)
    picker = frames.until(lambda: app.dialog, what="picker")
    assert set(picker.buttons) == {"c3" * 32, "d4" * 32}  # not the members
    frames.step(3)
    tap(picker.buttons["d4" * 32], frames)
    frames.until(lambda: engine.commands[-1] == ConnectNetwork(SHOP, "d4" * 32), what="sent")
    frames.until(lambda: no_dialog(kivy_window), what="picker gone")
    open_item(app, frames, "networks", "lab")
    tap(panel.detail.buttons["remove"], frames)
    answer_yes(app, frames, kivy_window)
    frames.until(lambda: engine.commands[-1] == RemoveNetwork("c2" * 32), what="removed")


def test_disk_usage_only_when_asked_with_refresh(make_app, frames, kivy_window):
    engine = kind_engine()
    app = make_app(engine, (800, 480))
    panel = go(app, frames, "volumes")
    frames.step(3)
    assert ("df", "") not in engine.asked
    tap(panel.list.buttons["disk"], frames)
    view = frames.until(lambda: app.dialog, what="disk usage view")
    frames.until(lambda: view.usage is not None, what="usage shown")
    assert engine.asked.count(("df", "")) == 1
    texts = [w.text for w in walk(view) if type(w).__name__ == "UsageCell"]
    assert "Images" in texts and "54.8 MB (7%)" in texts
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "disk-usage-800x480")
    tap(view.ids.refresh, frames)
    frames.until(lambda: engine.asked.count(("df", "")) == 2, what="refreshed")
    tap(view.ids.close, frames)
    frames.until(lambda: app.dialog is None, what="closed")


def test_dialog_hooks_say_not_available_until_the_dialogs_exist(make_app, frames, monkeypatch):
    import sys

    import genet_kivy

    app = make_app(kind_engine(), (1280, 800))
    monkeypatch.delattr(genet_kivy, "dialogs", raising=False)
    monkeypatch.setitem(sys.modules, "genet_kivy.dialogs", None)  # the import fails
    panel = go(app, frames, "images")
    tap(panel.list.buttons["pull"], frames)
    notice = frames.until(lambda: app.root.notice, what="notice")
    assert "not available yet" in notice.text
    go(app, frames, "volumes")
    tap(app.panels["volumes"].list.buttons["create"], frames)
    frames.until(lambda: "not available yet" in app.root.notice.text)


def test_dialog_hooks_call_the_dialogs_with_the_app(make_app, frames, monkeypatch):
    import sys
    import types

    import genet_kivy

    calls = []
    fake = types.ModuleType("genet_kivy.dialogs")
    fake.open_pull = lambda app, reference="": calls.append(("pull", reference))
    fake.open_run = lambda app, image="": calls.append(("run", image))
    fake.open_create_volume = lambda app: calls.append(("volume", ""))
    fake.open_create_network = lambda app: calls.append(("network", ""))
    app = make_app(kind_engine(), (1280, 800))
    monkeypatch.setattr(genet_kivy, "dialogs", fake, raising=False)
    monkeypatch.setitem(sys.modules, "genet_kivy.dialogs", fake)
    panel = go(app, frames, "images")
    tap(panel.list.buttons["pull"], frames)
    open_item(app, frames, "images", "nginx:1.27")
    tap(panel.detail.buttons["run"], frames)
    go(app, frames, "volumes")
    tap(app.panels["volumes"].list.buttons["create"], frames)
    go(app, frames, "networks")
    tap(app.panels["networks"].list.buttons["create"], frames)
    assert calls == [("pull", ""), ("run", "nginx:1.27"), ("volume", ""), ("network", "")]


def test_search_filters_a_kind_and_the_order_stays(make_app, frames):
    engine = kind_engine()
    app = make_app(engine, (1280, 800))
    panel = go(app, frames, "networks")
    assert titles(app, "networks") == ["bridge", "host", "none", "lab", "shop_default"]
    panel.list.ids.search.text = "shop"
    frames.until(lambda: titles(app, "networks") == ["shop_default"], what="filtered")
    panel.list.ids.search.text = "zzz"
    frames.until(lambda: panel.list.empty_text.startswith("Nothing matches"))
    panel.list.clear_search()
    frames.until(lambda: len(titles(app, "networks")) == 5)
    assert BRIDGE in {r["key"] for r in panel.list.ids.rv.data}

