"""Start-up's objects are frozen out of the cyclic GC once the first table is on screen, so a
full collection does not walk them (a ~250 ms frozen frame with 1,000 containers)."""

from __future__ import annotations

import gc

from engine_double import EngineDouble
from ui_harness import find_row

from genet_rx.model.connection import Link
from genet_rx.model.containers import Container, State
from genet_rx.state.containers import from_rows


def test_start_up_is_frozen_out_of_the_cyclic_gc_after_the_first_table(make_app, frames):
    engine = EngineDouble()
    engine.push(from_rows([Container(id="a1" * 32, name="web", image="busybox",
                                     state=State.RUNNING)]))
    engine.link(Link.CONNECTED)
    gc.unfreeze()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="the first table")
    frames.until(lambda: gc.get_freeze_count() > 0, what="start-up frozen")
