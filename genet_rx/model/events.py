"""Engine events as frozen values.

``decode_event`` turns one decoded JSON record of ``GET /events`` into an :class:`Event`.
Anything with the outer shape of a record decodes, whatever its ``Type`` or ``Action``: an event
type or action Genet has never seen is a value like any other, never an exception. Only a record
that is not a JSON object or lacks a usable ``timeNano``/``time`` raises :class:`EventDecodeError`.

``decode_event_line`` decodes a line straight into a typed record with msgspec (about 8x
faster than ``json.loads`` plus walking the dict); a line that does not fit that record exactly
(a number where a string belongs, NaN, a bool for a time, bad JSON ...) goes the slow way,
``json.loads`` and :func:`decode_event`, so every line decodes as that reference says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import msgspec
from msgspec import Struct, field

_EMPTY: Mapping[str, str] = MappingProxyType({})


class EventDecodeError(ValueError):
    """A line of the events stream that is not an event record."""


class Event(Struct, frozen=True):
    """One engine event. ``action`` is the full action, e.g. ``"health_status: healthy"``."""

    type: str
    action: str
    actor_id: str
    time_nano: int
    attributes: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    scope: str = "local"

    @property
    def verb(self) -> str:
        """The action without its suffix: ``"exec_start: sh -c x"`` → ``"exec_start"``."""
        return self.action.split(":", 1)[0].strip()

    @property
    def detail(self) -> str:
        """The action's suffix after ``": "``, or ``""``."""
        _, sep, rest = self.action.partition(":")
        return rest.strip() if sep else ""

    @property
    def key(self) -> tuple[int, str, str]:
        """Identity used to drop duplicates: (timeNano, Actor.ID, Action)."""
        return (self.time_nano, self.actor_id, self.action)


def decode_event(record: Any) -> Event:
    """Build an :class:`Event` from one decoded JSON record (a dict)."""
    if not isinstance(record, dict):
        raise EventDecodeError(f"event record is not an object: {type(record).__name__}")
    time_nano = record.get("timeNano")
    if not isinstance(time_nano, int) or isinstance(time_nano, bool):
        seconds = record.get("time")
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            raise EventDecodeError("event record has no timeNano or time")
        time_nano = seconds * 1_000_000_000
    actor = record.get("Actor")
    if not isinstance(actor, dict):
        actor = {}
    raw_attrs = actor.get("Attributes")
    attrs: Mapping[str, str] = _EMPTY
    if isinstance(raw_attrs, dict) and raw_attrs:
        attrs = MappingProxyType({str(k): str(v) for k, v in raw_attrs.items()})
    # Old engines (API < 1.22) sent status/id/from instead of Type/Action/Actor.
    etype = record.get("Type") or ("container" if "status" in record else "")
    action = record.get("Action") or record.get("status") or ""
    actor_id = actor.get("ID") or record.get("id") or ""
    return Event(
        type=str(etype),
        action=str(action),
        actor_id=str(actor_id),
        time_nano=time_nano,
        attributes=attrs,
        scope=str(record.get("scope") or "local"),
    )


class _Actor(msgspec.Struct, gc=False):
    ID: str | None = None
    Attributes: dict[str, str] | None = None


class _Record(msgspec.Struct, gc=False):
    """The fields of an event record :func:`decode_event` reads, typed as engines send them."""

    Type: str | None = None
    Action: str | None = None
    Actor: _Actor | None = None
    status: str | msgspec.UnsetType | None = msgspec.UNSET  # present at all: an old engine
    id: str | None = None
    scope: str | None = None
    time: int | None = None
    timeNano: int | None = None  # the engine's spelling


_decode_record = msgspec.json.Decoder(_Record).decode



def decode_event_line(line: bytes) -> Event:
    """Decode one NDJSON line of the events stream."""
    try:
        rec = _decode_record(line)
    except (msgspec.DecodeError, TypeError, RecursionError):
        return _decode_line_slowly(line)
    time_nano = rec.timeNano
    if time_nano is None:
        if rec.time is None:
            return _decode_line_slowly(line)  # the reference says why
        time_nano = rec.time * 1_000_000_000
    actor = rec.Actor
    attrs: Mapping[str, str] = _EMPTY
    actor_id = rec.id
    if actor is not None:
        if actor.Attributes:
            attrs = MappingProxyType(actor.Attributes)
        actor_id = actor.ID or actor_id
    status = rec.status
    return Event(
        rec.Type or ("container" if status is not msgspec.UNSET else ""),  # type
        rec.Action or status or "",  # action
        actor_id or "",  # actor_id
        time_nano,
        attrs,  # attributes
        rec.scope or "local",  # scope
    )


def _decode_line_slowly(line: bytes) -> Event:
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise EventDecodeError(f"malformed event line: {exc}") from None
    return decode_event(record)
