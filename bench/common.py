"""Shared helpers: percentiles, result rows, the table, machine facts, raw-socket HTTP.

Every measurement module returns :class:`Row` values. A row's ``value`` is the median over
runs (warm-up excluded); ``better`` says which direction is good so the ratio can always be
read the same way: ``ratio`` > 1 means Genet is ahead of that contender, < 1 behind.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"  # on sys.path: see bench/__init__.py

PY = sys.executable


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Row:
    """One line of the table."""

    item: str  # e.g. "1 event→table latency"
    who: str  # e.g. "Genet core"
    value: float  # the median (or p50) in ``unit``
    unit: str
    better: str = "lower"  # "lower" or "higher"
    p99: float | None = None
    genet: bool = False  # this row is Genet's (the ratio reference for its group)
    group: str = ""  # rows with the same item+group are compared with its Genet row
    floor: bool = False  # a lower bound, not a competitor
    part: bool = False  # another face or a part of Genet itself (ratio shown, no verdict)
    note: str = ""
    runs: int = 0
    ratio: float | None = field(default=None)  # filled by finish()


def finish(rows: list[Row]) -> list[Row]:
    """Fill each row's ratio against the Genet row of its item+group."""
    ref: dict[tuple[str, str], Row] = {}
    for r in rows:
        if r.genet and (r.item, r.group) not in ref:
            ref[(r.item, r.group)] = r
    for r in rows:
        g = ref.get((r.item, r.group))
        if g is None or r is g or not _finite(r.value) or not _finite(g.value):
            continue
        num, den = (r.value, g.value) if r.better == "lower" else (g.value, r.value)
        if den == 0:
            r.ratio = float("inf") if num > 0 else None
        else:
            r.ratio = num / den
    return rows


def _finite(x: float | None) -> bool:
    return x is not None and x == x and x not in (float("inf"), float("-inf"))


def fmt_num(x: float | None) -> str:
    if x is None or not _finite(x):
        return "-"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def verdict(r: Row) -> str:
    if r.genet:
        return "reference"
    if r.ratio is None:
        return ""
    if r.ratio == float("inf"):
        return "Genet ~0 (floor)" if r.floor else "∞ (Genet ahead: Genet ~0)"
    if r.floor:
        return f"{r.ratio:.2f}x (floor)"
    if r.part:
        return f"{r.ratio:.2f}x (Genet too)"
    word = "Genet ahead" if r.ratio >= 1.05 else ("Genet BEHIND" if r.ratio <= 0.95 else "even")
    return f"{r.ratio:.2f}x ({word})"


def render(rows: list[Row]) -> str:
    """A Markdown table (readable as plain text too)."""
    head = ["#", "measurement", "contender", "median", "p99", "unit", "vs Genet", "note"]
    lines = [head]
    for r in rows:
        lines.append([
            r.item.split(" ", 1)[0],
            r.item.split(" ", 1)[1] + (f" [{r.group}]" if r.group else ""),
            r.who,
            fmt_num(r.value),
            fmt_num(r.p99) if r.p99 is not None else "",
            r.unit,
            verdict(r),
            r.note,
        ])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))
                   + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "?"
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "os": _os_name(),
        "load": load,
    }


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


# -- raw-socket HTTP: the floor --------------------------------------------------------------


def unix_path(url: str) -> str:
    if not url.startswith("unix://"):
        raise ValueError(f"bench needs a unix:// engine URL, not {url!r}")
    return url[len("unix://"):]


def raw_get(url: str, path: str, timeout: float = 60.0) -> bytes:
    """HTTP/1.0 GET over the unix socket; the body (the engine closes at its end)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(unix_path(url))
        s.sendall(f"GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n".encode())
        chunks = []
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            chunks.append(b)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status >= 300:
        raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
    return body


def open_events(url: str) -> tuple[socket.socket, bytes]:
    """A raw ``/events`` subscription to container events (HTTP/1.0: NDJSON until the engine
    closes): the socket, and the body bytes that came with the head."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(unix_path(url))
    q = "%7B%22type%22%3A%5B%22container%22%5D%7D"  # {"type":["container"]}
    s.sendall(f"GET /events?filters={q} HTTP/1.0\r\nHost: docker\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    return s, buf.partition(b"\r\n\r\n")[2]


def read_events(s: socket.socket, buf: bytes, records: list[list[object]]) -> None:
    """The floor of event latency: append ``[id, timeNano, action, arrival ns]`` for each event
    line (it counts once split and ``json.loads`` has run) until the socket ends or fails."""
    while True:
        try:
            data = s.recv(65536)
        except OSError:
            return
        if not data:
            return
        buf += data
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line:
                now = time.time_ns()
                d = json.loads(line)
                records.append([d["Actor"]["ID"], d["timeNano"], d["Action"], now])


def raw_json(url: str, path: str) -> object:
    return json.loads(raw_get(url, path))


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


TICK = os.sysconf("SC_CLK_TCK")


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def raw_post(url: str, path: str, timeout: float = 10.0) -> int:
    """HTTP/1.0 POST with no body over the unix socket; the status."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(unix_path(url))
        s.sendall(f"POST {path} HTTP/1.0\r\nHost: docker\r\nContent-Length: 0\r\n\r\n".encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    return int(data.split(b" ", 2)[1])
