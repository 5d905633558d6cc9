"""Starting and stopping the watcher processes of bench/watchers.py."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import tempfile
import time
from typing import Any

from .common import PY, ROOT


class Watcher:
    def __init__(self, kind: str, url: str, ready_timeout: float = 60.0) -> None:
        self.kind = kind
        fd, self.out = tempfile.mkstemp(prefix=f"genet-bench-{kind}-", suffix=".json")
        os.close(fd)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([PY, "-m", "bench.watchers", kind, url, self.out],
                                     stdout=subprocess.PIPE, cwd=ROOT, env=env)
        self._wait_ready(ready_timeout)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _wait_ready(self, timeout: float) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        buf = b""
        while b"READY" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.proc.kill()
                raise RuntimeError(f"watcher {self.kind} did not get ready "
                                   f"(exit code {self.proc.poll()})")
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                data = os.read(self.proc.stdout.fileno(), 4096)
                if not data:
                    continue
                buf += data

    def stop(self) -> list[list[Any]]:
        """SIGTERM: the watcher writes what it saw and exits."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        try:
            with open(self.out) as f:
                records = json.load(f)
        except (OSError, ValueError):
            records = []
        finally:
            os.unlink(self.out)
        return records


def stop_all(watchers: list[Watcher]) -> dict[str, list[list[Any]]]:
    for w in watchers:
        if w.proc.poll() is None:
            w.proc.send_signal(signal.SIGTERM)
    return {w.kind: w.stop() for w in watchers}
