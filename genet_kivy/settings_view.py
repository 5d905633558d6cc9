"""The Settings screen: a list of sections (one panel per purpose, as lazydocker has them) and
the chosen section's panel beside it (or, on a narrow screen, after it with a Back control).

Views only: every choice goes to ``app.preferences`` (the look, the scale, the logs' bound,
the engines' hook) or, for alerts, to the activity controller through the panel's
:class:`~genet_kivy.activity_view.AlertRulesForm`. The controller fills these properties.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from .activity_view import AlertRulesForm
from .choice import ChoiceRow

#: Widget classes settings.kv names from other modules (imported to register them with
#: Kivy's Factory: the pane is built when Settings is first shown, maybe before Activity).
WIDGETS = (AlertRulesForm, ChoiceRow)
#: The sections in order: (key, title). Each is one panel of the pane.
SECTIONS = (
    ("look", "Appearance"),
    ("logs", "Logs"),
    ("alerts", "Alerts"),
    ("engines", "Engines"),
)
TITLES = dict(SECTIONS)


def _app() -> Any:
    return App.get_running_app()


class SectionButton(ButtonBehavior, BoxLayout):
    """A section's title over a summary of its values; ``current`` marks the one shown."""

    section = StringProperty("")
    title = StringProperty("")
    summary = StringProperty("")
    current = BooleanProperty(False)

    def on_release(self) -> None:
        _app().root.ids.settings_detail.open_section(self.section)


class SettingsList(BoxLayout):
    """The sections, each with a one-line summary (``summaries`` by section key)."""

    summaries = DictProperty({})
    current = StringProperty("look")

    def on_summaries(self, *_: Any) -> None:
        for key, _title in SECTIONS:
            self.ids[f"section_{key}"].summary = self.summaries.get(key, "")


class SettingsPane(BoxLayout):
    """The chosen section's panel; ``section`` says which."""

    narrow = BooleanProperty(False)
    section = StringProperty("look")
    title = StringProperty(TITLES["look"])
    theme = StringProperty("dark")
    scale = NumericProperty(1.0)
    log_lines = NumericProperty(10_000)
    scale_note = StringProperty("")
    engine_host = StringProperty("")
    problem = StringProperty("")

    def on_kv_post(self, base_widget: Widget) -> None:
        # ids hold weak proxies: keep each panel alive while another one is shown.
        self._panels = {key: self.ids[f"panel_{key}"].__self__ for key, _ in SECTIONS}
        self._show()

    def on_section(self, *_: Any) -> None:
        self._show()

    def _show(self) -> None:
        panels = getattr(self, "_panels", None)
        if panels is None:
            return
        self.title = TITLES[self.section]
        holder = self.ids.holder
        holder.clear_widgets()
        holder.add_widget(panels[self.section])
        self.ids.scroll.scroll_y = 1

    def panel(self, section: str) -> Widget:
        panel: Widget = self._panels[section]
        return panel

    def open_section(self, section: str) -> None:
        """Show ``section`` (and, on a narrow screen, go from the list to it)."""
        self.section = section
        root = _app().root
        root.ids.settings_list.current = section
        root.show_detail = True
