"""Item 4: log demux throughput (MB/s) on a large recorded multiplexed stream.

Recording: a busybox container on the private daemon writes many lines to stdout and to
stderr at once (json-file driver: one frame per line, stdout and stderr interleaved); its
``/logs?stdout=1&stderr=1`` body is read raw over the socket — the exact bytes a client gets.
With ``timestamps=1`` a second recording carries the engine's timestamps.

Then, in memory (no socket in the timing, for anyone), in CPU time (the machine is shared):

- Genet: ``LogDemuxer.feed`` in 64 KiB chunks → ``LogLine`` values (stream, decoded text,
  timestamp parsed when asked for).
- docker-py: its frame reader for ``logs(stream=True)``,
  ``APIClient._multiplexed_response_stream_helper``, over an in-memory response: it yields
  each frame's payload bytes (no lines, no stream label, no decoding; urllib3's chunked
  reader, which it has in real life, is left out, which flatters it).
- docker-py + lines: the same frames, then what an app needs to show them: decode and split.
- floor: walking the frame headers in one buffer, slicing each payload.
"""

from __future__ import annotations

import io
import time
from typing import Any

from dockerd import IMAGE

from genet_rx.wire.frames import LogDemuxer

from .common import Row, log, median, raw_get
from .testbed import Testbed

CHUNK = 64 * 1024
OUT_LINE = "INFO 200 GET /api/v1/items/42?expand=owner 12.4ms user=alice trace=4bf92f3577b34da6a"
ERR_LINE = "WARN slow query 1200ms: SELECT * FROM items WHERE owner_id = 42 AND state = 'open'"


def record(tb: Testbed, lines: int) -> tuple[bytes, bytes]:
    """(stream, stream with timestamps) of a container's ~``lines`` lines of output."""
    api = tb.api
    script = (f"(yes '{OUT_LINE}' | head -n {lines * 3 // 4}) & "
              f"(yes '{ERR_LINE}' | head -n {lines // 4} >&2) & wait")
    c = api.create_container(IMAGE, ["sh", "-c", script], labels={"genet-bench-logs": "1"},
                             host_config=api.create_host_config(network_mode="none"))
    try:
        api.start(c)
        api.wait(c, timeout=300)
        base = f"/containers/{c['Id']}/logs?stdout=1&stderr=1"
        plain = raw_get(tb.url, base)
        stamped = raw_get(tb.url, base + "&timestamps=1")
    finally:
        api.remove_container(c, force=True)
    log(f"recorded a log stream: {len(plain) / 1e6:.1f} MB "
        f"({len(stamped) / 1e6:.1f} MB with timestamps)")
    return plain, stamped


def genet(data: bytes, timestamps: bool = False) -> int:
    d = LogDemuxer(multiplexed=True, timestamps=timestamps)
    n = 0
    for i in range(0, len(data), CHUNK):
        n += len(d.feed(data[i:i + CHUNK]))
    return n + len(d.close())


class _Stub:
    def _get_raw_response_socket(self, response: Any) -> None:
        return None

    def _disable_socket_timeout(self, socket: Any) -> None:
        return None


class _Response:
    def __init__(self, data: bytes) -> None:
        self.raw = io.BufferedReader(io.BytesIO(data), CHUNK)


def dockerpy_frames(data: bytes) -> int:
    from docker.api.client import APIClient

    helper = APIClient._multiplexed_response_stream_helper
    return sum(1 for _ in helper(_Stub(), _Response(data)))


def dockerpy_lines(data: bytes) -> int:
    """docker-py's frames, then what an app adds: decode and split into lines. (docker-py
    does not say which frame was stderr, so an app cannot label it without its own reader.)"""
    from docker.api.client import APIClient

    helper = APIClient._multiplexed_response_stream_helper
    n = 0
    rest = ""
    for payload in helper(_Stub(), _Response(data)):
        text = rest + payload.decode("utf-8", "replace")
        *lines, rest = text.split("\n")
        n += len(lines)
    return n + (1 if rest else 0)


def floor(data: bytes) -> int:
    view = memoryview(data)
    pos, end, n = 0, len(data), 0
    while pos + 8 <= end:
        size = int.from_bytes(view[pos + 4:pos + 8], "big")
        bytes(view[pos + 8:pos + 8 + size])
        pos += 8 + size
        n += 1
    return n


def run(tb: Testbed, lines: int, runs: int) -> list[Row]:
    plain, stamped = record(tb, lines)
    contenders = {
        "floor": ("frame walk + payload slice (floor)", lambda: floor(plain)),
        "genet": ("Genet LogDemuxer → lines", lambda: genet(plain)),
        "genet-ts": ("Genet LogDemuxer → lines, timestamps=1", lambda: genet(stamped, True)),
        "dockerpy": ("docker-py frame reader (payload bytes)", lambda: dockerpy_frames(plain)),
        "dockerpy-lines": ("docker-py frames + decode/split lines", lambda: dockerpy_lines(plain)),
    }
    sizes = {k: len(stamped if k == "genet-ts" else plain) for k in contenders}
    speed: dict[str, list[float]] = {k: [] for k in contenders}
    counts: dict[str, int] = {}
    for r in range(runs + 1):
        for key, (_name, fn) in contenders.items():
            t = time.process_time()
            counts[key] = fn()
            dt = time.process_time() - t
            if r > 0:
                speed[key].append(sizes[key] / dt / 1e6)
    if counts["genet"] != counts["dockerpy-lines"]:
        log(f"note: Genet made {counts['genet']} lines, docker-py+split {counts['dockerpy-lines']}")
    mb = len(plain) / 1e6
    return [Row("4 log demux", name, median(speed[key]), "MB/s", better="higher",
                genet=(key == "genet"), floor=(key == "floor"), part=(key == "genet-ts"),
                note=f"{sizes[key] / 1e6:.1f} MB, {counts[key]:,} "
                     f"{'frames' if key in ('floor', 'dockerpy') else 'lines'}",
                runs=runs)
            for key, (name, _fn) in contenders.items()] if mb else []
