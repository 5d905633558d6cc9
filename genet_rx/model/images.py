"""Images as frozen values, parsed from ``GET /images/json``, ``/images/{id}/json`` and
``/images/{id}/history``.

Parsers are forgiving: any part of an answer may be missing, ``null`` or of the wrong type,
and a parser given a dict never raises; it yields empty or zero values instead. Only the id
decides whether a row is usable: an :class:`Image` whose ``id`` is ``""`` is not one, and
:func:`images_from_answer` leaves such rows out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import msgspec
from msgspec import Struct, field

from genet_rx.model.common import (
    NO_LABELS,
    entries,
    labels,
    obj,
    parse_time_ns,
    strings,
    text,
    to_int,
    typed_or_none,
)

#: What the engine lists in place of a tag or a digest for an image that has none.
NO_TAG: Final = "<none>:<none>"
NO_DIGEST: Final = "<none>@<none>"
_DIGEST_PREFIX: Final = "sha256:"


class Image(Struct, frozen=True):
    """One image of one engine.

    ``id`` is the content id (``sha256:…``); ``tags`` are ``repo:tag`` references, sorted;
    ``digests`` are ``repo@sha256:…`` references, sorted; ``size`` is in bytes; ``created`` in
    seconds since the epoch (0 when unknown). ``event_ns`` is the ``timeNano`` of the newest
    event folded into this value (``None`` when it comes from an answer only).
    """

    id: str
    tags: tuple[str, ...] = ()
    digests: tuple[str, ...] = ()
    size: int = 0
    created: int = 0
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    parent: str = ""
    host: str = ""
    event_ns: int | None = None

    @property
    def dangling(self) -> bool:
        """True when no tag names the image."""
        return not self.tags

    @property
    def short_id(self) -> str:
        """The first 12 hex digits of the id, as ``docker images`` shows them."""
        return self.id.removeprefix(_DIGEST_PREFIX)[:12]


class ImageLayer(Struct, frozen=True):
    """One step of an image's history, newest first in an answer.

    ``id`` is the image id of the step, or ``<missing>`` for steps whose image is not local
    (layers of pulled images). ``created`` is in seconds since the epoch, ``size`` in bytes.
    """

    id: str
    created: int = 0
    created_by: str = ""
    size: int = 0
    tags: tuple[str, ...] = ()
    comment: str = ""


def _tags(raw: object) -> tuple[str, ...]:
    return _refs(strings(raw), NO_TAG)


def _digests(raw: object) -> tuple[str, ...]:
    return _refs(strings(raw), NO_DIGEST)


def _refs(raw: Sequence[str] | None, none: str) -> tuple[str, ...]:
    """References sorted, once each, without empty ones and the engine's ``none`` filler; one
    reference (most images have one tag and one digest) without building a set."""
    if not raw:
        return ()
    if len(raw) == 1:
        ref = raw[0]
        return (ref,) if ref and ref != none else ()
    return tuple(sorted({r for r in raw if r and r != none}))


def image_from_list(entry: Mapping[str, Any], host: str = "") -> Image:
    """An image from one entry of ``GET /images/json`` (``Created`` in unix seconds there)."""
    return Image(
        id=text(entry.get("Id")),
        tags=_tags(entry.get("RepoTags")),
        digests=_digests(entry.get("RepoDigests")),
        size=to_int(entry.get("Size")) or 0,
        created=to_int(entry.get("Created")) or 0,
        labels=labels(entry.get("Labels")),
        parent=text(entry.get("ParentId")),
        host=host,
    )


class _Entry(msgspec.Struct, gc=False):
    """The fields of a ``GET /images/json`` entry that :func:`image_from_list` reads, typed as
    the engine sends them."""

    Id: str | None = None
    RepoTags: list[str] | None = None
    RepoDigests: list[str] | None = None
    Size: int | None = None
    Created: int | None = None
    Labels: dict[str, str] | None = None
    ParentId: str | None = None


_decode_entries = msgspec.json.Decoder(list[_Entry]).decode


def images_from_list_body(body: bytes, host: str = "") -> tuple[Image, ...] | None:
    """The rows of a ``GET /images/json`` body, decoded by msgspec straight into typed entries
    (about 3x faster than ``json.loads`` plus :func:`image_from_list`); the same rows
    :func:`image_from_list` makes, one per entry.

    None when the body does not fit those types exactly (not JSON, a number where a string
    belongs, an entry that is not an object ...): the caller then takes the reference way.
    """
    found = typed_or_none(_decode_entries, body)
    return None if found is None else tuple(_from_entry(e, host) for e in found)


def _from_entry(e: _Entry, host: str) -> Image:
    return Image(
        id=e.Id or "",
        tags=_refs(e.RepoTags, NO_TAG),
        digests=_refs(e.RepoDigests, NO_DIGEST),
        size=e.Size or 0,
        created=e.Created or 0,
        labels=MappingProxyType(e.Labels) if e.Labels else NO_LABELS,
        parent=e.ParentId or "",
        host=host,
    )


def images_from_answer(answer: object, host: str = "") -> tuple[Image, ...]:
    """Every usable image of a ``GET /images/json`` answer, in its order; ``()`` for junk."""
    rows = (image_from_list(e, host) for e in entries(answer))
    return tuple(row for row in rows if row.id)


def image_from_inspect(doc: Mapping[str, Any], host: str = "") -> Image:
    """An image from ``GET /images/{id}/json`` (``Created`` is RFC 3339 there)."""
    created_ns = parse_time_ns(doc.get("Created"))
    return Image(
        id=text(doc.get("Id")),
        tags=_tags(doc.get("RepoTags")),
        digests=_digests(doc.get("RepoDigests")),
        size=to_int(doc.get("Size")) or 0,
        created=created_ns // 1_000_000_000 if created_ns is not None else 0,
        labels=labels(obj(doc, "Config").get("Labels")),
        parent=text(doc.get("Parent")),
        host=host,
    )


def history_from_answer(answer: object) -> tuple[ImageLayer, ...]:
    """The steps of a ``GET /images/{id}/history`` answer, in its order (newest first)."""
    return tuple(
        ImageLayer(
            id=text(e.get("Id")),
            created=to_int(e.get("Created")) or 0,
            created_by=text(e.get("CreatedBy")),
            size=to_int(e.get("Size")) or 0,
            tags=_tags(e.get("Tags")),
            comment=text(e.get("Comment")),
        )
        for e in entries(answer)
    )
