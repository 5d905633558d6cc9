"""Volumes: which volume events change the volume table, and how (transitions as data).

The key is the volume's name (its Actor.ID). ``create`` is also sent again when a run reuses
an existing volume (then nothing changes); ``mount``/``unmount`` say a container started or
stopped using it, which the table does not hold: who uses a volume is derived from the
containers' mounts (:mod:`genet_rx.state.relations`).
"""

from __future__ import annotations

from genet_rx.model.events import Event
from genet_rx.model.volumes import Volume
from genet_rx.state.resources import ResourceKind, Transition

ACTIONS = {
    "create": Transition.CREATE,
    "destroy": Transition.REMOVE,
}


def _from_event(ev: Event) -> Volume:
    return Volume(name=ev.actor_id, driver=ev.attributes.get("driver", ""))


VOLUMES: ResourceKind[Volume] = ResourceKind("volume", ACTIONS, lambda v: v.name, _from_event)
