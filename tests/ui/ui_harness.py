"""Helpers for UI tests: advance Kivy frames by hand, resize, tap, find rows, screenshots.

Imported by tests as ``from ui_harness import …`` (a unique name: several conftest.py files
share the module name ``conftest``, so tests never import from one).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engine_helpers import wait_for

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "shots"


def shots_dir() -> Path:
    """Where screenshots go: ``$GENET_SHOTS`` when set (``bash scripts/shots`` sets it to
    docs/shots), else a scratch folder, so a test run leaves the tree clean."""
    chosen = os.environ.get("GENET_SHOTS")
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / "genet-shots"


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
        return wait_for(cond, timeout, what or str(cond), step=self._loop.idle)


def resize(window: Any, frames: Frames, size: tuple[int, int]) -> None:
    """Resize the window and wait until layouts have followed."""
    window.size = size
    frames.until(lambda: tuple(window.size) == size, what=f"window size {size}")
    frames.step(3)


def save_shot(window: Any, frames: Frames, name: str) -> Path:
    """Save a screenshot of the window as <name>.png in :func:`shots_dir`."""
    shots = shots_dir()
    shots.mkdir(parents=True, exist_ok=True)
    frames.step(3)
    path = shots / f"{name}.png"
    window.screenshot(str(path))
    # Kivy's screenshot() numbers files: name0001.png; move it into place.
    numbered = sorted(shots.glob(f"{name}[0-9][0-9][0-9][0-9].png"))
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


def looks(rv: Any) -> list[dict[str, Any]]:
    """How each row of a logs RecycleView looks (what its view is given to show)."""
    from genet_kivy.log_rows import view_attrs

    return [view_attrs(r) for r in rv.data]


def inspect_view_of(view: Any, key: str) -> Any:
    """The on-screen row (InspectRow or SectionHeader) of an Inspect tab with ``key``."""
    for child in view.ids.rv.layout_manager.children:
        if getattr(child, "key", None) == key:
            return child
    return None


def inspect_data(view: Any, key: str) -> dict[str, Any] | None:
    """The RecycleView row of an Inspect tab with ``key`` (shown or not), None if absent."""
    return next((r for r in view.ids.rv.data if r["key"] == key), None)


def press_key(window: Any, code: int, char: str | None = None,
              modifiers: tuple[str, ...] = ()) -> None:
    """A key pressed as the SDL2 window hands it on: ``on_key_down`` first (a focused text
    field's keyboard hears it there), then ``on_keyboard`` unless that consumed it."""
    if not window.dispatch("on_key_down", code, 0, char, list(modifiers)):
        window.dispatch("on_keyboard", code, 0, char, list(modifiers))
