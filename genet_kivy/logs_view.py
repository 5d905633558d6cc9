"""The Logs tab: a container's output followed live in a RecycleView.

Lines come from ``engine.logs`` through ``batched_on`` the Kivy scheduler: however fast the
container prints, the view gets one list of lines per drain, keeps at most the ring's
capacity, and redraws at most once a frame (a trigger with timeout -1: after the drain,
before the draw). Rows are built by the pure :mod:`genet_kivy.log_rows`.

Auto-scroll: while the list sits at its bottom, new lines keep it there. Scrolling up pauses
it — the rows on screen stop changing (new lines still go into the ring) and a "Jump to
bottom" control appears; scrolling back to the bottom, or that control, resumes.

Search never runs on the UI thread: keystrokes are debounced (:data:`SEARCH_DELAY`), then the
model hands out a job for the lines held (and one per batch of new lines) to a
:class:`~genet_kivy.log_search.SearchWorker`, whose results come back through ``app.on_main``
and mark the rows. A new query cancels the old one; a pattern that runs past its time budget
is stopped and the status line says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import reactivex
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from reactivex import Observable
from reactivex import operators as ops
from reactivex.abc import DisposableBase
from reactivex.scheduler import NewThreadScheduler
from reactivex.subject import Subject

from genet_rx.model.containers import Container, State
from genet_rx.model.logs import DEFAULT_RING_BYTES, DEFAULT_RING_CAPACITY, LogLine

from .batching import batched_on
from .live_view import LiveView
from .log_rows import LogModel, saved_text, view_attrs
from .log_search import SearchJob, SearchResult, SearchWorker
from .save_file import FileExists, write_new_file

VIEWER_CHARS = 8000  # characters of one line the line viewer shows (Copy takes all)
SEARCH_DELAY = 0.25  # seconds of quiet in the search field before a search starts


class LogRow(RecycleDataViewBehavior, BoxLayout):
    """One line: its stream's marker and colour, optional time, and the (cut) text.

    Not a button (rows stay dense, 24 dp); a tap that does not scroll opens the line viewer.
    """

    line = ObjectProperty(None, allownone=True)
    marker = StringProperty("")
    marker_color = ColorProperty((1, 1, 1, 1))
    text = StringProperty("")
    text_color = ColorProperty((1, 1, 1, 1))
    tint = ColorProperty((0, 0, 0, 0))
    stamp = StringProperty("")
    hit = BooleanProperty(False)
    long = BooleanProperty(False)

    def refresh_view_attrs(self, rv: Any, index: int, data: dict[str, Any]) -> None:
        # The row dict is small (line, hit, search); its look is worked out here, on screen.
        super().refresh_view_attrs(rv, index, view_attrs(data))

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos) and not touch.is_mouse_scrolling:
            touch.grab(self)
            return True
        return False

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        if self.collide_point(*touch.pos) and self.line is not None:
            view = self.parent
            while view is not None and not isinstance(view, LogsView):
                view = view.parent
            if view is not None:
                view.open_line(self.line)
        return True


class LineViewer(ModalView):
    """One whole log line (up to VIEWER_CHARS shown), with Copy and Close."""

    text = StringProperty("")
    note = StringProperty("")

    def __init__(self, line: LogLine, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.line = line
        self.text = line.text[:VIEWER_CHARS]
        n = len(line.text)
        self.note = f"{line.stream} · {n:,} characters" + (
            f" · showing the first {VIEWER_CHARS:,}; Copy takes all" if n > VIEWER_CHARS else ""
        )

    def copy(self) -> None:
        from kivy.app import App

        App.get_running_app().copy_text(self.line.text, what="the line")


def rows_height(count: int) -> float:
    """The height of ``count`` log rows in the list (24 dp each, 4 dp above and below)."""
    return count * dp(24) + dp(8)


def default_save_path(name: str) -> str:
    """``~/genet-<name>.log`` (the home folder when it exists, else the current one)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "container"
    home = Path.home()
    folder = home if home.is_dir() and os.access(home, os.W_OK) else Path.cwd()
    return str(folder / f"genet-{safe}.log")


class LogsView(LiveView):
    """Toolbar (search, regex, timestamps, save), status line, the lines, Jump to bottom."""

    timestamps = BooleanProperty(False)
    regex = BooleanProperty(False)
    paused = BooleanProperty(False)
    saving = BooleanProperty(False)
    replace_path = StringProperty("")  # the path the person was asked to replace
    status = StringProperty("")
    search_error = StringProperty("")
    waiting = NumericProperty(0)  # lines arrived while paused
    capacity = NumericProperty(DEFAULT_RING_CAPACITY)
    max_bytes = NumericProperty(DEFAULT_RING_BYTES)  # the ring's bound in bytes
    redraws = NumericProperty(0)  # how many times rows reached the RecycleView
    search_on = BooleanProperty(False)  # a search is typed: its bar (Prev, Next, Only) shows
    only_hits = BooleanProperty(False)  # show the matching lines only
    match = NumericProperty(-1)  # which match Prev/Next went to (-1: none yet)
    match_text = StringProperty("")  # "3 of 12"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = LogModel(int(self.capacity), int(self.max_bytes))
        self._redraw = Clock.create_trigger(lambda _dt: self.redraw(), -1)
        self._run_epoch = 0
        self._last_running = False
        self._eof = False
        self._error = ""
        self.viewer: LineViewer | None = None
        self.searcher = SearchWorker()
        self._queries: Subject[tuple[str, bool]] = Subject()
        self._search_subs: list[DisposableBase] = []

    def on_kv_post(self, base_widget: Any) -> None:
        self._jump = self.ids.jump.__self__
        self._savebar = self.ids.savebar.__self__
        self._toolbar = self.ids.toolbar.__self__
        self.ids.overlay.remove_widget(self._jump)
        self.ids.bars.remove_widget(self._savebar)
        self.ids.rv.bind(scroll_y=self._on_scroll)

    def on_capacity(self, *_: Any) -> None:
        old = self.model
        self.model = LogModel(int(self.capacity), int(self.max_bytes))
        self._submit(self.model.search(old.pattern, old.regex))  # the field still says it
        self.reopen()

    on_max_bytes = on_capacity

    # -- the stream ------------------------------------------------------------------------

    def stream_key(self, c: Container) -> Hashable | None:
        running = c.state.alive
        if running and not self._last_running and self._eof:
            self._run_epoch += 1  # started again after its output ended: follow it anew
        self._last_running = running
        return (c.id, self.timestamps, self._run_epoch)

    def open(self, c: Container) -> DisposableBase:
        self.model.clear()
        self._eof = False
        self._error = ""
        self._set_paused(False)
        self._redraw()
        return self.source(c).pipe(batched_on(self.app.scheduler, self.model.capacity)).subscribe(
            on_next=self._on_lines, on_error=self._on_error, on_completed=self._on_end
        )

    def source(self, c: Container) -> Observable[LogLine]:
        """The lines this tab follows (a swarm service's tab follows the service's)."""
        logs: Observable[LogLine] = self.app.engine_for(c).logs(
            c.id, follow=True, tail=self.model.capacity, timestamps=self.timestamps
        )
        return logs

    def reset(self, c: Container | None) -> None:
        if c is None:
            self.searcher.cancel()  # the tab left the screen: let the search thread end
        self.model.clear()
        self._eof = False
        self._error = ""
        self._last_running = False
        self._set_paused(False)
        self.replace_path = ""
        if self.saving:
            self._show_savebar(False)  # a path typed for another container is not kept
        self.redraw()

    def update(self, c: Container | None) -> None:
        self._set_status()

    def _on_lines(self, lines: list[LogLine]) -> None:
        self._submit(self.model.add(lines))
        if self.paused:
            self.waiting += len(lines)
        self._redraw()

    def _on_error(self, error: Exception) -> None:
        self._eof = True
        self._error = f"The log stream failed: {error}"
        self._redraw()

    def _on_end(self) -> None:
        self._eof = True
        self._redraw()

    # -- drawing ---------------------------------------------------------------------------

    def redraw(self) -> None:
        """Hand the rows to the RecycleView (once a frame at most, via the trigger)."""
        self.search_error = self.model.search_error
        if not self.paused:
            rv = self.ids.rv
            rv.data = self.model.data()
            # The bottom; a log shorter than the view starts at its top instead.
            rv.scroll_y = 0 if rows_height(len(rv.data)) > rv.height else 1
            effect = rv.effect_y
            if effect is not None:  # stop a fling still under way from carrying it back up
                effect.velocity = 0
                rv._update_effect_y_bounds()
            self.redraws += 1
        self._set_status()

    def _set_status(self) -> None:
        m = self.model
        parts = [f"{len(m):,} line{'s' if len(m) != 1 else ''}"]
        if m.dropped:
            parts.append(
                f"oldest {m.dropped:,} dropped (keeps {m.capacity:,} lines,"
                f" {m.ring.max_bytes / 2**20:,.0f} MiB)"
            )
        if m.pattern and not m.search_error:
            parts.append(f"{m.hits:,} match{'es' if m.hits != 1 else ''}")
            if m.searching:
                parts.append("searching…")
        c = self.container
        if self._error:
            parts.append(self._error)
        elif self._eof and c is not None:
            parts.append("output ended" if c.state is State.RUNNING else "not running")
        if self.paused:  # never "following" beside it: the rows on screen hold still
            parts.append(f"paused · {self.waiting:,} new")
        elif self.streaming and not self._error and not self._eof:
            parts.append("following")
        self.status = "  ·  ".join(parts)

    # -- auto-scroll -----------------------------------------------------------------------

    def distance_from_bottom(self) -> float:
        """How far above the bottom the view sits, by the rows it is given (the layout's own
        height lags a frame behind: right after a reopen it is still the old log's)."""
        rv = self.ids.rv
        content = rows_height(len(rv.data))
        if content <= rv.height:
            return 0.0  # it all fits: always at the bottom
        return (content - rv.height) * rv.scroll_y

    def _on_scroll(self, *_: Any) -> None:
        away = self.distance_from_bottom()
        if not self.paused and away > dp(48):
            self._set_paused(True)
        elif self.paused and away < dp(2):
            self.jump_to_bottom()

    def _set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        self.waiting = 0
        overlay = self.ids.overlay
        if paused and self._jump.parent is None:
            overlay.add_widget(self._jump)
        elif not paused and self._jump.parent is not None:
            overlay.remove_widget(self._jump)
        self._set_status()

    def jump_to_bottom(self) -> None:
        self._set_paused(False)
        self.redraw()

    # -- toolbar ---------------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        """The search field changed: search after a short quiet (clearing it is at once)."""
        if not text:
            self._start_search(("", self.regex))
            return
        self._listen()
        self._queries.on_next((text, self.regex))

    def _listen(self) -> None:
        """Subscribe (once, when the app's scheduler exists) to queries and to results."""
        if self._search_subs:
            return
        app = self.app
        self._search_subs = [
            self._queries.pipe(ops.debounce(SEARCH_DELAY, scheduler=app.scheduler)).subscribe(
                self._start_search
            ),
            app.on_main(self.searcher.results).subscribe(self._on_result),
        ]

    def _start_search(self, query: tuple[str, bool]) -> None:
        text, regex = query
        if (text, regex) != (self.ids.search.text, self.regex):
            return  # overtaken: the field says something else now
        job = self.model.search(text, regex)
        if job is None:
            self.searcher.cancel()
        self.search_on = bool(text)
        self.match, self.match_text = -1, ""
        self._submit(job)
        self.redraw()

    def toggle_only_hits(self) -> None:
        """Show only the matching lines, or every line again (either way from the bottom)."""
        self.only_hits = self.model.only_hits = not self.only_hits
        self.match, self.match_text = -1, ""
        self.jump_to_bottom()

    def go_to_match(self, step: int) -> None:
        """Next (``step`` 1) or previous (-1) matching line, wrapping round: the list pauses
        and scrolls so that line is in its middle. The first Next goes to the first match,
        the first Previous to the last."""
        rv = self.ids.rv
        hits = [i for i, r in enumerate(rv.data) if r["hit"]]
        if not hits:
            self.match_text = "no matches" if self.model.pattern else ""
            return
        if 0 <= self.match < len(hits):
            self.match = (self.match + step) % len(hits)
        else:
            self.match = 0 if step > 0 else len(hits) - 1
        self.match_text = f"{self.match + 1:,} of {len(hits):,}"
        self._set_paused(True)
        room = rows_height(len(rv.data)) - rv.height
        if room > 0:
            top = hits[self.match] * dp(24) + dp(4) - (rv.height - dp(24)) / 2
            rv.scroll_y = min(1.0, max(0.0, 1 - top / room))

    def _submit(self, job: SearchJob | None) -> None:
        if job is not None:
            self._listen()
            self.searcher.submit(job)

    def _on_result(self, result: SearchResult) -> None:
        if self.model.apply(result):
            self._redraw()

    def toggle_regex(self) -> None:
        self.regex = not self.regex
        self.set_search(self.ids.search.text)

    def toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self.reopen()

    def open_line(self, line: LogLine) -> None:
        viewer = LineViewer(line)
        self.viewer = viewer
        viewer.bind(on_dismiss=lambda *_: setattr(self, "viewer", None))
        viewer.open()

    def start_save(self) -> None:
        self.replace_path = ""
        c = self.container
        self.ids.path.text = default_save_path(c.name or c.short_id if c else "container")
        self._show_savebar(True)

    def cancel_save(self) -> None:
        self._show_savebar(False)
        self.replace_path = ""

    def _show_savebar(self, shown: bool) -> None:
        self.saving = shown
        bars = self.ids.bars
        bars.clear_widgets()
        bars.add_widget(self._savebar if shown else self._toolbar)

    def save(self) -> None:
        """Write the lines held now to the path in the field, on a worker thread.

        Never a silent overwrite: when something is at the path the bar comes back asking to
        Replace it; the file is written whole beside the destination, then renamed into place
        (a link there is replaced, not followed). See :mod:`genet_kivy.save_file`.
        """
        path = os.path.expanduser(self.ids.path.text.strip())
        if not path:
            self.app.notify("Type a file path to save the logs to.", "error")
            return
        lines, stamped = self.model.lines(), self.timestamps
        replace = path == self.replace_path
        count = len(lines)

        def write() -> str:  # on a worker thread: the text is built there too
            write_new_file(path, saved_text(lines, stamped), replace=replace)
            return path

        def failed(exc: Exception) -> None:
            if isinstance(exc, FileExists):
                self.replace_path = path
                self.ids.path.text = path  # as expanded: the button says Replace for it
                self._show_savebar(True)
                self.app.notify(f"{path} already exists: Replace it, or type another name.",
                                "error")
            else:
                self.app.notify(f"Could not save the logs: {exc}", "error")

        self._show_savebar(False)
        self.app.run_once(
            reactivex.from_callable(write, scheduler=NewThreadScheduler()),
            lambda where: self.app.notify(f"Saved {count:,} lines to {where}", "info"),
            failed,
        )
