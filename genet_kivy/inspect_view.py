"""The Inspect tab: the container's inspect document in collapsible, copyable sections.

The document is fetched (``engine.inspect``, on the main thread via ``app.on_main``) when the
tab shows a container, and again when its state or health changes. Sections come from the
pure :mod:`genet_kivy.inspect_doc`; secret-looking environment values are masked until their
Show control is tapped, and copies keep what is still masked masked.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from reactivex.abc import DisposableBase

from genet_rx.model.containers import Container

from .buttons import FlatButton
from .inspect_doc import MASK, Entry, Section, document_text, section_text, sections
from .live_view import LiveView

VALUE_CHARS = 2000  # characters of one value drawn (Copy takes all)


class SectionHeader(ButtonBehavior, BoxLayout):
    """A section's title and count with a fold marker; Copy copies the section."""

    key = StringProperty("")
    title = StringProperty("")
    count = NumericProperty(0)
    collapsed = BooleanProperty(False)

    def on_release(self) -> None:
        view = self.parent
        while view is not None and not isinstance(view, InspectView):
            view = view.parent
        if view is not None:
            view.toggle(self.key)

    def copy(self) -> None:
        view = self.parent
        while view is not None and not isinstance(view, InspectView):
            view = view.parent
        if view is not None:
            view.copy_section(self.key)


class InspectRow(BoxLayout):
    """``label   value``; a secret gets a Show/Hide control and is masked until shown."""

    label = StringProperty("")
    value = StringProperty("")
    secret = BooleanProperty(False)
    revealed = BooleanProperty(False)


class InspectView(LiveView):
    """Copy all, then each section: header (tap to fold) and its rows."""

    status = StringProperty("")
    loaded = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.doc: dict[str, Any] | None = None
        self.sections: list[Section] = []
        self.collapsed: set[str] = set()
        self.revealed: set[str] = set()
        self.rows: dict[str, InspectRow] = {}  # env rows by variable name (tests)

    def stream_key(self, c: Container) -> Hashable | None:
        return (c.id, c.state, c.health)

    def open(self, c: Container) -> DisposableBase:
        self.status = "Loading…" if self.doc is None else self.status
        return self.app.on_main(self.app.engine.inspect(c.id)).subscribe(
            on_next=self._on_doc, on_error=self._on_error
        )

    def reset(self, c: Container | None) -> None:
        self.doc = None
        self.sections = []
        self.revealed = set()
        self.loaded = False
        self.status = ""
        self._build()

    def _on_doc(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.sections = sections(doc)
        self.loaded = True
        self.status = "As of " + time.strftime("%H:%M:%S")
        self._build()

    def _on_error(self, error: Exception) -> None:
        self.status = f"Could not inspect it: {error}"

    # -- taps ------------------------------------------------------------------------------

    def toggle(self, key: str) -> None:
        self.collapsed ^= {key}
        self._build()

    def reveal(self, name: str) -> None:
        """Show (or hide again) one secret value; the value itself is never logged."""
        self.revealed ^= {name}
        row = self.rows.get(name)
        if row is not None:
            row.revealed = name in self.revealed
            row.value = self._value_of(self._env_entry(name))

    def copy_section(self, key: str) -> None:
        section = next((s for s in self.sections if s.key == key), None)
        if section is not None:
            self.app.copy_text(section_text(section, self.revealed), what=section.title)

    def copy_all(self) -> None:
        if self.doc is not None:
            self.app.copy_text(document_text(self.doc, self.revealed), what="the inspect document")

    def expand_all(self, expanded: bool) -> None:
        self.collapsed = set() if expanded else {s.key for s in self.sections}
        self._build()

    # -- building --------------------------------------------------------------------------

    def _env_entry(self, name: str) -> Entry:
        env = next((s for s in self.sections if s.key == "env"), None)
        return next(e for e in (env.entries if env else ()) if e.label == name)

    def _value_of(self, e: Entry) -> str:
        if e.secret and e.label not in self.revealed:
            return MASK
        return e.value if len(e.value) <= VALUE_CHARS else e.value[:VALUE_CHARS] + "…"

    def _build(self) -> None:
        box = self.ids.sections
        box.clear_widgets()
        self.rows = {}
        for s in self.sections:
            box.add_widget(
                SectionHeader(
                    key=s.key,
                    title=s.title,
                    count=sum(1 for e in s.entries if e.label),  # not a 'No mounts.' line
                    collapsed=s.key in self.collapsed,
                )
            )
            if s.key in self.collapsed:
                continue
            for e in s.entries:
                row = InspectRow(
                    label=e.label,
                    value=self._value_of(e),
                    secret=e.secret,
                    revealed=e.label in self.revealed,
                )
                if e.secret:
                    button = FlatButton(size_hint_x=None, width=dp(80), pos_hint={"top": 1})
                    button.text = "Hide" if row.revealed else "Show"
                    row.bind(
                        revealed=lambda r, v, b=button: setattr(b, "text", "Hide" if v else "Show")
                    )
                    button.bind(on_release=lambda _b, name=e.label: self.reveal(name))
                    row.add_widget(button)
                    row.button = button
                if s.key == "env":
                    self.rows[e.label] = row
                box.add_widget(row)
