"""The terminal's model: pyte's VT100/xterm screen plus what a terminal app needs around it.

Kivy-free. :class:`TermScreen` is a ``pyte.Screen`` that also keeps

* a scrollback: lines that scroll off the top of the whole screen (never the alternate
  screen, never a scroll region's) go into a bounded deque;
* the alternate screen (private modes 47, 1047, 1049) that ``vi``, ``top`` and ``less``
  switch to and back from, restoring the shell's screen (and cursor, for 1049) as it was;
* the answers a program asks for (the cursor position for ``ESC[6n``, device attributes),
  collected to be sent back to it;
* the modes that change what keys send: application cursor keys (DECCKM, mode 1) and
  bracketed paste (mode 2004).

:class:`Emulator` feeds bytes in (UTF-8 decoded across chunk boundaries by pyte's
``ByteStream``) and addresses rows absolutely: scrollback first, then the screen, so a view
scrolled back ``offset`` rows shows rows ``len(history) - offset`` onwards.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from typing import Any, Final

import pyte
from pyte.screens import Char, Margins, StaticDefaultDict

DEFAULT_SCROLLBACK: Final = 2000
_ALTERNATE: Final = (47, 1047, 1049)
_APP_CURSOR: Final = 1 << 5  # DECCKM, private, as pyte stores private modes
_BRACKETED_PASTE: Final = 2004 << 5

Line = Mapping[int, Char]


class TermScreen(pyte.Screen):
    """A pyte screen with scrollback, the alternate screen and collected answers."""

    def __init__(self, columns: int, lines: int, scrollback: int = DEFAULT_SCROLLBACK) -> None:
        self.history: deque[Line] = deque(maxlen=scrollback)
        self.answers: list[str] = []
        self._main: tuple[Any, tuple[int, int, Char] | None] | None = None
        super().__init__(columns, lines)

    @property
    def alternate(self) -> bool:
        """Whether the alternate screen is shown (a full-screen program runs)."""
        return self._main is not None

    @property
    def app_cursor(self) -> bool:
        return _APP_CURSOR in self.mode

    @property
    def bracketed_paste(self) -> bool:
        return _BRACKETED_PASTE in self.mode

    def write_process_input(self, data: str) -> None:
        self.answers.append(data)

    def index(self) -> None:
        top, bottom = self.margins or Margins(0, self.lines - 1)
        if self.cursor.y == bottom and top == 0 and self._main is None:
            self.history.append(self.buffer[0])
        super().index()

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        if how == 3:  # xterm: erase the saved lines too (``clear``)
            self.history.clear()
        super().erase_in_display(how, *args, **kwargs)

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private"):
            for mode in modes:
                if mode in _ALTERNATE:
                    self._enter_alternate(save_cursor=mode == 1049)
        super().set_mode(*modes, **kwargs)

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private"):
            for mode in modes:
                if mode in _ALTERNATE:
                    self._leave_alternate()
        super().reset_mode(*modes, **kwargs)

    def reset(self) -> None:
        self._main = None
        super().reset()

    def _enter_alternate(self, save_cursor: bool) -> None:
        if self._main is not None:
            return
        cursor = (self.cursor.x, self.cursor.y, self.cursor.attrs) if save_cursor else None
        self._main = (self.buffer, cursor)
        default = self.default_char
        self.buffer = _fresh_buffer(default)
        self.dirty.update(range(self.lines))

    def _leave_alternate(self) -> None:
        if self._main is None:
            return
        buffer, cursor = self._main
        self._main = None
        self.buffer = buffer
        for y in [y for y in buffer if y >= self.lines]:
            del buffer[y]
        if cursor is not None:
            x, y, attrs = cursor
            self.cursor.x = min(x, self.columns - 1)
            self.cursor.y = min(y, self.lines - 1)
            self.cursor.attrs = attrs
        self.dirty.update(range(self.lines))


def _fresh_buffer(default: Char) -> Any:
    return defaultdict(lambda: StaticDefaultDict(default))


class Emulator:
    """A terminal of ``rows`` by ``columns`` fed with a process's output."""

    def __init__(self, rows: int = 24, columns: int = 80,
                 scrollback: int = DEFAULT_SCROLLBACK) -> None:
        self.screen = TermScreen(columns, rows, scrollback)
        self._stream = pyte.ByteStream(self.screen)
        self.generation = 0  # bumped on every change (views compare it)

    @property
    def rows(self) -> int:
        return int(self.screen.lines)

    @property
    def columns(self) -> int:
        return int(self.screen.columns)

    @property
    def history_size(self) -> int:
        return len(self.screen.history)

    def feed(self, data: bytes) -> bytes:
        """Take output bytes; returns the answers the program asked for, to send back."""
        self._stream.feed(data)
        self.generation += 1
        answers, self.screen.answers = self.screen.answers, []
        return "".join(answers).encode()

    def resize(self, rows: int, columns: int) -> bool:
        """Change the size (at least 2 by 2); whether it changed."""
        rows, columns = max(2, rows), max(2, columns)
        if (rows, columns) == (self.rows, self.columns):
            return False
        self.screen.resize(rows, columns)
        self.screen.cursor.x = min(self.screen.cursor.x, columns - 1)
        self.screen.cursor.y = min(self.screen.cursor.y, rows - 1)
        self.generation += 1
        return True

    def row(self, absolute: int) -> Line:
        """One row by absolute number: scrollback rows first, then the screen's."""
        history = self.screen.history
        if absolute < len(history):
            return history[absolute]
        return self.screen.buffer[absolute - len(history)]

    def first_shown(self, offset: int) -> int:
        """The absolute number of the top row of a view scrolled back ``offset`` rows."""
        return len(self.screen.history) - max(0, min(offset, len(self.screen.history)))

    def text(self, absolute: int) -> str:
        """A row's text, trailing blanks dropped."""
        return line_text(self.row(absolute), self.columns)


def line_text(line: Line, columns: int) -> str:
    """The characters of a row, trailing blanks dropped."""
    return "".join(line[x].data if x in line else " " for x in range(columns)).rstrip()
