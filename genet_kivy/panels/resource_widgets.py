"""The generic resource panel's widgets: a searchable list and a detail with actions and tabs.

The views are dumb: they show what :mod:`genet_kivy.kinds` presented and hand every tap to
their ``panel`` (a :class:`~genet_kivy.panels.resource_panel.ResourcePanel`). Layout lives in
kv/ (``resource_row.kv``, ``resource_list.kv``, ``resource_detail.kv``, ``link_row.kv``).
"""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from ..buttons import FlatButton, TabButton
from ..describe import Field
from ..detail import FieldRows
from ..gestures import LongPressBehavior
from ..kinds.base import Action, Link, Section
from ..row_patch import patch

TABS = ("overview", "inspect")


def _panel_of(widget: Any) -> Any:
    while widget is not None and getattr(widget, "panel", None) is None:
        widget = widget.parent
    return widget.panel if widget is not None else None


class ResourceRow(LongPressBehavior, RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One object: title, subtitle, a figure on the right, a badge word in its colour.
    Held: its action sheet."""

    key = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")
    aside = StringProperty("")
    badge = StringProperty("")
    badge_color = ColorProperty((1, 1, 1, 1))
    bar = NumericProperty(-1.0)  # < 0: no bar
    bar_color = ColorProperty((1, 1, 1, 1))
    selected = BooleanProperty(False)

    def on_release(self) -> None:
        panel = _panel_of(self)
        if panel is not None:
            panel.select(self.key)

    def on_long_press(self) -> None:
        from ..action_sheet import open_for_resource

        panel = _panel_of(self)
        if panel is not None:
            open_for_resource(panel, self.key)


class ResourceList(BoxLayout):
    """Search field, the kind's own buttons (Pull…, Prune…), stale marker and the list."""

    kind = StringProperty("")
    panel = ObjectProperty(None, allownone=True)
    stale = BooleanProperty(False)
    empty_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.buttons: dict[str, FlatButton] = {}

    def show(self, data: list[dict[str, Any]], empty_text: str) -> None:
        """New rows; rows laid out as before are updated in place (see row_patch)."""
        if not patch(self.ids.rv, data):
            self.ids.rv.data = data
        self.empty_text = empty_text if not data else ""

    def set_actions(self, actions: tuple[Action, ...], live: bool) -> None:
        box = self.ids.actions
        if tuple(self.buttons) != tuple(a.id for a in actions):
            box.clear_widgets()
            self.buttons = {}
            for a in actions:
                button = FlatButton(text=a.label, tone=a.tone, size_hint_x=None)
                button.bind(texture_size=lambda b, s: setattr(b, "width", max(dp(80),
                                                                             s[0] + dp(8))))
                button.bind(on_release=lambda _b, action=a.id: self.press(action))
                self.buttons[a.id] = button
                box.add_widget(button)
        for a in actions:
            self.buttons[a.id].disabled = not (a.enabled and live) and a.id != "disk"

    def press(self, action: str) -> None:
        if self.panel is not None:
            self.panel.press(action)

    def set_query(self, text: str) -> None:
        if self.panel is not None:
            self.panel.set_query(text)

    def clear_search(self) -> None:
        self.ids.search.text = ""


class LinkRow(ButtonBehavior, BoxLayout):
    """A related container: tap to go to it; an optional button beside it (Disconnect)."""

    key = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    color = ColorProperty((1, 1, 1, 1))
    action = StringProperty("")

    def on_release(self) -> None:
        panel = _panel_of(self)
        if panel is not None:
            panel.follow(self.key)

    def act(self) -> None:
        panel = _panel_of(self)
        if panel is not None:
            panel.link_action(self.action, self.key)


class SectionTitle(Label):
    """A detail section's title."""


class PlainLine(Label):
    """One line of a section with no links (an image's layers)."""


class ResourceDetail(BoxLayout):
    """Title and chip, the actions (and why one is disabled), then Overview / Inspect."""

    kind = StringProperty("")
    panel = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    chip_text = StringProperty("")
    chip_color = ColorProperty((1, 1, 1, 1))
    placeholder = StringProperty("")
    has_item = BooleanProperty(False)
    narrow = BooleanProperty(False)
    reason = StringProperty("")
    tab = StringProperty("overview")  # one of TABS, or a page added with add_page
    inspect_status = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.buttons: dict[str, FlatButton] = {}
        self._fields = FieldRows()
        self._sections: tuple[Section, ...] = ()
        self.links: list[LinkRow] = []

    def on_kv_post(self, base_widget: object) -> None:
        self._back = self.ids.back.__self__  # a strong reference: it leaves the tree
        self._pages = {name: self.ids[name].__self__ for name in TABS}
        self._place_back()
        self._place_page()

    # -- layout -------------------------------------------------------------------------

    def on_narrow(self, *_: object) -> None:
        self._place_back()

    def _place_back(self) -> None:
        back = getattr(self, "_back", None)
        if back is None:
            return
        head = self.ids.head
        if self.narrow and back.parent is None:
            head.add_widget(back, index=len(head.children))
        elif not self.narrow and back.parent is not None:
            head.remove_widget(back)

    def add_page(self, name: str, title: str, page: Any) -> None:
        """A tab of one kind's own (a service's Logs), after Overview and Inspect."""
        tab = TabButton(text=title, tab=name, size_hint_x=None, width=dp(88))
        tab.bind(on_release=lambda *_: self.select_tab(name))
        self.bind(tab=lambda _w, current: setattr(tab, "current", current == name))
        bar = self.ids.tabbar
        bar.add_widget(tab, index=1)  # before the filler
        self._pages[name] = page

    def select_tab(self, name: str) -> None:
        self.tab = name
        if self.panel is not None:
            self.panel.tab_shown(name)

    def on_tab(self, *_: object) -> None:
        self._place_page()

    def on_has_item(self, *_: object) -> None:
        self._place_page()

    def _place_page(self) -> None:
        pages = getattr(self, "_pages", None)
        if pages is None:
            return
        wanted = pages[self.tab if self.has_item else "overview"]
        page = self.ids.page
        if list(page.children) != [wanted]:
            page.clear_widgets()
            page.add_widget(wanted)

    # -- content ------------------------------------------------------------------------

    def set_actions(self, actions: list[Action], live: bool, working: str | None,
                    working_text: str) -> None:
        box = self.ids.actions
        if tuple(self.buttons) != tuple(a.id for a in actions):
            box.clear_widgets()
            self.buttons = {}
            for a in actions:
                button = FlatButton(text=a.label, tone=a.tone, size_hint_x=None, width=dp(112))
                button.control = a.id
                button.bind(on_release=lambda _b, action=a.id: self.press(action))
                self.buttons[a.id] = button
                box.add_widget(button)
        for a in actions:
            button = self.buttons[a.id]
            button.working = working == a.id
            button.text = working_text if button.working else a.label
            button.disabled = not (a.enabled and live) or working is not None
        self.reason = "\n".join(a.reason for a in actions if a.reason)

    def press(self, action: str) -> None:
        if self.panel is not None:
            self.panel.press(action)

    def field(self, key: str) -> str:
        """The text a field shows now ("" when it is not shown)."""
        return self._fields.shown(key)

    def set_fields(self, fields: list[Field]) -> None:
        self._fields.show(self.ids.fields, fields)

    def set_sections(self, sections: list[Section]) -> None:
        wanted = tuple(sections)
        if wanted == self._sections:
            return
        self._sections = wanted
        box = self.ids.sections
        box.clear_widgets()
        self.links = []
        for s in sections:
            if s.title:
                box.add_widget(SectionTitle(text=s.title))
            if not s.links and not s.lines:
                box.add_widget(PlainLine(text=s.empty))
            for link in s.links:
                box.add_widget(self._link_row(link))
            for text in s.lines:
                box.add_widget(PlainLine(text=text, font_name="RobotoMono-Regular"))

    def _link_row(self, link: Link) -> LinkRow:
        row = LinkRow(key=link.key, title=link.title, detail=link.detail, color=link.color,
                      action=link.action)
        if link.action:
            button = FlatButton(text=link.action_label, size_hint_x=None, width=dp(120),
                                pos_hint={"center_y": 0.5})
            button.bind(on_release=lambda *_: row.act())
            row.add_widget(button)
            row.button = button
        self.links.append(row)
        return row

    def set_inspect(self, lines: list[str], status: str) -> None:
        self.ids.doc.data = [{"text": line} for line in lines]
        self.inspect_status = status

    def copy_inspect(self) -> None:
        if self.panel is not None:
            self.panel.copy_inspect()
