"""GenetApp: wires one Engine's live table to the widgets, and taps back to commands.

Threads meet in one place: every engine Observable is moved onto the Kivy main thread with
``observe_on(KivyScheduler)``. Tables are coalesced — the newest waits in ``_pending`` and a
Clock trigger (timeout -1: after the frame's drain, before its draw) applies it, so the
widgets see at most one table a frame however fast events come, in the frame it arrived.
Nothing here blocks: commands and inspects run on the engine's workers and come back as
values. Subscriptions are disposed in ``on_stop``; whoever made the engine closes it.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import dp
from reactivex import Observable
from reactivex import operators as ops
from reactivex.disposable import CompositeDisposable, SingleAssignmentDisposable

from genet_rx.engine.commands import Command, CommandResult, Outcome, Remove
from genet_rx.model.connection import Connection, Link
from genet_rx.model.containers import Container, State, container_from_inspect
from genet_rx.state.containers import ContainerTable

from . import theme
from .actions import LABEL, Control, command_for, confirmation, control_of
from .buttons import FlatButton
from .detail import DetailPane
from .notices import ConfirmDialog
from .presenters import Group, SidebarRows, summary
from .row_stats import RowStats
from .scheduler import KivyScheduler
from .shell import Shell
from .sidebar import Sidebar

#: Widget classes kv refers to by name (importing them registers them with Kivy's Factory).
WIDGETS = (FlatButton, Sidebar, DetailPane, Shell)

log = logging.getLogger("genet.app")

#: One kv file per widget class, layout only; loaded in build(), in dependency order.
KV_FILES = (
    "flat_button.kv",
    "group_header.kv",
    "container_row.kv",
    "sidebar.kv",
    "field_row.kv",
    "control_bar.kv",
    "tab_button.kv",
    "log_row.kv",
    "logs_view.kv",
    "line_viewer.kv",
    "graph.kv",
    "stats_view.kv",
    "inspect_view.kv",
    "terminal_widget.kv",
    "terminal_keys.kv",
    "terminal_keyboard.kv",
    "terminal_view.kv",
    "detail_pane.kv",
    "connection_banner.kv",
    "notice.kv",
    "confirm_dialog.kv",
    "top_bar.kv",
    "shell.kv",
)

INFO_SECONDS = 5.0  # an info notice goes away on its own after this long

LINK_LOOK = {
    Link.CONNECTED: ("live", (0.31, 0.78, 0.47, 1)),
    Link.CONNECTING: ("connecting", theme.TEXT_DIM),
    Link.DISCONNECTED: ("offline", (0.94, 0.36, 0.36, 1)),
}


def kv_dir() -> Path:
    """kv/ beside the package (a checkout) or under ``<prefix>/share/genet/kv`` (installed)."""
    for candidate in (
        Path(__file__).resolve().parent.parent / "kv",
        Path(sys.prefix) / "share" / "genet" / "kv",
    ):
        if (candidate / "shell.kv").is_file():
            return candidate
    raise FileNotFoundError("genet: cannot find its kv/ layout files")


def load_kv() -> None:
    """(Re)load every kv file; unloading first makes a second App in one process safe."""
    folder = kv_dir()
    for name in KV_FILES:
        path = str(folder / name)
        Builder.unload_file(path)
        Builder.load_file(path)


class GenetApp(App):
    """The desktop app on one engine (anything with Engine's surface: tests pass a double)."""

    title = "Genet"

    def __init__(self, engine: Any, log_lines: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.engine = engine
        self.log_lines = log_lines  # the Logs tab's ring size (None: its default, 10,000)
        self.table = ContainerTable()
        self.connection = Connection(engine.host, Link.CONNECTING)
        self.query = ""
        self.collapsed: frozenset[Group] = frozenset()
        self.selected: str | None = None
        self.working: dict[str, Control] = {}
        self.scheduler: KivyScheduler | None = None
        self.tables_applied = 0  # how many tables reached the widgets (tests, diagnostics)
        self._sidebar = SidebarRows(row_height=dp(theme.ROW), header_height=dp(theme.HEADER))
        self._pending: ContainerTable | None = None
        self._subs = CompositeDisposable()
        self._inspected: dict[str, Container] = {}
        self._asked: set[tuple[str, str]] = set()
        self._notice_timer: Any = None
        self._ticker: Any = None
        self._apply_trigger: Any = None
        self._refresh_trigger: Any = None
        self._row_stats_trigger: Any = None
        self._usage_trigger: Any = None
        self._stopped = False
        self.row_stats: RowStats | None = None
        self._row_stats_trigger: Any = lambda: None

    # -- life cycle -----------------------------------------------------------------------

    def build(self) -> Shell:
        load_kv()
        Window.clearcolor = theme.BG
        return Shell()

    def on_start(self) -> None:
        self.scheduler = KivyScheduler()
        # timeout -1: runs once, after this frame's drain and before its draw.
        self._apply_trigger = Clock.create_trigger(self._apply_pending, -1)
        self._refresh_trigger = Clock.create_trigger(lambda _dt: self.refresh(), 0)
        self.root.ids.topbar.host = self.engine.host
        if self.log_lines is not None:
            self.root.ids.detail.views["logs"].capacity = self.log_lines
        # Row usage figures refresh the list at most once a second: every redraw costs a
        # whole frame on a software-rendered panel, and eight streams tick independently.
        self._usage_trigger = Clock.create_trigger(lambda _dt: self.refresh(), 1.0)
        if hasattr(self.engine, "stats"):
            self.row_stats = RowStats(self.engine.stats, self._on_main, self._usage_trigger)
        # Which rows are on screen settles after a scroll: open/close row streams then.
        self._row_stats_trigger = Clock.create_trigger(lambda _dt: self._sync_row_stats(), 0.3)
        self.root.ids.sidebar.ids.rv.bind(scroll_y=lambda *_: self._row_stats_trigger())
        self._subs.add(
            self._on_main(self.engine.containers).subscribe(
                on_next=self._on_table, on_error=self._on_stream_error
            )
        )
        self._subs.add(
            self._on_main(self.engine.connection).subscribe(
                on_next=self._on_connection, on_error=self._on_stream_error
            )
        )
        self._ticker = Clock.schedule_interval(lambda _dt: self._show_detail(), 1.0)
        Window.bind(on_keyboard=self._on_keyboard)
        self._on_connection(self.connection)
        self.refresh()

    def on_stop(self) -> None:
        self._stopped = True
        # A trigger already queued for this frame must not redraw a stopping app.
        for trigger in (self._apply_trigger, self._refresh_trigger, self._row_stats_trigger,
                        self._usage_trigger):
            if trigger is not None:
                trigger.cancel()
        if self.root is not None:
            self.root.ids.detail.leave()  # the live tab's stream, if one is open
        if self.row_stats is not None:
            self._row_stats_trigger.cancel()
            self.row_stats.close()
            self.row_stats = None
        self._subs.dispose()
        for event in (self._ticker, self._notice_timer):
            if event is not None:
                event.cancel()
        Window.unbind(on_keyboard=self._on_keyboard)

    def _on_main(self, source: Observable[Any]) -> Observable[Any]:
        assert self.scheduler is not None
        return source.pipe(ops.observe_on(self.scheduler))

    on_main = _on_main  # for the detail tabs: every stream reaches widgets through here

    # -- engine → widgets -----------------------------------------------------------------

    def _on_table(self, table: ContainerTable) -> None:
        self._pending = table  # keep only the newest; applied once this frame
        self._apply_trigger()

    def _apply_pending(self, _dt: float = 0) -> None:
        table, self._pending = self._pending, None
        if table is None:
            return
        self.table = table
        self.tables_applied += 1
        self.refresh()

    def _on_connection(self, conn: Connection) -> None:
        self.connection = conn
        shell = self.root
        word, color = LINK_LOOK[conn.state]
        shell.ids.topbar.link_word = word
        shell.ids.topbar.link_color = color
        self.refresh()

    def _on_stream_error(self, error: Exception) -> None:
        log.error("genet: engine stream failed: %s", error)
        self.notify(f"The engine's stream failed: {error}", "error")

    @property
    def live(self) -> bool:
        return self.connection.state is Link.CONNECTED

    def refresh(self) -> None:
        """Re-present the sidebar, top bar and detail from the current state (one frame's work)."""
        shell = self.root
        if shell is None or self._stopped:
            return
        table = self.table
        shell.ids.banner.show(self.connection, bool(table.rows))
        shell.set_banner(not self.live)
        data = self._sidebar.present(table, self.query, self.collapsed, self.selected)
        usage = self.row_stats.usage if self.row_stats is not None else {}
        if usage:
            data = [{**r, "usage": usage[r["cid"]]} if r.get("cid") in usage else r for r in data]
        sidebar = shell.ids.sidebar
        sidebar.stale = not self.live and bool(table.rows)
        sidebar.show(data, self._empty_text())
        shell.ids.topbar.summary = summary(table) if table.synced or table.rows else ""
        self._show_detail()
        self._row_stats_trigger()

    def visible_running_rows(self) -> list[str]:
        """Ids of running containers whose rows are on screen now, top to bottom."""
        rv = self.root.ids.sidebar.ids.rv
        _, bottom = rv.to_window(rv.x, rv.y)
        _, top = rv.to_window(rv.x, rv.top)
        seen: list[tuple[float, str]] = []
        for view in rv.layout_manager.children:
            cid = getattr(view, "cid", "")
            c = self.table.get(cid) if cid else None
            if c is None or c.state is not State.RUNNING:
                continue
            _, y = view.to_window(view.x, view.y)
            if y + view.height > bottom and y < top:  # at least partly on screen
                seen.append((-y, cid))
        return [cid for _, cid in sorted(seen)]

    def _sync_row_stats(self) -> None:
        if self.row_stats is None or self.root is None:
            return
        self.row_stats.want(self.visible_running_rows() if self.live else [])

    def _empty_text(self) -> str:
        if self.query.strip() and self.table.rows:
            return f"Nothing matches “{self.query.strip()}”."
        if not self.live and not self.table.rows:
            return "No containers to show yet."
        return "No containers.\nStart one (docker run …) and it appears here."

    def _placeholder(self) -> str:
        if self.selected is not None:
            return "This container no longer exists."
        if not self.table.rows:
            return "" if self.live else "Containers appear here once the engine answers."
        return "Select a container to see its details and controls."

    def current(self) -> Container | None:
        """The selected container as shown: the table's row, plus times an inspect filled in."""
        if self.selected is None:
            return None
        c = self.table.get(self.selected)
        if c is None:
            return None
        seen = self._inspected.get(c.id)
        if c.state_since_ns is None and seen is not None and seen.state is c.state:
            c = dataclasses.replace(
                c, state_since_ns=seen.state_since_ns, command=c.command or seen.command
            )
        return c

    def _show_detail(self) -> None:
        shell = self.root
        if shell is None:
            return
        detail = shell.ids.detail
        c = self.current()
        if c is None:
            detail.placeholder = self._placeholder()
        detail.show(c, time.time_ns(), self.live, self.working.get(c.id) if c else None)

    # -- taps -----------------------------------------------------------------------------

    def select(self, cid: str) -> None:
        self.selected = cid
        self.root.show_detail = True
        c = self.table.get(cid)
        if c is not None:
            self._inspect_if_needed(c)
        self.refresh()

    def back(self) -> None:
        self.root.show_detail = False

    def toggle_group(self, group: str) -> None:
        self.collapsed = self.collapsed ^ {Group(group)}
        self.refresh()

    def set_query(self, text: str) -> None:
        self.query = text
        self._refresh_trigger()

    def press(self, control: str) -> None:
        """A control was tapped: confirm if it must, then send its command."""
        c = self.current()
        if c is None or c.id in self.working or not self.live:
            return
        ctl = Control(control)
        question = confirmation(ctl, c)
        if question is None:
            self.send(command_for(ctl, c))
            return
        dialog = ConfirmDialog(
            on_yes=lambda: self.send(command_for(ctl, self.table.get(c.id) or c)),
            title=question.title,
            text=question.text,
            yes_text=question.yes,
        )
        self.dialog = dialog
        dialog.bind(on_dismiss=lambda *_: setattr(self, "dialog", None))
        dialog.open()

    dialog: Any = None

    def send(self, command: Command) -> None:
        """Send a command; its control shows it is working until the result comes back."""
        self.working[command.id] = control_of(command)
        self._show_detail()
        self._once(
            self.engine.execute(command),
            self._on_result,
            lambda exc: self._on_result(CommandResult(command, Outcome.FAILED, str(exc))),
        )

    def _once(
        self,
        source: Observable[Any],
        on_value: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Take one value of ``source`` on the main thread, then let the subscription go.

        Completing without a value counts as an error, so a control never stays "working".
        """
        holder = SingleAssignmentDisposable()
        done = False

        def finish() -> bool:
            nonlocal done
            if done:
                return False
            done = True
            self._subs.remove(holder)
            return True

        def value(v: Any) -> None:
            if finish():
                on_value(v)

        def error(exc: Exception) -> None:
            if finish():
                on_error(exc)

        def completed() -> None:
            if finish():
                on_error(RuntimeError("the engine gave no answer"))

        self._subs.add(holder)
        holder.disposable = self._on_main(source).subscribe(
            on_next=value, on_error=error, on_completed=completed
        )

    run_once = _once  # for the detail tabs (a save, an inspect)

    def _on_result(self, result: CommandResult) -> None:
        cid = result.command.id
        self.working.pop(cid, None)
        row = self.table.get(cid)
        name = row.name if row is not None and row.name else cid[:12]
        verb = LABEL[control_of(result.command)]
        if result.outcome is Outcome.FAILED:
            self.notify(f"{verb} {name} failed: {result.message}", "error")
        elif isinstance(result.command, Remove) and self.selected == cid:
            self.selected = None  # it is gone: back to the list, nothing selected
            self.back()
            self.refresh()
        elif result.outcome is Outcome.ALREADY:
            self.notify(f"{name}: {result.message or 'already in that state'}.", "info")
        self._show_detail()

    def copy_text(self, text: str, what: str | None = None) -> None:
        """Put ``text`` on the clipboard; the notice names ``what`` (else shows the text)."""
        try:
            from kivy.core.clipboard import Clipboard

            Clipboard.copy(text)
        except Exception as exc:  # no clipboard provider: say so, do not crash
            self.notify(f"Could not copy: {exc}", "error")
            return
        self.notify(f"Copied {what or text}", "info")

    # -- notices --------------------------------------------------------------------------

    def notify(self, text: str, kind: str = "info") -> None:
        self.root.set_notice(text, kind)
        if self._notice_timer is not None:
            self._notice_timer.cancel()
            self._notice_timer = None
        if kind == "info":
            self._notice_timer = Clock.schedule_once(
                lambda _dt: self.dismiss_notice(), INFO_SECONDS
            )

    def dismiss_notice(self) -> None:
        self.root.clear_notice()

    # -- helpers --------------------------------------------------------------------------

    def _inspect_if_needed(self, c: Container) -> None:
        """Ask the engine once for the times a list answer lacks (uptime, exit time)."""
        key = (c.id, c.state.value)
        if c.state_since_ns is not None or key in self._asked:
            return
        self._asked.add(key)

        def got(doc: dict[str, Any]) -> None:
            self._inspected[c.id] = container_from_inspect(doc, c.host)
            self._show_detail()

        self._once(self.engine.inspect(c.id), got, lambda _exc: None)

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        shell = self.root
        if key == 27 and shell is not None and not shell.wide and shell.show_detail:
            self.back()  # Escape / Android back leaves the detail instead of the app
            return True
        return False
