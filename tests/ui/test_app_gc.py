"""Start-up's objects are frozen out of the cyclic GC once the first table is on screen, so a
full collection does not walk them (a ~250 ms frozen frame with 1,000 containers); and states
waiting for a busy main thread are never queued without bound."""

from __future__ import annotations

import gc

from engine_double import EngineDouble
from ui_harness import find_row

from genet_rx.engine.gc_pause import start_up
from genet_rx.model.connection import Link
from genet_rx.model.containers import Container, State
from genet_rx.state.containers import from_rows
from genet_rx.state.engine_state import EngineState

WEB = "a1" * 32


def web(state: State) -> Container:
    return Container(id=WEB, name="web", image="busybox", state=state)


def test_start_up_is_frozen_out_of_the_cyclic_gc_after_the_first_table(make_app, frames):
    engine = EngineDouble()
    engine.push(from_rows([Container(id="a1" * 32, name="web", image="busybox",
                                     state=State.RUNNING)]))
    engine.link(Link.CONNECTED)
    gc.unfreeze()
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="the first table")
    frames.until(lambda: gc.get_freeze_count() > 0, what="start-up frozen")


def test_the_cyclic_gc_turned_off_for_start_up_is_on_again_after_the_first_table(
        make_app, frames):
    engine = EngineDouble()
    engine.push(from_rows([web(State.RUNNING)]))
    engine.link(Link.CONNECTED)
    gc.enable()  # as a process starts (a test before may have left it off)
    start_up.take()  # as genet's configure() leaves it
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="the first table")
    frames.until(lambda: gc.get_freeze_count() > 0, what="start-up frozen")
    assert gc.isenabled()


def test_states_waiting_for_a_busy_main_thread_are_only_the_newest(make_app, frames):
    engine = EngineDouble()
    engine.push(from_rows([web(State.RUNNING)]))
    engine.link(Link.CONNECTED)
    app = make_app(engine, (1280, 800))
    frames.until(lambda: find_row(app, "web"), what="the first table")
    for i in range(1000):  # no frame runs meanwhile: the main thread is busy
        engine.push(from_rows([web(State.PAUSED if i % 2 else State.RUNNING)]))
    waiting = sum(1 for o in gc.get_objects() if type(o) is EngineState)
    assert waiting < 100  # observe_on held all 1,000, one queued action each
    frames.until(lambda: app.table.get(WEB).state is State.PAUSED, what="the newest state")
