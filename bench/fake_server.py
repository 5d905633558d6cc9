"""A fake engine (tests/fake_engine.py) holding N containers, in a process of its own so the
clients measured against it never share its GIL: ``python -m bench.fake_server N [RUNNING
[LOG_RATE]]`` (RUNNING: how many run, a tenth by default; LOG_RATE: lines a second each
container's followed logs print, 0 by default: no logs). Prints its URL, then serves until
stdin closes."""

from __future__ import annotations

import hashlib
import os
import sys

from fake_engine import FakeEngine

from .common import ROOT  # noqa: F401  (puts tests/ on sys.path)


def image_entry(i: int) -> dict[str, object]:
    """An entry of ``GET /images/json`` as Docker 20.10 lists a tagged image of one layer."""
    digest = hashlib.sha256(b"genet-bench-image-%d" % i).hexdigest()
    return {"Containers": -1, "Created": 1_700_000_000 + i, "Id": f"sha256:{digest}",
            "Labels": {"genet-bench": "1"}, "ParentId": "",
            "RepoDigests": [f"genet-bench/img@sha256:{digest[::-1]}"],
            "RepoTags": [f"genet-bench/img:{i}"], "SharedSize": -1, "Size": 1_234_567 + i,
            "VirtualSize": 1_234_567 + i}


def main() -> None:
    n = int(sys.argv[1])
    running = int(sys.argv[2]) if len(sys.argv) > 2 else n // 10
    images = int(os.environ.get("GENET_BENCH_FAKE_IMAGES", "0"))  # item 10: M tagged images
    fake = FakeEngine()
    fake.log_rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    labels = {"com.docker.compose.project": "bench", "genet-bench": "1"}
    for i in range(n):
        fake.add_container(f"bench-{i:05d}", image="genet-test/busybox",
                           state="running" if i < running else "exited",
                           labels={**labels, "com.docker.compose.service": f"svc{i % 50}"})
    for i in range(images):
        fake.add_object("image", image_entry(i))
    print(fake.url, flush=True)
    try:
        sys.stdin.read()
    finally:
        fake.close()


if __name__ == "__main__":
    main()
