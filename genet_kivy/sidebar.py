"""The sidebar: a search field over a RecycleView of group headers and container rows.

The views are dumb: they show what ``presenters.SidebarRows`` put in their data dict and hand
taps to the app (``select``, ``toggle_group``). Layout lives in kv/.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior


class GroupHeader(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """``Running  3`` with a fold marker; tapping it collapses or expands the group."""

    group = StringProperty("")
    title = StringProperty("")
    count = NumericProperty(0)
    collapsed = BooleanProperty(False)

    def on_release(self) -> None:
        App.get_running_app().toggle_group(self.group)


class ContainerRow(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """One container: name, image (and compose project), state word beside its colour."""

    cid = StringProperty("")
    name = StringProperty("")
    subtitle = StringProperty("")
    state_word = StringProperty("")
    state_color = ColorProperty((1, 1, 1, 1))
    selected = BooleanProperty(False)
    usage = StringProperty("")  # CPU and memory while the row is on screen and running

    def on_release(self) -> None:
        App.get_running_app().select(self.cid)


class Sidebar(BoxLayout):
    """Search field, stale marker and the list. ``stale``: the engine is not reachable."""

    stale = BooleanProperty(False)
    empty_text = StringProperty("")
    grouping = BooleanProperty(False)  # the "group by" control is shown
    group_by = StringProperty("state")
    rv = ObjectProperty(None)

    def show(self, data: list[dict[str, Any]], empty_text: str) -> None:
        self.ids.rv.data = data
        self.empty_text = empty_text if not data else ""

    def clear_search(self) -> None:
        self.ids.search.text = ""
