"""Images: which image events change the image table, and how (transitions as data).

``pull`` names the reference pulled, not an id; ``untag`` names the image id again, not the
tag removed: neither says what the image looks like now, so both ask for an inspect (by the
reference or id the event names), as do ``tag``, ``import`` and ``load``. ``delete`` removes.
"""

from __future__ import annotations

from genet_rx.model.events import Event
from genet_rx.model.images import Image
from genet_rx.state.resources import ResourceKind, Transition

ACTIONS = {
    "pull": Transition.REFRESH,
    "tag": Transition.REFRESH,
    "untag": Transition.REFRESH,
    "import": Transition.REFRESH,
    "load": Transition.REFRESH,
    "delete": Transition.REMOVE,
}


def _from_event(ev: Event) -> Image:
    return Image(id=ev.actor_id)


IMAGES: ResourceKind[Image] = ResourceKind("image", ACTIONS, lambda image: image.id, _from_event)
