"""A container's resource usage: one ``/containers/{id}/stats`` record as a :class:`Stats` value.

The numbers are computed the way the Docker CLI's ``docker stats`` computes them on Linux
(``cli/command/container/stats_helpers.go``), so Genet and the CLI agree side by side:

* CPU % = Δ total / Δ system * online CPUs * 100, where total is
  ``cpu_stats.cpu_usage.total_usage``, system is ``cpu_stats.system_cpu_usage``, and the
  deltas are taken against ``precpu_stats`` of the same record. Online CPUs is
  ``cpu_stats.online_cpus``, falling back to ``len(percpu_usage)`` (old engines, cgroup v1).
  0 when either delta is not positive (a stopped container's counters do not move). One
  deliberate difference: the first record of a stream (and a ``one-shot`` read) has an empty
  ``precpu_stats``, so the deltas span the container's whole life; the CLI prints that
  lifetime average for one frame, Genet reports 0 until there is a previous sample.
* Memory used = ``usage`` - ``stats.total_inactive_file`` (cgroup v1) when present and
  smaller, else - ``stats.inactive_file`` (cgroup v2) when smaller, else ``usage``; the CLI
  shows this as "MEM USAGE" (page cache the kernel can drop is not "used").
  Mem % = used / ``limit`` * 100, 0 when the limit is 0.
* Network: rx/tx bytes summed over every interface in ``networks`` (absent with
  ``--network none``). Block I/O: ``blkio_stats.io_service_bytes_recursive`` summed by op,
  ``Read``/``Write`` in any case (cgroup v1 says ``Read``, v2 ``read``; often null or empty).

Decoding is forgiving: a missing, null or mistyped field counts as 0 and never raises. Only a
record that is not a JSON object raises :class:`StatsDecodeError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from genet_rx.model.common import parse_time_ns, to_int


class StatsDecodeError(ValueError):
    """A stats record that is not a JSON object."""


@dataclass(frozen=True, slots=True)
class Stats:
    """One sample of a container's resource use, as ``docker stats`` would show it.

    Byte counts are cumulative since the container started (network, block I/O) or current
    (memory). ``read_time_ns`` is when the engine read the sample (its ``read`` field), in
    nanoseconds since the epoch, ``None`` when missing or the zero time of a stopped container.
    """

    cpu_percent: float
    mem_used: int
    mem_limit: int
    mem_percent: float
    net_rx: int
    net_tx: int
    block_read: int
    block_write: int
    pids: int
    read_time_ns: int | None
    online_cpus: int


def parse_stats(record: Any) -> Stats:
    """Compute a :class:`Stats` from one decoded stats record (a dict), as the Docker CLI does."""
    if not isinstance(record, dict):
        raise StatsDecodeError(f"stats record is not an object: {type(record).__name__}")

    cpu = _dict(record.get("cpu_stats"))
    precpu = _dict(record.get("precpu_stats"))
    cpu_delta = _int(_dict(cpu.get("cpu_usage")).get("total_usage")) - _int(
        _dict(precpu.get("cpu_usage")).get("total_usage")
    )
    system_delta = _int(cpu.get("system_cpu_usage")) - _int(precpu.get("system_cpu_usage"))
    online_cpus = _int(cpu.get("online_cpus"))
    if online_cpus == 0:
        percpu = _dict(cpu.get("cpu_usage")).get("percpu_usage")
        online_cpus = len(percpu) if isinstance(percpu, list) else 0
    cpu_percent = 0.0
    # An empty precpu (the first record of a stream, a one-shot read) is no previous sample:
    # Δ would be the whole lifetime. The CLI shows that lifetime average; a live view shows 0.
    has_previous = _int(precpu.get("system_cpu_usage")) > 0
    if has_previous and cpu_delta > 0 and system_delta > 0:
        cpu_percent = cpu_delta / system_delta * online_cpus * 100.0

    memory = _dict(record.get("memory_stats"))
    usage = _int(memory.get("usage"))
    mem_stats = _dict(memory.get("stats"))
    mem_used = usage
    if "total_inactive_file" in mem_stats and _int(mem_stats["total_inactive_file"]) < usage:
        mem_used = usage - _int(mem_stats["total_inactive_file"])
    elif _int(mem_stats.get("inactive_file")) < usage:
        mem_used = usage - _int(mem_stats.get("inactive_file"))
    mem_limit = _int(memory.get("limit"))
    mem_percent = mem_used / mem_limit * 100.0 if mem_limit else 0.0

    net_rx = net_tx = 0
    for iface in _dict(record.get("networks")).values():
        net_rx += _int(_dict(iface).get("rx_bytes"))
        net_tx += _int(_dict(iface).get("tx_bytes"))

    block_read = block_write = 0
    entries = _dict(record.get("blkio_stats")).get("io_service_bytes_recursive")
    for entry in entries if isinstance(entries, list) else ():
        op = _dict(entry).get("op")
        op = op.lower() if isinstance(op, str) else ""
        if op == "read":
            block_read += _int(_dict(entry).get("value"))
        elif op == "write":
            block_write += _int(_dict(entry).get("value"))

    read = record.get("read")
    read_time_ns = parse_time_ns(read) if isinstance(read, str) else None
    if read_time_ns is not None and read_time_ns <= 0:
        read_time_ns = None  # Go's zero time, 0001-01-01T00:00:00Z: no sample was read

    return Stats(
        cpu_percent=cpu_percent,
        mem_used=mem_used,
        mem_limit=mem_limit,
        mem_percent=mem_percent,
        net_rx=net_rx,
        net_tx=net_tx,
        block_read=block_read,
        block_write=block_write,
        pids=_int(_dict(record.get("pids_stats")).get("current")),
        read_time_ns=read_time_ns,
        online_cpus=online_cpus,
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


_UINT64_MAX = 2**64 - 1


def _int(value: Any) -> int:
    """A JSON number as a uint64, as the engine sends it; anything else is 0.

    Null, text, booleans, NaN, negatives and numbers beyond uint64 are all 0, which also keeps
    every ratio computed from them a finite float.
    """
    if isinstance(value, float) and math.isfinite(value):
        value = int(value)
    n = to_int(value) if not isinstance(value, str) else None
    return n if n is not None and 0 <= n <= _UINT64_MAX else 0
