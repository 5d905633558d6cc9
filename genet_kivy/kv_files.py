"""The kv layout files: where they are, the ones the first frame needs, and the ones each
other kind's panes and each live tab of the container detail need, loaded the first time that
kind or tab is shown (start-up parses only what
it draws: every kv rule is compiled when its file loads, ~5-20 ms a file on a Raspberry Pi
class machine).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kivy.lang import Builder

from .dialogs.layout import DIALOG_KV

#: One kv file per widget class, layout only; loaded in ``build()``, in dependency order.
STARTUP = (
    "scrolling.kv",
    "flat_button.kv",
    "group_header.kv",
    "sidebar.kv",
    "detail_pane.kv",
    "nav_bar.kv",
    "connection_banner.kv",
    "task_indicator.kv",
    "top_bar.kv",
    "shell.kv",
)

#: What opens over the app (the dialogs, a confirmation, an action sheet, the Engines screen)
#: and the dialogs' widgets (``ChoiceButton``): none is on the first frame, so these load
#: when the first of them is made (~15 ms off the launch). In the order they loaded at start-up
#: before: rules apply in load order, and ``<DialogCard>`` came after its subclasses'.
OVERLAYS = ("confirm_dialog.kv", "action_sheet.kv", "engines_screen.kv", *DIALOG_KV)

#: Widgets that are not on the first frame each load their own file when the first of them
#: is made (KvOnFirstUse): a notice, an engine's chip (several engines), an alert's banner, a
#: compose project's header (the list grouped by project).
ON_FIRST_USE = ("notice.kv", "engine_chip.kv", "alert_banner.kv", "project_header.kv")

#: The container detail's body (header, controls, tabs, fields): nothing is selected on the
#: first frame, so it loads, and the body is built, when it is first needed (DetailPane.build).
DETAIL = ("field_row.kv", "control_bar.kv", "tab_button.kv", "detail_body.kv")

#: The kv files of each live tab of the container detail, loaded when the tab is first shown.
BY_TAB: dict[str, tuple[str, ...]] = {
    "logs": ("log_row.kv", "line_viewer.kv", "logs_view.kv"),
    "stats": ("graph.kv", "stats_view.kv"),
    "inspect": ("inspect_view.kv",),
    "history": ("history_view.kv",),
    "terminal": ("terminal_widget.kv", "terminal_keys.kv", "terminal_keyboard.kv",
                 "terminal_view.kv"),
}

_RESOURCE = ("field_row.kv", "tab_button.kv", "resource_row.kv", "resource_list.kv",
             "resource_detail.kv", "pick_dialog.kv", "swarm_forms.kv", "disk_view.kv")

#: The kv files of a kind's list and detail (the containers' are in STARTUP), loaded the first
#: time the kind is shown.
BY_KIND: dict[str, tuple[str, ...]] = {
    "images": _RESOURCE,
    "volumes": _RESOURCE,
    "networks": _RESOURCE,
    "services": _RESOURCE + BY_TAB["logs"],  # a service's Logs tab
    "nodes": _RESOURCE,
    "activity": ("activity_view.kv",),
    "settings": ("activity_view.kv", "settings.kv"),  # the Alerts section is the rules form
}


def kv_dir() -> Path:
    """kv/ beside the package (a checkout) or under ``<prefix>/share/genet/kv`` (installed)."""
    for candidate in (
        Path(__file__).resolve().parent.parent / "kv",
        Path(sys.prefix) / "share" / "genet" / "kv",
    ):
        if (candidate / "shell.kv").is_file():
            return candidate
    raise FileNotFoundError("genet: cannot find its kv/ layout files")


def load_kv() -> None:
    """(Re)load the start-up kv files, and forget the others (loaded again when next
    needed); unloading first makes a second App in one process safe."""
    folder = kv_dir()
    for name in {n for names in (*BY_KIND.values(), *BY_TAB.values(), OVERLAYS, DETAIL,
                                 ON_FIRST_USE)
                 for n in names}:
        Builder.unload_file(str(folder / name))
    for name in STARTUP:
        path = str(folder / name)
        Builder.unload_file(path)
        Builder.load_file(path)


def ensure_kv(names: Iterable[str]) -> None:
    """Load those of ``names`` not loaded yet (a kind's files, the first time it is shown)."""
    folder = kv_dir()
    for name in names:
        path = str(folder / name)
        if path not in Builder.files:
            Builder.load_file(path)


class KvOnFirstUse:
    """Mixed into a widget class that is not on the first frame: its kv files (``kv``) load
    when the first of it is made, before Kivy applies their rules to it."""

    kv: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        ensure_kv(self.kv)
        super().__init__(*args, **kwargs)
