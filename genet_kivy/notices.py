"""What the app tells a person: the connection banner, dismissable notices, confirmations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from genet_rx.model.connection import Connection, Link

from .dialogs.base import DialogCard
from .kv_files import KvOnFirstUse


def banner_text(conn: Connection, has_rows: bool = True) -> tuple[str, str]:
    """(headline, detail) for a connection that is not live; ("", "") when it is.

    ``has_rows``: a table from earlier is on screen (then the banner says it is stale).
    """
    if conn.state is Link.CONNECTED:
        return "", ""
    if conn.state is Link.CONNECTING:
        return f"Connecting to the Docker engine at {conn.host}…", ""
    reason, _, hint = (conn.message or "unreachable").partition(" — ")
    detail = f"{hint[:1].upper()}{hint[1:]}. " if hint else ""
    stale = " — the list shows the last known state" if has_rows else ""
    return f"Docker engine unreachable: {reason}", f"{detail}Retrying on its own{stale}."


class ConnectionBanner(BoxLayout):
    """A strip under the top bar while the engine is not live: why, what to do, retrying."""

    headline = StringProperty("")
    detail = StringProperty("")
    tone = OptionProperty("info", options=["info", "warn"])

    def show(self, conn: Connection, has_rows: bool = True) -> None:
        self.headline, self.detail = banner_text(conn, has_rows)
        self.tone = "warn" if conn.state is Link.DISCONNECTED else "info"


class Notice(KvOnFirstUse, BoxLayout):
    """A message with a Dismiss button. ``kind``: ``error`` stays, ``info`` fades on its own."""

    kv = ("notice.kv",)

    text = StringProperty("")
    kind = OptionProperty("info", options=["info", "error"])
    shown = BooleanProperty(False)


class ConfirmDialog(DialogCard):
    """Asks before an action that cannot be undone (Kill, Remove). Like every dialog, Esc
    cancels it and nothing else (not Back behind it), Enter says yes."""

    text = StringProperty("")
    yes_text = StringProperty("OK")

    def __init__(self, on_yes: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(App.get_running_app(), **kwargs)
        self._on_yes = on_yes

    def submit(self) -> None:
        self.answer(True)

    def answer(self, yes: bool) -> None:
        self.dismiss()
        if yes:
            self._on_yes()
