"""A fix to Kivy 2.3's ScrollView, applied once at import: every scroll bound its bar colour
again, and only one of those bindings was ever taken off.

``ScrollView.update_from_scroll`` (it runs on every change of ``scroll_x``/``scroll_y``, size or
content) does ``fbind('bar_color', self._change_bar_color)``, and a 0.5 s trigger later
``funbind``s it once. ``fbind`` keeps duplicates, so each update inside that half second left
one binding (a BoundCallback and a bound method) behind for good. A followed log scrolling to
its end many times a second grew the app by ~0.6 MiB a minute (bench item 8: +11.7 MiB in
20 minutes). Taking the binding off before Kivy puts it back keeps exactly one.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.scrollview import ScrollView

_update_from_scroll = ScrollView.update_from_scroll


def update_from_scroll(self: ScrollView, *largs: Any) -> None:
    """Kivy's, with the bar colour's binding taken off first. (Named as Kivy's: Kivy's
    triggers find a method again by its name.)"""
    self.funbind("bar_color", self._change_bar_color)
    _update_from_scroll(self, *largs)


# On the class, before any ScrollView is made: each binds its own update_from_scroll as it is
# made (RecycleView inherits it).
ScrollView.update_from_scroll = update_from_scroll
