"""The run dialog: create and start a container from an image.

Input is checked before anything is sent (``run_form.check_run``); the engine's refusal (a
name in use, no such image) is shown in the dialog, which stays open to fix it. Success
closes it with a notice.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import ListProperty, StringProperty

from .base import DialogCard
from .commands import RunContainer
from .run_form import RESTART_POLICIES, RunForm, check_run

DEFAULT_NETWORK = "Engine default"  # the network choice that sends none


def network_names(table: Any) -> list[str]:
    """The choices for the network field: the default, then the engine's networks by name."""
    rows = getattr(table, "rows", None) or {}
    names = sorted({getattr(n, "name", "") for n in rows.values()} - {""})
    return [DEFAULT_NETWORK, *names]


class RunDialog(DialogCard):
    focus_id = "image"
    restart = StringProperty("no")
    policies = ListProperty(list(RESTART_POLICIES))
    networks = ListProperty([DEFAULT_NETWORK])

    def __init__(self, app: Any, image: str = "", **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.ids.image.text = image
        source = getattr(app.engine, "networks", None)
        if source is not None:
            app.run_once(source, self._got_networks, lambda _exc: None)

    def _got_networks(self, table: Any) -> None:
        self.networks = network_names(table)

    def choose_restart(self, policy: str) -> None:
        self.restart = policy

    def form(self) -> RunForm:
        ids = self.ids
        network = ids.network.text
        return RunForm(
            image=ids.image.text, name=ids.name.text, command=ids.command.text,
            env=ids.env.text, restart=self.restart, retries=ids.retries.text,
            mounts=ids.mounts.text, network="" if network == DEFAULT_NETWORK else network,
        )

    def submit(self) -> None:
        checked = check_run(self.form())
        if not checked.ok:
            self.error = "\n".join(checked.errors)
            return
        command = RunContainer(**checked.arguments)
        self.send(command, lambda result: self._started(command, result))

    def _started(self, command: Any, result: Any) -> None:
        self.dismiss()
        answer = getattr(result, "answer", None)
        cid = answer.get("Id", "") if isinstance(answer, dict) else ""
        who = command.name or (cid[:12] if cid else "a container")
        self.app.notify(f"Started {who} from {command.image}", "info")
