"""The keyboard map: the container list and its actions without a mouse.

=============  ============================================================================
Up / Down      move the selection in the container list (the detail follows beside it)
Enter          open the selected container's detail (narrow screens)
Esc            back from the detail (narrow screens); in a dialog: cancel it
/ or Ctrl+F    put the cursor in the list's search field
S              Start a stopped container, Stop a running one
R              Restart
P              Pause / Unpause
K              Kill (asks first)
Delete         Remove (asks first)
?              show these keys
=============  ============================================================================

Keys reach the map only when no text field (or the terminal) has the keyboard and no dialog
is open; a dialog's own Esc and Enter come first (see :mod:`genet_kivy.dialogs.base`). The
actions go through the same path as the buttons, confirmations included.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.behaviors import FocusBehavior

from genet_rx.model.containers import State

from .actions import Control, enabled
from .notices import ConfirmDialog
from .scroll_anchor import content_height, tops

UP, DOWN = 273, 274
ENTERS = (13, 271)
DELETE = 127
ESCAPE = 27

SHORTCUTS = (
    ("Up / Down", "move the selection in the list"),
    ("Enter", "open the selected container"),
    ("Esc", "back, or cancel a dialog"),
    ("/  or  Ctrl+F", "search the list"),
    ("S", "start or stop"),
    ("R", "restart"),
    ("P", "pause or unpause"),
    ("K", "kill (asks first)"),
    ("Delete", "remove (asks first)"),
    ("?", "these keys"),
)

ACTION_KEYS: dict[str, Control] = {"r": Control.RESTART, "k": Control.KILL}


class ShortcutsDialog(ConfirmDialog):
    """The keys, in a card with one Close button (Esc or Enter close it too)."""

    def __init__(self, **kwargs: Any) -> None:
        text = "\n".join(f"{keys}:  {what}" for keys, what in SHORTCUTS)
        super().__init__(on_yes=lambda: None, title="Keyboard shortcuts", text=text,
                         yes_text="Close", **kwargs)
        self.ids.no.parent.remove_widget(self.ids.no)
        self.ids.yes.tone = "primary"


def typing(root: Any) -> bool:
    """Whether a text field (or the terminal) has the keyboard now."""
    stack = [root]
    while stack:
        w = stack.pop()
        if isinstance(w, FocusBehavior) and w.focus:
            return True
        stack.extend(w.children)
    return False


def handle_key(app: Any, key: int, codepoint: str | None, modifiers: list[str]) -> bool:
    """Act on a key for the container panel; True when it was used."""
    shell = app.root
    if shell is None or app.dialog is not None or typing(shell):
        return False
    char = (codepoint or "").lower()
    if char == "?":
        app.notices.show(ShortcutsDialog())
        return True
    if shell.kind != "containers":
        return False
    if char == "/" or (char == "f" and "ctrl" in modifiers):
        shell.ids.sidebar.ids.search.focus = True
        return True
    if key in (UP, DOWN):
        move_selection(app, 1 if key == DOWN else -1)
        return True
    if key in ENTERS and app.selected is not None:
        shell.show_detail = True
        return True
    if modifiers and set(modifiers) - {"shift"}:
        return False
    control = action_of(app, key, char)
    c = app.current()
    if control is None or c is None:
        return False
    if enabled(control, c.state) and app.live:  # as the button would be
        app.press(control.value)
    return True


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


def move_selection(app: Any, step: int) -> None:
    """Select the row ``step`` rows below (or above) the selected one, keep the detail's
    place (a narrow screen stays on the list), and scroll the row into view."""
    shell = app.root
    rv = shell.ids.sidebar.ids.rv
    ids = [r["cid"] for r in rv.data if r.get("cid")]
    if not ids:
        return
    if app.selected in ids:
        index = min(len(ids) - 1, max(0, ids.index(app.selected) + step))
    else:
        index = 0 if step > 0 else len(ids) - 1
    detail_shown = shell.show_detail
    app.select(ids[index])
    shell.show_detail = detail_shown or shell.wide
    scroll_into_view(rv, ids[index])


def scroll_into_view(rv: Any, cid: str) -> None:
    """Scroll the list just enough that the row of ``cid`` is whole on screen."""
    data = rv.data
    room = content_height(data) - rv.height
    top = tops(data).get(cid)
    if top is None or room <= 0:
        return
    height = next(r["height"] for r in data if r.get("cid") == cid)
    view_top = room * (1 - rv.scroll_y)
    if top < view_top:
        view_top = top
    elif top + height > view_top + rv.height:
        view_top = top + height - rv.height
    rv.scroll_y = min(1.0, max(0.0, 1 - view_top / room))
