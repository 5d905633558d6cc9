"""What the app tells a person: the connection banner, dismissable notices, confirmations."""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from genet_rx.model.connection import Connection, Link


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


class Notice(BoxLayout):
    """A message with a Dismiss button. ``kind``: ``error`` stays, ``info`` fades on its own."""

    text = StringProperty("")
    kind = OptionProperty("info", options=["info", "error"])
    shown = BooleanProperty(False)


class ConfirmDialog(ModalView):
    """Asks before an action that cannot be undone (Kill, Remove)."""

    title = StringProperty("")
    text = StringProperty("")
    yes_text = StringProperty("OK")

    def __init__(self, on_yes: Callable[[], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._on_yes = on_yes

    def answer(self, yes: bool) -> None:
        self.dismiss()
        if yes:
            self._on_yes()
