"""A pull's progress: the engine's NDJSON answer to ``POST /images/create`` folded into values.

Theory of operation
-------------------
The engine answers a pull with one JSON record a line. A record with a layer ``id`` tells that
layer's news; one without tells the pull's (``Digest: sha256:…``, ``Status: Downloaded newer
image for …``); ``{"errorDetail": {"message"}, "error"}`` ends a pull that failed midway. Each
layer goes through phases, in this order::

    Pulling fs layer / Waiting      → waiting
    Downloading  (current / total)  → downloading
    Verifying Checksum              → verifying
    Download complete               → downloaded
    Extracting   (current / total)  → extracting   (its counter starts again at 0)
    Pull complete                   → done
    Already exists                  → exists       (nothing to fetch: the engine has it)

Any other text about a known layer ("Retrying in 5 seconds") leaves it as it was; any other
record is the pull's own status. The counters belong to a phase, so the fold aggregates per
layer by phase and never sums the latest counters blindly. A layer's phase only moves
forward: ``Downloading`` lines that come after ``Download complete`` (they do) change nothing.

What the byte counts mean
-------------------------
``known_bytes`` is the bytes to download, summed over the layers whose download size the
engine has told (``Downloading``'s ``total``); ``done_bytes`` is how many of those bytes have
arrived. A layer that has finished downloading counts as all done; extraction is a second
phase and adds no bytes (a layer's ``extracted`` shows its own counter). A layer whose size
was never told (``Already exists``, or a blob too small to get a ``Downloading`` line) adds
nothing to either sum, so ``done_bytes <= known_bytes`` always holds. Layers appear as the
pull goes, so ``known_bytes`` can grow: ``total_may_grow`` says so, and stays true until every
layer's size is known or its download is over.

Everything here is pure: bytes or dicts in, values out, no I/O.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from genet_rx.errors import GenetError


class PullDecodeError(ValueError):
    """A line of the pull stream that is not a JSON object."""


class PullError(GenetError):
    """The pull failed inside its stream; ``message`` is the registry's or engine's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LayerPhase(StrEnum):
    """Where a layer is in its pull, in the order the phases come."""

    WAITING = "waiting"
    DOWNLOADING = "downloading"
    VERIFYING = "verifying"
    DOWNLOADED = "downloaded"
    EXTRACTING = "extracting"
    DONE = "done"
    EXISTS = "exists"


_ORDER = {phase: rank for rank, phase in enumerate(LayerPhase)}

# The engine's status texts for a layer, and the phase each one means.
_LAYER_STATUS = {
    "Pulling fs layer": LayerPhase.WAITING,
    "Waiting": LayerPhase.WAITING,
    "Layer already being pulled by another client. Waiting.": LayerPhase.WAITING,
    "Downloading": LayerPhase.DOWNLOADING,
    "Verifying Checksum": LayerPhase.VERIFYING,
    "Download complete": LayerPhase.DOWNLOADED,
    "Extracting": LayerPhase.EXTRACTING,
    "Pull complete": LayerPhase.DONE,
    "Already exists": LayerPhase.EXISTS,
}

# Phases past the download: the layer's bytes are all here.
_DOWNLOADED = frozenset({LayerPhase.DOWNLOADED, LayerPhase.EXTRACTING, LayerPhase.DONE})


class Layer(Struct, frozen=True):
    """One layer of a pull. ``current`` of ``total`` bytes downloaded (``total`` is ``None``
    until the engine tells it); ``extracted`` is the extraction counter, 0 before it starts."""

    id: str
    phase: LayerPhase = LayerPhase.WAITING
    current: int = 0
    total: int | None = None
    extracted: int = 0

    @property
    def finished_download(self) -> bool:
        """True once nothing is left to download for this layer (also when it existed)."""
        return self.phase in _DOWNLOADED or self.phase is LayerPhase.EXISTS


class PullProgress(Struct, frozen=True):
    """Everything known about one pull so far. Start from ``PullProgress(reference)``."""

    reference: str
    layers: tuple[Layer, ...] = ()
    status: str = ""
    finished: bool = False
    error: str | None = None

    @property
    def known_bytes(self) -> int:
        """Bytes to download over the layers whose size is known."""
        return sum(layer.total for layer in self.layers if layer.total is not None)

    @property
    def done_bytes(self) -> int:
        """Bytes downloaded of ``known_bytes``; never more than it."""
        return sum(_done(layer) for layer in self.layers)

    @property
    def total_may_grow(self) -> bool:
        """True while ``known_bytes`` may still grow: before the layers are listed, or while
        a layer whose size is unknown has not finished downloading."""
        if self.finished or self.error is not None:
            return False
        if not self.layers:
            return True
        return any(
            layer.total is None and not layer.finished_download for layer in self.layers
        )

    @property
    def fraction(self) -> float | None:
        """``done_bytes / known_bytes`` (1.0 once finished), or ``None`` when nothing is known."""
        if self.finished:
            return 1.0
        known = self.known_bytes
        return self.done_bytes / known if known else None


def _done(layer: Layer) -> int:
    if layer.total is None:
        return 0
    if layer.phase in _DOWNLOADED:
        return layer.total
    return min(layer.current, layer.total)


def decode_pull_line(line: bytes) -> dict[str, Any]:
    """One line of the pull stream as a dict; :class:`PullDecodeError` if it is not a JSON
    object."""
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise PullDecodeError(f"a pull stream line is not JSON: {exc}") from None
    if not isinstance(record, dict):
        raise PullDecodeError(f"a pull stream line is not an object: {type(record).__name__}")
    return record


def error_message(record: dict[str, Any]) -> str | None:
    """The failure a record reports (``errorDetail.message``, else ``error``), or ``None``."""
    detail = record.get("errorDetail")
    if isinstance(detail, dict) and isinstance(detail.get("message"), str) and detail["message"]:
        return str(detail["message"])
    error = record.get("error")
    if isinstance(error, str) and error:
        return error
    if "errorDetail" in record or "error" in record:
        return "the pull failed (the engine gave no reason)"
    return None


def fold(progress: PullProgress, record: dict[str, Any]) -> PullProgress:
    """The progress after one record. Never raises: a record it does not understand leaves
    the progress as it was."""
    if not isinstance(record, dict):
        return progress
    message = error_message(record)
    if message is not None:
        return replace(progress, error=message)
    status = record.get("status")
    if not isinstance(status, str):
        return progress
    status = status.strip()
    layer_id = record.get("id")
    phase = _LAYER_STATUS.get(status)
    if phase is None or not isinstance(layer_id, str) or not layer_id:
        if not status or any(layer.id == layer_id for layer in progress.layers):
            return progress  # e.g. "Retrying in 5 seconds" about a layer: not the pull's news
        return replace(progress, status=status, finished=progress.finished or _is_final(status))
    return replace(progress, layers=_update(progress.layers, layer_id, phase, record))


def finish(progress: PullProgress) -> PullProgress:
    """The progress of a pull whose stream ended without an error."""
    return progress if progress.finished else replace(progress, finished=True)


def _is_final(status: str) -> bool:
    # "Status: Downloaded newer image for …" / "Status: Image is up to date for …"
    return status.startswith("Status:")


def _update(
    layers: tuple[Layer, ...], layer_id: str, phase: LayerPhase, record: dict[str, Any]
) -> tuple[Layer, ...]:
    for index, layer in enumerate(layers):
        if layer.id == layer_id:
            new = _advance(layer, phase, record)
            if new is layer:
                return layers
            return (*layers[:index], new, *layers[index + 1 :])
    return (*layers, _advance(Layer(layer_id), phase, record))


def _advance(layer: Layer, phase: LayerPhase, record: dict[str, Any]) -> Layer:
    if layer.phase is LayerPhase.EXISTS or _ORDER[phase] < _ORDER[layer.phase]:
        return layer  # phases never move back; a late Downloading line changes nothing
    current, total = _counters(record)
    if phase is LayerPhase.DOWNLOADING:
        return replace(
            layer,
            phase=phase,
            current=current,
            total=total if total is not None else layer.total,
        )
    if phase in _DOWNLOADED:
        done = layer.total if layer.total is not None else layer.current
        extracted = layer.extracted
        if phase is LayerPhase.EXTRACTING:
            extracted = max(extracted, current)
        elif phase is LayerPhase.DONE:
            extracted = max(extracted, done)
        return replace(layer, phase=phase, current=done, extracted=extracted)
    if phase is LayerPhase.EXISTS:
        return replace(layer, phase=phase)
    return layer if layer.phase is phase else replace(layer, phase=phase)


def _counters(record: dict[str, Any]) -> tuple[int, int | None]:
    """``progressDetail``'s (current, total); total is ``None`` when absent or not positive."""
    detail = record.get("progressDetail")
    if not isinstance(detail, dict):
        return 0, None
    current = _count(detail.get("current")) or 0
    total = _count(detail.get("total"))
    return current, (total if total else None)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return max(0, int(value))


__all__ = [
    "Layer",
    "LayerPhase",
    "PullDecodeError",
    "PullError",
    "PullProgress",
    "decode_pull_line",
    "error_message",
    "finish",
    "fold",
]
