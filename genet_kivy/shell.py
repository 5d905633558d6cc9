"""The window's root: top bar, connection banner, navigation, and the body that switches
layout live.

Wide (at least ``theme.NARROW_BELOW`` dp): the navigation is a rail on the left, the current
kind's list and detail side by side. Narrow: the navigation is a bar at the bottom, and list
and detail take turns — the list, or the detail with a Back control. The switch follows
every resize or rotation; widgets are moved, never rebuilt. ``kind`` says which kind's list
and detail are in the body (containers: the sidebar and detail pane; any other kind: its
resource panel's ``<kind>_list`` and ``<kind>_detail``).

Only the containers' list and detail are built with the window (the first frame shows them);
another kind's are built, their kv loaded, the first time the kind is shown or its panes are
asked for (:meth:`Shell.panes`). They are then in ``ids`` as ``<kind>_list`` and
``<kind>_detail``, and ``on_panes`` tells the app, which wires them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from . import theme
from .clip import fill_by_clearing
from .engine_chips import EngineChip
from .engine_view import Chip
from .kinds import KINDS, SPECS
from .kv_files import BY_KIND, ensure_kv
from .notices import Notice

#: Widgets of shell.kv that leave the tree when the layout or the kind changes (kept by
#: strong reference).
MOVABLE = ("sidebar", "divider", "detail", "nav")

#: The module and widget classes of each other kind's list and detail, imported and built
#: when first needed.
PANES: dict[str, tuple[str, str, str]] = {
    **{kind: ("genet_kivy.panels.resource_widgets", "ResourceList", "ResourceDetail")
       for kind in SPECS},
    "activity": ("genet_kivy.activity_view", "ActivityView", "AlertsPane"),
    "settings": ("genet_kivy.settings_view", "SettingsList", "SettingsPane"),
}


class TopBar(BoxLayout):
    """``Genet``, the engine's host, a one-line summary and the connection's word and colour."""

    host = StringProperty("")
    summary = StringProperty("")
    link_word = StringProperty("connecting")
    link_color = ColorProperty((0.60, 0.62, 0.66, 1))  # kv inks it for the look in use
    many = BooleanProperty(False)  # many engines: chips instead of the one link and host

    def on_kv_post(self, base_widget: Widget) -> None:
        fill_by_clearing(self)  # the bar's panel, cleared not shaded

    def show_chips(self, chips: Sequence[Chip], chosen: str | None) -> None:
        """One chip per engine (none: the one-engine bar); ``chosen``: the engine filtered to."""
        box = self.ids.chips
        box.clear_widgets()
        for chip in chips:
            box.add_widget(EngineChip.of(chip, chip.name == chosen))
        self.many = bool(chips)


class Shell(FloatLayout):
    wide = BooleanProperty(True)
    show_detail = BooleanProperty(False)
    banner_shown = BooleanProperty(False)
    kind = OptionProperty("containers", options=[k for k, _ in KINDS])

    __events__ = ("on_panes",)

    def on_kv_post(self, base_widget: Widget) -> None:
        # ids hold weak proxies: keep strong references to the widgets that leave the tree
        # when the layout changes, or they would be collected while off screen.
        self._keep = {name: self.ids[name].__self__ for name in MOVABLE}
        self._banner = self.ids.banner.__self__
        self.ids.column.remove_widget(self._banner)
        self._notice: Notice | None = None
        self._arrange()

    def on_size(self, *_: object) -> None:
        self.wide = self.width >= dp(theme.NARROW_BELOW)
        self._size_sidebar()

    def on_wide(self, *_: object) -> None:
        self._arrange()

    def on_show_detail(self, *_: object) -> None:
        self._arrange()

    def on_kind(self, *_: object) -> None:
        self._arrange()

    def panes(self, kind: str | None = None) -> tuple[Widget, Widget]:
        """The list and the detail of ``kind`` (the current kind by default), built now if
        they were not yet."""
        kind = kind or self.kind
        if kind == "containers":
            return self._keep["sidebar"], self._keep["detail"]
        if f"{kind}_list" not in self._keep:
            self._build(kind)
        return self._keep[f"{kind}_list"], self._keep[f"{kind}_detail"]

    def built(self) -> list[str]:
        """The kinds whose list and detail exist (containers always)."""
        return [kind for kind, _ in KINDS
                if kind == "containers" or f"{kind}_list" in self._keep]

    def _build(self, kind: str) -> None:
        module, *classes = PANES[kind]
        widgets = importlib.import_module(module)  # registers its classes for kv, too
        ensure_kv(BY_KIND[kind])
        given = {"kind": kind} if kind in SPECS else {}
        made = [getattr(widgets, name)(**given) for name in classes]
        made[1].narrow = not self.wide
        for part, widget in zip(("list", "detail"), made, strict=True):
            self._keep[f"{kind}_{part}"] = widget
            self.ids[f"{kind}_{part}"] = widget.proxy_ref
        self.dispatch("on_panes", kind)

    def on_panes(self, kind: str) -> None:
        """A kind's list and detail were just built (the app wires them)."""

    def _size_sidebar(self) -> None:
        if not hasattr(self, "_keep"):
            return
        sidebar = self.panes()[0]
        if self.wide:
            sidebar.size_hint_x = None
            sidebar.width = min(dp(440), max(dp(320), self.width * 0.38))
        else:
            sidebar.size_hint_x = 1

    def _arrange(self) -> None:
        if not hasattr(self, "_keep"):
            return
        body = self.ids.body
        sidebar, detail = self.panes()
        if self.wide:
            wanted = [sidebar, self._keep["divider"], detail]
        else:
            wanted = [detail] if self.show_detail else [sidebar]
        if list(reversed(body.children)) != wanted:
            body.clear_widgets()
            for w in wanted:
                body.add_widget(w)
        for kind in self.built():
            self.panes(kind)[1].narrow = not self.wide
        self._place_nav()
        self._size_sidebar()

    def _place_nav(self) -> None:
        """A rail left of the body when wide; a bar under it when narrow."""
        nav, middle, column = self._keep["nav"], self.ids.middle, self.ids.column
        home = middle if self.wide else column
        if nav.parent is not home:
            if nav.parent is not None:
                nav.parent.remove_widget(nav)
            home.add_widget(nav, index=len(middle.children) if self.wide else 0)
        nav.vertical = self.wide
        nav.current = self.kind

    @property
    def nav(self) -> Widget:
        return self._keep["nav"]

    def set_banner(self, shown: bool) -> None:
        column = self.ids.column
        if shown and self._banner.parent is None:
            column.add_widget(self._banner, index=len(column.children) - 1)  # under the top bar
        elif not shown and self._banner.parent is not None:
            column.remove_widget(self._banner)
        self.banner_shown = shown

    @property
    def banner(self) -> Widget:
        return self._banner

    def set_notice(self, text: str, kind: str) -> Notice:
        if self._notice is None:
            self._notice = Notice(pos_hint={"center_x": 0.5, "y": 0.03})
        self._notice.text = text
        self._notice.kind = kind
        if self._notice.parent is None:
            self.add_widget(self._notice)
        return self._notice

    def clear_notice(self) -> None:
        if self._notice is not None and self._notice.parent is not None:
            self.remove_widget(self._notice)

    @property
    def notice(self) -> Notice | None:
        n = self._notice
        return n if n is not None and n.parent is not None else None
