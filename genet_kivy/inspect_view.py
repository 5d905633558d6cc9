"""The Inspect tab: the container's inspect document in collapsible, copyable sections.

The document is fetched (``engine.inspect``, on the main thread via ``app.on_main``) when the
tab shows a container, and again when its state or health changes; the rows are rebuilt only
when the document itself changed. Rows are drawn by a RecycleView: only the rows on screen
are widgets, so 10,000 variables and labels open as fast as ten. Sections come from the pure
:mod:`genet_kivy.inspect_doc`; whatever looks secret (see :mod:`genet_kivy.masking`) is
masked until its Show control is tapped, and copies keep what is still masked masked.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from reactivex.abc import DisposableBase

from genet_rx.model.containers import Container

from . import theme
from .inspect_doc import Section, document_text, entry_key, section_text, sections
from .live_view import LiveView

VALUE_CHARS = 2000  # characters of one value drawn (Copy takes all)


def _view_of(widget: Any) -> InspectView | None:
    view = widget.parent
    while view is not None and not isinstance(view, InspectView):
        view = view.parent
    return view


class SectionHeader(RecycleDataViewBehavior, ButtonBehavior, BoxLayout):
    """A section's title and count with a fold marker; Copy copies the section."""

    key = StringProperty("")
    title = StringProperty("")
    count = NumericProperty(0)
    collapsed = BooleanProperty(False)

    def on_release(self) -> None:
        view = _view_of(self)
        if view is not None:
            view.toggle(self.key)

    def copy(self) -> None:
        view = _view_of(self)
        if view is not None:
            view.copy_section(self.key)


class InspectRow(RecycleDataViewBehavior, BoxLayout):
    """``label   value``; a secret gets a Show/Hide control and is masked until shown.

    Its height follows its wrapped text: it measures itself when given a row, and the
    RecycleView's layout takes the new height.
    """

    key = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    secret = BooleanProperty(False)
    revealed = BooleanProperty(False)

    def refresh_view_attrs(self, rv: Any, index: int, data: dict[str, Any]) -> None:
        super().refresh_view_attrs(rv, index, data)
        self.fit()

    def refresh_view_layout(self, rv: Any, index: int, layout: Any, viewport: Any) -> None:
        super().refresh_view_layout(rv, index, layout, viewport)
        self.fit()

    def fit(self) -> None:
        """Take the height the wrapped label and value need (textures made now, not later)."""
        label, value = self.ids.label, self.ids.value
        for text in (label, value):
            text.texture_update()
        need = max(dp(theme.TAP) if self.secret else 0, label.texture_size[1],
                   value.texture_size[1]) + dp(4)
        if abs(self.height - need) > 0.5:
            self.height = need

    def reveal(self) -> None:
        view = _view_of(self)
        if view is not None:
            view.reveal(self.key)


class InspectView(LiveView):
    """Copy all, then each section: header (tap to fold) and its rows."""

    status = StringProperty("")
    loaded = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.doc: dict[str, Any] | None = None
        self.sections: list[Section] = []
        self.collapsed: set[str] = set()
        self.revealed: set[str] = set()
        self.builds = 0  # how many times the rows were rebuilt (tests, diagnostics)

    def stream_key(self, c: Container) -> Hashable | None:
        return (c.id, c.state, c.health)

    def open(self, c: Container) -> DisposableBase:
        self.status = "Loading…" if self.doc is None else self.status
        return self.app.on_main(self.app.engine_for(c).inspect(c.id)).subscribe(
            on_next=self._on_doc, on_error=self._on_error
        )

    def reset(self, c: Container | None) -> None:
        self.doc = None
        self.sections = []
        self.revealed = set()
        self.loaded = False
        self.status = ""
        self._build()

    def _on_doc(self, doc: Any) -> None:
        self.status = "As of " + time.strftime("%H:%M:%S")
        self.loaded = True
        if doc == self.doc:
            return  # the same document again (a state or health change): nothing to redraw
        self.doc = doc if isinstance(doc, dict) else {}
        self.sections = sections(doc)
        self._build()

    def _on_error(self, error: Exception) -> None:
        self.status = f"Could not inspect it: {error}"

    # -- taps ------------------------------------------------------------------------------

    def toggle(self, key: str) -> None:
        self.collapsed ^= {key}
        self._build()

    def reveal(self, key: str) -> None:
        """Show (or hide again) one masked entry; the value itself is never logged."""
        self.revealed ^= {key}
        self._build()

    def copy_section(self, key: str) -> None:
        section = next((s for s in self.sections if s.key == key), None)
        if section is not None:
            self.app.copy_text(section_text(section, self.revealed), what=section.title)

    def copy_all(self) -> None:
        if self.doc is not None:
            self.app.copy_text(document_text(self.doc, self.revealed), what="the inspect document")

    def expand_all(self, expanded: bool) -> None:
        self.collapsed = set() if expanded else {s.key for s in self.sections}
        self._build()

    # -- building --------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """The RecycleView's rows: a header per section, then its entries unless folded."""
        out: list[dict[str, Any]] = []
        header = dp(theme.TAP)
        entry = dp(30)
        for s in self.sections:
            out.append(
                {
                    "viewclass": "SectionHeader",
                    "key": s.key,
                    "title": s.title,
                    "count": sum(1 for e in s.entries if e.label),  # not a 'No mounts.' line
                    "collapsed": s.key in self.collapsed,
                    "height": header,
                }
            )
            if s.key in self.collapsed:
                continue
            for e in s.entries:
                key = entry_key(s.key, e.label)
                revealed = key in self.revealed
                value = e.shown(revealed)
                out.append(
                    {
                        "viewclass": "InspectRow",
                        "key": key,
                        "label": e.label,
                        "value": value if len(value) <= VALUE_CHARS else value[:VALUE_CHARS] + "…",
                        "secret": e.secret,
                        "revealed": revealed,
                        "height": header if e.secret else entry,
                    }
                )
        return out

    def _build(self) -> None:
        self.builds += 1
        self.ids.rv.data = self.rows()
