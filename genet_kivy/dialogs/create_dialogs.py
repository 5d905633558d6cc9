"""Create a volume (name optional, driver local) or a network (name, driver bridge)."""

from __future__ import annotations

from typing import Any

from .base import DialogCard
from .commands import CreateNetwork, CreateVolume
from .run_form import check_name


class CreateVolumeDialog(DialogCard):
    focus_id = "name"

    def submit(self) -> None:
        name, problem = check_name(self.ids.name.text, "Name", required=False)
        driver = self.ids.driver.text.strip() or "local"
        if problem:
            self.error = problem
            return
        self.send(CreateVolume(name=name, driver=driver), self._created)

    def _created(self, result: Any) -> None:
        self.dismiss()
        answer = getattr(result, "answer", None)
        name = self.ids.name.text.strip()
        if not name and isinstance(answer, dict):
            name = str(answer.get("Name", ""))
        self.app.notify(f"Created volume {name}".rstrip(), "info")


class CreateNetworkDialog(DialogCard):
    focus_id = "name"

    def submit(self) -> None:
        name, problem = check_name(self.ids.name.text, "Name", required=True)
        driver = self.ids.driver.text.strip() or "bridge"
        if problem:
            self.error = problem
            return
        self.send(CreateNetwork(name=name, driver=driver), self._created)

    def _created(self, _result: Any) -> None:
        self.dismiss()
        self.app.notify(f"Created network {self.ids.name.text.strip()}", "info")
