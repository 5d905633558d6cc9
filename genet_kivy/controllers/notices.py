"""What the app tells a person (notices that stay or fade) and asks before acting (dialogs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from ..actions import Question
from ..notices import ConfirmDialog

INFO_SECONDS = 5.0  # an info notice goes away on its own after this long


class Notices:
    """Notices on the shell, and the one open dialog (``dialog``: None when none is open)."""

    def __init__(self, shell: Callable[[], Any]) -> None:
        self._shell = shell
        self._timer: Any = None
        self.dialog: Any = None

    def notify(self, text: str, kind: str = "info") -> None:
        shell = self._shell()
        if shell is None:
            return
        shell.set_notice(text, kind)
        self._cancel_timer()
        if kind == "info":
            self._timer = Clock.schedule_once(lambda _dt: self.dismiss(), INFO_SECONDS)

    def dismiss(self) -> None:
        shell = self._shell()
        if shell is not None:
            shell.clear_notice()

    def ask(self, question: Question, on_yes: Callable[[], None], tone: str = "danger") -> Any:
        """Open a confirmation; ``on_yes`` runs only if the person says yes."""
        dialog = ConfirmDialog(on_yes=on_yes, title=question.title, text=question.text,
                               yes_text=question.yes)
        dialog.ids.yes.tone = tone
        return self.show(dialog)

    def show(self, dialog: Any) -> Any:
        """Open any ModalView as the current dialog (it is forgotten once dismissed)."""
        self.dialog = dialog
        dialog.bind(on_dismiss=lambda *_: self._forget(dialog))
        dialog.open()
        return dialog

    def _forget(self, dialog: Any) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def stop(self) -> None:
        self._cancel_timer()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
