"""Tab stops: the regions of the screen the keyboard moves between, and the frame showing
which one has it.

The order, for every kind alike (Tab forward, Shift+Tab back, round at either end):

=========  ====================================================================
search     the list's search field has the keyboard (typing filters the list)
list       Up / Down move the selection, Enter opens it
tabs       the detail's tabs: Left / Right switch tab
actions    the detail's buttons: Left / Right pick one (framed), Enter presses it
=========  ====================================================================

A region not on screen (the detail while a narrow screen shows the list, the tabs or
actions with nothing selected) is skipped. The frame is an accent outline drawn over
everything; it goes away when the kind, the layout or the narrow screen's page changes,
since what it framed may have left the screen.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.core.window import Window
from kivy.graphics import Color, Line
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from . import theme

REGIONS = ("search", "list", "tabs", "actions")


class FocusFrame(Widget):
    """An accent outline over the region that has the keyboard (drawn above everything).
    In the actions region it outlines the chosen button (``index`` among those enabled)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(size_hint=(None, None), **kwargs)
        with self.canvas:
            Color(*theme.ACCENT)
            self._line = Line(width=dp(1.5))
        self.region = ""
        self.index = 0

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


class SearchField(TextInput):
    """A list's search field: one Tab stop (Tab and Shift+Tab move to the next region
    instead of cycling through every text field of the window)."""

    # Drawn flat in kv, on no image: made with Kivy's defaults, the first field would load
    # and upload its theme's atlas (a PNG) only to have kv clear them (~5 ms of a launch).
    background_normal = StringProperty("")
    background_active = StringProperty("")

    def keyboard_on_key_down(self, window: Any, keycode: Any, text: Any, modifiers: Any) -> Any:
        mods = set(modifiers or ())
        if keycode and keycode[1] == "tab" and not mods & {"ctrl", "alt", "meta", "super"}:
            app = App.get_running_app()
            if app is not None and app.root is not None:
                step_region(app, -1 if "shift" in mods else 1)
                return True
        return super().keyboard_on_key_down(window, keycode, text, modifiers)

    def on_focus(self, _instance: Any, value: bool) -> None:
        """Losing the keyboard another way (Esc, a tap elsewhere) takes the frame away."""
        app = App.get_running_app()
        frame = getattr(app, "focus_frame", None) if app is not None else None
        if not value and frame is not None and frame.region == "search":
            frame.hide()


def frame_of(app: Any) -> FocusFrame:
    """The app's focus frame, made on first use; it hides when the screen's arrangement
    changes (another kind, a resize across the narrow width, list ↔ detail)."""
    frame = getattr(app, "focus_frame", None)
    if frame is None:
        frame = app.focus_frame = FocusFrame()
        shell = app.root
        shell.bind(kind=lambda *_: frame.hide(), wide=lambda *_: frame.hide(),
                   show_detail=lambda *_: None if shell.wide else frame.hide())
    return frame


def _shown(widget: Any) -> bool:
    return (widget is not None and widget.get_root_window() is not None
            and widget.height > 0 and widget.width > 0 and widget.opacity > 0)


def action_buttons(shell: Any) -> list[Any]:
    """The detail's enabled buttons, left to right then top to bottom (as they read)."""
    detail = shell.panes()[1]
    bar = detail.ids.get("controls") or detail.ids.get("actions")
    if not _shown(bar):
        return []
    found = [w for w in bar.walk(restrict=True)
             if isinstance(w, ButtonBehavior) and not w.disabled and _shown(w)]
    return sorted(found, key=lambda w: (-w.to_window(w.x, w.top)[1], w.to_window(w.x, w.y)[0]))


def region_widget(shell: Any, region: str) -> Any:
    """The widget a region stands for, if it is on screen (None otherwise)."""
    lst, detail = shell.panes()
    if region == "search":
        target = lst.ids.get("search")
    elif region == "list":
        target = lst
    elif region == "tabs":
        target = detail.ids.get("tabbar")
    else:
        buttons = action_buttons(shell)
        target = buttons[0] if buttons else None
    return target if _shown(target) else None


def search_field(shell: Any) -> Any:
    return shell.panes()[0].ids.get("search")


def enter_region(app: Any, region: str) -> bool:
    """Give ``region`` the keyboard (False if it is not on screen)."""
    shell = app.root
    target = region_widget(shell, region)
    if target is None:
        return False
    frame = frame_of(app)
    search = search_field(shell)
    if region != "search" and search is not None and search.focus:
        search.focus = False
    frame.index = 0
    frame.show(region, target)
    if region == "search":
        target.focus = True
    return True


def step_region(app: Any, step: int) -> None:
    """Tab (``step`` 1) or Shift+Tab (-1): the next region on screen, round at the ends."""
    frame = frame_of(app)
    n = len(REGIONS)
    # From no region: Tab starts at the first, Shift+Tab at the last.
    start = REGIONS.index(frame.region) if frame.region in REGIONS else (-1 if step > 0 else n)
    for i in range(1, n + 1):
        if enter_region(app, REGIONS[(start + step * i) % n]):
            return
    frame.hide()


def step_button(app: Any, step: int) -> None:
    """Left / Right in the actions region: frame the button beside the framed one."""
    buttons = action_buttons(app.root)
    frame = frame_of(app)
    if not buttons:
        frame.hide()
        return
    frame.index = (frame.index + step) % len(buttons)
    frame.show("actions", buttons[frame.index])


def press_framed(app: Any) -> bool:
    """Enter in the actions region: press the framed button, as a tap would."""
    buttons = action_buttons(app.root)
    frame = frame_of(app)
    if not buttons:
        return False
    button = buttons[min(frame.index, len(buttons) - 1)]
    button.dispatch("on_press")
    button.dispatch("on_release")
    return True
