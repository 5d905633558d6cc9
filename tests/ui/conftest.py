"""Kivy fixtures for UI tests: one Window per process, one App per test, frames on demand.

Kivy allows one Window per process, so the window is a session fixture; each test builds a
fresh ``GenetApp`` on it (kv files are reloaded by ``build()``), and tears it down without
closing the event loop. Nothing runs ``App.run()``: tests advance frames themselves with
``frames.until(condition)``, which calls ``EventLoop.idle()`` (clock tick, input dispatch,
draw) until the condition holds or a deadline passes — the same thing
``kivy.tests.common.GraphicUnitTest.advance_frames`` does.

Run under Xvfb with Mesa's software GL, e.g.::

    KIVY_NO_ARGS=1 xvfb-run -a -s "-screen 0 1920x1080x24" pytest tests/ui
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ui_harness import Frames, resize

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_USE_DEFAULTCONFIG", "1")
# Kivy writes its home (logs, icons) on import: give it a fresh folder, removed when the
# session ends. One set from outside (a caller's own) is used as it is and left alone.
_KIVY_HOME_MADE = ""
if "KIVY_HOME" not in os.environ:
    _KIVY_HOME_MADE = os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="genet-kivy-home-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the Kivy home this session made (Kivy's log file in it is closed by now)."""
    if _KIVY_HOME_MADE:
        shutil.rmtree(_KIVY_HOME_MADE, ignore_errors=True)


@pytest.fixture(scope="session")
def kivy_window() -> Iterator[Any]:
    """The process's one Kivy window (skips when there is no display to open it on)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")
    from kivy.config import Config

    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    # As genet's own configure() sets it: an Esc nobody handles must not stop the event loop
    # (it would close the one window and leave every later test without input).
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("graphics", "multisamples", "0")  # as configure() sets it: shots look as Genet does
    from kivy.base import EventLoop
    from kivy.core.window import Window

    EventLoop.ensure_window()
    EventLoop.start()
    yield Window


@pytest.fixture
def frames() -> Frames:
    return Frames()


@pytest.fixture
def make_app(kivy_window: Any, frames: Frames,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Any]]:
    """``make_app(engine, size=(w, h), **options)``: a started GenetApp on the shared window.

    Without ``settings=`` the app's settings file is a fresh one in a temporary folder (a
    test never reads or writes the person's own).

    Torn down like ``App.stop()`` minus closing the event loop: ``on_stop`` (disposes every
    subscription), then the window is emptied for the next test.
    """
    from kivy.app import App

    from genet_kivy.app import GenetApp

    made: list[Any] = []

    def make(engine: Any, size: tuple[int, int] = (1280, 800), **options: Any) -> Any:
        resize(kivy_window, frames, size)
        if "settings" not in options:
            from genet_rx.settings import SettingsStore

            folder = tmp_path_factory.mktemp("settings")
            options["settings"] = SettingsStore(folder / "settings.json")
        app = GenetApp(engine, **options)
        app._run_prepare()  # build(), root onto the window, on_start — what run() does first
        made.append(app)
        frames.step(3)
        return app

    yield make
    from kivy.uix.behaviors import FocusBehavior

    for app in made:
        # A field the test left focused lets go of the keyboard (or it would go on
        # hearing, and eating, the next test's keys).
        for w in list(app.root.walk()) if app.root is not None else ():
            if isinstance(w, FocusBehavior) and w.focus:
                w.focus = False
        app.dispatch("on_stop")
    for child in kivy_window.children[:]:
        kivy_window.remove_widget(child)
    App._running_app = None
    frames.step(1)


@pytest.fixture
def real_engine(engine_url: str) -> Iterator[Any]:
    """A genet_rx Engine on the private daemon (closed after the test's app has stopped)."""
    import genet_rx

    engine = genet_rx.connect(engine_url)
    yield engine
    engine.close()
