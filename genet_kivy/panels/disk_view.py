"""Disk usage: what images, containers, volumes and build cache take, asked for on demand.

``/system/df`` is expensive for the engine (it sizes every layer and volume), so it is asked
only when this view opens and when Refresh is tapped, never on a timer.
"""

from __future__ import annotations

import time
from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from ..kinds.disk import total_text, usage_rows


class UsageCell(Label):
    """One cell of the usage table."""


class DiskView(ModalView):
    """The usage table with Refresh and Close; ``status`` says when it was computed."""

    status = StringProperty("")
    busy = BooleanProperty(False)

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.usage: Any = None
        self.bind(on_open=lambda *_: self.refresh())

    def refresh(self) -> None:
        if self.busy:
            return
        ask = getattr(self.app.engine, "disk_usage", None)
        if ask is None:
            self.status = "This engine cannot tell its disk usage."
            return
        self.busy = True
        self.status = "Computing… (the engine sizes every image and volume)"
        self.app.calls.once(ask(), self._show, self._failed)

    def _show(self, usage: Any) -> None:
        self.busy = False
        self.usage = usage
        table: GridLayout = self.ids.table
        table.clear_widgets()
        for text in ("", "Count", "Size", "Reclaimable"):
            table.add_widget(UsageCell(text=text, bold=True))
        for row in usage_rows(usage):
            for text in (row.kind, row.count, row.size, row.reclaimable):
                table.add_widget(UsageCell(text=text))
        self.status = f"{total_text(usage)} · as of {time.strftime('%H:%M:%S')}"

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.status = f"Could not read the disk usage: {error}"
