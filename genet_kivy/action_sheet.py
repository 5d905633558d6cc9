"""A row's action sheet: what a long-press on a row opens.

The same actions as the detail's buttons for that row (those its state allows), one
finger-sized button each, and Cancel. Choosing one selects the row (the list stays where it
is on a narrow screen) and presses the action through the same path as its button, so Kill
and Remove still ask first. Containers take their controls from
:mod:`genet_kivy.actions`; every other kind its spec's actions, through its resource panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.properties import StringProperty

from .actions import LABEL, enabled, pause_control
from .buttons import FlatButton
from .detail import BUTTONS
from .dialogs.base import DialogCard

Choice = tuple[str, str, str]  # (action id, label, tone)

TONES = {"kill": "danger", "remove": "danger"}


class ActionSheet(DialogCard):
    """A title (the row's name), one button per action, Cancel. Esc cancels it."""

    subtitle = StringProperty("")

    def __init__(self, choices: list[Choice], on_choice: Callable[[str], None],
                 **kwargs: Any) -> None:
        kwargs.setdefault("auto_dismiss", True)  # a tap beside it cancels it
        super().__init__(App.get_running_app(), **kwargs)
        self._on_choice = on_choice
        self.buttons: dict[str, FlatButton] = {}
        for action, label, tone in choices:
            button = FlatButton(text=label, tone=tone)
            button.bind(on_release=lambda _b, a=action: self.choose(a))
            self.buttons[action] = button
            self.ids.choices.add_widget(button)

    def choose(self, action: str) -> None:
        self.dismiss()  # first: a confirmation the action asks opens in its place
        self._on_choice(action)

    def submit(self) -> None:
        """Enter does nothing here: which action is the person's choice alone."""


def container_choices(app: Any, cid: str) -> list[Choice]:
    c = app.containers.table.get(cid)
    if c is None:
        return []
    controls = [pause_control(c.state) if slot.value == "pause" else slot for slot in BUTTONS]
    return [(ctl.value, LABEL[ctl], TONES.get(ctl.value, "normal"))
            for ctl in controls if enabled(ctl, c.state)]


def open_for_container(app: Any, cid: str) -> Any:
    """The sheet of a container row (None when it has no action now, or offline)."""
    c = app.containers.table.get(cid)
    choices = container_choices(app, cid)
    if c is None or not choices or not app.live or app.dialog is not None:
        return None

    def chosen(action: str) -> None:
        _keep_place(app, lambda: app.select(cid))
        app.press(action)

    return app.notices.show(ActionSheet(choices, chosen, title=c.name or c.short_id,
                                        subtitle=c.image))


def open_for_resource(panel: Any, key: str) -> Any:
    """The sheet of another kind's row: its spec's enabled actions for that object."""
    app = panel.app
    table = panel.spec.table(app.feed.state)
    item = table.get(key)
    if item is None or not app.live or app.dialog is not None:
        return None
    choices = [(a.id, a.label, a.tone) for a in panel.spec.actions(item, app.feed.state)
               if a.enabled]
    if not choices:
        return None

    def chosen(action: str) -> None:
        _keep_place(app, lambda: panel.select(key))
        panel.press(action)

    return app.notices.show(ActionSheet(choices, chosen, title=panel.spec.name(item)))


def _keep_place(app: Any, select: Callable[[], None]) -> None:
    """Select the row without leaving the list on a narrow screen."""
    shell = app.root
    shown = shell.show_detail
    select()
    shell.show_detail = shown or shell.wide
