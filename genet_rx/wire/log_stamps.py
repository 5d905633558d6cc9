"""The engine's timestamps on a run of log frames, read at once (``timestamps=1``).

:class:`~genet_rx.wire.frames.LogDemuxer` walks a run of whole frames and hands the heads of
their payloads here: when every one starts with the engine's own stamp shape, all of them are
checked and read in a few C calls instead of a regular expression per frame; otherwise the
demuxer reads them frame by frame with :data:`~genet_rx.model.common.RFC3339`.
"""

from __future__ import annotations

import operator
from operator import add
from typing import Final

import msgspec

from genet_rx.model.common import epoch_seconds

#: The engine's own stamp in logs (RFC3339Nano with a fixed 9 digits, UTC) and its space,
#: with every digit as 0: the shape a run of frames is checked against at once.
_ENGINE_SHAPE: Final = b"0000-00-00T00:00:00.000000000Z "
_DIGITS_AS_0: Final = bytes.maketrans(b"123456789", b"000000000")
_SECOND: Final = operator.itemgetter(slice(0, 19))  # "YYYY-MM-DDTHH:MM:SS"
_FRACTION: Final = operator.itemgetter(slice(20, 29))
# Fractions read as JSON numbers, each behind a "1" (JSON has no leading zeros): 1e9 + f.
_ONE_FRACTIONS: Final = msgspec.json.Decoder(list[int])


def engine_stamps(heads: list[bytes]) -> list[int] | None:
    """Each head's stamp in nanoseconds, when every one has the engine's shape and is a real
    time (as :data:`RFC3339` and :func:`stamp_ns` read it); else None.

    Read for the whole run in C: one translate and compare checks every stamp's shape, one
    decode reads every fraction, and a log flood's stamps share their second, which is read
    once (a shaped run holds its first second as many times as it has stamps only when every
    stamp is in it: the shape lets a second match nowhere but at a stamp's start).
    """
    joined = b"".join(heads)
    if joined.translate(_DIGITS_AS_0) != _ENGINE_SHAPE * len(heads):
        return None
    ones = _ONE_FRACTIONS.decode(b"[1" + b",1".join(map(_FRACTION, heads)) + b"]")
    first = heads[0][:19]
    if joined.count(first) == len(heads):
        epoch = epoch_seconds(first, b"Z")
        if epoch is None:
            return None  # not a time (month 13 ...): frame by frame, as the reference says
        return list(map((epoch * 1_000_000_000 - 1_000_000_000).__add__, ones))
    seconds = list(map(_SECOND, heads))
    second_ns = {}  # the run's few distinct seconds, in nanoseconds, less the fractions' 1e9
    for second in set(seconds):
        epoch = epoch_seconds(second, b"Z")
        if epoch is None:
            return None
        second_ns[second] = epoch * 1_000_000_000 - 1_000_000_000
    return list(map(add, map(second_ns.__getitem__, seconds), ones))
