"""The dialogs' kv files (layout only), in load order: the app loads them in ``build()``."""

from __future__ import annotations

DIALOG_KV = (
    "dialog_widgets.kv",
    "dialog_pull.kv",
    "dialog_run.kv",
    "dialog_create.kv",
    "task_indicator.kv",
)
