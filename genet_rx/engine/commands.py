"""Commands a person issues, as values, and their results as values.

A command never edits the table: the engine's event does. Its result only says whether the
engine accepted it, and if not, why, in the engine's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import partial
from typing import Any

from msgspec import Struct

from genet_rx.api import containers, images, networks, swarm, volumes
from genet_rx.api.client import EngineClient, describe
from genet_rx.errors import EngineError, GenetError, NotModified


class OnId(Struct, frozen=True):
    """A command on one object named by its id (or name): ``target`` is that id."""

    id: str

    @property
    def target(self) -> str:
        return self.id


class Start(OnId, frozen=True):
    pass


class Stop(OnId, frozen=True):
    timeout: int | None = None


class Restart(OnId, frozen=True):
    timeout: int | None = None


class Pause(OnId, frozen=True):
    pass


class Unpause(OnId, frozen=True):
    pass


class Kill(OnId, frozen=True):
    signal: str | None = None


class Remove(OnId, frozen=True):
    force: bool = False
    volumes: bool = False


class RemoveImage(OnId, frozen=True):
    force: bool = False


class PruneImages(Struct, frozen=True):
    unused: bool = False  # False: dangling images only; True: every image no container uses
    target = ""


class RunContainer(Struct, frozen=True):
    """Create a container from ``image`` and start it, as ``docker run -d`` would."""

    image: str
    name: str = ""
    cmd: tuple[str, ...] = ()
    env: tuple[str, ...] = ()  # "KEY=value"
    restart: str = "no"  # no | always | unless-stopped | on-failure[:N]
    mounts: tuple[tuple[str, str], ...] = ()  # (volume name, path in the container)
    network: str = ""
    target = ""


class CreateVolume(Struct, frozen=True):
    name: str = ""  # "": the engine names it
    driver: str = "local"
    target = ""


class RemoveVolume(Struct, frozen=True):
    name: str
    force: bool = False

    @property
    def target(self) -> str:
        return self.name


class PruneVolumes(Struct, frozen=True):
    target = ""


class CreateNetwork(Struct, frozen=True):
    name: str
    driver: str = "bridge"
    target = ""


class RemoveNetwork(OnId, frozen=True):
    pass


class ConnectNetwork(Struct, frozen=True):
    network: str
    container: str

    @property
    def target(self) -> str:
        return self.network


class DisconnectNetwork(ConnectNetwork, frozen=True):
    force: bool = False


class ScaleService(OnId, frozen=True):
    replicas: int = 1


class UpdateServiceImage(OnId, frozen=True):
    image: str = ""


class RollbackService(OnId, frozen=True):
    pass


class RemoveService(OnId, frozen=True):
    pass


class SetNodeAvailability(OnId, frozen=True):
    availability: str = "active"  # active | pause | drain


Command = (Start | Stop | Restart | Pause | Unpause | Kill | Remove | RemoveImage | PruneImages
           | RunContainer | CreateVolume | RemoveVolume | PruneVolumes | CreateNetwork
           | RemoveNetwork | ConnectNetwork | DisconnectNetwork | ScaleService
           | UpdateServiceImage | RollbackService | RemoveService | SetNodeAvailability)


class Call(Struct, frozen=True):
    """How one command is issued, and what a 304 (nothing to do) means for it.

    ``run`` returns the engine's answer (or None); ``summary`` turns an answer into the words
    a person reads on success.
    """

    run: Callable[[EngineClient, Any], Any]
    already: str = "already in that state"
    summary: Callable[[Any], str] = lambda _answer: ""


#: Every command Genet can issue: adding one is a value class above and one entry here.
CALLS: dict[type, Call] = {
    Start: Call(lambda c, cmd: containers.start(c, cmd.id), "already running"),
    Stop: Call(lambda c, cmd: containers.stop(c, cmd.id, cmd.timeout), "already stopped"),
    Restart: Call(lambda c, cmd: containers.restart(c, cmd.id, cmd.timeout)),
    Pause: Call(lambda c, cmd: containers.pause(c, cmd.id)),
    Unpause: Call(lambda c, cmd: containers.unpause(c, cmd.id)),
    Kill: Call(lambda c, cmd: containers.kill(c, cmd.id, cmd.signal)),
    Remove: Call(lambda c, cmd: containers.remove(c, cmd.id, cmd.force, cmd.volumes)),
    RemoveImage: Call(lambda c, cmd: images.remove(c, cmd.id, cmd.force)),
    PruneImages: Call(lambda c, cmd: images.prune(c, cmd.unused),
                      summary=lambda a: pruned(a, "ImagesDeleted", "image")),
    RunContainer: Call(lambda c, cmd: run_container(c, cmd)),
    CreateVolume: Call(lambda c, cmd: volumes.create(c, cmd.name, cmd.driver)),
    RemoveVolume: Call(lambda c, cmd: volumes.remove(c, cmd.name, cmd.force)),
    PruneVolumes: Call(lambda c, cmd: volumes.prune(c),
                       summary=lambda a: pruned(a, "VolumesDeleted", "volume")),
    CreateNetwork: Call(lambda c, cmd: networks.create(c, cmd.name, cmd.driver)),
    RemoveNetwork: Call(lambda c, cmd: networks.remove(c, cmd.id)),
    ConnectNetwork: Call(lambda c, cmd: networks.connect(c, cmd.network, cmd.container),
                         "already connected"),
    DisconnectNetwork: Call(lambda c, cmd: networks.disconnect(c, cmd.network, cmd.container,
                                                               cmd.force)),
    ScaleService: Call(lambda c, cmd: swarm.update_service(c, cmd.id, partial(
        _set_replicas, cmd.replicas))),
    UpdateServiceImage: Call(lambda c, cmd: swarm.update_service(c, cmd.id, partial(
        _set_image, cmd.image))),
    RollbackService: Call(lambda c, cmd: swarm.update_service(c, cmd.id, None, rollback=True)),
    RemoveService: Call(lambda c, cmd: swarm.remove_service(c, cmd.id)),
    SetNodeAvailability: Call(lambda c, cmd: swarm.set_node_availability(c, cmd.id,
                                                                         cmd.availability)),
}


def _set_replicas(replicas: int, spec: dict[str, Any]) -> None:
    mode = spec.get("Mode")
    if not isinstance(mode, dict) or "Replicated" not in mode:
        raise ValueError("only a replicated service can be scaled")
    mode["Replicated"] = {"Replicas": max(0, replicas)}


def _set_image(image: str, spec: dict[str, Any]) -> None:
    spec.setdefault("TaskTemplate", {}).setdefault("ContainerSpec", {})["Image"] = image


def run_container(client: EngineClient, cmd: RunContainer) -> Any:
    """Create, then start: the new container's id is the answer."""
    made = containers.create(client, container_config(cmd), cmd.name)
    new_id = str(made.get("Id") or "") if isinstance(made, dict) else ""
    containers.start(client, new_id)
    return made


def container_config(cmd: RunContainer) -> dict[str, Any]:
    """The create body for a run: image, command, environment, restart policy, mounts, network."""
    policy, _, retries = cmd.restart.partition(":")
    host: dict[str, Any] = {"RestartPolicy": {"Name": "" if policy == "no" else policy}}
    if retries:
        host["RestartPolicy"]["MaximumRetryCount"] = int(retries)
    if cmd.mounts:
        host["Mounts"] = [{"Type": "volume", "Source": source, "Target": path}
                          for source, path in cmd.mounts]
    if cmd.network:
        host["NetworkMode"] = cmd.network
    config: dict[str, Any] = {"Image": cmd.image, "HostConfig": host}
    if cmd.cmd:
        config["Cmd"] = list(cmd.cmd)
    if cmd.env:
        config["Env"] = list(cmd.env)
    return config


def pruned(answer: Any, key: str, noun: str) -> str:
    """'3 images deleted · 12.3 MB reclaimed', from a prune's answer."""
    doc = answer if isinstance(answer, dict) else {}
    gone = doc.get(key)
    count = len(gone) if isinstance(gone, list) else 0
    space = doc.get("SpaceReclaimed")
    space = space if isinstance(space, int) and not isinstance(space, bool) else 0
    return f"{count} {noun}{'' if count == 1 else 's'} deleted · {human_bytes(space)} reclaimed"


def human_bytes(n: int) -> str:
    """Bytes as the docker CLI prints sizes (decimal units: 12.3 MB)."""
    size = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


class Outcome(StrEnum):
    DONE = "done"
    ALREADY = "already"  # 304: already in that state; not a failure
    FAILED = "failed"


class CommandResult(Struct, frozen=True):
    """``message``: the engine's words on failure, a summary on success (prunes); ``answer``:
    what the engine answered, when it did (a new container's ``{"Id": …}``)."""

    command: Command
    outcome: Outcome
    message: str = ""
    answer: Any = None

    @property
    def ok(self) -> bool:
        return self.outcome is not Outcome.FAILED


def run_command(client: EngineClient, command: Command) -> CommandResult:
    """Issue one command (blocking) and describe its outcome; never raises for a refusal."""
    call = CALLS[type(command)]
    try:
        answer = call.run(client, command)
    except NotModified:
        return CommandResult(command, Outcome.ALREADY, call.already)
    except EngineError as exc:
        return CommandResult(command, Outcome.FAILED, exc.message)
    except (GenetError, OSError, ValueError) as exc:
        return CommandResult(command, Outcome.FAILED, describe(exc))
    return CommandResult(command, Outcome.DONE, call.summary(answer), answer)
