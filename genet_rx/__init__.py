"""Genet's reactive core: the Docker Engine API over its socket, folded into a live table."""

from .commands import (
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
from .connection import Connection, Link
from .containers import Container, Health, Port, State
from .engine import Engine, connect
from .errors import GenetError, HostError
from .table import ContainerTable

__all__ = [
    "Command", "CommandResult", "Connection", "Container", "ContainerTable", "Engine",
    "GenetError", "Health", "HostError", "Kill", "Link", "Outcome", "Pause", "Port", "Remove",
    "Restart", "Start", "State", "Stop", "Unpause", "connect",
]
