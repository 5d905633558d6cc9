"""Alerts: what deserves a person's attention, folded from container events. Pure.

Theory of operation
-------------------
``step`` folds one event into a small state and says whether it raises an alert:

* ``died``: a ``die`` with a non-zero exit code that nobody asked for. ``docker stop``, Genet's
  own Stop and ``docker kill`` all send ``kill`` before the ``die``, so a ``kill`` marks the
  container as stopped on purpose until its next ``start``.
* ``oom``: the engine killed it for lack of memory (``oom``, then a ``die`` 137: the die is
  not alerted again). The two race: when the die comes first, ``Engine.alerts`` drops the
  death once inspect says ``OOMKilled`` (this fold cannot know yet).
* ``unhealthy``: ``health_status: unhealthy`` (sent once per change of health).
* ``restart_loop``: ``loop_starts`` starts within ``loop_window_ns`` (a restart policy sends
  only die/start pairs).

One alert per container and kind per ``cooldown_ns``. Exec probes of health checks
(``exec_*``) are never a container's death. Which kinds alert, and for which containers (a
name pattern, a label), is the person's choice: :class:`AlertRules`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

import immutables
from msgspec import Struct, field
from msgspec.structs import replace

from genet_rx.model.events import Event
from genet_rx.settings import Settings


class AlertKind(StrEnum):
    DIED = "died"
    UNHEALTHY = "unhealthy"
    OOM = "oom"
    RESTART_LOOP = "restart_loop"


class Alert(Struct, frozen=True):
    id: str
    name: str
    kind: AlertKind
    event_time_ns: int
    exit_code: int | None = None


class AlertRules(Struct, frozen=True):
    """Which alerts a person wants: kinds, and containers by name pattern or label."""

    kinds: frozenset[AlertKind] = frozenset(AlertKind)
    name_pattern: str = ""  # fnmatch, e.g. "web-*"; "" every name
    label: str = ""  # "key" or "key=value"; "" every container
    cooldown_ns: int = 300 * 1_000_000_000
    loop_starts: int = 3
    loop_window_ns: int = 60 * 1_000_000_000

    def wants(self, name: str, labels: Mapping[str, str]) -> bool:
        if self.name_pattern and not fnmatch.fnmatchcase(name, self.name_pattern):
            return False
        if self.label:
            key, sep, value = self.label.partition("=")
            return key in labels and (not sep or labels[key] == value)
        return True


#: Every kind of alert for every container: the rules until a person sets others.
DEFAULT_RULES = AlertRules()


class AlertState(Struct, frozen=True):
    asked: immutables.Map[str, bool] = field(default_factory=immutables.Map)  # killed on purpose
    oomed: immutables.Map[str, bool] = field(default_factory=immutables.Map)
    starts: immutables.Map[str, tuple[int, ...]] = field(default_factory=immutables.Map)
    last: immutables.Map[tuple[str, AlertKind], int] = field(default_factory=immutables.Map)


def step(state: AlertState, ev: Event, rules: AlertRules = DEFAULT_RULES,
         ) -> tuple[AlertState, Alert | None]:
    """Fold one event; the alert it raises, if any."""
    if ev.type != "container" or not ev.actor_id:
        return state, None
    cid, verb, attrs = ev.actor_id, ev.verb, ev.attributes
    kind: AlertKind | None = None
    code: int | None = None
    if verb == "kill":
        state = replace(state, asked=state.asked.set(cid, True))
    elif verb == "start":
        window = tuple(t for t in state.starts.get(cid, ()) if ev.time_nano - t
                       < rules.loop_window_ns)
        window = (*window, ev.time_nano)[-rules.loop_starts:]
        state = replace(state, starts=state.starts.set(cid, window),
                        asked=_without(state.asked, cid), oomed=_without(state.oomed, cid))
        if len(window) >= rules.loop_starts:
            kind = AlertKind.RESTART_LOOP
    elif verb == "oom":
        state = replace(state, oomed=state.oomed.set(cid, True))
        kind = AlertKind.OOM
    elif verb == "die":
        raw = attrs.get("exitCode", "")
        code = int(raw) if raw.lstrip("-").isdigit() else None
        if code not in (None, 0) and cid not in state.asked and cid not in state.oomed:
            kind = AlertKind.DIED
    elif verb == "health_status" and ev.detail == "unhealthy":
        kind = AlertKind.UNHEALTHY
    elif verb == "destroy":
        state = AlertState(_without(state.asked, cid), _without(state.oomed, cid),
                           _without(state.starts, cid), state.last)
    if kind is None or kind not in rules.kinds:
        return state, None
    name = attrs.get("name", "")
    labels = {k: v for k, v in attrs.items() if k not in ("name", "image", "exitCode")}
    if not rules.wants(name, labels):
        return state, None
    previous = state.last.get((cid, kind))
    if previous is not None and ev.time_nano - previous < rules.cooldown_ns:
        return state, None
    state = replace(state, last=state.last.set((cid, kind), ev.time_nano))
    return state, Alert(cid, name, kind, ev.time_nano, code if kind is AlertKind.DIED else None)


V = TypeVar("V")


def _without(m: immutables.Map[str, V], key: str) -> immutables.Map[str, V]:
    return m.delete(key) if key in m else m


#: The settings section that holds a person's alert rules.
SECTION = "alerts"


def rules_from(settings: Settings) -> AlertRules:
    """The alert rules saved in the settings' "alerts" section (defaults where unset)."""
    default = DEFAULT_RULES
    kinds = settings.get_strs(SECTION, "kinds", tuple(k.value for k in AlertKind))
    return AlertRules(
        kinds=frozenset(AlertKind(k) for k in kinds if k in {a.value for a in AlertKind}),
        name_pattern=settings.get_str(SECTION, "name_pattern", default.name_pattern),
        label=settings.get_str(SECTION, "label", default.label),
        cooldown_ns=settings.get_int(SECTION, "cooldown_s", default.cooldown_ns // 10**9)
        * 10**9,
    )


def rules_section(rules: AlertRules) -> dict[str, object]:
    """The "alerts" section that saves ``rules`` (read back by :func:`rules_from`)."""
    return {
        "kinds": sorted(k.value for k in rules.kinds),
        "name_pattern": rules.name_pattern,
        "label": rules.label,
        "cooldown_s": rules.cooldown_ns // 10**9,
    }
