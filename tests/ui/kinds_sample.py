"""Images, volumes and networks for UI tests, with containers that use them.

Fixed values (created times, ids) so screenshots stay the same run to run.
"""

from __future__ import annotations

from typing import Any

import immutables

from genet_rx.model.attachments import Attachments
from genet_rx.model.containers import Container, State
from genet_rx.model.disk import DiskUsage, Usage
from genet_rx.model.images import Image, ImageLayer
from genet_rx.model.networks import Network
from genet_rx.model.volumes import Volume
from genet_rx.state.resources import Table

CREATED = 1_795_000_000  # seconds

NGINX = "sha256:" + "1a" * 32
POSTGRES = "sha256:" + "2b" * 32
REDIS = "sha256:" + "3c" * 32
DANGLING = "sha256:" + "4d" * 32
BUSYBOX = "sha256:" + "5e" * 32

BRIDGE = "b1" * 32
HOST = "b2" * 32
NONE = "b3" * 32
SHOP = "c1" * 32
EMPTY_NET = "c2" * 32


def table(rows: list[Any], key: Any) -> Table[Any]:
    return Table(rows=immutables.Map({key(r): r for r in rows}), synced=True)


def images() -> Table[Image]:
    return table([
        Image(NGINX, tags=("nginx:1.27", "nginx:latest"), digests=("nginx@sha256:" + "9f" * 32,),
              size=192_400_000, created=CREATED, labels={"maintainer": "NGINX Docker Maintainers"}),
        Image(POSTGRES, tags=("postgres:16",), size=431_000_000, created=CREATED - 86400 * 20),
        Image(REDIS, tags=("redis:7",), size=117_300_000, created=CREATED - 86400 * 40),
        Image(DANGLING, size=54_800_000, created=CREATED - 86400 * 3),
        Image(BUSYBOX, tags=("busybox:latest",), size=4_260_000, created=CREATED - 86400 * 90),
    ], lambda i: i.id)


def volumes() -> Table[Volume]:
    return table([
        Volume("shop_db-data", driver="local", mountpoint="/var/lib/docker/volumes/shop_db-data"
               "/_data", labels={"com.docker.compose.project": "shop"}, scope="local",
               created_ns=CREATED * 10**9),
        Volume("cache-data", driver="local", mountpoint="/var/lib/docker/volumes/cache-data/_data",
               scope="local", created_ns=(CREATED - 3600) * 10**9),
        Volume("9f" * 32, driver="local", mountpoint="/var/lib/docker/volumes/" + "9f" * 32
               + "/_data", scope="local"),
    ], lambda v: v.name)


def networks() -> Table[Network]:
    return table([
        Network(BRIDGE, "bridge", "bridge", "local", subnets=(("172.17.0.0/16", "172.17.0.1"),)),
        Network(HOST, "host", "host", "local"),
        Network(NONE, "none", "null", "local"),
        Network(SHOP, "shop_default", "bridge", "local", attachable=True,
                subnets=(("172.20.0.0/16", "172.20.0.1"),),
                labels={"com.docker.compose.project": "shop"}, created_ns=CREATED * 10**9),
        Network(EMPTY_NET, "lab", "bridge", "local", subnets=(("10.9.0.0/24", ""),)),
    ], lambda n: n.id)


def containers() -> list[Container]:
    shop = {"com.docker.compose.project": "shop"}
    return [
        Container(id="a1" * 32, name="web", image="nginx:1.27", state=State.RUNNING,
                  labels=shop, created=CREATED,
                  uses=Attachments(NGINX, (), ((SHOP, "shop_default", "172.20.0.3"),))),
        Container(id="b2" * 32, name="db", image="postgres:16", state=State.RUNNING,
                  labels=shop, created=CREATED,
                  uses=Attachments(POSTGRES, ("shop_db-data",),
                                   ((SHOP, "shop_default", "172.20.0.2"),))),
        Container(id="c3" * 32, name="cache", image="redis:7", state=State.EXITED, exit_code=0,
                  created=CREATED,
                  uses=Attachments(REDIS, ("cache-data",), ((BRIDGE, "bridge", ""),))),
        Container(id="d4" * 32, name="probe", image="busybox", state=State.RUNNING,
                  created=CREATED, uses=Attachments(BUSYBOX, (), ())),
    ]


def history() -> tuple[ImageLayer, ...]:
    return (
        ImageLayer("<missing>", CREATED, '/bin/sh -c #(nop)  CMD ["nginx" "-g" "daemon off;"]', 0),
        ImageLayer("<missing>", CREATED, "/bin/sh -c #(nop)  EXPOSE 80", 0),
        ImageLayer("<missing>", CREATED, "/bin/sh -c set -x && apt-get update && apt-get install "
                   "--no-install-recommends -y nginx=1.27.0 && rm -rf /var/lib/apt/lists/*",
                   112_700_000),
        ImageLayer("<missing>", CREATED, "/bin/sh -c #(nop) ADD file:0ab1c2 in / ", 79_700_000),
    )


def usage() -> DiskUsage:
    return DiskUsage(
        images=Usage(5, 4, 799_760_000, 54_800_000),
        containers=Usage(4, 3, 12_400, 0),
        volumes=Usage(3, 2, 1_204_000_000, 33_000),
        build_cache=Usage(0, 0, 0, 0),
    )
