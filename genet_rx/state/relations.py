"""Cross-references, derived from the container table: never fetched per row.

Which containers use an image, mount a volume, or sit on a network is read off each
container's attachments (:class:`~genet_rx.model.attachments.Attachments`), so these answers
follow every container event at no extra cost to the engine. Sorted by name, as lists show.
"""

from __future__ import annotations

from collections.abc import Callable

from genet_rx.model.containers import Container
from genet_rx.state.engine_state import EngineState


def _users(state: EngineState, uses: Callable[[Container], bool]) -> tuple[Container, ...]:
    found = [c for c in state.containers.rows.values() if uses(c)]
    return tuple(sorted(found, key=lambda c: (c.name.lower(), c.id)))


def image_users(state: EngineState, image_id: str) -> tuple[Container, ...]:
    """Containers made from this image (by id), running or not."""
    return _users(state, lambda c: c.uses.image_id == image_id)


def volume_users(state: EngineState, name: str) -> tuple[Container, ...]:
    """Containers that mount this volume, running or not (what keeps it from removal)."""
    return _users(state, lambda c: name in c.uses.volumes)


def network_members(state: EngineState, network_id: str) -> tuple[Container, ...]:
    """Containers attached to this network, running or not."""
    return _users(state, lambda c: network_id in c.uses.network_ids)
