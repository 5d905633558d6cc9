"""The Terminal tab: a shell (or any command) inside the selected running container.

Before connecting, the command and the user can be chosen (blank: a shell, bash else sh;
the image's user). Connect opens ``engine.exec`` (a stream of :class:`LiveView`, so leaving
the tab, another container, or the app stopping closes the session). The session's output
goes through the bounded :class:`~genet_kivy.terminal_feed.Feed` (back-pressure, never a
dropped byte) and is fed to the emulator on the UI thread, within a time budget per frame;
the emulator's answers (``ESC[6n`` cursor reports) go back to the process. The exit code, or
the reason the session could not start, arrives through ``app.on_main``: "session ended
(exit code N)" with Reconnect.

Keys: a hardware keyboard types into the focused terminal; the key row has what a phone
keyboard lacks (Esc, Tab, a sticky Ctrl, arrows, ``|``, ``~``, ``/``), Copy, Paste, and the
on-screen keyboard, which opens the terminal over the whole window (:class:`TerminalKeyboard`)
so that it stays readable above the keys on an 800x480 panel. The size follows whichever
terminal widget is shown, and the engine is told.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from kivy.clock import Clock
from kivy.core.clipboard import Clipboard
from kivy.properties import BooleanProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from reactivex.abc import DisposableBase
from reactivex.disposable import Disposable

from genet_rx.errors import EngineError
from genet_rx.model.containers import Container, State

from .live_view import LiveView
from .terminal_emulator import Emulator
from .terminal_feed import Feed
from .terminal_keys import NAMED, ctrl_byte, key_bytes, paste_bytes
from .terminal_widget import TerminalWidget

FRAME_BUDGET = 0.012  # seconds of emulation per frame, so a flood never stops the frames
SLICE = 8192  # bytes fed to the emulator at a time
#: The key row's keys and what they send (besides Ctrl, Copy, Paste and the keyboard).
ROW_KEYS = {"esc": b"\x1b", "tab": b"\t", "|": b"|", "~": b"~", "/": b"/"}


def plain_error(error: BaseException) -> str:
    """An error as a person reads it (the engine's words without the HTTP status)."""
    if isinstance(error, EngineError):
        return error.message
    return str(error) or type(error).__name__


def ended_text(code: int | None) -> str:
    return "session ended" if code is None else f"session ended (exit code {code})"


def form_status(c: Container | None) -> str:
    """What the tab says before connecting."""
    if c is None or c.state is State.RUNNING:
        return "Choose a command and a user, or leave them blank for a shell."
    if c.state is State.PAUSED:
        return "Paused: unpause it first."
    return "Not running: start it first."


class TerminalKeys(BoxLayout):
    """The row of keys a phone keyboard lacks (layout in kv); ``view`` is the TerminalView."""

    view = ObjectProperty(None, allownone=True, rebind=True)


class TerminalKeyboard(ModalView):
    """The terminal over the whole window with the key row and the on-screen keyboard."""

    view = ObjectProperty(None, allownone=True, rebind=True)

    def on_kv_post(self, base_widget: Any) -> None:
        vk = self.ids.vk
        vk.do_translation = vk.do_rotation = vk.do_scale = False
        # It lays its keys out for the size it had when made: again for each size it gets.
        vk.bind(size=lambda *_: self._lay_keys())

    def _lay_keys(self) -> None:
        vk = self.ids.vk
        if "U_HINT" in vk.layout_geometry:  # once its layout is loaded
            vk.refresh(False)
        vk.bind(on_textinput=lambda _kb, text: self.view.type_text(text))
        vk.bind(on_key_down=lambda _kb, key, _internal, _mods: self.view.type_named(key))


class TerminalView(LiveView):
    """Form (command, user, Connect), status, the terminal, the key row (module doc)."""

    phase = OptionProperty("form", options=["form", "live", "ended"])
    status = StringProperty("")
    ctrl = BooleanProperty(False)  # the key row's sticky Ctrl
    keyboard = BooleanProperty(False)  # the on-screen keyboard is open
    connected = BooleanProperty(False)  # the first output has arrived
    can_connect = BooleanProperty(False)
    select_mode = BooleanProperty(False)  # a drag selects text instead of scrolling

    def __init__(self, **kwargs: Any) -> None:
        # Before Kivy's __init__: a view made in Python (the detail builds it when its tab is
        # first shown) gets on_kv_post inside super().__init__, which hands the screen this.
        self.emulator = Emulator()
        super().__init__(**kwargs)
        self.session: Any = None
        self.feed: Feed | None = None
        self.exit_code: int | None = None
        self.sessions = 0  # sessions opened (tests, diagnostics)
        self._wanted = False
        self._epoch = 0
        self._drain = Clock.create_trigger(lambda _dt: self.drain(), 0)
        self._resize = Clock.create_trigger(lambda _dt: self.apply_size(), 0)
        self.overlay: TerminalKeyboard | None = None

    def on_kv_post(self, base_widget: Any) -> None:
        screen = self.ids.screen
        screen.emulator = self.emulator
        screen.bind(grid=self._on_grid)
        screen.bind(on_keys=lambda _w, data: self.send(data))

    @property
    def screen(self) -> TerminalWidget:
        """The terminal widget on screen (the full-window one while the keyboard is open)."""
        if self.overlay is not None:
            return self.overlay.ids.screen  # type: ignore[no-any-return]
        return self.ids.screen  # type: ignore[no-any-return]

    # -- the session -----------------------------------------------------------------------

    def stream_key(self, c: Container) -> Hashable | None:
        if self._wanted and c.state is State.RUNNING:
            return (c.id, self._epoch)
        return None

    def toggle_session(self) -> None:
        """Connect (or Reconnect), or Disconnect a live session."""
        if self.phase == "live":
            self._wanted = False
            self.reopen()
            self.phase = "ended"
            self.status = ended_text(None)
            return
        self._wanted = True
        self._epoch += 1
        self.reopen()

    def open(self, c: Container) -> DisposableBase:
        rows, cols = self.screen.grid
        self.emulator = Emulator(int(rows), int(cols))
        for screen in self._screens():
            screen.emulator = self.emulator
        self.exit_code = None
        self.connected = False
        self.phase = "live"
        self.sessions += 1
        cmd = self.ids.command.text.strip() or None
        user = self.ids.user.text.strip() or None
        self.status = f"connecting to {c.name or c.short_id}…"
        session = self.app.engine_for(c).exec(c.id, cmd=cmd, user=user)
        session.resize(int(rows), int(cols))
        feed = Feed(wake=self._drain)
        self.session, self.feed = session, feed
        ends = self.app.on_main(session.exit_code).subscribe(
            on_next=self._on_exit, on_error=self._on_error, on_completed=self._on_completed)
        reading = session.output.subscribe(on_next=feed.put, on_error=lambda _e: None)
        self.screen.focus = True

        def close() -> None:
            ends.dispose()
            feed.close()
            session.close()
            reading.dispose()

        return Disposable(close)

    def reset(self, c: Container | None) -> None:
        self._wanted = False
        self.session = None
        self.feed = None
        self.phase = "form"
        self.connected = False
        self.ctrl = False
        self.close_keyboard()
        for screen in self._screens():
            screen.focus = False
            screen.clear_selection()

    def update(self, c: Container | None) -> None:
        running = c is not None and c.state is State.RUNNING
        live = bool(getattr(self.app, "live", True))
        self.can_connect = running and live
        if not live and self.phase == "live":  # its stream was let go with the engine
            self._wanted = False
            self.phase = "ended"
            self.status = "session ended: the connection to the engine was lost"
        if self.phase == "form":
            self.status = form_status(c)

    def _on_exit(self, code: int) -> None:
        self.exit_code = code

    def _on_completed(self) -> None:
        self.drain()
        self.phase = "ended"
        self.status = ended_text(self.exit_code)
        self._wanted = False

    def _on_error(self, error: Exception) -> None:
        self.drain()
        self.phase = "ended"
        self.status = plain_error(error)
        self._wanted = False

    # -- output ----------------------------------------------------------------------------

    def drain(self) -> None:
        """Feed waiting output to the emulator for at most a frame's budget."""
        feed, session = self.feed, self.session
        if feed is None:
            return
        start = time.perf_counter()
        fed = False
        while time.perf_counter() - start < FRAME_BUDGET:
            data = feed.take(SLICE)
            if not data:
                break
            fed = True
            answers = self.emulator.feed(data)
            if answers and session is not None:
                session.send(answers)
        if fed:
            if not self.connected:
                self.connected = True
                self.status = self._live_status()
            self.screen.refresh()
        if feed.pending:
            self._drain()  # the rest next frame: frames keep coming during a flood

    def _live_status(self) -> str:
        session = self.session
        what = " ".join(session.command or []) if session is not None else ""
        rows, cols = self.screen.grid
        return f"connected · {what} · {cols}x{rows}" if what else f"connected · {cols}x{rows}"

    # -- input -----------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        session = self.session
        if session is not None and self.phase == "live" and data:
            session.send(data)

    def type_text(self, text: str) -> None:
        """Text from the on-screen keyboard (Ctrl applies when the key row's Ctrl is on)."""
        if self.ctrl:
            self.ctrl = False
            code = ctrl_byte(text)
            if code is not None:
                self.screen.type(code)
                return
        self.screen.type(text.encode())

    def type_named(self, name: str | None) -> None:
        """A named key from the on-screen keyboard or the key row."""
        if name is None:
            return
        if name == "escape" and self.overlay is not None:
            self.close_keyboard()  # the on-screen keyboard's own close key
            return
        if name in ROW_KEYS:
            if self.ctrl and len(name) == 1:
                self.type_text(name)
                return
            self.screen.type(ROW_KEYS[name])
            return
        if name == "spacebar":
            self.type_text(" ")
            return
        key = NAMED.get(name)
        if key is None:
            return
        mods = ["ctrl"] if self.ctrl else []
        self.ctrl = False
        data = key_bytes(key, None, mods, self.emulator.screen.app_cursor)
        if data is not None:
            self.screen.type(data)

    def toggle_ctrl(self) -> None:
        self.ctrl = not self.ctrl

    def copy(self) -> None:
        text = self.screen.selected() or "\n".join(
            self.emulator.text(self.emulator.first_shown(0) + r)
            for r in range(self.emulator.rows)).rstrip()
        self.app.copy_text(text, what="the selection" if self.screen.selection else "the screen")

    def paste(self) -> None:
        try:
            text = Clipboard.paste()
        except Exception as exc:  # no clipboard provider
            self.app.notify(f"Could not paste: {exc}", "error")
            return
        if text:
            self.screen.type(paste_bytes(text, self.emulator.screen.bracketed_paste))

    def toggle_select(self) -> None:
        self.select_mode = not self.select_mode
        for screen in self._screens():
            screen.select_mode = self.select_mode

    # -- size and the on-screen keyboard ---------------------------------------------------

    def _screens(self) -> list[TerminalWidget]:
        screens = [self.ids.screen]
        if self.overlay is not None:
            screens.append(self.overlay.ids.screen)
        return screens

    def _on_grid(self, *_: Any) -> None:
        self._resize()  # once the layout has settled, this frame or the next

    def apply_size(self) -> None:
        """The shown terminal's grid to the emulator and to the process."""
        rows, cols = (int(n) for n in self.screen.grid)
        if self.emulator.resize(rows, cols):
            self.screen.refresh()
        if self.session is not None and self.phase == "live":
            self.session.resize(rows, cols)
            if self.connected:
                self.status = self._live_status()

    def toggle_keyboard(self) -> None:
        if self.overlay is None:
            self.open_keyboard()
        else:
            self.close_keyboard()

    def open_keyboard(self) -> None:
        overlay = TerminalKeyboard(view=self)
        self.overlay = overlay
        screen = overlay.ids.screen
        screen.emulator = self.emulator
        screen.select_mode = self.select_mode
        screen.bind(grid=self._on_grid)
        screen.bind(on_keys=lambda _w, data: self.send(data))
        self.keyboard = True
        overlay.open(animation=False)
        screen.focus = True
        self._resize()

    def close_keyboard(self) -> None:
        overlay = self.overlay
        if overlay is None:
            return
        overlay.ids.screen.focus = False
        self.overlay = None
        self.keyboard = False
        overlay.dismiss(animation=False)
        screen = self.ids.screen
        screen.focus = self.phase == "live"
        screen.redraw_all()
        self._resize()
