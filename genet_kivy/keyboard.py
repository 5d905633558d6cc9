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
Tab            next region (list, detail tabs); Left / Right switch tab in the tabs
?              show these keys
=============  ============================================================================

Tab moves the keyboard between the regions of the screen — the list, then the detail's
tabs (where Left / Right switch tab) — and a frame in the accent colour shows which has it.

Keys reach the map only when no text field (or the terminal) has the keyboard and no dialog
is open; a dialog's own Esc and Enter come first (see :mod:`genet_kivy.dialogs.base`). The
actions go through the same path as the buttons, confirmations included.
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.graphics import Color, Line
from kivy.metrics import dp
from kivy.uix.behaviors import FocusBehavior
from kivy.uix.widget import Widget

from genet_rx.model.containers import State

from . import theme
from .actions import Control, enabled
from .notices import ConfirmDialog
from .scroll_anchor import content_height, tops

UP, DOWN, LEFT, RIGHT = 273, 274, 276, 275
TAB = 9
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
    ("Tab", "next region (list, detail tabs)"),
    ("Left / Right", "switch tab, in the detail's tabs"),
    ("?", "these keys"),
)
REGIONS = ("list", "tabs")

ACTION_KEYS: dict[str, Control] = {"r": Control.RESTART, "k": Control.KILL}


class ShortcutsDialog(ConfirmDialog):
    """The keys, in a card with one Close button (Esc or Enter close it too)."""

    def __init__(self, **kwargs: Any) -> None:
        text = "\n".join(f"{keys}:  {what}" for keys, what in SHORTCUTS)
        super().__init__(on_yes=lambda: None, title="Keyboard shortcuts", text=text,
                         yes_text="Close", **kwargs)
        self.ids.no.parent.remove_widget(self.ids.no)
        self.ids.yes.tone = "primary"


class FocusFrame(Widget):
    """An accent outline over the region that has the keyboard (drawn above everything)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(size_hint=(None, None), **kwargs)
        with self.canvas:
            Color(*theme.look.ACCENT)
            self._line = Line(width=dp(1.5))
        self.region = ""

    def show(self, region: str, target: Any) -> None:
        self.region = region
        x, y = target.to_window(target.x, target.y)
        self.pos, self.size = (x, y), target.size
        self._line.rectangle = (x + 1, y + 1, target.width - 2, target.height - 2)
        if self.parent is None:
            Window.add_widget(self)

    def hide(self) -> None:
        self.region = ""
        if self.parent is not None:
            self.parent.remove_widget(self)


def frame_of(app: Any) -> FocusFrame:
    """The app's focus frame, made on first use."""
    frame = getattr(app, "focus_frame", None)
    if frame is None:
        frame = app.focus_frame = FocusFrame()
    return frame


def region_widget(shell: Any, region: str) -> Any:
    """The widget a region stands for, if it is on screen."""
    ids = shell.ids
    target = ids.sidebar if region == "list" else ids.detail.ids.tabbar
    return target if target.get_root_window() is not None and target.height > 0 else None


def next_region(app: Any) -> None:
    """Tab: the keyboard goes to the next region on screen, shown by the frame."""
    frame = frame_of(app)
    start = REGIONS.index(frame.region) + 1 if frame.region in REGIONS else 0
    for step in range(len(REGIONS)):
        region = REGIONS[(start + step) % len(REGIONS)]
        target = region_widget(app.root, region)
        if target is not None:
            frame.show(region, target)
            return
    frame.hide()


def switch_tab(app: Any, step: int) -> None:
    """Left / Right in the tabs region: the tab beside the current one (those offered)."""
    from .detail import TABS

    detail = app.root.ids.detail
    offered = [t for t in TABS if t != "terminal" or detail.running or detail.tab == t]
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
    if key == TAB:
        next_region(app)
        return True
    if key in (LEFT, RIGHT) and frame_of(app).region == "tabs" and app.selected is not None:
        switch_tab(app, 1 if key == RIGHT else -1)
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
