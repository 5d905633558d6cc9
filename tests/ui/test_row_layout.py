"""RowLayout (genet_kivy/row_layout.py): rows sized by their ``height`` alone are laid out by
its own short loops; a list with a row sized some other way goes to RecycleBoxLayout."""

from __future__ import annotations

import pytest
from kivy.lang import Builder

pytestmark = pytest.mark.ui

LIST = """
RecycleView:
    size_hint: None, None
    size: 400, 300
    key_viewclass: 'viewclass'
    RowLayout:
        orientation: 'vertical'
        size_hint_y: None
        height: self.minimum_height
        default_size_hint: 1, None
"""


def row(text, height, **more):
    return {"viewclass": "Label", "text": text, "height": height, **more}


def laid_out(kivy_window, frames, data):
    import genet_kivy.row_layout  # noqa: F401 (registers RowLayout with the Factory)

    rv = Builder.load_string(LIST)
    kivy_window.add_widget(rv)
    try:
        rv.data = data
        frames.until(lambda: len(rv.layout_manager.children) == len(data), what="rows")
        frames.step(2)
        return sorted(round(v.height) for v in rv.layout_manager.children)
    finally:
        kivy_window.remove_widget(rv)


def test_rows_sized_by_height_are_as_high_as_their_data_says(kivy_window, frames):
    rows = [row("a", 40), row("b", 60)]
    assert laid_out(kivy_window, frames, rows) == [40, 60]


def handed_on(monkeypatch):
    """The calls RowLayout hands to RecycleBoxLayout's own sizing."""
    from kivy.uix.recycleboxlayout import RecycleBoxLayout

    calls: list[int] = []
    original = RecycleBoxLayout.compute_sizes_from_data

    def spy(self, data, flags):
        calls.append(len(data))
        return original(self, data, flags)

    monkeypatch.setattr(RecycleBoxLayout, "compute_sizes_from_data", spy)
    return calls


def test_rows_sized_by_height_alone_never_reach_recycleboxlayout(kivy_window, frames,
                                                                 monkeypatch):
    calls = handed_on(monkeypatch)
    laid_out(kivy_window, frames, [row("a", 40), row("b", 60)])
    assert calls == []


def test_a_list_with_a_row_sized_another_way_goes_to_recycleboxlayout(kivy_window, frames,
                                                                     monkeypatch):
    calls = handed_on(monkeypatch)
    rows = [row("a", 40), row("b", 60, size_hint_y=None)]
    laid_out(kivy_window, frames, rows)
    assert 2 in calls
