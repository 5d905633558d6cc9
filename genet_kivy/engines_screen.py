"""The Engines screen (layout in kv/engines_screen.kv): every engine with its state, API and
engine version and counts; add one (a URL or a docker context's name, a folder of TLS files),
remove one, disable or enable a saved one. What it changes goes through the app's
:class:`~genet_kivy.controllers.fleet.Fleet`, which saves it and opens or closes that engine
while the others run."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from . import theme
from .engine_view import Entry, entries
from .kv_files import OVERLAYS, KvOnFirstUse


class EngineEntry(BoxLayout):
    """One engine's row: dot, name, state and versions, counts, Disable/Enable and Remove."""

    name = StringProperty("")
    label = StringProperty("")
    about = StringProperty("")
    counts = StringProperty("")
    color = ColorProperty(theme.TEXT_DIM)
    saved = BooleanProperty(False)
    enabled = BooleanProperty(True)

    @classmethod
    def of(cls, entry: Entry) -> EngineEntry:
        return cls(name=entry.chip.name, label=entry.chip.name or entry.chip.label,
                   about=entry.about,
                   counts=entry.counts, color=entry.chip.color, saved=entry.saved,
                   enabled=entry.enabled)


class EnginesScreen(KvOnFirstUse, ModalView):
    """Open while the person manages engines; redrawn whenever an engine's state changes."""

    kv = OVERLAYS

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.versions: dict[str, str] = {}
        self._asked: set[str] = set()
        self._shown: list[Entry] = []
        app.fleet.on_change.append(self.refresh)
        self.bind(on_dismiss=lambda *_: self._leave())
        self.refresh()

    def _leave(self) -> None:
        if self.refresh in self.app.fleet.on_change:
            self.app.fleet.on_change.remove(self.refresh)

    def refresh(self) -> None:
        fleet = self.app.fleet
        opened = list(fleet.engines.engines)
        self._ask_versions(opened)
        shown = entries(opened, fleet.merged, fleet.saved(), self.versions,
                        {name: fleet.verified(name) for name in opened})
        if shown == self._shown:
            return
        self._shown = shown
        box = self.ids.entries
        box.clear_widgets()
        for entry in shown:
            box.add_widget(EngineEntry.of(entry))

    def _ask_versions(self, opened: list[str]) -> None:
        """Each live engine's version, asked once (``/version``)."""
        for name in opened:
            engine = self.app.fleet.engines.engines.get(name)
            state = self.app.fleet.merged.get(name)
            ask = getattr(engine, "version", None)
            if ask is None or name in self._asked or state is None \
                    or not state.connection.connected:
                continue
            self._asked.add(name)

            def got(doc: Any, name: str = name) -> None:
                if isinstance(doc, dict):
                    self.versions[name] = str(doc.get("Version") or "")
                    self.refresh()

            self.app.calls.once(ask(), got, lambda _exc: None)

    # -- taps (kv calls these) ------------------------------------------------------------

    def add(self) -> None:
        host, tls = self.ids.host.text, self.ids.tls.text.strip()
        if self.app.fleet.add(host, tls):
            self.ids.host.text = ""
            self.ids.tls.text = ""
        self.refresh()

    def remove(self, name: str) -> None:
        self.app.fleet.remove(name)
        self.refresh()

    def set_enabled(self, name: str, enabled: bool) -> None:
        self.app.fleet.set_enabled(name, enabled)
        self.refresh()
