"""The detail pane: one container's facts and its controls, and its live tabs.

Tabs: Overview (facts and controls), Logs, Stats, Inspect, History (the container's events),
Terminal. Only the tab on screen holds a
stream (see :mod:`genet_kivy.live_view`): switching tab, selecting another container, the
container leaving, or the app stopping lets it go. The controls stay above every tab, so a
container can be stopped while reading its logs; on a short screen (``compact``) they shrink
to one row of narrower buttons, so the live tabs keep room for their content.

``DetailPane.show`` takes the container (or None), whether the engine is live, and which
control (if any) has a command on its way; it updates texts and button states in place.
Field widgets are rebuilt only when the *set* of fields changes (a different container, a
port appearing), never on every table.

A live tab's view is built, its module imported and its kv loaded, the first time the tab is
shown or its view asked for (``views[name]``). Start-up builds only the placeholder: the body
(header, controls, tabs, the Overview) is built when a container is first shown (``build``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from kivy.app import App
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.stacklayout import StackLayout
from kivy.uix.widget import Widget

from genet_rx.model.containers import Container, State

from .actions import LABEL, WORKING, Control, enabled, pause_control
from .buttons import FlatButton
from .clip import skip_while_transparent
from .describe import Field, detail_fields, state_color, state_word
from .kv_files import BY_TAB, DETAIL, ensure_kv
from .live_view import LiveView

TABS = ("overview", "logs", "stats", "inspect", "history", "terminal")
LIVE_TABS = ("logs", "stats", "inspect", "history", "terminal")
COMPACT_BELOW = 560  # dp of detail height: below it, the controls shrink to one row
#: Each live tab's view: its module and class, imported and built when the tab is first needed.
VIEWS: dict[str, tuple[str, str]] = {
    "logs": ("genet_kivy.logs_view", "LogsView"),
    "stats": ("genet_kivy.stats_view", "StatsView"),
    "inspect": ("genet_kivy.inspect_view", "InspectView"),
    "history": ("genet_kivy.activity_view", "HistoryView"),
    "terminal": ("genet_kivy.terminal_view", "TerminalView"),
}
STALE_COLOR = (0.62, 0.64, 0.68, 1)  # the state chip while the engine is not reachable


class FieldRow(BoxLayout):
    """``Label   value`` with an optional Copy button; a masked value (``full`` set) gets a
    Show/Hide button and shows ``full`` only while revealed."""

    key = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    full = StringProperty("")
    revealed = BooleanProperty(False)
    copyable = BooleanProperty(False)

    def on_kv_post(self, base_widget: object) -> None:
        if self.copyable:
            button = FlatButton(text="Copy", size_hint_x=None, width=dp(80), pos_hint={"top": 1})
            button.bind(on_release=lambda *_: self.copy())
            self.add_widget(button)

    @property
    def shown(self) -> str:
        return self.full if self.full and self.revealed else self.value

    def toggle_reveal(self) -> None:
        self.revealed = not self.revealed

    def copy(self) -> None:
        App.get_running_app().copy_text(self.value)


class FieldRows:
    """The rows of a box of fields: rebuilt only when which fields are shown changes; else only
    their values are set (the detail refreshes every second: widgets are not rebuilt)."""

    def __init__(self) -> None:
        self.keys: tuple[str, ...] = ()
        self.rows: dict[str, FieldRow] = {}

    def show(self, box: Widget, fields: list[Field]) -> None:
        keys = tuple(f.key for f in fields)
        if keys != self.keys:
            box.clear_widgets()
            self.rows = {}
            for f in fields:
                row = FieldRow(key=f.key, label=f.label, copyable=f.copyable)
                self.rows[f.key] = row
                box.add_widget(row)
            self.keys = keys
        for f in fields:
            row = self.rows[f.key]
            row.value = f.value
            row.full = f.full

    def shown(self, key: str) -> str:
        """The text a field shows now ("" when it is not shown)."""
        row = self.rows.get(key)
        return row.shown if row is not None else ""


# The buttons, in order; PAUSE stands for the one Pause/Unpause button.
BUTTONS: tuple[Control, ...] = (
    Control.START,
    Control.STOP,
    Control.RESTART,
    Control.PAUSE,
    Control.KILL,
    Control.REMOVE,
)


class ControlBar(StackLayout):
    """Start, Stop, Restart, Pause/Unpause, Kill, Remove (buttons declared in kv);
    ``compact``: one row, the buttons sharing its width."""

    compact = BooleanProperty(False)
    button_width = NumericProperty(0)  # set in kv from ``compact`` and the bar's width

    def update(self, c: Container | None, live: bool, working: Control | None) -> None:
        for slot in BUTTONS:
            button = self.ids[f"ctl_{slot.value}"]
            control = pause_control(c.state) if (c is not None and slot is Control.PAUSE) else slot
            button.control = control.value
            button.working = working is control
            button.text = WORKING[control] if button.working else LABEL[control]
            button.disabled = (
                c is None or not live or working is not None or not enabled(control, c.state)
            )


class LiveViews(Mapping[str, LiveView]):
    """The live tabs' views by tab name; a view is built the first time it is asked for."""

    def __init__(self, pane: DetailPane) -> None:
        self._pane = pane

    def __getitem__(self, name: str) -> LiveView:
        return self._pane.view(name)

    def __iter__(self) -> Iterator[str]:
        return iter(LIVE_TABS)

    def __len__(self) -> int:
        return len(LIVE_TABS)


class DetailPane(BoxLayout):
    """Name, state chip, controls, then the fields; a Back control on narrow screens."""

    title = StringProperty("")
    state_text = StringProperty("")
    state_color = ColorProperty((1, 1, 1, 1))
    placeholder = StringProperty("Select a container")
    has_container = BooleanProperty(False)
    narrow = BooleanProperty(False)
    tab = OptionProperty("overview", options=TABS)
    compact = BooleanProperty(False)
    running = BooleanProperty(False)  # the Terminal tab is offered for running containers
    log_capacity = NumericProperty(0)  # lines the Logs tab keeps (0: the view's own default)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._fields = FieldRows()
        self._container: Container | None = None
        self.built = False  # the body (see build); until then only the placeholder shows

    def build(self) -> None:
        """The body: header, controls, tabs and the Overview's fields, under the placeholder
        until now. Built the first time a container is shown or a tab's view asked for: the
        first frame has nothing selected, and start-up neither parses its four kv files nor
        makes, lays out and draws its ~30 widgets (~25 ms of a launch, bench item 6)."""
        if self.built:
            return
        self.built = True
        ensure_kv(DETAIL)
        self.remove_widget(self.ids.pop("waiting").__self__)
        Builder.apply_rules(self, "DetailBody", dispatch_kv_post=True)
        self._back = self.ids.back.__self__  # a strong reference: it leaves the tree
        # Pages leave the tree too: keep strong references. The live tabs' are built when
        # first needed (view).
        self._pages: dict[str, Widget] = {"overview": self.ids.overview.__self__}
        skip_while_transparent(self.ids.controls)  # hidden, keeping its room, with no container
        self._place_back()
        self._place_page()

    @property
    def views(self) -> LiveViews:
        """The live tabs' views by tab name (built when first asked for)."""
        return LiveViews(self)

    def view(self, name: str) -> LiveView:
        """The live tab ``name``'s view, built now if it was not yet."""
        self.build()
        made = self.made(name)
        if made is None:
            module, cls = VIEWS[name]
            kind = getattr(importlib.import_module(module), cls)  # registers it for kv too
            ensure_kv(BY_TAB[name])
            made = kind()
            if name == "logs" and self.log_capacity:
                made.capacity = self.log_capacity
            self._pages[name] = made
        return made

    def made(self, name: str) -> LiveView | None:
        """The live tab ``name``'s view if it was built, else None."""
        page = self._pages.get(name) if self.built and name in LIVE_TABS else None
        return page if isinstance(page, LiveView) else None

    def on_log_capacity(self, *_: object) -> None:
        logs = self.made("logs")
        if logs is not None and self.log_capacity:
            logs.capacity = self.log_capacity  # type: ignore[attr-defined]

    def select_tab(self, name: str) -> None:
        self.tab = name

    def on_tab(self, *_: object) -> None:
        self._place_page()
        self._sync_live()

    def on_height(self, *_: object) -> None:
        self.compact = self.height < dp(COMPACT_BELOW)

    def on_has_container(self, *_: object) -> None:
        self._place_page()

    def _place_page(self) -> None:
        """Show the current tab's page (Overview when nothing is selected)."""
        if not self.built:
            return
        name = self.tab if self.has_container else "overview"
        page = self.ids.page
        wanted = self._pages["overview"] if name == "overview" else self.view(name)
        if list(page.children) != [wanted]:
            page.clear_widgets()
            page.add_widget(wanted)

    def _sync_live(self) -> None:
        c = self._container
        active = self.tab if c is not None else None
        for name in LIVE_TABS:
            view = self.made(name) if name != active else self.view(name)
            if view is None:
                continue
            if name == active:
                view.show_container(c)
            elif view.container is not None or view.streaming:
                view.leave()

    def leave(self) -> None:
        """Let every live tab's stream go (the app is stopping)."""
        for name in LIVE_TABS:
            view = self.made(name)
            if view is not None:
                view.leave()

    def on_narrow(self, *_: object) -> None:
        self._place_back()

    def _place_back(self) -> None:
        """The Back control exists only on narrow screens (not just hidden: untappable)."""
        if not self.built:
            return
        back = self._back
        head = self.ids.head
        if self.narrow and back.parent is None:
            head.add_widget(back, index=len(head.children))
        elif not self.narrow and back.parent is not None:
            head.remove_widget(back)

    def show(self, c: Container | None, now_ns: int, live: bool, working: Control | None) -> None:
        self.has_container = c is not None
        self.running = c is not None and c.state is State.RUNNING
        self._container = c
        if c is None and not self.built:
            return  # the placeholder says so
        self.build()
        self.ids.controls.update(c, live, working)
        self._sync_live()
        if c is None:
            self.title = ""
            self.state_text = ""
            self._set_fields([])
            return
        self.title = c.name or c.short_id
        # Offline the state is only the last one known: said so, and not in its live colour.
        self.state_text = state_word(c) if live else f"last known: {state_word(c)}"
        self.state_color = state_color(c) if live else STALE_COLOR
        self._set_fields(detail_fields(c, now_ns))

    def field(self, key: str) -> str:
        """The text a field shows now ("" when it is not shown)."""
        return self._fields.shown(key)

    def _set_fields(self, fields: list[Field]) -> None:
        self._fields.show(self.ids.fields, fields)
