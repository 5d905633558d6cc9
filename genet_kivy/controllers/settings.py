"""The person's settings in the app: read once at start, applied, changed from the Settings
screen and saved through :class:`genet_rx.settings.SettingsStore` at once.

The look (dark / light) and the logs' bound apply the moment they are chosen; the UI scale
applies from the next start (Kivy turns sizes into pixels when widgets are made), unless
``--scale`` overrides it for one run. The window's size is remembered when the app stops,
except in full screen. A settings file that cannot be read is said once, in one line; the
app goes on with defaults (the file was moved aside by the store).
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.metrics import Metrics
from msgspec.structs import replace

from genet_rx.settings import SettingsStore

from .. import theme
from ..preferences import (
    Prefs,
    logs_section,
    look_section,
    prefs_from,
    scale_word,
    window_section,
)
from ..window_title import engine_names


class SettingsController:
    def __init__(self, app: Any, store: SettingsStore, scale: float | None = None) -> None:
        self.app = app
        self.store = store
        self.override_scale = scale  # --scale: this run only, never saved
        self.prefs = Prefs()
        self._base_density: float | None = None

    @property
    def scale(self) -> float:
        """The scale this run draws at."""
        return self.override_scale if self.override_scale is not None else self.prefs.scale

    # -- life cycle -------------------------------------------------------------------------

    def load(self) -> None:
        """Read the file and apply what must be in place before widgets are made."""
        self.prefs = prefs_from(self.store.load())
        theme.look.use(self.prefs.theme)
        self._base_density = Metrics.density
        Metrics.density = self._base_density * self.scale

    def start(self) -> None:
        """Once the widgets exist: say what went wrong with the file, fill the screen."""
        if self.store.problem:
            self.app.notify(self.store.problem, "error")
        self.app.root.ids.detail.log_capacity = self.log_lines
        self.show()

    def stop(self) -> None:
        """Remember the window's size (not a full-screen one) and put the density back."""
        if not self.fullscreen():
            self.store.save_section("window", window_section(tuple(Window.size)))
        if self._base_density is not None:
            Metrics.density = self._base_density

    @staticmethod
    def fullscreen() -> bool:
        return Window.fullscreen not in (False, 0, "0", "", None)

    @property
    def log_lines(self) -> int:
        """``--log-lines`` when given, else the saved bound."""
        asked = self.app.log_lines
        return int(asked) if asked is not None else self.prefs.log_lines

    # -- the screen -------------------------------------------------------------------------

    def _pane(self) -> Any:
        root = self.app.root
        return root.ids.get("settings_detail") if root is not None else None

    def show(self) -> None:
        pane = self._pane()
        if pane is None:
            return
        pane.theme = self.prefs.theme
        pane.scale = self.prefs.scale
        pane.log_lines = self.log_lines
        pane.scale_note = self.scale_note()
        pane.engine_host = "\n".join(self.engine_names())
        pane.problem = self.store.problem
        self.app.root.ids.settings_list.summaries = self.summaries()

    def scale_note(self) -> str:
        if self.override_scale is not None:
            return f"This run uses --scale {scale_word(self.override_scale)}; the saved scale " \
                   "applies when Genet starts without it."
        if self.prefs.scale != self.scale_in_use():
            return f"Applies when Genet starts again (now {scale_word(self.scale_in_use())})."
        return "Sizes of text and controls; applies when Genet starts again."

    def scale_in_use(self) -> float:
        base = self._base_density or Metrics.density
        return round(Metrics.density / base, 2)

    def summaries(self) -> dict[str, str]:
        rules = self.app.activity.rules
        return {
            "look": f"{self.prefs.theme.title()} · scale {scale_word(self.prefs.scale)}",
            "logs": f"{self.log_lines:,} lines kept",
            "alerts": f"{len(rules.kinds)} of 4 kinds · every "
                      f"{rules.cooldown_ns // 60_000_000_000} min at most",
            "engines": self.engines_word(),
        }

    def engine_names(self) -> list[str]:
        fleet = getattr(self.app, "fleet", None)
        if fleet is None:
            return [str(getattr(self.app.engine, "host", ""))]
        return engine_names(fleet.engines.engines)

    def engines_word(self) -> str:
        names = self.engine_names()
        return names[0] if len(names) == 1 else f"{len(names)} engines"

    # -- choices ----------------------------------------------------------------------------

    def _save(self, prefs: Prefs, section: str, values: dict[str, object]) -> None:
        self.prefs = prefs
        self.store.save_section(section, values)
        self.show()

    def choose_theme(self, name: str) -> None:
        """Every view redraws in the chosen look at once; saved."""
        theme.look.use(name)
        logs = self.app.root.ids.detail.made("logs")
        if logs is not None:
            logs.ids.rv.refresh_from_data()  # matches' markup
        prefs = replace(self.prefs, theme=theme.look.name)
        self._save(prefs, "look", look_section(prefs))

    def choose_scale(self, scale: float) -> None:
        prefs = replace(self.prefs, scale=float(scale))
        self._save(prefs, "look", look_section(prefs))

    def choose_log_lines(self, lines: int) -> None:
        """The Logs tab keeps ``lines`` from now on (an open log is read again); saved. A
        ``--log-lines`` given on the command line yields to the choice made here."""
        self.app.log_lines = None
        prefs = replace(self.prefs, log_lines=int(lines))
        self.app.root.ids.detail.log_capacity = prefs.log_lines
        self._save(prefs, "logs", logs_section(prefs))

    # -- engines ----------------------------------------------------------------------------

    def open_engines(self) -> None:
        """The Engines button: the app's Engines screen (adding, removing, enabling engines
        is its job, not this screen's)."""
        self.app.open_engines()
