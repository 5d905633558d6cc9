"""The window's root: top bar, connection banner, and the body that switches layout live.

Wide (at least ``theme.NARROW_BELOW`` dp): sidebar and detail side by side. Narrow: one at a
time — the list, or the detail with a Back control. The switch follows every resize or
rotation; widgets are moved, never rebuilt.
"""

from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from . import theme
from .notices import Notice


class TopBar(BoxLayout):
    """``Genet``, the engine's host, a one-line summary and the connection's word and colour."""

    host = StringProperty("")
    summary = StringProperty("")
    link_word = StringProperty("connecting")
    link_color = ColorProperty(theme.TEXT_DIM)


class Shell(FloatLayout):
    wide = BooleanProperty(True)
    show_detail = BooleanProperty(False)
    banner_shown = BooleanProperty(False)

    def on_kv_post(self, base_widget: Widget) -> None:
        # ids hold weak proxies: keep strong references to the widgets that leave the tree
        # when the layout changes, or they would be collected while off screen.
        self._keep = {name: self.ids[name].__self__ for name in ("sidebar", "divider", "detail")}
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

    def _size_sidebar(self) -> None:
        if not hasattr(self, "_keep"):
            return
        sidebar = self._keep["sidebar"]
        if self.wide:
            sidebar.size_hint_x = None
            sidebar.width = min(dp(440), max(dp(300), self.width * 0.38))
        else:
            sidebar.size_hint_x = 1

    def _arrange(self) -> None:
        body = self.ids.body
        sidebar, detail = self._keep["sidebar"], self._keep["detail"]
        if self.wide:
            wanted = [sidebar, self._keep["divider"], detail]
        else:
            wanted = [detail] if self.show_detail else [sidebar]
        if list(reversed(body.children)) != wanted:
            body.clear_widgets()
            for w in wanted:
                body.add_widget(w)
        detail.narrow = not self.wide
        self._size_sidebar()

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
