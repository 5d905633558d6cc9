"""Calls on networks: the list, inspect, create, remove, connect, disconnect."""

from __future__ import annotations

from typing import Any

from genet_rx.api.client import EngineClient, segment
from genet_rx.wire.http import Response


def list_response(client: EngineClient) -> Response:
    return client.request("GET", "/networks")


def inspect_response(client: EngineClient, network: str) -> Response:
    return client.request("GET", f"/networks/{segment(network)}")


def create(client: EngineClient, name: str, driver: str = "bridge") -> Any:
    body = {"Name": name, "Driver": driver or "bridge", "CheckDuplicate": True}
    return client.request("POST", "/networks/create", body=body).json()


def remove(client: EngineClient, network: str) -> None:
    client.request("DELETE", f"/networks/{segment(network)}")


def connect(client: EngineClient, network: str, container: str) -> None:
    client.request("POST", f"/networks/{segment(network)}/connect",
                   body={"Container": container})


def disconnect(client: EngineClient, network: str, container: str, force: bool = False) -> None:
    client.request("POST", f"/networks/{segment(network)}/disconnect",
                   body={"Container": container, "Force": force})
