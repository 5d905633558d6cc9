"""The container panel's controller: the grouped sidebar and the detail pane with its tabs.

It presents the feed's container table (grouped as the person chose — by state or by compose
project, see :mod:`genet_kivy.grouping` — searched, collapsed groups, selection, select mode),
inspects a selected container once for the times a list answer lacks, keeps CPU and memory
streams open for the running and paused rows on screen (at most eight, see
:mod:`genet_kivy.row_stats`), and sends the detail's controls' commands (Kill and Remove ask
first), each to its row's own engine. A project header's buttons and select mode's bar act
on many containers at once through :class:`~genet_kivy.controllers.bulk.Bulk` (one question,
one summary). With many engines the rows are keyed by (engine, id) and ``only_engine`` keeps
one engine's rows.
"""

from __future__ import annotations

import time
from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from msgspec.structs import replace

from genet_rx.engine.bulk import project_containers
from genet_rx.engine.commands import Command, CommandResult, Outcome, Remove
from genet_rx.model.containers import Container, container_from_inspect
from genet_rx.state.containers import ContainerTable

from .. import theme
from ..actions import LABEL, Control, command_for, confirmation, control_of
from ..controllers.bulk import Bulk, many
from ..describe import with_name
from ..engine_view import split_key
from ..grouping import GROUPINGS, next_grouping
from ..presenters import PROJECT_EXTRA, SidebarRows, summary
from ..row_stats import MEASURED, RowStats
from ..selection import Selection


class ContainerPanel:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.query = ""
        self.collapsed: frozenset[str] = frozenset()
        self.group_by = "state"
        self.selection = Selection()
        self.bulk = Bulk(app)
        self._order: list[str] = []  # listed row keys, top to bottom (shift-click)
        self.only_engine: str | None = None
        self.selected: str | None = None  # a row key
        self.working: dict[str, Control] = {}
        self.row_stats: RowStats | None = None
        self._rows = SidebarRows(row_height=dp(theme.ROW), header_height=dp(theme.HEADER),
                                 project_extra=dp(PROJECT_EXTRA))
        self._inspected: dict[str, Container] = {}
        self._asked: set[tuple[str, str]] = set()
        self._row_stats_trigger: Any = lambda: None
        self._usage_trigger: Any = None

    @property
    def table(self) -> ContainerTable:
        return self.app.feed.state.containers

    def start(self) -> None:
        # Row usage figures refresh the list at most once a second: every redraw costs a
        # whole frame on a software-rendered panel, and eight streams tick independently.
        # A refresh for a new state shows them too and cancels this one (refresh below), so
        # while states stream the figures cost no repaint of their own.
        self._usage_trigger = Clock.create_trigger(lambda _dt: self.app.refresh(), 1.0)
        if hasattr(self.app.engine, "stats"):
            self.row_stats = RowStats(self._stats, self.app.on_main, self._usage_trigger)
        # Which rows are on screen settles after a scroll: open/close row streams then.
        self._row_stats_trigger = Clock.create_trigger(lambda _dt: self.sync_row_stats(), 0.3)
        self.app.root.ids.sidebar.ids.rv.bind(scroll_y=lambda *_: self._row_stats_trigger())

    def stop(self) -> None:
        for trigger in (self._usage_trigger, self._row_stats_trigger):
            if trigger is not None and hasattr(trigger, "cancel"):
                trigger.cancel()
        if self.row_stats is not None:
            self.row_stats.close()
            self.row_stats = None

    # -- presenting -----------------------------------------------------------------------

    def refresh(self) -> None:
        if self._usage_trigger is not None:
            self._usage_trigger.cancel()  # the figures are shown now (see start)
        shell = self.app.root
        table, live = self.table, self.app.live
        self.selection.refresh(dict(table.rows.items()))
        data = self._rows.present(table, self.query, self.collapsed, self.selected,
                                  self.group_by, self.selection.checked, self.only_engine)
        self._order = self._rows.ids_in_order(data)
        usage = self.row_stats.usage if self.row_stats is not None else {}
        if usage:
            data = [{**r, "usage": usage[r["cid"]]} if r.get("cid") in usage else r for r in data]
        sidebar = shell.ids.sidebar
        sidebar.stale = not live and bool(table.rows)
        sidebar.show(data, self._empty_text())
        sidebar.grouping_label = GROUPINGS[self.group_by].label
        sidebar.selecting = self.selection.active
        sidebar.ticked = len(self.selection.ticked)
        shell.ids.topbar.summary = summary(table) if table.synced or table.rows else ""
        self.show_detail()
        self._row_stats_trigger()

    def visible_measured_rows(self) -> list[str]:
        """Ids of running or paused containers whose rows are on screen now, top to bottom."""
        shell = self.app.root
        if shell.kind != "containers":
            return []
        rv = shell.ids.sidebar.ids.rv
        _, bottom = rv.to_window(rv.x, rv.y)
        _, top = rv.to_window(rv.x, rv.top)
        seen: list[tuple[float, str]] = []
        for view in rv.layout_manager.children:
            cid = getattr(view, "cid", "")
            c = self.table.get(cid) if cid else None
            if c is None or c.state not in MEASURED:
                continue
            _, y = view.to_window(view.x, view.y)
            if y + view.height > bottom and y < top:  # at least partly on screen
                seen.append((-y, cid))
        return [cid for _, cid in sorted(seen)]

    def sync_row_stats(self) -> None:
        if self.row_stats is None or self.app.root is None:
            return
        self.row_stats.want(self.visible_measured_rows() if self.app.live else [])

    def _empty_text(self) -> str:
        if self.query.strip() and self.table.rows:
            return f"Nothing matches “{self.query.strip()}”."
        if not self.app.live and not self.table.rows:
            return "No containers to show yet."
        return "No containers.\nStart one (docker run …) and it appears here."

    def _placeholder(self) -> str:
        if self.selected is not None:
            return "This container no longer exists."
        if not self.table.rows:
            return "" if self.app.live else "Containers appear here once the engine answers."
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
            c = replace(
                c, state_since_ns=seen.state_since_ns, command=c.command or seen.command
            )
        return c

    def show_detail(self) -> None:
        shell = self.app.root
        if shell is None:
            return
        detail = shell.ids.detail
        c = self.current()
        if c is None:
            detail.placeholder = self._placeholder()
        detail.show(c, time.time_ns(), self.app.live, self.working.get(c.id) if c else None)

    # -- taps -----------------------------------------------------------------------------

    def select(self, cid: str) -> None:
        self.selected = cid
        self.app.root.show_detail = True
        c = self.table.get(cid)
        if c is not None:
            self._inspect_if_needed(c)
        self.refresh()

    def toggle_group(self, group: str) -> None:
        self.collapsed = self.collapsed ^ {group}
        self.refresh()

    def cycle_grouping(self) -> None:
        """The sidebar's grouping button: the next way to group (state, project, engine when
        there are many); groups open again."""
        self.group_by = next_grouping(self.group_by, len(self.app.fleet.engines.engines))
        self.collapsed = frozenset()
        self.refresh()

    # -- many at once: select mode and compose projects -----------------------------------

    def tap_row(self, cid: str, modifiers: frozenset[str] = frozenset()) -> None:
        """A row was tapped: select it, or tick it in select mode. Ctrl/shift-click enter
        select mode on a desktop; shift ticks the range from the last row tapped."""
        c = self.table.get(cid)
        if c is None:
            return
        if not self.selection.active and not modifiers & {"ctrl", "shift", "meta"}:
            self.select(cid)
            return
        self.selection.begin()
        if "shift" in modifiers:
            self.selection.extend(cid, c, self._order, dict(self.table.rows.items()))
        else:
            self.selection.toggle(cid, c)
        self.refresh()

    def begin_select(self) -> None:
        self.selection.begin()
        self.refresh()

    def end_select(self) -> None:
        self.selection.end()
        self.refresh()

    def act_on_selection(self, control: str) -> None:
        """Select mode's bar: one control for every ticked container, asked once."""
        chosen = self.selection.containers()
        self.bulk.act(Control(control), chosen, ask=True,
                      done=lambda _said: self.end_select())

    def act_on_project(self, project: str, control: str) -> None:
        """A project header's button: every container of the project (Remove asks first)."""
        ctl = Control(control)
        members = project_containers(self.table, project)
        self.bulk.act(ctl, members, ask=ctl is Control.REMOVE, what=f"project {project}")

    @property
    def ticked_text(self) -> str:
        return f"{many(len(self.selection.ticked))} selected"

    def press(self, control: str) -> None:
        """A control was tapped: confirm if it must, then send its command."""
        c = self.current()
        if c is None or c.id in self.working or not self.app.live:
            return
        ctl = Control(control)
        question = confirmation(ctl, c)
        if question is None:
            self.send(command_for(ctl, c))
            return
        self.app.notices.ask(question,
                             lambda: self.send(command_for(ctl, self.table.get(c.id) or c)))

    def send(self, command: Command) -> None:
        """Send a command to its container's engine; its control shows it is working until
        the result comes back."""
        c = self.current()
        key = self.selected if c is not None and c.id == command.target else \
            self.app.fleet.key_of(command.target)
        self.working[command.target] = control_of(command)
        self.show_detail()
        self.app.commands.send(command, lambda result: self._on_result(result, key or ""),
                               self.app.fleet.holding(command.target))

    def _on_result(self, result: CommandResult, key: str) -> None:
        cid = result.command.target
        self.working.pop(cid, None)
        row = self.table.get(key)
        name = row.name if row is not None and row.name else cid[:12]
        verb = LABEL[control_of(result.command)]
        if not result.ok:
            self.app.notify(f"{verb} {name} failed: {with_name(result.message, cid, name)}",
                            "error")
        elif isinstance(result.command, Remove) and self.selected == key:
            self.selected = None  # it is gone: back to the list, nothing selected
            self.app.back()
            self.refresh()
        elif result.outcome is Outcome.ALREADY:
            self.app.notify(f"{name}: {result.message or 'already in that state'}.", "info")
        self.show_detail()

    def _inspect_if_needed(self, c: Container) -> None:
        """Ask the engine once for the times a list answer lacks (uptime, exit time)."""
        key = (c.id, c.state.value)
        if c.state_since_ns is not None or key in self._asked:
            return
        self._asked.add(key)

        def got(doc: dict[str, Any]) -> None:
            self._inspected[c.id] = container_from_inspect(doc, c.host)
            self.show_detail()

        self.app.calls.once(self.app.engine_for(c).inspect(c.id), got, lambda _exc: None)

    def _stats(self, key: str) -> Any:
        """A row's CPU and memory stream, from its own engine."""
        return self.app.engine_of_key(key).stats(split_key(key)[1])
