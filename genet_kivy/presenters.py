"""The sidebar as data: a table turned into grouped, filtered, stably ordered RecycleView rows.

Pure: no Kivy. ``SidebarRows.present`` returns the list of dicts a RecycleView takes as ``data``
(group headers and container rows, told apart by ``viewclass``).

* Groups as the chosen :class:`~genet_kivy.grouping.Grouping` says (by state: Running, Paused,
  Restarting, Exited, Created, Dead; a container in the short-lived ``removing`` state is shown
  under **Exited** with the word "removing"; by compose project: one header per project with
  its services, running/total, config files and working directory). Empty groups are left out.
* In select mode every row shows a checkbox (``selecting``), ticked when its id is in
  ``checked``.
* With many engines rows are keyed by (engine, id) (:func:`~genet_kivy.engine_view.row_key`),
  their subtitle names their engine, and ``only`` keeps one engine's rows.
* Each header carries its count (of the rows the search lets through); a collapsed group keeps
  its header and count and hides its rows.
* Search: every whitespace-separated term must occur (case-insensitively) in the name, the
  image or the compose project.
* Order inside a group is by name, then id: stable, so rows never jump while their state does
  not change.
* A restart loop does not move rows: a container seen restarting stays under **Restarting**
  (its word says "running") until it has been running for :data:`RESTART_HOLD` seconds, so
  a container the engine restarts every few seconds does not shift every row below it.
* Row dicts are cached per container value: a container whose row object did not change (the
  table is persistent) costs one identity check, so 1,000+ rows stay cheap per frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from genet_rx.model.containers import Container, State
from genet_rx.state.containers import ContainerTable

from .describe import state_color, state_word
from .engine_view import label, split_key
from .grouping import BY_STATE, GROUP_OF, GROUPINGS, Grouping, project_facts, project_of
from .grouping import Group as Group  # the state groups, where tests and panels knew them
from .row_stats import MEASURED, PLACEHOLDER

RESTART_HOLD = 60.0  # seconds a container seen restarting stays in the Restarting group

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
        "usage": PLACEHOLDER if c.state in MEASURED else "",
        "selecting": False,
        "checked": False,
    }


def header_of(group: str, count: int, collapsed: bool, height: float = 48,
              grouping: Grouping = BY_STATE) -> Row:
    return {
        "viewclass": grouping.header,
        "height": height,
        "group": group,
        "title": grouping.title(group),
        "count": count,
        "collapsed": collapsed,
    }


#: A project header's extra lines and its row of buttons, in dp beyond a plain header.
PROJECT_EXTRA = 118


def project_header_of(group: str, members: list[Container], count: int, collapsed: bool,
                      height: float = 48, extra: float = PROJECT_EXTRA) -> Row:
    """A compose project's header: services and running/total, config files, working
    directory, and (for a real project) its Start/Stop/Restart/Remove buttons."""
    row = header_of(group, count, collapsed, height, GROUPINGS["project"])
    project = project_of(group)
    facts = project_facts(members)
    where = " · in ".join(x for x in (facts.config_files, facts.working_dir) if x)
    row.update(project=project, facts=facts.line if project else "",
               where=where if project else "",
               height=height + extra if project else height)
    return row


@dataclass(slots=True)
class _Cached:
    container: Container
    row: Row
    key: tuple[str, str]
    text: str


_BY_NAME = attrgetter("key")  # a cached row's (lower-case name, row key)


@dataclass(slots=True)
class SidebarRows:
    """Turns tables into sidebar rows, remembering rows of containers that did not change.

    ``row_height`` and ``header_height`` (pixels) go into each dict: a RecycleView lays out
    views of different heights from their data.
    """

    row_height: float = 60
    header_height: float = 48
    project_extra: float = PROJECT_EXTRA
    clock: Callable[[], float] = time.monotonic  # seconds, for the restart hold
    _cache: dict[str, _Cached] = field(default_factory=dict)
    _restarting: dict[str, float] = field(default_factory=dict)  # row key -> when seen so

    def group_of(self, key: str, c: Container, now: float) -> Group:
        """The group of the container of row key ``key``, holding a restart loop under
        Restarting (see above)."""
        if c.state is State.RESTARTING:
            self._restarting[key] = now
        elif c.state is State.RUNNING:
            seen = self._restarting.get(key)
            if seen is not None and now - seen < RESTART_HOLD:
                return Group.RESTARTING
        return GROUP_OF[c.state]

    def present(
        self,
        table: ContainerTable,
        query: str = "",
        collapsed: frozenset[str] = frozenset(),
        selected: str | None = None,
        group_by: str = "state",
        checked: frozenset[str] | None = None,
        only: str | None = None,
    ) -> list[Row]:
        """The RecycleView data for this table, search text, collapsed groups, selection,
        grouping (a :data:`~genet_kivy.grouping.GROUPINGS` name) and engine (``only``: one
        engine's rows).

        ``checked`` is None outside select mode; in select mode, the row keys ticked."""
        grouping = GROUPINGS[group_by]
        terms = search_terms(query)
        buckets: dict[str, list[_Cached]] = {}
        everyone: dict[str, list[Container]] = {}
        cache = self._cache
        fresh: dict[str, _Cached] = {}
        now = self.clock()
        self._restarting = {
            cid: t for cid, t in self._restarting.items()
            if cid in table.rows and now - t < RESTART_HOLD
        }
        # Run for every row of every state (10,000 rows at 10 engines): the common cases first.
        by_state = grouping is BY_STATE
        projects = grouping.header == "ProjectHeader"
        restarting = self._restarting
        for cid, c in table.rows.items():
            hit = cache.get(cid)
            if hit is None or hit.container is not c:
                shown = row_of(c, self.row_height, None if cid == c.id else cid)
                hit = _Cached(c, shown, (c.name.lower(), cid), haystack(c))
            fresh[cid] = hit
            if only is not None and split_key(cid)[0] != only:
                continue
            if not by_state:
                group = grouping.key(cid, c)
            elif c.state is State.RESTARTING or cid in restarting:
                group = self.group_of(cid, c, now)  # the restart hold, a state grouping's rule
            else:
                group = GROUP_OF[c.state]
            if projects:
                everyone.setdefault(group, []).append(c)
            if not terms or all(t in hit.text for t in terms):
                buckets.setdefault(group, []).append(hit)
        self._cache = fresh  # forget removed containers
        out: list[Row] = []
        for group in sorted(buckets, key=grouping.order):
            members = buckets[group]
            folded = group in collapsed
            if grouping.header == "ProjectHeader":
                out.append(project_header_of(group, everyone[group], len(members), folded,
                                             self.header_height, self.project_extra))
            else:
                out.append(header_of(group, len(members), folded, self.header_height, grouping))
            if folded:
                continue
            members.sort(key=_BY_NAME)
            for h in members:
                row = h.row
                if row["cid"] == selected:
                    row = {**row, "selected": True}
                if checked is not None:
                    row = {**row, "selecting": True, "checked": row["cid"] in checked}
                out.append(row)
        return out

    def ids_in_order(self, rows: list[Row]) -> list[str]:
        """The container ids of presented rows, top to bottom (for shift-click ranges)."""
        return [r["cid"] for r in rows if r["viewclass"] == ROW]


def counts(rows: list[Row]) -> dict[str, int]:
    """Per-group counts read back from presented rows (headers carry them)."""
    return {r["group"]: r["count"] for r in rows if r["viewclass"] != ROW}


def summary(table: ContainerTable) -> str:
    """One line for the top bar: ``12 containers · 5 running``."""
    total = len(table.rows)
    running = sum(1 for c in table.rows.values() if c.state is State.RUNNING)
    noun = "container" if total == 1 else "containers"
    return f"{total} {noun} · {running} running"
