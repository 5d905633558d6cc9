"""The app's record of what happened: engine events and alerts into the Activity log, alerts
shown in a strip under the top bar and on the desktop, and the person's alert rules.

It follows ``engine.events()`` (every kind) and ``engine.alerts(rules)`` of every open engine,
each on the main thread: alerts through ``app.on_main``, events ``batched_on`` the app's
scheduler, one list a drain, holding at most the log's capacity while they wait (the log keeps
no more anyway): a main thread that falls behind a stream of events (a loaded machine, 100 a
second) never queues them without bound, as ``observe_on`` did, one action each. Engines
added or removed on the Engines screen are followed or let go
(:meth:`ActivityFeed.follow_engines`). A stream that fails is followed again a few seconds
later (a gap row marks it, on its engine). The rules come from the settings' "alerts" section
(``$XDG_CONFIG_HOME/genet/settings.json``); changing them saves the section and follows alerts
again with the new rules. A desktop notification goes through the freedesktop service on a
worker thread; with none running, the alert shows in the app only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from reactivex.disposable import SerialDisposable

from genet_rx.settings import SettingsStore
from genet_rx.state.alerts import SECTION, Alert, AlertKind, AlertRules, rules_from, rules_section

from ..activity import ActivityLog, Entry, alert_text
from ..batching import batched_on
from ..engine_view import label

RETRY_S = 3.0
KINDS = ("died", "unhealthy", "oom", "restart_loop")


def desktop_notify(summary: str, body: str) -> bool:
    """The desktop's notification service (genet_rx.wire.desktop_notify; jeepney, its D-Bus
    client, is imported with the first alert, not at start)."""
    from genet_rx.wire.desktop_notify import notify

    return notify(summary, body)


def row_of(e: Entry) -> dict[str, Any]:
    return {"text": e.text, "meta": f"{e.kind} · {e.engine}", "alert": e.kind == "alert"}


class ActivityFeed:
    def __init__(self, app: Any, store: SettingsStore,
                 desktop: Callable[[str, str], bool] = desktop_notify) -> None:
        self.app = app
        self.log = ActivityLog()
        self.store = store
        self.rules = AlertRules()
        self.desktop = desktop
        self.desktop_shown = 0  # notifications the desktop service took (tests, diagnostics)
        # engine → (its events, its alerts) followed
        self._followed: dict[str, tuple[SerialDisposable, SerialDisposable]] = {}
        self._trigger: Any = None
        self._banner: Any = None
        self._stopped = False

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._trigger = Clock.create_trigger(lambda _dt: self.refresh(), 0.1)
        self.rules = rules_from(self.store.settings)  # the app read the file already
        self.follow_engines()
        self.show_rules()

    def stop(self) -> None:
        self._stopped = True
        for events, alerts in self._followed.values():
            events.dispose()
            alerts.dispose()
        self._followed = {}
        if self._trigger is not None:
            self._trigger.cancel()

    def engines(self) -> dict[str, Any]:
        """The open engines by the name the log files them under."""
        return {self.name_of(name, engine): engine
                for name, engine in self.app.fleet.engines.engines.items()}

    @staticmethod
    def name_of(name: str, engine: Any) -> str:
        """An engine as the log names it: its host with one engine, else its label."""
        return label(name) if name else str(getattr(engine, "host", ""))

    def follow_engines(self) -> None:
        """Follow every open engine's events and alerts once; let go of engines closed."""
        if self._stopped:
            return
        engines = self.engines()
        for name in set(self._followed) - set(engines):
            for d in self._followed.pop(name):
                d.dispose()
        for name, engine in engines.items():
            if name not in self._followed:
                self._followed[name] = (SerialDisposable(), SerialDisposable())
                self._follow_events(name, engine)
                self._follow_alerts(name, engine)

    def _live(self, name: str, engine: Any) -> bool:
        return not self._stopped and self.engines().get(name) is engine

    def _follow_events(self, name: str, engine: Any) -> None:
        if not self._live(name, engine) or not hasattr(engine, "events"):
            return
        held = self.log.capacity
        events = engine.events().pipe(batched_on(self.app.scheduler, held))
        self._followed[name][0].disposable = events.subscribe(
            on_next=lambda evs: self._on_events(evs, name),
            on_error=lambda _e: self._broke(name, engine),
            on_completed=lambda: self._broke(name, engine))

    def _broke(self, name: str, engine: Any) -> None:
        if not self._live(name, engine):
            return
        self.log.add_gap(name, time.time_ns())
        self._trigger()
        self._again(lambda: self._follow_events(name, engine))

    def _follow_alerts(self, name: str, engine: Any) -> None:
        if not self._live(name, engine) or not hasattr(engine, "alerts"):
            return
        self._followed[name][1].disposable = self.app.on_main(
            engine.alerts(self.rules)).subscribe(
            on_next=lambda alert: self.on_alert(alert, name),
            on_error=lambda _e: self._again(lambda: self._follow_alerts(name, engine)))

    def _again(self, follow: Callable[[], None]) -> None:
        if not self._stopped:
            Clock.schedule_once(lambda _dt: follow(), RETRY_S)

    # -- what arrives -----------------------------------------------------------------------

    def _on_events(self, evs: list[Any], engine: str) -> None:
        for ev in evs:
            self.log.add_event(ev, engine)
        self._trigger()

    def on_alert(self, alert: Alert, engine: str = "") -> None:
        """An alert: into the log, the strip under the top bar, and the desktop."""
        engine = engine or next(iter(self.engines()), "")
        self.log.add_alert(alert, engine)
        text = alert_text(alert)
        self._show_banner(text)
        threading.Thread(target=self._to_desktop, args=(text, engine), daemon=True).start()
        self._trigger()

    def _to_desktop(self, text: str, engine: str) -> None:
        if self.desktop(text, f"on {engine}"):
            self.desktop_shown += 1

    # -- the views --------------------------------------------------------------------------

    def _pane(self, name: str) -> Any:
        root = self.app.root
        return root.ids[name] if root is not None and name in root.ids else None

    def refresh(self) -> None:
        """Show the log in the Activity view and its Alerts pane, while they are on screen
        (off screen each event would rebuild and re-lay out the whole log for nothing: the
        app refreshes them when the Activity view is shown)."""
        root = self.app.root
        if root is None or root.kind != "activity":
            return
        view, pane = self._pane("activity_list"), self._pane("activity_detail")
        if view is not None:
            only = self.app.fleet.only  # an engine chip tapped: that engine's entries only
            engine = label(only) if only is not None else ""
            view.show([row_of(e) for e in self.log.rows(view.kind, view.container, engine)])
        if pane is not None:
            pane.show([row_of(e) for e in self.log.alerts()])

    def _show_banner(self, text: str) -> None:
        from ..activity_view import AlertBanner

        root = self.app.root
        if root is None:
            return
        if self._banner is None:
            self._banner = AlertBanner()
        self._banner.text = f"Alert: {text}"
        column = root.ids.column
        if self._banner.parent is None:
            column.add_widget(self._banner, index=len(column.children) - 1)  # under the top bar

    @property
    def banner(self) -> Any:
        b = self._banner
        return b if b is not None and b.parent is not None else None

    def dismiss_banner(self) -> None:
        if self.banner is not None:
            self._banner.parent.remove_widget(self._banner)

    def open_alerts(self) -> None:
        """The Activity view with its Alerts pane (the list of recent alerts)."""
        self.dismiss_banner()
        self.app.show_kind("activity")
        self.app.root.show_detail = True
        self.refresh()

    # -- rules ------------------------------------------------------------------------------

    def forms(self) -> list[Any]:
        """Every AlertRulesForm on the app: the Alerts pane's and the Settings screen's."""
        root = self.app.root
        if root is None:
            return []
        found = [root.ids[p].ids.get(f) for p, f in self.FORMS if p in root.ids]
        return [form for form in found if form is not None]

    #: (pane id, form id) of each AlertRulesForm.
    FORMS = (("activity_detail", "rules"), ("settings_detail", "alerts"))

    def show_rules(self) -> None:
        for form in self.forms():
            for kind in KINDS:
                setattr(form, kind, AlertKind(kind) in self.rules.kinds)
            form.name_pattern = self.rules.name_pattern
            form.label = self.rules.label
            form.cooldown_s = self.rules.cooldown_ns // 10**9
            form.problem = self.store.problem

    def save_rules(self, form: Any) -> None:
        """A rules form changed: save the "alerts" section, follow alerts anew with the new
        rules (the cooldown included), and show them on every form."""
        self.rules = AlertRules(
            kinds=frozenset(AlertKind(k) for k in KINDS if getattr(form, k)),
            name_pattern=form.name_pattern.strip(), label=form.label.strip(),
            cooldown_ns=int(form.cooldown_s) * 10**9)
        self.store.save_section(SECTION, rules_section(self.rules))
        self.show_rules()
        for name, engine in self.engines().items():
            if name in self._followed:
                self._follow_alerts(name, engine)
