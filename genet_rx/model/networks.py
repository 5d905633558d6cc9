"""Networks as frozen values, parsed from ``GET /networks`` and ``GET /networks/{id}``.

Parsers are forgiving: any part of an answer may be missing, ``null`` or of the wrong type,
and a parser given a dict never raises; it yields empty or zero values instead. Only the id
decides whether a row is usable: :func:`networks_from_answer` leaves out rows without one.

A :class:`Network` does not hold its members: which containers use a network is derived from
the containers (see :mod:`genet_rx.model.attachments`), because ``docker network inspect``
lists running members only. :func:`endpoints_from_inspect` reads that list for a detail view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from msgspec import Struct, field

from genet_rx.model.common import NO_LABELS, entries, labels, obj, parse_time_ns, text

#: Networks every engine has and none can remove.
BUILTIN: Final = frozenset({"bridge", "host", "none"})


class Network(Struct, frozen=True):
    """One network of one engine.

    ``subnets`` are ``(subnet, gateway)`` pairs from its IPAM config (gateway ``""`` when not
    set); ``created_ns`` is from ``Created`` (``None`` when unknown). ``event_ns`` is the
    ``timeNano`` of the newest event folded into this value (``None`` from an answer only).
    """

    id: str
    name: str = ""
    driver: str = ""
    scope: str = ""
    internal: bool = False
    attachable: bool = False
    subnets: tuple[tuple[str, str], ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: NO_LABELS)
    created_ns: int | None = None
    host: str = ""
    event_ns: int | None = None

    @property
    def builtin(self) -> bool:
        """True for ``bridge``, ``host`` and ``none``, which cannot be removed."""
        return self.name in BUILTIN

    @property
    def short_id(self) -> str:
        """The first 12 hex digits of the id, as ``docker network ls`` shows them."""
        return self.id[:12]


class Endpoint(Struct, frozen=True):
    """A running container attached to a network, as the network's inspect lists it.

    ``ipv4`` and ``ipv6`` are addresses without their prefix length (``""`` when none).
    """

    container_id: str
    name: str = ""
    ipv4: str = ""
    ipv6: str = ""


def _flag(raw: object) -> bool:
    return raw if isinstance(raw, bool) else False


def _subnets(ipam: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs = ((text(c.get("Subnet")), text(c.get("Gateway"))) for c in entries(ipam.get("Config")))
    return tuple(pair for pair in pairs if pair[0])


def network_from_list(entry: Mapping[str, Any], host: str = "") -> Network:
    """A network from one entry of ``GET /networks``."""
    return Network(
        id=text(entry.get("Id")),
        name=text(entry.get("Name")),
        driver=text(entry.get("Driver")),
        scope=text(entry.get("Scope")),
        internal=_flag(entry.get("Internal")),
        attachable=_flag(entry.get("Attachable")),
        subnets=_subnets(obj(entry, "IPAM")),
        labels=labels(entry.get("Labels")),
        created_ns=parse_time_ns(entry.get("Created")),
        host=host,
    )


def network_from_inspect(doc: Mapping[str, Any], host: str = "") -> Network:
    """A network from ``GET /networks/{id}`` (the same fields as a list entry)."""
    return network_from_list(doc, host)


def networks_from_answer(answer: object, host: str = "") -> tuple[Network, ...]:
    """Every usable network of a ``GET /networks`` answer, in its order; ``()`` for junk."""
    rows = (network_from_list(e, host) for e in entries(answer))
    return tuple(row for row in rows if row.id)


def _address(raw: object) -> str:
    return text(raw).partition("/")[0]


def endpoints_from_inspect(doc: Mapping[str, Any]) -> tuple[Endpoint, ...]:
    """The members a ``GET /networks/{id}`` answer lists (``Containers``), sorted by name.

    Entries without a container id are left out; an entry that is not an object keeps only
    its id.
    """
    members = obj(doc, "Containers")
    found = []
    for cid, raw in members.items():
        if not isinstance(cid, str) or not cid:
            continue
        info: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        found.append(Endpoint(
            container_id=cid,
            name=text(info.get("Name")),
            ipv4=_address(info.get("IPv4Address")),
            ipv6=_address(info.get("IPv6Address")),
        ))
    return tuple(sorted(found, key=lambda e: (e.name, e.container_id)))
