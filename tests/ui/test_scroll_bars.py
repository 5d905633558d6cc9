"""A scroll view scrolled many times in a moment keeps one binding of its bar colour: Kivy 2.3
added one a scroll and took one off (genet_kivy/scroll_bars.py; bench item 8 found the app
growing by ~0.6 MiB a minute with a followed log)."""

from __future__ import annotations

from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

import genet_kivy.app  # noqa: F401  (importing the app applies the fix)


def test_a_scroll_view_scrolled_many_times_keeps_one_bar_colour_binding(frames):
    view = ScrollView(size=(100, 100), size_hint=(None, None))
    view.add_widget(Label(size_hint_y=None, height=1000))
    for i in range(20):  # a frame each: Kivy updates a scroll view once a frame
        view.scroll_y = i % 2
        frames.step(1)
    assert len(view.get_property_observers("bar_color")) == 1


def test_its_bar_still_fades_to_the_inactive_colour(frames):
    view = ScrollView(size=(100, 100), size_hint=(None, None), bar_color=(1, 0, 0, 1),
                      bar_inactive_color=(0, 0, 1, 1))
    view.add_widget(Label(size_hint_y=None, height=1000))
    frames.step(1)
    view.scroll_y = 0.5
    frames.until(lambda: tuple(view._bar_color) == (0, 0, 1, 1), timeout=5,
                 what="the bar faded to its inactive colour")
