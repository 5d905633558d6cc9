"""Scrolling views clip with a scissor box, not the stencil buffer (genet_kivy/clip.py): the
box lands where the view is drawn, rotated windows included, and what scrolls out of a view
is not drawn. And what a repaint draws goes through neither the stencil buffer nor an
invisible fill (under Mesa's software GL every instruction is shaded and blended, seen or not)."""

from __future__ import annotations

from math import radians

from engine_double import EngineDouble
from kivy.graphics.transformation import Matrix
from ui_harness import walk

from genet_kivy.clip import covered_box, framebuffer_box
from genet_rx.model.connection import Link
from genet_rx.model.containers import Container, State
from genet_rx.state.containers import from_rows


def window_modelview(fb_w: float, fb_h: float, rotation: int) -> Matrix:
    """The modelview Kivy's Window.update_viewport builds for a framebuffer of fb_w x fb_h
    turned by ``rotation`` degrees."""
    w, h = (fb_h, fb_w) if rotation in (90, 270) else (fb_w, fb_h)
    mat = Matrix().translate(fb_w / 2, fb_h / 2, 0)
    mat = mat.multiply(Matrix().rotate(radians(rotation), 0, 0, 1))
    return mat.multiply(Matrix().translate(-w / 2, -h / 2, 0))


def test_an_unturned_window_boxes_whole_pixels_around_the_view() -> None:
    assert framebuffer_box(window_modelview(1280, 800, 0), 10.5, 20, 110.2, 70) == (10, 20, 101,
                                                                                     50)


def test_a_window_turned_90_degrees_boxes_the_view_where_it_is_drawn() -> None:
    # 800x480 panel turned to portrait (480x800): the bottom strip of the portrait window is
    # the right-hand strip of the panel's framebuffer.
    assert framebuffer_box(window_modelview(800, 480, 90), 0, 0, 480, 100) == (700, 0, 100, 480)


def test_a_window_turned_270_degrees_boxes_the_view_where_it_is_drawn() -> None:
    assert framebuffer_box(window_modelview(800, 480, 270), 0, 0, 480, 100) == (0, 0, 100, 480)


def test_a_fill_s_box_is_the_pixels_whose_centres_it_covers() -> None:
    # A Rectangle from x 10.4 to 110.6 fills pixels 10 to 110 (centres 10.5 to 110.5); from
    # y 20 to 70.5, pixels 20 to 69 (70.5 is 70's centre: not inside).
    assert covered_box(window_modelview(1280, 800, 0), 10.4, 20, 110.6, 70.5) == (10, 20, 101,
                                                                                  50)


def test_a_fill_in_a_window_turned_90_degrees_covers_it_where_it_is_drawn() -> None:
    assert covered_box(window_modelview(800, 480, 90), 0, 0, 480, 100) == (700, 0, 100, 480)


def engine() -> EngineDouble:
    double = EngineDouble()
    double.push(from_rows([Container(id=f"{i:064x}", name=f"c{i:03d}", image="busybox",
                                     state=State.RUNNING) for i in range(40)]))
    double.link(Link.CONNECTED)
    return double


def stencils(widget) -> list[str]:
    return [type(i).__name__ for c in (widget.canvas.before, widget.canvas.after)
            for i in c.children if type(i).__name__.startswith("Stencil")]


def test_no_scrolling_view_of_the_app_fills_the_stencil_buffer(make_app, frames) -> None:
    from kivy.uix.scrollview import ScrollView

    app = make_app(engine(), (1280, 800))
    views = [w for w in walk(app.root) if isinstance(w, ScrollView)]
    assert views
    assert [stencils(v) for v in views if stencils(v)] == []


def stencilled_lines(group, alpha: float = 1.0, opacity: float = 1.0) -> tuple[list, float]:
    """The Lines under ``group`` that Kivy draws through the stencil buffer (wider than 1 under
    a colour whose alpha, times the canvases' opacity, is below 1: a stencil clear and two
    more fills each, every repaint), walked in drawing order; and the alpha in force after."""
    from kivy.graphics import Canvas, Color, Line

    found = []
    if isinstance(group, Canvas):
        opacity *= group.opacity
    for ins in group.children:
        if isinstance(ins, Color):
            alpha = ins.a * opacity
        elif isinstance(ins, Line) and ins.width != 1 and alpha < 1:
            found.append(ins)
        elif hasattr(ins, "children"):
            more, alpha = stencilled_lines(ins, alpha, opacity)
            found += more
    return found, alpha


def test_no_line_of_the_container_list_is_drawn_through_the_stencil_buffer(make_app, frames):
    from kivy.core.window import Window

    app = make_app(engine(), (1280, 800))
    frames.until(lambda: app.root.ids.sidebar.rv.layout_manager.children, what="rows on screen")
    assert stencilled_lines(Window.canvas)[0] == []


def test_no_line_of_select_mode_is_drawn_through_the_stencil_buffer(make_app, frames):
    from kivy.core.window import Window

    app = make_app(engine(), (1280, 800))
    frames.until(lambda: app.root.ids.sidebar.rv.layout_manager.children, what="rows on screen")
    app.containers.begin_select()
    frames.until(lambda: app.root.ids.sidebar.selecting, what="select mode")
    frames.step(3)
    assert stencilled_lines(Window.canvas)[0] == []


def test_no_flat_button_draws_a_border_image(make_app, frames):
    from kivy.graphics import BorderImage

    from genet_kivy.buttons import FlatButton

    app = make_app(engine(), (1280, 800))
    frames.until(lambda: app.root.ids.sidebar.rv.layout_manager.children, what="rows on screen")
    buttons = [w for w in walk(app.root) if isinstance(w, FlatButton)]
    assert buttons
    assert [b for b in buttons if any(isinstance(i, BorderImage) for i in b.canvas.children)] == []


def pixel(x: int, y: int) -> tuple[int, int, int]:
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels

    data = glReadPixels(x, y, 1, 1, GL_RGB, GL_UNSIGNED_BYTE)
    return data[0], data[1], data[2]


def test_the_panels_are_cleared_in_their_colour_not_drawn_as_rectangles(make_app, frames):
    from kivy.graphics import Rectangle

    from genet_kivy.theme import look

    app = make_app(engine(), (1280, 800))
    frames.until(lambda: app.root.ids.sidebar.rv.layout_manager.children, what="rows on screen")
    ids = app.root.ids
    panels = (ids.sidebar, ids.topbar, ids.nav)
    frames.step(3)
    assert [p for p in panels for i in p.canvas.before.children
            if isinstance(i, Rectangle) and tuple(i.size) == tuple(p.size)] == []
    panel = tuple(round(c * 255) for c in look.PANEL[:3])
    assert pixel(int(ids.topbar.center_x), int(ids.topbar.top) - 3) == panel
    assert pixel(int(ids.sidebar.x) + 3, int(ids.sidebar.top) - 3) == panel
    assert pixel(int(ids.nav.center_x), int(ids.nav.y) + 3) == panel


def test_what_scrolls_outside_a_view_is_not_drawn(kivy_window, frames) -> None:
    from kivy.graphics import Color, Rectangle
    from kivy.uix.scrollview import ScrollView
    from kivy.uix.widget import Widget

    from genet_kivy.clip import use_scissor

    view = ScrollView(size_hint=(None, None), pos=(100, 100), size=(200, 200))
    use_scissor(view)
    page = Widget(size_hint=(None, None), size=(1000, 1000))
    with page.canvas:
        Color(1, 0, 0, 1)
        Rectangle(pos=(0, 0), size=(2000, 2000))
    view.add_widget(page)
    kivy_window.clearcolor = (0, 0, 1, 1)
    kivy_window.add_widget(view)
    try:
        frames.step(3)
        assert stencils(view) == []
        assert pixel(150, 150) == (255, 0, 0)
        assert pixel(50, 150) == (0, 0, 255)
        assert pixel(150, 350) == (0, 0, 255)
        assert pixel(305, 305) == (0, 0, 255)
    finally:
        kivy_window.remove_widget(view)
        kivy_window.clearcolor = (0, 0, 0, 1)


def scissor_probe(widget) -> list[tuple[bool, tuple[int, ...]]]:
    """Adds a Callback to ``widget``'s canvas; the list it returns gets, at each draw, whether
    the scissor test is on and its box there."""
    from kivy.graphics import Callback
    from kivy.graphics.opengl import GL_SCISSOR_BOX, GL_SCISSOR_TEST, glGetIntegerv, glIsEnabled

    seen: list[tuple[bool, tuple[int, ...]]] = []
    widget.canvas.add(Callback(lambda _i: seen.append(
        (bool(glIsEnabled(GL_SCISSOR_TEST)), tuple(glGetIntegerv(GL_SCISSOR_BOX))))))
    return seen


def test_a_widget_at_opacity_0_draws_into_an_empty_box_and_shown_again_draws(kivy_window,
                                                                              frames) -> None:
    from kivy.uix.widget import Widget

    from genet_kivy.clip import skip_while_transparent

    widget = Widget(size_hint=(None, None), pos=(100, 100), size=(200, 200), opacity=0)
    skip_while_transparent(widget)
    seen = scissor_probe(widget)
    kivy_window.add_widget(widget)
    try:
        frames.until(lambda: seen, what="a draw while hidden")
        assert seen[-1] == (True, (0, 0, 0, 0))
        seen.clear()
        widget.opacity = 1
        frames.until(lambda: seen, what="a draw while shown")
        assert seen[-1][0] is False
    finally:
        kivy_window.remove_widget(widget)


def test_the_control_bar_hidden_with_no_container_draws_into_an_empty_box(make_app, frames):
    app = make_app(engine(), (1280, 800))
    frames.until(lambda: app.root.ids.sidebar.rv.layout_manager.children, what="rows on screen")
    detail = app.root.ids.detail
    detail.build()  # the body, as a selection builds it; no container is shown
    controls = detail.ids.controls
    assert controls.opacity == 0
    seen = scissor_probe(controls)
    app.root.canvas.ask_update()
    frames.until(lambda: seen, what="a draw of the control bar")
    assert seen[-1] == (True, (0, 0, 0, 0))
