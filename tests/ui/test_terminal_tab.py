"""The Terminal tab on an engine double: when it is offered, what it sends, what it says."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from engine_double import EngineDouble
from test_layouts import open_detail, sample_rows
from ui_harness import find_row, tap

from genet_rx.errors import Conflict
from genet_rx.model.connection import Link
from genet_rx.state.containers import from_rows

pytestmark = pytest.mark.ui

WEB = "a1" * 32
WORKER = "e5" * 32  # exited


class SessionDouble:
    """What ``engine.exec`` returns, driven by the test."""

    def __init__(self, cid: str, cmd: Any, user: Any) -> None:
        from reactivex.subject import AsyncSubject, Subject

        self.cid, self.cmd, self.user = cid, cmd, user
        self.command = ["/bin/sh"] if cmd is None else cmd.split()
        self.out: Subject[bytes] = Subject()
        self.exit: AsyncSubject[int] = AsyncSubject()
        self.sent = bytearray()
        self.sizes: list[tuple[int, int]] = []
        self.closed = False
        self._lock = threading.Lock()

    @property
    def output(self) -> Any:
        return self.out

    @property
    def exit_code(self) -> Any:
        return self.exit

    def send(self, data: bytes) -> None:
        with self._lock:
            self.sent += data

    def resize(self, rows: int, cols: int) -> None:
        self.sizes.append((rows, cols))

    def close(self) -> None:
        self.closed = True


class ExecEngine(EngineDouble):
    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[SessionDouble] = []

    def exec(self, container_id: str, cmd: Any = None, tty: bool = True, user: Any = None,
             workdir: Any = None, env: Any = None) -> SessionDouble:
        session = SessionDouble(container_id, cmd, user)
        self.sessions.append(session)
        return session


def engine() -> ExecEngine:
    e = ExecEngine()
    e.push(from_rows(sample_rows()))
    e.link(Link.CONNECTED)
    return e


def detail_of(app, frames, cid):
    frames.until(lambda: find_row(app, "web"), what="rows")
    app.row_stats.limit = 0
    app._sync_row_stats()
    app.select(cid)
    frames.step(2)
    return app.root.ids.detail


def terminal(make_app, frames, size=(1280, 800)):
    e = engine()
    app = make_app(e, size)
    detail = detail_of(app, frames, WEB)
    tap(detail.ids.tab_terminal, frames)
    return e, app, detail, detail.views["terminal"]


def connected(make_app, frames, command="", user=""):
    e, app, detail, view = terminal(make_app, frames)
    view.ids.command.text = command
    view.ids.user.text = user
    tap(view.ids.connect, frames)
    frames.until(lambda: e.sessions, what="a session")
    return e, app, detail, view, e.sessions[-1]


def test_the_tab_is_offered_for_a_running_container(make_app, frames):
    app = make_app(engine())
    detail = detail_of(app, frames, WEB)
    assert detail.ids.tab_terminal.opacity == 1


def test_the_tab_is_not_offered_for_an_exited_container(make_app, frames):
    app = make_app(engine())
    detail = detail_of(app, frames, WORKER)
    assert detail.ids.tab_terminal.disabled


def test_nothing_connects_before_connect_is_tapped(make_app, frames):
    e, _app, _detail, view = terminal(make_app, frames)
    assert e.sessions == []
    assert view.phase == "form"


def test_connect_passes_the_command_and_the_user(make_app, frames):
    _e, _app, _detail, _view, session = connected(make_app, frames, "top -d 1", "nobody")
    assert (session.cid, session.cmd, session.user) == (WEB, "top -d 1", "nobody")


def test_a_blank_command_asks_for_a_shell(make_app, frames):
    _e, _app, _detail, _view, session = connected(make_app, frames)
    assert session.cmd is None


def test_the_session_is_told_the_terminal_size(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    rows, cols = view.screen.grid
    assert session.sizes[-1] == (rows, cols)


def test_output_is_drawn(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    session.out.on_next(b"\x1b[32mhello\x1b[0m from the container\r\n/ # ")
    frames.until(lambda: view.emulator.text(0) == "hello from the container", what="output")
    assert view.connected


def test_cursor_reports_are_answered(make_app, frames):
    _e, _app, _detail, _view, session = connected(make_app, frames)
    session.out.on_next(b"/ # \x1b[6n")
    frames.until(lambda: bytes(session.sent) == b"\x1b[1;5R", what="the cursor report")


def test_typed_text_and_enter_reach_the_process(make_app, frames, kivy_window):
    _e, _app, _detail, _view, session = connected(make_app, frames)
    kivy_window.dispatch("on_textinput", "ls")
    kivy_window.dispatch("on_key_down", 13, 36, None, [])
    frames.step(1)
    assert bytes(session.sent) == b"ls\r"


def test_ctrl_c_on_a_hardware_keyboard(make_app, frames, kivy_window):
    _e, _app, _detail, _view, session = connected(make_app, frames)
    kivy_window.dispatch("on_key_down", ord("c"), 54, "c", ["ctrl"])
    frames.step(1)
    assert bytes(session.sent) == b"\x03"


def test_escape_goes_to_the_terminal_not_back(make_app, frames, kivy_window):
    e = engine()
    app = make_app(e, (480, 800))
    ids = open_detail(app, frames, "web")
    detail = ids.detail
    tap(detail.ids.tab_terminal, frames)
    view = detail.views["terminal"]
    tap(view.ids.connect, frames)
    frames.until(lambda: e.sessions, what="a session")
    kivy_window.dispatch("on_key_down", 27, 41, None, [])
    frames.step(1)
    assert bytes(e.sessions[-1].sent) == b"\x1b"
    assert app.root.show_detail


def test_the_key_row_sends_escape_tab_and_arrows(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    for key in ("key_esc", "key_tab", "key_up", "key_pipe"):
        tap(view.ids.keyrow.ids[key], frames)
    assert bytes(session.sent) == b"\x1b\t\x1b[A|"


def test_the_sticky_ctrl_applies_to_the_next_key_only(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    tap(view.ids.keyrow.ids.key_ctrl, frames)
    view.type_text("d")
    view.type_text("d")
    assert bytes(session.sent) == b"\x04d"


def test_the_exit_code_is_shown_with_reconnect(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    session.exit.on_next(3)
    session.exit.on_completed()
    frames.until(lambda: view.phase == "ended", what="the end")
    assert view.status == "session ended (exit code 3)"
    assert view.ids.connect.text == "Reconnect"


def test_reconnect_opens_a_new_session(make_app, frames):
    e, _app, _detail, view, session = connected(make_app, frames)
    session.exit.on_next(0)
    session.exit.on_completed()
    frames.until(lambda: view.phase == "ended", what="the end")
    tap(view.ids.connect, frames)
    frames.until(lambda: len(e.sessions) == 2, what="a second session")
    assert view.phase == "live"


def test_a_refusal_is_shown_in_plain_words(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    session.exit.on_error(Conflict(409, "web is paused: unpause it first"))
    frames.until(lambda: view.phase == "ended", what="the refusal")
    assert view.status == "web is paused: unpause it first"


def test_leaving_the_tab_closes_the_session(make_app, frames):
    _e, _app, detail, _view, session = connected(make_app, frames)
    detail.select_tab("overview")
    frames.step(2)
    assert session.closed


def test_the_app_stopping_closes_the_session(make_app, frames):
    _e, app, _detail, _view, session = connected(make_app, frames)
    app.dispatch("on_stop")
    assert session.closed


def test_scrollback_can_be_scrolled_and_typing_returns_to_the_bottom(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    session.out.on_next(b"".join(b"line %d\r\n" % i for i in range(1200)))
    frames.until(lambda: view.emulator.history_size >= 1000, what="a long output")
    view.screen.scroll_by(500)
    frames.step(2)
    assert view.screen.offset == 500
    view.type_text("x")
    assert view.screen.offset == 0


def test_a_drag_in_select_mode_selects_and_copy_copies_it(make_app, frames):
    from kivy.tests.common import UnitTestTouch

    _e, _app, _detail, view, session = connected(make_app, frames)
    session.out.on_next(b"first line\r\nsecond line\r\n")
    frames.until(lambda: view.emulator.text(1) == "second line", what="output")
    tap(view.ids.keyrow.ids.key_select, frames)
    screen = view.screen
    cw, ch = screen.cell
    x0 = screen.x + screen.padding + cw * 0.5
    top = screen.top - screen.padding
    touch = UnitTestTouch(x0, top - ch * 0.5)
    touch.touch_down()
    touch.touch_move(x0 + cw * 5, top - ch * 1.5)
    touch.touch_up()
    frames.step(1)
    assert screen.selected() == "first line\nsecond"


def test_losing_the_engine_ends_the_session(make_app, frames):
    e, _app, _detail, view, session = connected(make_app, frames)
    e.link(Link.DISCONNECTED, "gone")
    frames.until(lambda: view.phase == "ended", what="the end")
    assert session.closed


def test_the_engine_coming_back_does_not_reconnect_by_itself(make_app, frames):
    e, _app, _detail, view, _session = connected(make_app, frames)
    e.link(Link.DISCONNECTED, "gone")
    frames.until(lambda: view.phase == "ended", what="the end")
    e.link(Link.CONNECTED)
    frames.until(lambda: view.can_connect, what="the engine back")
    assert len(e.sessions) == 1


def test_a_change_on_one_row_redraws_that_row_only(make_app, frames):
    _e, _app, _detail, view, session = connected(make_app, frames)
    session.out.on_next(b"one\r\ntwo\r\nthree")
    frames.until(lambda: view.emulator.text(2) == "three", what="output")
    frames.step(2)
    before = view.screen.rows_drawn
    session.out.on_next(b"!")
    frames.until(lambda: view.emulator.text(2) == "three!", what="one more character")
    frames.step(2)
    assert view.screen.rows_drawn - before == 1
