"""Typed errors: every failure a person can see has a class and a message in plain words."""

from __future__ import annotations


class GenetError(Exception):
    """Base of every error Genet raises on purpose."""


class HostError(GenetError):
    """A --host / DOCKER_HOST value Genet cannot use (malformed, unknown scheme, ...)."""


class EngineUnreachable(GenetError):
    """No conversation with the engine could be had. ``hint`` says what a person can do."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(f"{reason} — {hint}" if hint else reason)
        self.reason = reason
        self.hint = hint


class ProtocolError(GenetError):
    """The peer spoke something that is not the Docker Engine API over HTTP/1.1."""


class EngineTimeout(EngineUnreachable):
    """A short call got no answer in time."""


class UnsupportedVersion(GenetError):
    """The engine's API version is outside what Genet can speak."""


class EngineError(GenetError):
    """The engine answered, and said no. ``message`` is the engine's own words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status
        self.message = message


class NotModified(EngineError):
    """304: the container is already in the asked-for state (start on running, stop on stopped)."""


class NotFound(EngineError):
    """404: no such container (or image, or endpoint)."""


class Conflict(EngineError):
    """409: the container's state does not allow the action."""


def error_for_status(status: int, message: str) -> EngineError:
    """The most specific EngineError for an HTTP status."""
    cls: type[EngineError] = {304: NotModified, 404: NotFound, 409: Conflict}.get(
        status, EngineError
    )
    if status == 304:
        message = "already in that state"  # 304 has no body
    return cls(status, message)
