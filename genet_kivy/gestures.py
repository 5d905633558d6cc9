"""Touch gestures: swipe right to go back, long-press a row, and scrolling tuned for a finger.

Swipe back (narrow layout, detail shown): a touch that starts in the left
:data:`SWIPE_FROM` of the detail and ends at least :data:`SWIPE_DISTANCE` dp to the right,
mostly sideways (its vertical travel at most :data:`SWIPE_SLOPE` of its horizontal one), goes
back to the list, as the Back button does. A tap never travels that far, and a vertical
drag (scrolling the page) is too steep. The gesture only watches: what is under the finger
gets the touch as usual.

Long-press: a row held :data:`LONG_PRESS` s with the finger within :data:`STILL` dp of where
it went down fires ``on_long_press`` (the row opens its action sheet); the release that ends
it is not a tap. Inside a list the ScrollView hands the touch to the row only after its
``scroll_timeout``: the time counts from the finger going down, not from then.

Scrolling, for every ScrollView (``kv/scrolling.kv``): Kivy's defaults are made for a mouse
and a stylus. A fingertip wobbles by a few pixels while it rests, and a flick is quicker:

* ``scroll_distance`` :data:`SCROLL_DISTANCE` dp (Kivy: 20 sp) — past a fingertip's wobble
  (about 1 mm, ~6 px on a 7-inch 800x480 panel) yet sooner than 20, so a drag on a row
  starts scrolling instead of feeling stuck;
* ``scroll_timeout`` :data:`SCROLL_TIMEOUT` ms (Kivy: 250) — a tap on a row shows and acts
  that much sooner, while a drag still declares itself well within it;
* friction :data:`FRICTION` (Kivy: 0.05) — a flick glides a little further, so a long list
  (a few hundred containers, 10,000 log lines) takes fewer flicks; the over-scroll spring
  stays Kivy's damped one.

A fling never turns back on a slow frame. Kivy takes ``friction * dt / std_dt`` of a fling's
speed each frame: past ``std_dt / friction`` (a third to half a second; a loaded Pi has such
frames) that is more than all of it, and the list flies back the other way, faster. Both
effects in use (:class:`FingerScrollEffect`, and :class:`SteadyScrollEffect` for the logs,
which have no over-scroll) step a slow frame as several of at most :data:`FLING_STEP` s.
"""

from __future__ import annotations

import math
import time
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.effects.dampedscroll import DampedScrollEffect
from kivy.effects.kinetic import KineticEffect
from kivy.effects.scroll import ScrollEffect
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import NumericProperty

SWIPE_FROM = 0.4  # the left part of the detail a swipe back starts in
SWIPE_DISTANCE = 72  # dp a swipe back travels right, at least
SWIPE_SLOPE = 0.5  # vertical travel allowed, as a share of the horizontal
LONG_PRESS = 0.5  # s a row is held for its actions
STILL = 10  # dp a held finger may wander
SCROLL_DISTANCE = 12  # dp
SCROLL_TIMEOUT = 200  # ms
FRICTION = 0.035
FLING_STEP = 0.05  # s: friction * FLING_STEP / std_dt stays well under 1 (0.1 at 0.035)


def is_swipe_back(dx: float, dy: float, min_distance: float) -> bool:
    """Whether a touch that moved (dx, dy) is a swipe to the right, not a tap or a scroll."""
    return dx >= min_distance and abs(dy) <= dx * SWIPE_SLOPE


class SteadyFling(KineticEffect):
    """A slow frame's fling moved as several short frames (see the module doc)."""

    def update_velocity(self, dt: float) -> None:
        steps = max(1, math.ceil(dt / FLING_STEP))
        for _ in range(steps):
            super().update_velocity(dt / steps)
            if not self.velocity and not getattr(self, "overscroll", 0):
                break  # at rest (a frame minutes long is not thousands of steps)


class SteadyScrollEffect(SteadyFling, ScrollEffect):
    """Kivy's plain scroll effect (no over-scroll), steady on slow frames."""


class FingerScrollEffect(SteadyFling, DampedScrollEffect):
    """Kivy's damped scroll effect with a finger's friction, steady on slow frames."""

    friction = NumericProperty(FRICTION)


Factory.register("SteadyScrollEffect", cls=SteadyScrollEffect)
Factory.register("FingerScrollEffect", cls=FingerScrollEffect)


class SwipeBack:
    """Watches the window's touches for a swipe back (see the module doc)."""

    KEY = "genet.swipe_back"

    def __init__(self, app: Any) -> None:
        self.app = app

    def start(self) -> None:
        Window.bind(on_touch_down=self._down, on_touch_up=self._up)

    def stop(self) -> None:
        Window.unbind(on_touch_down=self._down, on_touch_up=self._up)

    def _down(self, _window: Any, touch: Any) -> bool:
        shell = self.app.root
        if shell is None or shell.wide or not shell.show_detail or self.app.dialog is not None:
            return False
        detail = shell.panes()[1]
        left, bottom = detail.to_window(detail.x, detail.y)
        x, y = touch.pos
        inside = left <= x <= left + detail.width and bottom <= y <= bottom + detail.height
        if inside and x - left <= detail.width * SWIPE_FROM:
            touch.ud[self.KEY] = (x, y)
        return False  # only watching: the widgets under the finger get it as usual

    def _up(self, _window: Any, touch: Any) -> bool:
        start = touch.ud.get(self.KEY)
        shell = self.app.root
        if start is None or shell is None or shell.wide or not shell.show_detail:
            return False
        if is_swipe_back(touch.x - start[0], touch.y - start[1], dp(SWIPE_DISTANCE)):
            self.app.back()
        return False


class LongPressBehavior:
    """Mixin, before ButtonBehavior: ``on_long_press`` once a touch has rested on the widget
    for :data:`LONG_PRESS` s; that touch's release is then not a tap (see the module doc)."""

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos) and not getattr(  # type: ignore[attr-defined]
                touch, "is_mouse_scrolling", False):
            waited = time.time() - touch.time_start
            touch.ud[self._press_key()] = Clock.schedule_once(
                lambda _dt: self._long_pressed(touch), max(0.0, LONG_PRESS - waited))
        return bool(super().on_touch_down(touch))  # type: ignore[misc]

    def on_touch_move(self, touch: Any) -> bool:
        if abs(touch.x - touch.ox) > dp(STILL) or abs(touch.y - touch.oy) > dp(STILL):
            self._cancel_press(touch)
        return bool(super().on_touch_move(touch))  # type: ignore[misc]

    def on_touch_up(self, touch: Any) -> bool:
        self._cancel_press(touch)
        return bool(super().on_touch_up(touch))  # type: ignore[misc]

    def _press_key(self) -> str:
        return f"genet.long_press.{id(self)}"

    def _cancel_press(self, touch: Any) -> None:
        event = touch.ud.pop(self._press_key(), None)
        if event is not None:
            event.cancel()

    def _long_pressed(self, touch: Any) -> None:
        touch.ud.pop(self._press_key(), None)
        touch.ungrab(self)  # the release that ends it is not a tap
        self.state = "normal"  # type: ignore[attr-defined]
        self.on_long_press()

    def on_long_press(self) -> None:
        """Held without moving: the row's actions."""
