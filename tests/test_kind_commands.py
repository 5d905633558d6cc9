"""Commands on images, volumes and networks, issued by Genet on the real private daemon.

Each command is a value sent with `engine.execute`; the state changes only when the engine's
own event arrives, and a refusal comes back as the engine's own words.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dockerd import IMAGE
from engine_helpers import synced_engine, wait_for
from registry import push_layers_image

from genet_rx import Engine
from genet_rx.engine.commands import (
    ConnectNetwork,
    CreateNetwork,
    CreateVolume,
    DisconnectNetwork,
    Outcome,
    PruneImages,
    PruneVolumes,
    RemoveImage,
    RemoveNetwork,
    RemoveVolume,
    RunContainer,
)
from genet_rx.model.pull import PullProgress
from genet_rx.state.relations import network_members, volume_users

pytestmark = pytest.mark.engine


@pytest.fixture
def engine(engine_url: str) -> Iterator[Engine]:
    yield from synced_engine(engine_url)


def test_run_creates_and_starts_a_container_with_its_volume_and_network(
        engine: Engine, docker, unique_name: str) -> None:
    net = engine.execute(CreateNetwork(f"{unique_name}-net")).run()
    assert net.outcome is Outcome.DONE
    vol = engine.execute(CreateVolume(f"{unique_name}-vol")).run()
    assert vol.outcome is Outcome.DONE
    run = engine.execute(RunContainer(
        IMAGE, name=unique_name, cmd=("sleep", "300"), env=("GREETING=hi",),
        restart="on-failure:2", mounts=((f"{unique_name}-vol", "/data"),),
        network=f"{unique_name}-net")).run()
    assert run.outcome is Outcome.DONE, run.message
    cid = run.answer["Id"]
    try:
        wait_for(lambda: (r := engine.table.get(cid)) and r.state.value == "running",
                 what="the new container running")
        # Who mounts what comes with the inspect the create event asks for: it may land
        # after the start event.
        wait_for(lambda: [c.id for c in volume_users(engine.latest, f"{unique_name}-vol")]
                 == [cid], what="the container among the volume's users")
        net_id = net.answer["Id"]
        wait_for(lambda: [c.id for c in network_members(engine.latest, net_id)] == [cid],
                 what="the container on its network")
        env = docker("inspect", "-f", "{{json .Config.Env}}", cid)
        assert "GREETING=hi" in env
        policy = docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}:"
                        "{{.HostConfig.RestartPolicy.MaximumRetryCount}}", cid)
        assert policy == "on-failure:2"
        in_use = engine.execute(RemoveVolume(f"{unique_name}-vol")).run()
        assert in_use.outcome is Outcome.FAILED
        assert "in use" in in_use.message
    finally:
        docker("rm", "-f", cid)
    assert engine.execute(RemoveVolume(f"{unique_name}-vol")).run().outcome is Outcome.DONE
    assert engine.execute(RemoveNetwork(net.answer["Id"])).run().outcome is Outcome.DONE


def test_run_refused_gives_the_engines_words(engine: Engine, unique_name: str) -> None:
    refused = engine.execute(RunContainer("genet-test/no-such-image:1", name=unique_name)).run()
    assert refused.outcome is Outcome.FAILED
    assert "No such image" in refused.message


def test_connect_and_disconnect_a_container(engine: Engine, docker, unique_name: str) -> None:
    net_id = docker("network", "create", unique_name)
    cid = docker.run_detached(name=unique_name)
    try:
        assert engine.execute(ConnectNetwork(net_id, cid)).run().outcome is Outcome.DONE
        wait_for(lambda: [c.id for c in network_members(engine.latest, net_id)] == [cid],
                 what="the member after connect")
        assert engine.execute(DisconnectNetwork(net_id, cid)).run().outcome is Outcome.DONE
        wait_for(lambda: network_members(engine.latest, net_id) == (),
                 what="no member after disconnect")
    finally:
        docker("rm", "-f", cid)
        docker("network", "rm", net_id)


def test_a_builtin_network_cannot_be_removed(engine: Engine) -> None:
    none = next(n.id for n in engine.latest.networks.rows.values() if n.name == "none")
    refused = engine.execute(RemoveNetwork(none)).run()
    assert refused.outcome is Outcome.FAILED
    assert "pre-defined" in refused.message


def test_removing_an_image_in_use_is_refused_then_forced(engine: Engine, docker,
                                                        unique_name: str) -> None:
    tag = f"genet-test/{unique_name}:1"
    docker("tag", IMAGE, tag)
    image_id = docker("image", "inspect", "-f", "{{.Id}}", IMAGE)
    refused = engine.execute(RemoveImage(image_id)).run()
    assert refused.outcome is Outcome.FAILED
    assert "must be forced" in refused.message or "being used" in refused.message
    assert engine.execute(RemoveImage(tag)).run().outcome is Outcome.DONE
    wait_for(lambda: tag not in engine.latest.images.rows[image_id].tags, what="untagged")


def test_prunes_say_what_they_reclaimed(engine: Engine, docker, unique_name: str) -> None:
    docker("volume", "create", f"{unique_name}-spare")
    wait_for(lambda: f"{unique_name}-spare" in engine.latest.volumes.rows, what="the volume")
    pruned = engine.execute(PruneVolumes()).run()
    assert pruned.outcome is Outcome.DONE
    assert pruned.message.endswith("reclaimed")
    assert "volume" in pruned.message
    wait_for(lambda: f"{unique_name}-spare" not in engine.latest.volumes.rows,
             what="the pruned volume gone from the state")
    images = engine.execute(PruneImages()).run()
    assert images.outcome is Outcome.DONE
    assert "image" in images.message


def test_disk_usage_counts_what_the_engine_holds(engine: Engine) -> None:
    usage = engine.disk_usage().run()
    assert usage.images.count >= 1
    assert usage.images.size > 0


def test_engine_pull_shows_progress_and_the_image_appears(engine: Engine, docker, registry,
                                                          engine_url: str,
                                                          unique_name: str) -> None:
    ref = push_layers_image(engine_url, registry, repository=f"genet/{unique_name}")
    seen: list[PullProgress] = []
    engine.pull(ref).subscribe(seen.append)
    wait_for(lambda: seen and seen[-1].finished, timeout=60, what="the pull to finish")
    assert len({layer.id for layer in seen[-1].layers}) >= 3
    assert max(p.done_bytes for p in seen) > 0
    image_id = docker("image", "inspect", "-f", "{{.Id}}", ref)
    wait_for(lambda: image_id in engine.latest.images.rows, what="the pulled image in the state")
    docker("rmi", ref)


def test_engine_pull_of_an_unknown_image_is_a_clear_error(engine: Engine, registry) -> None:
    errors: list[Exception] = []
    engine.pull(f"{registry.address}/genet/no-such-image:1").subscribe(on_error=errors.append)
    wait_for(lambda: errors, what="the pull's error")
    assert "not found" in str(errors[0])
