"""GenetApp: the lifecycle of the desktop app on one engine or many, and the wiring of its parts.

The parts each hold one concern: :class:`~genet_kivy.controllers.feed.Feed` moves every
engine's merged state onto the Kivy main thread, one state a frame (rows keyed by
(engine, id), see :mod:`genet_kivy.engine_view`); :class:`~genet_kivy.controllers.fleet.Fleet`
knows which engine owns a row, shows each engine's chip and opens and closes engines at run
time;
:class:`~genet_kivy.controllers.calls.Calls` and
:class:`~genet_kivy.controllers.commands.Commands` take one-shot answers (commands, inspects)
on the main thread; :class:`~genet_kivy.controllers.notices.Notices` tells and asks; the
container panel and one generic resource panel per other kind present their kind and act on
taps; every action goes to its row's own engine;
:class:`~genet_kivy.controllers.settings.SettingsController` holds the saved preferences and
the Settings screen; :class:`~genet_kivy.window_input.WindowInput` the keys, the on-screen
keyboard, the kiosk's guard and the swipe back. Nothing here blocks. Subscriptions are
disposed in ``on_stop``; whoever made the engines closes them.

Start-up builds only what the first frame shows (the containers' list and detail, their kv):
another kind's panes are built the first time it is shown, and wired here (``_on_panes``).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from reactivex import Observable
from reactivex import operators as ops

from genet_rx.engine import gc_pause
from genet_rx.engine.commands import Command
from genet_rx.model.connection import Connection, Link
from genet_rx.model.containers import Container
from genet_rx.settings import SettingsStore, settings_file
from genet_rx.state.containers import ContainerTable

from . import heap, scroll_bars, theme  # noqa: F401  (scroll_bars: a fix to Kivy, at import)
from .batching import batched_on
from .buttons import FlatButton
from .choice import ChoiceRow
from .controllers.activity import ActivityFeed
from .controllers.calls import Calls
from .controllers.commands import Commands
from .controllers.feed import Feed
from .controllers.fleet import Fleet
from .controllers.notices import Notices
from .controllers.settings import SettingsController
from .detail import DetailPane
from .dialogs.task_indicator import TaskIndicator
from .engine_chips import EngineChip, LinkButton
from .engine_view import LINK_LOOK
from .engines_screen import EngineEntry, EnginesScreen
from .kinds import SPECS
from .kinds.base import count_text
from .kv_files import load_kv
from .nav import NavBar
from .panels.containers import ContainerPanel
from .panels.resource_panel import ResourcePanel
from .scheduler import KivyScheduler
from .shell import Shell
from .sidebar import Sidebar
from .window_input import WindowInput
from .window_title import engine_names, window_title

#: Widget classes kv refers to by name (importing them registers them with Kivy's Factory).
#: Other kinds' panes import theirs when first shown (genet_kivy.shell.PANES).
WIDGETS = (FlatButton, Sidebar, DetailPane, Shell, NavBar, EngineChip, LinkButton, EngineEntry,
           EnginesScreen, ChoiceRow)

log = logging.getLogger("genet.app")

#: The window's icon (Kivy wants a bitmap; genet.svg beside it is the menu's icon).
ICON = Path(__file__).resolve().parent / "data" / "genet.png"


class GenetApp(App):
    """The desktop app on one engine (anything with Engine's surface: tests pass a double) or
    on many (an :class:`~genet_rx.engine.engines.Engines`)."""

    title = "Genet"
    icon = str(ICON)
    use_kivy_settings = False  # F1 opens Genet's own Settings screen (open_settings)

    def __init__(self, engine: Any, log_lines: int | None = None,
                 settings: SettingsStore | None = None, scale: float | None = None,
                 osk: bool = False, kiosk: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.input = WindowInput(self, osk, kiosk)  # keys, on-screen keyboard, kiosk, swipe
        self.fleet = Fleet(self, engine)
        self.title = window_title(engine_names(self.fleet.engines.engines))
        self.log_lines = log_lines  # --log-lines (None: the saved bound, else 10,000)
        store = settings if settings is not None else SettingsStore(settings_file())
        self.preferences = SettingsController(self, store, scale)  # the look, scale, logs, size
        self.scheduler: KivyScheduler | None = None
        self.feed = Feed(self.fleet.engines, self.on_main_latest, self._on_state,
                         self._on_connection, self._on_stream_error, self.fleet.show)
        self.calls = Calls(self.on_main)
        self.commands = Commands(self.calls)
        self.notices = Notices(lambda: self.root)
        self.containers = ContainerPanel(self)
        self.activity = ActivityFeed(self, store)  # events, alerts, the alert rules
        self.panels = {kind: ResourcePanel(self, spec) for kind, spec in SPECS.items()}
        self.fleet_screen: EnginesScreen | None = None  # the Engines screen, while open
        self._refresh_trigger: Any = None
        self._ticker: Any = None
        self._trimmer: Any = None
        self._stopped = False
        self._frozen = False  # start-up's objects frozen out of the cyclic GC (_freeze)

    # -- life cycle -----------------------------------------------------------------------

    def build(self) -> Shell:
        self.preferences.load()  # the look and the scale, before any widget is made
        load_kv()
        Window.clearcolor = theme.look.BG
        theme.look.bind(BG=lambda _look, bg: setattr(Window, 'clearcolor', bg))
        return Shell()

    def on_start(self) -> None:
        self.scheduler = KivyScheduler()
        self._refresh_trigger = Clock.create_trigger(lambda _dt: self.refresh(), 0)
        ids = self.root.ids
        ids.topbar.host = self.engine.host
        self.fleet.start()
        self._add_task_indicator()
        self.root.bind(on_panes=lambda _shell, kind: self._on_panes(kind))
        self.containers.start()
        self.feed.start()
        self.activity.start()
        self.preferences.start()
        self._ticker = Clock.schedule_interval(lambda _dt: self._tick(), 1.0)
        self._trimmer = Clock.schedule_interval(lambda _dt: heap.trim_heap(), heap.TRIM_EVERY)
        self.input.start()
        self._on_connection(self.feed.state.connection)
        # An engine that never syncs never freezes start-up (_freeze): the GC comes back on.
        Clock.schedule_once(lambda _dt: gc_pause.start_up.give_back(), 10.0)

    def _on_panes(self, kind: str) -> None:
        """A kind's list and detail were built (the first time it is shown): wire them."""
        if kind in self.panels:
            self.panels[kind].attach(*self.root.panes(kind))
        elif kind == "settings":
            self.preferences.show()
        if kind in ("activity", "settings"):
            self.activity.show_rules()  # both hold an alert rules form

    def on_stop(self) -> None:
        self._stopped = True
        # A trigger already queued for this frame must not redraw a stopping app.
        if self._refresh_trigger is not None:
            self._refresh_trigger.cancel()
        if self.root is not None:
            self.root.ids.detail.leave()  # the live tab's stream, if one is open
        for panel in self.panels.values():
            panel.on_screen(False)  # the slow swarm refresh and a service's logs
        self.containers.stop()
        self.feed.stop()
        self.activity.stop()
        self.fleet.stop()
        self.preferences.stop()
        self.calls.dispose()
        self.notices.stop()
        if self._ticker is not None:
            self._ticker.cancel()
        if self._trimmer is not None:
            self._trimmer.cancel()
        self.input.stop()
        gc.unfreeze()  # what the app built may be collected again (tests run many apps)
        gc_pause.start_up.give_back()  # from configure(), if no table came before the stop

    def on_main(self, source: Observable[Any]) -> Observable[Any]:
        """Every stream reaches widgets through here: ``observe_on`` the Kivy scheduler."""
        assert self.scheduler is not None
        return source.pipe(ops.observe_on(self.scheduler))

    def on_main_latest(self, source: Observable[Any]) -> Observable[Any]:
        """For snapshots (each value replaces the one before): only the newest waits for the
        main thread (``batched_on`` with room for one), so a main thread that falls behind
        never queues them without bound, as ``observe_on`` would."""
        assert self.scheduler is not None
        return source.pipe(batched_on(self.scheduler, 1), ops.map(lambda newest: newest[-1]))

    def run_once(self, source: Observable[Any], on_value: Any, on_error: Any) -> None:
        """For the detail tabs (a save, an inspect): one value on the main thread."""
        self.calls.once(source, on_value, on_error)

    def _add_task_indicator(self) -> None:
        """The dialogs' TaskIndicator (pulls and runs under way), in the top bar's slot."""
        self.root.ids.topbar.ids.task_slot.add_widget(TaskIndicator())

    # -- engine → widgets -----------------------------------------------------------------

    def _on_state(self, _kinds: frozenset[str]) -> None:
        self.refresh()
        if not self._frozen and self.table.synced:
            self._frozen = True
            Clock.schedule_once(lambda _dt: self._freeze(), 1.0)  # after the first paint

    def _freeze(self) -> None:
        """Start-up is over: what it built (Kivy, every widget, the first table) lives as long
        as the app. Moved out of the cyclic GC's reach, it is no longer walked by every full
        collection: ~250 ms a pause (a frozen frame) with 1,000 containers, twice in 6 s at
        100 events/s (bench item 6, issue #17). Garbage is collected first, so none is kept;
        refcounting still frees what the app drops later. ``on_stop`` undoes it. The cyclic GC,
        held off since ``configure()`` (start-up makes no garbage worth its walks), is given
        back: on again unless a list is being decoded (``paused_gc``) at this moment."""
        if not self._stopped:
            gc.collect()
            gc.freeze()
            gc_pause.start_up.give_back()

    @property
    def engine(self) -> Any:
        """The engine that dialogs and panel-wide actions (pull, run, create, prune) act on:
        the one the person chose (an engine chip), else the first."""
        return self.fleet.chosen()

    def engine_for(self, row: Any) -> Any:
        """The engine a container (a detail tab's) belongs to."""
        return self.fleet.holding(row.id)

    def engine_of_key(self, key: str | None) -> Any:
        """The engine of a row key (a resource panel's selection); None: :attr:`engine`."""
        return self.fleet.of_key(key)

    def _on_connection(self, conn: Connection) -> None:
        word, color = LINK_LOOK[conn.state]
        self.root.ids.topbar.link_word = word
        self.root.ids.topbar.link_color = color
        self.refresh()

    def _on_stream_error(self, error: Exception) -> None:
        log.error("genet: engine stream failed: %s", error)
        self.notify(f"The engine's stream failed: {error}", "error")

    @property
    def connection(self) -> Connection:
        return self.feed.state.connection

    @property
    def live(self) -> bool:
        return self.connection.state is Link.CONNECTED

    @property
    def table(self) -> ContainerTable:
        return self.feed.state.containers

    @property
    def tables_applied(self) -> int:
        return self.feed.applied

    def refresh(self) -> None:
        """Re-present what is on screen from the current state (one frame's work)."""
        shell = self.root
        if shell is None or self._stopped:
            return
        shell.ids.banner.show(self.connection, bool(self.table.rows))
        shell.set_banner(not self.live)
        self.containers.refresh()  # also the top bar's summary
        counts = {kind: panel.count() for kind, panel in self.panels.items()}
        counts["containers"] = count_text(self.table)
        shell.nav.set_counts(counts)
        services = self.feed.state.services
        shell.nav.swarm = services.synced and not services.unavailable
        panel = self.panels.get(shell.kind)
        if panel is not None:
            panel.refresh()
        if shell.kind == "activity":
            self.activity.refresh()

    def _tick(self) -> None:
        """Once a second: times ("up 5 min") move on."""
        if self.root is not None and self.root.kind == "containers":
            self.containers.show_detail()

    # -- navigation -----------------------------------------------------------------------

    def show_kind(self, kind: str) -> None:
        """Show another kind's list (its selection is kept for when the detail opens)."""
        shell = self.root
        if shell.kind != kind:
            if shell.kind == "containers":
                shell.ids.detail.leave()  # a live tab's stream goes with the pane
            shell.show_detail = False
            shell.kind = kind
            for name, panel in self.panels.items():
                panel.on_screen(name == kind)
        elif not shell.wide:
            shell.show_detail = False  # tapping the current kind again: back to its list
        self.refresh()
        self.containers.sync_row_stats()

    def show_container(self, cid: str, near: str | None = None) -> None:
        """Go to one container (from an image's, volume's or network's detail); ``near``: the
        row key it was reached from, whose engine holds it."""
        self.show_kind("containers")
        self.select(self.fleet.key_of(cid, near))

    def open_engines(self) -> EnginesScreen:
        """Open the Engines screen (add, remove, enable, disable engines)."""
        screen = EnginesScreen(self)
        self.fleet_screen = screen
        screen.bind(on_dismiss=lambda *_: setattr(self, "fleet_screen", None))
        self.notices.show(screen)
        return screen

    def open_settings(self, *_args: Any) -> bool:
        """The Settings screen (Kivy calls this on F1 and the menu key)."""
        self.show_kind("settings")
        return True

    def back(self) -> None:
        self.root.show_detail = False

    # -- the container panel (kv and tests call these on the app) -------------------------

    def select(self, cid: str) -> None:
        self.containers.select(cid)

    def toggle_group(self, group: str) -> None:
        self.containers.toggle_group(group)

    def set_query(self, text: str) -> None:
        self.containers.query = text
        self._refresh_trigger()

    def press(self, control: str) -> None:
        self.containers.press(control)

    def send(self, command: Command) -> None:
        self.containers.send(command)

    def current(self) -> Container | None:
        return self.containers.current()

    def visible_measured_rows(self) -> list[str]:
        return self.containers.visible_measured_rows()

    def _sync_row_stats(self) -> None:
        self.containers.sync_row_stats()

    @property
    def selected(self) -> str | None:
        return self.containers.selected

    @property
    def working(self) -> dict[str, Any]:
        return self.containers.working

    @property
    def row_stats(self) -> Any:
        return self.containers.row_stats

    # -- telling and asking ---------------------------------------------------------------

    @property
    def dialog(self) -> Any:
        return self.notices.dialog

    def notify(self, text: str, kind: str = "info") -> None:
        self.notices.notify(text, kind)

    def dismiss_notice(self) -> None:
        self.notices.dismiss()

    def copy_text(self, text: str, what: str | None = None) -> None:
        """Put ``text`` on the clipboard; the notice names ``what`` (else shows the text)."""
        try:
            from kivy.core.clipboard import Clipboard

            Clipboard.copy(text)
        except Exception as exc:  # no clipboard provider: say so, do not crash
            self.notify(f"Could not copy: {exc}", "error")
            return
        self.notify(f"Copied {what or text}", "info")
