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

:func:`decode_stats_line` decodes a line straight into typed records with msgspec, reading
only the fields above and skipping the rest in C (a record is ~1.7 KiB, most of it cgroup
counters nobody shows). A line that does not fit those types exactly (null, a negative or a
float where a count belongs, bad JSON) goes through ``json.loads`` and :func:`parse_stats`,
so every line gives what :func:`parse_stats` gives.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

import msgspec
from msgspec import Struct

from genet_rx.model.common import parse_time_ns, to_int


class StatsDecodeError(ValueError):
    """A stats record that is not a JSON object."""


class Stats(Struct, frozen=True):
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


# The typed shape of a stats record, as far as parse_stats reads it. A count is a JSON integer
# from 0 to int64's maximum (msgspec takes no uint64 bound): anything else does not fit, and the
# line is decoded the forgiving way.
_Count = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class _CpuUsage(msgspec.Struct):
    total_usage: _Count = 0
    percpu_usage: list[Any] | None = None


class _Cpu(msgspec.Struct):
    cpu_usage: _CpuUsage | None = None
    system_cpu_usage: _Count = 0
    online_cpus: _Count = 0


class _MemStats(msgspec.Struct):
    total_inactive_file: _Count | msgspec.UnsetType = msgspec.UNSET
    inactive_file: _Count = 0


class _Memory(msgspec.Struct):
    usage: _Count = 0
    limit: _Count = 0
    stats: _MemStats | None = None


class _Net(msgspec.Struct):
    rx_bytes: _Count = 0
    tx_bytes: _Count = 0


class _BlkEntry(msgspec.Struct):
    op: str = ""
    value: _Count = 0


class _Blkio(msgspec.Struct):
    io_service_bytes_recursive: list[_BlkEntry] | None = None


class _Pids(msgspec.Struct):
    current: _Count = 0


class _Record(msgspec.Struct):
    read: str | None = None
    cpu_stats: _Cpu | None = None
    precpu_stats: _Cpu | None = None
    memory_stats: _Memory | None = None
    networks: dict[str, _Net] | None = None
    blkio_stats: _Blkio | None = None
    pids_stats: _Pids | None = None


_decode_record = msgspec.json.Decoder(_Record).decode
_NO_CPU = _Cpu()
_NO_CPU_USAGE = _CpuUsage()
_NO_MEMORY = _Memory()
_NO_MEM_STATS = _MemStats()


def decode_stats_line(line: bytes) -> Stats:
    """One NDJSON line of a stats stream as :class:`Stats`, exactly as :func:`parse_stats`
    computes it. Raises :class:`StatsDecodeError` (a ValueError) for a line that is not a JSON
    object, and ValueError or RecursionError for one that is not JSON at all."""
    try:
        rec = _decode_record(line)
    except (msgspec.DecodeError, TypeError, RecursionError):
        return parse_stats(json.loads(line))
    cpu = rec.cpu_stats or _NO_CPU
    precpu = rec.precpu_stats or _NO_CPU
    usage_now = cpu.cpu_usage or _NO_CPU_USAGE
    cpu_delta = usage_now.total_usage - (precpu.cpu_usage or _NO_CPU_USAGE).total_usage
    system_delta = cpu.system_cpu_usage - precpu.system_cpu_usage
    online_cpus = cpu.online_cpus
    if online_cpus == 0 and usage_now.percpu_usage is not None:
        online_cpus = len(usage_now.percpu_usage)
    cpu_percent = 0.0
    if precpu.system_cpu_usage > 0 and cpu_delta > 0 and system_delta > 0:
        cpu_percent = cpu_delta / system_delta * online_cpus * 100.0

    memory = rec.memory_stats or _NO_MEMORY
    usage = memory.usage
    mem_stats = memory.stats or _NO_MEM_STATS
    mem_used = usage
    total_inactive = mem_stats.total_inactive_file
    if total_inactive is not msgspec.UNSET and total_inactive < usage:
        mem_used = usage - total_inactive
    elif mem_stats.inactive_file < usage:
        mem_used = usage - mem_stats.inactive_file
    mem_limit = memory.limit

    net_rx = net_tx = 0
    for iface in (rec.networks or {}).values():
        net_rx += iface.rx_bytes
        net_tx += iface.tx_bytes
    block_read = block_write = 0
    for entry in (rec.blkio_stats.io_service_bytes_recursive or ()) if rec.blkio_stats else ():
        op = entry.op.lower()
        if op == "read":
            block_read += entry.value
        elif op == "write":
            block_write += entry.value

    read_time_ns = parse_time_ns(rec.read) if rec.read is not None else None
    return Stats(
        cpu_percent=cpu_percent,
        mem_used=mem_used,
        mem_limit=mem_limit,
        mem_percent=mem_used / mem_limit * 100.0 if mem_limit else 0.0,
        net_rx=net_rx,
        net_tx=net_tx,
        block_read=block_read,
        block_write=block_write,
        pids=rec.pids_stats.current if rec.pids_stats else 0,
        read_time_ns=read_time_ns if read_time_ns is not None and read_time_ns > 0 else None,
        online_cpus=online_cpus,
    )
