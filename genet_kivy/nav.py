"""Navigation between kinds: a rail on the left of wide screens, a bar at the bottom of narrow.

One widget, moved by the shell when the layout switches (never rebuilt); ``vertical`` says
which of the two it is. Each button shows its kind's title and count; the current one is
marked with a bar (not colour alone). Taps go to ``app.show_kind``.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from . import theme
from .clip import fill_by_clearing
from .drawn_text import DrawnText, SelfDrawn

RAIL_BUTTON = 68  # dp: a rail button's height when the rail has room


class NavButton(SelfDrawn, ButtonBehavior, Widget):
    """A kind's title over its count, drawn on the button's own canvas (eight are made for the
    first frame; see :mod:`genet_kivy.drawn_text`). Its size comes from kv/nav_bar.kv."""

    kind = StringProperty("")
    title = StringProperty("")
    count = StringProperty("")
    current = BooleanProperty(False)
    vertical = BooleanProperty(True)
    rail_height = NumericProperty(dp(RAIL_BUTTON))  # its height in the rail (NavBar sets it)
    drawn_on = ("pos", "size", "title", "count", "current", "vertical", "state")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._title = DrawnText(14, halign="center", valign="bottom", shorten=True)
        self._count = DrawnText(13, halign="center", valign="top")
        with self.canvas:
            self._back_color = Color(0, 0, 0, 0)
            self._back = Rectangle()
            self._bar_color = Color(0, 0, 0, 0)  # the current kind's bar
            self._bar = Rectangle()
            Color(1, 1, 1, 1)  # the texts carry their own colours
        self.canvas.add(self._title.rect)
        self.canvas.add(self._count.rect)

    def on_release(self) -> None:
        App.get_running_app().show_kind(self.kind)

    def draw(self) -> None:
        look = theme.look
        x, y, w, h = self.x, self.y, self.width, self.height
        current = self.current
        self._back_color.rgba = look.SELECTED if current else (
            look.RAISED if self.state == "down" else (0, 0, 0, 0))
        self._back.pos, self._back.size = (x, y), (w, h)
        # The current kind: a bar on the rail's left edge, or the bottom bar's top edge.
        self._bar_color.rgba = look.ACCENT if current else (0, 0, 0, 0)
        if self.vertical:
            self._bar.pos, self._bar.size = (x, y + dp(10)), (dp(3), h - dp(20))
        else:
            self._bar.pos, self._bar.size = (x + dp(10), y + h - dp(3)), (w - dp(20), dp(3))
        # The title over the count, each in half of the height inside the padding.
        across, down = dp(4), dp(8) if h > dp(56) else dp(3)
        room = (max(0.0, w - 2 * across), max(0.0, (h - 2 * down) / 2))
        self._title.render(self.title, look.TEXT if current else look.TEXT_DIM, room,
                           font_size=sp(14) if self.vertical else sp(13), bold=current)
        self._title.place(x + across, y + down + room[1])
        self._count.render(self.count, look.TEXT if current else look.TEXT_FAINT, room)
        self._count.place(x + across, y + down)


#: Kinds that only a swarm manager has: the bottom bar leaves them out elsewhere.
SWARM_KINDS = ("services", "nodes")


class NavBar(BoxLayout):
    """Every kind's button; ``current`` the kind on screen. A rail shorter than its buttons
    makes them shorter (never under ``theme.TAP``) and then scrolls.

    The bottom bar of a narrow screen has room for about six: it leaves out Services and
    Nodes when no engine is a swarm manager (their lists would only say so); the rail keeps
    them, with the list's one line saying why they are empty."""

    current = StringProperty("containers")
    vertical = BooleanProperty(True)
    swarm = BooleanProperty(False)  # some engine is a swarm manager
    #: A rail button's height: 68 dp, less on a short screen so every button fits below the
    #: top bar (800x480 has 424 dp for them), never under a finger's 48 dp.
    rail_button = NumericProperty(dp(68))

    def on_height(self, *_: object) -> None:
        self._fit_rail()

    def _fit_rail(self) -> None:
        if "buttons" not in self.ids:  # before kv has built the buttons
            return
        buttons = len(self.shown_buttons())
        if buttons:
            room = (self.height - dp(6)) / buttons - self.ids.buttons.spacing
            self.rail_button = max(dp(theme.TAP), min(dp(RAIL_BUTTON), room))
        for button in self.shown_buttons():
            button.rail_height = self.rail_button

    def on_vertical(self, *_: object) -> None:
        self._place_swarm()

    def on_swarm(self, *_: object) -> None:
        self._place_swarm()

    def on_current(self, *_: object) -> None:
        self._place_swarm()

    def on_kv_post(self, base_widget: object) -> None:
        fill_by_clearing(self)  # the panel behind the buttons, cleared not shaded
        # Strong references: kv's ids are weak, and these buttons leave the tree at times.
        self._swarm_buttons = {k: self.ids[f"nav_{k}"].__self__ for k in SWARM_KINDS}
        self._place_swarm()

    def _place_swarm(self) -> None:
        buttons = getattr(self, "_swarm_buttons", None)
        if buttons is None:  # before kv has built the buttons
            return
        box = self.ids.buttons
        activity = self.ids.nav_activity.__self__
        for kind, button in buttons.items():
            wanted = self.vertical or self.swarm or self.current == kind
            if wanted and button.parent is None:
                # Just before Activity: children run bottom-up, so one index past it.
                box.add_widget(button, index=box.children.index(activity) + 1)
            elif not wanted and button.parent is not None:
                box.remove_widget(button)
        self._fit_rail()

    def shown_buttons(self) -> list[NavButton]:
        """The buttons in the tree, in the order drawn (the rail's top first)."""
        return [b for b in reversed(self.ids.buttons.children) if isinstance(b, NavButton)]

    def set_counts(self, counts: dict[str, str]) -> None:
        for kind, count in counts.items():
            self.button(kind).count = count

    def button(self, kind: str) -> NavButton:
        kept = getattr(self, "_swarm_buttons", {})
        button: NavButton = kept[kind] if kind in kept else self.ids[f"nav_{kind}"]
        return button
