"""The Activity view (engine events of every kind and alerts, newest first, filterable), the
Alerts pane beside it (recent alerts and which alerts the person wants), the alert strip
under the top bar, and the container detail's History tab.

Views only: :mod:`genet_kivy.activity` words the entries, :mod:`genet_kivy.container_history`
builds the History tab's rows, :mod:`genet_kivy.controllers.activity` feeds them.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import reactivex
from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from reactivex import operators as ops
from reactivex.abc import DisposableBase

from genet_rx.model.containers import Container
from genet_rx.state.alerts import AlertKind

from .activity import ALERT_WORDS, KIND_FILTERS
from .container_history import history_rows
from .kv_files import KvOnFirstUse
from .live_view import LiveView

KIND_TITLES = {"all": "All kinds", "alerts": "Alerts", "container": "Containers",
               "image": "Images", "volume": "Volumes", "network": "Networks"}


def _feed() -> Any:
    return App.get_running_app().activity


class ActivityRow(BoxLayout):
    text = StringProperty("")
    meta = StringProperty("")
    alert = BooleanProperty(False)


class ActivityView(BoxLayout):
    """Filters (kind, container name) over a RecycleView of entries; with many engines, the
    engine chip tapped in the top bar filters it too, as it filters every list."""

    kind = StringProperty("all")
    kind_title = StringProperty(KIND_TITLES["all"])
    container = StringProperty("")
    shown = NumericProperty(0)
    empty_text = StringProperty("")

    def next_kind(self) -> None:
        i = KIND_FILTERS.index(self.kind) if self.kind in KIND_FILTERS else -1
        self.set_kind(KIND_FILTERS[(i + 1) % len(KIND_FILTERS)])

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        self.kind_title = KIND_TITLES.get(kind, kind)
        _feed().refresh()

    def on_container(self, *_: Any) -> None:
        _feed().refresh()

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.ids.rv.data = rows
        self.shown = len(rows)
        self.empty_text = "" if rows else "Nothing yet: events appear here as they happen."


class AlertRulesForm(BoxLayout):
    """Which kinds alert, for which containers (a name pattern, a label), and how often at
    most (the cooldown): the Alerts pane and the Settings screen each hold one, fed and saved
    by the activity controller."""

    name_pattern = StringProperty("")
    label = StringProperty("")
    died = BooleanProperty(True)
    unhealthy = BooleanProperty(True)
    oom = BooleanProperty(True)
    restart_loop = BooleanProperty(True)
    cooldown_s = NumericProperty(300)
    problem = StringProperty("")

    def toggle(self, kind: str) -> None:
        setattr(self, kind, not getattr(self, kind))
        self.save()

    def choose_cooldown(self, seconds: int) -> None:
        self.cooldown_s = seconds
        self.save()

    def save(self) -> None:
        _feed().save_rules(self)

    @staticmethod
    def words(kind: str) -> str:
        return ALERT_WORDS[AlertKind(kind)]


class AlertsPane(BoxLayout):
    """Recent alerts, and the alert rules (:class:`AlertRulesForm`, saved in the settings)."""

    narrow = BooleanProperty(False)

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.ids.rv.data = rows


class AlertBanner(KvOnFirstUse, BoxLayout):
    """The newest alert, in a strip under the top bar (it moves the body down: it never
    covers a control); View opens the Activity view's alerts, Dismiss closes it."""

    kv = ("alert_banner.kv",)

    text = StringProperty("")


class HistoryView(LiveView):
    """The History tab: the container's events since Genet started plus what the engine still
    keeps (``engine.history``), newest first, gaps marked."""

    status = StringProperty("")

    def stream_key(self, c: Container) -> Hashable | None:
        return ("history", c.id) if hasattr(self.app.engine_for(c), "history") else None

    def open(self, c: Container) -> DisposableBase:
        self.status = "reading the engine's record…"
        kept = self.app.engine_for(c).history(c.id).pipe(
            ops.to_list(), ops.map(lambda evs: (list(evs), True)),
            ops.catch(lambda _e, _src: reactivex.of(([], False))))
        return self.app.on_main(kept).subscribe(lambda got: self._show(c, *got))

    def _show(self, c: Container, kept: list[Any], read: bool) -> None:
        seen = self.app.activity.log.events_of(c.id)
        self.ids.rv.data = history_rows(seen, kept, read, c.host)
        self.status = f"{len(self.ids.rv.data)} entries · since Genet started, plus the engine's"

    def reset(self, c: Container | None) -> None:
        self.ids.rv.data = []
        self.status = ""
