"""The Terminal tab on the private daemon: shells, top, a flood, Ctrl+C, the on-screen keys."""

from __future__ import annotations

import pytest
from dockerd import IMAGE
from test_layouts import check_touch_sizes
from ui_harness import find_row, save_shot, tap

from genet_rx.model.connection import Link

pytestmark = [pytest.mark.ui, pytest.mark.engine]


def terminal_tab(make_app, frames, engine, name, size=(1280, 800)):
    """The app showing ``name``'s Terminal tab (not connected yet)."""
    app = make_app(engine, size)
    frames.until(lambda: app.connection.state is Link.CONNECTED, timeout=30, what="connected")
    row = frames.until(lambda: find_row(app, name), timeout=20, what=f"row {name}")
    tap(row, frames)
    detail = app.root.ids.detail
    frames.until(lambda: detail.title == name and detail.running, what=f"detail of {name}")
    tap(detail.ids.tab_terminal, frames)
    view = detail.views["terminal"]
    frames.until(lambda: view.can_connect, what="Connect enabled")
    return app, view


def screen_text(view) -> str:
    em = view.emulator
    return "\n".join(em.text(r) for r in range(em.history_size + em.rows))


def shown_text(view) -> str:
    em = view.emulator
    first = em.first_shown(0)
    return "\n".join(em.text(first + r) for r in range(em.rows))


def connect(view, frames, command=""):
    view.ids.command.text = command
    tap(view.ids.connect, frames)
    frames.until(lambda: view.connected, timeout=30, what="first output")


def wait_prompt(view, frames, count=1):
    frames.until(lambda: screen_text(view).count("/ #") >= count, timeout=30,
                 what=f"prompt {count}: {screen_text(view)[-200:]!r}")


def keyboard_type(kivy_window, frames, text):
    """Type as a hardware keyboard does: text input, then Enter."""
    kivy_window.dispatch("on_textinput", text)
    kivy_window.dispatch("on_key_down", 13, 36, None, [])
    kivy_window.dispatch("on_key_up", 13, 36)
    frames.step(1)


@pytest.fixture
def box(docker, unique_name):
    docker.run_detached(IMAGE, "sleep", "300", name=unique_name)
    return unique_name


def test_shell_runs_ls_at_1280x800(make_app, frames, real_engine, box, kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    assert check_touch_sizes(kivy_window) == []
    connect(view, frames)
    wait_prompt(view, frames)
    keyboard_type(kivy_window, frames, "ls -la /")
    frames.until(lambda: "proc" in screen_text(view) and screen_text(view).count("/ #") >= 2,
                 timeout=30, what="ls output")
    assert "etc" in screen_text(view)
    assert check_touch_sizes(kivy_window) == []
    save_shot(kivy_window, frames, "terminal")


def test_the_process_sees_the_widgets_size(make_app, frames, real_engine, box, kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    connect(view, frames)
    wait_prompt(view, frames)
    rows, cols = view.screen.grid
    keyboard_type(kivy_window, frames, "stty size")
    frames.until(lambda: f"{rows} {cols}" in screen_text(view), timeout=30, what="stty size")


def test_shell_with_the_on_screen_keys_at_800x480(make_app, frames, real_engine, box,
                                                  kivy_window):
    from kivy.metrics import dp

    _app, view = terminal_tab(make_app, frames, real_engine, box, (800, 480))
    connect(view, frames)
    wait_prompt(view, frames)
    tap(view.ids.keyrow.ids.key_keyboard, frames)
    frames.until(lambda: view.overlay is not None and view.overlay.ids.vk.height > 200,
                 what="the full-window terminal")
    frames.step(3)
    assert view.screen.grid[0] >= 9
    vk = view.overlay.ids.vk
    frames.step(3)
    heights = [size[1] for n in range(1, 6) for _pos, size in vk.layout_geometry[f"LINE_{n}"]]
    assert min(heights) >= dp(48) - 1
    widths = [size[0] for n in range(1, 6) for _pos, size in vk.layout_geometry[f"LINE_{n}"]]
    assert min(widths) >= dp(48) - 1
    assert check_touch_sizes(kivy_window) == []
    for char in "ls -la /":
        view.type_text(char)
    view.type_named("enter")
    frames.until(lambda: "proc" in screen_text(view) and screen_text(view).count("/ #") >= 2,
                 timeout=30, what="ls output")
    save_shot(kivy_window, frames, "terminal-800x480")
    tap(view.overlay.ids.keyrow.ids.key_keyboard, frames)
    assert view.overlay is None


def test_top_at_1280x800(make_app, frames, real_engine, box, kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    connect(view, frames, "top")
    frames.until(lambda: "PID" in shown_text(view), timeout=30, what="top's table")
    frames.until(lambda: "Mem:" in shown_text(view), timeout=30, what="top's header")
    save_shot(kivy_window, frames, "terminal-top")
    view.type_text("q")
    frames.until(lambda: view.phase == "ended", timeout=30, what="top to quit")
    assert view.status == "session ended (exit code 0)"


def test_top_with_the_on_screen_keys_at_800x480(make_app, frames, real_engine, box,
                                                kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box, (800, 480))
    connect(view, frames, "top")
    tap(view.ids.keyrow.ids.key_keyboard, frames)
    frames.until(lambda: view.overlay is not None and "Mem:" in shown_text(view), timeout=30,
                 what="top in the full-window terminal")
    frames.until(lambda: "PID" in shown_text(view), timeout=30, what="top's table")
    save_shot(kivy_window, frames, "terminal-top-800x480")
    view.type_text("q")
    frames.until(lambda: view.phase == "ended", timeout=30, what="top to quit")


def test_a_flood_keeps_frames_and_ctrl_c_stops_it(make_app, frames, real_engine, box,
                                                  kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    connect(view, frames)
    wait_prompt(view, frames)
    keyboard_type(kivy_window, frames, "yes flood-line")
    frames.until(lambda: view.emulator.history_size >= 500, timeout=60, what="the flood")
    redraws = view.screen.redraws
    frames.until(lambda: view.screen.redraws >= redraws + 5, timeout=60,
                 what="frames drawn during the flood")
    tap(view.ids.keyrow.ids.key_ctrl, frames)
    assert view.ctrl
    view.type_text("c")
    keyboard_type(kivy_window, frames, "echo after-$((40 + 2))")
    frames.until(lambda: "after-42" in shown_text(view), timeout=120,
                 what=f"the shell back after Ctrl+C: {shown_text(view)[-200:]!r}")


def test_exit_code_and_reconnect(make_app, frames, real_engine, box, kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    view.ids.command.text = "sh -c 'echo bye; exit 7'"
    tap(view.ids.connect, frames)
    frames.until(lambda: view.phase == "ended", timeout=30, what="the end")
    assert view.status == "session ended (exit code 7)"
    assert view.ids.connect.text == "Reconnect"
    tap(view.ids.connect, frames)
    frames.until(lambda: view.sessions == 2 and view.phase == "ended", timeout=30,
                 what="the second session's end")
    assert view.status == "session ended (exit code 7)"


def test_paused_container_says_unpause(make_app, frames, real_engine, box, docker,
                                       kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    docker("pause", box)
    frames.until(lambda: not view.can_connect, timeout=30, what="paused")
    assert view.status == "Paused: unpause it first."


def test_leaving_the_tab_closes_the_session(make_app, frames, real_engine, box, kivy_window):
    app, view = terminal_tab(make_app, frames, real_engine, box)
    connect(view, frames)
    wait_prompt(view, frames)
    session = view.session
    app.root.ids.detail.select_tab("logs")
    frames.step(2)
    assert session.closed


def test_vi_edits_a_file_and_gives_the_shell_back(make_app, frames, real_engine, box,
                                                  kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    connect(view, frames)
    wait_prompt(view, frames)
    keyboard_type(kivy_window, frames, "vi /tmp/note")
    frames.until(lambda: view.emulator.screen.alternate, timeout=30, what="vi's screen")
    frames.until(lambda: "/tmp/note" in shown_text(view), timeout=30, what="vi's status line")
    kivy_window.dispatch("on_textinput", "ihello-vi")
    frames.until(lambda: "hello-vi" in shown_text(view), timeout=30, what="the text typed")
    tap(view.ids.keyrow.ids.key_esc, frames)
    # Back in command mode vi puts the cursor on the last letter typed. Waiting for it keeps
    # ":wq" out of the moment vi waits to see whether Esc starts a key's escape sequence.
    frames.until(lambda: view.emulator.screen.cursor.x == len("hello-vi") - 1, timeout=30,
                 what="vi back in command mode")
    keyboard_type(kivy_window, frames, ":wq")
    frames.until(lambda: not view.emulator.screen.alternate, timeout=30, what="vi to quit")
    assert "vi /tmp/note" in shown_text(view)
    keyboard_type(kivy_window, frames, "cat /tmp/note")
    frames.until(lambda: "\nhello-vi" in shown_text(view), timeout=30, what="the saved file")


def test_ctrl_c_interrupts_sleep(make_app, frames, real_engine, box, kivy_window):
    _app, view = terminal_tab(make_app, frames, real_engine, box)
    connect(view, frames)
    wait_prompt(view, frames)
    keyboard_type(kivy_window, frames, "sleep 100")
    frames.until(lambda: "sleep 100" in shown_text(view), timeout=30, what="the command")
    kivy_window.dispatch("on_key_down", ord("c"), 54, "c", ["ctrl"])
    wait_prompt(view, frames, 2)
    keyboard_type(kivy_window, frames, "echo status-$?")
    frames.until(lambda: "\nstatus-130" in shown_text(view), timeout=30,
                 what="sleep interrupted")
