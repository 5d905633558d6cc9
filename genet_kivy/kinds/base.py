"""One spec per kind of object, and the generic presentation every resource panel shares.

Pure: no Kivy. A :class:`Spec` says everything a resource panel needs to show one kind
(images, volumes, networks) the way lazydocker's side list panels are configured: how a row
reads, the order rows keep (so lists never jump), what a search looks through, the detail's
fields and sections, and the actions with the command each one sends. The panel widget and
its controller know nothing of any kind; adding a command to a kind is one :class:`Verb`
entry in its spec's ``verbs`` plus its :class:`Action` in ``actions``.

Every spec reads the whole :class:`~genet_rx.state.engine_state.EngineState`, so
cross-references (an image's containers, a network's members) come from the container table
as :mod:`genet_rx.state.relations` derives them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from msgspec import Struct, field

from genet_rx.engine.commands import Command
from genet_rx.model.containers import Container
from genet_rx.state.containers import ContainerTable
from genet_rx.state.engine_state import EngineState
from genet_rx.state.resources import Row as Keyed
from genet_rx.state.resources import Table

from ..actions import Question
from ..describe import Field, Rgba, state_color, state_word
from ..engine_view import label, row_key, split_key

T = TypeVar("T", bound=Keyed)

ROW = "ResourceRow"
ROW_KEYS = ("key", "title", "subtitle", "aside", "badge", "badge_color", "bar", "bar_color")

BADGE_DIM: Rgba = (0.62, 0.64, 0.68, 1)
BADGE_WARN: Rgba = (0.95, 0.73, 0.25, 1)
BADGE_OK: Rgba = (0.31, 0.78, 0.47, 1)
BADGE_INFO: Rgba = (0.40, 0.65, 1.00, 1)

Row = dict[str, Any]


class Line(Struct, frozen=True):
    """How one object reads in its list: title, subtitle, a right-hand figure, a badge, and
    a bar under the figure filled ``bar`` of the way (a service's running of desired; < 0
    for none)."""

    key: str
    title: str
    subtitle: str = ""
    aside: str = ""
    badge: str = ""
    badge_color: Rgba = BADGE_DIM
    bar: float = -1.0
    bar_color: Rgba = BADGE_DIM


class Action(Struct, frozen=True):
    """A button: ``id`` names what it does (a verb, a dialog hook, or a panel's own action).

    A disabled action says why in ``reason`` (shown beside the buttons); it is never sent.
    """

    id: str
    label: str
    tone: str = "normal"
    enabled: bool = True
    reason: str = ""


class Link(Struct, frozen=True):
    """A related container in a detail section; tapping it goes to that container.

    ``action``/``action_label``: a button beside it (a network's Disconnect).
    """

    key: str
    title: str
    detail: str = ""
    color: Rgba = BADGE_DIM
    action: str = ""
    action_label: str = ""


class Section(Struct, frozen=True):
    """A titled part of the detail: related containers, or plain lines (an image's layers)."""

    key: str
    title: str
    links: tuple[Link, ...] = ()
    lines: tuple[str, ...] = ()
    empty: str = "None."


class Verb(Struct, Generic[T], frozen=True):
    """What an action sends. ``make`` builds the command (``None``: a panel-wide action such
    as a prune); ``ask`` the question to confirm first; ``force`` the command to offer when
    the engine refuses in a way ``force_helps`` recognises (an image a stopped container
    uses) and ``refused`` the question offering it, with the engine's words; ``done`` the
    notice on success ("" for none)."""

    working: str
    make: Callable[[T | None], Command]
    ask: Callable[[T | None], Question | None] = lambda _item: None
    force: Callable[[T], Command] | None = None
    refused: Callable[[T, str], Question] | None = None
    force_helps: Callable[[str], bool] = lambda _message: False
    done: Callable[[T | None, str], str] = lambda _item, _message: ""


class Spec(Struct, Generic[T], frozen=True):
    """How one kind is shown and acted on (see the module doc)."""

    kind: str  # "images", "volumes", "networks": also the EngineState field of its table
    title: str  # "Images"
    noun: str  # "image"
    inspect_kind: str  # engine.inspect's kind
    key: Callable[[T], str]
    name: Callable[[T], str]
    line: Callable[[T, EngineState], Line]
    sort_key: Callable[[T], tuple[Any, ...]]
    haystack: Callable[[T], str]
    fields: Callable[[T, EngineState, int], list[Field]]
    sections: Callable[[T, EngineState, Any], list[Section]]
    actions: Callable[[T, EngineState], list[Action]]
    panel_actions: tuple[Action, ...] = ()
    verbs: Mapping[str, Verb[T]] = field(default_factory=dict)
    hooks: Mapping[str, str] = field(default_factory=dict)  # action id → dialogs function
    #: An action that first asks which verb: action id → (title, ((verb id, choice text), …)).
    choices: Mapping[str, tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=dict)
    empty: str = "Nothing here yet."
    chip: Callable[[T, EngineState], tuple[str, Rgba]] = lambda _i, _s: ("", BADGE_DIM)
    #: What the list says when the engine cannot list this kind (swarm kinds, not a manager).
    unavailable: str = ""
    #: Asks the engine again every few seconds while on screen (``engine.swarm_tasks``); the
    #: latest answer reaches ``sections`` in place of what a detail fetched once.
    polled: bool = False
    #: The detail has a Logs tab (``engine.service_logs``).
    logs: bool = False

    def table(self, state: EngineState) -> Table[T]:
        table: Table[T] = getattr(state, self.kind)
        return table


def matches(text: str, query: str) -> bool:
    """Every whitespace-separated term of ``query`` occurs in ``text`` (case-insensitively)."""
    lowered = text.lower()
    return all(term in lowered for term in query.lower().split())


def present(
    spec: Spec[T], state: EngineState, query: str = "", selected: str | None = None,
    height: float = 60, only: str | None = None,
) -> list[Row]:
    """The RecycleView data for one kind: filtered by ``query`` (and to the engine ``only``
    when there are many), in the spec's stable order; with many engines each row is keyed
    by (engine, key) and its subtitle names its engine."""
    table = spec.table(state)
    items = [(k, i) for k, i in table.rows.items()
             if matches(spec.haystack(i), query) and (only is None or split_key(k)[0] == only)]
    items.sort(key=lambda pair: spec.sort_key(pair[1]))
    rows = []
    for table_key, item in items:
        line = spec.line(item, state)
        engine = split_key(table_key)[0]  # None: one engine, rows keyed by their own key
        key = line.key if engine is None else row_key(engine, line.key)
        rows.append({
            "viewclass": ROW,
            "height": height,
            "key": key,
            "title": line.title,
            "subtitle": line.subtitle if engine is None else f"{label(engine)} · {line.subtitle}",
            "aside": line.aside,
            "badge": line.badge,
            "badge_color": line.badge_color,
            "bar": line.bar,
            "bar_color": line.bar_color,
            "selected": key == selected,
        })
    return rows


def empty_text(spec: Spec[T], state: EngineState, query: str, live: bool) -> str:
    """What an empty list says: nothing matches, nothing yet, or none at all."""
    table = spec.table(state)
    if table.unavailable and not table.rows:
        return spec.unavailable or table.unavailable
    if query.strip() and table.rows:
        return f"Nothing matches “{query.strip()}”."
    if not live and not table.rows:
        return f"No {spec.title.lower()} to show yet."
    return spec.empty


def count_text(table: Table[Any] | ContainerTable) -> str:
    """A tab's count: the number of rows once the first list has come, else a dash (also for
    a kind the engine cannot list, such as services on an engine that is no swarm manager)."""
    if getattr(table, "unavailable", "") and not table.rows:
        return "\u2013"
    return str(len(table.rows)) if table.synced or table.rows else "\u2013"


def container_link(c: Container, detail: str = "", action: str = "",
                   action_label: str = "") -> Link:
    """A container in a detail section: its name, state word (or ``detail``) and colour."""
    return Link(c.id, c.name or c.short_id, detail or state_word(c), state_color(c), action,
                action_label)


def out_of_sequence(message: str) -> bool:
    """The engine refused an update made against an older version of the spec (someone else
    changed the service meanwhile): asking again reads the current version."""
    return "out of sequence" in message.lower()


def retry_question(name: str, message: str) -> Question:
    """An update refused as out of sequence: the engine's words, and a retry."""
    return Question(
        f"{name} changed meanwhile",
        f"{message}\n\nIt was changed by someone else while this was sent. "
        "Try again on its current version?",
        "Retry",
    )


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


#: Keys named rather than typed: the key an action id always gets.
NAMED_KEYS = {"remove": "Delete"}


def action_keys(actions: list[Action] | tuple[Action, ...]) -> dict[str, str]:
    """Each action's key (its id → the key), for every kind alike: ``Delete`` for Remove,
    else its label's first letter unless an earlier action took it (so a kind's actions get
    keys without a list per kind; the later of two clashing actions has none)."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for a in actions:
        key = NAMED_KEYS.get(a.id) or next(
            (ch.upper() for ch in a.label if ch.isalpha()), "")
        if key and key not in taken and a.id not in keys:
            keys[a.id] = key
            taken.add(key)
    return keys
