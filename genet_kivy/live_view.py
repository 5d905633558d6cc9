"""A detail tab that shows a stream: opened only while it is on screen, for one container.

The detail pane calls :meth:`LiveView.show_container` with the selected container on every
refresh while the tab is shown, and :meth:`LiveView.leave` when the tab leaves the screen
(another tab, no selection, the container gone, the app stopping), and while the engine is
not reachable (it is opened again when the engine is back). A subclass says which
stream it needs (:meth:`stream_key`, None for none) and opens it (:meth:`open`, returning the
Disposable); the base class disposes the old stream whenever that key changes, and calls
:meth:`reset` when the container changes. Streams' values reach the widgets only through
``app.on_main`` (``observe_on`` the Kivy scheduler) or ``batched_on`` that scheduler.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from reactivex.abc import DisposableBase
from reactivex.disposable import SerialDisposable

from genet_rx.model.containers import Container


class LiveView(BoxLayout):
    """Base of the Logs, Stats and Inspect tabs (see the module doc)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stream = SerialDisposable()
        self._key: Hashable | None = None
        self._cid: str | None = None
        self.container: Container | None = None
        self.opened = 0  # streams opened so far (tests, diagnostics)

    @property
    def app(self) -> Any:
        return App.get_running_app()

    @property
    def streaming(self) -> bool:
        """Whether a stream is held open now (one that ended by itself still counts until
        its key changes: it is not reopened for the same key)."""
        return self._key is not None

    def show_container(self, c: Container | None) -> None:
        """The tab is on screen showing ``c``: open, keep, or swap its stream."""
        cid = c.id if c is not None else None
        if cid != self._cid:
            self._close()
            self._cid = cid
            self.reset(c)
        self.container = c
        live = bool(getattr(self.app, "live", True))
        # No engine, no stream: it is opened again (a new subscription) once the engine is back.
        key = self.stream_key(c) if c is not None and live else None
        if key != self._key:
            self._close()
            if key is not None and c is not None:
                self._key = key
                self.opened += 1
                self._stream.disposable = self.open(c)
        self.update(c)

    def reopen(self) -> None:
        """Close and open the stream again (an option of the request changed)."""
        self._close()
        self.show_container(self.container)

    def leave(self) -> None:
        """The tab left the screen: let its stream go and forget the container."""
        self._close()
        self._cid = None
        self.container = None
        self.reset(None)

    def _close(self) -> None:
        self._key = None
        self._stream.disposable = None  # disposes the previous one

    # -- for subclasses ------------------------------------------------------------------

    def stream_key(self, c: Container) -> Hashable | None:
        """What identifies the stream this tab needs for ``c`` (None: no stream)."""
        return None

    def open(self, c: Container) -> DisposableBase:
        raise NotImplementedError

    def reset(self, c: Container | None) -> None:
        """Forget what was shown (a different container, or none)."""

    def update(self, c: Container | None) -> None:
        """The container's row changed (or the once-a-second tick): refresh its words."""
