"""Scrolling views clipped by the scissor box, not the stencil buffer.

Kivy clips every ScrollView (so every RecycleView) through its ``<StencilView>`` rule: a
stencil push, a rectangle the size of the view, a stencil use before its children, and a
second rectangle and a pop after them. Each of those rectangles is a fill of the whole view:
with Mesa's software GL (llvmpipe, what a Raspberry Pi kiosk or Xvfb draws with) a repaint of
Genet's 1280x800 window filled ~1.6 windows' worth of stencil pixels (the container list, the
detail page and the navigation rail, twice each), about a third of the repaint's CPU (timed:
~50 → ~34 ms a ``Window.flip``). A scissor box clips the same rectangle for free: nothing is
drawn to set it.

:func:`use_scissor` (``on_kv_post`` of every ScrollView, ``kv/scrolling.kv``) swaps the
rule's six stencil instructions for a ``ScissorPush`` where the push was and a ``ScissorPop``
where the pop was; nested views intersect their boxes as nested stencils did. The box is in
framebuffer pixels, so it is placed while drawing: a ``Callback`` just before the push takes
the view's corners through the modelview matrix in force there (the window's rotation,
``--rotate``, and the pan that keeps a focused field above the on-screen keyboard, or any
transform an ancestor pushed), and moves the box only when it changed. Not for a view drawn
into an Fbo (its pixels are not the window's); Genet draws none.

:func:`skip_while_transparent` clips a widget hidden by opacity 0 to an empty box, so the
instructions Kivy still draws for it shade no pixel; :func:`fill_by_clearing` paints a panel's
plain background by clearing its box rather than shading a Rectangle.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.graphics import BindTexture, Callback, ClearBuffers, ClearColor, Color, Rectangle
from kivy.graphics.scissor_instructions import ScissorPop, ScissorPush
from kivy.graphics.stencil_instructions import StencilPop, StencilPush, StencilUnUse, StencilUse

#: Rounding slack: a rotation leaves 1e-13 where a whole pixel was meant.
EPS = 1e-6


def use_scissor(view: Any) -> None:
    """Clip ``view`` (a StencilView, e.g. a ScrollView) with a scissor box instead of the
    stencil buffer; a view already switched, or without the stencil rule, is left as is."""
    from kivy.core.window import Window  # here: importing this module opens no window

    before, after = view.canvas.before, view.canvas.after
    start = _drop(before, StencilPush, StencilUse)
    end = _drop(after, StencilUnUse, StencilPop)
    if start is None or end is None:
        return
    box = ScissorPush()

    def place(_instruction: Any) -> None:
        move(box, framebuffer_box(Window.render_context["modelview_mat"], view.x, view.y,
                                  view.right, view.top))

    before.insert(start, box)
    before.insert(start, Callback(place))
    after.insert(end, ScissorPop())


def fill_by_clearing(widget: Any) -> None:
    """Paint ``widget``'s background, the first Color and Rectangle of its ``canvas.before``
    (a plain opaque colour over the whole widget, as kv declares it), by clearing the
    widget's box instead of drawing the Rectangle.

    Kivy draws every Rectangle with its one shader, which samples a texture for each fragment
    (a 1x1 white one for a plain colour) and blends it; Mesa's software GL clears a scissored
    box without a shader. The sidebar's panel, a third of a 1280x800 window, cost ~1.6 ms of
    llvmpipe a repaint more as a Rectangle. The Rectangle leaves the canvas; in its place a
    ``Callback`` places a scissor box on the widget (as :func:`use_scissor` does) and takes
    the Color's current rgba (a theme switch), then ``ClearColor``, ``ClearBuffers`` (colour
    only) and ``ScissorPop``. A clear ignores opacity and alpha: only for a widget always
    drawn at full opacity, with an opaque colour, outside any clipped view.
    """
    from kivy.core.window import Window  # here: importing this module opens no window

    before = widget.canvas.before
    items = list(before.children)
    color = next(i for i in items if isinstance(i, Color))
    rect = next(i for i in items[items.index(color):] if isinstance(i, Rectangle))
    at = before.indexof(rect)
    before.remove(rect)
    box, clear = ScissorPush(), ClearColor(*color.rgba)

    def place(_instruction: Any) -> None:
        move(box, covered_box(Window.render_context["modelview_mat"], widget.x, widget.y,
                              widget.right, widget.top))
        if list(clear.rgba) != list(color.rgba):
            clear.rgba = color.rgba

    fill = (Callback(place), box, clear,
            ClearBuffers(clear_color=True, clear_depth=False, clear_stencil=False), ScissorPop())
    for k, instruction in enumerate(fill):
        before.insert(at + k, instruction)


def move(box: Any, wanted: tuple[int, int, int, int]) -> None:
    """Set the ScissorPush ``box`` to ``wanted`` (x, y, width, height), if it is elsewhere."""
    if wanted != (box.x, box.y, box.width, box.height):
        x, y, w, h = wanted
        # x last: in Kivy 2.3 the width setter rebuilds the box with y for x; the x setter
        # rebuilds it from all four.
        box.width, box.height, box.y, box.x = w, h, y, x


def skip_while_transparent(widget: Any) -> None:
    """Draw nothing of ``widget`` while its opacity is 0.

    Kivy draws a widget at opacity 0 in full (its colours' alpha times 0), and software GL
    shades and blends every fragment of it all the same: the detail pane's control bar, kept
    in the layout but hidden while no container is selected, cost ~1 ms of llvmpipe a
    repaint. While the opacity is 0 an empty scissor box is pushed before the widget's canvas
    (first in ``canvas.before``) and popped after it (last in ``canvas.after``), so every
    draw in between is culled before a pixel is shaded; at any other opacity both are gone.
    """
    push, pop = ScissorPush(x=0, y=0, width=0, height=0), ScissorPop()

    def follow(_widget: Any, opacity: float) -> None:
        hidden = push in widget.canvas.before.children
        if opacity == 0 and not hidden:
            widget.canvas.before.insert(0, push)
            widget.canvas.after.add(pop)
        elif opacity != 0 and hidden:
            widget.canvas.before.remove(push)
            widget.canvas.after.remove(pop)

    widget.fbind("opacity", follow)
    follow(widget, widget.opacity)


def framebuffer_box(modelview: Any, x0: float, y0: float, x1: float,
                    y1: float) -> tuple[int, int, int, int]:
    """(x, y, width, height) in framebuffer pixels, whole pixels covering the rectangle
    (x0, y0)-(x1, y1) drawn under ``modelview`` (the window's projection maps its units to
    pixels one to one; its modelview holds the rotation and the on-screen keyboard's pan)."""
    ax, ay, _ = modelview.transform_point(x0, y0, 0)
    bx, by, _ = modelview.transform_point(x1, y1, 0)
    left, bottom = math.floor(min(ax, bx) + EPS), math.floor(min(ay, by) + EPS)
    right, top = math.ceil(max(ax, bx) - EPS), math.ceil(max(ay, by) - EPS)
    return left, bottom, max(0, right - left), max(0, top - bottom)


def covered_box(modelview: Any, x0: float, y0: float, x1: float,
                y1: float) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the framebuffer pixels whose centres lie in the rectangle
    (x0, y0)-(x1, y1) drawn under ``modelview``: the pixels a Rectangle there fills, so a
    clear of this box paints what the Rectangle would (at a fractional offset too: the
    on-screen keyboard's pan)."""
    ax, ay, _ = modelview.transform_point(x0, y0, 0)
    bx, by, _ = modelview.transform_point(x1, y1, 0)
    left, bottom = math.ceil(min(ax, bx) - 0.5 - EPS), math.ceil(min(ay, by) - 0.5 - EPS)
    right, top = math.ceil(max(ax, bx) - 0.5 - EPS), math.ceil(max(ay, by) - 0.5 - EPS)
    return left, bottom, max(0, right - left), max(0, top - bottom)


def _drop(canvas: Any, first: type, last: type) -> int | None:
    """Remove the run ``first``, its mask (a Rectangle, maybe after a BindTexture), ``last``
    from ``canvas``; the index where it began, or None when there is no such run."""
    items = list(canvas.children)
    starts = [i for i, ins in enumerate(items) if isinstance(ins, first)]
    ends = [i for i, ins in enumerate(items) if isinstance(ins, last)]
    if not starts or not ends or ends[0] < starts[0]:
        return None
    run = items[starts[0]:ends[0] + 1]
    if not all(isinstance(ins, (first, last, Rectangle, BindTexture)) for ins in run):
        return None
    for gone in run:
        if not isinstance(gone, BindTexture):  # a Rectangle's own: goes with it
            canvas.remove(gone)
    return starts[0]
