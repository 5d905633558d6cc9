"""Calls on a swarm: services (with their running/desired counts), nodes, tasks.

A node that is not a swarm manager answers every one of them 503 "This node is not a swarm
manager…": the engine state shows that as the kind being unavailable, never as a failure.
"""

from __future__ import annotations

import json
from typing import Any

from genet_rx.api.client import EngineClient, segment
from genet_rx.wire.http import Response


def services_response(client: EngineClient) -> Response:
    return client.request("GET", "/services", {"status": "true"})


def service_response(client: EngineClient, service_id: str) -> Response:
    """One service with its counts: ``/services/{id}`` has no ServiceStatus, the filtered list
    has (a list of at most one)."""
    return client.request("GET", "/services", {
        "status": "true", "filters": json.dumps({"id": [service_id]})})


def nodes_response(client: EngineClient) -> Response:
    return client.request("GET", "/nodes")


def node_response(client: EngineClient, node_id: str) -> Response:
    return client.request("GET", f"/nodes/{segment(node_id)}")


def tasks(client: EngineClient, service_id: str) -> Any:
    return client.request("GET", "/tasks", {
        "filters": json.dumps({"service": [service_id]})}).json()
