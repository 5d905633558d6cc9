"""Render genet_kivy/data/genet.png (the window icon: Kivy wants a bitmap) from genet.svg with
Kivy's own SVG drawing, off screen. Needs a display (Xvfb will do):

    xvfb-run -a .venv/bin/python scripts/render_icon.py \
        genet_kivy/data/genet.svg genet_kivy/data/genet.png
"""

from __future__ import annotations

import os
import sys

SIZE = 256  # px: the icon's side (the SVG is 128 units wide)


def main(svg_path: str, png_path: str) -> None:
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    from kivy.config import Config

    Config.set("graphics", "width", "300")
    Config.set("graphics", "height", "300")
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    from kivy.graphics import ClearBuffers, ClearColor, Fbo, PopMatrix, PushMatrix, Scale
    from kivy.graphics.svg import Svg

    fbo = Fbo(size=(SIZE, SIZE), with_stencilbuffer=True)
    with fbo:
        ClearColor(0, 0, 0, 0)
        ClearBuffers()
        PushMatrix()
        Scale(SIZE / 128.0, SIZE / 128.0, 1)
        Svg(svg_path)
        PopMatrix()
    fbo.draw()
    fbo.texture.save(png_path, flipped=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
