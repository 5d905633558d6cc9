"""--kiosk: the display's whole screen, no accidental exit, the on-screen keyboard on."""

from __future__ import annotations

import ctypes
import ctypes.util
import json

import pytest
from test_layouts import live_engine
from test_main import run_py
from ui_harness import press_key, save_shot, tap

pytestmark = pytest.mark.ui

ESC = 27


def display_size() -> tuple[int, int]:
    """The X display's size, asked of Xlib (the window manager plays no part)."""
    name = ctypes.util.find_library("X11")
    if name is None:
        pytest.skip("no libX11 to ask the display's size")
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDisplayWidth.argtypes = x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    assert display, "no X display"
    try:
        return x11.XDisplayWidth(display, 0), x11.XDisplayHeight(display, 0)
    finally:
        x11.XCloseDisplay(display)


def test_a_kiosk_window_takes_the_whole_display(kivy_window):
    # A process of its own: Kivy reads these settings once, when it makes its window.
    done = run_py(
        """
        import json
        from genet_kivy.main import configure
        configure(kiosk=True, size=(800, 480))
        from kivy.base import EventLoop
        from kivy.core.window import Window
        EventLoop.ensure_window()
        for _ in range(5):
            EventLoop.idle()
        print(json.dumps({"size": list(Window.size), "fullscreen": Window.fullscreen,
                          "borderless": Window.borderless}))
        """,
        KIVY_NO_ARGS="1",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["fullscreen"] == "auto"
    assert tuple(shown["size"]) == display_size()  # not the 800x480 asked for
    assert shown["borderless"]


def test_rotate_turns_a_kiosk_window_on_the_whole_display(kivy_window):
    done = run_py(
        """
        import json
        from genet_kivy.main import configure
        configure(kiosk=True, rotate=90)
        from kivy.base import EventLoop
        from kivy.core.window import Window
        EventLoop.ensure_window()
        for _ in range(5):
            EventLoop.idle()
        print(json.dumps({"size": list(Window.size), "rotation": Window.rotation}))
        """,
        KIVY_NO_ARGS="1",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["rotation"] == 90
    width, height = display_size()
    assert tuple(shown["size"]) == (height, width)  # the app's sides turned with it


def test_esc_at_the_top_level_of_a_kiosk_asks_and_staying_keeps_the_app(
    make_app, frames, kivy_window
):
    app = make_app(live_engine(), (800, 480), kiosk=True)
    stopped = []
    app.stop = lambda *_a: stopped.append(True)
    press_key(kivy_window, ESC)
    dialog = frames.until(lambda: app.dialog, what="the question")
    assert dialog.title == "Leave Genet?"
    save_shot(kivy_window, frames, "kiosk-leave-800x480")
    tap(dialog.ids.no, frames)
    frames.until(lambda: app.dialog is None, what="the question gone")
    assert stopped == []


def test_confirming_leave_in_a_kiosk_quits(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480), kiosk=True)
    stopped = []
    app.stop = lambda *_a: stopped.append(True)
    press_key(kivy_window, ESC)
    dialog = frames.until(lambda: app.dialog, what="the question")
    frames.step(3)  # laid out
    tap(dialog.ids.yes, frames)
    frames.until(lambda: stopped, what="the app stopped")


def test_closing_a_kiosk_window_asks_first(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480), kiosk=True)
    kept_open = kivy_window.dispatch("on_request_close")
    assert kept_open
    dialog = frames.until(lambda: app.dialog, what="the question")
    assert dialog.title == "Leave Genet?"
    frames.step(3)
    tap(dialog.ids.no, frames)


def test_esc_in_the_detail_of_a_kiosk_goes_back_without_asking(make_app, frames, kivy_window):
    from test_layouts import open_detail, shown

    app = make_app(live_engine(), (480, 800), kiosk=True)
    ids = open_detail(app, frames, "web")
    press_key(kivy_window, ESC)
    frames.until(lambda: shown(app) == [ids.sidebar], what="back to the list")
    assert app.dialog is None


def test_outside_a_kiosk_esc_at_the_top_level_asks_nothing(make_app, frames, kivy_window):
    app = make_app(live_engine(), (800, 480))
    press_key(kivy_window, ESC)
    frames.step(3)
    assert app.dialog is None
