"""Commands on their way: sent through their row's engine, answered on the main thread.

A command never edits the state (the engine's event does); its result only says whether the
engine took it. Whoever sends one says what to do with the result; ``pending`` lists the
commands still waiting (tests, diagnostics).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genet_rx.engine.commands import Command, CommandResult, Outcome

from .calls import Calls


class Commands:
    def __init__(self, calls: Calls) -> None:
        self.calls = calls
        self.pending: list[Command] = []

    def send(self, command: Command, on_result: Callable[[CommandResult], None],
             engine: Any) -> None:
        """Send ``command`` to ``engine``; ``on_result`` gets its result (a failure if the
        call failed)."""
        self.pending.append(command)

        def done(result: CommandResult) -> None:
            if command in self.pending:
                self.pending.remove(command)
            on_result(result)

        self.calls.once(
            engine.execute(command),
            done,
            lambda exc: done(CommandResult(command, Outcome.FAILED, str(exc))),
        )
