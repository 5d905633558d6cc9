"""Calls about the engine itself: ping, version, info, disk usage."""

from __future__ import annotations

from typing import Any

from genet_rx.api.client import EngineClient


def ping(client: EngineClient) -> str:
    return client.request("GET", "/_ping", versioned=False).body.decode("utf-8", "replace")


def version(client: EngineClient) -> dict[str, Any]:
    return dict(client.get_json("/version"))


def info(client: EngineClient) -> dict[str, Any]:
    return dict(client.get_json("/info"))


def disk_usage(client: EngineClient) -> dict[str, Any]:
    """``GET /system/df``: expensive on the engine, so asked for only on demand."""
    return dict(client.request("GET", "/system/df", timeout=120.0).json())
