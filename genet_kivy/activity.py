"""The Activity view's record: engine events of every kind and alerts, in plain words.

Pure: no Kivy. :class:`ActivityLog` keeps the newest ``capacity`` entries (bounded memory)
and words each event as a person would say it: ``web stopped (exit 0) · 14:02:11 · by kill
signal 15`` (a ``die`` remembers the ``kill`` that came just before it). Every entry carries
its engine, so filtering by engine is one more field test. ``rows`` filters by kind
("all", "alerts", or an event type) and by container name, newest first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime

from msgspec import Struct

from genet_rx.model.events import Event
from genet_rx.state.alerts import Alert, AlertKind

CAPACITY = 2000

#: What the kind filter offers, in order ("alerts": the alerts raised, not events).
KIND_FILTERS: tuple[str, ...] = ("all", "alerts", "container", "image", "volume", "network")

ALERT_WORDS: dict[AlertKind, str] = {
    AlertKind.DIED: "died unexpectedly",
    AlertKind.UNHEALTHY: "turned unhealthy",
    AlertKind.OOM: "was killed for lack of memory",
    AlertKind.RESTART_LOOP: "is in a restart loop",
}

_VERBS: dict[str, str] = {
    "create": "created", "start": "started", "restart": "restarted", "stop": "stop finished",
    "pause": "paused", "unpause": "unpaused", "destroy": "removed", "oom": "ran out of memory",
    "attach": "attached", "detach": "detached", "commit": "committed", "update": "updated",
    "pull": "pulled", "tag": "tagged", "untag": "untagged", "delete": "deleted",
    "mount": "mounted", "unmount": "unmounted", "connect": "connected",
    "disconnect": "disconnected", "remove": "removed", "prune": "pruned",
}


class Entry(Struct, frozen=True):
    engine: str
    kind: str  # the event's Type ("container", "image", …) or "alert"
    actor_id: str
    name: str
    text: str  # the whole line a person reads
    time_ns: int
    event: Event | None = None  # None for an alert


def clock(time_ns: int) -> str:
    return datetime.fromtimestamp(time_ns / 1e9).strftime("%H:%M:%S")


def alert_text(alert: Alert) -> str:
    """``web died unexpectedly (exit 3)``."""
    code = f" (exit {alert.exit_code})" if alert.exit_code is not None else ""
    return f"{alert.name or alert.id[:12]} {ALERT_WORDS[alert.kind]}{code}"


def event_words(ev: Event, signal: str | None = None) -> str:
    """One event in plain words, without its time; ``signal``: the kill just before a die."""
    attrs = ev.attributes
    name = attrs.get("name") or ev.actor_id[:12]
    verb = ev.verb
    if ev.type == "container":
        if verb == "die":
            code = attrs.get("exitCode", "?")
            why = f" · by kill signal {signal}" if signal else ""
            return f"{name} stopped (exit {code}){why}"
        if verb == "kill":
            return f"{name} was sent signal {attrs.get('signal', '?')}"
        if verb == "rename":
            return f"{name} renamed (was {attrs.get('oldName', '?').lstrip('/')})"
        if verb == "health_status":
            return f"{name} is {ev.detail or 'checked'}"
        if verb.startswith("exec_"):
            code = f" (exit {attrs['exitCode']})" if "exitCode" in attrs else ""
            return f"{name}: {verb.replace('_', ' ')}{code}"
        return f"{name} {_VERBS.get(verb, verb)}"
    return f"{ev.type} {name} {_VERBS.get(verb, verb)}"


class ActivityLog:
    """The newest ``capacity`` entries, oldest first inside (``rows`` turns them round)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.entries: deque[Entry] = deque(maxlen=capacity)
        self._signals: dict[str, str] = {}
        self.added = 0  # entries ever added (the view redraws when it moves)

    def add_event(self, ev: Event, engine: str) -> Entry:
        signal = None
        if ev.type == "container":
            if ev.verb == "kill":
                self._signals[ev.actor_id] = ev.attributes.get("signal", "?")
            elif ev.verb == "die":
                signal = self._signals.pop(ev.actor_id, None)
            elif ev.verb == "start":
                self._signals.pop(ev.actor_id, None)
        words = event_words(ev, signal)
        name = ev.attributes.get("name", "")
        entry = Entry(engine, ev.type, ev.actor_id, name, _with_time(words, ev.time_nano),
                      ev.time_nano, ev)
        self._add(entry)
        return entry

    def add_alert(self, alert: Alert, engine: str) -> Entry:
        entry = Entry(engine, "alert", alert.id, alert.name,
                      _with_time(alert_text(alert), alert.event_time_ns), alert.event_time_ns)
        self._add(entry)
        return entry

    def add_gap(self, engine: str, time_ns: int) -> Entry:
        """The events stream broke: what happened until it is followed again may be missing
        here (the History tab asks the engine again)."""
        entry = Entry(engine, "gap", "", "", _with_time(
            "The engine's events stopped arriving; some may be missing here", time_ns), time_ns)
        self._add(entry)
        return entry

    @property
    def capacity(self) -> int:
        """How many entries the log keeps."""
        return self.entries.maxlen or 0

    def _add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.added += 1

    def rows(self, kind: str = "all", container: str = "", engine: str = "") -> list[Entry]:
        """Entries newest first, of ``kind`` ("all", "alerts", or an event type), whose
        container name holds ``container`` (case-insensitively), on ``engine`` ("": any)."""
        wanted = container.strip().lower()
        out = []
        for e in reversed(self.entries):
            if kind == "alerts" and e.kind != "alert":
                continue
            if kind not in ("all", "alerts") and e.kind != kind:
                continue
            if wanted and wanted not in e.name.lower():
                continue
            if engine and e.engine != engine:
                continue
            out.append(e)
        return out

    def events_of(self, actor_id: str) -> list[Event]:
        """The events of one object seen since Genet started (as far as the bound keeps)."""
        return [e.event for e in self.entries if e.actor_id == actor_id and e.event is not None]

    def alerts(self) -> Iterable[Entry]:
        return (e for e in reversed(self.entries) if e.kind == "alert")


def _with_time(words: str, time_ns: int) -> str:
    """``web stopped (exit 0) · 14:02:11 · by kill signal 15``: the time after the fact."""
    fact, sep, why = words.partition(" · ")
    return f"{fact} · {clock(time_ns)}{sep}{why}"
