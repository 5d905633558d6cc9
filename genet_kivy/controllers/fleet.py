"""The app's engines: which engine owns a row, each engine's chip, and engines opened and
closed while the others run.

GenetApp takes one engine (anything with Engine's surface) or an
:class:`~genet_rx.engine.engines.Engines`; one engine is merged alone under the name ``""``,
so there is one pipeline either way. A row's engine comes from its row key (a resource's) or
from the engine whose state holds it (a container's id). Tapping a chip filters the lists to
that engine and makes it the one dialogs and panel-wide actions act on. Engines added,
removed, enabled or disabled on the Engines screen are saved through
:mod:`genet_rx.engine.saved` (atomically) and opened or closed at once, the others untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import immutables
from kivy.clock import Clock

from genet_rx.engine.engines import Engines
from genet_rx.engine.saved import SavedEngine, SavedEnginesError, engines_file, load, save
from genet_rx.errors import GenetError
from genet_rx.state.engine_state import EngineState

from ..engine_view import Chip, chip_of, row_key, split_key

log = logging.getLogger("genet.fleet")


class Fleet:
    def __init__(self, app: Any, engine: Any, saved_path: Path | None = None) -> None:
        self.app = app
        if isinstance(engine, Engines):
            self.engines, self._wrapped = engine, False
        else:
            self.engines, self._wrapped = Engines.of({"": engine}), True
        self.saved_path = saved_path or engines_file()
        self.only: str | None = None  # the engine the lists are filtered to (a chip tapped)
        self.acting: str | None = None  # the engine of the row a dialog was opened from
        self.merged: immutables.Map[str, EngineState] = immutables.Map()
        self.chips: list[Chip] = []
        self.on_change: list[Callable[[], None]] = []  # the Engines screen, while open
        self._saved: list[SavedEngine] | None = None  # read once, then kept as written

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        self.show(self.merged)
        left_out = list(getattr(self.engines, "left_out", {}).values())
        if left_out:  # two names for one engine, opened once: said once the window is up
            Clock.schedule_once(lambda _dt: self.app.notify(" · ".join(left_out), "info"))

    def stop(self) -> None:
        if self._wrapped:  # the caller owns its engine: stop merging, leave it open
            self.engines.detach()

    @property
    def many(self) -> bool:
        return len(self.engines.engines) > 1

    # -- which engine ---------------------------------------------------------------------

    def first(self) -> Any:
        return next(iter(self.engines.engines.values()))

    def chosen(self) -> Any:
        """The engine of the row a dialog is open from, else the one the person chose with a
        chip, else the first."""
        for name in (self.acting, self.only):
            if name is not None and name in self.engines.engines:
                return self.engines.engines[name]
        return self.first()

    def open_from(self, key: str | None, opener: Callable[[], Any]) -> Any:
        """Open a dialog (``opener()``) that acts on the engine of row ``key`` until it is
        dismissed (Run… from an image's detail runs on that image's engine)."""
        self.acting = split_key(key)[0] if key else None
        dialog = opener()
        if hasattr(dialog, "bind"):
            dialog.bind(on_dismiss=lambda *_: setattr(self, "acting", None))
        else:
            self.acting = None
        return dialog

    def holding(self, container_id: str) -> Any:
        """The engine whose state holds the container ``container_id`` (else :meth:`chosen`)."""
        for name, state in self.merged.items():
            if container_id in state.containers.rows and name in self.engines.engines:
                return self.engines.engines[name]
        return self.chosen()

    def of_key(self, key: str | None) -> Any:
        engine, _id = split_key(key) if key else (None, "")
        if engine is not None and engine in self.engines.engines:
            return self.engines.engines[engine]
        return self.chosen()

    def key_of(self, container_id: str, near: str | None = None) -> str:
        """The row key of a container reached from ``near`` (a row key of its engine)."""
        if not self.many:
            return container_id
        engine = split_key(near)[0] if near else None
        names = [engine] if engine is not None else list(self.merged)
        for name in names:
            state = self.merged.get(name)
            if state is not None and container_id in state.containers.rows:
                return row_key(name, container_id)
        return container_id

    def verified(self, name: str) -> bool:
        engine = self.engines.engines.get(name)
        endpoint = getattr(getattr(engine, "client", None), "endpoint", None)
        return bool(getattr(endpoint, "verify", True))

    # -- chips ----------------------------------------------------------------------------

    def show(self, merged: immutables.Map[str, EngineState]) -> None:
        """Every engine's chip, from the merged state (the feed calls this each frame)."""
        self.merged = merged
        chips = [chip_of(name, merged.get(name), self.verified(name))
                 for name in self.engines.engines]
        shell = self.app.root
        if chips != self.chips and shell is not None:
            self.chips = chips
            shell.ids.topbar.show_chips(chips if self.many else [], self.only)
        for call in list(self.on_change):
            call()

    def tap(self, name: str) -> None:
        """A chip was tapped: filter to that engine, or back to every engine."""
        self.only = None if self.only == name else name
        if self.app.root is not None:
            self.app.root.ids.topbar.show_chips(self.chips if self.many else [], self.only)
        self.app.containers.only_engine = self.only
        self.app.refresh()

    # -- the Engines screen ---------------------------------------------------------------

    def saved(self) -> list[SavedEngine]:
        """The saved engines; a corrupt file is reported once (and kept aside), never lost."""
        if self._saved is None:
            try:
                self._saved = load(self.saved_path)
            except SavedEnginesError as exc:
                self._saved = []
                self.app.notify(str(exc), "error")
        return list(self._saved)

    def add(self, host: str, tls_dir: str = "") -> bool:
        """Open ``host`` (a URL or a context's name) and save it; False with a notice when
        Genet cannot use it."""
        host = host.strip()
        if not host:
            return False
        try:
            self.engines.add(host, tls_dir=tls_dir or None)
        except GenetError as exc:
            self.app.notify(f"Cannot add {host}: {exc}", "error")
            return False
        entries = [e for e in self.saved() if e.host != host]
        self._save([*entries, SavedEngine(host, tls_dir=tls_dir)])
        self._changed()
        return True

    def remove(self, name: str) -> None:
        """Close the engine ``name`` and forget it; the others go on."""
        self.engines.remove(name)
        if self.only == name:
            self.only = None
            self.app.containers.only_engine = None
        kept = [e for e in self.saved() if e.host != name]
        if len(kept) != len(self.saved()):
            self._save(kept)
        self._changed()

    def set_enabled(self, host: str, enabled: bool) -> None:
        """Enable (open) or disable (close, but keep saved) a saved engine."""
        entries = self.saved()
        found = next((e for e in entries if e.host == host), None)
        if found is None:
            return
        if enabled:
            try:
                self.engines.add(host, tls_dir=found.tls_dir or None)
            except GenetError as exc:
                self.app.notify(f"Cannot open {host}: {exc}", "error")
                return
        else:
            self.engines.remove(host)
        self._save([SavedEngine(e.host, e.name, enabled, e.tls_dir) if e is found else e
                    for e in entries])
        self._changed()

    def _save(self, entries: list[SavedEngine]) -> None:
        try:
            save(self.saved_path, entries)
            self._saved = list(entries)
        except SavedEnginesError as exc:
            self.app.notify(str(exc), "error")

    def _changed(self) -> None:
        self.chips = []  # redrawn at the next state (an engine came or went)
        self.app.activity.follow_engines()
        for panel in self.app.panels.values():
            panel.engines_changed()
        self.show(self.merged)
        self.app.refresh()
