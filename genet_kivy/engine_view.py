"""Many engines as the UI sees them: one merged state keyed by (engine, id), and each
engine's chip. Pure: no Kivy.

With one engine the merged state *is* that engine's state (the same object, rows keyed by
plain ids), so a one-engine app looks and behaves as before. With more, every table's rows
are keyed by :func:`row_key` (the one place the key is made and read back): the same id on
two engines is two rows. The row values are the engines' own, so a row's ``host`` still
names the engine that owns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import immutables
from msgspec import Struct

from genet_rx.model.connection import Connection, Link
from genet_rx.state.containers import ContainerTable
from genet_rx.state.engine_state import EngineState
from genet_rx.state.resources import Table

from .theme import Rgba

#: Between an engine's name and an object's id in a row key (a character no name holds).
SEP = "\x1f"

#: The merged tables: the EngineState fields a UI shows, keyed by row key.
KINDS = ("images", "volumes", "networks", "services", "nodes")

LIVE: Rgba = (0.31, 0.78, 0.47, 1)
WAITING: Rgba = (0.60, 0.62, 0.66, 1)
OFFLINE: Rgba = (0.94, 0.36, 0.36, 1)
UNVERIFIED: Rgba = (0.95, 0.68, 0.25, 1)

#: How a connection state looks: its word and its colour.
LINK_LOOK: dict[Link, tuple[str, Rgba]] = {
    Link.CONNECTED: ("live", LIVE),
    Link.CONNECTING: ("connecting", WAITING),
    Link.DISCONNECTED: ("offline", OFFLINE),
}


def row_key(engine: str, id: str) -> str:
    """The key of object ``id`` of engine ``engine`` in a merged table of many engines."""
    return f"{engine}{SEP}{id}"


def split_key(key: str) -> tuple[str | None, str]:
    """(engine, id) of a row key; engine None for a plain id (the one-engine app)."""
    engine, sep, id = key.partition(SEP)
    return (engine, id) if sep else (None, key)


def label(name: str) -> str:
    """What an engine is called where room is short (chips, rows, group titles): a context's
    name; a URL's host and port, or the last two parts of a socket's path; the docker CLI's
    own choice is ``default``, as its context is called."""
    if not name:
        return "default"
    scheme, sep, rest = name.partition("://")
    if not sep:
        return name
    if scheme in ("unix", "npipe"):
        parts = [p for p in rest.split("/") if p and p != "."]
        return "/".join(parts[-2:]) or name
    return rest.rstrip("/") or name


def merged_state(merged: Mapping[str, EngineState], order: Sequence[str]) -> EngineState:
    """One state for the widgets: the engine's own when there is one, else every engine's
    rows under :func:`row_key`, synced once every engine's list has come."""
    return Merger().merge(merged, order)


class Merger:
    """:func:`merged_state`, state after state, at the cost of what changed: a table's merged
    rows are the previous merged rows with only the changed engines' changed rows put in or
    taken out (an engine's rows are compared by identity, the fold's rows being shared
    between states), not all engines' rows copied again each state (10 engines x 1,000
    containers: 10,000 keys made and set a state before)."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._parts: dict[str, list[Any]] = {}  # kind -> each engine's rows, as last merged
        self._rows: dict[str, immutables.Map[str, Any]] = {}  # kind -> merged rows

    def merge(self, merged: Mapping[str, EngineState], order: Sequence[str]) -> EngineState:
        """The state for the widgets (see :func:`merged_state`)."""
        names = [n for n in order if n in merged]
        if len(names) == 1:
            return merged[names[0]]
        states = [merged[n] for n in names]
        same = names == self._names
        self._names = names

        def rows(kind: str, parts: list[Any]) -> immutables.Map[str, Any]:
            old = self._parts.get(kind) if same else None
            if old is None:
                out = _rows(zip(names, parts, strict=True))
            else:
                out = _patched(self._rows[kind], names, old, parts)
            self._parts[kind], self._rows[kind] = parts, out
            return out

        containers = ContainerTable(
            rows=rows("containers", [s.containers.rows for s in states]),
            synced=bool(states) and all(s.containers.synced or s.containers.rows
                                        for s in states if s.connection.connected),
            last_event_ns=max((s.containers.last_event_ns for s in states), default=0))
        tables = {}
        for kind in KINDS:
            parts = [getattr(s, kind) for s in states]
            reasons = {t.unavailable for t in parts if t.unavailable}
            tables[kind] = Table(
                rows=rows(kind, [t.rows for t in parts]), synced=any(t.synced for t in parts),
                unavailable=next(iter(reasons)) if len(reasons) == len(parts) else "")
        return EngineState(host="", connection=overall([s.connection for s in states]),
                           containers=containers, **tables)


def _rows(parts: Any) -> immutables.Map[str, Any]:
    out: Any
    with immutables.Map().mutate() as out:
        for name, rows in parts:
            for id, row in rows.items():
                out[row_key(name, id)] = row
        return out.finish()  # type: ignore[no-any-return]


def _patched(merged: immutables.Map[str, Any], names: Sequence[str], old: Sequence[Any],
             new: Sequence[Any]) -> immutables.Map[str, Any]:
    """``merged`` with each engine's rows changed from ``old`` to ``new`` (by identity)."""
    changed = [(n, o, r) for n, o, r in zip(names, old, new, strict=True) if o is not r]
    if not changed:
        return merged
    out: Any
    with merged.mutate() as out:
        for name, was, now in changed:
            added = 0
            get = was.get
            for id, row in now.items():
                before = get(id)
                if before is not row:
                    out[row_key(name, id)] = row
                    added += before is None
            if len(now) - added != len(was):  # some rows were removed too
                for id in was:
                    if id not in now:
                        del out[row_key(name, id)]
        return out.finish()  # type: ignore[no-any-return]


def overall(connections: Sequence[Connection]) -> Connection:
    """The app's one connection: live while any engine is, else connecting while any is,
    else offline (with the first engine's reason)."""
    for link in (Link.CONNECTED, Link.CONNECTING):
        for c in connections:
            if c.state is link:
                return c
    return connections[0] if connections else Connection("", Link.CONNECTING)


class Chip(Struct, frozen=True):
    """An engine in the top bar: its name, state word and colour, and why (offline)."""

    name: str
    label: str
    word: str
    color: Rgba
    reason: str = ""


def chip_of(name: str, state: EngineState | None, verified: bool = True) -> Chip:
    """An engine's chip: live / connecting / offline with the reason; a live engine whose
    certificate is not verified (a context's SkipTLSVerify) says "unverified"."""
    conn = state.connection if state is not None else Connection("", Link.CONNECTING)
    word, color = LINK_LOOK[conn.state]
    if conn.state is Link.CONNECTED and not verified:
        word, color = "unverified TLS", UNVERIFIED
    reason = conn.message or "" if conn.state is Link.DISCONNECTED else ""
    return Chip(name, label(name), word, color, reason)


def counts(state: EngineState) -> str:
    """An engine's objects in one line: ``3 containers (1 running) · 4 images · …``."""
    running = sum(1 for c in state.containers.rows.values() if c.state.value == "running")
    return (f"{len(state.containers.rows)} containers ({running} running) · "
            f"{len(state.images.rows)} images · {len(state.volumes.rows)} volumes · "
            f"{len(state.networks.rows)} networks")


class Entry(Struct, frozen=True):
    """An engine on the Engines screen: its chip, what is known of it, and what can be done
    (``saved``: it is in the saved file, so it can be disabled; ``enabled``: it is open)."""

    chip: Chip
    about: str
    counts: str
    saved: bool
    enabled: bool


def entries(opened: Sequence[str], merged: Mapping[str, EngineState],
            saved: Sequence[Any], versions: Mapping[str, str],
            verified: Mapping[str, bool]) -> list[Entry]:
    """Every open engine in order, then the saved engines that are disabled."""
    saved_hosts = {e.host: e for e in saved}
    out = []
    for name in opened:
        state = merged.get(name)
        chip = chip_of(name, state, verified.get(name, True))
        conn = state.connection if state is not None else None
        about = " · ".join(part for part in (
            f"{chip.word}: {chip.reason}" if chip.reason else chip.word,
            conn.host if conn is not None and conn.host != name else "",
            f"API {conn.api_version}" if conn is not None and conn.api_version else "",
            f"Engine {versions[name]}" if versions.get(name) else "") if part)
        out.append(Entry(chip, about, counts(state) if state is not None else "",
                         name in saved_hosts, True))
    for e in saved:
        if e.host not in opened:
            chip = Chip(e.host, label(e.host), "disabled", WAITING)
            out.append(Entry(chip, "disabled · not opened", "", True, False))
    return out
