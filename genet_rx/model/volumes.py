"""Volumes as frozen values, parsed from ``GET /volumes`` and ``GET /volumes/{name}``.

Parsers are forgiving: any part of an answer may be missing, ``null`` or of the wrong type,
and a parser given a dict never raises; it yields empty or zero values instead. Only the
name (a volume's id) decides whether a row is usable: :func:`volumes_from_answer` leaves out
rows without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct, field

from genet_rx.model.common import NO_LABELS, entries, labels, parse_time_ns, text


class Volume(Struct, frozen=True):
    """One volume of one engine.

    ``name`` is its id. ``options`` are the driver options it was created with; ``created_ns``
    is from ``CreatedAt`` (``None`` when unknown). ``event_ns`` is the ``timeNano`` of the
    newest event folded into this value (``None`` when it comes from an answer only).
    """

    name: str
    driver: str = ""
    mountpoint: str = ""
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    scope: str = ""
    created_ns: int | None = None
    options: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    host: str = ""
    event_ns: int | None = None

    @property
    def id(self) -> str:
        """The key events and other kinds use for a volume: its name."""
        return self.name


def volume_from_list(entry: Mapping[str, Any], host: str = "") -> Volume:
    """A volume from one entry of the ``Volumes`` array of ``GET /volumes``."""
    return Volume(
        name=text(entry.get("Name")),
        driver=text(entry.get("Driver")),
        mountpoint=text(entry.get("Mountpoint")),
        labels=labels(entry.get("Labels")),
        scope=text(entry.get("Scope")),
        created_ns=parse_time_ns(entry.get("CreatedAt")),
        options=labels(entry.get("Options")),
        host=host,
    )


def volume_from_inspect(doc: Mapping[str, Any], host: str = "") -> Volume:
    """A volume from ``GET /volumes/{name}`` (the same fields as a list entry)."""
    return volume_from_list(doc, host)


def volumes_from_answer(answer: object, host: str = "") -> tuple[Volume, ...]:
    """Every usable volume of a ``GET /volumes`` answer (``{"Volumes": [...]}``), in order.

    A ``null`` or missing ``Volumes`` (no volumes at all) and any other shape give ``()``.
    """
    if not isinstance(answer, dict):
        return ()
    rows = (volume_from_list(e, host) for e in entries(answer.get("Volumes")))
    return tuple(row for row in rows if row.name)
