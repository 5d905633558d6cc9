"""The detail pane: one container's facts and its controls.

``DetailPane.show`` takes the container (or None), whether the engine is live, and which
control (if any) has a command on its way; it updates texts and button states in place.
Field widgets are rebuilt only when the *set* of fields changes (a different container, a
port appearing), never on every table.
"""

from __future__ import annotations

from kivy.app import App
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.stacklayout import StackLayout

from genet_rx.containers import Container

from .actions import LABEL, WORKING, Control, enabled, pause_control
from .buttons import FlatButton
from .describe import Field, detail_fields, state_color, state_word


class FieldRow(BoxLayout):
    """``Label   value`` with an optional Copy button."""

    key = StringProperty("")
    label = StringProperty("")
    value = StringProperty("")
    copyable = BooleanProperty(False)

    def on_kv_post(self, base_widget: object) -> None:
        if self.copyable:
            button = FlatButton(text="Copy", size_hint_x=None, width=dp(80), pos_hint={"top": 1})
            button.bind(on_release=lambda *_: self.copy())
            self.add_widget(button)

    def copy(self) -> None:
        App.get_running_app().copy_text(self.value)


# The buttons, in order; PAUSE stands for the one Pause/Unpause button.
BUTTONS: tuple[Control, ...] = (
    Control.START,
    Control.STOP,
    Control.RESTART,
    Control.PAUSE,
    Control.KILL,
    Control.REMOVE,
)


class ControlBar(StackLayout):
    """Start, Stop, Restart, Pause/Unpause, Kill, Remove (buttons declared in kv)."""

    def update(self, c: Container | None, live: bool, working: Control | None) -> None:
        for slot in BUTTONS:
            button = self.ids[f"ctl_{slot.value}"]
            control = pause_control(c.state) if (c is not None and slot is Control.PAUSE) else slot
            button.control = control.value
            button.working = working is control
            button.text = WORKING[control] if button.working else LABEL[control]
            button.disabled = (
                c is None or not live or working is not None or not enabled(control, c.state)
            )


class DetailPane(BoxLayout):
    """Name, state chip, controls, then the fields; a Back control on narrow screens."""

    title = StringProperty("")
    state_text = StringProperty("")
    state_color = ColorProperty((1, 1, 1, 1))
    placeholder = StringProperty("Select a container")
    has_container = BooleanProperty(False)
    narrow = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._keys: tuple[str, ...] = ()
        self._rows: dict[str, FieldRow] = {}

    def on_kv_post(self, base_widget: object) -> None:
        self._back = self.ids.back.__self__  # a strong reference: it leaves the tree
        self._place_back()

    def on_narrow(self, *_: object) -> None:
        self._place_back()

    def _place_back(self) -> None:
        """The Back control exists only on narrow screens (not just hidden: untappable)."""
        back = getattr(self, "_back", None)
        if back is None:
            return
        head = self.ids.head
        if self.narrow and back.parent is None:
            head.add_widget(back, index=len(head.children))
        elif not self.narrow and back.parent is not None:
            head.remove_widget(back)

    def show(self, c: Container | None, now_ns: int, live: bool, working: Control | None) -> None:
        self.has_container = c is not None
        self.ids.controls.update(c, live, working)
        if c is None:
            self.title = ""
            self.state_text = ""
            self._set_fields([])
            return
        self.title = c.name or c.short_id
        self.state_text = state_word(c)
        self.state_color = state_color(c)
        self._set_fields(detail_fields(c, now_ns))

    def field(self, key: str) -> str:
        """The text a field shows now ("" when it is not shown)."""
        row = self._rows.get(key)
        return row.value if row is not None else ""

    def _set_fields(self, fields: list[Field]) -> None:
        keys = tuple(f.key for f in fields)
        box = self.ids.fields
        if keys != self._keys:
            box.clear_widgets()
            self._rows = {}
            for f in fields:
                row = FieldRow(key=f.key, label=f.label, copyable=f.copyable)
                self._rows[f.key] = row
                box.add_widget(row)
            self._keys = keys
        for f in fields:
            self._rows[f.key].value = f.value
