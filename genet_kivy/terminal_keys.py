"""Keys as the bytes a terminal sends for them (xterm's choices), pure and Kivy-free.

Kivy reports a key press as a key code (its numbers: 13 Enter, 273 Up, …), the text it types
(if any) and the modifiers held. Printable text without Ctrl or Alt is left to the text-input
event (it knows the keyboard layout and Shift); everything else is mapped here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

ESC: Final = b"\x1b"

#: Kivy key codes of the keys that type no text.
ENTER, NUMPAD_ENTER, BACKSPACE, TAB, ESCAPE, DELETE = 13, 271, 8, 9, 27, 127
UP, DOWN, RIGHT, LEFT, INSERT, HOME, END, PAGE_UP, PAGE_DOWN = (
    273, 274, 275, 276, 277, 278, 279, 280, 281)
F1 = 282

_ARROWS: Final = {UP: b"A", DOWN: b"B", RIGHT: b"C", LEFT: b"D", HOME: b"H", END: b"F"}
_TILDE: Final = {INSERT: b"2", DELETE: b"3", PAGE_UP: b"5", PAGE_DOWN: b"6"}
_FUNCTION: Final = (b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS", b"\x1b[15~", b"\x1b[17~",
                    b"\x1b[18~", b"\x1b[19~", b"\x1b[20~", b"\x1b[21~", b"\x1b[23~", b"\x1b[24~")
_PLAIN: Final = {ENTER: b"\r", NUMPAD_ENTER: b"\r", BACKSPACE: b"\x7f", TAB: b"\t",
                 ESCAPE: ESC}
#: Names the on-screen keyboard uses for its special keys.
NAMED: Final = {"enter": ENTER, "backspace": BACKSPACE, "tab": TAB, "escape": ESCAPE,
                "up": UP, "down": DOWN, "left": LEFT, "right": RIGHT, "home": HOME, "end": END,
                "pageup": PAGE_UP, "pagedown": PAGE_DOWN, "delete": DELETE}


def ctrl_byte(char: str) -> bytes | None:
    """Ctrl with ``char``: a to z → 0x01 to 0x1a, ``@ [ \\ ] ^ _`` and space their C0 codes, ``?``
    DEL; None for a character Ctrl does nothing with."""
    if len(char) != 1:
        return None
    c = char.lower()
    if "a" <= c <= "z":
        return bytes([ord(c) - 96])
    if c in "@ ":
        return b"\x00"
    if c in "[\\]^_":
        return bytes([ord(c) - 64])
    if c == "?":
        return b"\x7f"
    return None


def _modifier_param(mods: frozenset[str]) -> int:
    """xterm's modifier parameter: 1 + Shift 1 + Alt 2 + Ctrl 4."""
    return 1 + ("shift" in mods) + 2 * ("alt" in mods) + 4 * ("ctrl" in mods)


def key_bytes(key: int, text: str | None = None, modifiers: Iterable[str] = (),
              app_cursor: bool = False) -> bytes | None:
    """What the terminal sends for a key press, or None to leave it to text input.

    ``app_cursor`` is DECCKM (set by ``vi``, ``top``, ``less``): unmodified arrows, Home and
    End then send ``ESC O x`` instead of ``ESC [ x``.
    """
    mods = frozenset(m for m in modifiers if m in ("ctrl", "alt", "shift"))
    param = _modifier_param(mods)
    if key in _ARROWS:
        if param > 1:
            return b"\x1b[1;%d%s" % (param, _ARROWS[key])
        return (b"\x1bO" if app_cursor else b"\x1b[") + _ARROWS[key]
    if key in _TILDE:
        if param > 1:
            return b"\x1b[%s;%d~" % (_TILDE[key], param)
        return b"\x1b[" + _TILDE[key] + b"~"
    if F1 <= key < F1 + len(_FUNCTION):
        return _FUNCTION[key - F1]
    if key == TAB and "shift" in mods:
        return b"\x1b[Z"
    if key in _PLAIN:
        plain = _PLAIN[key]
        if key == BACKSPACE and "ctrl" in mods:
            plain = b"\x08"
        return ESC + plain if "alt" in mods else plain
    char = text if text else (chr(key) if 32 <= key < 127 else None)
    if char is None:
        return None
    if "ctrl" in mods:
        code = ctrl_byte(char)
        if code is None:
            return None
        return ESC + code if "alt" in mods else code
    if "alt" in mods:
        return ESC + char.encode()
    return None  # plain text: the text-input event types it


def paste_bytes(text: str, bracketed: bool) -> bytes:
    """Pasted text as typed: newlines as Enter, wrapped in ``ESC[200~``…``ESC[201~`` when the
    program asked for bracketed paste (and with any such markers inside removed)."""
    body = text.replace("\r\n", "\r").replace("\n", "\r").encode()
    if not bracketed:
        return body
    body = body.replace(b"\x1b[200~", b"").replace(b"\x1b[201~", b"")
    return b"\x1b[200~" + body + b"\x1b[201~"
