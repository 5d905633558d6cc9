"""Networks as a resource panel shows them: rows, members with addresses, and Create /
Remove / Connect / Disconnect.

Pure: no Kivy. Members come from the container table (``network_members``), each with the
address its attachment lists. The built-in ``bridge``, ``host`` and ``none`` cannot be
removed: their Remove is disabled with the reason shown, and never sent.
"""

from __future__ import annotations

from typing import Any

from genet_rx.engine.commands import ConnectNetwork, DisconnectNetwork, RemoveNetwork
from genet_rx.model.containers import Container
from genet_rx.model.networks import Network
from genet_rx.state.engine_state import EngineState
from genet_rx.state.relations import network_members

from ..actions import Question
from ..describe import Field, when
from .base import (
    BADGE_DIM,
    BADGE_INFO,
    BADGE_OK,
    Action,
    Line,
    Section,
    Spec,
    Verb,
    container_link,
    plural,
)

BUILTIN_REASON = "Built-in network: the engine cannot remove bridge, host or none."


def subnet_text(network: Network) -> str:
    """``172.18.0.0/16 via 172.18.0.1`` per subnet, one a line."""
    return "\n".join(f"{s} via {g}" if g else s for s, g in network.subnets)


def address_of(c: Container, network_id: str) -> str:
    for nid, _name, ipv4 in c.uses.networks:
        if nid == network_id:
            return ipv4
    return ""


def line(network: Network, state: EngineState) -> Line:
    members = network_members(state, network.id)
    subnet = network.subnets[0][0] if network.subnets else ""
    parts = [network.driver or "?", network.scope, subnet, plural(len(members), "container")]
    if network.builtin:
        badge, color = "built-in", BADGE_INFO
    elif members:
        badge, color = "in use", BADGE_OK
    else:
        badge, color = "", BADGE_DIM
    return Line(network.id, network.name or network.short_id,
                " · ".join(p for p in parts if p), "", badge, color)


def sort_key(network: Network) -> tuple[Any, ...]:
    """Built-in networks first, then by name: stable."""
    return (not network.builtin, network.name.lower(), network.id)


def haystack(network: Network) -> str:
    return "\n".join((network.name, network.short_id, network.driver, subnet_text(network)))


def fields(network: Network, state: EngineState, now_ns: int) -> list[Field]:
    labels = "\n".join(f"{k}={v}" for k, v in sorted(network.labels.items()))
    created = when(network.created_ns // 1_000_000_000, now_ns) if network.created_ns else ""
    flags = ", ".join(f for f, on in (("internal", network.internal),
                                      ("attachable", network.attachable)) if on)
    rows = [
        Field("name", "Name", network.name),
        Field("id", "ID", network.short_id, copyable=True),
        Field("driver", "Driver", network.driver),
        Field("scope", "Scope", network.scope),
        Field("subnets", "Subnet / gateway", subnet_text(network)),
        Field("flags", "Flags", flags),
        Field("members", "Containers", plural(len(network_members(state, network.id)),
                                               "container")),
        Field("created", "Created", created),
        Field("labels", "Labels", labels),
    ]
    return [f for f in rows if f.value]


def sections(network: Network, state: EngineState, _loaded: Any) -> list[Section]:
    links = []
    for c in network_members(state, network.id):
        address = address_of(c, network.id)
        detail = f"{address} · {c.state.value}" if address else c.state.value
        links.append(container_link(c, detail, "disconnect", "Disconnect"))
    return [Section("members", "Attached containers", tuple(links),
                    empty="No container is attached.")]


def actions(network: Network, state: EngineState) -> list[Action]:
    connect = Action("connect", "Connect…", "primary",
                     enabled=network.driver not in ("host", "null"),
                     reason="" if network.driver not in ("host", "null")
                     else f"Containers join {network.name} only when they are created.")
    if network.builtin:
        remove = Action("remove", "Remove", "danger", enabled=False, reason=BUILTIN_REASON)
    else:
        members = network_members(state, network.id)
        reason = (f"{plural(len(members), 'container')} attached: the engine refuses "
                  "while any is running.") if members else ""
        remove = Action("remove", "Remove", "danger", reason=reason)
    return [connect, remove]


def candidates(network: Network, state: EngineState) -> list[Container]:
    """Containers that could join: every one not already attached, by name."""
    members = {c.id for c in network_members(state, network.id)}
    rows = [c for c in state.containers.rows.values() if c.id not in members]
    return sorted(rows, key=lambda c: (c.name.lower(), c.id))


PANEL_ACTIONS = (Action("create", "Create…", "primary"),)


def remove_question(network: Network | None) -> Question:
    assert network is not None
    return Question(
        f"Remove network {network.name}?",
        "The network is deleted; containers must be disconnected from it first.",
        "Remove",
    )


def removed(network: Network | None, _message: str) -> str:
    return f"Removed network {network.name}." if network is not None else ""


VERBS: dict[str, Verb[Network]] = {
    "remove": Verb("Removing…", lambda n: RemoveNetwork(n.id if n else ""), remove_question,
                   done=removed),
}

HOOKS = {"create": "open_create_network"}


def connect(network: Network, container_id: str) -> ConnectNetwork:
    return ConnectNetwork(network.id, container_id)


def disconnect(network: Network, container_id: str) -> DisconnectNetwork:
    return DisconnectNetwork(network.id, container_id)


def chip(network: Network, state: EngineState) -> tuple[str, Any]:
    if network.builtin:
        return "built-in", BADGE_INFO
    return network.driver, BADGE_DIM


SPEC: Spec[Network] = Spec(
    kind="networks",
    title="Networks",
    noun="network",
    inspect_kind="network",
    key=lambda n: n.id,
    name=lambda n: n.name or n.short_id,
    line=line,
    sort_key=sort_key,
    haystack=haystack,
    fields=fields,
    sections=sections,
    actions=actions,
    panel_actions=PANEL_ACTIONS,
    verbs=VERBS,
    hooks=HOOKS,
    empty="No networks.",
    chip=chip,
)
