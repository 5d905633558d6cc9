"""What a fold made of one event: counted per engine, reported by ``Engine.counters``."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What the fold makes of one event (counted and reported by the sync pipeline)."""

    FOLDED = "folded"  # changes the row, or may
    OTHER = "other"  # a Type Genet does not fold, or no actor id
    NOISE = "noise"  # exec_*, attach, top, resize ...: nothing the table shows
    DUPLICATE = "duplicate"  # the same (timeNano, id, action) seen before
    OUT_OF_ORDER = "out_of_order"  # older than what the row already shows
    GONE = "gone"  # about a destroyed container: container ids are never reused
