"""Free heap handed back to the system now and then.

glibc keeps the pages of memory Python has freed, for reuse, and gives back on its own only
what lies at the very top of its heap. A burst (a full list decoded, a log flood's tab
closed, a detail tab's textures dropped) leaves free pages below live ones, and resident
memory counts them for the life of the process: bench item 8 saw a step of ~4.5 MiB in 30
minutes that never came back, and one ``malloc_trim(0)`` at the end of a run gave back ~7
MiB. A kiosk runs for weeks, so the app asks glibc every ``TRIM_EVERY`` seconds to return
the free pages it holds (0.2-0.5 ms in a test process); item 8 then grew 2.5 MiB, with no
step. Where the C library is not glibc (musl has no ``malloc_trim``), nothing is done.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

#: Seconds between two hand-backs.
TRIM_EVERY = 60.0


def _malloc_trim() -> Callable[[int], int] | None:
    try:  # the process's own symbols, the C library's among them (no ldconfig to run)
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def trim_heap() -> bool:
    """Hand glibc's free pages back to the system: whether there were any to give."""
    return bool(_trim(0)) if _trim is not None else False
