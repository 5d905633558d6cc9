"""Disk usage as a table a person reads: what each kind takes and what a prune would free.

Pure: no Kivy. Sizes are decimal, as ``docker system df`` prints them.
"""

from __future__ import annotations

from msgspec import Struct

from genet_rx.engine.commands import human_bytes
from genet_rx.model.disk import DiskUsage, Usage


class UsageRow(Struct, frozen=True):
    kind: str
    count: str
    size: str
    reclaimable: str


def reclaim_text(u: Usage) -> str:
    """``1.2 GB (40%)``: what a prune would free, and its share of the size."""
    if u.size <= 0:
        return human_bytes(u.reclaimable)
    return f"{human_bytes(u.reclaimable)} ({round(100 * u.reclaimable / u.size)}%)"


def usage_rows(usage: DiskUsage) -> list[UsageRow]:
    """Images, containers, volumes, build cache: ``3 (1 in use)``, size, reclaimable."""
    kinds = (("Images", usage.images), ("Containers", usage.containers),
             ("Local volumes", usage.volumes), ("Build cache", usage.build_cache))
    return [UsageRow(name, f"{u.count} ({u.active} in use)", human_bytes(u.size),
                     reclaim_text(u)) for name, u in kinds]


def total_text(usage: DiskUsage) -> str:
    parts = (usage.images, usage.containers, usage.volumes, usage.build_cache)
    size = sum(u.size for u in parts)
    free = sum(u.reclaimable for u in parts)
    return f"{human_bytes(size)} in all · {human_bytes(free)} reclaimable"
