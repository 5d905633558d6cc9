"""A terminal row as what the widget draws: runs of cells that share a look. Pure, Kivy-free.

pyte gives every cell a character, a foreground and a background (a name such as ``red`` or
``brightblue``, ``default``, or ``rrggbb`` hex for 256 and true colours), bold, underline and
reverse. :func:`row_runs` turns a row into the fewest runs of one look each, reverse already
applied (so it holds colours, never a flag to interpret), and :func:`markup` into Kivy markup
for one text texture per row; the backgrounds are drawn as rectangles under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from msgspec import Struct
from pyte.screens import Char

Rgba = tuple[float, float, float, float]

FOREGROUND: Final[Rgba] = (0.86, 0.87, 0.89, 1)
BACKGROUND: Final[Rgba] = (0.07, 0.075, 0.09, 1)

#: xterm's 16 colours, a little softened for a dark background; pyte says "brown" for yellow.
_PALETTE: Final[dict[str, str]] = {
    "black": "2e3436", "red": "e05561", "green": "8cc265", "brown": "d8a34f",
    "blue": "4aa5f0", "magenta": "c162de", "cyan": "42b3c2", "white": "d7dae0",
    "brightblack": "6b717d", "brightred": "ff616e", "brightgreen": "a5e075",
    "brightbrown": "f0c66c", "brightblue": "4dc4ff", "brightmagenta": "de73ff",
    "bfightmagenta": "de73ff",  # pyte's spelling of bright magenta backgrounds
    "brightcyan": "4cd1e0", "brightwhite": "ffffff",
}


def rgba(color: str, default: Rgba) -> Rgba:
    """A pyte colour as RGBA (``default`` for "default" or anything unreadable)."""
    hexa = _PALETTE.get(color, color)
    if len(hexa) != 6:
        return default
    try:
        value = int(hexa, 16)
    except ValueError:
        return default
    return ((value >> 16) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255, 1.0)


def to_hex(color: Rgba) -> str:
    return "".join(f"{round(c * 255):02x}" for c in color[:3])


class Run(Struct, frozen=True):
    """Cells ``start`` … ``start + len(text) - 1`` of a row, drawn one way."""

    start: int
    text: str
    fg: Rgba
    bg: Rgba | None  # None: the terminal's own background
    bold: bool = False
    underline: bool = False


def cell_look(char: Char) -> tuple[Rgba, Rgba | None, bool, bool]:
    """(foreground, background or None, bold, underline), reverse applied."""
    fg = rgba(char.fg, FOREGROUND)
    bg = rgba(char.bg, BACKGROUND) if char.bg != "default" else None
    if char.reverse:
        fg, bg = (bg or BACKGROUND), fg
    return fg, bg, bool(char.bold), bool(char.underscore)


def row_runs(line: Mapping[int, Char], columns: int) -> tuple[Run, ...]:
    """The row's runs, left to right; trailing blank cells on the plain background dropped."""
    runs: list[Run] = []
    start, chars, look = 0, [], None
    for x in range(columns):
        char = line.get(x)
        this = cell_look(char) if char is not None else (FOREGROUND, None, False, False)
        data = char.data if char is not None else " "
        if this != look:
            if look is not None and chars:
                runs.append(Run(start, "".join(chars), *look))
            start, chars, look = x, [], this
        chars.append(data)
    if look is not None and chars:
        runs.append(Run(start, "".join(chars), *look))
    while runs and runs[-1].bg is None and not runs[-1].underline:
        last = runs[-1]
        text = last.text.rstrip(" ")
        if text:
            runs[-1] = Run(last.start, text, last.fg, None, last.bold, last.underline)
            break
        runs.pop()
    return tuple(runs)


def escape(text: str) -> str:
    """Text safe inside Kivy markup."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def markup(runs: tuple[Run, ...]) -> str:
    """One row's text as Kivy markup (colour, bold, underline per run), from cell 0."""
    parts: list[str] = []
    column = 0
    for run in runs:
        if run.start > column:
            parts.append(" " * (run.start - column))
        text = escape(run.text)
        if run.bold:
            text = f"[b]{text}[/b]"
        if run.underline:
            text = f"[u]{text}[/u]"
        parts.append(f"[color=#{to_hex(run.fg)}]{text}[/color]")
        column = run.start + len(run.text)
    return "".join(parts)


def selected_text(rows: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text between two (row, column) cells of ``rows`` (in either order), lines joined
    with newlines as a terminal copies them."""
    (r0, c0), (r1, c1) = sorted((start, end))
    if not rows:
        return ""
    out: list[str] = []
    for r in range(max(0, r0), min(r1, len(rows) - 1) + 1):
        text = rows[r]
        left = c0 if r == r0 else 0
        right = c1 + 1 if r == r1 else len(text)
        out.append(text[left:right].rstrip())
    return "\n".join(out)
