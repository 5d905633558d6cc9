"""The sidebar as data: a table turned into grouped, filtered, stably ordered RecycleView rows.

Pure: no Kivy. ``SidebarRows.present`` returns the list of dicts a RecycleView takes as ``data``
(group headers and container rows, told apart by ``viewclass``).

* Groups, by state (the default), in this order: Running, Paused, Restarting, Exited,
  Created, Dead. A container in the short-lived ``removing`` state is shown under **Exited**
  with the word "removing": it no longer runs and is about to disappear. Empty groups are
  left out. Other groupings (by engine) are entries of :data:`GROUP_BY`: a key function, an
  order and a title.
* With many engines rows are keyed by (engine, id) (:func:`~genet_kivy.engine_view.row_key`),
  their subtitle names their engine, and ``only`` keeps one engine's rows.
* Each header carries its count (of the rows the search lets through); a collapsed group keeps
  its header and count and hides its rows.
* Search: every whitespace-separated term must occur (case-insensitively) in the name, the
  image or the compose project.
* Order inside a group is by name, then id: stable, so rows never jump while their state does
  not change.
* Row dicts are cached per container value: a container whose row object did not change (the
  table is persistent) costs one identity check, so 1,000+ rows stay cheap per frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from genet_rx.model.containers import Container, State
from genet_rx.state.containers import ContainerTable

from .describe import state_color, state_word
from .engine_view import label, split_key


class Group(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    RESTARTING = "restarting"
    EXITED = "exited"
    CREATED = "created"
    DEAD = "dead"


GROUP_ORDER: tuple[Group, ...] = tuple(Group)

GROUP_OF: dict[State, Group] = {
    State.RUNNING: Group.RUNNING,
    State.PAUSED: Group.PAUSED,
    State.RESTARTING: Group.RESTARTING,
    State.EXITED: Group.EXITED,
    State.REMOVING: Group.EXITED,
    State.CREATED: Group.CREATED,
    State.DEAD: Group.DEAD,
}

TITLE: dict[Group, str] = {g: g.value.capitalize() for g in Group}

HEADER = "GroupHeader"
ROW = "ContainerRow"

Row = dict[str, Any]


def search_terms(query: str) -> tuple[str, ...]:
    return tuple(query.lower().split())


def haystack(c: Container) -> str:
    return f"{c.name}\n{c.image}\n{c.compose_project or ''}".lower()


def matches(c: Container, terms: Iterable[str]) -> bool:
    text = haystack(c)
    return all(t in text for t in terms)


def subtitle(c: Container) -> str:
    project = c.compose_project
    return f"{project} · {c.image}" if project else c.image


def row_of(c: Container, height: float = 60, key: str | None = None) -> Row:
    """A container's RecycleView row (every row dict has the same keys); ``key``: its row key
    among many engines, whose engine the subtitle names."""
    engine = split_key(key)[0] if key is not None else None
    return {
        "viewclass": ROW,
        "height": height,
        "cid": c.id if key is None else key,
        "name": c.name or c.short_id,
        "subtitle": subtitle(c) if engine is None else f"{label(engine)} · {subtitle(c)}",
        "state_word": state_word(c),
        "state_color": state_color(c),
        "selected": False,
        "usage": "",
    }


def header_of(group: str, count: int, collapsed: bool, height: float = 48,
              title: str | None = None) -> Row:
    return {
        "viewclass": HEADER,
        "height": height,
        "group": str(group),
        "title": TITLE[Group(group)] if title is None else title,
        "count": count,
        "collapsed": collapsed,
    }


@dataclass(frozen=True, slots=True)
class Grouping:
    """One way to group the list: a row's group (from its row key and container), the order
    of groups, and a group's title."""

    of: Callable[[str, Container], str]
    order: Callable[[str], Any]
    title: Callable[[str], str]


def _engine_of(key: str, _c: Container) -> str:
    return label(split_key(key)[0] or "")


#: The list's groupings, by the name the "group by" control shows.
GROUP_BY: dict[str, Grouping] = {
    "state": Grouping(lambda _k, c: GROUP_OF[c.state].value,
                      lambda g: GROUP_ORDER.index(Group(g)), lambda g: TITLE[Group(g)]),
    "engine": Grouping(_engine_of, lambda g: g.lower(), lambda g: g),
}


@dataclass(slots=True)
class _Cached:
    container: Container
    row: Row
    key: tuple[str, str]
    text: str


@dataclass(slots=True)
class SidebarRows:
    """Turns tables into sidebar rows, remembering rows of containers that did not change.

    ``row_height`` and ``header_height`` (pixels) go into each dict: a RecycleView lays out
    views of different heights from their data.
    """

    row_height: float = 60
    header_height: float = 48
    _cache: dict[str, _Cached] = field(default_factory=dict)

    def present(
        self,
        table: ContainerTable,
        query: str = "",
        collapsed: frozenset[str] = frozenset(),
        selected: str | None = None,
        group_by: str = "state",
        only: str | None = None,
    ) -> list[Row]:
        """The RecycleView data for this table, search text, collapsed groups, selection,
        grouping (a :data:`GROUP_BY` name) and engine (``only``: one engine's rows)."""
        terms = search_terms(query)
        grouping = GROUP_BY[group_by]
        buckets: dict[str, list[_Cached]] = {}
        cache = self._cache
        fresh: dict[str, _Cached] = {}
        for cid, c in table.rows.items():
            hit = cache.get(cid)
            if hit is None or hit.container is not c:
                shown = row_of(c, self.row_height, None if cid == c.id else cid)
                hit = _Cached(c, shown, (c.name.lower(), cid), haystack(c))
            fresh[cid] = hit
            if only is not None and split_key(cid)[0] != only:
                continue
            if all(t in hit.text for t in terms):
                buckets.setdefault(grouping.of(cid, c), []).append(hit)
        self._cache = fresh  # forget removed containers
        out: list[Row] = []
        for group in sorted(buckets, key=grouping.order):
            members = buckets[group]
            folded = group in collapsed
            out.append(header_of(group, len(members), folded, self.header_height,
                                 grouping.title(group)))
            if folded:
                continue
            members.sort(key=lambda h: h.key)
            for h in members:
                out.append({**h.row, "selected": True} if h.row["cid"] == selected else h.row)
        return out


def counts(rows: list[Row]) -> dict[Group, int]:
    """Per-group counts read back from presented rows (headers carry them)."""
    return {Group(r["group"]): r["count"] for r in rows if r["viewclass"] == HEADER}


def summary(table: ContainerTable) -> str:
    """One line for the top bar: ``12 containers · 5 running``."""
    total = len(table.rows)
    running = sum(1 for c in table.rows.values() if c.state is State.RUNNING)
    noun = "container" if total == 1 else "containers"
    return f"{total} {noun} · {running} running"
