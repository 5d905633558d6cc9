"""The cyclic GC held off while a list answer becomes rows.

Decoding a list of 10,000 containers makes ~50,000 container objects (each entry's names,
ports, mounts and labels), none of them garbage; every 700 of them start a collection that
walks the young objects, and every tenth of those the older ones too: ~40 % of the decode's
time in a plain process, half of it beside a bigger heap (bench item 3). Refcounting still
frees everything as usual; a collection that was due runs at the next allocation after the
pause.

The switch is process-wide and lists run on several threads: the first pause turns the GC
off, the last one out restores what it found.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (nor in another thread's meanwhile)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
