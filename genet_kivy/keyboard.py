"""The keyboard map: every list and its actions without a mouse.

=============  ============================================================================
Up / Down      move the selection in the list (the detail follows beside it)
Enter          open the selected object's detail (narrow screens)
Esc            back from the detail (narrow screens); in a dialog: cancel it
/ or Ctrl+F    put the cursor in the list's search field
Tab            next region: search, list, detail tabs, actions (Shift+Tab: back)
Left / Right   in the tabs: switch tab; in the actions: pick a button (Enter presses it)
?              show these keys (those of the view on screen)
=============  ============================================================================

Containers: S starts or stops, R restarts, P pauses or unpauses, K kills (asks first),
Delete removes (asks first). Every other kind (images, volumes, networks, services, nodes)
gets its keys from its own actions through one path (:func:`genet_kivy.kinds.base.
action_keys`: Delete removes, else an action's first letter), pressed as its button would
be, through the resource panel with the same confirmations.

The regions and the frame showing which one has the keyboard are in
:mod:`genet_kivy.focus_regions`. Keys reach the map only when no text field (or the
terminal) has the keyboard and no dialog is open; a dialog's own Esc and Enter come first
(see :mod:`genet_kivy.dialogs.base`).
"""

from __future__ import annotations

from typing import Any

from kivy.uix.behaviors import FocusBehavior

from genet_rx.model.containers import State

from .actions import Control, enabled
from .focus_regions import (
    enter_region,
    frame_of,
    press_framed,
    step_button,
    step_region,
)
from .kinds.base import action_keys
from .notices import ConfirmDialog

UP, DOWN, LEFT, RIGHT = 273, 274, 276, 275
TAB = 9
ENTERS = (13, 271)
DELETE = 127
ESCAPE = 27

#: The keys every list has (containers and every other kind alike).
NAVIGATION = (
    ("Up / Down", "move the selection in the list"),
    ("Enter", "open the selected one"),
    ("Esc", "back, or cancel a dialog"),
    ("/  or  Ctrl+F", "search the list"),
    ("Tab / Shift+Tab", "next / previous region: search, list, tabs, actions"),
    ("Left / Right", "switch tab; pick a button in the actions (Enter presses it)"),
    ("?", "these keys"),
)
CONTAINER_KEYS = (
    ("S", "start or stop"),
    ("R", "restart"),
    ("P", "pause or unpause"),
    ("K", "kill (asks first)"),
    ("Delete", "remove (asks first)"),
)
SHORTCUTS = NAVIGATION + CONTAINER_KEYS

ACTION_KEYS: dict[str, Control] = {"r": Control.RESTART, "k": Control.KILL}


class ShortcutsDialog(ConfirmDialog):
    """The keys, in a card with one Close button (Esc or Enter close it too)."""

    def __init__(self, keys: tuple[tuple[str, str], ...] = SHORTCUTS, title: str = "",
                 **kwargs: Any) -> None:
        text = "\n".join(f"{k}:  {what}" for k, what in keys)
        super().__init__(on_yes=lambda: None, title=title or "Keyboard shortcuts",
                         text=text, yes_text="Close", **kwargs)
        self.ids.no.parent.remove_widget(self.ids.no)
        self.ids.yes.tone = "primary"


def kind_keys(panel: Any) -> list[tuple[str, str, str]]:
    """(key, action id, label) for a resource panel's selected object and its own buttons."""
    state = panel.app.feed.state
    item = panel.current()
    actions = list(panel.spec.actions(item, state)) if item is not None else []
    actions += list(panel.spec.panel_actions)
    labels = {a.id: a.label.rstrip("…") for a in actions}
    return [(key, action, labels[action]) for action, key in action_keys(actions).items()]


def shortcuts(app: Any) -> tuple[tuple[str, str], ...]:
    """The keys of the view on screen: the navigation keys and the view's action keys."""
    kind = app.root.kind
    if kind == "containers":
        return SHORTCUTS
    panel = app.panels.get(kind)
    if panel is None:
        return NAVIGATION
    keys = tuple((key, label.lower() + (" (asks first)" if action == "remove" else ""))
                 for key, action, label in kind_keys(panel))
    return NAVIGATION + keys


def switch_tab(app: Any, step: int) -> None:
    """Left / Right in the tabs region: the tab beside the current one (those offered)."""
    detail = app.root.panes()[1]
    if app.root.kind == "containers":
        from .detail import TABS

        offered = [t for t in TABS if t != "terminal" or detail.running or detail.tab == t]
    else:
        offered = [t for t in ("overview", "inspect") if t in detail._pages]
        offered += [t for t in detail._pages if t not in offered]
    index = offered.index(detail.tab) if detail.tab in offered else 0
    detail.select_tab(offered[(index + step) % len(offered)])


def typing(root: Any) -> bool:
    """Whether a text field (or the terminal) has the keyboard now."""
    stack = [root]
    while stack:
        w = stack.pop()
        if isinstance(w, FocusBehavior) and w.focus:
            return True
        stack.extend(w.children)
    return False


class Rows:
    """The list on screen as the keys see it: its row keys, the selection, selecting."""

    def __init__(self, app: Any) -> None:
        self.app = app
        shell = app.root
        self.panel = None if shell.kind == "containers" else app.panels.get(shell.kind)
        self.rv = shell.panes()[0].ids.rv
        self.field = "cid" if self.panel is None else "key"

    def keys(self) -> list[str]:
        return [r[self.field] for r in self.rv.data if r.get(self.field)]

    @property
    def selected(self) -> str | None:
        return self.app.selected if self.panel is None else self.panel.selected

    def select(self, key: str) -> None:
        (self.app if self.panel is None else self.panel).select(key)


def handle_key(app: Any, key: int, codepoint: str | None, modifiers: list[str]) -> bool:
    """Act on a key for the list on screen and its detail; True when it was used."""
    shell = app.root
    if shell is None or app.dialog is not None or typing(shell):
        return False
    char = (codepoint or "").lower()
    if char == "?":
        app.notices.show(ShortcutsDialog(shortcuts(app)))
        return True
    if shell.kind != "containers" and shell.kind not in app.panels:
        return False
    if char == "/" or (char == "f" and "ctrl" in modifiers):
        enter_region(app, "search")
        return True
    if key == TAB:
        step_region(app, -1 if "shift" in modifiers else 1)
        return True
    rows = Rows(app)
    region = frame_of(app).region
    if key in (LEFT, RIGHT) and region == "tabs" and rows.selected is not None:
        switch_tab(app, 1 if key == RIGHT else -1)
        return True
    if key in (LEFT, RIGHT) and region == "actions":
        step_button(app, 1 if key == RIGHT else -1)
        return True
    if key in ENTERS and region == "actions":
        return press_framed(app)
    if key in (UP, DOWN):
        move_selection(app, rows, 1 if key == DOWN else -1)
        return True
    if key in ENTERS and rows.selected is not None:
        shell.show_detail = True
        return True
    if modifiers and set(modifiers) - {"shift"}:
        return False
    if rows.panel is not None:
        return press_kind_key(rows.panel, key, char)
    control = action_of(app, key, char)
    c = app.current()
    if control is None or c is None:
        return False
    if enabled(control, c.state) and app.live:  # as the button would be
        app.press(control.value)
    return True


def press_kind_key(panel: Any, key: int, char: str) -> bool:
    """Another kind's action key: pressed as its button (the panel asks what it must)."""
    name = "Delete" if key == DELETE else char.upper()
    for k, action, _label in kind_keys(panel):
        if k == name and name:
            panel.press(action)
            return True
    return False


def action_of(app: Any, key: int, char: str) -> Control | None:
    """The control a key stands for, for the selected container (None: no such key)."""
    c = app.current()
    if c is None:
        return None
    if key == DELETE:
        return Control.REMOVE
    if char == "s":
        return Control.STOP if c.state.alive else Control.START
    if char == "p":
        return Control.UNPAUSE if c.state is State.PAUSED else Control.PAUSE
    return ACTION_KEYS.get(char)


def move_selection(app: Any, rows: Rows, step: int) -> None:
    """Select the row ``step`` rows below (or above) the selected one, keep the detail's
    place (a narrow screen stays on the list), and scroll the row into view."""
    shell = app.root
    keys = rows.keys()
    if not keys:
        return
    if rows.selected in keys:
        index = min(len(keys) - 1, max(0, keys.index(rows.selected) + step))
    else:
        index = 0 if step > 0 else len(keys) - 1
    detail_shown = shell.show_detail
    rows.select(keys[index])
    shell.show_detail = detail_shown or shell.wide
    scroll_into_view(rows.rv, rows.field, keys[index])


def scroll_into_view(rv: Any, field: str, key: str) -> None:
    """Scroll the list just enough that the row whose ``field`` is ``key`` is whole on
    screen."""
    data = rv.data
    top = 0.0
    height = None
    for r in data:
        if r.get(field) == key:
            height = r["height"]
            break
        top += r["height"]
    room = sum(r["height"] for r in data) - rv.height
    if height is None or room <= 0:
        return
    view_top = room * (1 - rv.scroll_y)
    if top < view_top:
        view_top = top
    elif top + height > view_top + rv.height:
        view_top = top + height - rv.height
    rv.scroll_y = min(1.0, max(0.0, 1 - view_top / room))
