"""Several engines at once: one Engine each, their states merged into one view.

Each engine keeps its own pipeline, threads and connection, so one engine that is down, slow
or hostile never delays another's events; the merge only pairs each new state with its
engine's name. Objects are told apart by ``(engine, id)``: the same id on two engines is two
objects.

Engines can be added and removed while the others run: each engine's states enter the merge
through one ``merge_all``, and a removed engine's stream ends with a marker that takes its
name out of the merged map.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import immutables
import reactivex
from reactivex import Observable
from reactivex import operators as ops
from reactivex.subject import Subject

from genet_rx.api.client import EngineClient
from genet_rx.engine.engine import Engine
from genet_rx.engine.saved import engines_file, load
from genet_rx.errors import GenetError
from genet_rx.model.connection import Connection
from genet_rx.state.engine_state import EngineState
from genet_rx.wire.hosts import context_names
from genet_rx.wire.transport import parse_host

#: Every engine's latest state, by the name it was opened under.
Merged = immutables.Map[str, EngineState]

#: One step of the merge: an engine's new state, or None when the engine was removed.
_Step = tuple[str, EngineState | None]


class Engines:
    """Engines by name (the ``--host`` value as given, or a context's name), all syncing."""

    def __init__(self, hosts: Iterable[str] = (), **engine: Any) -> None:
        self.engines: dict[str, Any] = {}
        #: Names left out because an engine already open is the same endpoint, with what to
        #: tell the person ("context b names the same engine as a (unix:///…): shown once").
        self.left_out: dict[str, str] = {}
        self._options = engine
        self._lock = threading.Lock()
        self._gone: dict[str, Subject[bool]] = {}
        self._added: Subject[Observable[_Step]] = Subject()
        empty: Merged = immutables.Map()
        self._state = self._added.pipe(ops.merge_all(), ops.scan(_with, empty),
                                       ops.replay(buffer_size=1))
        self._running = self._state.connect()
        try:
            for name in dict.fromkeys(hosts):
                self.add(name)
        except BaseException:
            self.close()
            raise

    @classmethod
    def of(cls, engines: Mapping[str, Any]) -> Engines:
        """Engines already open (anything with Engine's ``state``), merged the same way; the
        caller still owns them, but ``remove`` and ``close`` close them."""
        made = cls()
        for name, engine in engines.items():
            made.add(name, engine)
        return made

    @property
    def state(self) -> Observable[Merged]:
        """Every engine's latest state, re-emitted whenever any of them changes."""
        return self._state

    def connections(self) -> Mapping[str, Observable[Connection]]:
        """Each engine's own connection states, by name."""
        return {name: e.connection for name, e in self.engines.items()}

    def add(self, name: str, engine: Any = None, tls_dir: str | None = None) -> Any:
        """Open the engine ``name`` (or merge ``engine``, already open) beside the others;
        ``tls_dir`` holds ``ca.pem``, ``cert.pem`` and ``key.pem`` for a tcp engine.

        Raises :class:`~genet_rx.errors.HostError` for a host Genet cannot use; a name already
        open is returned as it is.
        """
        with self._lock:
            if name in self.engines:
                return self.engines[name]
            opened = engine if engine is not None else _open(name, tls_dir, self._options)
            self.engines[name] = opened
            gone: Subject[bool] = Subject()
            self._gone[name] = gone
        steps = opened.state.pipe(ops.take_until(gone), ops.map(partial(_named, name)))
        self._added.on_next(reactivex.concat(steps, reactivex.just((name, None))))
        return opened

    def remove(self, name: str) -> None:
        """Close the engine ``name`` and take it out of the merged state; the others go on."""
        with self._lock:
            engine = self.engines.pop(name, None)
            gone = self._gone.pop(name, None)
        if gone is not None:
            gone.on_next(True)
        if engine is not None:
            engine.close()

    def close(self) -> None:
        for name in list(self.engines):
            self.remove(name)
        self.detach()

    def detach(self) -> None:
        """Stop merging, leaving every engine open (for engines someone else owns)."""
        running = getattr(self, "_running", None)
        if running is not None:
            running.dispose()

    def __enter__(self) -> Engines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_chosen(explicit: Sequence[str] = (), all_contexts: bool = False,
                **engine: Any) -> Engines:
    """The engines a person asked for, open: every ``--host`` given and, with
    ``all_contexts``, every docker context; with neither, the docker CLI's choice (named
    ``""``) plus the enabled engines saved in the app (with their TLS files). Raises
    HostError / SavedEnginesError naming the file at fault."""
    hosts: dict[str, str | None] = dict.fromkeys(
        [*explicit, *(context_names() if all_contexts else [])])
    if not hosts:
        hosts = {"": None, **{e.host: e.tls_dir or None
                              for e in load(engines_file()) if e.enabled}}
    opened = Engines((), **engine)
    seen: dict[str, str] = {}  # endpoint URL → the name it is open under
    try:
        for name, tls_dir in hosts.items():
            url = same_engine_key(name)
            if url in seen:
                opened.left_out[name] = (f"{name or 'default'} names the same engine as "
                                         f"{seen[url] or 'default'} ({url}): shown once")
                continue
            seen[url] = name
            opened.add(name, tls_dir=tls_dir)
    except BaseException:
        opened.close()
        raise
    return opened


def same_engine_key(name: str) -> str:
    """The endpoint a name reaches, normalised (two contexts, or a context and a URL, naming
    one engine reach the same); a name Genet cannot read is its own key (opening it says
    why)."""
    try:
        return parse_host(name or None).url
    except GenetError:
        return name


def _open(name: str, tls_dir: str | None, options: dict[str, Any]) -> Engine:
    if not tls_dir:
        return Engine(name or None, **options)
    env = {**os.environ, "DOCKER_CERT_PATH": tls_dir, "DOCKER_TLS_VERIFY": "1"}
    return Engine(name, client=EngineClient(name, env=env), **options)


def _named(name: str, state: EngineState) -> _Step:
    return (name, state)


def _with(merged: Merged, step: _Step) -> Merged:
    name, state = step
    if state is None:
        return merged.delete(name) if name in merged else merged
    return merged.set(name, state)
