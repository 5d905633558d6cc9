"""Writing a file the way a careful editor does: never a silent overwrite, never half a file.

Pure: no Kivy. :func:`write_new_file` writes ``text`` to a temporary file in the destination's
own folder, flushes it to disk, then puts it in place in one step:

* not replacing: a hard link to the destination name, which fails if anything (a file, a
  directory, a symbolic link) has appeared there meanwhile — :class:`FileExists`, so the
  caller can ask the person first;
* replacing (they said yes): a rename over the name, which replaces the entry itself: a
  symbolic link at the destination is replaced by the file, its target is never written.

Either way a reader sees the old file or the whole new one, never a part, and a failure
leaves no temporary file behind. The new file is readable by its owner only (logs may hold
secrets).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class FileExists(FileExistsError):
    """Something is already at the destination: ask before replacing it."""


def write_new_file(path: str | os.PathLike[str], text: str, replace: bool = False) -> Path:
    """Write ``text`` (UTF-8) at ``path`` atomically; see the module doc. Returns the path."""
    dest = Path(path)
    if dest.is_dir() and not dest.is_symlink():
        raise IsADirectoryError(f"{dest} is a folder")
    if not replace and os.path.lexists(dest):
        raise FileExists(f"{dest} already exists")
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(tmp, dest)
        else:
            _link_new(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return dest


def _link_new(tmp: str, dest: Path) -> None:
    """Give ``tmp`` the name ``dest`` only if nothing has that name (atomically when the file
    system has hard links)."""
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise FileExists(f"{dest} already exists") from None
    except OSError:  # no hard links here (some FUSE or network file systems)
        if os.path.lexists(dest):
            raise FileExists(f"{dest} already exists") from None
        os.replace(tmp, dest)
