"""Calls on volumes: the list, inspect, create, remove, prune."""

from __future__ import annotations

from typing import Any

from genet_rx.api.client import EngineClient, segment
from genet_rx.wire.http import Response


def list_response(client: EngineClient) -> Response:
    return client.request("GET", "/volumes")


def inspect_response(client: EngineClient, name: str) -> Response:
    return client.request("GET", f"/volumes/{segment(name)}")


def create(client: EngineClient, name: str = "", driver: str = "local") -> Any:
    body: dict[str, Any] = {"Driver": driver or "local"}
    if name:
        body["Name"] = name
    return client.request("POST", "/volumes/create", body=body).json()


def remove(client: EngineClient, name: str, force: bool = False) -> None:
    client.request("DELETE", f"/volumes/{segment(name)}", {"force": "1" if force else None})


def prune(client: EngineClient) -> Any:
    """Remove every volume no container uses (anonymous ones only on API ≥ 1.42)."""
    return client.request("POST", "/volumes/prune", timeout=300.0).json()
