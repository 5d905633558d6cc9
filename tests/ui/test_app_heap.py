"""The running app hands glibc's free pages back every ``TRIM_EVERY`` seconds (issue 17)."""

from __future__ import annotations

from engine_double import EngineDouble

from genet_kivy import heap
from genet_rx.model.connection import Link


def test_the_app_hands_free_heap_back_now_and_then(make_app, frames, monkeypatch):
    trims: list[bool] = []
    monkeypatch.setattr(heap, "TRIM_EVERY", 0.1)
    monkeypatch.setattr(heap, "trim_heap", lambda: trims.append(True) or True)
    engine = EngineDouble()
    engine.link(Link.CONNECTED)
    make_app(engine, (1280, 800))
    frames.until(lambda: len(trims) >= 2, what="two hand-backs")
