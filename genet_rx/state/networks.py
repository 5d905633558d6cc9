"""Networks: which network events change the network table, and how (transitions as data).

The key is the network id (Actor.ID); ``name`` and ``type`` (the driver) are attributes.
``connect``/``disconnect`` (attribute ``container``) change a container's attachments, not
the network: :mod:`genet_rx.state.engine_state` folds them into the container table.
"""

from __future__ import annotations

from genet_rx.model.events import Event
from genet_rx.model.networks import Network
from genet_rx.state.resources import ResourceKind, Transition

ACTIONS = {
    "create": Transition.CREATE,
    "destroy": Transition.REMOVE,
}


def _from_event(ev: Event) -> Network:
    attrs = ev.attributes
    return Network(id=ev.actor_id, name=attrs.get("name", ""), driver=attrs.get("type", ""))


NETWORKS: ResourceKind[Network] = ResourceKind("network", ACTIONS, lambda n: n.id, _from_event)
