"""Calls on images: the list, inspect, history, remove, prune. (Pulls: :mod:`.pull`.)"""

from __future__ import annotations

import json
from typing import Any

from genet_rx.api.client import EngineClient, segment
from genet_rx.wire.http import Response


def list_response(client: EngineClient) -> Response:
    return client.request("GET", "/images/json")


def inspect_response(client: EngineClient, image: str) -> Response:
    """By id or by reference (``busybox:latest``): a reference may hold ``/``, so it is sent
    as the engine reads it, each segment encoded on its own."""
    return client.request("GET", f"/images/{_name(image)}/json")


def history(client: EngineClient, image: str) -> Any:
    return client.request("GET", f"/images/{_name(image)}/history").json()


def remove(client: EngineClient, image: str, force: bool = False) -> Any:
    """Untag or delete; the answer lists what was untagged and deleted."""
    return client.request("DELETE", f"/images/{_name(image)}",
                          {"force": "1" if force else None}).json()


def prune(client: EngineClient, unused: bool = False) -> Any:
    """Delete dangling images, or (``unused``) every image no container uses."""
    filters = {"dangling": ["false" if unused else "true"]}
    return client.request("POST", "/images/prune", {"filters": json.dumps(filters)},
                          timeout=300.0).json()


def _name(image: str) -> str:
    # Image references are the one name with slashes the engine routes on (registry/repo).
    return "/".join(segment(part) for part in image.split("/"))
