"""Record real pull streams into tests/samples/ (as root: `python tests/record_pull_samples.py`).

A private daemon and a local registry, both of the test suite's making; `curl` over the
daemon's socket, so the bytes are exactly the engine's, chunking aside. It records:

- pull-layers.ndjson: a first pull of genet/layers:1 (three new layers, busybox's exists);
- pull-up-to-date.ndjson: the same pull again;
- pull-second-tag.ndjson: genet/layers:2 (one layer on top of :1) while :1 is present;
- pull-midway-error.ndjson: a pull whose layer blob was corrupted in the registry, which
  fails in-band after the 200;
- pull-slow-waiting.ndjson: four new layers through a slow relay (more Downloading lines;
  the engine downloads three at a time, so one layer waits).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dockerd import IMAGE, PrivateDaemon, build_busybox_image
from registry import (
    LocalRegistry,
    SlowRelay,
    _docker,
    manifest_layers,
    push_layers_image,
)

SAMPLES = Path(__file__).parent / "samples"


def record(daemon: PrivateDaemon, image: str, tag: str, name: str) -> None:
    done = subprocess.run(
        ["curl", "-sS", "--unix-socket", daemon.socket_path, "-X", "POST",
         f"http://docker/v1.41/images/create?fromImage={image}&tag={tag}"],
        capture_output=True, check=True, timeout=300)
    (SAMPLES / name).write_bytes(done.stdout)
    print(f"{name}: {len(done.stdout.splitlines())} lines")


def main() -> None:
    SAMPLES.mkdir(exist_ok=True)
    with PrivateDaemon() as daemon:
        build_busybox_image(daemon.url)
        registry = LocalRegistry()
        try:
            registry.start()
            # Recorded files name the registry 127.0.0.1:5000 whatever port it had.
            ref = push_layers_image(daemon.url, registry)
            image = ref.rsplit(":", 1)[0]
            record(daemon, image, "1", "pull-layers.ndjson")
            record(daemon, image, "1", "pull-up-to-date.ndjson")
            push_layers_image(daemon.url, registry, tag="2", layers=1, base=ref)
            record(daemon, image, "2", "pull-second-tag.ndjson")
            _docker(daemon.url, "rmi", f"{image}:1", f"{image}:2")
            broken = push_layers_image(daemon.url, registry, repository="genet/broken",
                                       tag="1", layers=2)
            last = manifest_layers(registry, "genet/broken", "1")[-1]
            blob = registry.blob_path(last)
            blob.write_bytes(os.urandom(blob.stat().st_size))
            record(daemon, broken.rsplit(":", 1)[0], "1", "pull-midway-error.ndjson")
            _docker(daemon.url, "image", "inspect", IMAGE)
            push_layers_image(daemon.url, registry, repository="genet/slow", layers=4)
            with SlowRelay(registry.port, rate=4 << 20) as relay:
                record(daemon, f"{relay.address}/genet/slow", "1", "pull-slow-waiting.ndjson")
            for path in SAMPLES.glob("pull-*.ndjson"):
                text = path.read_text().replace(registry.address, "127.0.0.1:5000")
                text = text.replace(relay.address, "127.0.0.1:5000")
                path.write_text(text)
        finally:
            registry.cleanup()


if __name__ == "__main__":
    main()
