"""Item 10: image list sync — from nothing to the full image list in hand.

Item 3's shape (bench/sync.py ``run``: each contender cold, round-robin, the first round
warm-up, every answer checked to hold all N images), with the image list's contenders: Genet
``connect()`` until its synced image table (the sync lists containers first, then the other
kinds together: this engine has no containers), Genet's client list alone (``snapshot``: the
body decoded by msgspec into typed ``Image`` rows; and the same list decoded the way of
before and of the fallback, ``json.loads`` + ``image_from_list``, side by side), docker-py
``images.list()`` (which inspects every image), docker-py's one-request
``APIClient.images()`` (dicts), aiodocker ``images.list()``, ``docker images`` (a process)
and a raw-socket GET + ``json.loads`` (floor).

Wall time, and the client's CPU time (on a loaded machine it moves less than wall time).
N images on the private dockerd are imported from tiny tars (one file each: one layer, no
registry, no build); larger counts are served by the fake engine.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import Callable

from dockerd import docker_cli

from .common import Row, raw_get
from .sync import genet_sync
from .sync import run as run_sync

ITEM = "10 image list sync"
REPOSITORY = "genet-bench/img"


def genet_list(url: str) -> int:
    from genet_rx.api.client import EngineClient
    from genet_rx.engine.answers import snapshot

    return len(snapshot(EngineClient(url), "image").rows)  # what the sync lists


def genet_list_json(url: str) -> int:
    """The list decoded as Genet did before msgspec, and still does for a body msgspec
    refuses (the fallback): ``json.loads`` + ``image_from_list`` per entry."""
    from genet_rx.api import images
    from genet_rx.api.client import EngineClient
    from genet_rx.model.images import image_from_list

    client = EngineClient(url)
    answer = images.list_response(client).json()
    return len(tuple(image_from_list(e, client.host) for e in answer if isinstance(e, dict)))


def dockerpy(url: str) -> int:
    import docker

    client = docker.DockerClient(base_url=url)
    try:
        return len(client.images.list())
    finally:
        client.close()


def dockerpy_api(url: str) -> int:
    import docker

    client = docker.APIClient(base_url=url, version="auto")
    try:
        return len(client.images())
    finally:
        client.close()


def aiodocker_list(url: str) -> int:
    import aiodocker

    async def go() -> int:
        async with aiodocker.Docker(url=url) as d:
            return len(await d.images.list())

    return asyncio.run(go())


def cli(url: str) -> int:
    env = {**os.environ, "DOCKER_HOST": url}
    env.pop("DOCKER_CONTEXT", None)
    out = subprocess.run([docker_cli(), "images", "--no-trunc"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return len(out.splitlines()) - 1  # one line a tag: every image here has one


def floor(url: str) -> int:
    return len(json.loads(raw_get(url, "/images/json")))


CONTENDERS: dict[str, tuple[str, Callable[[str], int]]] = {
    "floor": ("raw socket GET + json.loads (floor)", floor),
    "genet": ("Genet connect → synced image table", lambda u: genet_sync(u, "images")),
    "genet-list": ("Genet client list → typed rows (no events)", genet_list),
    "genet-list-json": ("Genet client list, json.loads + image_from_list (fallback)",
                        genet_list_json),
    "dockerpy": ("docker-py images.list() (inspects each)", dockerpy),
    "dockerpy-api": ("docker-py APIClient.images() (dicts)", dockerpy_api),
    "aiodocker": ("aiodocker images.list()", aiodocker_list),
    "cli": ("docker images (CLI process)", cli),
}


def run(url: str, where: str, runs: int) -> list[Row]:
    """Item 10 against the engine at ``url`` (``where`` it is, for the group): every image it
    holds is listed."""
    n = floor(url)
    return run_sync(url, n, f"{n:,} images, {where}", runs, contenders=CONTENDERS, item=ITEM,
                    what="images", cpu=True)
