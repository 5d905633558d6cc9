"""The parsing helpers every kind shares: ints, RFC 3339 times, API versions, labels, objects.

Each helper takes whatever an engine answer holds at that place (any JSON value, or nothing)
and returns a plain value or ``None``/empty; none of them raises on odd input except
:func:`parse_version`, whose caller must refuse a version it cannot read.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import msgspec

T = TypeVar("T")

#: The one empty label map, shared by every value that has no labels.
NO_LABELS: Final[Mapping[str, str]] = MappingProxyType({})
_EMPTY_OBJ: Final[Mapping[str, Any]] = MappingProxyType({})

#: RFC 3339 as Go's RFC3339Nano writes it: an optional fraction of 1 to 9 digits (the engine
# pads to 9 in logs and trims trailing zeros elsewhere), then ``Z`` or ``±hh:mm``. ASCII
# digits only: this runs on bytes.
RFC3339: Final = re.compile(
    rb"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})"
)
_VERSION: Final = re.compile(r"(\d{1,9})\.(\d{1,9})", re.ASCII)


def typed_or_none(decode: Callable[[bytes], T], body: bytes) -> T | None:
    """``decode(body)`` (a msgspec decoder straight into typed entries), or None when the body
    does not fit those types (not JSON, a number where a string belongs, nesting too deep):
    the caller then takes the reference way, ``json.loads`` and the kind's own parser."""
    try:
        return decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None


def to_int(raw: object) -> int | None:
    """``raw`` as an int: ints as they are, decimal strings parsed; bools and the rest ``None``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        digits = raw.strip()
        if digits[1:].isdecimal() and digits[:1] in "+-0123456789" and digits.isascii():
            try:
                return int(digits)
            except ValueError:  # more digits than Python converts
                return None
    return None


def parse_time_ns(raw: object) -> int | None:
    """Nanoseconds since the epoch of an RFC 3339 time (``str`` or ``bytes``).

    Takes ``2026-11-28T23:17:55.517672360Z`` or an offset (``+02:00``), surrounding whitespace
    ignored. Go's zero time (``0001-01-01T00:00:00Z``, "never") and anything that is not a
    valid time (month 13, 31 February, non-ASCII digits, other types) give ``None``.
    """
    if isinstance(raw, str):
        data = raw.encode("ascii", "replace")
    elif isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
    else:
        return None
    m = RFC3339.fullmatch(data.strip())
    return stamp_ns(m) if m else None


def stamp_ns(m: re.Match[bytes]) -> int | None:
    """Nanoseconds of a match of :data:`RFC3339` (for scanners that match in place)."""
    fraction = m.group(7)
    seconds = _epoch_seconds(bytes(m.string[m.start() : m.end(6)]), m.group(8))
    if seconds is None:
        return None
    return seconds * 1_000_000_000 + (int(fraction.ljust(9, b"0")) if fraction else 0)


@functools.lru_cache(maxsize=64)
def _epoch_seconds(date_time: bytes, zone: bytes) -> int | None:
    """Seconds since the epoch of ``YYYY-MM-DDTHH:MM:SS`` at ``zone``; None when not a time.

    Cached: a log's lines share their second, so most stamps cost one look-up here.
    """
    y, mo, d = int(date_time[0:4]), int(date_time[5:7]), int(date_time[8:10])
    h, mi, s = int(date_time[11:13]), int(date_time[14:16]), int(date_time[17:19])
    if y <= 1 or not 1 <= mo <= 12 or h > 23 or mi > 59 or s > 60:
        return None  # year 1 is Go's zero time: "never happened"
    if not 1 <= d <= _days_in_month(y, mo):
        return None
    seconds = _days_since_epoch(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
    if zone != b"Z":
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
        if zone_hours > 23 or zone_minutes > 59:
            return None
        sign = 1 if zone[:1] == b"+" else -1
        seconds -= sign * (zone_hours * 3600 + zone_minutes * 60)
    return seconds


#: Seconds since the epoch of ``(b"YYYY-MM-DDTHH:MM:SS", zone)``, or None when not a time: the
#: cached function itself, for callers that map it over many stamps.
epoch_seconds: Final = _epoch_seconds

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _MONTH_DAYS[month - 1]


def _days_since_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date, in integer arithmetic (the civil
    calendar counted in 400-year eras from March): calendar.timegm costs ten times more, and
    log timestamps are parsed once a line."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def parse_version(text: str) -> tuple[int, int]:
    """An API version such as ``1.41`` as ``(1, 41)``; raises ValueError for anything else."""
    m = _VERSION.fullmatch(text.strip()) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"not an API version: {text!r}")
    return int(m.group(1)), int(m.group(2))


def labels(raw: object) -> Mapping[str, str]:
    """A read-only copy of a ``str → str`` object; :data:`NO_LABELS` for none or junk.

    The engine sends strings only: an entry whose key or value is not a string is left out.
    """
    if not isinstance(raw, dict):
        return NO_LABELS
    found = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
    return MappingProxyType(found) if found else NO_LABELS


def obj(doc: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``doc[key]`` when it is an object, else an empty one: answers may lack any part."""
    value = doc.get(key)
    return value if isinstance(value, dict) else _EMPTY_OBJ


def text(raw: object) -> str:
    """A string field: the string itself, ``""`` for null, a missing key or another type."""
    return raw if isinstance(raw, str) else ""


def strings(raw: object) -> tuple[str, ...]:
    """The strings of a JSON array, in order (other items skipped); ``()`` when not an array."""
    if not isinstance(raw, list):
        return ()
    return tuple(item for item in raw if isinstance(item, str))


def entries(answer: object) -> list[Mapping[str, Any]]:
    """The objects of a JSON array answer, in order; other items and non-arrays give none."""
    return [e for e in answer if isinstance(e, dict)] if isinstance(answer, list) else []


# A word a POSIX shell takes as it is: no space, quote, or character the shell treats specially.
_PLAIN_WORD: Final = re.compile(r"""[^\s'"\\$`!*?;&|<>(){}\[\]#~]+""")


def command_line(words: Iterable[str]) -> str:
    """Words as one copy-pasteable command line: a word that needs it is single-quoted as a
    POSIX shell reads it (``sh -c 'while true; do date; done'``); the others stay bare."""
    return " ".join(w if _PLAIN_WORD.fullmatch(w) else shlex.quote(w) for w in words)


#: A line of plain words, one space apart: what most commands are, and their own normal form.
_PLAIN_LINE: Final = re.compile(f"{_PLAIN_WORD.pattern}(?: {_PLAIN_WORD.pattern})*")


def normal_command(line: str) -> str:
    """The engine's one-string command (its list quotes words with spaces in ``'…'``) in
    :func:`command_line`'s form; as given when it does not split as a shell would."""
    if _PLAIN_LINE.fullmatch(line):
        return line  # shlex would split it on the spaces, command_line join it back
    try:
        return command_line(shlex.split(line))
    except ValueError:
        return line
