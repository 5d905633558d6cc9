"""The pull dialog: a reference, Pull, and while it runs one bar for the whole pull and one
line per layer, with Cancel. Closing it leaves the pull running (the top bar shows it)."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from genet_rx.api.pull import parse_reference

from .base import DialogCard, tasks_of
from .pull_rows import bytes_line, layer_lines, percent
from .pull_session import PullSession, PullState, pull_key


class PullDialog(DialogCard):
    """Shows one PullSession (none before Pull is tapped)."""

    focus_id = "reference"

    reference = StringProperty("")
    running = BooleanProperty(False)
    status = StringProperty("")
    amount = StringProperty("")  # bytes done of bytes known
    fraction = NumericProperty(0.0)
    known = BooleanProperty(False)  # a fraction is known (else the bar shows nothing yet)
    lines = ListProperty([])  # one text a layer

    def __init__(self, app: Any, reference: str = "", **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.reference = reference
        self.session: PullSession | None = None

    def submit(self) -> None:
        """Pull: start a pull of the reference typed (not while one of this dialog runs)."""
        if self.running:
            return
        reference = self.ids.reference.text.strip()
        try:
            parse_reference(reference)
        except ValueError:
            what = f"“{reference}” is not" if reference else "Type"
            self.error = f"{what} an image reference, like busybox or registry:5000/team/app:1.2."
            return
        other = tasks_of(self.app).get(pull_key(reference))
        if other is not None and other.reopen is not None:
            self.dismiss()
            other.reopen()  # already being pulled: show that pull
            return
        self.error = ""
        session = PullSession(self.app, reference)
        session.listen(self._show)
        self.session = session
        session.quiet = True
        self._show(session)
        session.start(reopen=self.open)

    def cancel_pull(self) -> None:
        if self.session is not None:
            self.session.cancel()

    def dismiss(self, *args: Any, **kwargs: Any) -> None:
        if self.session is not None:
            self.session.quiet = False  # closed: an error now comes as a notice
        super().dismiss(*args, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> None:
        if self.session is not None:
            self.session.quiet = True
        super().open(*args, **kwargs)

    def _show(self, session: PullSession) -> None:
        progress = session.progress
        self.running = session.running
        self.reference = session.reference
        fraction = progress.fraction
        self.known = fraction is not None
        self.fraction = fraction or 0.0
        self.amount = bytes_line(progress)
        self.lines = layer_lines(progress)
        state = session.state
        if state is PullState.RUNNING:
            self.status = f"Pulling {session.reference} {percent(fraction)}".rstrip()
        elif state is PullState.DONE:
            self.status = f"Pulled {session.reference}"
        elif state is PullState.CANCELLED:
            self.status = "Cancelled: the engine stops the pull and keeps nothing of it."
        else:
            self.status = f"Pulling {session.reference} failed"
            self.error = session.error
