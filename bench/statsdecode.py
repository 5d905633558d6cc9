"""Item 5: CPU time per stats record decoded.

The stream: real ``/containers/{id}/stats`` records recorded on Debian's 20.10 engine
(tests/data/stats_real_*.json), their counters advanced record by record, one compact JSON
line each, delivered one record per chunk as the engine sends them. In this process, CPU time
(``time.process_time``) over the whole stream:

- Genet: ``LineSplitter`` + ``decode_stats_line`` (msgspec, typed) → a ``Stats`` value with CPU %,
  memory used/%, network and block I/O worked out as ``docker stats`` does.
- docker-py: ``stats(decode=True)``'s decoder, ``docker.utils.json_stream.json_stream`` →
  plain dicts (no numbers worked out).
- docker-py + numbers: the same dicts and the CPU %/memory arithmetic an app then writes by
  hand (the formulas from Docker's documentation).
- floor: ``json.loads`` per line, nothing else.
"""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from genet_rx.model.stats import decode_stats_line
from genet_rx.wire.ndjson import LineSplitter

from .common import TESTS, Row, median

SAMPLES = ["stats_real_v1_busy.json", "stats_real_v1_idle.json",
           "stats_real_v1_net_memlimit.json"]


def make(records: int) -> list[bytes]:
    bases = [json.loads((TESTS / "data" / name).read_text()) for name in SAMPLES]
    chunks = []
    for i in range(records):
        rec = copy.deepcopy(bases[i % len(bases)])
        cpu = rec["cpu_stats"]
        step = 1 + i
        cpu["cpu_usage"]["total_usage"] += step * 10_000_000
        cpu["system_cpu_usage"] = cpu.get("system_cpu_usage", 0) + step * 2_000_000_000
        rec["memory_stats"]["usage"] = rec["memory_stats"].get("usage", 0) + (i % 97) * 4096
        chunks.append(json.dumps(rec, separators=(",", ":")).encode() + b"\n")
    return chunks


def genet(chunks: list[bytes]) -> int:
    splitter = LineSplitter()
    n = 0
    for chunk in chunks:
        for line in splitter.feed(chunk):
            decode_stats_line(line)
            n += 1
    return n


def dockerpy(chunks: list[bytes]) -> int:
    from docker.utils.json_stream import json_stream

    return sum(1 for _ in json_stream(iter(chunks)))


def _by_hand(s: dict[str, Any]) -> tuple[float, float]:
    cpu, pre = s["cpu_stats"], s["precpu_stats"]
    cpu_delta = cpu["cpu_usage"]["total_usage"] - pre.get("cpu_usage", {}).get("total_usage", 0)
    sys_delta = cpu.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
    cpus = cpu.get("online_cpus") or len(cpu["cpu_usage"].get("percpu_usage") or []) or 1
    cpu_pct = cpu_delta / sys_delta * cpus * 100 if cpu_delta > 0 and sys_delta > 0 else 0.0
    mem = s.get("memory_stats", {})
    used = mem.get("usage", 0) - mem.get("stats", {}).get("total_inactive_file", 0)
    limit = mem.get("limit", 0)
    return cpu_pct, used / limit * 100 if limit else 0.0


def dockerpy_numbers(chunks: list[bytes]) -> int:
    from docker.utils.json_stream import json_stream

    n = 0
    for s in json_stream(iter(chunks)):
        _by_hand(s)
        n += 1
    return n


def floor(chunks: list[bytes]) -> int:
    for chunk in chunks:
        json.loads(chunk)
    return len(chunks)


def run(records: int, runs: int) -> list[Row]:
    chunks = make(records)
    contenders = {
        "floor": ("json.loads per line (floor)", floor),
        "genet": ("Genet split + decode_stats_line → Stats", genet),
        "dockerpy": ("docker-py stats(decode=True) decoder → dicts", dockerpy),
        "dockerpy-numbers": ("docker-py dicts + CPU%/mem by hand", dockerpy_numbers),
    }
    per: dict[str, list[float]] = {k: [] for k in contenders}
    for r in range(runs + 1):
        for key, (_name, fn) in contenders.items():
            t = time.process_time()
            n = fn(chunks)
            dt = time.process_time() - t
            assert n == records, (key, n)
            if r > 0:
                per[key].append(dt / records * 1e6)
    size = sum(map(len, chunks)) / records
    return [Row("5 stats decode", name, median(per[key]), "µs CPU/record", genet=(key == "genet"),
                floor=(key == "floor"), note=f"{records:,} records of ~{size / 1024:.1f} KiB",
                runs=runs)
            for key, (name, _fn) in contenders.items()]
