"""Genet's reactive core: the Docker Engine API over its socket, folded into a live table."""

from genet_rx.engine.commands import (
    Command,
    CommandResult,
    Kill,
    Outcome,
    Pause,
    Remove,
    Restart,
    Start,
    Stop,
    Unpause,
)
from genet_rx.engine.engine import Engine, connect
from genet_rx.errors import GenetError, HostError
from genet_rx.model.connection import Connection, Link
from genet_rx.model.containers import Container, Health, Port, State
from genet_rx.state.containers import ContainerTable

__all__ = [
    "Command", "CommandResult", "Connection", "Container", "ContainerTable", "Engine",
    "GenetError", "Health", "HostError", "Kill", "Link", "Outcome", "Pause", "Port", "Remove",
    "Restart", "Start", "State", "Stop", "Unpause", "connect",
]
