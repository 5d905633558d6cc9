"""Commands a person issues on a container, as values, and their results as values.

A command never edits the table: the engine's event does. Its result only says whether the
engine accepted it, and if not, why, in the engine's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
