"""What a container uses: its image, the named volumes it mounts, the networks it is on.

These facts, read from a container's list entry or inspect answer, are what the
cross-references are derived from (an image's containers, a volume's users, a network's
members): one :class:`Attachments` value per container, kept beside its row.

Parsers are forgiving: any part of an answer may be missing, ``null`` or of the wrong type,
and a parser given a dict never raises; it yields empty values instead.

Networks are keyed by ``NetworkID``. An engine started with ``--bridge=none`` still reports a
``bridge`` network on its containers, with an empty ``NetworkID``, and that network does not
exist: entries with an empty ``NetworkID`` are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from genet_rx.model.common import entries, obj, text


class Attachments(Struct, frozen=True):
    """The image, named volumes and networks of one container.

    ``volumes`` are the names of mounts of type ``volume`` (sorted, each once; binds and
    tmpfs mounts are not volumes). ``networks`` are ``(network_id, network_name, ipv4)``
    triples sorted by name, ``ipv4`` ``""`` when the container has no address there (e.g.
    while it is stopped).
    """

    image_id: str = ""
    volumes: tuple[str, ...] = ()
    networks: tuple[tuple[str, str, str], ...] = ()

    @property
    def network_ids(self) -> tuple[str, ...]:
        """The ids of the networks, in the order of :attr:`networks`."""
        return tuple(net[0] for net in self.networks)


def _volumes(raw: object) -> tuple[str, ...]:
    if raw == []:
        return ()  # most containers: no mounts
    names = {text(m.get("Name")) for m in entries(raw) if m.get("Type") == "volume"}
    return tuple(sorted(name for name in names if name))


def _networks(settings: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    networks = obj(settings, "Networks")
    if not networks:
        return ()
    found = set()
    for name, raw in networks.items():
        if not isinstance(raw, dict):
            continue
        network_id = text(raw.get("NetworkID"))
        if network_id:
            found.add((network_id, text(name), text(raw.get("IPAddress"))))
    return tuple(sorted(found, key=lambda net: (net[1], net[0])))


def attachments_from_list(entry: Mapping[str, Any]) -> Attachments:
    """The attachments in one entry of ``GET /containers/json`` (``ImageID``, ``Mounts``,
    ``NetworkSettings.Networks``)."""
    return Attachments(
        image_id=text(entry.get("ImageID")),
        volumes=_volumes(entry.get("Mounts")),
        networks=_networks(obj(entry, "NetworkSettings")),
    )


def attachments_from_inspect(doc: Mapping[str, Any]) -> Attachments:
    """The attachments in ``GET /containers/{id}/json`` (``Image``, ``Mounts``,
    ``NetworkSettings.Networks``)."""
    return Attachments(
        image_id=text(doc.get("Image")),
        volumes=_volumes(doc.get("Mounts")),
        networks=_networks(obj(doc, "NetworkSettings")),
    )
