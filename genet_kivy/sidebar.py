"""The sidebar: a search field over a RecycleView of group headers and container rows.

The views are dumb: they show what ``presenters.SidebarRows`` put in their data dict and hand
taps to the app (``select``, ``toggle_group``). Layout lives in kv/, but for the container
row's, which draws itself (:mod:`genet_kivy.container_row`).
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import (
    BooleanProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from .clip import fill_by_clearing
from .container_row import ContainerRow
from .kv_files import KvOnFirstUse
from .row_layout import RowLayout
from .row_patch import patch
from .scroll_anchor import anchor, scroll_keeping

#: Classes kv and the rows' data name here (imported to register them).
REGISTERED = (RowLayout, ContainerRow)


def _panel() -> Any:
    return App.get_running_app().containers


class Header(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """What every group header holds; tapping it collapses or expands the group."""

    group = StringProperty("")
    title = StringProperty("")
    count = NumericProperty(0)
    collapsed = BooleanProperty(False)

    def on_release(self) -> None:
        App.get_running_app().toggle_group(self.group)


class GroupHeader(Header):
    """``Running  3`` with a fold marker."""


class ProjectHeader(KvOnFirstUse, Header):
    """A compose project: its services and running/total, where its compose files are, and
    Start, Stop, Restart, Remove for all its containers (Genet acts on containers only)."""

    kv = ("project_header.kv",)

    project = StringProperty("")
    facts = StringProperty("")
    where = StringProperty("")

    def act(self, control: str) -> None:
        _panel().act_on_project(self.project, control)


class Sidebar(BoxLayout):
    """Search field, stale marker and the list. ``stale``: the engine is not reachable."""

    stale = BooleanProperty(False)
    empty_text = StringProperty("")
    grouping_label = StringProperty("By state")
    selecting = BooleanProperty(False)  # select mode: checkboxes and the bar of actions
    ticked = NumericProperty(0)
    rv = ObjectProperty(None)
    selection_bar: Any = None  # select mode's bar of actions, once made (on_selecting)

    def on_kv_post(self, base_widget: Any) -> None:
        fill_by_clearing(self)  # the panel: a third of a wide window, cleared not shaded

    def on_selecting(self, *_: Any) -> None:
        """Select mode's bar is in the tree only in select mode (an invisible bar would still
        take touches meant for the rows above it). It is made when select mode first opens:
        the first frame has no use for its eight widgets."""
        bar = self.selection_bar
        if bar is None:
            if not self.selecting:
                return
            bar = self.selection_bar = Factory.SelectionBar()
            bar.ticked = self.ticked
            self.bind(ticked=bar.setter("ticked"))
        if self.selecting and bar.parent is None:
            self.add_widget(bar)
        elif not self.selecting and bar.parent is not None:
            self.remove_widget(bar)

    def show(self, data: list[dict[str, Any]], empty_text: str) -> None:
        """New rows; the selected row (else the top row) stays where it was on screen. Rows
        laid out as before are updated in place (only the changed ones, see row_patch)."""
        rv = self.ids.rv
        if not patch(rv, data):
            kept = anchor(rv.data, rv.height, rv.scroll_y)
            rv.data = data
            rv.scroll_y = scroll_keeping(data, rv.height, kept, rv.scroll_y)
        self.empty_text = empty_text if not data else ""

    def clear_search(self) -> None:
        self.ids.search.text = ""
