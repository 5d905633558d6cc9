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


def tasks(client: EngineClient, service_id: str | None = None) -> Any:
    """One service's tasks, or every task of the swarm (``service_id`` None)."""
    if service_id is None:
        return client.request("GET", "/tasks").json()
    return client.request("GET", "/tasks", {
        "filters": json.dumps({"service": [service_id]})}).json()


def _spec_and_version(client: EngineClient, kind: str, key: str) -> tuple[dict[str, Any], int]:
    doc = client.request("GET", f"/{kind}/{segment(key)}").json()
    doc = doc if isinstance(doc, dict) else {}
    spec = doc.get("Spec")
    version = (doc.get("Version") or {}).get("Index") if isinstance(doc.get("Version"), dict) \
        else None
    if not isinstance(spec, dict) or not isinstance(version, int):
        raise ValueError(f"the engine's answer for {kind} {key} has no Spec and Version")
    return spec, version


def update_service(client: EngineClient, service_id: str, change: Any,
                   rollback: bool = False) -> Any:
    """Apply ``change(spec)`` to the service's current spec, naming its version (the engine
    refuses an update made against an older one), or ask for a rollback."""
    spec, version = _spec_and_version(client, "services", service_id)
    if not rollback:
        change(spec)
    query: dict[str, Any] = {"version": version}
    if rollback:
        query["rollback"] = "previous"
    return client.request("POST", f"/services/{segment(service_id)}/update", query,
                          body=spec).json()


def remove_service(client: EngineClient, service_id: str) -> None:
    client.request("DELETE", f"/services/{segment(service_id)}")


def set_node_availability(client: EngineClient, node_id: str, availability: str) -> None:
    spec, version = _spec_and_version(client, "nodes", node_id)
    spec["Availability"] = availability
    client.request("POST", f"/nodes/{segment(node_id)}/update", {"version": version},
                   body=spec)
