"""The core's create/run commands, as the dialogs send them.

Until the core's commands are on this branch, stand-ins with the same fields are used.
"""

from __future__ import annotations

from dataclasses import dataclass

try:
    from genet_rx.engine.commands import CreateNetwork, CreateVolume, RunContainer
except ImportError:  # the core's commands are not merged yet

    @dataclass(frozen=True, slots=True)
    class RunContainer:  # type: ignore[no-redef]
        image: str
        name: str = ""
        cmd: tuple[str, ...] = ()
        env: tuple[str, ...] = ()
        restart: str = "no"
        mounts: tuple[tuple[str, str], ...] = ()
        network: str = ""

    @dataclass(frozen=True, slots=True)
    class CreateVolume:  # type: ignore[no-redef]
        name: str = ""
        driver: str = "local"

    @dataclass(frozen=True, slots=True)
    class CreateNetwork:  # type: ignore[no-redef]
        name: str
        driver: str = "bridge"


__all__ = ["CreateNetwork", "CreateVolume", "RunContainer"]
