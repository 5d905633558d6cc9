"""Dialogs that make things (pull, run, create volume / network) and the task indicator.

``DIALOG_KV`` loads when the first dialog is made (``DialogCard``); the task indicator's kv
loads at start-up (the app puts one in the top bar). Each ``open_*`` takes the running
GenetApp. ``Tasks`` and ``DIALOG_KV`` import no Kivy; the widgets and openers are imported on
first use (Kivy opens a window on import).
"""

from __future__ import annotations

from typing import Any

from .layout import DIALOG_KV
from .tasks import Tasks

_LAZY = {
    "open_pull": "openers",
    "open_run": "openers",
    "open_create_volume": "openers",
    "open_create_network": "openers",
    "TaskIndicator": "task_indicator",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DIALOG_KV",
    "TaskIndicator",
    "Tasks",
    "open_create_network",
    "open_create_volume",
    "open_pull",
    "open_run",
]
