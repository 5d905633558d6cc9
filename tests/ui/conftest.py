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
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_USE_DEFAULTCONFIG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="genet-kivy-home-"))

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "shots"


class Frames:
    """Advances Kivy frames by hand (the test is the main loop)."""

    def __init__(self) -> None:
        from kivy.base import EventLoop

        self._loop = EventLoop

    def step(self, count: int = 1) -> None:
        for _ in range(count):
            self._loop.idle()

    def until(self, cond: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        """Run frames until ``cond()`` is truthy; return its value. Fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = cond()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or cond}")
            self._loop.idle()


@pytest.fixture(scope="session")
def kivy_window() -> Iterator[Any]:
    """The process's one Kivy window (skips when there is no display to open it on)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        pytest.skip("no display: run UI tests under xvfb-run")
    from kivy.config import Config

    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    from kivy.base import EventLoop
    from kivy.core.window import Window

    EventLoop.ensure_window()
    EventLoop.start()
    yield Window


@pytest.fixture
def frames() -> Frames:
    return Frames()


def resize(window: Any, frames: Frames, size: tuple[int, int]) -> None:
    """Resize the window and wait until layouts have followed."""
    window.size = size
    frames.until(lambda: tuple(window.size) == size, what=f"window size {size}")
    frames.step(3)


def save_shot(window: Any, frames: Frames, name: str) -> Path:
    """Save a screenshot of the window as docs/shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    frames.step(3)
    path = SHOTS / f"{name}.png"
    window.screenshot(str(path))
    # Kivy's screenshot() numbers files: name0001.png; move it into place.
    numbered = sorted(SHOTS.glob(f"{name}[0-9][0-9][0-9][0-9].png"))
    if numbered:
        numbered[-1].replace(path)
    return path


def tap(widget: Any, frames: Frames) -> None:
    """A simulated finger tap (touch down, then up) on the centre of ``widget``."""
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frames.step(1)
    touch.touch_up()
    frames.step(2)


@pytest.fixture
def make_app(kivy_window: Any, frames: Frames) -> Iterator[Callable[..., Any]]:
    """``make_app(engine, size=(w, h))``: a started GenetApp on the shared window.

    Torn down like ``App.stop()`` minus closing the event loop: ``on_stop`` (disposes every
    subscription), then the window is emptied for the next test.
    """
    from kivy.app import App

    from genet_kivy.app import GenetApp

    made: list[Any] = []

    def make(engine: Any, size: tuple[int, int] = (1280, 800)) -> Any:
        resize(kivy_window, frames, size)
        app = GenetApp(engine)
        app._run_prepare()  # build(), root onto the window, on_start — what run() does first
        made.append(app)
        frames.step(3)
        return app

    yield make
    for app in made:
        app.dispatch("on_stop")
    for child in kivy_window.children[:]:
        kivy_window.remove_widget(child)
    App._running_app = None
    frames.step(1)


def walk(widget: Any) -> Iterator[Any]:
    """Every widget under ``widget`` (itself included), depth first."""
    yield widget
    for child in widget.children:
        yield from walk(child)


def find_row(app: Any, name: str) -> Any:
    """The on-screen ContainerRow view showing ``name`` (None if not laid out)."""
    rv = app.root.ids.sidebar.ids.rv
    for view in rv.layout_manager.children:
        if type(view).__name__ == "ContainerRow" and view.name == name:
            return view
    return None


def group_of(app: Any, name: str) -> str | None:
    """Which group header the sidebar data lists ``name`` under."""
    current = None
    for row in app.root.ids.sidebar.ids.rv.data:
        if row["viewclass"] == "GroupHeader":
            current = row["group"]
        elif row["name"] == name:
            return current
    return None


@pytest.fixture
def real_engine(engine_url: str) -> Iterator[Any]:
    """A genet_rx Engine on the private daemon (closed after the test's app has stopped)."""
    import genet_rx

    engine = genet_rx.connect(engine_url)
    yield engine
    engine.close()
