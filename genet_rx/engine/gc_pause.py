"""The cyclic GC held off while a list answer becomes rows, and while the app starts.

Decoding a list of 10,000 containers makes ~50,000 container objects (each entry's names,
ports, mounts and labels), none of them garbage; every 700 of them start a collection that
walks the young objects, and every tenth of those the older ones too: ~40 % of the decode's
time in a plain process, half of it beside a bigger heap (bench item 3). Refcounting still
frees everything as usual; a collection that was due runs at the next allocation after the
pause.

The switch is process-wide and its holders overlap (lists run on several threads; the app's
start-up hold spans them), so it is counted: the first holder turns the GC off, the last one
out restores what the first found.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


def _hold() -> None:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1


def _release() -> None:
    global _holders
    with _lock:
        _holders -= 1
        if _holders == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (nor in another thread's meanwhile)."""
    _hold()
    try:
        yield
    finally:
        _release()


class GcHold:
    """A hold that is not a block: taken in one place, given back in another. Each of
    ``take`` and ``give_back`` counts once until the other is called, so a give-back that
    several paths may reach (a timer, a first paint, a stop) is safe to call from all."""

    def __init__(self) -> None:
        self._held = False
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            if not self._held:
                self._held = True
                _hold()

    def give_back(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                _release()


#: The app's start-up: from before Kivy's imports to its first frozen table (genet_kivy).
start_up = GcHold()
