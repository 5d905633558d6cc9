"""Every kind of object the app shows besides containers, one spec each (pure: no Kivy)."""

from __future__ import annotations

from typing import Any

from .base import Spec
from .images import SPEC as IMAGES
from .networks import SPEC as NETWORKS
from .nodes import SPEC as NODES
from .services import SPEC as SERVICES
from .volumes import SPEC as VOLUMES

#: The kinds with a generic resource panel, in the order of the navigation.
SPECS: dict[str, Spec[Any]] = {s.kind: s for s in (IMAGES, VOLUMES, NETWORKS, SERVICES, NODES)}

#: Every kind the navigation offers, in order, with its title.
KINDS: tuple[tuple[str, str], ...] = (
    ("containers", "Containers"),
    ("images", "Images"),
    ("volumes", "Volumes"),
    ("networks", "Networks"),
    ("services", "Services"),
    ("nodes", "Nodes"),
    ("activity", "Activity"),
    ("settings", "Settings"),
)
