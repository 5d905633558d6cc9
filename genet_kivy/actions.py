"""Which controls make sense for a container's state, and the command each one sends.

Pure: no Kivy. The rules follow what the engine accepts, so an enabled control is one the
engine will not refuse for the state alone:

=========  =====================================  ==========================================
Control    Enabled in                             Engine, elsewhere
=========  =====================================  ==========================================
Start      created, exited                        running: 304; paused: 409; dead: refused
Stop       running, restarting, paused            exited/created: 304
Restart    created, running, paused, restarting,  dead/removing: refused
           exited
Pause      running                                restarting/paused/stopped: 409
Unpause    paused                                 not paused: 500
Kill       running, restarting, paused            not running: 409
Remove     all but removing (asks to confirm)     running/paused/restarting need force
=========  =====================================  ==========================================

Kill and Remove ask to confirm. Remove of a container that is still running (or paused or
restarting) sends ``force=True`` and says so in the question, as ``docker rm -f`` would.
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct

from genet_rx.engine.commands import Command, Kill, Pause, Remove, Restart, Start, Stop, Unpause
from genet_rx.model.containers import ALIVE, Container, State


class Control(StrEnum):
    START = "start"
    STOP = "stop"
    RESTART = "restart"
    PAUSE = "pause"
    UNPAUSE = "unpause"
    KILL = "kill"
    REMOVE = "remove"


LABEL: dict[Control, str] = {
    Control.START: "Start",
    Control.STOP: "Stop",
    Control.RESTART: "Restart",
    Control.PAUSE: "Pause",
    Control.UNPAUSE: "Unpause",
    Control.KILL: "Kill",
    Control.REMOVE: "Remove",
}

#: What a control shows while its command is on its way.
WORKING: dict[Control, str] = {
    Control.START: "Starting…",
    Control.STOP: "Stopping…",
    Control.RESTART: "Restarting…",
    Control.PAUSE: "Pausing…",
    Control.UNPAUSE: "Unpausing…",
    Control.KILL: "Killing…",
    Control.REMOVE: "Removing…",
}


ENABLED_IN: dict[Control, frozenset[State]] = {
    Control.START: frozenset({State.CREATED, State.EXITED}),
    Control.STOP: ALIVE,
    Control.RESTART: frozenset(
        {State.CREATED, State.RUNNING, State.PAUSED, State.RESTARTING, State.EXITED}
    ),
    Control.PAUSE: frozenset({State.RUNNING}),
    Control.UNPAUSE: frozenset({State.PAUSED}),
    Control.KILL: ALIVE,
    Control.REMOVE: frozenset(State) - {State.REMOVING},
}

CONFIRM = frozenset({Control.KILL, Control.REMOVE})


def enabled(control: Control, state: State) -> bool:
    return state in ENABLED_IN[control]


def pause_control(state: State) -> Control:
    """The one Pause/Unpause button shows Unpause on a paused container, Pause otherwise."""
    return Control.UNPAUSE if state is State.PAUSED else Control.PAUSE


def command_for(control: Control, c: Container) -> Command:
    """The command a control sends for this container."""
    match control:
        case Control.START:
            return Start(c.id)
        case Control.STOP:
            return Stop(c.id)
        case Control.RESTART:
            return Restart(c.id)
        case Control.PAUSE:
            return Pause(c.id)
        case Control.UNPAUSE:
            return Unpause(c.id)
        case Control.KILL:
            return Kill(c.id)
        case Control.REMOVE:
            return Remove(c.id, force=c.state.alive)


class Question(Struct, frozen=True):
    title: str
    text: str
    yes: str


def confirmation(control: Control, c: Container) -> Question | None:
    """The question to ask before sending, or None for controls that act at once."""
    if control is Control.KILL:
        return Question(
            f"Kill {c.name}?",
            "It gets SIGKILL at once, with no time to shut down cleanly.",
            "Kill",
        )
    if control is Control.REMOVE:
        still = "It is still running and will be killed first. " if c.state.alive else ""
        return Question(
            f"Remove {c.name}?",
            f"{still}The container and its writable layer are deleted; this cannot be undone.",
            "Remove",
        )
    return None


def control_of(command: Command) -> Control:
    """Which control sent a command (to show it working and to word its result)."""
    return {
        Start: Control.START,
        Stop: Control.STOP,
        Restart: Control.RESTART,
        Pause: Control.PAUSE,
        Unpause: Control.UNPAUSE,
        Kill: Control.KILL,
        Remove: Control.REMOVE,
    }[type(command)]
