"""``genet install-desktop``: a menu entry and icon for the user, so Genet appears in the
desktop's application menu (freedesktop Desktop Entry and Icon Theme specs). No Kivy here.

Files go under ``$XDG_DATA_HOME`` (default ``~/.local/share``): ``applications/genet.desktop``
and ``icons/hicolor/scalable/apps/genet.svg``. ``Exec`` is the absolute path of the ``genet``
that ran the command, so the entry works for a pipx or virtualenv install that is not on the
menu's PATH.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ICON = Path(__file__).resolve().parent / "data" / "genet.svg"

_ENTRY = """\
[Desktop Entry]
Type=Application
Name=Genet
GenericName=Docker desktop
Comment=Live view of your Docker containers, images, volumes and networks
Exec={exec}
Icon=genet
Terminal=false
Categories=System;Monitor;
Keywords=docker;container;engine;
"""


def data_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("XDG_DATA_HOME") or Path(env.get("HOME", "~")) / ".local" / "share")


def targets(home: Path) -> tuple[Path, Path]:
    """Where the entry and the icon go."""
    return (home / "applications" / "genet.desktop",
            home / "icons" / "hicolor" / "scalable" / "apps" / "genet.svg")


def entry_text(executable: str) -> str:
    # The spec's Exec quoting: a path with spaces or specials is double-quoted, with
    # backslash before ", `, $ and \.
    if any(ch in executable for ch in ' \t\n"\'\\><~|&;$*?#()`'):
        escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in executable)
        executable = f'"{escaped}"'
    return _ENTRY.format(exec=executable)


def genet_executable() -> str:
    """The ``genet`` beside the running Python (a venv's bin), else the one on PATH."""
    beside = Path(sys.executable).parent / "genet"
    if beside.is_file():
        return str(beside)
    return shutil.which("genet") or str(beside)


def install(home: Path, executable: str) -> list[Path]:
    entry, icon = targets(home)
    for path in (entry, icon):
        path.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(entry_text(executable), encoding="utf-8")
    shutil.copyfile(ICON, icon)
    return [entry, icon]


def remove(home: Path) -> list[Path]:
    gone = []
    for path in targets(home):
        if path.exists():
            path.unlink()
            gone.append(path)
    return gone


def main(args: Sequence[str]) -> int:
    if args not in ([], ["--remove"]):
        print("usage: genet install-desktop [--remove]", file=sys.stderr)
        return 2
    home = data_home()
    if args:
        paths = remove(home)
        print("removed " + ", ".join(map(str, paths)) if paths else "nothing to remove")
    else:
        for path in install(home, genet_executable()):
            print(f"wrote {path}")
    return 0
