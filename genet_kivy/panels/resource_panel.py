"""The generic resource panel's controller: one per kind, configured by the kind's spec.

It turns the feed's state into its list and detail (only while its kind is on screen), keeps
the kind's search text and selection, and acts on taps:

* an action with a :class:`~genet_kivy.kinds.base.Verb` asks first if it must, then sends the
  verb's command; its button shows it working until the result comes back. A refusal shows
  the engine's own words, and offers the verb's ``force`` command when it has one.
* an action named in the spec's ``hooks`` opens that dialog of :mod:`genet_kivy.dialogs` (the
  package may not exist yet: then a notice says so);
* an action whose hook is a dotted path (``genet_kivy.panels.swarm_forms.open_scale``) opens
  that form, which sends its command back through :meth:`ResourcePanel.send_command`;
* ``connect`` opens a picker of containers, ``disk`` the disk usage view;
* a related container (a link) goes to that container; its button (Disconnect) acts on it.

What only a call can tell (an image's history, an inspect document) is fetched once per
selected object, when it is first shown. A ``polled`` kind (swarm services and nodes: the
engine sends no task events) asks every open engine's ``swarm_tasks`` again every few seconds,
only while the kind is on screen (:meth:`ResourcePanel.on_screen`), and shows the answer of the
selected row's engine; a kind with ``logs`` has a Logs tab
whose stream is open only while that tab is shown.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from typing import Any

import reactivex
from kivy.metrics import dp
from reactivex import operators as ops
from reactivex.disposable import SerialDisposable

from genet_rx.engine.commands import Command, CommandResult, Outcome

from .. import theme
from ..engine_view import split_key
from ..kinds import networks
from ..kinds.base import (
    Spec,
    Verb,
    count_text,
    empty_text,
    out_of_sequence,
    present,
    retry_question,
)
from ..kinds.services import task_labels
from .disk_view import DiskView
from .picker import PickDialog

INSPECT_LINES = 5000  # lines of an inspect document drawn (Copy takes all)


class ResourcePanel:
    """List and detail of one kind (see the module doc). ``app`` gives the engine, the feed's
    state, notices and dialogs, calls, and navigation to a container."""

    def __init__(self, app: Any, spec: Spec[Any]) -> None:
        self.app = app
        self.spec = spec
        self.query = ""
        self.selected: str | None = None
        self.working: dict[str, str] = {}  # target → action id with a command on its way
        self.loaded: dict[str, Any] = {}  # key → what its detail fetched (an image's history)
        self.inspected: dict[str, Any] = {}  # key → inspect document (or the error)
        self.polled_by: dict[Any, Any] = {}  # engine → its slow refresh's latest answer
        self.polls = 0  # answers of the slow refresh so far (tests, diagnostics)
        self._polling = SerialDisposable()
        self._forms: dict[str, Verb[Any]] = {}  # action → the verb a form sent
        self.logs_view: Any = None

    def attach(self, list_widget: Any, detail: Any) -> None:
        """Its list and detail were built (the first time the kind is shown): wire them."""
        list_widget.panel = self
        detail.panel = self
        if self.spec.logs:
            from .service_logs_view import ServiceLogsView

            self.logs_view = ServiceLogsView()
            detail.add_page("logs", "Logs", self.logs_view)

    @property
    def list(self) -> Any:
        """The kind's list widget (built if it was not yet)."""
        return self.app.root.panes(self.kind)[0]

    @property
    def detail(self) -> Any:
        """The kind's detail widget (built if it was not yet)."""
        return self.app.root.panes(self.kind)[1]

    @property
    def kind(self) -> str:
        return self.spec.kind

    def count(self) -> str:
        return count_text(self.spec.table(self.app.feed.state))

    def current(self) -> Any:
        if self.selected is None:
            return None
        return self.spec.table(self.app.feed.state).get(self.selected)

    # -- on screen or not -----------------------------------------------------------------

    def on_screen(self, shown: bool) -> None:
        """The kind came on screen (or left it): a polled kind's slow refresh and the Logs
        tab's stream run only while it is shown."""
        if not shown:
            self._polling.disposable = None  # disposes the refresh: no more asks
            if self.logs_view is not None:
                self.logs_view.leave()
            return
        if not self.spec.polled or self._polling.disposable is not None:
            return
        engines = [e for e in self.app.fleet.engines.engines.values()
                   if hasattr(e, "swarm_tasks")]
        if engines:  # every engine's answers, each marked with its engine
            asks = [e.swarm_tasks().pipe(ops.map(lambda answer, e=e: (e, answer)))
                    for e in engines]
            self._polling.disposable = self.app.on_main(reactivex.merge(*asks)).subscribe(
                on_next=self._on_polled)

    def engines_changed(self) -> None:
        """Engines came or went: a slow refresh under way asks the engines open now."""
        if self.polling:
            self._polling.disposable = None
            self.polled_by = {}
            self.on_screen(True)

    @property
    def polling(self) -> bool:
        return self._polling.disposable is not None

    @property
    def polled(self) -> Any:
        """The slow refresh's latest answer from the engine of the row shown (else the chosen
        engine); None before it answers."""
        return self.polled_by.get(self.app.engine_of_key(self.selected))

    def _on_polled(self, answer: tuple[Any, Any]) -> None:
        engine, value = answer
        self.polled_by[engine] = value
        self.polls += 1
        if self.app.root is not None and self.app.root.kind == self.kind:
            self.show_detail()

    # -- presenting -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-present list and detail from the feed's state (one frame's work)."""
        state, live = self.app.feed.state, self.app.live
        rows = present(self.spec, state, self.query, self.selected, dp(theme.ROW),
                       self.app.fleet.only)
        for row in rows:
            row["kind"] = self.kind
        self.list.stale = not live and bool(self.spec.table(state).rows)
        self.list.show(rows, empty_text(self.spec, state, self.query, live))
        self.list.set_actions(self.spec.panel_actions, live)
        self.show_detail()

    def show_detail(self) -> None:
        item = self.current()
        detail = self.detail
        detail.has_item = item is not None
        if item is None:
            if self.logs_view is not None:
                self.logs_view.leave()
            detail.title = ""
            detail.chip_text = ""
            noun = self.spec.noun
            article = "an" if noun[0] in "aeiou" else "a"
            unavailable = self.spec.table(self.app.feed.state).unavailable
            detail.placeholder = (self.spec.unavailable or unavailable if unavailable
                                  else f"This {noun} no longer exists."
                                  if self.selected is not None
                                  else f"Select {article} {noun} to see its details.")
            detail.set_actions([], self.app.live, None, "")
            detail.set_fields([])
            detail.set_sections([])
            return
        state = self.app.feed.state
        key = self.spec.key(item)
        detail.title = self.spec.name(item)
        detail.chip_text, detail.chip_color = self.spec.chip(item, state)
        working = self.working.get(key)
        verb = self.spec.verbs.get(working or "") or self._forms.get(working or "")
        detail.set_actions(self.spec.actions(item, state), self.app.live, working,
                           verb.working if verb else "")
        detail.set_fields(self.spec.fields(item, state, time.time_ns()))
        extra = self.polled if self.spec.polled else self.loaded.get(self.selected or "")
        detail.set_sections(self.spec.sections(item, state, extra))
        if self.logs_view is not None:
            self._show_logs(item)

    def _show_logs(self, item: Any) -> None:
        if self.detail.tab != "logs":
            self.logs_view.leave()
            return
        tasks = getattr(self.polled, "tasks", ())
        self.logs_view.show_service(item, task_labels(item, tasks, self.app.feed.state))

    # -- taps -----------------------------------------------------------------------------

    def select(self, key: str) -> None:
        self.selected = key
        self.app.root.show_detail = True
        if self.spec.kind == "images" and key not in self.loaded:
            self._load_history(key)
        if self.detail.tab == "inspect":
            self._inspect(key)
        self.refresh()

    def set_query(self, text: str) -> None:
        self.query = text
        self.refresh()

    def tab_shown(self, name: str) -> None:
        if name == "inspect" and self.selected is not None:
            self._inspect(self.selected)
        if self.logs_view is not None:
            self.show_detail()

    def press(self, action: str) -> None:
        """A button of the list or the detail was tapped."""
        item = self.current()
        hook = self.spec.hooks.get(action)
        if hook is not None:
            self._open_hook(hook, item)
            return
        choice = self.spec.choices.get(action)
        if choice is not None and self.app.live:
            title, options = choice
            self.app.notices.show(PickDialog(title=title, choices=options, on_pick=self.press))
            return
        if action == "disk":
            self.app.notices.show(DiskView(self.app))
            return
        if not self.app.live:
            return
        if action == "connect" and item is not None:
            self._pick_container(item)
            return
        verb = self.spec.verbs.get(action)
        if verb is None:
            return
        panel_wide = action in {a.id for a in self.spec.panel_actions} or any(
            action in {verb for verb, _ in options} for _, options in self.spec.choices.values())
        target = None if panel_wide else item
        if not panel_wide:
            shown = {a.id: a for a in self.spec.actions(item, self.app.feed.state)} if item else {}
            if action not in shown or not shown[action].enabled:
                return  # a disabled action (a builtin network's Remove) is never sent
        if target is not None and self.spec.key(target) in self.working:
            return
        question = verb.ask(target)
        if question is None:
            self._send(action, verb, target)
        else:
            self.app.notices.ask(question, lambda: self._send(action, verb, target))

    def follow(self, container_id: str) -> None:
        """A related container was tapped: go to it (a task with no container here: nothing)."""
        if container_id:
            self.app.show_container(container_id, self.selected)

    def link_action(self, action: str, container_id: str) -> None:
        item = self.current()
        if item is None or not self.app.live or action != "disconnect":
            return
        self._run(networks.disconnect(item, container_id), "disconnect", self.spec.key(item),
                  lambda r: f"Disconnected from {item.name}." if r.ok else "")

    def copy_inspect(self) -> None:
        doc = self.inspected.get(self.selected or "")
        if isinstance(doc, dict):
            self.app.copy_text(json.dumps(doc, indent=2), what="the inspect document")

    def send_command(self, action: str, command: Command, item: Any, working: str,
                     done: str) -> None:
        """A form's command (a service's scale): sent like a verb's; an update refused as out
        of sequence offers to send it again (the engine reads the current version then)."""
        if not self.app.live or self.spec.key(item) in self.working:
            return
        verb: Verb[Any] = Verb(working, lambda _i: command, force=lambda _i: command,
                               refused=lambda i, m: retry_question(self.spec.name(i), m),
                               force_helps=out_of_sequence, done=lambda _i, _m: done)
        self._forms[action] = verb
        self._send(action, verb, item)

    # -- commands -------------------------------------------------------------------------

    def _send(self, action: str, verb: Verb[Any], item: Any) -> None:
        command = verb.make(item)
        key = self.spec.key(item) if item is not None else ""
        self._run(command, action, key, lambda r: verb.done(item, r.message),
                  verb if item is not None else None, item)

    def _run(self, command: Command, action: str, key: str,
             done: Callable[[CommandResult], str],
             verb: Verb[Any] | None = None, item: Any = None) -> None:
        self.working[key] = action
        self.show_detail()

        def result(r: CommandResult) -> None:
            self.working.pop(key, None)
            if r.ok and action == "remove" and key and self.selected == key:
                self.selected = None  # it is gone: back to the list, nothing selected
                self.app.back()
            self._on_result(r, action, done, verb, item)
            self.refresh()

        self.app.commands.send(command, result, self.app.engine_of_key(self.selected))

    def _on_result(self, r: CommandResult, action: str, done: Callable[[CommandResult], str],
                   verb: Verb[Any] | None, item: Any) -> None:
        if r.outcome is Outcome.FAILED:
            force, refused = (verb.force, verb.refused) if verb is not None else (None, None)
            helps = verb is not None and verb.force_helps(r.message)
            if force is not None and refused is not None and helps:
                key = self.spec.key(item)
                self.app.notices.ask(refused(item, r.message),
                                     lambda: self._run(force(item), action, key, done))
                return
            name = self.spec.name(item) if item is not None else self.spec.title.lower()
            self.app.notify(f"Could not {_verb_word(r)} {name}: {r.message}", "error")
            return
        words = done(r) or (r.message if r.outcome is Outcome.ALREADY else "")
        if words:
            self.app.notify(words, "info")

    def _pick_container(self, network: Any) -> None:
        state = self.app.feed.state
        choices = [(c.id, c.name or c.short_id) for c in networks.candidates(network, state)]

        def chosen(cid: str) -> None:
            self._run(networks.connect(network, cid), "connect", network.id,
                      lambda r: f"Connected to {network.name}." if r.ok else "")

        self.app.notices.show(PickDialog(
            title=f"Connect a container to {network.name}",
            choices=choices, on_pick=chosen,
            empty="Every container is already attached."))

    def _open_hook(self, name: str, item: Any) -> None:
        if "." in name:  # a form of the panels package: it sends through send_command
            module, function = name.rsplit(".", 1)
            getattr(importlib.import_module(module), function)(self, item)
            return
        try:
            from genet_kivy import dialogs  # type: ignore[attr-defined]
        except ImportError:
            self.app.notify(f"{name.removeprefix('open_').replace('_', ' ').capitalize()}: "
                            "not available yet.", "info")
            return
        opener = getattr(dialogs, name, None)
        if opener is None:
            self.app.notify("Not available yet.", "info")
            return
        key = self.selected if item is not None else None  # its engine is the one acted on
        if name == "open_pull":
            self.app.fleet.open_from(key, lambda: opener(self.app, reference=""))
        elif name == "open_run":
            self.app.fleet.open_from(key, lambda: opener(
                self.app, image=self.spec.name(item) if item is not None else ""))
        else:
            self.app.fleet.open_from(key, lambda: opener(self.app))

    # -- fetched once per object ----------------------------------------------------------

    def _load_history(self, key: str) -> None:
        history = getattr(self.app.engine_of_key(key), "image_history", None)
        if history is None:
            return

        def got(value: Any) -> None:
            self.loaded[key] = value
            if self.selected == key:
                self.show_detail()

        self.app.calls.once(history(split_key(key)[1]), got, got)

    def _inspect(self, key: str) -> None:
        if key in self.inspected:
            self._show_inspect(key)
            return
        self.detail.set_inspect([], "Loading…")

        def got(value: Any) -> None:
            self.inspected[key] = value
            if self.selected == key:
                self._show_inspect(key)

        engine, id = self.app.engine_of_key(key), split_key(key)[1]
        self.app.calls.once(engine.inspect(id, kind=self.spec.inspect_kind), got, got)

    def _show_inspect(self, key: str) -> None:
        doc = self.inspected[key]
        if not isinstance(doc, dict):
            self.detail.set_inspect([], f"Could not inspect it: {doc}")
            return
        lines = json.dumps(doc, indent=2).splitlines()
        shown = lines[:INSPECT_LINES]
        status = f"{len(lines)} lines" + (f", the first {INSPECT_LINES} shown"
                                          if len(lines) > len(shown) else "")
        self.detail.set_inspect(shown, status)


def _verb_word(r: CommandResult) -> str:
    """``remove``, ``prune``, ``connect`` … from the command's class name."""
    name = type(r.command).__name__
    for prefix in ("Remove", "Prune", "Create", "Connect", "Disconnect", "Scale", "Update"):
        if name.startswith(prefix):
            return prefix.lower()
    if name.startswith("Rollback"):
        return "roll back"
    if name == "SetNodeAvailability":
        return "change the availability of"
    return "do that to"
