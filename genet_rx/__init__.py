"""Genet's reactive core: the Docker Engine API over its socket, folded into live state."""

from genet_rx.engine.commands import (
    Command,
    CommandResult,
    ConnectNetwork,
    CreateNetwork,
    CreateVolume,
    DisconnectNetwork,
    Kill,
    Outcome,
    Pause,
    PruneImages,
    PruneVolumes,
    Remove,
    RemoveImage,
    RemoveNetwork,
    RemoveVolume,
    Restart,
    RunContainer,
    Start,
    Stop,
    Unpause,
)
from genet_rx.engine.engine import Engine, connect
from genet_rx.engine.engines import Engines
from genet_rx.errors import GenetError, HostError
from genet_rx.model.connection import Connection, Link
from genet_rx.model.containers import Container, Health, Port, State
from genet_rx.model.images import Image
from genet_rx.model.networks import Network
from genet_rx.model.volumes import Volume
from genet_rx.state.containers import ContainerTable
from genet_rx.state.engine_state import EngineState
from genet_rx.state.resources import Table

__all__ = [
    "Command", "CommandResult", "ConnectNetwork", "Connection", "Container", "ContainerTable",
    "CreateNetwork", "CreateVolume", "DisconnectNetwork", "Engine", "EngineState", "Engines",
    "GenetError", "Health", "HostError", "Image", "Kill", "Link", "Network", "Outcome", "Pause",
    "Port", "PruneImages", "PruneVolumes", "Remove", "RemoveImage", "RemoveNetwork",
    "RemoveVolume", "Restart", "RunContainer", "Start", "State", "Stop", "Table", "Unpause",
    "Volume", "connect",
]
