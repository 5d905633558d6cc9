"""Images, volumes and networks live, on the real private daemon.

Each step is made from outside (the docker CLI, as a user would) and ends with Genet's state,
and the replayed `genet watch --json` lines, equal to the engine's own lists. No reconcile runs
during these tests: only events and the inspects they ask for may keep the state right.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerd import IMAGE
from engine_helpers import Watch, synced_engine, wait_for
from registry import push_layers_image

from genet_rx import Engine
from genet_rx.state.relations import image_users, network_members, volume_users

pytestmark = pytest.mark.engine


@pytest.fixture
def engine(engine_url: str) -> Iterator[Engine]:
    yield from synced_engine(engine_url)


def engine_images(docker: Any) -> dict[str, tuple[str, ...]]:
    """id → sorted tags, as `docker image ls -a` says ("<none>" tags left out)."""
    out = docker("image", "ls", "-a", "--no-trunc", "--format", "{{.ID}}\t{{.Repository}}:{{.Tag}}")
    images: dict[str, set[str]] = {}
    for line in out.splitlines():
        image_id, ref = line.split("\t")
        tags = images.setdefault(image_id, set())
        if "<none>" not in ref:
            tags.add(ref)
    return {i: tuple(sorted(t)) for i, t in images.items()}


def engine_volumes(docker: Any) -> set[str]:
    return set(docker("volume", "ls", "--format", "{{.Name}}").split())


def engine_networks(docker: Any) -> dict[str, tuple[str, str]]:
    out = docker("network", "ls", "--no-trunc", "--format", "{{.ID}}\t{{.Name}}\t{{.Driver}}")
    return {i: (n, d) for i, n, d in (line.split("\t") for line in out.splitlines())}


def genet_view(eng: Engine) -> tuple[object, object, object]:
    s = eng.latest
    return ({i: tuple(sorted(r.tags)) for i, r in s.images.rows.items()},
            set(s.volumes.rows),
            {i: (r.name, r.driver) for i, r in s.networks.rows.items()})


def watch_view(watch: Watch) -> tuple[object, object, object]:
    objects = watch.replay_all()
    return ({k[1]: tuple(sorted(v["tags"])) for k, v in objects.items() if k[0] == "image"},
            {k[1] for k in objects if k[0] == "volume"},
            {k[1]: (v["name"], v["driver"]) for k, v in objects.items() if k[0] == "network"})


def wait_equal(eng: Engine, docker: Any, watch: Watch, step: str) -> None:
    """Genet's state and the replayed watch lines both equal the engine's lists."""
    seen: list[object] = []

    def same() -> bool:
        want = (engine_images(docker), engine_volumes(docker), engine_networks(docker))
        seen[:] = [want, genet_view(eng), watch_view(watch)]
        return seen[0] == seen[1] == seen[2]

    try:
        wait_for(same, timeout=15, what=f"{step}: Genet == engine")
    except AssertionError:
        raise AssertionError(f"after {step}:\nengine {seen[0]}\ngenet  {seen[1]}\n"
                             f"watch  {seen[2]}") from None


def image_id(docker: Any, ref: str) -> str:
    return str(docker("image", "inspect", "-f", "{{.Id}}", ref))


def make_rootfs_tar(path: Path) -> Path:
    folder = path / "rootfs"
    folder.mkdir()
    (folder / "hello.txt").write_text("hello from an imported image\n")
    tar = path / "rootfs.tar"
    with tarfile.open(tar, "w") as out:
        out.add(folder / "hello.txt", arcname="hello.txt")
    return tar


def test_images_tag_untag_import_remove_and_pull(engine: Engine, docker, engine_url: str,
                                                  registry, tmp_path: Path,
                                                  unique_name: str) -> None:
    watch = Watch(engine_url, "--kinds", "images,volumes,networks")
    try:
        wait_equal(engine, docker, watch, "the first sync")
        extra = f"genet-test/{unique_name}:1"
        docker("tag", IMAGE, extra)
        wait_equal(engine, docker, watch, "tag")
        assert extra in engine.latest.images.rows[image_id(docker, IMAGE)].tags
        docker("rmi", extra)
        wait_equal(engine, docker, watch, "untag")

        imported = f"genet-test/{unique_name}-imported:1"
        docker("import", str(make_rootfs_tar(tmp_path)), imported)
        wait_equal(engine, docker, watch, "import")
        docker("rmi", imported)
        wait_equal(engine, docker, watch, "remove")

        pushed = push_layers_image(engine_url, registry, repository=f"genet/{unique_name}")
        wait_equal(engine, docker, watch, "push and local removal")
        docker("pull", pushed)
        wait_equal(engine, docker, watch, "pull")
        pulled = image_id(docker, pushed)
        assert engine.latest.images.rows[pulled].tags == (pushed,)
        docker("rmi", pushed)
        wait_equal(engine, docker, watch, "remove after pull")
    finally:
        assert watch.stop() == 0


def test_volumes_create_use_remove_prune(engine: Engine, docker, engine_url: str,
                                         unique_name: str) -> None:
    watch = Watch(engine_url, "--kinds", "volumes")
    try:
        docker("volume", "create", unique_name)
        wait_for(lambda: unique_name in engine.latest.volumes.rows, what="the new volume")
        user = docker.run_detached("-v", f"{unique_name}:/data", IMAGE, "sleep", "300",
                                   name=f"{unique_name}-user")
        wait_for(lambda: [c.id for c in volume_users(engine.latest, unique_name)] == [user],
                 what="the volume's user")
        assert watch_used_by(watch, unique_name) == [user]
        docker("rm", "-f", user)
        wait_for(lambda: volume_users(engine.latest, unique_name) == (), what="no user left")
        docker("volume", "rm", unique_name)
        wait_for(lambda: unique_name not in engine.latest.volumes.rows, what="volume removed")
        docker("volume", "create", f"{unique_name}-spare")
        wait_for(lambda: f"{unique_name}-spare" in engine.latest.volumes.rows, what="spare")
        docker("volume", "prune", "-f")
        wait_for(lambda: set(engine.latest.volumes.rows) == engine_volumes(docker),
                 what="the state after prune to equal the engine's list")
        assert f"{unique_name}-spare" not in engine.latest.volumes.rows
        wait_for(lambda: {k[1] for k in watch.replay_all()} == engine_volumes(docker),
                 what="watch replay == the engine's volumes")
    finally:
        assert watch.stop() == 0


def watch_used_by(watch: Watch, name: str) -> list[str]:
    def used() -> list[str] | None:
        line = watch.replay_all().get(("volume", name))
        return line["used_by"] if line and line["used_by"] else None
    return wait_for(used, what="the watch line with the volume's user")


def test_networks_create_connect_disconnect_remove(engine: Engine, docker, engine_url: str,
                                                   unique_name: str) -> None:
    watch = Watch(engine_url, "--kinds", "networks")
    try:
        net = docker("network", "create", unique_name)
        wait_for(lambda: net in engine.latest.networks.rows, what="the new network")
        assert engine.latest.networks.rows[net].name == unique_name
        member = docker.run_detached(name=f"{unique_name}-member")
        docker("network", "connect", unique_name, member)
        wait_for(lambda: [c.id for c in network_members(engine.latest, net)] == [member],
                 what="the network's member")
        wait_for(lambda: watch.replay_all().get(("network", net), {}).get("containers")
                 == [member], what="the watch line with the member")
        docker("network", "disconnect", unique_name, member)
        wait_for(lambda: network_members(engine.latest, net) == (), what="no member left")
        docker("network", "rm", unique_name)
        wait_for(lambda: net not in engine.latest.networks.rows, what="network removed")
        wait_for(lambda: ("network", net) not in watch.replay_all(), what="watch says removed")
    finally:
        assert watch.stop() == 0


def test_image_users_follow_the_containers(engine: Engine, docker, unique_name: str) -> None:
    busybox = image_id(docker, IMAGE)
    cid = docker.run_detached(name=unique_name)
    wait_for(lambda: cid in [c.id for c in image_users(engine.latest, busybox)],
             what="the container among the image's users")
    docker("rm", "-f", cid)
    wait_for(lambda: cid not in [c.id for c in image_users(engine.latest, busybox)],
             what="the container gone from the image's users")


def test_the_image_inspect_and_history_are_the_engines(engine: Engine, docker) -> None:
    busybox = image_id(docker, IMAGE)
    doc = engine.inspect(busybox, kind="image").run()
    assert doc["Id"] == busybox
    layers = engine.image_history(busybox).run()
    assert layers
    assert json.loads(docker("image", "inspect", busybox))[0]["Id"] == doc["Id"]
