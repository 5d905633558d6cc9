"""Disk usage (``GET /system/df``) as values: what each kind takes, and what prune would free."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from genet_rx.model.common import entries, obj, to_int


class Usage(Struct, frozen=True):
    """One kind's share: how many, how many in use, bytes taken, bytes a prune would free."""

    count: int = 0
    active: int = 0
    size: int = 0
    reclaimable: int = 0


class DiskUsage(Struct, frozen=True):
    images: Usage = Usage()
    containers: Usage = Usage()
    volumes: Usage = Usage()
    build_cache: Usage = Usage()


def _n(raw: object) -> int:
    n = to_int(raw)
    return n if n is not None and n > 0 else 0  # the engine writes -1 for "not computed"


def _usage(items: Iterable[Mapping[str, Any]], size: Any, in_use: Any,
           shared: Any = lambda _item: 0) -> Usage:
    count = active = total = free = 0
    for item in items:
        count += 1
        bytes_ = size(item)
        total += bytes_
        if in_use(item):
            active += 1
        else:
            free += max(0, bytes_ - shared(item))
    return Usage(count, active, total, free)


def disk_usage_from_answer(answer: object) -> DiskUsage:
    """Sizes as ``docker system df`` computes them; any odd part of the answer counts as 0."""
    doc = answer if isinstance(answer, dict) else {}
    images = _usage(entries(doc.get("Images")), lambda i: _n(i.get("Size")),
                    lambda i: _n(i.get("Containers")) > 0, lambda i: _n(i.get("SharedSize")))
    containers = _usage(entries(doc.get("Containers")), lambda c: _n(c.get("SizeRw")),
                        lambda c: c.get("State") in ("running", "paused", "restarting"))
    volumes = _usage(entries(doc.get("Volumes")),
                     lambda v: _n(obj(v, "UsageData").get("Size")),
                     lambda v: _n(obj(v, "UsageData").get("RefCount")) > 0)
    cache = _usage(entries(doc.get("BuildCache")), lambda b: _n(b.get("Size")),
                   lambda b: bool(b.get("InUse")))
    return DiskUsage(images, containers, volumes, cache)
