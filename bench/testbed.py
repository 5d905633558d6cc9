"""The bench's own engine: a private dockerd (tests/dockerd.py) holding N bench containers.

Containers carry the label ``genet-bench=1``; the first ``running`` of them run ``sleep`` under
``--init`` (so stop is prompt), the rest are only created (a created container costs the
daemon a directory, no process: that is how 1,000 fit on this machine). Setup uses docker-py
(bench extra only); the daemon and everything in it go away with ``close()``.
"""

from __future__ import annotations

import contextlib
import io
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dockerd import IMAGE, PrivateDaemon, build_busybox_image

from .common import log, raw_json

LABEL = {"genet-bench": "1"}


class Testbed:
    def __init__(self) -> None:
        self.daemon = PrivateDaemon()
        self._api: Any = None

    def start(self) -> None:
        t = time.monotonic()
        self.daemon.start()
        build_busybox_image(self.daemon.url)
        log(f"private dockerd up at {self.daemon.url} ({time.monotonic() - t:.1f}s)")

    @property
    def url(self) -> str:
        return self.daemon.url

    @property
    def pid(self) -> int:
        pid = self.daemon.pid
        assert pid is not None, "dockerd is not running"
        return pid

    @property
    def api(self) -> Any:
        if self._api is None:
            import docker

            self._api = docker.APIClient(base_url=self.url, version="auto", timeout=120)
        return self._api

    def version(self) -> dict[str, Any]:
        v = raw_json(self.url, "/version")
        assert isinstance(v, dict)
        return v

    def bench_ids(self) -> list[str]:
        return [c["Id"] for c in self.api.containers(all=True, filters={"label": "genet-bench"})]

    def running_ids(self) -> list[str]:
        return [c["Id"] for c in self.api.containers(filters={"label": "genet-bench"})]

    def ensure(self, total: int, running: int) -> list[str]:
        """Exactly ``total`` bench containers, at least ``running`` of them running."""
        t = time.monotonic()
        ids = self.bench_ids()
        if len(ids) > total:
            extra = ids[total:]
            self._parallel(lambda cid: self.api.remove_container(cid, force=True), extra)
            ids = ids[:total]
        missing = total - len(ids)
        if missing > 0:
            start_no = len(ids)
            new = self._parallel(self._create, range(start_no, start_no + missing))
            ids += new
        up = set(self.running_ids())
        want_up = [cid for cid in ids[:running] if cid not in up]
        if want_up:
            self._parallel(self.api.start, want_up)
        log(f"{total} bench containers, {max(running, len(up))} running "
            f"({time.monotonic() - t:.1f}s)")
        return ids

    def _create(self, n: int) -> str:
        host_config = self.api.create_host_config(init=True, network_mode="none")
        c = self.api.create_container(IMAGE, ["sleep", "1000000"], name=f"bench-{n:05d}",
                                      labels=LABEL, host_config=host_config)
        return str(c["Id"])

    def import_images(self, count: int, repository: str = "genet-bench/img") -> None:
        """``count`` tagged images ``<repository>:<n>``, each imported from a tar of one tiny
        file of its own (one layer, no registry, no build)."""
        t = time.monotonic()

        def one(n: int) -> None:
            self.api.import_image_from_data(_layer_tar(n), repository=repository, tag=str(n),
                                            changes=["LABEL genet-bench=1"])

        self._parallel(one, range(count))
        log(f"{count} images imported ({time.monotonic() - t:.1f}s)")

    def _parallel(self, fn: Any, items: Any, workers: int = 6) -> list[Any]:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(fn, items))

    def close(self) -> None:
        # Kill what runs first (in parallel): a daemon stopping 100 containers one by one
        # takes most of a minute.
        with contextlib.suppress(Exception):
            if self.daemon.running:
                self._parallel(lambda cid: self.api.kill(cid), self.running_ids())
        with contextlib.suppress(Exception):
            if self._api is not None:
                self._api.close()
        self.daemon.cleanup()


def _layer_tar(n: int) -> bytes:
    """A tar of one small file whose bytes say ``n``: a layer no other image has."""
    data = f"genet bench image {n}\n".encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo(f"image-{n}")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return out.getvalue()
