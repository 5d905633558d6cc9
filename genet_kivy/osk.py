"""The on-screen keyboard: Kivy's docked virtual keyboard for every text field, for screens
with no physical keyboard.

When: ``--osk`` turns it on; ``--kiosk`` turns it on unless the kernel lists a physical
keyboard (:func:`has_physical_keyboard`, from ``/proc/bus/input/devices``); a normal desktop
start leaves it off. A physical keyboard keeps typing while it is on.

Where: docked at the bottom, full width, its keys ``theme.TAP`` dp tall as every tappable
target (on 800x480 that takes 292 of the 480 px; never more than :data:`MOST_OF_HEIGHT` of
the window); Kivy's ``below_target`` soft-input mode
keeps the focused field above it, shifting the whole view up only when the field would be
covered. It serves text fields only: the terminal has its own keys (a key row and its own
keyboard), so focusing the terminal never docks this one.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.config import Config
from kivy.metrics import dp
from kivy.uix.behaviors import FocusBehavior
from kivy.uix.textinput import TextInput
from kivy.uix.vkeyboard import VKeyboard

from . import theme

MOST_OF_HEIGHT = 0.65  # the keyboard never takes more of the window's height than this
ROWS = 5  # rows of keys in Kivy's layouts (qwerty, azerty, …)
ROWS_SHARE = 0.9  # of the keyboard's height, the rest is Kivy's margin above and below
LAYOUT_WIDTH = 700.0  # Kivy's keyboard is laid out this wide, then scaled to the window
KEY_MARGIN = 4.0  # layout pixels between two rows of keys (Kivy's key_margin, 2 + 2)

EV_LED, EV_REP = 0x11, 0x14  # event types only real keyboards report (lock lights, repeat)


def has_physical_keyboard(devices: str) -> bool:
    """Whether ``/proc/bus/input/devices`` lists a keyboard: a ``kbd`` handler on a device
    that reports lock lights and key repeat (power buttons and a panel's touch controller
    have a ``kbd`` handler too, but neither lights nor repeat)."""
    for block in devices.split("\n\n"):
        handlers = ev = ""
        for line in block.splitlines():
            if line.startswith("H: Handlers="):
                handlers = line.split("=", 1)[1]
            elif line.startswith("B: EV="):
                ev = line.split("=", 1)[1].strip()
        if "kbd" not in handlers.split() or not ev:
            continue
        try:
            bits = int(ev, 16)
        except ValueError:
            continue
        if bits >> EV_LED & 1 and bits >> EV_REP & 1:
            return True
    return False


def read_devices(path: str = "/proc/bus/input/devices") -> str:
    """The kernel's list of input devices ("" where there is none to read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def osk_wanted(forced: bool, kiosk: bool, devices: str) -> bool:
    """``--osk`` forces it on; ``--kiosk`` wants it unless a physical keyboard is there."""
    return forced or (kiosk and not has_physical_keyboard(devices))


def keyboard_height(window_width: float, window_height: float) -> float:
    """The docked keyboard's height on screen: keys ``theme.TAP`` dp tall (a row is a key
    and the margin between keys, scaled like the rest), at most :data:`MOST_OF_HEIGHT` of
    the window (on 800x480: 292 px, keys of 48 px)."""
    scale = window_width / LAYOUT_WIDTH
    rows = ROWS * (dp(theme.TAP) + KEY_MARGIN * scale) / ROWS_SHARE
    return min(rows, window_height * MOST_OF_HEIGHT)


class FieldKeyboard(VKeyboard):
    """Kivy's keyboard, docked, sized for a finger, and only for text fields."""

    def setup_mode(self, *largs: Any) -> None:
        if not isinstance(self.target, TextInput):
            if self.parent is not None:  # the terminal: it has keys of its own
                self.parent.remove_widget(self)
            return
        super().setup_mode(*largs)
        # The window places the keyboard's unscaled top at the field's bottom once this
        # returns; put its scaled top there instead, or it would cover the field.
        Clock.schedule_once(lambda _dt: self._place(), 0)

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):  # a key tapped keeps the field's focus
            FocusBehavior.ignored_touch.append(touch)
        return bool(super().on_touch_down(touch))

    def setup_mode_dock(self, *largs: Any) -> None:
        super().setup_mode_dock(*largs)
        self._fit()

    def _update_dock_mode(self, win: Any, *largs: Any) -> None:
        super()._update_dock_mode(win, *largs)
        self._fit()
        self._place()

    def _fit(self) -> None:
        win = self.get_parent_window()
        if win is None:
            return
        scale = win.width / float(self.width)
        self.scale = scale
        self.height = keyboard_height(win.width, win.height) / scale

    def _place(self) -> None:
        """At the bottom of the window; when the field would be under it, just below the
        field instead, and the window shifts the view up by as much (Kivy's
        ``below_target``), so the keyboard still ends at the window's bottom edge."""
        win = self.get_parent_window()
        target = self.target
        if win is None or target is None:
            return
        self.pos = 0, min(0.0, field_bottom(target) - self.height * self.scale)
        win.trigger_keyboard_height()

    @property
    def covers(self) -> tuple[float, float]:
        """(bottom, top) of the window's height the keyboard takes, in window pixels."""
        return self.y, self.y + self.height * self.scale


def field_bottom(field: Any) -> float:
    """The field's bottom edge in window coordinates (a field in a scrolled form too)."""
    return float(field.to_window(field.x, field.y)[1])


def view_shift(window: Any) -> float:
    """How far the view moves up so the focused field clears the keyboard (0: it does).

    Kivy's own ``below_target`` rule, measured in window coordinates: Kivy reads the
    field's ``y`` as is, which is wrong for a field inside a ScrollView (a dialog's form)."""
    vk = docked(window)
    if vk is None or vk.target is None:
        return 0.0
    return max(0.0, vk.height * vk.scale - field_bottom(vk.target))


def use_osk(window: Any, on: bool) -> None:
    """Turn the docked keyboard on (or off) for text fields focused from now on."""
    Config.set("kivy", "keyboard_mode", "systemanddock" if on else "system")
    if on:
        window.set_vkeyboard_class(FieldKeyboard)
    window.use_syskeyboard = True  # a physical keyboard keeps typing
    window.allow_vkeyboard = on
    window.single_vkeyboard = True
    window.docked_vkeyboard = on
    window.softinput_mode = "below_target" if on else ""
    if on:
        window._get_kivy_vkheight = lambda: view_shift(window)
    else:
        window.__dict__.pop("_get_kivy_vkheight", None)  # Kivy's own rule again


def docked(window: Any) -> FieldKeyboard | None:
    """The keyboard on the window now, if one is shown."""
    return next((w for w in window.children if isinstance(w, FieldKeyboard)), None)
