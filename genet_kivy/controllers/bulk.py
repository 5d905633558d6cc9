"""One action on many containers (a selection, a compose project): one question, commands
sent concurrently but bounded (``genet_rx.engine.bulk.execute_many``), one summary.

The summary is ``genet_rx.engine.bulk.summary`` of every result ("7 stopped · 1 already
stopped · 1 failed: …"), shown as one notice. The table changes only as the engine's events
arrive, as for every command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reactivex import operators as ops

from genet_rx.engine.bulk import execute_many, summary
from genet_rx.engine.commands import Command, CommandResult
from genet_rx.model.containers import Container

from ..actions import LABEL, Control, Question, command_for

#: How a result reads in the summary: (done, already) per control.
WORDS: dict[Control, tuple[str, str]] = {
    Control.START: ("started", "already running"),
    Control.STOP: ("stopped", "already stopped"),
    Control.RESTART: ("restarted", "already restarting"),
    Control.PAUSE: ("paused", "already paused"),
    Control.UNPAUSE: ("unpaused", "already running"),
    Control.KILL: ("killed", "already stopped"),
    Control.REMOVE: ("removed", "already gone"),
}


def many(n: int) -> str:
    return "1 container" if n == 1 else f"{n} containers"


def bulk_question(control: Control, containers: Sequence[Container], what: str = "") -> Question:
    """One question for the whole set: ``Stop 5 containers?`` (``what`` names a project)."""
    verb = LABEL[control]
    whom = f"the {many(len(containers))} of {what}" if what else many(len(containers))
    names = ", ".join(c.name or c.short_id for c in list(containers)[:6])
    more = f" and {len(containers) - 6} more" if len(containers) > 6 else ""
    warn = (" Running ones are killed first; containers and their writable layers are "
            "deleted, which cannot be undone." if control is Control.REMOVE else "")
    return Question(f"{verb} {whom}?", f"{names}{more}.{warn}", verb)


class Bulk:
    """Runs one control on many containers for the app (``app.calls``, ``app.notices``)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.under_way = 0

    def act(self, control: Control, containers: Sequence[Container], ask: bool,
            what: str = "", done: Callable[[str], None] | None = None) -> None:
        """Send ``control`` to every container (after one yes, if ``ask``); the summary goes
        to a notice and to ``done``."""
        chosen = list(containers)
        if not chosen or not self.app.live:
            return
        if not ask:
            self._run(control, chosen, done)
            return
        tone = "danger" if control in (Control.REMOVE, Control.KILL) else "primary"
        self.app.notices.ask(bulk_question(control, chosen, what),
                             lambda: self._run(control, chosen, done), tone)

    def _execute(self, command: Command) -> Any:
        """Each command to its container's own engine."""
        return self.app.fleet.holding(command.target).execute(command)

    def _run(self, control: Control, chosen: list[Container],
             done: Callable[[str], None] | None) -> None:
        commands = [command_for(control, c) for c in chosen]
        self.under_way += 1
        words = WORDS[control]

        def finished(results: list[CommandResult]) -> None:
            self.under_way -= 1
            said = summary(results, *words)
            failed = any(not r.ok for r in results)
            self.app.notify(f"{LABEL[control]}: {said}", "error" if failed else "info")
            if done is not None:
                done(said)

        def broke(exc: Exception) -> None:
            self.under_way -= 1
            self.app.notify(f"{LABEL[control]} failed: {exc}", "error")

        results = execute_many(self._execute, commands).pipe(ops.to_list())
        self.app.calls.once(results, finished, broke)
