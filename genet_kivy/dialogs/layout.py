"""The dialogs' kv files (layout only), in load order: loaded when the first dialog opens
(``genet_kivy.kv_files.OVERLAYS``)."""

from __future__ import annotations

DIALOG_KV = (
    "dialog_widgets.kv",
    "dialog_pull.kv",
    "dialog_run.kv",
    "dialog_create.kv",
)
