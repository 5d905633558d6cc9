"""The engine connection's state, as values published on ``Engine.connection``."""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct


class Link(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class Connection(Struct, frozen=True):
    host: str
    state: Link
    api_version: str | None = None
    message: str | None = None  # why it is disconnected, with a hint a person can act on
    time_ns: int = 0

    @property
    def connected(self) -> bool:
        return self.state is Link.CONNECTED
