"""Commands a person issues on a container, as values, and their results as values.

A command never edits the table: the engine's event does. Its result only says whether the
engine accepted it, and if not, why, in the engine's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from genet_rx.api import containers
from genet_rx.api.client import EngineClient, describe
from genet_rx.errors import EngineError, GenetError, NotModified


@dataclass(frozen=True, slots=True)
class Start:
    id: str


@dataclass(frozen=True, slots=True)
class Stop:
    id: str
    timeout: int | None = None


@dataclass(frozen=True, slots=True)
class Restart:
    id: str
    timeout: int | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    id: str


@dataclass(frozen=True, slots=True)
class Unpause:
    id: str


@dataclass(frozen=True, slots=True)
class Kill:
    id: str
    signal: str | None = None


@dataclass(frozen=True, slots=True)
class Remove:
    id: str
    force: bool = False
    volumes: bool = False


Command = Start | Stop | Restart | Pause | Unpause | Kill | Remove


@dataclass(frozen=True, slots=True)
class Call:
    """How one command is issued, and what a 304 (nothing to do) means for it."""

    run: Callable[[EngineClient, Any], None]
    already: str = "already in that state"


#: Every command Genet can issue: adding one is a value class above and one entry here.
CALLS: dict[type, Call] = {
    Start: Call(lambda c, cmd: containers.start(c, cmd.id), "already running"),
    Stop: Call(lambda c, cmd: containers.stop(c, cmd.id, cmd.timeout), "already stopped"),
    Restart: Call(lambda c, cmd: containers.restart(c, cmd.id, cmd.timeout)),
    Pause: Call(lambda c, cmd: containers.pause(c, cmd.id)),
    Unpause: Call(lambda c, cmd: containers.unpause(c, cmd.id)),
    Kill: Call(lambda c, cmd: containers.kill(c, cmd.id, cmd.signal)),
    Remove: Call(lambda c, cmd: containers.remove(c, cmd.id, cmd.force, cmd.volumes)),
}


class Outcome(StrEnum):
    DONE = "done"
    ALREADY = "already"  # 304: already in that state; not a failure
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CommandResult:
    command: Command
    outcome: Outcome
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is not Outcome.FAILED


def run_command(client: EngineClient, command: Command) -> CommandResult:
    """Issue one command (blocking) and describe its outcome; never raises for a refusal."""
    call = CALLS[type(command)]
    try:
        call.run(client, command)
    except NotModified:
        return CommandResult(command, Outcome.ALREADY, call.already)
    except EngineError as exc:
        return CommandResult(command, Outcome.FAILED, exc.message)
    except (GenetError, OSError, ValueError) as exc:
        return CommandResult(command, Outcome.FAILED, describe(exc))
    return CommandResult(command, Outcome.DONE)
