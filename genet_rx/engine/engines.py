"""Several engines at once: one Engine each, their states merged into one view.

Each engine keeps its own pipeline, threads and connection, so one engine that is down, slow
or hostile never delays another's events; the merge only pairs each new state with its
engine's name. Objects are told apart by ``(engine, id)``: the same id on two engines is two
objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import immutables
import reactivex
from reactivex import Observable
from reactivex import operators as ops

from genet_rx.engine.engine import Engine
from genet_rx.model.connection import Connection
from genet_rx.state.engine_state import EngineState

#: Every engine's latest state, by the name it was opened under.
Merged = immutables.Map[str, EngineState]


class Engines:
    """Engines by name (the ``--host`` value as given, or a context's name), all syncing."""

    def __init__(self, hosts: Iterable[str], **engine: Any) -> None:
        self.engines: dict[str, Engine] = {}
        try:
            for name in dict.fromkeys(hosts):
                self.engines[name] = Engine(name, **engine)
        except BaseException:
            self.close()
            raise
        tagged = [e.state.pipe(ops.map(partial(_named, name)))
                  for name, e in self.engines.items()]
        empty: Merged = immutables.Map()
        self._state = reactivex.merge(*tagged).pipe(ops.scan(_with, empty),
                                                    ops.replay(buffer_size=1))
        self._running = self._state.connect()

    @property
    def state(self) -> Observable[Merged]:
        """Every engine's latest state, re-emitted whenever any of them changes."""
        return self._state

    def connections(self) -> Mapping[str, Observable[Connection]]:
        """Each engine's own connection states, by name."""
        return {name: e.connection for name, e in self.engines.items()}

    def close(self) -> None:
        for engine in self.engines.values():
            engine.close()
        running = getattr(self, "_running", None)
        if running is not None:
            running.dispose()

    def __enter__(self) -> Engines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _named(name: str, state: EngineState) -> tuple[str, EngineState]:
    return (name, state)


def _with(merged: Merged, named: tuple[str, EngineState]) -> Merged:
    return merged.set(named[0], named[1])
