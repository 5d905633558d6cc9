"""Opening the dialogs on the running GenetApp."""

from __future__ import annotations

from typing import Any

from .base import tasks_of
from .create_dialogs import CreateNetworkDialog, CreateVolumeDialog
from .pull_dialog import PullDialog
from .pull_session import pull_key
from .run_dialog import RunDialog
from .task_indicator import place_indicator


def _prepare(app: Any) -> None:
    tasks_of(app)
    place_indicator(app)


def open_pull(app: Any, reference: str = "") -> PullDialog:
    """Open the pull dialog; when ``reference`` is being pulled, that pull's dialog."""
    _prepare(app)
    reference = reference.strip()
    task = tasks_of(app).get(pull_key(reference)) if reference else None
    owner = getattr(task.reopen, "__self__", None) if task is not None else None
    if isinstance(owner, PullDialog):
        owner.open()
        return owner
    dialog = PullDialog(app, reference)
    dialog.open()
    return dialog


def open_run(app: Any, image: str = "") -> RunDialog:
    """Open the run dialog, with ``image`` filled in."""
    _prepare(app)
    dialog = RunDialog(app, image)
    dialog.open()
    return dialog


def open_create_volume(app: Any) -> CreateVolumeDialog:
    """Open the create-volume dialog."""
    _prepare(app)
    dialog = CreateVolumeDialog(app)
    dialog.open()
    return dialog


def open_create_network(app: Any) -> CreateNetworkDialog:
    """Open the create-network dialog."""
    _prepare(app)
    dialog = CreateNetworkDialog(app)
    dialog.open()
    return dialog
