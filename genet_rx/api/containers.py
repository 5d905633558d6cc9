"""Calls on containers: the list, inspect, and the lifecycle commands."""

from __future__ import annotations

from typing import Any

from genet_rx.api.client import EngineClient, segment
from genet_rx.wire.http import Response


def list_response(client: EngineClient, all: bool = True, *, versioned: bool = True) -> Response:
    """The list answer with its headers (its Date tells how fresh it is). ``versioned=False``
    asks in the daemon's own newest version, before one is agreed (the sync's first list)."""
    return client.request("GET", "/containers/json", {"all": "1" if all else "0"},
                          versioned=versioned)


def listing(client: EngineClient, all: bool = True) -> list[dict[str, Any]]:
    return list_response(client, all).json()  # type: ignore[no-any-return]


def inspect_response(client: EngineClient, container_id: str) -> Response:
    return client.request("GET", f"/containers/{segment(container_id)}/json")


def inspect(client: EngineClient, container_id: str) -> dict[str, Any]:
    return inspect_response(client, container_id).json()  # type: ignore[no-any-return]


def start(client: EngineClient, container_id: str) -> None:
    client.request("POST", f"/containers/{segment(container_id)}/start")


def stop(client: EngineClient, container_id: str, timeout: int | None = None) -> None:
    # A stop waits up to `timeout` (default 10 s) for the container: allow for it.
    wait = client.timeout + (timeout if timeout is not None else 10)
    client.request("POST", f"/containers/{segment(container_id)}/stop", {"t": timeout},
                   timeout=wait)


def restart(client: EngineClient, container_id: str, timeout: int | None = None) -> None:
    wait = client.timeout + (timeout if timeout is not None else 10)
    client.request("POST", f"/containers/{segment(container_id)}/restart", {"t": timeout},
                   timeout=wait)


def pause(client: EngineClient, container_id: str) -> None:
    client.request("POST", f"/containers/{segment(container_id)}/pause")


def unpause(client: EngineClient, container_id: str) -> None:
    client.request("POST", f"/containers/{segment(container_id)}/unpause")


def kill(client: EngineClient, container_id: str, signal: str | None = None) -> None:
    client.request("POST", f"/containers/{segment(container_id)}/kill", {"signal": signal})


def remove(client: EngineClient, container_id: str, force: bool = False,
           volumes: bool = False) -> None:
    client.request("DELETE", f"/containers/{segment(container_id)}",
                   {"force": "1" if force else None, "v": "1" if volumes else None})


def create(client: EngineClient, config: dict[str, Any], name: str = "") -> Any:
    """``POST /containers/create`` with a config as the engine takes it; answers ``{"Id"}``."""
    return client.request("POST", "/containers/create", {"name": name or None},
                          body=config).json()
