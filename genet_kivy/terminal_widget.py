"""The terminal drawn: an :class:`~genet_kivy.terminal_emulator.Emulator` on a Kivy canvas.

Each visible row is one instruction group: rectangles for its backgrounds, then one texture
of its text (Kivy markup in a monospace font, :mod:`genet_kivy.terminal_rows`). Textures are
cached by their markup, so a row shown again (a flood of the same line, a prompt) costs no
rendering. :meth:`TerminalWidget.refresh` asks for a redraw; the redraw runs at most once a
frame and rebuilds only the rows pyte marked dirty (all of them when the view scrolled, the
size or the emulator changed).

Input: keys when focused (:mod:`genet_kivy.terminal_keys`), dispatched as ``on_keys`` with
the bytes to send. Touch: a tap focuses; a drag scrolls the scrollback, or selects text in
select mode (with a mouse, a drag always selects and the wheel scrolls). ``grid`` is the
(rows, columns) that fit the widget: the view resizes the emulator and the session to it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.metrics import dp, sp
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import FocusBehavior
from kivy.uix.widget import Widget

from .terminal_emulator import Emulator
from .terminal_keys import key_bytes
from .terminal_rows import markup, row_runs, selected_text

_CACHE_SIZE = 600  # textures kept by markup
_CURSOR = (0.55, 0.70, 1.0, 0.55)
_SELECTION = (0.27, 0.55, 0.96, 0.35)


class TerminalWidget(FocusBehavior, Widget):
    """Draws an emulator's rows and cursor; turns keys and touches into input (module doc)."""

    emulator = ObjectProperty(None, allownone=True)
    font_name = StringProperty("RobotoMono-Regular")
    font_size = NumericProperty(sp(14))
    padding = NumericProperty(dp(6))
    offset = NumericProperty(0)  # rows scrolled back into the scrollback
    select_mode = BooleanProperty(False)
    grid = ListProperty([24, 80])  # rows, columns that fit
    cell = ListProperty([8.0, 16.0])  # one cell's width and height, in pixels
    redraws = NumericProperty(0)  # frames that redrew something (tests, diagnostics)
    rows_drawn = NumericProperty(0)  # rows rebuilt so far

    __events__ = ("on_keys",)

    def __init__(self, **kwargs: Any) -> None:
        self._rows: list[InstructionGroup] = []
        self._full = True
        self._seen_generation = -1
        self._textures: OrderedDict[str, Any] = OrderedDict()
        self._overlay = InstructionGroup()
        self._trigger = Clock.create_trigger(lambda _dt: self.redraw(), -1)
        self.selection: tuple[tuple[int, int], tuple[int, int]] | None = None
        self._drag: dict[str, Any] | None = None
        super().__init__(**kwargs)
        self.unfocus_on_touch = False
        self.canvas.after.add(self._overlay)
        self._measure()
        self.fbind("size", self._relayout)
        self.fbind("pos", self._invalidate)
        self.fbind("font_size", self._remeasure)
        self.fbind("font_name", self._remeasure)
        self.fbind("emulator", self._invalidate)
        self.fbind("offset", self._invalidate)

    def on_keys(self, data: bytes) -> None:
        """Bytes typed (bound by the view)."""

    # -- geometry --------------------------------------------------------------------------

    def _measure(self) -> None:
        probe = CoreLabel(text="M" * 40, font_name=self.font_name, font_size=self.font_size)
        probe.refresh()
        width, height = probe.texture.size
        self.cell = [width / 40.0, float(height)]

    def _remeasure(self, *_: Any) -> None:
        self._textures.clear()
        self._measure()
        self._relayout()

    def _relayout(self, *_: Any) -> None:
        cw, ch = self.cell
        cols = max(2, int((self.width - 2 * self.padding) // cw))
        rows = max(2, int((self.height - 2 * self.padding) // ch))
        if [rows, cols] != list(self.grid):
            self.grid = [rows, cols]
        self._invalidate()

    def _invalidate(self, *_: Any) -> None:
        self._full = True
        self._trigger()

    def refresh(self) -> None:
        """The emulator changed: redraw what changed, once this frame."""
        self._trigger()

    def redraw_all(self) -> None:
        """Redraw every row, once this frame (another widget drew the emulator meanwhile)."""
        self._invalidate()

    def cell_at(self, x: float, y: float) -> tuple[int, int]:
        """The (absolute row, column) under a point in window coordinates."""
        em = self.emulator
        lx, ly = self.to_widget(x, y)
        cw, ch = self.cell
        column = int((lx - self.x - self.padding) // cw)
        row = int((self.top - self.padding - ly) // ch)
        rows = em.rows if em is not None else 1
        first = em.first_shown(int(self.offset)) if em is not None else 0
        return first + max(0, min(row, rows - 1)), max(0, column)

    # -- drawing ---------------------------------------------------------------------------

    def redraw(self) -> None:
        em: Emulator | None = self.emulator
        if em is None:
            self._clear_rows()
            self._overlay.clear()
            return
        screen = em.screen
        rows = em.rows
        self.offset = max(0, min(int(self.offset), em.history_size))
        full = self._full or len(self._rows) != rows or (
            self.offset and em.generation != self._seen_generation)
        self._full = False
        self._seen_generation = em.generation
        todo = range(rows) if full else sorted(y for y in screen.dirty if 0 <= y < rows)
        screen.dirty.clear()
        if full:
            self._clear_rows()
            self._rows = [InstructionGroup() for _ in range(rows)]
            for group in self._rows:
                self.canvas.add(group)
        first = em.first_shown(int(self.offset))
        for y in todo:
            self._draw_row(y, em.row(first + y), em.columns)
        self._draw_overlay(em, first)
        if todo:
            self.redraws += 1
            self.rows_drawn += len(todo)

    def _clear_rows(self) -> None:
        for group in self._rows:
            self.canvas.remove(group)
        self._rows = []

    def _draw_row(self, y: int, line: Any, columns: int) -> None:
        group = self._rows[y]
        group.clear()
        runs = row_runs(line, columns)
        cw, ch = self.cell
        left = self.x + self.padding
        bottom = self.top - self.padding - (y + 1) * ch
        for run in runs:
            if run.bg is not None:
                group.add(Color(*run.bg))
                group.add(Rectangle(pos=(left + run.start * cw, bottom),
                                    size=(len(run.text) * cw, ch)))
        if not runs:
            return
        texture = self._texture(markup(runs))
        if texture is not None:
            group.add(Color(1, 1, 1, 1))
            group.add(Rectangle(texture=texture, pos=(left, bottom), size=texture.size))

    def _texture(self, text: str) -> Any:
        cached = self._textures.get(text)
        if cached is not None:
            self._textures.move_to_end(text)
            return cached
        label = MarkupLabel(text=text, font_name=self.font_name, font_size=self.font_size)
        label.refresh()
        texture = label.texture
        self._textures[text] = texture
        if len(self._textures) > _CACHE_SIZE:
            self._textures.popitem(last=False)
        return texture

    def _draw_overlay(self, em: Emulator, first: int) -> None:
        overlay = self._overlay
        overlay.clear()
        cw, ch = self.cell
        left = self.x + self.padding
        top = self.top - self.padding
        if self.selection is not None:
            (r0, c0), (r1, c1) = sorted(self.selection)
            overlay.add(Color(*_SELECTION))
            for row in range(max(r0, first), min(r1, first + em.rows - 1) + 1):
                a = c0 if row == r0 else 0
                b = c1 + 1 if row == r1 else em.columns
                y = top - (row - first + 1) * ch
                overlay.add(Rectangle(pos=(left + a * cw, y), size=(max(0, b - a) * cw, ch)))
        cursor = em.screen.cursor
        if not self.offset and not cursor.hidden:
            overlay.add(Color(*_CURSOR))
            overlay.add(Rectangle(pos=(left + cursor.x * cw, top - (cursor.y + 1) * ch),
                                  size=(cw, ch)))

    # -- selection -------------------------------------------------------------------------

    def selected(self) -> str:
        """The selected text ("" when nothing is selected)."""
        em = self.emulator
        if em is None or self.selection is None:
            return ""
        (r0, _), (r1, _) = sorted(self.selection)
        rows = [em.text(r) for r in range(r1 + 1)] if r0 >= 0 else []
        return selected_text(rows, *self.selection)

    def clear_selection(self) -> None:
        if self.selection is not None:
            self.selection = None
            self._trigger()

    # -- input -----------------------------------------------------------------------------

    def keyboard_on_key_down(self, window: Any, keycode: Any, text: Any, modifiers: Any) -> bool:
        em = self.emulator
        data = key_bytes(int(keycode[0]), text, modifiers,
                         bool(em is not None and em.screen.app_cursor))
        if data is not None:
            self.type(data)
        return True  # every key is the terminal's, Esc and Tab included

    def keyboard_on_textinput(self, window: Any, text: str) -> None:
        self.type(text.encode())

    def type(self, data: bytes) -> None:
        """Send typed bytes: the view jumps back to the live screen."""
        self.offset = 0
        self.clear_selection()
        self.dispatch("on_keys", data)

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        if touch.is_mouse_scrolling:
            step = 3 if touch.button == "scrolldown" else -3
            self.scroll_by(step)
            return True
        self.focus = True
        touch.grab(self)
        selecting = self.select_mode or getattr(touch, "device", "") == "mouse"
        self._drag = {"y": touch.y, "select": selecting, "moved": False,
                      "from": self.cell_at(*touch.pos), "offset": self.offset}
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self or self._drag is None:
            return False
        drag = self._drag
        if drag["select"]:
            drag["moved"] = True
            self.selection = (drag["from"], self.cell_at(*touch.pos))
            self._trigger()
        else:
            rows = int((drag["y"] - touch.y) / self.cell[1])
            if rows:
                drag["moved"] = True
            self.scroll_to(int(drag["offset"]) + rows)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        if self._drag is not None and not self._drag["moved"]:
            self.clear_selection()
        self._drag = None
        return True

    def scroll_by(self, rows: int) -> None:
        self.scroll_to(int(self.offset) + rows)

    def scroll_to(self, offset: int) -> None:
        em = self.emulator
        most = em.history_size if em is not None else 0
        self.offset = max(0, min(offset, most))
