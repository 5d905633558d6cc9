"""The core's create/run commands, as the dialogs send them."""

from __future__ import annotations

from genet_rx.engine.commands import CreateNetwork, CreateVolume, RunContainer

__all__ = ["CreateNetwork", "CreateVolume", "RunContainer"]
